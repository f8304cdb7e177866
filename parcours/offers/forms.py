"""Forms of the offer pages: filters, facilities, units, vacancy declaration."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.households.forms import DateInput
from parcours.territories.models import Territory

from .choices import AcceptedHousehold, AcceptedSex, FacilityKind, Typology
from .models import FINESS_MESSAGE, SIRET_MESSAGE


class OfferFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Type d'offre"), choices=[("", _("Tous"))] + FacilityKind.choices, required=False
    )
    territory = forms.ModelChoiceField(
        label=_("Département"),
        queryset=Territory.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Tous"),
    )
    emergency = forms.BooleanField(label=_("Offre d'urgence (115) seulement"), required=False)
    with_vacancy = forms.BooleanField(label=_("Avec une vacance à pourvoir"), required=False)


class FacilityForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Nom"), max_length=200)
    kind = forms.ChoiceField(label=_("Type d'offre"), choices=FacilityKind.choices)
    organization = forms.ModelChoiceField(
        label=_("Organisation gestionnaire"), queryset=None, empty_label=None
    )
    territory = forms.ModelChoiceField(
        label=_("Département"), queryset=Territory.objects.all(), to_field_name="code", empty_label=None
    )
    commune = forms.RegexField(
        label=_("Commune (code INSEE)"),
        regex=r"^[0-9][0-9AB][0-9]{3}$",
        required=False,
        max_length=5,
        help_text=_("Par exemple 93008 pour Bobigny."),
        error_messages={"invalid": _("Un code INSEE compte 5 caractères.")},
    )
    finess = forms.RegexField(
        label=_("FINESS"), regex=r"^[0-9AB]{9}$", required=False, error_messages={"invalid": FINESS_MESSAGE}
    )
    siret = forms.RegexField(
        label=_("SIRET"), regex=r"^[0-9]{14}$", required=False, error_messages={"invalid": SIRET_MESSAGE}
    )
    min_age = forms.IntegerField(label=_("Âge minimum"), min_value=0, max_value=120, required=False)
    max_age = forms.IntegerField(label=_("Âge maximum"), min_value=0, max_value=120, required=False)
    accepted_sex = forms.ChoiceField(label=_("Public accueilli"), choices=AcceptedSex.choices)
    accepted_household = forms.ChoiceField(
        label=_("Composition accueillie"), choices=AcceptedHousehold.choices
    )
    pets_accepted = forms.BooleanField(label=_("Animaux acceptés"), required=False)
    wheelchair_accessible = forms.BooleanField(label=_("Accessible en fauteuil roulant"), required=False)
    active = forms.BooleanField(label=_("En service"), required=False, initial=True)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean(self):
        data = super().clean()
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("L'âge minimum ne peut dépasser l'âge maximum."))
        return data


class UnitForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(
        label=_("Libellé"), max_length=100, help_text=_("Par exemple « Chambre 12 » ou « Bât. A, lgt 34 ».")
    )
    capacity = forms.IntegerField(label=_("Capacité (places)"), min_value=1, max_value=500, initial=1)
    typology = forms.ChoiceField(label=_("Typologie"), choices=[("", "—"), *Typology.choices], required=False)
    surface = forms.DecimalField(
        label=_("Surface (m²)"), min_value=1, max_digits=6, decimal_places=1, required=False
    )
    rent = forms.DecimalField(
        label=_("Loyer ou redevance mensuel (€)"), min_value=0, max_digits=8, decimal_places=2, required=False
    )
    charges = forms.DecimalField(
        label=_("Charges mensuelles (€)"), min_value=0, max_digits=8, decimal_places=2, required=False
    )
    accessible = forms.BooleanField(label=_("Accessible (PMR)"), required=False)
    active = forms.BooleanField(label=_("En service"), required=False, initial=True)


class VacancyForm(StyledFormMixin, forms.Form):
    available_from = forms.DateField(label=_("Libre à partir du"), widget=DateInput())
