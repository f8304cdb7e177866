"""Finding 5 of issue 13: each role reads exactly its fields of each record — household, person,
insertion request and its matching facts, proposal, 115 request, support measure, prevention alert —
through the pages and through the API.

The expectations are literal sets written here, role by role; they are never read from the code's
table (households.visibility). The partner (facility or landlord) holds an active consent for
orientation and a pending proposal on its place: the most it can ever read."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.emergency import services as emergency_services
from parcours.households.models import Household
from parcours.orientation.models import InsertionRequest
from parcours.support import services as support_services
from parcours.support.models import MeasureKind
from tests.factories import api_for
from tests.perm_matrix import SEVEN_ROLES

from .partner_world import (
    ADDRESS,
    RECOMMENDATION,
    REFERENT_ORG,
    SECRET_NOTE,
    SECRET_REASON,
    SECRET_SIAO_NUMBER,
    TODAY,
    Clock,
    as_member,
    build,
    consent,
)
from .stated import HOUSEHOLD_FULL

pytestmark = pytest.mark.django_db

ROLES = SEVEN_ROLES
PARTNERS = (Role.FACILITY_MANAGER, Role.LANDLORD)
NOT_FOUND = None


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _world(role):
    world = build("facility" if role == Role.FACILITY_MANAGER else "landlord")
    consent(world, world.orgs["partner"], "orientation")
    InsertionRequest.objects.filter(pk=world.request.pk).update(max_rent=Decimal("500.00"))
    return world


def _text(answer) -> str:
    return json.dumps(answer.json(), ensure_ascii=False)


def _shown(body: dict) -> set[str]:
    return {k for k, v in body.items() if v is not None}


def _page(login, world, role):
    return login(world.m[role].user, Client())


# Household and person ----------------------------------------------------------------------------

HOUSEHOLD = {
    Role.SOCIAL_WORKER: HOUSEHOLD_FULL,
    Role.CALL_HANDLER: HOUSEHOLD_FULL,
    Role.SIAO_COORDINATOR: HOUSEHOLD_FULL,
    Role.FACILITY_MANAGER: {"id", "access", "version", "members", "territory", "monthly_resources"},
    Role.LANDLORD: {"id", "access", "version", "members", "territory", "monthly_resources"},
    Role.OBSERVER: NOT_FOUND,
    Role.NETWORK_ADMIN: NOT_FOUND,
}
PERSON = {"id", "first_name", "last_name", "birth_date", "sex", "relationship"}


@pytest.mark.parametrize("role", ROLES)
def test_household_and_person_fields_through_the_api(role, clock, client):
    world = _world(role)
    answer = api_for(client, world.m[role])("get", f"/households/{world.household.pk}")
    if HOUSEHOLD[role] is NOT_FOUND:
        assert answer.status_code == 404
        return
    assert answer.status_code == 200
    body = answer.json()
    assert _shown(body) == HOUSEHOLD[role]
    assert [_shown(p) for p in body["members"]] == [PERSON, PERSON]
    text = _text(answer)
    assert (SECRET_SIAO_NUMBER in text) == (role not in PARTNERS)
    assert (ADDRESS in text) == (role not in PARTNERS)
    assert (REFERENT_ORG in text) == (role not in PARTNERS)


# What the household page shows, by role: (names, resources, referent association, identifiers, address)
HOUSEHOLD_PAGE = {
    Role.SOCIAL_WORKER: {"Benoît Lefèvre", "987,65", REFERENT_ORG, SECRET_SIAO_NUMBER, ADDRESS},
    Role.CALL_HANDLER: {"Benoît Lefèvre", "987,65", REFERENT_ORG, SECRET_SIAO_NUMBER, ADDRESS},
    Role.SIAO_COORDINATOR: {"Benoît Lefèvre", "987,65", REFERENT_ORG, SECRET_SIAO_NUMBER, ADDRESS},
    Role.FACILITY_MANAGER: {"Benoît Lefèvre", "987,65"},
    Role.LANDLORD: {"Benoît Lefèvre", "987,65"},
    Role.OBSERVER: NOT_FOUND,
    Role.NETWORK_ADMIN: NOT_FOUND,
}
LOOKED_FOR = ("Benoît Lefèvre", "987,65", REFERENT_ORG, SECRET_SIAO_NUMBER, ADDRESS, SECRET_REASON)


@pytest.mark.parametrize("role", ROLES)
def test_household_page_shows_each_role_its_fields(role, clock, login):
    world = _world(role)
    page = _page(login, world, role).get(reverse("households:detail", args=[world.household.pk]))
    if HOUSEHOLD_PAGE[role] is NOT_FOUND:
        assert page.status_code == 404
        return
    assert page.status_code == 200
    html = page.content.decode()
    assert {s for s in LOOKED_FOR if s in html} == HOUSEHOLD_PAGE[role]


@pytest.mark.parametrize("role", PARTNERS)
def test_a_partner_does_not_learn_that_a_household_is_protected(role, clock, client, login):
    world = _world(role)
    Household.objects.filter(pk=world.household.pk).update(protected=True)
    answer = api_for(client, world.m[role])("get", f"/households/{world.household.pk}")
    assert answer.status_code == 200
    assert answer.json()["protected"] is None
    html = _page(login, world, role).get(reverse("households:detail", args=[world.household.pk])).content
    assert "Ménage protégé" not in html.decode()


# Insertion request and matching facts ----------------------------------------------------------

REQUEST_FIELDS = {
    "id",
    "version",
    "household",
    "status",
    "wished_kinds",
    "wished_territories",
    "max_rent",
    "seniority_date",
    "submitted_at",
    "validated_at",
    "created_at",
    "transitions",
}
REQUEST = {
    Role.SOCIAL_WORKER: REQUEST_FIELDS,
    Role.CALL_HANDLER: REQUEST_FIELDS,
    Role.SIAO_COORDINATOR: REQUEST_FIELDS,
    Role.FACILITY_MANAGER: NOT_FOUND,
    Role.LANDLORD: NOT_FOUND,
    Role.OBSERVER: NOT_FOUND,
    Role.NETWORK_ADMIN: NOT_FOUND,
}
NEEDS = {"request", "version", "needs_accessible", "has_pets"}
FACTS = {
    Role.SOCIAL_WORKER: NEEDS,
    Role.CALL_HANDLER: NEEDS,
    Role.SIAO_COORDINATOR: NEEDS | {"vulnerability", "manual_priority", "manual_priority_reason"},
    Role.FACILITY_MANAGER: NOT_FOUND,
    Role.LANDLORD: NOT_FOUND,
    Role.OBSERVER: NOT_FOUND,
    Role.NETWORK_ADMIN: NOT_FOUND,
}


@pytest.mark.parametrize("role", ROLES)
def test_insertion_request_and_matching_facts_through_the_api(role, clock, client):
    world = _world(role)
    api = api_for(client, world.m[role])
    answer = api("get", f"/insertion-requests/{world.request.pk}")
    if REQUEST[role] is NOT_FOUND:
        assert answer.status_code == 404
    else:
        assert answer.status_code == 200
        assert _shown(answer.json()) == REQUEST[role]
    facts = api("get", f"/insertion-requests/{world.request.pk}/matching-facts")
    if FACTS[role] is NOT_FOUND:
        assert facts.status_code == 404
    else:
        assert facts.status_code == 200
        assert _shown(facts.json()) == FACTS[role]
        assert (SECRET_REASON in _text(facts)) == ("manual_priority_reason" in FACTS[role])
    listed = api("get", f"/households/{world.household.pk}/insertion-requests")
    if HOUSEHOLD[role] is NOT_FOUND:
        assert listed.status_code == 404
    else:
        assert len(listed.json()) == (0 if REQUEST[role] is NOT_FOUND else 1)


@pytest.mark.parametrize("role", ROLES)
def test_insertion_request_page_and_facts_page(role, clock, login):
    world = _world(role)
    page = _page(login, world, role)
    detail = page.get(reverse("orientation:detail", args=[world.request.pk]))
    assert detail.status_code == (404 if REQUEST[role] is NOT_FOUND else 200)
    assert SECRET_REASON not in detail.content.decode() or role == Role.SIAO_COORDINATOR


# Proposal -----------------------------------------------------------------------------------------

PROPOSAL_FIELDS = {
    "id",
    "version",
    "request",
    "household",
    "vacancy",
    "unit",
    "facility",
    "place_hidden",  # False here: the household is not protected (rule 6 is tested on its own)
    "status",
    "refusal_side",
    "exit_destination",
    "created_at",
    "events",
}
EVENT_FULL = {"from_status", "to_status", "actor", "at", "note"}
EVENT_PARTNER = {"from_status", "to_status", "at", "note"}  # the note empty, the actor null
PROPOSAL = {
    Role.SOCIAL_WORKER: EVENT_FULL,
    Role.CALL_HANDLER: NOT_FOUND,
    Role.SIAO_COORDINATOR: EVENT_FULL,
    Role.FACILITY_MANAGER: EVENT_PARTNER,
    Role.LANDLORD: EVENT_PARTNER,
    Role.OBSERVER: NOT_FOUND,
    Role.NETWORK_ADMIN: NOT_FOUND,
}


@pytest.mark.parametrize("role", ROLES)
def test_proposal_fields_through_the_api_and_the_page(role, clock, client, login):
    world = _world(role)
    answer = api_for(client, world.m[role])("get", f"/proposals/{world.proposal.pk}")
    page = _page(login, world, role).get(reverse("orientation:proposal", args=[world.proposal.pk]))
    if PROPOSAL[role] is NOT_FOUND:
        assert answer.status_code == 404
        assert page.status_code == 404
        return
    assert answer.status_code == 200
    body = answer.json()
    assert _shown(body) == PROPOSAL_FIELDS
    assert {k for e in body["events"] for k, v in e.items() if v is not None} == PROPOSAL[role]
    shows_notes = "actor" in PROPOSAL[role]
    assert (SECRET_NOTE in _text(answer)) == shows_notes
    assert page.status_code == 200
    html = page.content.decode()
    coordinator = world.m[Role.SIAO_COORDINATOR].user.get_full_name()
    assert (SECRET_NOTE in html) == shows_notes
    assert (coordinator in html) == shows_notes


# 115 request and support measure -----------------------------------------------------------------

EMERGENCY_FIELDS = {
    "id",
    "version",
    "household",
    "night",
    "persons",
    "children",
    "vulnerability",
    "suggested_vulnerability",
    "facts",
    "status",
    "created_at",
    "allocations",
}
EMERGENCY = {
    Role.SOCIAL_WORKER: NOT_FOUND,
    Role.CALL_HANDLER: EMERGENCY_FIELDS,
    Role.SIAO_COORDINATOR: EMERGENCY_FIELDS,
    Role.FACILITY_MANAGER: NOT_FOUND,
    Role.LANDLORD: NOT_FOUND,
    Role.OBSERVER: NOT_FOUND,
    Role.NETWORK_ADMIN: NOT_FOUND,
}


@pytest.mark.parametrize("role", ROLES)
def test_emergency_request_fields_through_the_api(role, clock, client):
    world = _world(role)
    made = emergency_services.request_create(
        actor=as_member(world.m[Role.CALL_HANDLER]),
        night=TODAY,
        persons=2,
        children=1,
        household=world.household,
    )
    answer = api_for(client, world.m[role])("get", f"/emergency/requests/{made.pk}")
    if EMERGENCY[role] is NOT_FOUND:
        assert answer.status_code == 404
    else:
        assert answer.status_code == 200
        assert _shown(answer.json()) == EMERGENCY[role]


MEASURE = {
    Role.SOCIAL_WORKER: "details",
    Role.CALL_HANDLER: NOT_FOUND,
    Role.SIAO_COORDINATOR: "summary",
    Role.FACILITY_MANAGER: NOT_FOUND,
    Role.LANDLORD: NOT_FOUND,
    Role.OBSERVER: NOT_FOUND,
    Role.NETWORK_ADMIN: NOT_FOUND,
}


@pytest.mark.parametrize("role", ROLES)
def test_support_measure_through_the_api(role, clock, client):
    world = _world(role)
    kind, _created = MeasureKind.objects.get_or_create(code="avdl", defaults={"label": "AVDL"})
    measure = support_services.measure_create(
        actor=as_member(world.m[Role.SOCIAL_WORKER]), household=world.household, kind=kind, consent_given=True
    )
    answer = api_for(client, world.m[role])("get", f"/support/measures/{measure.pk}")
    if MEASURE[role] is NOT_FOUND:
        assert answer.status_code == 404
        return
    assert answer.status_code == 200
    assert (answer.json()["goals"] is not None) == (MEASURE[role] == "details")


# Prevention alert ---------------------------------------------------------------------------------

ALERT_PARTY = {
    "id",
    "version",
    "household",
    "landlord",
    "kind",
    "detail",
    "amount",
    "status",
    "siao",
    "due_on",
    "close_reason",
    "created_at",
}
ALERT = {
    Role.SOCIAL_WORKER: ALERT_PARTY | {"association", "assigned_organization", "assigned_to"},
    Role.CALL_HANDLER: NOT_FOUND,
    Role.SIAO_COORDINATOR: ALERT_PARTY | {"association", "assigned_organization", "assigned_to"},
    Role.FACILITY_MANAGER: NOT_FOUND,
    Role.LANDLORD: ALERT_PARTY,
    Role.OBSERVER: NOT_FOUND,
    Role.NETWORK_ADMIN: NOT_FOUND,
}


def _taken_alert(world):
    alert = support_services.alert_raise(
        actor=as_member(world.m[Role.LANDLORD]),
        household=world.household,
        kind="unpaid_rent",
        detail="Trois mois de loyer impayés",
        amount=Decimal("1260.00"),
    )
    referent = world.m[Role.SOCIAL_WORKER]
    return support_services.alert_take(
        actor=as_member(referent),
        alert=alert,
        version=alert.version,
        organization=world.orgs["association"],
        assigned_to=referent.user,
        due_on=TODAY + dt.timedelta(days=15),
    )


@pytest.mark.parametrize("role", ROLES)
def test_alert_fields_through_the_api_and_the_pages(role, clock, client, login):
    world = build("landlord")
    consent(world, world.orgs["partner"], "prevention")
    alert = _taken_alert(world)
    answer = api_for(client, world.m[role])("get", f"/prevention-alerts/{alert.pk}")
    page = _page(login, world, role)
    detail = page.get(reverse("support:alert", args=[alert.pk]))
    if ALERT[role] is NOT_FOUND:
        assert answer.status_code == 404
        assert detail.status_code == 404
        return
    assert answer.status_code == 200
    assert _shown(answer.json()) == ALERT[role]
    names_the_association = "association" in ALERT[role]
    html = detail.content.decode()
    assert detail.status_code == 200
    assert (REFERENT_ORG in html) == names_the_association
    assert ("Aline Référente" in html) == names_the_association
    listing = page.get(reverse("support:alerts")).content.decode()
    assert (REFERENT_ORG in listing) == names_the_association


def test_nothing_of_the_whole_file_reaches_a_partner_on_any_api_answer(clock, client):
    """Every API answer a landlord gets about the household, put together, holds none of the whole
    file's secrets (identifiers, address, the commission's reason, the SIAO's note, the referent)."""
    world = _world(Role.LANDLORD)
    api = api_for(client, world.m[Role.LANDLORD])
    hid = world.household.pk
    answers = [
        api("get", f"/households/{hid}"),
        api("get", f"/households/{hid}/assessments"),
        api("get", f"/households/{hid}/insertion-requests"),
        api("get", f"/proposals/{world.proposal.pk}"),
        api("get", "/proposals"),
    ]
    assert all(a.status_code == 200 for a in answers)
    text = " ".join(_text(a) for a in answers)
    assert RECOMMENDATION in text  # the shared sheet does reach it
    for secret in (SECRET_SIAO_NUMBER, ADDRESS, SECRET_REASON, SECRET_NOTE):
        assert secret not in text
    # The assessment is signed (its author and organization, the liaison sheet's contact); nothing
    # else names the organization that holds the file.
    assert answers[1].json()["results"][0]["author"]["organization"] == REFERENT_ORG
    assert REFERENT_ORG not in " ".join(_text(a) for a in answers if a is not answers[1])


# Search and list paging -----------------------------------------------------------------------------

SEARCH_SITUATION = {"referent": "street", "other_worker": None}


@pytest.mark.parametrize("reader", ["referent", "other_worker"])
def test_search_results_show_the_situation_only_to_who_holds_the_file(reader, clock, client, login):
    """A social worker of another organization finds the household it has a consent for, but the
    result shows only the shared sheet: not the housing situation (street, squat, hotel…)."""
    world = _world(Role.LANDLORD)
    consent(world, world.orgs["other"], "orientation")
    membership = world.m[Role.SOCIAL_WORKER if reader == "referent" else "other_worker"]
    found = api_for(client, membership)("get", "/households?q=lefevre")
    assert found.status_code == 200
    assert [(r["id"], r["situation"]) for r in found.json()["results"]] == [
        (world.household.pk, SEARCH_SITUATION[reader])
    ]
    page = login(membership.user, Client()).get(reverse("households:list"), {"q": "lefevre"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Benoît L." in html  # named as on every list (households.display, issue 15)
    assert (">Rue<" in html) == (SEARCH_SITUATION[reader] is not None)
