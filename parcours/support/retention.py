"""How the support's records are anonymised by the retention run (registry: parcours.core.retention)."""

from parcours.core.retention import Erase, Keep, Redact, contact_source, keep_alive, register

from .choices import AlertStatus, MeasureStatus
from .models import (
    AlertEvent,
    Appointment,
    AppointmentEvent,
    Attendance,
    ClosingEvaluation,
    GoalStep,
    IntensityChange,
    MeasureCoworker,
    MeasureKind,
    MeasureReview,
    MeasureTransition,
    PreventionAlert,
    Programme,
    ProgrammeFunding,
    ProgrammeHousing,
    ProjectGoal,
    SupportAction,
    SupportMeasure,
    Workshop,
    WorkshopEnrolment,
    WorkshopSession,
)

CODED = "statuts, dates, durées et codes comptés par l'observatoire"

register(MeasureKind, not_personal={"référentiel": ("code", "label", "description", "active")})
register(
    Programme,
    not_personal={
        "projet d'un bailleur et d'une association": (
            "name",
            "landlord",
            "association",
            "territory",
            "starts_on",
            "ends_on",
            "description",
            "units",
        )
    },
)
register(ProgrammeFunding, not_personal={"financement": ("programme", "source", "year", "amount")})
register(
    ProgrammeHousing,
    household="household",
    not_personal={CODED: ("programme", "household", "unit", "entered_on", "left_on")},
)
register(
    SupportMeasure,
    household="household",
    not_personal={
        CODED: (
            "household",
            "kind",
            "organization",
            "referent",
            "status",
            "consent_given",
            "consent_on",
            "consent_informed_how",
            "started_on",
            "ended_on",
            "next_review_on",
            "programme",
            "source_alert",
            "created_by",
        )
    },
)
register(
    MeasureTransition,
    household="measure__household",
    personal={"comment": Erase(), "reason": Keep(CODED)},
    not_personal={CODED: ("measure", "from_status", "to_status", "actor", "at")},
)
register(
    IntensityChange,
    household="measure__household",
    personal={"reason": Erase()},
    not_personal={CODED: ("measure", "level", "from_date", "set_by", "set_at")},
)
register(
    MeasureCoworker,
    household="measure__household",
    personal={"role": Erase()},
    not_personal={"rattachements": ("measure", "organization", "added_by", "ended_at")},
)
register(
    MeasureReview,
    household="measure__household",
    personal={"summary": Erase()},
    not_personal={CODED: ("measure", "planned_on", "held_on", "held_by", "reminded_at")},
)
register(
    ProjectGoal,
    household="measure__household",
    personal={"title": Redact()},
    not_personal={CODED: ("measure", "axis", "written_with_person", "status", "created_by")},
)
register(
    GoalStep,
    household="goal__measure__household",
    personal={"label": Redact()},
    not_personal={CODED: ("goal", "due_on", "done_on")},
)
register(
    SupportAction,
    household="measure__household",
    personal={"note": Erase()},
    not_personal={
        CODED: (
            "measure",
            "kind",
            "happened_on",
            "duration_minutes",
            "author",
            "organization",
            "goal",
            "confidentiality",
        )
    },
)
register(
    ClosingEvaluation,
    household="measure__household",
    personal={"comment": Erase()},
    not_personal={CODED: ("measure", "closing", "perspective", "outcome", "recorded_by")},
)
register(
    PreventionAlert,
    household="household",
    personal={
        "detail": Erase(),
        "amount": Keep("montant de la dette, compté par l'observatoire"),
        "months": Keep("durée de la dette, comptée"),
    },
    not_personal={
        CODED: (
            "household",
            "landlord",
            "raised_by",
            "kind",
            "status",
            "siao",
            "association",
            "assigned_organization",
            "assigned_to",
            "due_on",
            "taken_at",
            "measure",
            "close_reason",
            "closed_at",
            "eviction_avoided",
        )
    },
)
register(
    AlertEvent,
    household="alert__household",
    not_personal={CODED: ("alert", "status", "actor", "organization", "at")},
)
register(
    Workshop,
    not_personal={"atelier collectif": ("title", "organization", "axis", "description", "capacity")},
)
register(
    WorkshopSession, not_personal={"séance d'atelier": ("workshop", "starts_at", "duration_minutes", "topic")}
)
register(
    WorkshopEnrolment,
    household="household",
    not_personal={CODED: ("workshop", "household", "goal")},
)
register(
    Attendance, household="enrolment__household", not_personal={CODED: ("session", "enrolment", "present")}
)
register(
    Appointment,
    household="household",
    personal={"place": Redact(), "purpose": Redact(), "with_text": Erase()},
    not_personal={
        CODED: (
            "household",
            "person",
            "measure",
            "organization",
            "starts_at",
            "duration_minutes",
            "with_user",
            "status",
            "created_by",
            "reminded_at",
        )
    },
)
register(
    AppointmentEvent,
    household="appointment__household",
    personal={"message": Erase()},
    not_personal={
        CODED: ("appointment", "from_status", "to_status", "actor", "by_person", "at", "starts_at")
    },
)

# What counts as a contact with the household, and what keeps it alive.
contact_source(SupportMeasure, household="household", dates=("updated_at", "started_on", "ended_on"))
contact_source(MeasureTransition, household="measure__household", dates=("at",))
contact_source(IntensityChange, household="measure__household", dates=("set_at",))
contact_source(SupportAction, household="measure__household", dates=("happened_on", "created_at"))
contact_source(MeasureReview, household="measure__household", dates=("held_on",))
contact_source(PreventionAlert, household="household", dates=("updated_at",))
contact_source(ProgrammeHousing, household="household", dates=("entered_on", "left_on"))
contact_source(WorkshopEnrolment, household="household", dates=("created_at",))
contact_source(AppointmentEvent, household="appointment__household", dates=("at",))


@keep_alive
def _open_measure(today):
    """An open support measure."""
    return SupportMeasure.objects.filter(status=MeasureStatus.OPEN).values_list("household_id", flat=True)


@keep_alive
def _open_alert(today):
    """A prevention alert not closed."""
    return (
        PreventionAlert.objects.exclude(status=AlertStatus.CLOSED)
        .filter(household__isnull=False)
        .values_list("household_id", flat=True)
    )


@keep_alive
def _current_programme_housing(today):
    """A current housing in a programme."""
    return ProgrammeHousing.objects.filter(left_on__isnull=True).values_list("household_id", flat=True)
