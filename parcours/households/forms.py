"""Forms of the household pages: opening a file, its people, editing, consent."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organization
from parcours.core.forms import StyledFormMixin
from parcours.territories.models import Territory

from .choices import (
    ChargeKind,
    ConsentPurpose,
    DaloDecision,
    InformedHow,
    PublicFamily,
    Relationship,
    ResourceKind,
    Sex,
    Situation,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberForm(StyledFormMixin, forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    birth_date = forms.DateField(label=_("Date de naissance"), required=False, widget=DateInput())
    sex = forms.ChoiceField(label=_("Sexe"), choices=Sex.choices, initial=Sex.UNSPECIFIED)
    relationship = forms.ChoiceField(
        label=_("Lien"), choices=Relationship.choices, initial=Relationship.CHILD
    )


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        members = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("leaves")]
        if not members:
            raise forms.ValidationError(_("Un ménage compte au moins une personne."))
        if sum(1 for m in members if m["relationship"] == Relationship.HEAD) != 1:
            raise forms.ValidationError(_("Indiquez une et une seule personne de référence."))


MemberFormSet = forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=0, min_num=1, max_num=30)


class HouseholdCreateForm(StyledFormMixin, forms.Form):
    territory = forms.ModelChoiceField(
        label=_("Département d'ancrage"),
        queryset=Territory.objects.all(),
        to_field_name="code",
        empty_label=None,
    )
    situation = forms.ChoiceField(label=_("Situation actuelle"), choices=Situation.choices)
    situation_since = forms.DateField(label=_("Depuis le"), required=False, widget=DateInput())
    monthly_resources = forms.DecimalField(
        label=_("Ressources mensuelles du ménage (€)"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_("Le total déclaré ; le détail par source peut être saisi ensuite."),
    )
    protected = forms.BooleanField(
        label=_("Ménage protégé"),
        required=False,
        help_text=_("Victime de violences, par exemple : adresse et téléphone seront masqués."),
    )
    confirm_new = forms.BooleanField(
        label=_("J'ai vérifié : il s'agit bien d'un nouveau ménage"),
        required=False,
        widget=forms.CheckboxInput,
    )


class HouseholdEditForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    territory = forms.ModelChoiceField(
        label=_("Département d'ancrage"),
        queryset=Territory.objects.all(),
        to_field_name="code",
        empty_label=None,
    )
    situation = forms.ChoiceField(label=_("Situation actuelle"), choices=Situation.choices)
    public_family = forms.TypedChoiceField(
        label=_("Famille de public (AFFIL)"),
        choices=[("", "—"), *PublicFamily.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    public_family_reason = forms.CharField(
        label=_("Motif, si elle diffère de la famille suggérée"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    si_siao_number = forms.CharField(label=_("Numéro SI-SIAO"), max_length=30, required=False)
    sne_number = forms.CharField(label=_("Numéro unique SNE"), max_length=18, required=False)
    dalo_decision = forms.ChoiceField(
        label=_("Décision DALO/DAHO"), choices=DaloDecision.choices, required=False
    )
    dalo_decision_on = forms.DateField(label=_("Date de la décision"), required=False, widget=DateInput())
    dalo_territory = forms.ModelChoiceField(
        label=_("Département de la décision"),
        queryset=Territory.objects.all(),
        to_field_name="code",
        required=False,
    )
    syplo_labelled = forms.BooleanField(label=_("Labellisé SYPLO"), required=False)
    syplo_labelled_on = forms.DateField(label=_("Date de labellisation"), required=False, widget=DateInput())
    address = forms.CharField(
        label=_("Adresse ou lieu de vie"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(label=_("Téléphone de contact"), max_length=20, required=False)
    protected = forms.BooleanField(label=_("Ménage protégé"), required=False)
    protected_viewers = forms.ModelMultipleChoiceField(
        label=_("Personnes habilitées à voir l'adresse d'un ménage protégé"),
        queryset=None,
        required=False,
        help_text=_(
            "Le ou la référent·e l'est toujours. Choisissez parmi les membres de votre organisation."
        ),
    )

    WHEREABOUTS = ("address", "phone", "protected", "protected_viewers")

    def __init__(self, *args, can_see_whereabouts: bool, household, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_see_whereabouts:
            for name in self.WHEREABOUTS:
                del self.fields[name]
            return
        from parcours.accounts.models import User

        self.fields["protected_viewers"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__active=True,
                memberships__organization_id=household.referent_organization_id,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["protected_viewers"].label_from_instance = lambda u: u.get_full_name() or u.username


class ConsentForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.active())
    purpose = forms.ChoiceField(label=_("Finalité"), choices=ConsentPurpose.choices)
    starts_on = forms.DateField(label=_("À partir du"), widget=DateInput(), required=False)
    ends_on = forms.DateField(label=_("Jusqu'au"), widget=DateInput())
    informed_how = forms.ChoiceField(label=_("La personne a été informée"), choices=InformedHow.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()
        self.fields["ends_on"].initial = timezone.localdate() + timedelta(days=365)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Nom, prénom, date ou année de naissance"), required=False, max_length=200)


class PersonEditForm(MemberForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    leaves = forms.BooleanField(label=_("A quitté le ménage"), required=False)


class BasePersonFormSet(BaseMemberFormSet):
    def cleaned_rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data]


PersonFormSet = forms.formset_factory(
    PersonEditForm, formset=BasePersonFormSet, extra=0, min_num=1, max_num=30
)


MONEY_KINDS = [
    (_("Ressources"), [(f"r:{value}", label) for value, label in ResourceKind.choices]),
    (_("Charges"), [(f"c:{value}", label) for value, label in ChargeKind.choices]),
]


class MoneyLineForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=MONEY_KINDS)
    monthly_amount = forms.DecimalField(
        label=_("Montant mensuel (€)"), min_value=0, max_digits=9, decimal_places=2
    )

    def line(self) -> dict:
        side, kind = self.cleaned_data["kind"].split(":", 1)
        return {
            "is_resource": side == "r",
            "kind": kind,
            "monthly_amount": self.cleaned_data["monthly_amount"],
        }


class BaseMoneyLineFormSet(forms.BaseFormSet):
    def cleaned_rows(self) -> list[dict]:
        return [f.line() for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


MoneyLineFormSet = forms.formset_factory(
    MoneyLineForm, formset=BaseMoneyLineFormSet, extra=0, can_delete=True, max_num=40
)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
