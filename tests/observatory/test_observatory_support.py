"""Support and prevention indicators of the observatory against a hand-computed example."""

import datetime as dt

import pytest
from django.utils import timezone

from parcours.observatory.catalogue import INDICATORS, Period
from parcours.support import services
from parcours.support.models import MeasureKind, PreventionAlert, ProjectGoal, SupportMeasure
from tests.support.test_support import net, open_measure, user  # noqa: F401  (the support test network)

pytestmark = pytest.mark.django_db

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def _at(day):
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())


def _values(code, territory="93"):
    result = INDICATORS[code].compute(Q1, territory)
    return {row.key: row.value for row in result.rows}, result.total


def test_support_indicators_by_hand(net):  # noqa: F811
    """Four measures: m1 AVDL 1 Dec → open; m2 AVDL 10 Jan → closed 10 Mar (59 days); m3 ASLL 1 Apr
    (after the quarter); m4 ASLL refused. Goals: two on m1 in February (home, health), one in April.
    Alerts: unpaid rent raised 5 Feb and closed 20 Feb with the eviction avoided; trouble raised 1 Apr."""
    asll = MeasureKind.objects.get(code="asll")
    m1 = open_measure(net)
    m2 = open_measure(net, household=_other_household(net))
    m3 = _measure_of_kind(net, asll)
    m4 = services.measure_create(
        actor=user(net, "social_worker"), household=_other_household(net), kind=asll, consent_given=False
    )
    SupportMeasure.objects.filter(pk=m1.pk).update(started_on=dt.date(2025, 12, 1))
    SupportMeasure.objects.filter(pk=m2.pk).update(
        started_on=dt.date(2026, 1, 10), ended_on=dt.date(2026, 3, 10), status="closed"
    )
    SupportMeasure.objects.filter(pk=m3.pk).update(started_on=dt.date(2026, 4, 1))
    assert m4.started_on is None  # a refusal never starts: it is not counted
    worker = user(net, "social_worker")
    for axis, day in (
        ("home", dt.date(2026, 2, 3)),
        ("health", dt.date(2026, 2, 4)),
        ("home", dt.date(2026, 4, 2)),
    ):
        goal = services.goal_create(actor=worker, measure=m1, axis=axis, title="Objectif")
        ProjectGoal.objects.filter(pk=goal.pk).update(created_at=_at(day))
    landlord = user(net, "landlord")
    rent = services.alert_raise(
        actor=landlord, household=net["household"], kind="unpaid_rent", amount=900, months=2
    )
    services.alert_close(
        actor=user(net, "siao_coordinator"), alert=rent, version=None, reason="settled", eviction_avoided=True
    )
    PreventionAlert.objects.filter(pk=rent.pk).update(
        created_at=_at(dt.date(2026, 2, 5)), closed_at=_at(dt.date(2026, 2, 20))
    )
    trouble = services.alert_raise(actor=landlord, household=net["household"], kind="neighbour_trouble")
    PreventionAlert.objects.filter(pk=trouble.pk).update(created_at=_at(dt.date(2026, 4, 1)))

    assert _values("support.measures_open") == ({"avdl": 2}, 2)
    assert _values("support.durations")[0] == {"median": 59, "p90": 59}
    goals, total = _values("support.goals_by_axis")
    assert (goals["home"], goals["health"], goals["parenting"], total) == (1, 1, 0, 2)
    alerts, _ = _values("support.alerts")
    assert (
        alerts["unpaid_rent"],
        alerts["neighbour_trouble"],
        alerts["closed"],
        alerts["eviction_avoided"],
    ) == (
        1,
        0,
        1,
        1,
    )
    assert _values("support.measures_open", territory="75") == ({}, 0)


def _other_household(network):
    from tests.factories import make_household

    return make_household(organization=network["association"], situation="own_housing")


def _measure_of_kind(network, kind):
    return services.measure_create(
        actor=user(network, "social_worker"),
        household=_other_household(network),
        kind=kind,
        consent_given=True,
    )
