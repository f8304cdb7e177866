"""Writes on the plan (network administrators): an action's progress, a figure entered by hand; and the
report of a period — the action counts, the late ones, and each indicator's value."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import User
from parcours.core import audit, errors
from parcours.core.versioning import save_versioned

from . import perms
from .audit_actions import PlanAction
from .models import Action, ActionStatus, ManualValue, Plan, PlanIndicator

ACTION_FIELDS = ["title", "owner", "owner_label", "starts_on", "due_on", "status", "note"]


def _require(user) -> None:
    if not perms.can_manage_plan(user):
        raise errors.Forbidden(_("Seule l'administration du réseau tient le plan stratégique."))


@transaction.atomic
def action_create(*, actor: User, objective, title: str, **fields) -> Action:
    _require(actor)
    action = Action(objective=objective, title=title, **fields)
    action.full_clean()
    action.save()
    audit.record_write(actor=actor, action=PlanAction.ACTION_CREATE, obj=action, fields=["title", *fields])
    return action


@transaction.atomic
def action_update(*, actor: User, action: Action, version: int, **changes) -> Action:
    """Record an action's progress if `version` is still the current one (a stale edit is refused)."""
    _require(actor)
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError(_("Champs non modifiables : %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(action, name, value)
    action.full_clean(exclude=["objective", "version"])
    save_versioned(action, expected_version=version, fields=list(changes))
    audit.record_write(actor=actor, action=PlanAction.ACTION_UPDATE, obj=action, fields=changes.keys())
    return action


@transaction.atomic
def value_record(
    *, actor: User, indicator: PlanIndicator, on: dt.date, value: Decimal, source: str
) -> ManualValue:
    _require(actor)
    if not (source or "").strip():
        raise ValidationError({"source": _("Indiquez la source de la valeur.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("Une valeur se rapporte à une date passée.")})
    recorded = ManualValue.objects.create(
        indicator=indicator, on=on, value=value, source=source.strip(), recorded_by=actor
    )
    audit.record_write(actor=actor, action=PlanAction.VALUE_RECORD, obj=recorded, fields=["value", "source"])
    return recorded


# The report ------------------------------------------------------------------------------------


@dataclass
class IndicatorLine:
    indicator: PlanIndicator
    value: Decimal | float | int | None
    source: str
    suppressed: bool = False


@dataclass
class AxisReport:
    axis: object
    counts: dict[str, int]
    late: list[Action]
    objectives: list[tuple[object, list[Action], list[IndicatorLine]]] = field(default_factory=list)


def report_period(plan: Plan, kind: str, year: int | None = None) -> tuple[dt.date, dt.date]:
    """Mid-term: from the plan's start to its mid-term date; annual: the calendar year."""
    if kind == "mid_term":
        return plan.starts_on, plan.mid_term_on
    year = year or timezone.localdate().year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _headline(result):
    """The figure an indicator gives a plan line: its total, or its first (only) value."""
    return result.total if result.total is not None else (result.rows[0].value if result.rows else None)


def _months(period):
    """The calendar months of a period (the first and last ones cut to the period)."""
    from parcours.observatory.catalogue import Period

    first = period.start
    while first <= period.end:
        following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        yield Period(first, min(period.end, following - dt.timedelta(days=1)))
        first = following


def _indicator_line(indicator: PlanIndicator, start: dt.date, end: dt.date) -> IndicatorLine:
    from parcours.observatory.catalogue import INDICATORS, Period
    from parcours.observatory.disclosure import (
        is_small,
        last_closed_month,
        suppress,
        suppress_derived,
        threshold,
    )

    if indicator.indicator_code and indicator.indicator_code in INDICATORS:
        ind = INDICATORS[indicator.indicator_code]
        source = _("Observatoire Parcours (%(c)s)") % {"c": ind.code}
        # The plan is read by everyone: its figures are aggregates only, over closed months, so that a
        # report read again next month does not give a month's figure away by subtraction.
        end = min(end, last_closed_month().end)
        if end < start:
            return IndicatorLine(indicator, None, source, True)
        period = Period(start, end)
        if ind.counts_people and any(
            is_small(_headline(ind.compute(month, None)), threshold()) for month in _months(period)
        ):
            # A small month inside would be the difference between this report and an earlier one.
            return IndicatorLine(indicator, None, source, True)
        result = ind.compute(period, None)
        result = suppress(result) if ind.counts_people else suppress_derived(result)
        value = _headline(result)
        return IndicatorLine(indicator, value, source, value is None)
    latest = indicator.values.filter(on__gte=start, on__lte=end).order_by("-on", "-pk").first()
    return IndicatorLine(indicator, latest.value if latest else None, latest.source if latest else "")


def plan_report(plan: Plan, start: dt.date, end: dt.date) -> list[AxisReport]:
    """Per axis: the actions by status, the late ones at the report's end, and each objective's actions
    and indicators' values over the period."""
    on = min(end, timezone.localdate())
    reports = []
    axes = plan.axes.prefetch_related("objectives__actions__owner", "objectives__indicators__values")
    for axis in axes:
        actions = [a for o in axis.objectives.all() for a in o.actions.all()]
        counts = {status.value: 0 for status in ActionStatus}
        for action in actions:
            counts[action.status] += 1
        report = AxisReport(axis=axis, counts=counts, late=[a for a in actions if a.is_late(on)])
        for objective in axis.objectives.all():
            report.objectives.append(
                (
                    objective,
                    list(objective.actions.all()),
                    [_indicator_line(i, start, end) for i in objective.indicators.all()],
                )
            )
        reports.append(report)
    return reports
