"""Forms of the orientation pages: the list filter, a new request, a transition with its reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.offers.choices import FacilityKind
from parcours.territories.models import Territory

from .choices import ExitDestination, ProposalStatus, RefusalSide, RequestStatus


class RequestFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("État"), choices=[("", _("Tous"))] + RequestStatus.choices, required=False
    )


class RequestForm(StyledFormMixin, forms.Form):
    wished_kinds = forms.MultipleChoiceField(
        label=_("Types d'offre souhaités"), choices=FacilityKind.choices, widget=forms.CheckboxSelectMultiple
    )
    wished_territories = forms.CharField(
        label=_("Départements souhaités"),
        max_length=100,
        help_text=_("Codes des départements par ordre de préférence, séparés par des virgules : 93, 75."),
    )
    max_rent = forms.DecimalField(
        label=_("Loyer maximum (€)"), min_value=0, max_digits=8, decimal_places=2, required=False
    )

    def clean_wished_territories(self):
        codes = [c.strip() for c in self.cleaned_data["wished_territories"].split(",") if c.strip()]
        if not codes:
            raise forms.ValidationError(_("Indiquez au moins un département souhaité."))
        known = set(Territory.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(_("Départements inconnus : %(c)s.") % {"c": ", ".join(unknown)})
        return codes


class TransitionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RenewForm(StyledFormMixin, forms.Form):
    """No field: renewing says "this request still holds" (a button)."""


REFERENT_CHOICES_SHOWN = 10


def social_workers(organization=None):
    """Active social workers (active accounts), of one organization when given, by name."""
    from django.contrib.auth import get_user_model

    from parcours.accounts.models import Membership
    from parcours.accounts.roles import Role

    memberships = Membership.objects.filter(role=Role.SOCIAL_WORKER, active=True, organization__active=True)
    if organization is not None:
        memberships = memberships.filter(organization=organization)
    return (
        get_user_model()
        .objects.filter(pk__in=memberships.values("user_id"), is_active=True)
        .order_by("last_name", "first_name", "pk")
    )


def search_social_workers(text: str, organization=None, *, limit: int = REFERENT_CHOICES_SHOWN):
    """The social workers whose name or login holds every word typed (accents and case ignored)."""
    from django.db.models import Q

    words = (text or "").split()
    if not words:
        return []
    found = social_workers(organization)
    for word in words[:4]:
        found = found.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(username__icontains=word)
        )
    return list(found[:limit])


def _matches(user, text: str) -> bool:
    """Whether every word typed is in this user's name or login (as search_social_workers finds them)."""
    fields = [user.first_name.casefold(), user.last_name.casefold(), user.get_username().casefold()]
    return all(any(word.casefold() in f for f in fields) for word in text.split()[:4])


class ReferentTransferForm(StyledFormMixin, forms.Form):
    """The referent is searched by name (issue 18: no select of every social worker of the network):
    with JavaScript, a combobox lists the matches as one types (htmx) and fills `referent` with the id
    of the one chosen; without it, the name typed is resolved on submit — one match is taken, several
    are offered as radio buttons (`referent`) to choose from."""

    organization = forms.ModelChoiceField(label=_("Nouvelle organisation référente"), queryset=None)
    referent_name = forms.CharField(
        label=_("Référent·e nommé·e (facultatif)"),
        required=False,
        max_length=150,
        help_text=_("Tapez une partie du nom, puis choisissez dans la liste."),
    )
    referent = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Motif du transfert"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, search_url: str = "", **kwargs):
        from parcours.accounts.models import Organization
        from parcours.accounts.roles import OrganizationType

        super().__init__(*args, **kwargs)
        # The select shows names only (issue 18: the whole rows of every organisation cost the page).
        self.fields["organization"].queryset = (
            Organization.objects.filter(
                type__in=(OrganizationType.ASSOCIATION, OrganizationType.SIAO_OPERATOR), active=True
            )
            .only("pk", "name")
            .order_by("name")
        )
        if self.is_bound:  # a hidden input: its choices only check what is posted
            self.fields["referent"].queryset = social_workers()
        listbox = f"{self.add_prefix('referent')}-listbox"
        self.fields["referent_name"].widget.attrs.update(
            {
                "role": "combobox",
                "autocomplete": "off",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": listbox,
                "aria-describedby": f"{self.add_prefix('referent_name')}-status",
                "data-combobox": self.add_prefix("referent"),
            }
        )
        if search_url:
            self.fields["referent_name"].widget.attrs.update(
                {
                    "hx-get": search_url,
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": f"#{listbox}",
                    "hx-swap": "innerHTML",
                    "hx-include": f"[name='{self.add_prefix('organization')}']",
                    "hx-sync": "this:replace",
                }
            )
        self.referent_choices = []  # several matches of the name typed without JavaScript

    def clean(self):
        data = super().clean()
        name = (data.get("referent_name") or "").strip()
        if not name:
            data["referent"] = None  # the name was erased: no named referent
            return data
        chosen = data.get("referent")
        if chosen is not None and (name == person_name(chosen) or _matches(chosen, name)):
            return data  # picked in the combobox, or among the radio buttons offered
        found = search_social_workers(name, data.get("organization"), limit=REFERENT_CHOICES_SHOWN + 1)
        if len(found) == 1:
            data["referent"] = found[0]
            data["referent_name"] = person_name(found[0])
        elif not found:
            self.add_error(
                "referent_name",
                _("Aucun·e travailleur·se social·e de l'organisation choisie ne porte ce nom."),
            )
        else:
            self.referent_choices = found[:REFERENT_CHOICES_SHOWN]
            self.add_error("referent_name", _("Plusieurs personnes portent ce nom : choisissez-en une."))
        return data


