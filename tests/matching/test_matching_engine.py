"""The pure orientation engine on hand-built cases: each rule alone and together, the ranking terms,
explanations and snapshots, optimal assignment against brute force. No database here."""

import ast
import datetime as dt
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.matching.engine import RULE_CODES, Engine, Requests, Vacancy
from parcours.matching.engine.rules import consumption_units

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def in_french():
    """Explanations are asserted in French, whatever language an earlier test left active."""
    with translation.override("fr"):
        yield


DAY = TODAY.toordinal()


def req(request_id, **facts):
    facts.setdefault("household_id", 1000 + request_id)
    facts.setdefault("wished_kinds", ["logement_social"])
    facts.setdefault("wished_territories", ["93"])
    facts.setdefault("resources", 1500.0)
    facts.setdefault("seniority_day", DAY - 100)
    return {"request_id": request_id, **facts}


def vac(**facts):
    base = {
        "id": 1,
        "facility_id": 10,
        "kind": "logement_social",
        "territory": "93",
        "capacity": 4,
        "typology": "",
        "rent": None,
        "charges": None,
    }
    return Vacancy(**(base | facts))


def engine(records, parked=None, **kwargs):
    return Engine(Requests.from_records(records, parked=parked), TODAY, **kwargs)


def excluded_by(records, vacancy, parked=None, **kwargs):
    ranking = engine(records, parked, **kwargs).rank(vacancy)
    return {e.request_id: e.rule for e in ranking.excluded()}, [c.request_id for c in ranking.ranked()]


# --- each rule alone ------------------------------------------------------------------------------


def test_kind_wished():
    out, ranked = excluded_by([req(1), req(2, wished_kinds=["chrs"])], vac())
    assert out == {2: "kind"} and ranked == [1]


def test_territory_wished():
    out, ranked = excluded_by(
        [req(1, wished_territories=["75", "93"]), req(2, wished_territories=["75"])], vac()
    )
    assert out == {2: "territory"} and ranked == [1]


@pytest.mark.parametrize(
    ("typology", "capacity", "threshold", "fits"),
    [
        ("T2", 4, 0, {1, 2, 3}),
        ("T3", 6, 0, {2, 3, 4, 5}),
        ("T3", 6, 1, {2, 3, 4, 5, 6}),
        ("T3", 4, 1, {2, 3, 4}),  # the unit's places bound any tolerance
        ("", 3, 0, {1, 2, 3}),
    ],
)
def test_capacity_and_typology(typology, capacity, threshold, fits):
    records = [req(n, size=n, adults=min(n, 2)) for n in range(1, 8)]
    rules = {"capacity": {"overcrowding_threshold": threshold}}
    out, ranked = excluded_by(records, vac(typology=typology, capacity=capacity, rules=rules))
    assert set(ranked) == fits
    assert set(out) == set(range(1, 8)) - fits and set(out.values()) == {"capacity"}


def test_consumption_units_oecd_modified():
    r = Requests.from_records(
        [
            req(1, size=1, under14=0),
            req(2, size=2, under14=0),
            req(3, size=4, under14=2),  # 1 + 0.5 + 0.3 + 0.3
            req(4, size=3, under14=1),  # 1 + 0.5 + 0.3
        ]
    )
    assert consumption_units(r, np.arange(4)).tolist() == pytest.approx([1.0, 1.5, 2.1, 1.8])


def test_cost_effort_rate_and_residual_income():
    rules = {
        "cost": {
            "max_effort_rate": 0.30,
            "min_daily_residual": 10.0,
            "benefit_participation_rate": 1.0,  # no housing benefit: the figures below stay by hand
            "benefit_min_participation": 10_000,
        }
    }
    v = vac(rent=400.0, charges=50.0, rules=rules)
    records = [
        req(1, resources=1500.0),  # effort 450/1500 = 30 %; residual (1500-450)/30 = 35 €/day
        req(2, resources=1400.0),  # effort 32 % > 30 %
        req(3, resources=1600.0, other_charges=900.0),  # effort 28 %; residual (1600-450-900)/30 = 8.3 €
        req(4, resources=0.0),  # no resources: the effort rate cannot be met
        req(5, resources=1600.0, size=4, under14=2, other_charges=0.0),  # (1600-450)/2.1/30 = 18.3 €
    ]
    out, ranked = excluded_by(records, v)
    assert sorted(ranked) == [1, 5]
    assert out == {2: "cost", 3: "cost", 4: "cost"}


