"""Small-cell suppression holds against differencing (design §5 rule 5, docs/observatoire.md).

Each test plays an attack as someone who sees aggregates only — overlapping periods, a total minus its
published parts, two départements against the whole, a funder's programme report — through pages,
CSV/XLSX exports, open data and the API, then solves every relation the reader knows (written here,
not read from the code) and checks that the hidden value is not determined by what was published.
"""

import csv
import datetime as dt
import io
import re
from fractions import Fraction

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.emergency.models import EmergencyRequest, NightFigures, UnmetDemand
from parcours.observatory import perms as observatory_perms
from parcours.support import perms as support_perms
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory
from tests.support.test_support_report import project  # noqa: F401  (a project with three households housed)

pytestmark = pytest.mark.django_db

NOVEMBER = [dt.date(2026, 11, d) for d in range(1, 31)]
SECRET_NIGHT = dt.date(2026, 11, 15)


def determined(equations: list[dict], unknown) -> bool:
    """Whether the linear relations (each {cell: coefficient}, the published cells already moved to
    the constant side) fix the value of `unknown`: it is the case when the unit vector of `unknown`
    lies in their row space (reduced row echelon form, exact fractions)."""
    cells = sorted({c for eq in equations for c in eq}, key=str)
    if unknown not in cells:
        return False
    rows = [[Fraction(eq.get(c, 0)) for c in cells] for eq in equations]
    pivot_row = 0
    for col in range(len(cells)):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    target = [Fraction(1 if c == unknown else 0) for c in cells]
    return any(row == target for row in rows)


def relations(known: dict, sums: list[tuple]) -> list[dict]:
    """Each (total, parts) relation with the published cells removed: what is left links the hidden
    ones. A cell the reader has no figure for is unknown."""
    equations = []
    for total, parts in sums:
        eq = {}
        for cell, sign in [(total, 1)] + [(p, -1) for p in parts]:
            if known.get(cell) is None:
                eq[cell] = eq.get(cell, 0) + sign
        if eq:
            equations.append(eq)
    return equations


def _nights(territory, values):
    for night, n in zip(NOVEMBER, values, strict=True):
        NightFigures.objects.create(territory=territory, night=night, requests=n)


@pytest.fixture
def november(db):
    """Requests by night in November 2026: 20 a night in the 93 except 3 on the 15th, 30 a night in
    the 75 — every night of the whole network is large, so it alone tells nothing."""
    t93, t75 = TerritoryFactory(code="93"), TerritoryFactory(code="75")
    _nights(t93, [3 if night == SECRET_NIGHT else 20 for night in NOVEMBER])
    _nights(t75, [30] * len(NOVEMBER))
    return t93, t75


def _table_from_api(body) -> dict:
    cells = {row["key"]: row["value"] for row in body["rows"]}
    cells["total"] = body["total"]
    return cells


def _table_from_csv(content: bytes) -> dict:
    return {
        row["code"]: (int(row["valeur"]) if row["valeur"] else None)
        for row in csv.DictReader(io.StringIO(content.decode()))
    }


def _table_from_xlsx(content: bytes) -> dict:
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return {row[0]: row[2] for row in rows[1:]}


def _secret_recovered(table: dict) -> bool:
    key = SECRET_NIGHT.isoformat()
    if table.get(key) is not None:
        return True
    return determined(relations(table, [("total", [d.isoformat() for d in NOVEMBER])]), key)


# 1. Two overlapping periods ---------------------------------------------------------------------


def test_overlapping_periods_cannot_be_subtracted(november, api, client, login):
    """The 1st–14th and the 1st–15th differ by the 15th alone: their totals would give it away. Those
    who see aggregates only get the whole month for both, and are told so."""
    asks = [("2026-11-01", "2026-11-14"), ("2026-11-01", "2026-11-15")]
    observer = api(Role.OBSERVER)
    answers = [
        observer("get", f"/indicators/115.requests_by_night?from={a}&to={b}&territory=93").json()
        for a, b in asks
    ]
    assert [(x["start"], x["end"]) for x in answers] == [("2026-11-01", "2026-11-30")] * 2
    assert all("mois civil entier" in x["period_note"] for x in answers)
    assert answers[1]["total"] - answers[0]["total"] != 3
    assert not any(_secret_recovered(_table_from_api(x)) for x in answers)

    login(MembershipFactory(role=Role.OBSERVER).user)
    url = reverse("observatory:indicator", args=["115.requests_by_night"])
    pages = [client.get(url, {"start": a, "end": b, "territory": "93"}) for a, b in asks]
    for page in pages:
        assert page.context["period"].start == dt.date(2026, 11, 1)
        assert page.context["period"].end == dt.date(2026, 11, 30)
        assert "mois civil entier" in page.content.decode()
        table = {r.key: r.value for r in page.context["result"].rows} | {
            "total": page.context["result"].total
        }
        assert not _secret_recovered(table)
    for fmt, read in (("csv", _table_from_csv), ("xlsx", _table_from_xlsx)):
        url = reverse("observatory:export", args=["115.requests_by_night", fmt])
        tables = [read(client.get(url, {"start": a, "end": b, "territory": "93"}).content) for a, b in asks]
        assert tables[0] == tables[1]
        assert (tables[1].get("total") or 0) - (tables[0].get("total") or 0) != 3
        assert not any(_secret_recovered(t) for t in tables)


