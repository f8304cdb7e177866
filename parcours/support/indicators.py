"""Support and prevention indicators for the observatory (design §7): measures open, their durations,
goals by axis, alerts handled, evictions avoided."""

from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from parcours.observatory.catalogue import Period, Result, Row, median_and_p90, register

from .choices import AlertKind, AppointmentStatus, Axis, MeasureStatus
from .models import Appointment, PreventionAlert, ProjectGoal, SupportMeasure


def _territory(qs, territory: str | None, path: str = "household"):
    return qs.filter(**{f"{path}__territory__code": territory}) if territory else qs


@register(
    code="support.measures_open",
    domain="support",
    label=_("Mesures d'accompagnement en cours, par type"),
    definition=_(
        "Mesures acceptées par la personne et en cours à un moment de la période (commencées avant sa "
        "fin, sans fin ou finies après son début), par type de mesure ; ménages du département."
    ),
    unit=_("mesures"),
)
def measures_open(period: Period, territory: str | None) -> Result:
    qs = _territory(
        SupportMeasure.objects.filter(consent_given=True, started_on__lte=period.end).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
        ),
        territory,
    ).exclude(status=MeasureStatus.REFUSED)
    rows = [
        Row(row["kind__code"], row["kind__label"], row["n"])
        for row in qs.values("kind__code", "kind__label").annotate(n=Count("pk")).order_by("-n", "kind__code")
    ]
    return Result(rows=rows, total=sum(r.value for r in rows))


@register(
    code="support.durations",
    domain="support",
    label=_("Durée des accompagnements clôturés"),
    definition=_(
        "Pour les mesures clôturées pendant la période (date de fin), nombre de jours entre leur début "
        "et leur fin : médiane et 90e centile."
    ),
    unit=_("jours"),
    counts_people=False,
)
def durations(period: Period, territory: str | None) -> Result:
    closed = _territory(
        SupportMeasure.objects.filter(
            ended_on__range=(period.start, period.end), started_on__isnull=False, status=MeasureStatus.CLOSED
        ),
        territory,
    ).values_list("started_on", "ended_on")
    days = sorted((end - start).days for start, end in closed)
    return median_and_p90(days)


@register(
    code="support.goals_by_axis",
    domain="support",
    label=_("Objectifs du projet personnel par axe"),
    definition=_(
        "Objectifs des projets personnels ouverts pendant la période (date de création), par axe de "
        "l'accompagnement (AFFIL)."
    ),
    unit=_("objectifs"),
)
def goals_by_axis(period: Period, territory: str | None) -> Result:
    start, end = period.bounds()
    counts = Counter(
        _territory(
            ProjectGoal.objects.filter(created_at__gte=start, created_at__lt=end),
            territory,
            "measure__household",
        ).values_list("axis", flat=True)
    )
    rows = [Row(a.value, str(a.label), counts.get(a.value, 0)) for a in Axis]
    return Result(rows=rows, total=sum(r.value for r in rows))


@register(
    code="support.alerts",
    domain="support",
    label=_("Alertes de prévention reçues et traitées"),
    definition=_(
        "Alertes levées par les bailleurs pendant la période (date de l'alerte), par nature ; et, parmi "
        "les alertes closes pendant la période, celles où une expulsion a été évitée."
    ),
    unit=_("alertes"),
)
def alerts(period: Period, territory: str | None) -> Result:
    start, end = period.bounds()
    raised = Counter(
        _territory(
            PreventionAlert.objects.filter(created_at__gte=start, created_at__lt=end), territory
        ).values_list("kind", flat=True)
    )
    rows = [Row(k.value, str(k.label), raised.get(k.value, 0)) for k in AlertKind]
    closed = _territory(PreventionAlert.objects.filter(closed_at__gte=start, closed_at__lt=end), territory)
    rows.append(Row("closed", str(_("alertes closes")), closed.count()))
    rows.append(
        Row(
            "eviction_avoided",
            str(_("dont expulsions évitées")),
            closed.filter(eviction_avoided=True).count(),
        )
    )
    return Result(rows=rows)


def _appointments_passed(period: Period, territory: str | None):
    start, end = period.bounds()
    return _territory(
        Appointment.objects.filter(
            starts_at__gte=start,
            starts_at__lt=end,
            status__in=[AppointmentStatus.KEPT, AppointmentStatus.MISSED],
        ),
        territory,
    )


@register(
    code="support.appointments",
    domain="support",
    label=_("Rendez-vous honorés et manqués"),
    definition=_(
        "Rendez-vous d'accompagnement dont la date tombe dans la période, notés honorés (la personne "
        "est venue) ou manqués par le ou la travailleur·se social·e ; les rendez-vous annulés ou pas "
        "encore notés ne comptent pas. Ménages du département."
    ),
    unit=_("rendez-vous"),
)
def appointments(period: Period, territory: str | None) -> Result:
    counts = Counter(_appointments_passed(period, territory).values_list("status", flat=True))
    rows = [
        Row(AppointmentStatus.KEPT, str(_("honorés")), counts.get(AppointmentStatus.KEPT, 0)),
        Row(AppointmentStatus.MISSED, str(_("manqués")), counts.get(AppointmentStatus.MISSED, 0)),
    ]
    return Result(rows=rows, total=sum(r.value for r in rows))


@register(
    code="support.appointments_kept_rate",
    domain="support",
    label=_("Taux de rendez-vous honorés"),
    definition=_(
        "Part, en %, des rendez-vous honorés parmi les rendez-vous notés honorés ou manqués dont la date "
        "tombe dans la période (voir « Rendez-vous honorés et manqués ») ; vide sans aucun rendez-vous "
        "noté, masqué quand il porte sur trop peu de rendez-vous."
    ),
    unit="%",
    counts_people=False,
)
def appointments_kept_rate(period: Period, territory: str | None) -> Result:
    counted = appointments(period, territory)
    kept = counted.rows[0].value
    rate = round(100 * kept / counted.total, 1) if counted.total else None
    return Result(
        rows=[Row("rate", str(_("taux de rendez-vous honorés")), rate, base=counted.total, part=kept)]
    )