def person_name(user) -> str:
    """A colleague by name (« Camille Martin »); the login only when the account has no name."""
    return user.get_full_name().strip() or user.get_username()


class TerritoryTransferForm(StyledFormMixin, forms.Form):
    territory = forms.ModelChoiceField(
        label=_("Département du SIAO qui reprend la demande"),
        queryset=Territory.objects.order_by("code"),
        to_field_name="code",
    )
    reason = forms.CharField(label=_("Motif du transfert"), widget=forms.Textarea(attrs={"rows": 2}))


class RequestChoiceField(forms.ModelChoiceField):
    """An insertion request named by its household as the form's user may read it (households.display)."""

    user = None

    def label_from_instance(self, insertion_request):
        from django.utils.formats import date_format

        from parcours.households.display import household_label

        if self.user is None:
            return str(insertion_request)
        name = household_label(self.user, insertion_request.household).text
        if insertion_request.seniority_date:
            since = date_format(insertion_request.seniority_date, "j F Y")
            return _("%(household)s — ancienneté du %(date)s") % {"household": name, "date": since}
        return name


class ProposeForm(StyledFormMixin, forms.Form):
    request = RequestChoiceField(label=_("Ménage proposé"), queryset=None)

    def __init__(self, *args, requests=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = requests
        self.fields["request"].user = user


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Réponse"),
        choices=[("accepted", _("Acceptée")), ("refused", _("Refusée"))],
        widget=forms.RadioSelect,
    )
    side = forms.ChoiceField(
        label=_("Refus du côté"), choices=[("", "—"), *RefusalSide.choices], required=False
    )
    reason = forms.ChoiceField(label=_("Motif du refus"), choices=(), required=False)
    note = forms.CharField(
        label=_("Précision (sans donnée de santé)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, sides=None, **kwargs):
        from .models import RefusalReason

        super().__init__(*args, **kwargs)
        reasons = RefusalReason.objects.filter(active=True)
        if sides is not None:
            reasons = reasons.filter(side__in=sides)
            self.fields["side"].choices = [("", "—"), *[c for c in RefusalSide.choices if c[0] in sides]]
        groups = {}
        for r in reasons:
            groups.setdefault(RefusalSide(r.side).label, []).append((r.code, r.label))
        self.fields["reason"].choices = [("", "—"), *groups.items()]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refused":
            if not data.get("side"):
                self.add_error("side", _("Indiquez qui refuse : le ménage ou la structure."))
            if not data.get("reason"):
                self.add_error("reason", _("Choisissez un motif de refus dans la liste."))
        return data


class AdmitForm(StyledFormMixin, forms.Form):
    entered_on = forms.DateField(label=_("Date d'entrée"), widget=forms.DateInput(attrs={"type": "date"}))


class ExitForm(StyledFormMixin, forms.Form):
    exited_on = forms.DateField(label=_("Date de sortie"), widget=forms.DateInput(attrs={"type": "date"}))
    destination = forms.ChoiceField(label=_("Destination"), choices=[("", "—"), *ExitDestination.choices])


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Motif du retrait"), widget=forms.Textarea(attrs={"rows": 2}))


class PartnerLinkForm(StyledFormMixin, forms.Form):
    recipient = forms.EmailField(
        label=_("Adresse électronique du partenaire"),
        help_text=_("Le lien, personnel, montre cette proposition et la fiche partagée seulement."),
    )


class ProposalFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("État"), choices=[("", _("Tous"))] + ProposalStatus.choices, required=False
    )


class CommissionForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Date de la séance"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Intitulé (facultatif)"), max_length=200, required=False)


class LineDecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), choices=())
    request = forms.ModelChoiceField(label=_("Ménage proposé"), queryset=None, required=False)
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, line=None, requests=None, **kwargs):
        from .choices import REQUEST_DECISIONS, VACANCY_DECISIONS, LineKind

        super().__init__(*args, **kwargs)
        decisions = REQUEST_DECISIONS if line.kind == LineKind.REQUEST else VACANCY_DECISIONS
        self.fields["decision"].choices = [(d.value, d.label) for d in decisions]
        if line.kind == LineKind.REQUEST or requests is None:
            del self.fields["request"]
        else:
            self.fields["request"].queryset = requests


class CloseForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
