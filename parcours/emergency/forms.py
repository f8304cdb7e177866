"""Forms of the 115 pages: taking a call, the priority, an unmet demand, tonight's free places."""

import copy

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.households.choices import Sex
from parcours.offers.choices import EMERGENCY_KINDS
from parcours.offers.models import Facility
from parcours.territories.models import Commune, Territory

from .choices import CallOutcome, Fact, Priority, UnmetReason
from .nights import current_night


def _plain(obj) -> bool:
    """Whether `copy.copy(obj)` is a new instance with the same `__dict__`: no copy or pickling hook
    of its own (object's defaults), no slots."""
    cls = type(obj)
    return (
        cls.__reduce_ex__ is object.__reduce_ex__
        and cls.__reduce__ is object.__reduce__
        and cls.__getstate__ is object.__getstate__
        and not hasattr(cls, "__setstate__")
        and not hasattr(cls, "__copy__")
        and not hasattr(cls, "__slots__")
    )


def _shallow(obj):
    """`copy.copy(obj)` for a `_plain` object, without the pickling protocol's round trip."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def _flat(choices) -> bool:
    """Choices whose items are (value, label) pairs of strings or lazy strings: nothing in them changes,
    so a copy of the list is as good as a deep copy."""
    return isinstance(choices, list) and all(
        isinstance(choice, tuple)
        and len(choice) == 2
        and all(isinstance(part, str | Promise) for part in choice)
        for choice in choices
    )


def _copier(field):
    """A function giving what `copy.deepcopy(field)` gives (Field, ChoiceField, Widget and
    ChoiceWidget.__deepcopy__: a copy of the field with its own widget, widget attributes, widget
    choices, choices, error messages and validators), without the generic deep copy's walk through
    each choice and its lazy label; or `copy.deepcopy` itself for a field this does not know how to
    copy (its own __deepcopy__, a copy hook, choices holding lists: groups)."""
    widget = field.widget
    field_choices = type(field).__deepcopy__ is forms.ChoiceField.__deepcopy__
    widget_choices = type(widget).__deepcopy__ is forms.widgets.ChoiceWidget.__deepcopy__
    known = (
        (field_choices or type(field).__deepcopy__ is forms.Field.__deepcopy__)
        and (widget_choices or type(widget).__deepcopy__ is forms.Widget.__deepcopy__)
        and _plain(field)
        and _plain(widget)
    )
    # ChoiceField deep-copies its choices: a copy of the list is the same when nothing in it changes.
    if not known or (field_choices and not _flat(field._choices)):
        return copy.deepcopy

    def copy_field(field):
        widget = field.widget
        new, new_widget = _shallow(field), _shallow(widget)
        new_widget.attrs = widget.attrs.copy()
        if widget_choices:
            new_widget.choices = copy.copy(widget.choices)  # as ChoiceWidget.__deepcopy__
        if field_choices:
            new._choices = field._choices.copy()
        new.widget = new_widget
        new.error_messages = field.error_messages.copy()
        new.validators = field.validators[:]
        return new

    return copy_field


class _Fields(dict):
    """A form class's `base_fields` that each form copies (BaseForm.__init__ deep-copies them) field by
    field with `_copier`'s copies (issue 18: the deep copy of CallForm's fields was 300 µs of its
    400, at each 115 call page and each call saved; most of it in walking the choices' lazy labels)."""

    def __init__(self, fields):
        super().__init__(fields)
        self.copiers = {}

    def __deepcopy__(self, memo):
        copies = {}
        for name, field in self.items():
            known = self.copiers.get(name)
            if known is None or known[0] is not field:  # decided once per field object
                known = self.copiers[name] = (field, _copier(field))
            copies[name] = known[1](field)
        return copies


