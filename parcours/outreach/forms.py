"""Forms of the outreach pages: an encounter in thirty seconds on a phone, a round, the triage of a
signalement, and the public signalement (no account, a honeypot field)."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.emergency.choices import Fact
from parcours.territories.models import Commune

from .choices import AgeBand, ApproxSex, Given, Need, Orientation

CHIPS = "outreach/_chips.html"


class ChipsWidget(forms.CheckboxSelectMultiple):
    """Checkboxes drawn as large toggle buttons (44 px targets), still native checkboxes."""

    template_name = CHIPS


class ChipsRadio(forms.RadioSelect):
    template_name = CHIPS


def _chips(form: forms.Form, *names: str) -> None:
    # style_widgets (StyledFormMixin) gives choice widgets the form-check look: the chips keep theirs.
    for name in names:
        widget = form.fields[name].widget
        widget.template_name = CHIPS
        widget.attrs["class"] = "btn-check"


class EncounterForm(StyledFormMixin, forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), empty_label=None)
    place = forms.CharField(
        label=_("Lieu"),
        max_length=120,
        required=False,
        help_text=_("Une rue, un lieu, un repère (pas d'adresse exacte)."),
    )
    alias = forms.CharField(
        label=_("Surnom ou signe distinctif"),
        max_length=60,
        required=False,
        help_text=_("Pas de nom nécessaire."),
    )
    persons = forms.IntegerField(label=_("Personnes"), min_value=1, max_value=30, initial=1)
    children = forms.IntegerField(label=_("Dont enfants"), min_value=0, max_value=29, initial=0)
    needs = forms.MultipleChoiceField(
        label=_("Besoins exprimés"), choices=Need.choices, required=False, widget=ChipsWidget
    )
    given = forms.MultipleChoiceField(
        label=_("Donné"), choices=Given.choices, required=False, widget=ChipsWidget
    )
    orientation = forms.ChoiceField(
        label=_("Orientation"), choices=Orientation.choices, initial=Orientation.NONE, widget=ChipsRadio
    )
    follow_up = forms.BooleanField(label=_("À revoir à la prochaine tournée"), required=False)
    # Less often needed: under « Plus de détails ».
    household = forms.IntegerField(
        label=_("N° de dossier du ménage (s'il est connu)"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    age_band = forms.ChoiceField(label=_("Âge estimé"), choices=AgeBand.choices, required=False)
    sex = forms.ChoiceField(label=_("Sexe"), choices=ApproxSex.choices, required=False)
    facts = forms.MultipleChoiceField(
        label=_("Éléments de vulnérabilité (repris par le 115)"),
        choices=Fact.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    met_at = forms.DateTimeField(
        label=_("Rencontré·e le"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, communes=None, default_commune=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes if communes is not None else Commune.objects.none()
        if default_commune is not None:
            self.fields["commune"].initial = default_commune.pk
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())
        for name in ("persons", "children"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        _chips(self, "needs", "given", "orientation")

    def clean_met_at(self):
        return self.cleaned_data.get("met_at") or timezone.now()


class RoundForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    communes = forms.ModelMultipleChoiceField(
        label=_("Zone (communes)"),
        queryset=Commune.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    vehicle = forms.CharField(label=_("Véhicule (vide : à pied)"), max_length=60, required=False)

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = communes if communes is not None else Commune.objects.none()


class RoundCloseForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Bilan de la tournée"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce qui s'est passé, sans nom : les chiffres viennent des rencontres."),
    )


class TriageForm(StyledFormMixin, forms.Form):
    team = forms.ModelChoiceField(label=_("Équipe"), queryset=None)
    round = forms.ModelChoiceField(label=_("Tournée (facultatif)"), queryset=None, required=False)
    note = forms.CharField(
        label=_("Note pour l'équipe"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, teams, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["round"].queryset = rounds


class ReportNoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Ce qui a été fait"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublicReportForm(StyledFormMixin, forms.Form):
    """The public page: where, when, what was seen, how to call back (optional). `website` is a
    honeypot: hidden from people (and from screen readers), filled only by robots."""

    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.all(),
        to_field_name="code",
        empty_label=_("Choisissez la commune"),
    )
    place = forms.CharField(
        label=_("Où ?"),
        max_length=120,
        help_text=_("Une rue, un lieu, un repère : « sous le pont de la gare », « devant la pharmacie »."),
    )
    seen_at = forms.DateTimeField(
        label=_("Quand ?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(
        label=_("Qu'avez-vous vu ?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Combien de personnes, des enfants, ce qui vous inquiète. Pas besoin de nom."),
    )
    contact = forms.CharField(
        label=_("Votre téléphone ou e-mail (facultatif)"),
        max_length=120,
        required=False,
        help_text=_("Seulement pour vous dire que le signalement a été traité ; effacé ensuite."),
    )
    website = forms.CharField(label=_("Ne pas remplir"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial.setdefault("seen_at", timezone.localtime().replace(second=0, microsecond=0))

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))