def test_the_month_under_way_is_not_served_to_aggregates_only_readers(november, api, client, login):
    """A month still running changes every day: two days apart, two readings would differ by a day."""
    observer = api(Role.OBSERVER)
    today = timezone.localdate()
    body = observer("get", f"/indicators/115.requests_by_night?from={today:%Y-%m}-01&to={today}").json()
    assert dt.date.fromisoformat(body["end"]) < today.replace(day=1)
    login(MembershipFactory(role=Role.OBSERVER).user)
    response = client.get(reverse("observatory:open_data", args=[today.year, today.month, "csv"]))
    assert response.status_code == 404


# 2. A total minus its published parts (tonight on the 115 dashboard) -------------------------------


def _dashboard_cells(html: str) -> dict:
    def number(text):
        text = text.strip()
        return int(text) if text.isdigit() else None

    return {k: number(v) for k, v in re.findall(r'data-figure="([\w-]+)">([^<]*)<', html)}


def test_tonight_minus_its_published_parts_does_not_give_the_unmet_requests(client, login, monkeypatch):
    """Tonight: 15 requests, 12 allocated, 3 unmet, none pending — requests minus allocated minus
    pending would be the 3 unmet ones; the month's reasons table would show them as well."""
    t93 = TerritoryFactory(code="93")
    night = dt.date(2026, 12, 3)
    monkeypatch.setattr("parcours.emergency.views.current_night", lambda: night)
    for status in ["allocated"] * 12 + ["unmet"] * 3:
        request = EmergencyRequest.objects.create(
            territory=t93,
            night=night,
            persons=1,
            children=0,
            priority="P4",
            suggested_priority="P4",
            status=status,
        )
        if status == "unmet":
            UnmetDemand.objects.create(request=request, reason="no_place")
    observer = MembershipFactory(
        role=Role.OBSERVER, organization=OrganizationFactory(state=True, territory=t93)
    )
    login(observer.user)
    response = client.get(reverse("emergency:dashboard"))
    cells = _dashboard_cells(response.content.decode())
    assert cells["tonight-unmet"] is None
    tonight = relations(
        {k: cells[f"tonight-{k}"] for k in ("requests", "allocated", "unmet", "pending")},
        [("requests", ["allocated", "unmet", "pending"])],
    )
    assert not determined(tonight, "unmet")
    month = relations(
        {k: cells[k] for k in ("requests", "allocated", "unmet")} | {"pending": 0},
        [("requests", ["allocated", "unmet", "pending"])],
    )
    assert not determined(month, "unmet")
    # The reasons are the month's unmet requests by reason: no small count there either.
    assert all(not isinstance(count, int) or count >= 11 for _label, count in response.context["reasons"])
    assert response.context["previous"] == ""  # closed months are read in the observatory only


# 3. Two départements against the whole network ---------------------------------------------------


