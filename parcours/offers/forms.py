"""Forms of the offer pages: filters, facilities, units, vacancy declaration."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.households.forms import DateInput
from parcours.territories.models import Territory

from .choices import AcceptedHousehold, AcceptedSex, FacilityKind, Typology
from .models import FINESS_MESSAGE, POSTCODE_MESSAGE, SIRET_MESSAGE
from .phones import normalize_french_phone


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
    street_address = forms.CharField(
        label=_("Adresse (numéro et voie)"),
        max_length=200,
        required=False,
        help_text=_("Envoyée par SMS à la personne à qui le 115 donne une place."),
    )
    postcode = forms.RegexField(
        label=_("Code postal"),
        regex=r"^[0-9]{5}$",
        required=False,
        max_length=5,
        error_messages={"invalid": POSTCODE_MESSAGE},
    )
    phone = forms.CharField(
        label=_("Téléphone de l'accueil"),
        max_length=25,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_("Un numéro français, par exemple 01 48 95 00 00."),
    )
    door_code = forms.CharField(
        label=_("Code d'accès (digicode)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Visible seulement des équipes de la structure et du 115, et envoyé à la personne accueillie."
        ),
    )
    opening_hours = forms.CharField(
        label=_("Horaires d'ouverture et d'arrivée"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple « Arrivée de 18 h à 22 h, départ avant 9 h »."),
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
    couples_accepted = forms.BooleanField(label=_("Couples acceptés"), required=False)
    pets_accepted = forms.BooleanField(label=_("Animaux acceptés"), required=False)
    wheelchair_accessible = forms.BooleanField(label=_("Accessible en fauteuil roulant"), required=False)
    active = forms.BooleanField(label=_("En service"), required=False, initial=True)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_phone(self):
        return normalize_french_phone(self.cleaned_data["phone"])

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
