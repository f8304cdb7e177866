"""Forms of the support and prevention pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.assessments.models import Perspective
from parcours.core.forms import StyledFormMixin
from parcours.households.choices import InformedHow

from .choices import (
    ActionKind,
    AlertCloseReason,
    AlertKind,
    AlertStatus,
    Axis,
    CloseReason,
    Confidentiality,
    EvaluationOutcome,
    FundingSource,
    Intensity,
    MeasureStatus,
)
from .models import GoalStep, MeasureKind
from .querysets import coworker_candidates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONSENT_CHOICES = [
    ("accepted", _("La personne accepte l'accompagnement")),
    ("refused", _("La personne refuse : son refus est enregistré et respecté")),
]
YES_NO_UNKNOWN = [("", _("Ne sait pas encore")), ("yes", _("Oui")), ("no", _("Non"))]


def yes_no(value: str):
    return {"yes": True, "no": False}.get(value)


class MeasureFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("État"), choices=[("", _("Tous"))] + MeasureStatus.choices, required=False
    )
    overdue = forms.BooleanField(label=_("Point d'étape en retard"), required=False)


class ConsentMixin(forms.Form):
    kind = forms.ModelChoiceField(label=_("Type de mesure"), queryset=MeasureKind.objects.filter(active=True))
    consent = forms.ChoiceField(
        label=_("Réponse de la personne"),
        choices=CONSENT_CHOICES,
        widget=forms.RadioSelect,
        help_text=_(
            "L'accompagnement repose sur l'adhésion libre et éclairée de la personne : "
            "il n'est jamais imposé."
        ),
    )
    informed_how = forms.ChoiceField(
        label=_("Comment la personne a été informée"), choices=InformedHow.choices, initial=InformedHow.ORALLY
    )
    intensity = forms.ChoiceField(
        label=_("Intensité de départ"), choices=Intensity.choices, initial=Intensity.REGULAR
    )
    next_review_on = forms.DateField(label=_("Premier point d'étape"), required=False, widget=DATE)


class MeasureForm(StyledFormMixin, ConsentMixin):
    started_on = forms.DateField(label=_("Début"), required=False, widget=DATE, initial=timezone.localdate)
    programme = forms.ModelChoiceField(
        label=_("Projet de logement accompagné"), queryset=None, required=False
    )
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    field_order = [
        "kind",
        "consent",
        "informed_how",
        "started_on",
        "intensity",
        "next_review_on",
        "programme",
    ]

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class AlertMeasureForm(StyledFormMixin, ConsentMixin):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MeasureActionForm(StyledFormMixin, forms.Form):
    """A form of the measure page's actions (`views.measures.MEASURE_ACTIONS`), bound to its measure:
    `arguments()` turns what it cleaned into the keyword arguments of the action's service."""

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        if "version" in self.fields:
            self.initial.setdefault("version", measure.version)

    def arguments(self) -> dict:
        """The service's keyword arguments; a record named by the form but not in this measure raises
        its `DoesNotExist` (the page answers 404)."""
        return {"measure": self.measure, **self.cleaned_data}


class ButtonForm(MeasureActionForm):
    """The form behind a button of the measure page: its fields are posted without a prefix."""

    def __init__(self, *args, prefix=None, **kwargs):
        super().__init__(*args, **kwargs)


def posted_id(value) -> int:
    """A posted identifier; anything else than ASCII digits finds nothing (a 404, never a 500:
    `"²".isdigit()` is true but `int("²")` fails)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else 0


class PostedId(forms.Field):
    """A button's identifier field, cleaned by `posted_id`."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return posted_id(value)