def test_two_departements_and_the_whole_network_do_not_give_a_hidden_night(november, api, client, login):
    """The whole network's 15 November (33) minus the 75's (30) would be the 93's 3. Every door is
    read — the API for each département and for all, the comparison on the indicator page, the CSV
    export and the open-data file — and all of it put together does not fix the hidden night."""
    observer = api(Role.OBSERVER)
    known: dict = {}

    def learn(territory, table: dict):
        for key, value in table.items():
            if value is None:
                continue
            assert known.get((territory, key), value) == value, "two doors disagree"
            known[(territory, key)] = value

    query = "from=2026-11-01&to=2026-11-30"
    for territory in ("93", "75", None):
        suffix = f"&territory={territory}" if territory else ""
        learn(
            territory,
            _table_from_api(observer("get", f"/indicators/115.requests_by_night?{query}{suffix}").json()),
        )
    login(MembershipFactory(role=Role.OBSERVER).user)
    page = client.get(
        reverse("observatory:indicator", args=["115.requests_by_night"]),
        {"start": "2026-11-01", "end": "2026-11-30"},
    )
    for row in page.context["compared"].rows:
        learn(row.key, {"total": row.value})
    learn(
        None, {r.key: r.value for r in page.context["result"].rows} | {"total": page.context["result"].total}
    )
    export = client.get(
        reverse("observatory:export", args=["115.requests_by_night", "csv"]),
        {"start": "2026-11-01", "end": "2026-11-30", "territory": "75"},
    )
    learn("75", _table_from_csv(export.content))
    open_data = client.get(reverse("observatory:open_data", args=[2026, 11, "csv"]))
    for row in csv.DictReader(io.StringIO(open_data.content.decode())):
        if row["indicateur"] == "115.requests_by_night":
            learn(row["département"], {row["code"]: int(row["valeur"]) if row["valeur"] else None})

    nights = [d.isoformat() for d in NOVEMBER]
    sums = []
    for territory in ("93", "75", None):
        sums.append(((territory, "total"), [(territory, n) for n in nights]))
    for key in [*nights, "total"]:
        sums.append(((None, key), [("93", key), ("75", key)]))
    secret = ("93", SECRET_NIGHT.isoformat())
    assert known.get(secret) is None
    assert not determined(relations(known, sums), secret)


# 4. A programme report for a funder ----------------------------------------------------------------


def test_a_funder_reads_no_small_count_in_a_programme_report(project, api, client, login):  # noqa: F811
    """Three households housed, two today, two measures (one open, one closed), two alerts (one
    eviction avoided): all small counts; the funding per household would give the households back."""
    observer = api(Role.OBSERVER)
    body = observer("get", f"/support/programmes/{project.pk}/report?on=2026-12-01").json()
    for name in ("households_housed", "households_housed_now", "measures", "measures_open", "alerts"):
        assert body[name] is None, name
    assert body["funding_per_household"] is None and body["funding_total"] == "21000.00"
    login(MembershipFactory(role=Role.NETWORK_ADMIN).user)
    html = client.get(f"/accompagnement/programmes/{project.pk}/").content.decode()
    assert 'data-figure="households_housed">&lt; 11' in html
    assert 'data-figure="funding_per_household">masqué' in html
    assert "7000,00" not in html.replace("\u202f", "").replace("\xa0", "")


def test_the_project_side_reads_its_own_report_whole(project, client, login):  # noqa: F811
    landlord = MembershipFactory(role=Role.LANDLORD, organization=project.landlord)
    login(landlord.user)
    html = client.get(f"/accompagnement/programmes/{project.pk}/").content.decode()
    assert 'data-figure="households_housed">3<' in html


# Who sees small counts: each of the seven roles ----------------------------------------------------


@pytest.mark.parametrize(
    ("role", "own_side", "sees_programme", "sees_observatory"),
    [
        (Role.CALL_HANDLER, False, False, True),
        (Role.SIAO_COORDINATOR, False, False, True),
        (Role.SOCIAL_WORKER, True, True, False),
        (Role.FACILITY_MANAGER, True, False, False),
        (Role.LANDLORD, True, True, False),
        (Role.OBSERVER, False, False, False),
        (Role.NETWORK_ADMIN, False, False, False),
    ],
)
def test_small_counts_by_role(project, role, own_side, sees_programme, sees_observatory):  # noqa: F811
    """The project's own landlord and association see its counts; the SIAO operator of a département
    (its 115 and coordination) sees that département's small cells in the observatory; nobody else."""
    t93 = TerritoryFactory(code="93")
    if own_side:
        organization = project.landlord if role == Role.LANDLORD else project.association
    elif role in (Role.CALL_HANDLER, Role.SIAO_COORDINATOR):
        organization = OrganizationFactory(siao=True, territory=t93)
    else:
        organization = OrganizationFactory(state=True, territory=t93)
    membership = MembershipFactory(role=role, organization=organization)
    user = membership.user
    user.active_membership = membership  # as the middleware sets it on each request
    assert support_perms.sees_programme_small_counts(user, project) is sees_programme
    assert observatory_perms.sees_small_cells(user, "93") is sees_observatory
    assert observatory_perms.sees_small_cells(user, None) is False
    assert observatory_perms.sees_small_cells(user, "75") is False


