"""Bad input never answers 500: impossible dates and months in the observatory, open-data, 115
dashboard and plan URLs and in the indicator API, and a body too large for the API.

Pages answer 400 (a French message) or 404; the API answers its JSON error format
(api-v1.md), never Django's HTML pages — not even under DEBUG, where a crash would print a traceback.
"""

import json

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.observatory.catalogue import INDICATORS
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

HOSTILE_DATES = [
    "0000-01-01",
    "0001-01-01",
    "0001-01-02",
    "9999-12-31",
    "9999-12-01",
    "10000-01-01",
    "99999-01-01",
    "-1-01-01",
    "-0001-01-01",
    "2026-13-01",
    "2026-00-10",
    "2026-02-30",
    "2026-1-1x",
    "9" * 5000,
    "",
]
# The page walk takes the values that reach date arithmetic; the API walk takes them all.
PAGE_DATES = ["0001-01-01", "9999-12-31", "10000-01-01", "-1-01-01", "2026-02-30", "9" * 5000]
HOSTILE_YEARS = [0, 1, 999, 1899, 9999, 10000, 99999, 10**30]
HOSTILE_MONTHS = [0, 13, 99, 10**20]


def _assert_page(response):
    assert response.status_code in (200, 400, 404), response.status_code
    if response.status_code == 400:
        text = response.content.decode()
        assert "Traceback" not in text and "<html" in text
        assert "période" in text or "invalide" in text  # a French message says what is wrong


def _assert_api(response):
    assert response.status_code in (200, 400, 404, 422), response.status_code
    assert response["Content-Type"].startswith("application/json")
    if response.status_code != 200:
        error = response.json()["error"]
        assert error["code"] and error["message"] and isinstance(error["fields"], dict)


@pytest.fixture
def readers(db):
    t93 = TerritoryFactory(code="93")
    observer = MembershipFactory(role=Role.OBSERVER).user
    coordinator = MembershipFactory(
        role=Role.SIAO_COORDINATOR, organization=OrganizationFactory(siao=True, territory=t93)
    ).user
    return observer, coordinator


@pytest.mark.parametrize("debug", [False, True])
def test_observatory_pages_and_exports_refuse_impossible_dates(readers, client, login, settings, debug):
    settings.DEBUG = debug
    for user in readers:
        login(user)
        for value in PAGE_DATES:
            for query in (
                {"start": value},
                {"end": value},
                {"start": value, "end": value, "territory": "93"},
            ):
                _assert_page(client.get(reverse("observatory:dashboard"), query))
                _assert_page(client.get(reverse("observatory:theme", args=["orientation"]), query))
                _assert_page(
                    client.get(reverse("observatory:indicator", args=["115.requests_by_night"]), query)
                )
                _assert_page(client.get(reverse("observatory:indicator", args=["siao.waiting_time"]), query))
                _assert_page(client.get(reverse("observatory:export", args=["siao.exits", "csv"]), query))
                _assert_page(
                    client.get(reverse("observatory:drill", args=["siao.admissions_by_kind", "chrs"]), query)
                )


@pytest.mark.parametrize("debug", [False, True])
def test_open_data_refuses_impossible_years_and_months(readers, client, login, settings, debug):
    settings.DEBUG = debug
    login(readers[0])
    for year in HOSTILE_YEARS:
        for month in [1, 12, *HOSTILE_MONTHS]:
            _assert_page(client.get(f"/observatoire/donnees-ouvertes/{year}-{month}.csv"))
    for path in ("-1-01.csv", "2026--1.csv", "2026-01.exe", "0-0.ods"):
        _assert_page(client.get(f"/observatoire/donnees-ouvertes/{path}"))


def test_a_drill_down_key_that_no_database_stores_is_a_404(readers, client, login):
    """A NUL in a figure's key reached PostgreSQL (which refuses it) and answered 500."""
    from parcours.observatory.catalogue import DRILLS

    login(readers[1])
    query = {"start": "2026-11-01", "end": "2026-11-30", "territory": "93"}
    for code in DRILLS:
        for key in ("\x00", "a\x00b", "x" * 5000, "'", "%"):
            _assert_page(client.get(f"/observatoire/indicateurs/{code}/dossiers/{key}/", query))
        assert client.get(f"/observatoire/indicateurs/{code}/dossiers/%00/", query).status_code == 404


def test_the_115_dashboard_and_plan_report_refuse_impossible_months(readers, client, login):
    login(readers[0])
    for value in ["0000-01", "0001-01", "9999-12", "10000-01", "-001-01", "2026-13", "2026-00", "x"]:
        _assert_page(client.get(reverse("emergency:dashboard"), {"month": value}))
    for year in ["0", "-1", "99999", "10000", "9" * 5000, "x"]:
        for kind in ("annuel", "mi-parcours"):
            _assert_page(client.get(reverse("plan:report", args=[kind]), {"year": year}))


@pytest.mark.parametrize("debug", [False, True])
def test_the_indicator_api_answers_its_json_error_for_impossible_dates(api, settings, debug):
    settings.DEBUG = debug
    for role in (Role.OBSERVER, Role.SIAO_COORDINATOR):
        call = api(role)
        for value in HOSTILE_DATES:
            for query in (f"from={value}", f"to={value}", f"from={value}&to={value}"):
                _assert_api(call("get", f"/indicators/siao.waiting_time?{query}"))
        for code in sorted(INDICATORS):  # every indicator at the edges of the calendar
            for query in ("from=9999-12-01&to=9999-12-31", "to=0001-01-01", "from=0001-01-01&to=0001-01-31"):
                _assert_api(call("get", f"/indicators/{code}?{query}&territory=93"))
        response = call("get", "/indicators/siao.exits?from=0001-01-01&to=0001-01-05")
        assert response.status_code == 400
        assert "2000" in response.json()["error"]["message"]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "path",
    ["/households", "/emergency/requests", "/facilities", "/households/1/insertion-requests"],
)
def test_a_huge_json_body_gets_the_api_error_format(api, settings, debug, path):
    settings.DEBUG = debug
    call = api(Role.SIAO_COORDINATOR)
    body = json.dumps({"name": "x" * (3 * 1024 * 1024)})
    response = call("post", path, body)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "too_large" and "Mo" in error["message"]