class CallForm(StyledFormMixin, forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput, required=False)
    outcome = forms.ChoiceField(
        label=_("Suite de l'appel"), choices=CallOutcome.choices, initial=CallOutcome.REQUEST
    )
    flash_first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    flash_last_name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    flash_birth_date = forms.DateField(
        label=_("Date de naissance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    flash_sex = forms.ChoiceField(
        label=_("Sexe"), choices=Sex.choices, initial=Sex.UNSPECIFIED, required=False
    )
    caller_name = forms.CharField(
        label=_("Prénom ou surnom (sans dossier)"),
        max_length=100,
        required=False,
        help_text=_("Ce que la personne veut bien donner, pour la reconnaître dans les demandes en attente."),
    )
    night = forms.DateField(
        label=_("Nuit du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    persons = forms.IntegerField(
        label=_("Nombre de personnes"),
        min_value=1,
        max_value=30,
        required=False,
        help_text=_("Laissez vide pour un ménage connu : sa composition est reprise."),
    )
    children = forms.IntegerField(label=_("Dont enfants mineurs"), min_value=0, max_value=29, required=False)
    women_only = forms.BooleanField(label=_("Femme seule ou avec enfants"), required=False)
    facts = forms.MultipleChoiceField(
        label=_("Éléments de vulnérabilité"),
        choices=Fact.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Des faits constatés pendant l'appel, jamais de détail de santé. "
            "Ni nationalité ni situation administrative."
        ),
    )
    priority = forms.ChoiceField(
        label=_("Priorité"),
        choices=[("", _("Celle suggérée"))] + Priority.choices,
        required=False,
    )
    priority_reason = forms.CharField(
        label=_("Motif d'une autre priorité"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(
        label=_("Note sur l'appel"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Pour l'écoutant·e suivant·e : où la personne attend, ce qui a été convenu. "
            "Ni santé, ni nationalité, ni situation administrative."
        ),
    )
    caller_phone = forms.CharField(
        label=_("Téléphone pour le SMS"),
        max_length=20,
        required=False,
        help_text=_("Facultatif, effacé à la clôture de la nuit."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["night"].initial = current_night()

    def clean(self):
        data = super().clean()
        first, last = data.get("flash_first_name", "").strip(), data.get("flash_last_name", "").strip()
        if bool(first) != bool(last):
            raise forms.ValidationError(
                _("Pour une évaluation flash, donnez le prénom et le nom (ou aucun des deux).")
            )
        if (
            data.get("outcome") == CallOutcome.REQUEST
            and not data.get("household")
            and not data.get("persons")
        ):
            self.add_error("persons", _("Indiquez le nombre de personnes."))
        return data


CallForm.base_fields = _Fields(CallForm.base_fields)


class PriorityForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    priority = forms.ChoiceField(label=_("Priorité retenue"), choices=Priority.choices)
    reason = forms.CharField(label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UnmetForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif de la demande non pourvue"),
        choices=[c for c in UnmetReason.choices if c[0] != UnmetReason.NIGHT_CLOSED],
    )


class ExtendForm(StyledFormMixin, forms.Form):
    nights = forms.IntegerField(label=_("Nuits supplémentaires"), min_value=1, max_value=14, initial=1)


class SmsForm(StyledFormMixin, forms.Form):
    phone = forms.CharField(label=_("Téléphone"), max_length=20, required=False)


class BoardFilterForm(StyledFormMixin, forms.Form):
    """The board's filters. Kept in the URL (the htmx refresh and a shared link keep them) and in the
    session, so the board opens again as the call handler left it."""

    FIELDS = ("territory", "public", "commune", "pets", "wheelchair", "persons", "children", "women_only")

    territory = forms.ModelChoiceField(
        label=_("Département"),
        queryset=Territory.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("Le mien"),
    )
    public = forms.ChoiceField(
        label=_("Public"),
        required=False,
        choices=[
            ("", _("Tous publics")),
            ("women", _("Femmes")),
            ("men", _("Hommes")),
            ("families", _("Familles")),
            ("couples", _("Couples")),
        ],
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=Commune.objects.none(), required=False, empty_label=_("Toutes")
    )
    pets = forms.BooleanField(label=_("Animaux acceptés"), required=False)
    wheelchair = forms.BooleanField(label=_("Accès fauteuil roulant"), required=False)
    persons = forms.IntegerField(label=_("Personnes"), min_value=1, max_value=30, required=False)
    children = forms.IntegerField(label=_("Dont enfants"), min_value=0, max_value=29, required=False)
    women_only = forms.BooleanField(label=_("Femme seule ou avec enfants"), required=False)

    def __init__(self, *args, territory_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The communes where the 115 has a place, in the user's département.
        self.fields["commune"].queryset = (
            Commune.objects.filter(
                pk__in=Facility.objects.filter(
                    territory_id=territory_id, kind__in=EMERGENCY_KINDS, active=True
                ).values("commune_id")
            ).order_by("name")
            if territory_id
            else Commune.objects.none()
        )


class DeclarationForm(StyledFormMixin, forms.Form):
    night = forms.DateField(
        label=_("Nuit du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Places libres pour le 115"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, facility, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = facility.units.filter(active=True).order_by("label", "pk")
        self.fields["night"].initial = current_night()


class MonthForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False)


class OfflineCallForm(forms.Form):
    """One call noted in a browser without network, as its queue sends it back (offline/queue.js).
    Anonymous by design: no household is chosen offline, only the first name or nickname given."""

    client_id = forms.UUIDField()
    recorded_at = forms.DateTimeField()
    outcome = forms.ChoiceField(choices=CallOutcome.choices, initial=CallOutcome.REQUEST)
    night = forms.DateField(required=False)
    persons = forms.IntegerField(min_value=1, max_value=30, required=False)
    children = forms.IntegerField(min_value=0, max_value=29, required=False)
    women_only = forms.BooleanField(required=False)
    facts = forms.MultipleChoiceField(choices=Fact.choices, required=False)
    priority = forms.ChoiceField(choices=[("", "")] + Priority.choices, required=False)
    priority_reason = forms.CharField(max_length=2000, required=False)
    caller_name = forms.CharField(max_length=100, required=False)
    caller_phone = forms.CharField(max_length=20, required=False)
    note = forms.CharField(max_length=1000, required=False)
    unit = forms.IntegerField(min_value=1, required=False)
