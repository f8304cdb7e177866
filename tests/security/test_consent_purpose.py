"""Design §5 rule 10 (finding 4 of issue 13): a consent opens only what its purpose needs, to the
organization it names, while it is active; it lasts at most PARCOURS_CONSENT_MAX_MONTHS and cannot
start more than PARCOURS_CONSENT_BACKDATE_DAYS before it is recorded.

Every reader that sees a household only through a consent is tried — a social worker of another
organization, a landlord and a facility linked by a proposal — on the household page, the household
API, the assessment page and API, and the insertion request API; then after revocation and after
expiry (clock fixed)."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.households import services as household_services
from parcours.households.models import Consent, Household
from tests.factories import api_for

from .partner_world import (
    ADDRESS,
    RECOMMENDATION,
    REFERENT_ORG,
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

READERS = ("other_worker", Role.LANDLORD, Role.FACILITY_MANAGER)
PURPOSES = ("orientation", "support", "emergency", "prevention")

# What each purpose opens, stated here on its own (never read from the code's table).
SHARED_SHEET = {"id", "access", "version", "members", "territory", "monthly_resources"}
EXPECTED = {
    "orientation": {"household": SHARED_SHEET, "assessment": True, "request": True},
    "support": {"household": SHARED_SHEET, "assessment": True, "request": False},
    "emergency": {
        "household": {"id", "access", "version", "members", "territory"},
        "assessment": False,
        "request": False,
    },
    "prevention": {"household": SHARED_SHEET, "assessment": False, "request": False},
}


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _world(reader):
    return build("facility" if reader == Role.FACILITY_MANAGER else "landlord")


def _org(world, reader):
    return world.orgs["other"] if reader == "other_worker" else world.orgs["partner"]


def _page_client(login, world, reader):
    return login(world.m[reader].user, Client())


def _text(answer) -> str:
    """An API answer as readable text (accents unescaped), to look for what it must not hold."""
    return json.dumps(answer.json(), ensure_ascii=False)


def _shown(body: dict) -> set[str]:
    return {k for k, v in body.items() if v is not None}


def _everything_closed(world, reader, client, login):
    """The reader reaches nothing of the household, on any door."""
    api = api_for(client, world.m[reader])
    hid = world.household.pk
    assert api("get", f"/households/{hid}").status_code == 404
    assert api("get", f"/households/{hid}/assessments").status_code == 404
    assert api("get", f"/insertion-requests/{world.request.pk}").status_code == 404
    assert api("get", f"/insertion-requests/{world.request.pk}/matching-facts").status_code == 404
    page = _page_client(login, world, reader)
    assert page.get(reverse("households:detail", args=[hid])).status_code == 404
    assert page.get(reverse("assessments:index", args=[hid])).status_code == 404
    assert page.get(reverse("assessments:liaison", args=[hid])).status_code == 404


@pytest.mark.parametrize("purpose", PURPOSES)
@pytest.mark.parametrize("reader", READERS)
def test_a_consent_opens_only_what_its_purpose_needs(reader, purpose, clock, client, login):
    world = _world(reader)
    consent(world, _org(world, reader), purpose)
    expected = EXPECTED[purpose]
    api = api_for(client, world.m[reader])
    hid = world.household.pk

    answer = api("get", f"/households/{hid}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["access"] == "shared"
    assert _shown(body) == expected["household"]
    assert [(p["first_name"], p["last_name"]) for p in body["members"]] == [
        ("Benoît", "Lefèvre"),
        ("Léa", "Lefèvre"),
    ]
    text = _text(answer)
    for secret in (SECRET_SIAO_NUMBER, ADDRESS, REFERENT_ORG, SECRET_REASON):
        assert secret not in text

    page = _page_client(login, world, reader).get(reverse("households:detail", args=[hid]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Benoît Lefèvre" in html
    assert ("987,65" in html) == ("monthly_resources" in expected["household"])
    for secret in (SECRET_SIAO_NUMBER, ADDRESS, REFERENT_ORG, SECRET_REASON, RECOMMENDATION):
        assert secret not in html

    assessments = api("get", f"/households/{hid}/assessments")
    assessment_page = _page_client(login, world, reader).get(reverse("assessments:index", args=[hid]))
    if expected["assessment"]:
        assert assessments.status_code == 200 and RECOMMENDATION in _text(assessments)
        assert assessment_page.status_code == 200
    else:
        assert assessments.status_code == 404
        assert assessment_page.status_code == 404
        assert RECOMMENDATION not in assessment_page.content.decode()

    request = api("get", f"/insertion-requests/{world.request.pk}")
    facts = api("get", f"/insertion-requests/{world.request.pk}/matching-facts")
    assert facts.status_code == 404  # the matching facts are never part of a shared sheet
    listed = api("get", f"/households/{hid}/insertion-requests")
    assert listed.status_code == 200
    if expected["request"] and reader == "other_worker":
        assert request.status_code == 200
        assert request.json()["status"] == "proposed"
        assert request.json()["transitions"] is None  # the history holds the SIAO's reasons
        assert [r["id"] for r in listed.json()] == [world.request.pk]
    else:
        # A facility or landlord never reads the insertion request; others only under orientation.
        assert request.status_code == 404
        assert listed.json() == []


@pytest.mark.parametrize("purpose", PURPOSES)
@pytest.mark.parametrize("reader", READERS)
def test_revocation_closes_every_door_at_once(reader, purpose, clock, client, login):
    world = _world(reader)
    given = consent(world, _org(world, reader), purpose)
    assert api_for(client, world.m[reader])("get", f"/households/{world.household.pk}").status_code == 200
    household_services.consent_revoke(actor=as_member(world.m[Role.SOCIAL_WORKER]), consent=given)
    _everything_closed(world, reader, client, login)


@pytest.mark.parametrize("purpose", PURPOSES)
@pytest.mark.parametrize("reader", READERS)
def test_expiry_closes_every_door_the_day_after_the_last_day(reader, purpose, clock, client, login):
    world = _world(reader)
    consent(world, _org(world, reader), purpose, ends_on=TODAY + dt.timedelta(days=5))
    api = api_for(client, world.m[reader])
    clock.move_to(TODAY + dt.timedelta(days=5))
    assert api("get", f"/households/{world.household.pk}").status_code == 200  # the last day counts
    clock.move_to(TODAY + dt.timedelta(days=6))
    _everything_closed(world, reader, client, login)


def test_a_consent_for_another_organization_opens_nothing(clock, client, login):
    world = build("landlord")
    consent(world, world.orgs["other"], "orientation")
    _everything_closed(world, Role.LANDLORD, client, login)


# Per role: what GET /api/v1/households/{id} shows with an orientation consent naming the role's
# organization (the whole file for who holds it, the shared sheet for partners, nothing for others).
FULL_FILE = HOUSEHOLD_FULL
BY_ROLE = {
    Role.SOCIAL_WORKER: FULL_FILE,
    Role.CALL_HANDLER: FULL_FILE,
    Role.SIAO_COORDINATOR: FULL_FILE,
    Role.FACILITY_MANAGER: SHARED_SHEET,
    Role.LANDLORD: SHARED_SHEET,
    Role.OBSERVER: None,
    Role.NETWORK_ADMIN: None,
}


@pytest.mark.parametrize("purpose", PURPOSES)
@pytest.mark.parametrize("role", list(BY_ROLE))
def test_each_role_with_a_consent_naming_its_organization(role, purpose, clock, client, login):
    world = _world(role)
    consent(world, world.m[role].organization, purpose)
    expected = BY_ROLE[role]
    if expected is SHARED_SHEET:
        expected = EXPECTED[purpose]["household"]
    answer = api_for(client, world.m[role])("get", f"/households/{world.household.pk}")
    page = login(world.m[role].user, Client()).get(reverse("households:detail", args=[world.household.pk]))
    if expected is None:
        assert answer.status_code == 404
        assert page.status_code == 404
        return
    assert answer.status_code == 200
    assert _shown(answer.json()) == expected
    assert page.status_code == 200
    assert (SECRET_SIAO_NUMBER in page.content.decode()) == ("identifiers" in expected)


# Duration and start of a consent ---------------------------------------------------------------


def _referent_api(client, world):
    return api_for(client, world.m[Role.SOCIAL_WORKER])


def _post_consent(api, world, **body):
    return api(
        "post",
        f"/households/{world.household.pk}/consents",
        {"organization": world.orgs["other"].pk, "purpose": "orientation", **body},
    )


def test_api_refuses_a_consent_longer_than_the_maximum(clock, client):
    world = build()
    api = _referent_api(client, world)
    too_long = _post_consent(api, world, ends_on="2027-03-11")
    assert too_long.status_code == 400
    error = too_long.json()["error"]
    assert error["code"] == "invalid"
    assert "ends_on" in error["fields"]
    assert "12 mois" in error["message"]
    assert not Consent.objects.exists()
    assert _post_consent(api, world, ends_on="2027-03-10").status_code == 201  # exactly 12 months


def test_api_refuses_a_consent_starting_too_long_ago(clock, client):
    world = build()
    api = _referent_api(client, world)
    backdated = _post_consent(api, world, starts_on="2026-03-02", ends_on="2026-06-01")
    assert backdated.status_code == 400
    assert "starts_on" in backdated.json()["error"]["fields"]
    assert "7 jours" in backdated.json()["error"]["message"]
    assert not Consent.objects.exists()
    assert _post_consent(api, world, starts_on="2026-03-03", ends_on="2026-06-01").status_code == 201


def test_the_maximum_duration_is_configurable(clock, client, settings):
    settings.PARCOURS_CONSENT_MAX_MONTHS = 3
    world = build()
    api = _referent_api(client, world)
    assert _post_consent(api, world, ends_on="2026-06-11").status_code == 400
    assert not Consent.objects.exists()
    assert _post_consent(api, world, ends_on="2026-06-10").status_code == 201


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ends_on": "2027-06-01"}, "Un consentement dure au plus 12 mois"),
        ({"starts_on": "2026-02-01", "ends_on": "2026-06-01"}, "ne peut commencer plus de 7 jours"),
    ],
)
def test_page_refuses_a_consent_too_long_or_backdated_with_a_french_message(fields, message, clock, login):
    world = build()
    page = login(world.m[Role.SOCIAL_WORKER].user, Client())
    answer = page.post(
        reverse("households:consent_add", args=[world.household.pk]),
        {
            "organization": world.orgs["other"].pk,
            "purpose": "orientation",
            "informed_how": "orally",
            **fields,
        },
        follow=True,
    )
    # The household's page again, the form open with what was typed (issue 15), the French message.
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Consent.objects.exists()


def test_page_records_a_consent_within_the_limits(clock, login):
    world = build()
    page = login(world.m[Role.SOCIAL_WORKER].user, Client())
    page.post(
        reverse("households:consent_add", args=[world.household.pk]),
        {
            "organization": world.orgs["other"].pk,
            "purpose": "prevention",
            "informed_how": "orally",
            "starts_on": "2026-03-05",
            "ends_on": "2027-03-05",
        },
    )
    saved = Consent.objects.get()
    assert (saved.purpose, saved.starts_on, saved.ends_on) == (
        "prevention",
        dt.date(2026, 3, 5),
        dt.date(2027, 3, 5),
    )


SHEET_FIELDS = {"id", "version", "territory", "members"}
LINK = {
    "orientation": SHEET_FIELDS | {"monthly_resources", "monthly_charges", "assessment", "recommendations"},
    "support": SHEET_FIELDS | {"monthly_resources", "monthly_charges", "assessment", "recommendations"},
    "emergency": SHEET_FIELDS,
    "prevention": SHEET_FIELDS | {"monthly_resources", "monthly_charges"},
}


@pytest.mark.parametrize("purpose", PURPOSES)
def test_what_a_signed_partner_link_may_show_follows_the_purpose_and_stops_with_the_consent(purpose, clock):
    """The partner page without an account asks households.visibility.link_fields: the same sheet a
    facility reads with an account, under the same purposes; nothing once the consent is revoked."""
    from parcours.households.visibility import link_fields

    world = build("facility")
    given = consent(world, world.orgs["partner"], purpose)
    household = Household.objects.get(pk=world.household.pk)
    partner = world.orgs["partner"].pk
    assert link_fields(household, partner, "household") == LINK[purpose]
    assert link_fields(household, partner, "request") == set()
    assert link_fields(household, world.orgs["other"].pk, "household") == set()
    household_services.consent_revoke(actor=as_member(world.m[Role.SOCIAL_WORKER]), consent=given)
    assert link_fields(Household.objects.get(pk=household.pk), partner, "household") == set()


@pytest.mark.parametrize(
    "body",
    [
        {"starts_on": "9999-12-31", "ends_on": "9999-12-31"},
        {"ends_on": "9999-12-31"},
        {"starts_on": "0001-01-01", "ends_on": "2026-06-01"},
    ],
)
def test_impossible_consent_dates_get_a_json_error_never_a_500(body, clock, client):
    world = build()
    answer = _post_consent(_referent_api(client, world), world, **body)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid"
    assert not Consent.objects.exists()


@pytest.mark.parametrize("purpose", PURPOSES)
def test_the_proposal_page_links_the_liaison_sheet_only_when_the_purpose_opens_it(purpose, clock, login):
    world = build("landlord")
    consent(world, world.orgs["partner"], purpose)
    page = login(world.m[Role.LANDLORD].user, Client()).get(
        reverse("orientation:proposal", args=[world.proposal.pk])
    )
    assert page.status_code == 200
    liaison = reverse("assessments:liaison", args=[world.household.pk])
    assert (liaison in page.content.decode()) == EXPECTED[purpose]["assessment"]
