"""What the person sees of their support in « Mon espace » (registry: parcours.portal.sections): their
appointments, with the words the person reads for each state (FALC: short, one idea), and the goals
of their personal project with their steps, read only. Never the workers' notes, reviews or actions."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.notifications.texts import day, hour
from parcours.portal import sections

from .choices import AppointmentStatus as S
from .choices import GoalStatus, MeasureStatus
from .models import Appointment, ProjectGoal

# What the person reads for each state.
PERSON_STATUS = {
    S.PLANNED: _("À confirmer"),
    S.CONFIRMED: _("Vous avez confirmé"),
    S.MOVE_REQUESTED: _("Vous avez demandé un autre jour"),
    S.KEPT: _("Rendez-vous passé"),
    S.MISSED: _("Rendez-vous manqué"),
    S.CANCELLED: _("Rendez-vous annulé"),
}
# Past appointments stay on the person's list this long.
RECENT_DAYS = 30


def for_person(access, *, recent_only: bool = True):
    """The person's appointments: upcoming ones and those of the last RECENT_DAYS days (all of them
    when not `recent_only`), in date order."""
    rows = Appointment.objects.for_access(access)
    if recent_only:
        rows = rows.filter(starts_at__gte=timezone.now() - dt.timedelta(days=RECENT_DAYS))
    return rows.select_related("with_user").order_by("starts_at", "pk")


def _appointments_json(appointments) -> list[dict]:
    return [
        {
            "id": a.pk,
            "starts_at": a.starts_at.isoformat(),
            "place": a.place,
            "with": a.with_label,
            "purpose": a.purpose,
            "status": a.status,
        }
        for a in appointments
    ]


def when(appointment) -> str:
    """« lundi 8 décembre à 10 h 30 »."""
    local = timezone.localtime(appointment.starts_at)
    from django.utils.formats import date_format

    return _("%(weekday)s %(day)s à %(hour)s") % {
        "weekday": date_format(local, "l"),
        "day": day(local),
        "hour": hour(local),
    }


def person_view(appointment) -> dict:
    now = timezone.now()
    upcoming = appointment.starts_at > now
    return {
        "appointment": appointment,
        "when": when(appointment),
        "status_label": PERSON_STATUS.get(appointment.status, ""),
        "upcoming": upcoming,
        "can_answer": upcoming and appointment.status in (S.PLANNED, S.CONFIRMED, S.MOVE_REQUESTED),
    }


@sections.register(
    key="appointments",
    title=_("Mes rendez-vous"),
    template="support/portal_section.html",
    order=40,
    api=lambda access: _appointments_json(for_person(access)),
    export=lambda access: _appointments_json(for_person(access, recent_only=False)),
)
def appointments_section(access):
    shown = [person_view(a) for a in for_person(access)]
    return {"appointments": [v for v in shown if v["upcoming"]][:3], "count": len(shown)}


def goals_data(access) -> list[dict]:
    goals = (
        ProjectGoal.objects.filter(measure__household=access.household)
        .exclude(measure__status=MeasureStatus.REFUSED)
        .exclude(status=GoalStatus.DROPPED)
        .prefetch_related("steps")
        .order_by("axis", "pk")
    )
    return [
        {
            "id": g.pk,
            "axis": g.get_axis_display(),
            "title": g.title,
            "status": g.get_status_display(),
            "reached": g.status == GoalStatus.REACHED,
            "steps": [
                {"label": s.label, "due_on": s.due_on, "done": s.done_on is not None} for s in g.steps.all()
            ],
        }
        for g in goals
    ]


@sections.register(
    key="goals", title=_("Mon projet"), template="support/portal_goals.html", order=50, export=goals_data
)
def goals_section(access):
    return {"goals": goals_data(access)}