def test_cost_housing_benefit_estimate_lowers_the_effort_rate():
    v = vac(rent=500.0, charges=60.0, rules={"cost": {}})
    # 560 € for 1200 € is 47 % before benefit; the estimate (335 + 58 − 0.12 × 1200 = 249 €) brings
    # the net cost to 311 €, an effort rate of 26 %.
    out, ranked = excluded_by([req(1, resources=1200.0)], v)
    assert ranked == [1]


def test_cost_max_rent_of_the_assessment_replaces_the_ratios():
    v = vac(rent=400.0, charges=50.0, rules={"cost": {}})
    records = [req(1, resources=0.0, max_rent=500.0), req(2, resources=5000.0, max_rent=420.0)]
    out, ranked = excluded_by(records, v)
    assert ranked == [1] and out == {2: "cost"}


def test_cost_without_rent_passes():
    out, ranked = excluded_by([req(1, resources=0.0)], vac(rules={"cost": {}}))
    assert ranked == [1]


def test_age_band_of_the_head():
    v = vac(min_age=18, max_age=25, rules={"age": {}})
    records = [req(1, head_age=20), req(2, head_age=30), req(3, head_age=17), req(4, head_age=-1)]
    out, ranked = excluded_by(records, v)
    assert sorted(ranked) == [1, 4] and out == {2: "age", 3: "age"}


def test_sex_of_the_adults():
    women = vac(accepted_sex="F", rules={"sex": {}})
    records = [
        req(1, adults=1, adult_women=1),
        req(2, size=3, adults=1, adult_women=1, under14=2),  # a mother with two boys
        req(3, adults=1, adult_men=1),
        req(4, size=2, adults=2, adult_women=1, adult_men=1),
    ]
    out, ranked = excluded_by(records, women)
    assert sorted(ranked) == [1, 2] and out == {3: "sex", 4: "sex"}
    out, ranked = excluded_by(records, vac(accepted_sex="M", rules={"sex": {}}))
    assert ranked == [3]


def test_single_or_family():
    records = [req(1, size=1), req(2, size=2, adults=2), req(3, size=3, adults=1)]
    out, ranked = excluded_by(records, vac(accepted_household="single", rules={"composition": {}}))
    assert ranked == [1]
    out, ranked = excluded_by(records, vac(accepted_household="family", rules={"composition": {}}))
    assert sorted(ranked) == [2, 3]
    family_with_child = {"composition": {"family_needs_child": True}}
    out, ranked = excluded_by(records, vac(accepted_household="family", rules=family_with_child))
    assert ranked == [3] and out == {1: "composition", 2: "composition"}


def test_pets():
    records = [req(1), req(2, has_pets=True)]
    assert excluded_by(records, vac(rules={"pets": {}}))[0] == {2: "pets"}
    assert excluded_by(records, vac(pets_accepted=True, rules={"pets": {}}))[0] == {}


def test_accessibility():
    records = [req(1), req(2, needs_accessible=True)]
    assert excluded_by(records, vac(rules={"accessibility": {}}))[0] == {2: "accessibility"}
    assert excluded_by(records, vac(accessible=True, rules={"accessibility": {}}))[0] == {}


def test_parking_after_a_refusal():
    records = [req(1), req(2)]
    out, ranked = excluded_by(records, vac(rules={"parking": {}}), parked={10: [2], 11: [1]})
    assert out == {2: "parking"} and ranked == [1]


def test_pending_proposal():
    records = [req(1), req(2, has_pending_proposal=True)]
    assert excluded_by(records, vac(rules={"pending_proposal": {}}))[0] == {2: "pending_proposal"}
    allowed = {"pending_proposal": {"allow_concurrent_proposals": True}}
    assert excluded_by(records, vac(rules=allowed))[0] == {}


def test_a_disabled_rule_does_not_apply():
    records = [req(1, has_pets=True, wished_kinds=["chrs"])]
    out, ranked = excluded_by(records, vac(rules={"kind": {}}))
    assert out == {1: "kind"}
    out, ranked = excluded_by(records, vac(rules={"territory": {}}))
    assert ranked == [1] and out == {}


def test_unknown_rule_or_term_is_refused():
    with pytest.raises(ValueError, match="unknown rules"):
        engine([req(1)]).rank(vac(rules={"nationality": {}}))
    with pytest.raises(ValueError, match="unknown ranking terms"):
        engine([req(1)], weights={"nationality": 1.0})


# --- rules together -------------------------------------------------------------------------------


