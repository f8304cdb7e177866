"""The support and prevention steps of a household's path, each only for those who may see it."""

from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.core import compiled
from parcours.households.timeline import Step, may_have, register

from . import perms
from .choices import AlertCloseReason, AlertStatus, CloseReason, MeasureStatus
from .models import AlertEvent, Appointment, MeasureTransition, PreventionAlert, SupportMeasure
from .querysets import visibility_key


def _measure_label(transition: MeasureTransition) -> str:
    kind = transition.measure.kind.label
    if transition.to_status == MeasureStatus.REFUSED:
        return _("Accompagnement %(kind)s proposé, refusé par la personne") % {"kind": kind}
    if transition.to_status == MeasureStatus.CLOSED:
        return _("Accompagnement %(kind)s clôturé (%(reason)s), avec co-évaluation") % {
            "kind": kind,
            "reason": CloseReason(transition.reason).label if transition.reason else "—",
        }
    if transition.from_status == MeasureStatus.CLOSED:
        return _("Accompagnement %(kind)s rouvert") % {"kind": kind}
    return _("Accompagnement %(kind)s ouvert avec l'accord de la personne") % {"kind": kind}


def _alert_label(event: AlertEvent, user) -> str:
    alert = event.alert
    kind = alert.get_kind_display()
    if event.status == AlertStatus.NEW:
        return _("Alerte de prévention levée par le bailleur : %(kind)s") % {"kind": kind}
    if event.status == AlertStatus.TAKEN:
        return _("Alerte de prévention prise en charge")
    if event.status == AlertStatus.MEASURE:
        return _("Alerte de prévention : accompagnement ouvert")
    if not (alert.close_reason and perms.landlord_may_read_close_reason(user, alert)):
        return _("Alerte de prévention close")
    reason = AlertCloseReason(alert.close_reason).label
    return _("Alerte de prévention close (%(reason)s)") % {"reason": reason}


def _who(user, organization) -> str:
    parts = [
        p for p in ((user.get_full_name() if user else ""), (organization.name if organization else "")) if p
    ]
    return " — ".join(parts)


@register(
    present_if=[
        ("support.SupportMeasure", "household"),
        ("support.PreventionAlert", "household"),
        ("support.Appointment", "household"),
    ]
)
def support_steps(user, household):
    """The measures', alerts' and appointments' steps. Each of the three is asked only when the
    household has such records (households.timeline.may_have, from the query that loaded it): most
    households with a measure have no alert, and each query skipped is one less to build and compile
    (issue 18: these steps were 9% of the household page's CPU)."""
    yield from _measure_steps(user, household)
    yield from _alert_steps(user, household)
    yield from _appointment_steps(user, household)


def _measure_steps(user, household):
    if not may_have(household, "support.SupportMeasure", "household"):
        return

    def build(household):
        measures = SupportMeasure.objects.visible_to(user).filter(household=household)
        return MeasureTransition.objects.filter(measure__in=measures).select_related(
            "measure__kind", "measure__organization", "actor"
        )

    transitions = compiled.instances_of(
        ("support.steps.measures", *visibility_key(user)), build, household=household.pk
    )
    for t in transitions:
        yield Step(
            at=t.at,
            domain="support",
            label=_measure_label(t),
            actor=_who(t.actor, t.measure.organization),
            url=reverse("support:measure", args=[t.measure_id]),
        )


def _alert_steps(user, household):
    if not may_have(household, "support.PreventionAlert", "household"):
        return

    def build(household):
        alerts = PreventionAlert.objects.visible_to(user).filter(household=household)
        return AlertEvent.objects.filter(alert__in=alerts).select_related("alert", "actor", "organization")

    events = compiled.instances_of(
        ("support.steps.alerts", *visibility_key(user)), build, household=household.pk
    )
    for e in events:
        yield Step(
            at=e.at,
            domain="prevention",
            label=_alert_label(e, user),
            actor=_who(e.actor, e.organization),
            url=reverse("support:alert", args=[e.alert_id]),
        )


def _appointment_steps(user, household):
    """Appointments that took place (or were missed): the social workers of the referent organization."""
    if not may_have(household, "support.Appointment", "household"):
        return

    def build(household):
        return (
            Appointment.objects.visible_to(user)
            .filter(household=household, status__in=["kept", "missed"])
            .select_related("organization")
        )

    appointments = compiled.instances_of(
        ("support.steps.appointments", *visibility_key(user)), build, household=household.pk
    )
    for a in appointments:
        yield Step(
            at=a.starts_at,
            domain="support",
            label=(
                _("Rendez-vous honoré : %(purpose)s")
                if a.status == "kept"
                else _("Rendez-vous manqué : %(purpose)s")
            )
            % {"purpose": a.purpose},
            actor=a.organization.name,
            url=reverse("support:appointment", args=[a.pk]),
        )
