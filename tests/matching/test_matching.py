"""The orientation engine on the database: loaders, settings as data, fairness through the loader,
the candidates API per role with its audit, why-not, and the matching facts of a request."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.households.models import MoneyLine, Person
from parcours.matching import loaders
from parcours.matching.engine import Engine
from parcours.matching.models import RequestFacts, RuleSetting
from parcours.offers.models import Facility, Unit, Vacancy
from parcours.orientation.models import InsertionRequest
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory, make_household
from tests.perm_matrix import assert_matrix

TODAY = dt.date(2026, 12, 1)


def _years_ago(n, extra_days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - n) - dt.timedelta(days=extra_days)


def validated(household, *, kinds=("logement_social",), territories=("93",), status="validated", **kwargs):
    return InsertionRequest.objects.create(
        household=household,
        status=status,
        wished_kinds=list(kinds),
        wished_territories=list(territories),
        seniority_date=kwargs.pop("seniority_date", dt.date(2025, 6, 1)),
        **kwargs,
    )


@pytest.fixture
def network(db):
    t93, t75 = TerritoryFactory(code="93"), TerritoryFactory(code="75")
    association = OrganizationFactory(name="Les Amarres")
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    siao75 = OrganizationFactory(name="SIAO 75", siao=True, territory=t75)
    landlord = OrganizationFactory(name="Bailleur", landlord=True)
    facility = Facility.objects.create(
        name="Résidence Les Lilas", kind="logement_social", organization=landlord, territory=t93
    )
    unit = Unit.objects.create(
        facility=facility, label="A12", capacity=4, typology="T3", rent=Decimal("450"), charges=Decimal("80")
    )
    vacancy = Vacancy.objects.create(unit=unit, available_from=dt.date(2026, 12, 15))
    family = make_household(
        organization=association,
        people=[
            ("Awa", "Diallo", _years_ago(34)),
            ("Moussa", "Diallo", _years_ago(36)),
            ("Fanta", "Diallo", _years_ago(6)),
            ("Ali", "Diallo", _years_ago(15)),
        ],
    )
    Person.objects.filter(household=family, first_name="Awa").update(sex="F")
    Person.objects.filter(household=family, first_name="Moussa").update(sex="M", relationship="spouse")
    Person.objects.create(
        household=family,
        first_name="Parti",
        last_name="Diallo",
        relationship="other",
        left_on=dt.date(2026, 1, 1),
    )
    MoneyLine.objects.bulk_create(
        [
            MoneyLine(household=family, is_resource=True, kind="salary", monthly_amount=Decimal("1800")),
            MoneyLine(
                household=family, is_resource=True, kind="family_benefits", monthly_amount=Decimal("300")
            ),
            MoneyLine(
                household=family, is_resource=True, kind="housing_benefit", monthly_amount=Decimal("250")
            ),
            MoneyLine(household=family, is_resource=False, kind="rent", monthly_amount=Decimal("600")),
            MoneyLine(household=family, is_resource=False, kind="debt", monthly_amount=Decimal("70")),
        ]
    )
    family.dalo_decision, family.dalo_decision_on, family.syplo_labelled = "dalo", dt.date(2025, 1, 1), True
    family.save()
    single = make_household(organization=association, people=[("Benoît", "Lefèvre", _years_ago(52))])
    MoneyLine.objects.create(household=single, is_resource=True, kind="rsa", monthly_amount=Decimal("640"))
    from_75 = make_household(
        organization=association,
        territory="75",
        people=[("Lina", "Martin", _years_ago(28)), ("Yanis", "Martin", _years_ago(30))],
    )
    MoneyLine.objects.create(
        household=from_75, is_resource=True, kind="salary", monthly_amount=Decimal("2400")
    )
    requests = {
        "family": validated(family),
        "single": validated(single, kinds=("logement_social", "chrs"), territories=("75", "93")),
        "from_75": validated(from_75, territories=("75", "93")),
        "chrs": validated(make_household(organization=association), kinds=("chrs",)),
        "draft": validated(make_household(organization=association), status="draft"),
    }
    RequestFacts.objects.create(
        request=requests["family"],
        vulnerability="P2",
        manual_priority=3,
        manual_priority_reason="Expulsion imminente.",
    )
    return {
        "t93": t93,
        "association": association,
        "siao": siao,
        "siao75": siao75,
        "landlord": landlord,
        "facility": facility,
        "unit": unit,
        "vacancy": vacancy,
        "requests": requests,
        "family": family,
    }


# --- loaders ---------------------------------------------------------------------------------------


def test_loader_builds_the_columns_in_a_fixed_number_of_queries(network, django_assert_max_num_queries):
    # Four for the columns, one for the parkings after a refusal, one for the proposals in progress.
    with django_assert_max_num_queries(6):
        requests = loaders.load_requests(today=timezone.localdate())
    r = network["requests"]
    assert set(requests.request_id.tolist()) == {
        r["family"].pk,
        r["single"].pk,
        r["from_75"].pk,
        r["chrs"].pk,
    }
    facts = requests.facts(requests.row_of(r["family"].pk))
    assert facts["size"] == 4 and facts["under14"] == 1 and facts["adults"] == 2
    assert facts["adult_women"] == 1 and facts["adult_men"] == 1 and facts["head_age"] == 34
    assert facts["resources"] == 2100.0  # housing benefit left out: it is re-estimated for the new rent
    assert facts["other_charges"] == 70.0  # the current rent is replaced by the new one
    assert facts["dalo"] and facts["syplo"] and facts["vulnerability"] == 2 and facts["manual_priority"] == 3
    assert facts["wished_territories"] == ["93"]
    single = requests.facts(requests.row_of(r["single"].pk))
    assert single["wished_territories"] == ["75", "93"] and single["wished_kinds"] == [
        "chrs",
        "logement_social",
    ]


def test_a_proposed_request_holds_a_pending_proposal(network):
    InsertionRequest.objects.filter(pk=network["requests"]["single"].pk).update(status="proposed")
    requests = loaders.load_requests()
    assert requests.has_pending_proposal[requests.row_of(network["requests"]["single"].pk)]
    assert not requests.has_pending_proposal[requests.row_of(network["requests"]["family"].pk)]


def test_ranking_from_the_database(network):
    engine, vacancy = loaders.engine_for_vacancy(network["vacancy"])
    ranking = engine.rank(vacancy)
    r = network["requests"]
    assert [c.request_id for c in ranking.ranked()][0] == r["family"].pk  # DALO, SYPLO, P2, priority
    assert r["chrs"].pk not in [c.request_id for c in ranking.ranked()]
    assert ranking.rules["cost"]["max_effort_rate"] == 0.30


def test_settings_are_data_per_kind_and_per_facility(network):
    settings = loaders.load_settings()
    assert "cost" not in settings.rules_for("chrs", None)  # no rent in a CHRS: seeded off
    assert "cost" in settings.rules_for("logement_social", None)
    RuleSetting.objects.create(rule="cost", facility=network["facility"], parameters={"max_effort_rate": 0.4})
    RuleSetting.objects.create(rule="pets", facility=network["facility"], enabled=False)
    settings = loaders.load_settings()
    rules = settings.rules_for("logement_social", network["facility"].pk)
    assert rules["cost"]["max_effort_rate"] == 0.4 and rules["cost"]["min_daily_residual"] == 10.0
    assert "pets" not in rules
    assert "pets" in settings.rules_for("logement_social", network["facility"].pk + 1)


def test_simulation_overrides_change_nothing_stored(network):
    settings = loaders.load_settings()
    tweaked = settings.with_overrides(weights={"dalo": 0.0}, rules={"cost": (True, {"max_effort_rate": 0.5})})
    assert tweaked.weights["dalo"] == 0.0 and settings.weights["dalo"] == 30.0
    assert tweaked.rules_for("logement_social", None)["cost"]["max_effort_rate"] == 0.5
    assert "cost" not in tweaked.rules_for("chrs", None)
    assert loaders.load_settings().weights["dalo"] == 30.0


# --- fairness through the loader ---------------------------------------------------------------------

SENSITIVE = st.fixed_dictionaries(
    {
        "nationality": st.sampled_from(["FR", "ML", "SN", "DZ", "UA", "AF", None]),
        "administrative_status": st.sampled_from(
            ["titre_sejour", "demandeur_asile", "sans_titre", "europeen", ""]
        ),
        "health": st.text(max_size=20),
    }
)

HOUSEHOLD = st.fixed_dictionaries(
    {
        "size": st.integers(1, 6),
        "under14": st.integers(0, 3),
        "resources": st.integers(0, 4000),
        "kinds": st.sets(st.sampled_from(["logement_social", "chrs", "fjt"]), min_size=1).map(sorted),
        "territories": st.permutations(["93", "75", "92"]).map(lambda p: p[:2]),
        "days": st.integers(0, 3000),
        "dalo": st.sampled_from(["", "dalo", "daho"]),
        "vulnerability": st.sampled_from(["", "P1", "P2", "P3", "P4"]),
    }
)


def _tables(households, sensitive):
    """What fetch_tables would return, with the sensitive facts added as if the database held them."""
    extra = ("nationality", "administrative_status", "health")
    req_rows, people_rows, money_rows, facts_rows = [], [], [], []
    for n, (h, s) in enumerate(zip(households, sensitive, strict=True)):
        rid, hid = n + 1, 100 + n
        seniority = TODAY - dt.timedelta(days=h["days"])
        req_rows.append(
            (
                rid,
                hid,
                "validated",
                seniority,
                h["kinds"],
                h["territories"],
                None,
                h["dalo"],
                False,
                *(s[k] for k in extra),
            )
        )
        people_rows.append(
            (
                hid,
                h["size"],
                min(h["under14"], h["size"] - 1),
                1,
                1,
                0,
                dt.date(1980, 1, 1),
                *(s[k] for k in extra),
            )
        )
        money_rows.append((hid, Decimal(h["resources"]), Decimal(0), *(s[k] for k in extra)))
        facts_rows.append((rid, h["vulnerability"], False, False, 0))
    return {
        "requests": ((*loaders.REQUEST_FIELDS, *extra), req_rows),
        "people": ((*loaders.PEOPLE_FIELDS, *extra), people_rows),
        "money": ((*loaders.MONEY_FIELDS, *extra), money_rows),
        "facts": (loaders.FACTS_FIELDS, facts_rows),
    }


def _outcome(tables, vacancies):
    engine = Engine(loaders.assemble(tables, today=TODAY), TODAY)
    ranks = []
    for v in vacancies:
        ranking = engine.rank(v)
        ranks.append(
            (
                [(c.request_id, c.score, tuple(c.terms.items())) for c in ranking.ranked()],
                [(e.request_id, e.rule) for e in ranking.excluded()],
            )
        )
    return ranks, engine.assign(vacancies).pairs


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_nationality_status_and_health_never_change_a_rank(data):
    households = data.draw(st.lists(HOUSEHOLD, min_size=1, max_size=12))
    first = data.draw(st.lists(SENSITIVE, min_size=len(households), max_size=len(households)))
    second = data.draw(st.lists(SENSITIVE, min_size=len(households), max_size=len(households)))
    from parcours.matching.engine import Vacancy as V

    vacancies = [
        V(
            id=1,
            facility_id=1,
            kind="logement_social",
            territory="93",
            capacity=5,
            typology="T3",
            rent=500.0,
            charges=60.0,
        ),
        V(id=2, facility_id=2, kind="chrs", territory="75", capacity=2),
        V(id=3, facility_id=3, kind="fjt", territory="92", capacity=1, max_age=30),
    ]
    assert _outcome(_tables(households, first), vacancies) == _outcome(_tables(households, second), vacancies)


# --- the candidates API, per role -------------------------------------------------------------------


def _memberships(network):
    return {
        Role.CALL_HANDLER: MembershipFactory(role=Role.CALL_HANDLER, organization=network["siao"]),
        Role.SIAO_COORDINATOR: MembershipFactory(role=Role.SIAO_COORDINATOR, organization=network["siao"]),
        Role.SOCIAL_WORKER: MembershipFactory(role=Role.SOCIAL_WORKER, organization=network["association"]),
        Role.FACILITY_MANAGER: MembershipFactory(
            role=Role.FACILITY_MANAGER, organization=network["association"]
        ),
        Role.LANDLORD: MembershipFactory(role=Role.LANDLORD, organization=network["landlord"]),
        Role.OBSERVER: MembershipFactory(role=Role.OBSERVER),
        Role.NETWORK_ADMIN: MembershipFactory(role=Role.NETWORK_ADMIN, organization=network["siao"]),
        "coordinator_75": MembershipFactory(role=Role.SIAO_COORDINATOR, organization=network["siao75"]),
    }


def _call(client, membership, path):
    from parcours.accounts import services as account_services

    _token, key = account_services.token_create(actor=membership.user, membership=membership, name="t")
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {key}"})


def test_candidates_api_permissions_per_role(client, network):
    members = _memberships(network)
    path = f"/vacancies/{network['vacancy'].pk}/candidates"
    expected = {(role, "vacancy_93", "candidates"): role == Role.SIAO_COORDINATOR for role in members}

    def check(role, _obj, _action):
        response = _call(client, members[role], path)
        assert response.status_code in (200, 404), response.content
        if response.status_code == 404:
            assert response.json()["error"]["code"] == "not_found"
        return response.status_code == 200

    assert_matrix(expected, check)


def test_candidates_api_contract_and_audit(client, network):
    coordinator = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=network["siao"])
    before = AuditEvent.objects.filter(kind="read").count()
    response = _call(client, coordinator, f"/vacancies/{network['vacancy'].pk}/candidates")
    assert response.status_code == 200
    body = response.json()
    r = network["requests"]
    ranked = {c["request"]: c for c in body["ranked"]}
    assert set(ranked) == {r["family"].pk, r["from_75"].pk}
    top = body["ranked"][0]
    assert top["request"] == r["family"].pk and top["household"] == network["family"].pk
    assert set(top["terms"]) == {
        "seniority",
        "vulnerability",
        "dalo",
        "syplo",
        "territory_preference",
        "typology_fit",
        "manual_priority",
    }
    assert top["score"] == pytest.approx(sum(top["terms"].values()), abs=1e-3)
    # A household of another département is ranked, but this coordinator may not open it: not named.
    assert ranked[r["from_75"].pk]["household"] is None
    excluded = {e["request"]: e["rule"] for e in body["excluded"]}
    # The CHRS-only request did not ask for social housing: neither a candidate nor an exclusion.
    assert excluded == {r["single"].pk: "capacity"}
    assert body["excluded_by_rule"] == {"capacity": 1, "kind": 1} and body["excluded_count"] == 1
    assert "1 personne(s)" in body["excluded"][0]["detail"]
    reads = AuditEvent.objects.filter(kind="read").order_by("id")[before:]
    read_ids = {e.object_id for e in reads}
    assert str(network["family"].pk) in read_ids
    assert str(r["from_75"].household_id) not in read_ids
    assert all(e.purpose == "orientation" and e.object_type == "households.household" for e in reads)


def test_candidates_api_of_a_closed_vacancy_or_unknown(client, network):
    coordinator = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=network["siao"])
    assert _call(client, coordinator, "/vacancies/999999/candidates").status_code == 404
    Vacancy.objects.filter(pk=network["vacancy"].pk).update(status="withdrawn", withdrawn_at=timezone.now())
    response = _call(client, coordinator, f"/vacancies/{network['vacancy'].pk}/candidates")
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_open"
    assert (
        _call(client, coordinator, f"/vacancies/{network['vacancy'].pk}/candidates?limit=0").status_code
        == 422
    )


def test_why_not_api(client, network):
    coordinator = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=network["siao"])
    r = network["requests"]
    body = _call(client, coordinator, f"/vacancies/{network['vacancy'].pk}/candidates/{r['chrs'].pk}").json()
    assert body["eligible"] is False and body["reasons"][0]["rule"] == "kind"
    assert "type d'offre" in body["reasons"][0]["detail"]
    body = _call(
        client, coordinator, f"/vacancies/{network['vacancy'].pk}/candidates/{r['family'].pk}"
    ).json()
    assert body["eligible"] and body["candidate"]["rank"] == 1
    # The 75 household is not the 93 coordinator's to open: 404, as for any record one may not see.
    assert (
        _call(
            client, coordinator, f"/vacancies/{network['vacancy'].pk}/candidates/{r['from_75'].pk}"
        ).status_code
        == 404
    )
    assert (
        _call(
            client, coordinator, f"/vacancies/{network['vacancy'].pk}/candidates/{r['draft'].pk}"
        ).status_code
        == 409
    )


# --- matching facts ----------------------------------------------------------------------------------


def test_matching_facts_api(api, network):
    coordinator = api(Role.SIAO_COORDINATOR, organization=network["siao"])
    worker = api(Role.SOCIAL_WORKER, organization=network["association"])
    landlord = api(Role.LANDLORD, organization=network["landlord"])
    single = network["requests"]["single"]
    path = f"/insertion-requests/{single.pk}/matching-facts"
    assert coordinator("get", path).json()["version"] == 0
    response = worker("put", path, {"version": 0, "needs_accessible": True})
    assert response.status_code == 200 and response.json()["version"] == 1
    assert (
        worker("put", path, {"version": 1, "manual_priority": 5, "manual_priority_reason": "x"}).status_code
        == 403
    )
    response = coordinator("put", path, {"version": 1, "manual_priority": 5})
    assert response.status_code == 400 and "motivée" in response.json()["error"]["message"]
    response = coordinator(
        "put", path, {"version": 1, "manual_priority": 5, "manual_priority_reason": "Sortie d'hôpital."}
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    assert coordinator("put", path, {"version": 1, "vulnerability": "P1"}).status_code == 409
    assert landlord("get", path).status_code == 404
    assert coordinator("put", path, {"version": 2, "manual_priority": 99}).status_code == 422
    facts = RequestFacts.objects.get(request=single)
    assert facts.needs_accessible and facts.manual_priority == 5
    events = AuditEvent.objects.filter(action="matching.request_facts.update", object_id=str(facts.pk))
    assert events.count() == 2 and all("Sortie" not in str(e.fields) for e in events)


# --- the process-wide copy of the open requests ------------------------------------------------------


def test_the_request_cache_follows_changes_made_through_the_services(network):
    from parcours.households import services as household_services
    from parcours.matching import services as matching_services
    from parcours.matching.cache import RequestCache
    from parcours.orientation import services as orientation_services

    membership = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=network["siao"])
    coordinator = membership.user
    coordinator.active_membership = membership
    r = network["requests"]
    cache = RequestCache()
    assert set(cache.requests().request_id.tolist()) == {
        r[k].pk for k in ("family", "single", "from_75", "chrs")
    }
    assert cache.requests() is cache.requests()  # nothing moved: the same copy

    household_services.money_lines_update(
        actor=coordinator,
        household=network["family"],
        version=network["family"].version,
        lines=[{"is_resource": True, "kind": "salary", "monthly_amount": Decimal("900.00")}],
    )
    requests = cache.requests()
    assert requests.facts(requests.row_of(r["family"].pk))["resources"] == 900.0

    orientation_services.request_cancel(actor=coordinator, insertion_request=r["single"], reason="Relogé.")
    newcomer = validated(make_household(organization=network["association"]))
    matching_services.request_facts_update(
        actor=coordinator, insertion_request=r["chrs"], version=None, vulnerability="P1"
    )
    requests = cache.requests()
    assert set(requests.request_id.tolist()) == {r["family"].pk, r["from_75"].pk, r["chrs"].pk, newcomer.pk}
    assert requests.facts(requests.row_of(r["chrs"].pk))["vulnerability"] == 1
    assert cache.full_loads == 1 and cache.delta_loads == 2
    # The copy equals a fresh read, column by column.
    fresh = loaders.load_requests()
    order = {rid: i for i, rid in enumerate(requests.request_id.tolist())}
    for i, rid in enumerate(fresh.request_id.tolist()):
        assert fresh.facts(i) == requests.facts(order[rid])


def test_demo_matching_facts_are_seeded_once(demo_network):
    from io import StringIO

    from django.core.management import call_command

    from parcours.matching.cache import RequestCache

    facts = RequestFacts.objects.count()
    assert facts > 0 and RequestFacts.objects.filter(manual_priority__gt=0).count() == 2
    call_command("seed_demo", stdout=StringIO())
    assert RequestFacts.objects.count() == facts
    # The demo's validated requests meet its vacancies: someone is ranked somewhere.
    settings = loaders.load_settings()
    engine = RequestCache().engine(settings.weights)
    vacancies = loaders.load_vacancies(loaders.open_vacancies(), settings)
    assert any(engine.rank(v).ranked_count for v in vacancies)


def test_the_household_path_shows_a_commission_priority_to_full_file_holders_only(network):
    from parcours.households.timeline import household_path

    coordinator = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=network["siao"])
    coordinator.user.active_membership = coordinator
    landlord = MembershipFactory(role=Role.LANDLORD, organization=network["landlord"])
    landlord.user.active_membership = landlord
    labels = [s.label for s in household_path(coordinator.user, network["family"])]
    assert (
        f"Priorité motivée de la commission : 3 points (demande n° {network['requests']['family'].pk})"
        in labels
    )
    assert not [s for s in household_path(landlord.user, network["family"]) if "Priorité" in s.label]


def test_candidates_api_runs_a_bounded_number_of_queries(client, network, django_assert_max_num_queries):
    """With the cache warm, a call costs the same few queries whatever the number of requests."""
    from parcours.matching.cache import REQUESTS

    coordinator = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=network["siao"])
    REQUESTS.clear()
    path = f"/vacancies/{network['vacancy'].pk}/candidates"
    assert _call(client, coordinator, path).status_code == 200  # warms the cache
    for n in range(30):
        validated(
            make_household(organization=network["association"], people=[("A", f"B{n}", _years_ago(40))])
        )
    assert _call(client, coordinator, path).status_code == 200  # reads the delta
    from parcours.accounts import services as account_services

    _token, key = account_services.token_create(actor=coordinator.user, membership=coordinator, name="q")
    with django_assert_max_num_queries(15):
        response = client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/vacancies/{vacancy_id}/candidates" in spec["paths"]
    REQUESTS.clear()


def test_decision_snapshot_for_the_commission(network):
    import json

    from parcours.matching import selectors
    from parcours.matching.cache import REQUESTS

    REQUESTS.clear()
    r = network["requests"]
    snap = json.loads(
        json.dumps(selectors.decision_snapshot(vacancy=network["vacancy"], request_id=r["single"].pk))
    )
    assert snap["ranked"][0]["request_id"] == r["family"].pk
    assert snap["request"]["reasons"][0]["rule"] == "capacity"
    assert {x["request_id"] for x in snap["requests"]} == {r["family"].pk, r["from_75"].pk, r["single"].pk}
    assert "first_name" not in json.dumps(snap) and "Diallo" not in json.dumps(snap)
    REQUESTS.clear()


def test_columns_as_arrays_equal_rows_on_postgresql(network):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("array_agg transport is PostgreSQL's")
    today = timezone.localdate()
    by_rows = loaders.assemble(
        loaders.fetch_tables(loaders.open_requests(), today, arrays=False), today=today
    )
    by_arrays = loaders.assemble(
        loaders.fetch_tables(loaders.open_requests(), today, arrays=True), today=today
    )
    assert len(by_rows) == len(by_arrays) == 4
    order = {rid: i for i, rid in enumerate(by_arrays.request_id.tolist())}
    for i, rid in enumerate(by_rows.request_id.tolist()):
        assert by_rows.facts(i) == by_arrays.facts(order[rid])


def test_loading_no_request_at_all_answers_empty_columns(network):
    """A delta with nothing left open (pk__in=[]) must not fail on PostgreSQL's array path."""
    from parcours.orientation.models import InsertionRequest

    for arrays in (False, True) if connection.vendor == "postgresql" else (False,):
        tables = loaders.fetch_tables(
            InsertionRequest.objects.filter(pk__in=[]), timezone.localdate(), arrays=arrays
        )
        assert all(
            not (table[1] if isinstance(table, tuple) else any(table.values())) for table in tables.values()
        )
    assert (
        len(loaders.load_requests(InsertionRequest.objects.filter(pk__in=[]), today=timezone.localdate()))
        == 0
    )