def test_every_rule_together_first_failure_is_reported_and_why_not_lists_all():
    v = vac(
        typology="T2",
        capacity=3,
        rent=700.0,
        charges=100.0,
        min_age=18,
        max_age=30,
        accepted_sex="F",
        accepted_household="single",
    )
    records = [
        req(1, adults=1, adult_women=1, head_age=25, resources=2500.0),
        req(
            2,
            wished_kinds=["chrs"],
            has_pets=True,
            needs_accessible=True,
            head_age=40,
            adult_men=1,
            resources=3000.0,
        ),
        req(3, size=5, adults=2, adult_men=1, adult_women=1, head_age=45, resources=900.0),
        req(4, adults=1, adult_women=1, head_age=25, resources=2500.0, has_pending_proposal=True),
    ]
    e = engine(records, parked={10: [3]})
    ranking = e.rank(v)
    assert [c.request_id for c in ranking.ranked()] == [1]
    assert {x.request_id: x.rule for x in ranking.excluded()} == {
        2: "kind",
        3: "capacity",
        4: "pending_proposal",
    }
    why = e.why_not(v, 2)
    assert [r.rule for r in why.reasons] == ["kind", "age", "sex", "pets", "accessibility"]
    assert not why.eligible and all(r.detail for r in why.reasons)
    why3 = e.why_not(v, 3)
    assert [r.rule for r in why3.reasons] == ["capacity", "cost", "age", "sex", "composition", "parking"]
    assert "reste à vivre de 7,63 €" in why3.reasons[1].detail
    ok = e.why_not(v, 1)
    assert ok.eligible and ok.candidate.rank == 1
    assert not e.why_not(v, 999).open


# --- ranking ---------------------------------------------------------------------------------------


def test_score_is_the_sum_of_its_weighted_terms():
    records = [
        req(
            1,
            seniority_day=DAY - 730,
            vulnerability=1,
            dalo=True,
            syplo=True,
            manual_priority=5,
            size=2,
            adults=2,
        ),
        req(2, seniority_day=DAY - 365, wished_territories=["75", "93"], size=1),
    ]
    ranking = engine(records).rank(vac(typology="T2"))
    first, second = ranking.ranked()
    assert first.request_id == 1
    assert first.terms == pytest.approx(
        {
            "seniority": 10 * 730 / 365.25,
            "vulnerability": 20.0,
            "dalo": 30.0,
            "syplo": 15.0,
            "territory_preference": 5.0,
            "typology_fit": 10.0,
            "manual_priority": 5.0,
        },
        abs=1e-3,
    )
    assert first.score == pytest.approx(sum(first.terms.values()), abs=1e-3)
    # 93 is the second wish (1/2), a single person in a T2 whose ideal is 2 (fit 1/2).
    assert second.terms["territory_preference"] == pytest.approx(2.5)
    assert second.terms["typology_fit"] == pytest.approx(5.0)


def test_weights_are_data():
    records = [req(1, seniority_day=DAY - 2000), req(2, dalo=True)]
    assert [c.request_id for c in engine(records).rank(vac()).ranked()] == [1, 2]
    reweighted = engine(records, weights={"seniority": 1.0}).rank(vac())
    assert [c.request_id for c in reweighted.ranked()] == [2, 1]


def test_ties_go_to_the_older_request_then_the_lower_number():
    records = [req(3, seniority_day=0), req(2, seniority_day=DAY), req(1, seniority_day=DAY)]
    ranking = engine(records, weights={"seniority": 0.0}).rank(vac())
    assert [c.request_id for c in ranking.ranked()] == [1, 2, 3]


def test_snapshot_is_json_and_carries_input_and_output():
    records = [req(1), req(2, wished_kinds=["chrs"])]
    ranking = engine(records).rank(vac(rent=300.0))
    snap = json.loads(json.dumps(ranking.snapshot()))
    assert snap["vacancy"]["rent"] == 300.0 and snap["weights"]["dalo"] == 30.0
    assert [r["request_id"] for r in snap["requests"]] == [1, 2]
    assert snap["ranked"][0]["request_id"] == 1 and snap["excluded"][0]["rule"] == "kind"
    assert set(snap["rules"]) == set(RULE_CODES)
    assert snap["request"] is None and snap["excluded_by_rule"] == {"kind": 1}


def test_snapshot_keeps_the_proposed_request_beyond_the_limit():
    records = [req(n, seniority_day=DAY - 1000 + n) for n in range(1, 6)] + [req(9, wished_kinds=["chrs"])]
    ranking = engine(records).rank(vac())
    snap = json.loads(json.dumps(ranking.snapshot(2, skip=("kind",), request_id=5)))
    assert [c["request_id"] for c in snap["ranked"]] == [1, 2] and snap["excluded"] == []
    assert snap["request"]["candidate"]["rank"] == 5
    assert [r["request_id"] for r in snap["requests"]] == [1, 2, 5]
    snap = ranking.snapshot(1, skip=("kind",), request_id=9)
    assert [r["rule"] for r in snap["request"]["reasons"]] == ["kind"]


