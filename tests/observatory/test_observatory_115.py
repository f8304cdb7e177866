"""The 115's indicators in the observatory, against the hand-computed example of the 115 dashboard
(three nights of March 2025), read from the nightly rollup the rollover writes."""

from datetime import date

import pytest

from parcours.emergency import services as emergency_services
from parcours.observatory.catalogue import INDICATORS, Period
from tests.emergency.test_emergency_dashboard import month  # noqa: F401  (the hand-computed example)

pytestmark = pytest.mark.django_db

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


def _rows(code, territory="93"):
    result = INDICATORS[code].compute(MARCH, territory)
    return {row.key: row.value for row in result.rows}, result.total


def test_115_indicators_by_hand(month):  # noqa: F811
    # Before the nights are closed, the rollup holds nothing: the night series are empty.
    assert _rows("115.requests_by_night") == ({}, 0)
    report = emergency_services.rollover(wet_run=True)
    assert len(report.figures) == 3
    assert _rows("115.requests_by_night") == ({"2025-03-01": 3, "2025-03-02": 2, "2025-03-03": 2}, 7)
    assert _rows("115.unmet_by_night") == ({"2025-03-01": 1, "2025-03-02": 1, "2025-03-03": 1}, 3)
    # 3 unmet of 7; 3 family requests of 7; 5 children among 6 + 5 + 2 = 13 persons counted by night.
    assert _rows("115.rates")[0] == {"unmet_rate": 42.9, "family_share": 42.9, "children_share": 38.5}
    # Distinct over the month: A (largest 4), B (1), X (2), Y (1) → 4 households, 8 persons; unmet: B and Y.
    assert _rows("115.requests_and_people")[0] == {
        "requests": 7,
        "households": 4,
        "persons": 8,
        "unmet_households": 2,
        "unmet_persons": 2,
    }
    assert _rows("115.unmet_by_reason") == ({"no_place": 2, "refused_by_person": 1}, 3)
    assert _rows("115.requests_by_night", territory="75") == ({}, 0)


def test_the_whole_networks_month_is_read_through_an_index_not_a_scan_of_every_request(month):  # noqa: F811
    """With no territory to lead the (territory, night) index, the distinct households of a month were
    counted by a scan of every request of every year: 1 s of the observatory page on 10 M requests
    (issue 18). The night's own index serves it; with scans forbidden, the plan shows it used."""
    from django.db import connection

    from parcours.emergency import indicators

    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    sql, params = indicators._requests(MARCH, None).filter(household__isnull=False).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "emreq_night_idx" in plan, plan
    assert "Seq Scan" not in plan, plan