class IntensityForm(MeasureActionForm):
    level = forms.ChoiceField(label=_("Nouvelle intensité"), choices=Intensity.choices)
    from_date = forms.DateField(label=_("À partir du"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("Motif"), max_length=300, required=False)


class ReviewForm(MeasureActionForm):
    planned_on = forms.DateField(label=_("Date du point d'étape"), widget=DATE)


class ReviewHoldForm(MeasureActionForm):
    review = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(label=_("Tenu le"), widget=DATE, initial=timezone.localdate)
    summary = forms.CharField(
        label=_("Synthèse écrite avec la personne"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def arguments(self) -> dict:
        data = self.cleaned_data
        review = self.measure.reviews.get(pk=data["review"])
        return {"review": review, "held_on": data["held_on"], "summary": data["summary"]}


class GoalForm(MeasureActionForm):
    axis = forms.ChoiceField(label=_("Axe"), choices=Axis.choices)
    title = forms.CharField(label=_("Objectif"), max_length=300)
    written_with_person = forms.BooleanField(label=_("Écrit avec la personne"), required=False, initial=True)


class GoalStatusForm(ButtonForm):
    goal = PostedId()
    status = forms.Field(required=False)

    def arguments(self) -> dict:
        goal = self.measure.goals.get(pk=self.cleaned_data["goal"])
        return {"goal": goal, "status": self.cleaned_data["status"] or ""}


class StepForm(MeasureActionForm):
    goal = forms.IntegerField(widget=forms.HiddenInput)
    label = forms.CharField(label=_("Nouvelle étape"), max_length=300)
    due_on = forms.DateField(label=_("Échéance"), widget=DATE, required=False)

    def arguments(self) -> dict:
        data = self.cleaned_data
        goal = self.measure.goals.get(pk=data["goal"])
        return {"goal": goal, "label": data["label"], "due_on": data["due_on"]}


class StepDoneForm(ButtonForm):
    step = PostedId()

    def arguments(self) -> dict:
        return {"step": GoalStep.objects.get(goal__measure=self.measure, pk=self.cleaned_data["step"])}


class ActionForm(MeasureActionForm):
    kind = forms.ChoiceField(label=_("Nature"), choices=ActionKind.choices)
    happened_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=1, max_value=24 * 60, initial=60
    )
    goal = forms.ModelChoiceField(label=_("Objectif concerné"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    confidentiality = forms.ChoiceField(
        label=_("Qui peut lire la note"),
        choices=Confidentiality.choices,
        initial=Confidentiality.SHARED,
        help_text=_("Un bailleur ne lit jamais les notes d'accompagnement."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = self.measure.goals.all()


class CoworkerForm(MeasureActionForm):
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        help_text=_(
            "Seules les organisations auxquelles la personne a donné son accord "
            "(finalité « Accompagnement »)."
        ),
    )
    role = forms.CharField(label=_("Rôle dans l'accompagnement"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = coworker_candidates(self.measure)


class CoworkerEndForm(ButtonForm):
    coworker = PostedId()

    def arguments(self) -> dict:
        return {"coworker": self.measure.coworkers.get(pk=self.cleaned_data["coworker"])}


class CloseForm(MeasureActionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Motif de clôture"), choices=CloseReason.choices)
    ended_on = forms.DateField(label=_("Fin"), widget=DATE, initial=timezone.localdate)
    worker_outcome = forms.ChoiceField(
        label=_("Avis du/de la travailleur·se social·e"), choices=EvaluationOutcome.choices
    )
    worker_comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    person_outcome = forms.ChoiceField(
        label=_("Avis de la personne accompagnée"), choices=EvaluationOutcome.choices
    )
    person_comment = forms.CharField(
        label=_("Ses mots"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    landlord_outcome = forms.ChoiceField(
        label=_("Avis du bailleur"),
        choices=[("", _("Sans bailleur associé"))] + EvaluationOutcome.choices,
        required=False,
    )
    landlord_comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    eviction_avoided = forms.ChoiceField(
        label=_("L'expulsion a-t-elle été évitée ?"), choices=YES_NO_UNKNOWN, required=False
    )
    comment = forms.CharField(
        label=_("Commentaire de clôture"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def evaluations(self) -> dict:
        data = self.cleaned_data
        result = {
            Perspective.WORKER: (data["worker_outcome"], data["worker_comment"]),
            Perspective.PERSON: (data["person_outcome"], data["person_comment"]),
        }
        if data["landlord_outcome"]:
            result[Perspective.LANDLORD] = (data["landlord_outcome"], data["landlord_comment"])
        return result

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "measure": self.measure,
            "version": data["version"],
            "reason": data["reason"],
            "ended_on": data["ended_on"],
            "comment": data["comment"],
            "evaluations": self.evaluations(),
            "eviction_avoided": yes_no(data["eviction_avoided"]),
        }


class ReopenForm(MeasureActionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Pourquoi reprendre"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    next_review_on = forms.DateField(label=_("Prochain point d'étape"), widget=DATE, required=False)


class KindForm(StyledFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Lettres minuscules, chiffres et « _ ».")
    )
    label = forms.CharField(label=_("Libellé"), max_length=120)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AlertFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("État"),
        choices=[("", _("Tous")), ("pending", _("À traiter (nouvelles et prises en charge)"))]
        + AlertStatus.choices,
        required=False,
    )


class HouseholdChoiceField(forms.ModelChoiceField):
    """A household named as the form's user may read it (households.display), never by its number alone."""

    user = None

    def label_from_instance(self, household):
        from parcours.households.display import household_label

        if self.user is None:
            return str(household)
        return household_label(self.user, household).text


class AlertForm(StyledFormMixin, forms.Form):
    household = HouseholdChoiceField(
        label=_("Ménage"),
        queryset=None,
        help_text=_(
            "Les ménages logés dans votre parc par le réseau, ou qui ont accepté de partager "
            "leur dossier avec vous pour la prévention des expulsions."
        ),
    )
    kind = forms.ChoiceField(label=_("Nature du signal"), choices=AlertKind.choices)
    amount = forms.DecimalField(
        label=_("Montant de la dette (€)"), min_value=0, max_digits=9, decimal_places=2, required=False
    )
    months = forms.IntegerField(
        label=_("Nombre de mois d'impayés"), min_value=0, max_value=120, required=False
    )
    detail = forms.CharField(
        label=_("Précisions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Les faits utiles, sans jugement ni information de santé."),
    )

    def __init__(self, *args, households=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["household"].user = user


class TakeForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assignee = forms.ChoiceField(label=_("Prise en charge par"))
    due_on = forms.DateField(label=_("À traiter avant le"), widget=DATE, required=False)

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = list(assignees)


class AlertCloseForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Motif de clôture"), choices=AlertCloseReason.choices)
    eviction_avoided = forms.ChoiceField(
        label=_("L'expulsion a-t-elle été évitée ?"),
        choices=YES_NO_UNKNOWN,
        required=False,
        help_text=_(
            "Sans réponse : « oui » pour une situation régularisée ou un plan d'apurement, "
            "« non » pour une expulsion."
        ),
    )


class WorkshopForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    axis = forms.ChoiceField(label=_("Axe du projet personnalisé"), choices=Axis.choices)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=200, initial=10)
    description = forms.CharField(
        label=_("Programme"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class SessionForm(StyledFormMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Début"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=1, max_value=24 * 60, initial=120
    )
    topic = forms.CharField(label=_("Thème de la séance"), max_length=200)


class EnrolForm(StyledFormMixin, forms.Form):
    household = forms.IntegerField(label=_("Numéro de dossier du ménage"), min_value=1)


class ProgrammeForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Nom du projet"), max_length=200)
    landlord = forms.ModelChoiceField(label=_("Bailleur"), queryset=None)
    association = forms.ModelChoiceField(label=_("Association"), queryset=None)
    starts_on = forms.DateField(label=_("Début"), widget=DATE)
    ends_on = forms.DateField(label=_("Fin prévue"), widget=DATE, required=False)
    description = forms.CharField(
        label=_("Présentation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, landlords=None, associations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["landlord"].queryset = landlords
        self.fields["association"].queryset = associations


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.facility.name} — {unit.label}"


class ProgrammeUnitForm(StyledFormMixin, forms.Form):
    unit = UnitChoiceField(label=_("Logement"), queryset=None)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class FundingForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("Financeur"), choices=FundingSource.choices)
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("Montant (€)"), min_value=0, max_digits=11, decimal_places=2)


class HousingForm(StyledFormMixin, forms.Form):
    household = forms.IntegerField(label=_("Numéro de dossier du ménage"), min_value=1)
    unit = UnitChoiceField(label=_("Logement"), queryset=None)
    entered_on = forms.DateField(label=_("Entrée le"), widget=DATE)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class HousingEndForm(StyledFormMixin, forms.Form):
    housing = forms.IntegerField(widget=forms.HiddenInput)
    left_on = forms.DateField(label=_("Sortie le"), widget=DATE, initial=timezone.localdate)


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AppointmentForm(StyledFormMixin, forms.Form):
    """Book an appointment: when, where, with whom, what for (short: the person reads it)."""

    starts_at = forms.DateTimeField(label=_("Date et heure"), widget=DATETIME)
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=5, max_value=8 * 60, initial=60
    )
    place = forms.CharField(
        label=_("Lieu"),
        max_length=200,
        help_text=_("Une adresse de bureau, « visite à domicile » ou « appel téléphonique »."),
    )
    purpose = forms.CharField(
        label=_("Objet"),
        max_length=120,
        help_text=_(
            "Court et sans détail sensible : la personne le lit dans Mon espace et peut-être par SMS "
            "(par exemple « point sur votre demande de logement »)."
        ),
    )
    person = forms.ModelChoiceField(
        label=_("Avec qui dans le ménage"), queryset=None, required=False, empty_label=_("Tout le ménage")
    )
    with_user = forms.ModelChoiceField(
        label=_("Avec (membre de votre organisation)"),
        queryset=None,
        required=False,
        empty_label=_("Vous-même"),
    )
    with_text = forms.CharField(
        label=_("Ou avec (autre personne)"),
        max_length=120,
        required=False,
        help_text=_("Par exemple : « l'assistante sociale de la CAF »."),
    )

    def __init__(self, *args, household=None, organization_id=None, **kwargs):
        from parcours.accounts.models import User
        from parcours.households.models import Person

        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            household=household, left_on__isnull=True
        ).order_by("pk")
        self.fields["person"].label_from_instance = lambda p: f"{p.first_name} {p.last_name}".strip()
        self.fields["with_user"].queryset = (
            User.objects.filter(
                memberships__organization_id=organization_id, memberships__active=True, is_active=True
            )
            .distinct()
            .order_by("last_name", "first_name", "pk")
        )
        self.fields["with_user"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class AppointmentMoveForm(StyledFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("Nouvelle date et heure"), widget=DATETIME)
    place = forms.CharField(label=_("Nouveau lieu (si il change)"), max_length=200, required=False)