# --- fairness --------------------------------------------------------------------------------------

SENSITIVE = ("nationality", "administrative_status", "health", "disability", "religion")


def test_sensitive_facts_are_not_engine_inputs():
    with pytest.raises(ValueError, match="unknown"):
        Requests.from_records([req(1)]).__class__(
            {**Requests.from_records([req(1)]).columns, "nationality": np.array([1])}, (), [], (), []
        )
    from parcours.matching.engine.data import REQUEST_COLUMNS

    assert not any(word in name for name in REQUEST_COLUMNS for word in ("nation", "status", "health"))


def test_engine_package_imports_no_database():
    package = Path(__file__).resolve().parents[2] / "parcours" / "matching" / "engine"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                assert not any(n.startswith(("django.db", "parcours.")) for n in names), (path.name, names)


# --- assignment ------------------------------------------------------------------------------------


def brute_force(e, vacancies, fill_first):
    """Every way of giving each vacancy one eligible request (or none), at most one vacancy each."""
    options = []
    for v in vacancies:
        ranking = e.rank(v)
        options.append([None] + [(c.request_id, c.score) for c in ranking.ranked()])
    best = None
    for combo in itertools.product(*options):
        taken = [c[0] for c in combo if c]
        if len(taken) != len(set(taken)):
            continue
        key = (len(taken) if fill_first else 0, round(sum(c[1] for c in combo if c), 3))
        best = key if best is None or key > best else best
    return best


@st.composite
def instances(draw):
    n_requests = draw(st.integers(1, 7))
    records = [
        req(
            i + 1,
            size=draw(st.integers(1, 5)),
            seniority_day=DAY - draw(st.integers(0, 2000)),
            vulnerability=draw(st.integers(0, 4)),
            dalo=draw(st.booleans()),
            wished_kinds=draw(
                st.sets(st.sampled_from(["chrs", "logement_social", "fjt"]), min_size=1).map(sorted)
            ),
            wished_territories=draw(
                st.permutations(["93", "75"]).map(lambda p: p[: draw(st.integers(1, 2))])
            ),
        )
        for i in range(n_requests)
    ]
    vacancies = [
        vac(
            id=j + 1,
            facility_id=j + 1,
            kind=draw(st.sampled_from(["chrs", "logement_social", "fjt"])),
            territory=draw(st.sampled_from(["93", "75"])),
            capacity=draw(st.integers(1, 5)),
            typology=draw(st.sampled_from(["", "T1", "T2", "T3"])),
        )
        for j in range(draw(st.integers(1, 4)))
    ]
    return records, vacancies


@settings(max_examples=150, deadline=None)
@given(instances(), st.booleans())
def test_assignment_is_optimal_against_brute_force(instance, fill_first):
    records, vacancies = instance
    e = engine(records)
    result = e.assign(vacancies, fill_first=fill_first)
    assert len({p[1] for p in result.pairs}) == len(result.pairs)  # one vacancy per household
    assert len({p[0] for p in result.pairs}) == len(result.pairs)  # one household per vacancy
    assert {p[0] for p in result.pairs} | set(result.unfilled) == {v.id for v in vacancies}
    for vacancy_id, request_id, _score in result.pairs:
        vacancy = next(v for v in vacancies if v.id == vacancy_id)
        assert request_id in {c.request_id for c in e.rank(vacancy).ranked()}
    expected = brute_force(e, vacancies, fill_first)
    got = (len(result.pairs) if fill_first else 0, round(result.total_score, 3))
    assert got[0] == expected[0] and got[1] == pytest.approx(expected[1], abs=2e-3)


def test_assignment_prefers_filling_every_vacancy():
    # Request 1 is the best for both; only it fits vacancy 1. Filling both gives 1 → v1, 2 → v2.
    records = [req(1, dalo=True, size=1), req(2, size=3, adults=2)]
    v1 = vac(id=1, capacity=1)
    v2 = vac(id=2, capacity=4)
    result = engine(records).assign([v1, v2])
    assert [(a, b) for a, b, _ in result.pairs] == [(1, 1), (2, 2)] and result.unfilled == []


def test_assignment_with_no_candidate_leaves_vacancies_unfilled():
    result = engine([req(1, wished_kinds=["chrs"])]).assign([vac(id=5), vac(id=6)])
    assert result.pairs == [] and result.unfilled == [5, 6]


def test_no_open_request_at_all():
    empty = engine([])
    ranking = empty.rank(vac())
    assert ranking.ranked_count == 0 and ranking.excluded_count == 0 and ranking.ranked() == []
    assert empty.assign([vac(id=3)]).unfilled == [3]
    assert not empty.why_not(vac(), 1).open
