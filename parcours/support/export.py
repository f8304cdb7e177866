"""Support's part of the right-of-access export (registry: parcours.households.export): measures with
their steps, intensity, co-workers, reviews, goals and steps, the action log, the closing
evaluations; prevention alerts; workshops; housing in a programme.

An action's note is given when its level is one the person may read: shared with the co-workers or
kept within the organization. A note « réservée à son auteur·e » is a professional's working note:
the action is listed, its note is not (design §5 rule 9). A unit of a programme is whereabouts."""

from parcours.households.export import register, rows

from .choices import Confidentiality
from .models import (
    AlertEvent,
    Appointment,
    AppointmentEvent,
    Attendance,
    ClosingEvaluation,
    GoalStep,
    IntensityChange,
    MeasureCoworker,
    MeasureReview,
    MeasureTransition,
    PreventionAlert,
    ProgrammeHousing,
    ProjectGoal,
    SupportAction,
    SupportMeasure,
    WorkshopEnrolment,
)

# The levels of an action's note that the person receives with the right of access.
PERSON_READABLE_NOTES = frozenset({Confidentiality.SHARED, Confidentiality.ORGANIZATION})
NOTE_WITHHELD = "[note réservée à son auteur·e : non communiquée]"


def _action(action):
    row = rows(
        [action],
        (
            "kind",
            "happened_on",
            "duration_minutes",
            "author",
            "organization",
            "goal",
            "confidentiality",
            "note",
        ),
    )[0]
    if action.confidentiality not in PERSON_READABLE_NOTES:
        row["note"] = NOTE_WITHHELD if action.note else ""
    return row


@register(
    "support",
    covers=(
        SupportMeasure,
        MeasureTransition,
        IntensityChange,
        MeasureCoworker,
        MeasureReview,
        ProjectGoal,
        GoalStep,
        SupportAction,
        ClosingEvaluation,
    ),
)
def support(household, ctx):
    result = []
    measures = (
        SupportMeasure.objects.filter(household=household)
        .select_related("kind", "organization", "referent", "programme", "created_by")
        .order_by("pk")
    )
    for m in measures:
        item = {"id": m.pk}
        item.update(
            rows(
                [m],
                (
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
                    "source_alert_id",
                    "created_by",
                ),
            )[0]
        )
        item["steps"] = rows(
            m.transitions.select_related("actor").order_by("at", "pk"),
            ("from_status", "to_status", "reason", "comment", "actor", "at"),
        )
        item["intensity"] = rows(
            m.intensities.select_related("set_by").order_by("set_at", "pk"),
            ("level", "from_date", "reason", "set_by", "set_at"),
        )
        item["coworkers"] = rows(
            m.coworkers.select_related("organization", "added_by").order_by("pk"),
            ("organization", "role", "added_by", "ended_at"),
        )
        item["reviews"] = rows(
            m.reviews.select_related("held_by").order_by("planned_on", "pk"),
            ("planned_on", "held_on", "held_by", "summary"),
        )
        item["goals"] = [
            {
                **rows([g], ("axis", "title", "written_with_person", "status", "created_by"))[0],
                "steps": rows(g.steps.order_by("pk"), ("label", "due_on", "done_on")),
            }
            for g in m.goals.select_related("created_by").order_by("pk")
        ]
        item["actions"] = [
            _action(a)
            for a in m.actions.select_related("author", "organization", "goal").order_by("happened_on", "pk")
        ]
        item["closing_evaluations"] = rows(
            m.evaluations.select_related("recorded_by").order_by("pk"),
            ("closing_id", "perspective", "outcome", "comment", "recorded_by"),
        )
        result.append(item)
    return result


@register("prevention_alerts", covers=(PreventionAlert, AlertEvent))
def prevention_alerts(household, ctx):
    return [
        {
            "id": alert.pk,
            **rows(
                [alert],
                (
                    "landlord",
                    "raised_by",
                    "kind",
                    "status",
                    "detail",
                    "amount",
                    "months",
                    "siao",
                    "association",
                    "assigned_organization",
                    "assigned_to",
                    "due_on",
                    "taken_at",
                    "measure_id",
                    "close_reason",
                    "closed_at",
                    "eviction_avoided",
                ),
            )[0],
            "steps": rows(
                alert.events.select_related("actor", "organization").order_by("at", "pk"),
                ("status", "actor", "organization", "at"),
            ),
        }
        for alert in PreventionAlert.objects.filter(household=household)
        .select_related(
            "landlord", "raised_by", "siao", "association", "assigned_organization", "assigned_to"
        )
        .order_by("pk")
    ]


@register("workshops", covers=(WorkshopEnrolment, Attendance))
def workshops(household, ctx):
    return [
        {
            "workshop": str(e.workshop),
            "organization": str(e.workshop.organization),
            "goal": str(e.goal) if e.goal_id else None,
            "sessions": [
                {"starts_at": a.session.starts_at, "topic": a.session.topic, "present": a.present}
                for a in e.attendances.select_related("session").order_by("session__starts_at", "pk")
            ],
        }
        for e in WorkshopEnrolment.objects.filter(household=household)
        .select_related("workshop__organization", "goal")
        .order_by("pk")
    ]


@register("programmes", covers=(ProgrammeHousing,))
def programmes(household, ctx):
    return [
        {
            "programme": str(h.programme),
            "unit": ctx.place(str(h.unit)) if h.unit_id else None,
            "entered_on": h.entered_on,
            "left_on": h.left_on,
        }
        for h in ProgrammeHousing.objects.filter(household=household)
        .select_related("programme", "unit__facility")
        .order_by("pk")
    ]


@register("appointments", covers=(Appointment, AppointmentEvent))
def appointments(household, ctx):
    return [
        {
            "id": a.pk,
            **rows(
                [a],
                ("starts_at", "duration_minutes", "place", "purpose", "status", "organization", "person"),
            )[0],
            "with": a.with_label,
            "history": rows(
                a.events.all(), ("from_status", "to_status", "by_person", "at", "starts_at", "message")
            ),
        }
        for a in Appointment.objects.filter(household=household)
        .select_related("organization", "person", "with_user")
        .prefetch_related("events")
        .order_by("starts_at", "pk")
    ]