# 5. Related indicators: a rate or a median on few people -----------------------------------------


def test_a_rate_times_its_published_whole_does_not_give_a_small_count(november, api):
    """3 unmet requests out of 600: the unmet rate (0.5 %) times the published requests (600) would
    be the 3; a median of two stays would be the stays themselves."""
    NightFigures.objects.filter(territory__code="93", night=SECRET_NIGHT).update(requests=20, unmet=3)
    observer = api(Role.OBSERVER)
    query = "from=2026-11-01&to=2026-11-30&territory=93"
    requests = observer("get", f"/indicators/115.requests_by_night?{query}").json()["total"]
    rates = {r["key"]: r for r in observer("get", f"/indicators/115.rates?{query}").json()["rows"]}
    assert requests == 600
    assert rates["unmet_rate"]["value"] is None and rates["unmet_rate"]["suppressed"] is True


def test_a_median_of_few_stays_is_hidden():
    from parcours.observatory.catalogue import median_and_p90
    from parcours.observatory.disclosure import suppress_derived

    shown = suppress_derived(median_and_p90([12, 40]), limit=11)
    assert [(r.value, r.suppressed) for r in shown.rows] == [(None, True), (None, True)]
    many = suppress_derived(median_and_p90(list(range(20))), limit=11)
    assert all(r.value is not None for r in many.rows)


def test_a_count_published_by_two_indicators_is_hidden_in_both():
    """Refusals: 3 accepted and 40 refused answers, 43 in all — the 3 hides with the 40 as its
    complement. The refusals by side publish the same 40 as their total (and 25 + 15 by side): left
    alone they would show it, and 43 − 40 would give the 3 back. The catalogue links the two cells."""
    from parcours.observatory.catalogue import LINKS, TOTAL, Result, Row
    from parcours.observatory.disclosure import protect_family

    answers, by_side = "siao.proposal_answers", "siao.refusals_by_side"
    assert ((answers, "refused"), (by_side, TOTAL)) in LINKS
    tables = {
        answers: {
            None: Result(rows=[Row("accepted", "acceptées", 3), Row("refused", "refusées", 40)], total=43)
        },
        by_side: {
            None: Result(rows=[Row("household", "ménage", 25), Row("facility", "structure", 15)], total=40)
        },
    }
    for links in ([], LINKS):
        shown = protect_family(tables, links, limit=11)
        known = {(code, r.key): r.value for code, t in shown.items() for r in t[None].rows}
        known |= {(code, "total"): t[None].total for code, t in shown.items()}
        sums = [
            ((answers, "total"), [(answers, "accepted"), (answers, "refused")]),
            ((by_side, "total"), [(by_side, "household"), (by_side, "facility")]),
            ((answers, "refused"), [(by_side, "total")]),
        ]
        leaks = determined(relations(known, sums), (answers, "accepted"))
        assert leaks is (links == []), links  # without the link, the 3 comes back; with it, never


def test_a_siao_cannot_subtract_its_own_small_cells_to_read_another_departement(api):
    """The SIAO of the 93 sees the 93's figures whole. On 15 November the 75 had 3 requests and the
    93 twenty: if the 93's 20 were the complement hiding the 75's 3, the SIAO — who knows its 20 —
    would read 23 − 20 = 3 for the 75. Its own cells count as known when the others are protected."""
    t93, t75 = TerritoryFactory(code="93"), TerritoryFactory(code="75")
    _nights(t93, [20] * len(NOVEMBER))
    _nights(t75, [3 if night == SECRET_NIGHT else 30 for night in NOVEMBER])
    siao = api(Role.SIAO_COORDINATOR, organization=OrganizationFactory(siao=True, territory=t93))
    known: dict = {}
    for territory in ("93", "75", None):
        suffix = f"&territory={territory}" if territory else ""
        body = siao("get", f"/indicators/115.requests_by_night?from=2026-11-01&to=2026-11-30{suffix}").json()
        for key, value in _table_from_api(body).items():
            known[(territory, key)] = value
    assert all(known[("93", n.isoformat())] == 20 for n in NOVEMBER)  # its own, whole
    nights = [d.isoformat() for d in NOVEMBER]
    sums = [((t, "total"), [(t, n) for n in nights]) for t in ("93", "75", None)]
    sums += [((None, k), [("93", k), ("75", k)]) for k in [*nights, "total"]]
    secret = ("75", SECRET_NIGHT.isoformat())
    assert known[secret] is None
    assert not determined(relations(known, sums), secret)
