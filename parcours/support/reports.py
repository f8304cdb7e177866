"""The per-project report for funders: aggregated figures only, never a named person, and small
counts hidden for whoever may not see them (design §5 rule 5, observatory.disclosure)."""

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .choices import FundingSource, MeasureStatus
from .models import PreventionAlert, Programme, SupportAction, SupportMeasure


@dataclass
class ProgrammeReport:
    units: int
    households_housed: int
    households_housed_now: int
    measures: int
    measures_open: int
    measures_closed: int
    actions: int
    action_hours: Decimal
    alerts: int
    evictions_avoided: int
    funding_total: Decimal
    funding_by_source: list = field(default_factory=list)  # [(code, label, amount)]
    funding_per_household: Decimal | None = None


def programme_report(programme: Programme, *, on: dt.date | None = None) -> ProgrammeReport:
    """The figures of one project, as of `on` (today by default).

    - units: the project's units; households housed: distinct households ever housed in them, and
      those housed on `on`;
    - measures: the support measures attached to the project (refused proposals are not measures);
      open and closed ones as of now; actions and their hours on those measures;
    - alerts: prevention alerts raised on the housed households while housed; evictions avoided
      among them;
    - funding: granted amounts by source, the total, and the total per household housed.
    """
    from django.utils import timezone

    on = on or timezone.localdate()
    housings = programme.housings.all()
    households_housed = housings.values("household_id").distinct().count()
    households_now = (
        housings.filter(entered_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .values("household_id")
        .distinct()
        .count()
    )
    measures = SupportMeasure.objects.filter(programme=programme).exclude(status=MeasureStatus.REFUSED)
    by_status = dict(measures.order_by().values_list("status").annotate(n=Count("pk")))
    actions = SupportAction.objects.filter(measure__in=measures).aggregate(
        n=Count("pk"), minutes=Sum("duration_minutes")
    )
    alert_ids = set()
    for household_id, entered_on, left_on in housings.values_list("household_id", "entered_on", "left_on"):
        alerts = PreventionAlert.objects.filter(household_id=household_id, created_at__date__gte=entered_on)
        if left_on:
            alerts = alerts.filter(created_at__date__lte=left_on)
        alert_ids |= set(alerts.values_list("pk", "eviction_avoided"))
    funding = dict(
        programme.fundings.order_by()
        .values_list("source")
        .annotate(total=Sum("amount"))
        .values_list("source", "total")
    )
    funding = {code: Decimal(amount).quantize(Decimal("0.01")) for code, amount in funding.items()}
    total = sum(funding.values(), Decimal("0.00"))
    labels = dict(FundingSource.choices)
    return ProgrammeReport(
        units=programme.units.count(),
        households_housed=households_housed,
        households_housed_now=households_now,
        measures=sum(by_status.values()),
        measures_open=by_status.get(MeasureStatus.OPEN, 0),
        measures_closed=by_status.get(MeasureStatus.CLOSED, 0),
        actions=actions["n"] or 0,
        action_hours=(Decimal(actions["minutes"] or 0) / 60).quantize(Decimal("0.1")),
        alerts=len(alert_ids),
        evictions_avoided=sum(1 for _pk, avoided in alert_ids if avoided),
        funding_total=total,
        funding_by_source=[
            (code, str(labels[code]), funding[code]) for code in FundingSource.values if code in funding
        ],
        funding_per_household=(total / households_housed).quantize(Decimal("0.01"))
        if households_housed
        else None,
    )


@dataclass(frozen=True)
class Hidden:
    """A count not shown: "< threshold" when small, "masqué" when hidden as a complement."""

    label: str

    def __str__(self) -> str:
        return self.label


def suppressed(report: ProgrammeReport, *, limit: int) -> ProgrammeReport:
    """The report as readers of aggregates only see it. Its counts are tied: households housed are
    those housed today plus those gone, measures the open, closed and other ones, alerts those with an
    eviction avoided and the others; and the funding per household gives the households back from
    the total. Small counts and their complements are hidden over these relations together."""
    from django.utils.translation import gettext as _

    from parcours.observatory.disclosure import is_small, protect

    cells = {
        "households_housed": report.households_housed,
        "households_housed_now": report.households_housed_now,
        "households_gone": report.households_housed - report.households_housed_now,
        "measures": report.measures,
        "measures_open": report.measures_open,
        "measures_closed": report.measures_closed,
        "measures_other": report.measures - report.measures_open - report.measures_closed,
        "alerts": report.alerts,
        "evictions_avoided": report.evictions_avoided,
        "alerts_other": report.alerts - report.evictions_avoided,
    }
    unpublished = {"households_gone", "measures_other", "alerts_other"}
    groups = [
        ("households_housed", ["households_housed_now", "households_gone"]),
        ("measures", ["measures_open", "measures_closed", "measures_other"]),
        ("alerts", ["evictions_avoided", "alerts_other"]),
    ]
    hidden = protect(cells, groups, limit=limit, unpublished=unpublished)
    changes = {name: Hidden(f"< {limit}" if is_small(cells[name], limit) else _("masqué")) for name in hidden}
    if "households_housed" in hidden:
        changes["funding_per_household"] = Hidden(_("masqué"))
    return replace(report, **changes)


def report_for(user, programme: Programme, *, on: dt.date | None = None) -> ProgrammeReport:
    """The report of `programme` as `user` may read it: whole for those who hold the files."""
    from parcours.observatory.disclosure import threshold

    from .perms import sees_programme_small_counts

    report = programme_report(programme, on=on)
    return report if sees_programme_small_counts(user, programme) else suppressed(report, limit=threshold())
