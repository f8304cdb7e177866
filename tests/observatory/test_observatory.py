"""Observatory: each SIAO indicator against a hand-computed example, small-cell suppression and the
differencing attack, exports, open data, the API, and observers seeing aggregates only."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.observatory import services
from parcours.observatory.catalogue import INDICATORS, Period, Result, Row
from parcours.observatory.disclosure import suppress
from parcours.offers.models import Facility, Unit, Vacancy
from parcours.orientation.models import (
    InsertionRequest,
    Proposal,
    ProposalEvent,
    RefusalReason,
    RequestTransition,
)
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory, make_household

pytestmark = pytest.mark.django_db

NOV = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def at(day, hour=12):
    return dt.datetime(2026, day[0], day[1], hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def siao_world():
    """By hand: five requests of the 93 and one of the 75, with dated histories.

    - r1: submitted 3 Nov, validated 5 Nov, proposed to a CHRS (93), accepted 10 Nov, entered 20 Nov, exited
      28 Nov to social housing;
    - r2: submitted 4 Nov, validated 6 Nov, proposed to a dwelling in the 75, refused by the household
      (hh_location) 12 Nov;
    - r3: submitted 15 Oct (before November), validated 2 Nov, proposed to the 75 dwelling after the refusal,
      accepted 14 Nov, entered 25 Nov (an inter-département orientation);
    - r4: submitted 20 Nov, still submitted at the end of November;
    - r5: draft only;
    - r75: a 75 household submitted 5 Nov (never counted for the 93).
    """
    t93, t75 = TerritoryFactory(code="93"), TerritoryFactory(code="75")
    org = OrganizationFactory(territory=t93)
    landlord = OrganizationFactory(landlord=True, territory=t75)
    chrs = Facility.objects.create(name="CHRS", kind="chrs", organization=org, territory=t93)
    flat = Facility.objects.create(
        name="Logis 75", kind="logement_social", organization=landlord, territory=t75
    )
    room = Unit.objects.create(facility=chrs, label="Ch 1", capacity=2)
    dwelling = Unit.objects.create(facility=flat, label="T2", capacity=3, rent=Decimal("500"))
    v_room = Vacancy.objects.create(unit=room, available_from=dt.date(2026, 11, 1))
    v_flat = Vacancy.objects.create(unit=dwelling, available_from=dt.date(2026, 11, 1))

    def request(territory, history):
        household = make_household(organization=org, territory=territory)
        r = InsertionRequest.objects.create(
            household=household, wished_kinds=["chrs"], wished_territories=["93"]
        )
        RequestTransition.objects.filter(request=r).delete()
        previous = ""
        for status, when in history:
            RequestTransition.objects.create(request=r, from_status=previous, to_status=status, at=when)
            previous = status
        InsertionRequest.objects.filter(pk=r.pk).update(
            status=previous, validated_at=next((w for s, w in history if s == "validated"), None)
        )
        r.refresh_from_db()
        return r

    r1 = request(
        "93",
        [
            ("draft", at((11, 1))),
            ("submitted", at((11, 3))),
            ("validated", at((11, 5))),
            ("proposed", at((11, 8))),
            ("admitted", at((11, 20))),
        ],
    )
    r2 = request(
        "93",
        [
            ("draft", at((11, 1))),
            ("submitted", at((11, 4))),
            ("validated", at((11, 6))),
            ("proposed", at((11, 9))),
            ("validated", at((11, 12))),
        ],
    )
    r3 = request(
        "93",
        [
            ("draft", at((10, 1))),
            ("submitted", at((10, 15))),
            ("validated", at((11, 2))),
            ("proposed", at((11, 13))),
            ("admitted", at((11, 25))),
        ],
    )
    request("93", [("draft", at((11, 18))), ("submitted", at((11, 20)))])
    request("93", [("draft", at((11, 21)))])
    request("75", [("draft", at((11, 2))), ("submitted", at((11, 5)))])

    def proposal(r, vacancy, events, **fields):
        p = Proposal.objects.create(request=r, vacancy=vacancy, **fields)
        for from_status, to_status, when in events:
            ProposalEvent.objects.create(proposal=p, from_status=from_status, to_status=to_status, at=when)
        return p

    proposal(
        r1,
        v_room,
        [
            ("", "pending", at((11, 8))),
            ("pending", "accepted", at((11, 10))),
            ("accepted", "admitted", at((11, 20))),
            ("admitted", "exited", at((11, 28))),
        ],
        status="exited",
        answered_at=at((11, 10)),
        admitted_on=dt.date(2026, 11, 20),
        exited_on=dt.date(2026, 11, 28),
        exit_destination="social_housing",
    )
    proposal(
        r2,
        v_flat,
        [("", "pending", at((11, 9))), ("pending", "refused", at((11, 12)))],
        status="refused",
        answered_at=at((11, 12)),
        refusal_side="household",
        refusal_reason=RefusalReason.objects.get(code="hh_location"),
    )
    proposal(
        r3,
        v_flat,
        [
            ("", "pending", at((11, 13))),
            ("pending", "accepted", at((11, 14))),
            ("accepted", "admitted", at((11, 25))),
        ],
        status="admitted",
        answered_at=at((11, 14)),
        admitted_on=dt.date(2026, 11, 25),
    )
    return {"t93": t93, "org": org}


def _values(code, period=NOV, territory="93"):
    result = INDICATORS[code].compute(period, territory)
    return {row.key: row.value for row in result.rows}, result.total


def test_requests_submitted_counts_first_submissions_by_month(siao_world):
    assert _values("siao.requests_submitted") == ({"2026-11": 3}, 3)  # r1, r2, r4 (r3 was in October)
    oct_nov = Period(dt.date(2026, 10, 1), dt.date(2026, 11, 30))
    assert _values("siao.requests_submitted", oct_nov) == ({"2026-10": 1, "2026-11": 3}, 4)
    assert _values("siao.requests_submitted", territory="75") == ({"2026-11": 1}, 1)


def test_requests_by_status_at_the_end_of_the_period(siao_world):
    values, total = _values("siao.requests_by_status")
    assert (values["admitted"], values["validated"], values["submitted"], values["draft"]) == (2, 1, 1, 1)
    assert total == 5
    # On 10 November: r1 proposed, r2 proposed, r3 validated; r4 and r5 not yet created.
    values, total = _values("siao.requests_by_status", Period(dt.date(2026, 11, 1), dt.date(2026, 11, 10)))
    assert (values["proposed"], values["validated"], total) == (2, 1, 3)


def test_answers_rate_wait_refusals_flows_exits_and_inter_department(siao_world):
    assert _values("siao.proposal_answers") == ({"accepted": 2, "refused": 1}, 3)
    assert _values("siao.positive_response_rate")[0] == {"rate": 66.7}
    # r1: 5 Nov → 20 Nov = 15 days; r3: 2 Nov → 25 Nov = 23 days.
    assert _values("siao.waiting_time")[0] == {"median": 19.0, "p90": 23}
    assert _values("siao.refusals_by_reason") == ({"hh_location": 1}, 1)
    assert _values("siao.refusals_by_side") == ({"household": 1, "facility": 0}, 1)
    assert _values("siao.admissions_by_kind") == ({"chrs": 1, "logement_social": 1}, 2)
    exits, total = _values("siao.exits")
    assert (exits["social_housing"], total) == (1, 1)
    assert _values("siao.inter_department") == ({"75": 1}, 1)
    assert _values("siao.positive_response_rate", Period(dt.date(2026, 12, 1), dt.date(2026, 12, 2)))[0] == {
        "rate": None
    }


# Disclosure -------------------------------------------------------------------------------------


def test_small_cells_are_suppressed_with_a_complement():
    result = Result(rows=[Row("a", "A", 40), Row("b", "B", 3), Row("c", "C", 25), Row("d", "D", 0)], total=68)
    shown = suppress(result, limit=11)
    values = {r.key: (r.value, r.suppressed) for r in shown.rows}
    assert values["b"] == (None, True)
    assert values["c"] == (None, True)  # the complement: the smallest other cell
    assert values["a"] == (40, False) and values["d"] == (0, False)
    # The differencing attack on the table: the total minus the visible cells no longer gives B.
    visible = sum(r.value for r in shown.rows if r.value is not None)
    assert shown.total - visible == 28 != 3


def test_two_suppressed_cells_need_no_complement_and_a_small_total_is_hidden():
    shown = suppress(Result(rows=[Row("a", "A", 2), Row("b", "B", 4), Row("c", "C", 30)], total=36), limit=11)
    assert [r.suppressed for r in shown.rows] == [True, True, False]
    assert suppress(Result(rows=[Row("a", "A", 5)], total=5), limit=11).total is None


def test_open_data_covers_whole_months_and_cannot_be_differenced(siao_world, settings):
    settings.PARCOURS_DISCLOSURE_THRESHOLD = 2
    data = services.open_data(2026, 11, [("93", "Seine-Saint-Denis"), ("75", "Paris")])
    rows = [dict(zip(data.headers, row, strict=True)) for row in data]
    assert {r["mois"] for r in rows} == {"2026-11"}
    by_reason = [r for r in rows if r["indicateur"] == "siao.refusals_by_reason" and r["département"] == "93"]
    # One refusal is below the threshold of 2: it is hidden and so is the total that would give it away.
    assert [(r["code"], r["valeur"]) for r in by_reason] == [("hh_location", None)]
    # The only periods on offer are whole months: two exports share no partial cell to subtract.
    assert services.month_period(2026, 2) == Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))


# Pages, exports, API ----------------------------------------------------------------------------


def test_observer_sees_charts_tables_and_exports_but_no_household(siao_world, client, login):
    import openpyxl

    observer = MembershipFactory(role=Role.OBSERVER)
    login(observer.user)
    page = client.get(
        reverse("observatory:dashboard"), {"start": "2026-11-01", "end": "2026-11-30", "territory": "93"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Entrées par type d" in html and "<canvas" in html and "<table" in html
    assert "Lefèvre" not in html and "Benoît" not in html
    assert "&lt; 11" in html  # small counts suppressed for an observer
    export = client.get(
        reverse("observatory:export", args=["siao.admissions_by_kind", "xlsx"]),
        {"start": "2026-11-01", "end": "2026-11-30", "territory": "93"},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("code", "libellé", "valeur", "masquée")
    assert [(r[0], r[3]) for r in rows[1:3]] == [("chrs", "oui"), ("logement_social", "oui")]
    household = InsertionRequest.objects.first().household
    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 404


def test_the_siao_of_the_departement_sees_its_small_cells(siao_world, client, login):
    coordinator = MembershipFactory(
        role=Role.SIAO_COORDINATOR, organization=OrganizationFactory(siao=True, territory=siao_world["t93"])
    )
    login(coordinator.user)
    page = client.get(
        reverse("observatory:indicator", args=["siao.admissions_by_kind"]),
        {"start": "2026-11-01", "end": "2026-11-30", "territory": "93"},
    )
    assert page.status_code == 200
    assert page.context["result"].rows[0].value == 1
    csv = client.get(
        reverse("observatory:export", args=["siao.admissions_by_kind", "csv"]),
        {"start": "2026-11-01", "end": "2026-11-30", "territory": "93"},
    )
    assert "chrs,Centre d'hébergement et de réinsertion sociale (CHRS),1" in csv.content.decode()


def test_api_catalogue_and_figures(siao_world, api):
    observer = api(Role.OBSERVER)
    catalogue = observer("get", "/indicators").json()
    codes = {i["code"] for i in catalogue}
    assert {"siao.waiting_time", "siao.refusals_by_reason"} <= codes
    assert all(i["definition"] for i in catalogue)
    figures = observer(
        "get", "/indicators/siao.proposal_answers?from=2026-11-01&to=2026-11-30&territory=93"
    ).json()
    assert figures["threshold"] == 11
    assert [(r["key"], r["value"], r["suppressed"]) for r in figures["rows"]] == [
        ("accepted", None, True),
        ("refused", None, True),
    ]
    assert observer("get", "/indicators/nope").status_code == 404
    bad = observer("get", "/indicators/siao.exits?from=2026-12-01&to=2026-11-01")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"


def test_drill_down_lists_the_files_behind_a_figure_for_those_who_may_open_them(siao_world, client, login):
    from parcours.core.models import AuditEvent

    coordinator = MembershipFactory(
        role=Role.SIAO_COORDINATOR, organization=OrganizationFactory(siao=True, territory=siao_world["t93"])
    )
    login(coordinator.user)
    query = {"start": "2026-11-01", "end": "2026-11-30", "territory": "93"}
    page = client.get(reverse("observatory:indicator", args=["siao.admissions_by_kind"]), query)
    assert reverse("observatory:drill", args=["siao.admissions_by_kind", "chrs"]) in page.content.decode()
    files = client.get(reverse("observatory:drill", args=["siao.admissions_by_kind", "chrs"]), query)
    assert files.status_code == 200
    shown = list(files.context["page"])
    admitted = Proposal.objects.get(vacancy__unit__facility__kind="chrs").request.household
    assert shown == [admitted]
    assert AuditEvent.objects.filter(kind="read", purpose="observatory", object_id=str(admitted.pk)).exists()
    # An observer sees aggregates only: no link, and the list itself is refused.
    observer = MembershipFactory(role=Role.OBSERVER)
    login(observer.user)
    page = client.get(reverse("observatory:indicator", args=["siao.admissions_by_kind"]), query)
    assert "/dossiers/" not in page.content.decode()
    assert (
        client.get(reverse("observatory:drill", args=["siao.admissions_by_kind", "chrs"]), query).status_code
        == 404
    )
    # A social worker of another organization gets the list, but without files they may not open.
    worker = MembershipFactory(role=Role.SOCIAL_WORKER)
    login(worker.user)
    files = client.get(reverse("observatory:drill", args=["siao.admissions_by_kind", "chrs"]), query)
    assert list(files.context["page"]) == []
