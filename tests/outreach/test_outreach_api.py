"""The street-outreach API exactly as api-v1.md writes it: encounters idempotent on client_id (also
when sent twice at the same instant), the visible list, an encounter turned into tonight's 115
request, and the public signalement (no authentication, rate-limited)."""

import uuid

import pytest
from django.db import connection

from parcours.accounts.roles import Role
from parcours.emergency.models import EmergencyRequest
from parcours.emergency.nights import current_night
from parcours.outreach.models import Encounter, Signalement
from tests.concurrency import race
from tests.factories import EncounterFactory, HouseholdFactory, api_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def body(**overrides):
    from django.utils import timezone

    data = {
        "client_id": str(uuid.uuid4()),
        "met_at": timezone.now().isoformat(),
        "commune": "93008",
        "place": "Gare routière",
        "household": None,
        "alias": "Le monsieur au chien",
        "persons": 2,
        "children": 1,
        "needs": ["shelter", "food"],
        "orientation": "none",
    }
    return {**data, **overrides}


@pytest.fixture
def worker_api(client, outreach):
    return api_for(client, outreach.worker.active_membership)


def test_an_encounter_is_created_then_the_same_client_id_gives_back_the_same_record(worker_api, outreach):
    sent = body()
    first = worker_api("post", "/outreach/encounters", sent)
    assert first.status_code == 201, first.content
    data = first.json()
    assert (
        data["client_id"] == sent["client_id"]
        and data["persons"] == 2
        and data["needs"] == ["shelter", "food"]
    )
    assert (
        data["team"] == outreach.maraude.pk and data["round"] == outreach.round.pk
    )  # defaults from the round
    again = worker_api("post", "/outreach/encounters", {**sent, "alias": "changed on a retry"})
    assert again.status_code == 200
    assert again.json() == data
    assert Encounter.objects.count() == 1


def test_bad_input_is_a_clear_400_or_422_never_a_500(worker_api):
    assert worker_api("post", "/outreach/encounters", body(commune="99999")).status_code == 400
    wrong = worker_api("post", "/outreach/encounters", body(persons=1, children=1))
    assert wrong.status_code == 400 and "adulte" in wrong.json()["error"]["message"]
    assert worker_api("post", "/outreach/encounters", body(needs=["money"])).status_code == 422
    assert worker_api("post", "/outreach/encounters", body(orientation="jail")).status_code == 422
    assert worker_api("post", "/outreach/encounters", body(client_id="not-a-uuid")).status_code == 422
    assert (
        worker_api("post", "/outreach/encounters", body(met_at="2099-01-01T00:00:00+01:00")).status_code
        == 400
    )
    assert Encounter.objects.count() == 0


def test_only_a_member_of_a_team_records_encounters(client, outreach):
    for user in (outreach.outsider, outreach.users[Role.CALL_HANDLER], outreach.users[Role.OBSERVER]):
        answer = api_for(client, user.active_membership)("post", "/outreach/encounters", body())
        assert answer.status_code == 403
    assert Encounter.objects.count() == 0


def test_a_known_household_must_be_one_the_recorder_may_open(worker_api, outreach):
    hidden = HouseholdFactory(territory=outreach.net.siao.territory)  # another association's file
    assert worker_api("post", "/outreach/encounters", body(household=hidden.pk)).status_code == 404
    own = HouseholdFactory(
        referent_organization=outreach.net.association, territory=outreach.net.siao.territory
    )
    created = worker_api("post", "/outreach/encounters", body(household=own.pk))
    assert created.status_code == 201 and created.json()["household"] == own.pk


def test_another_teams_client_id_is_refused_without_saying_whose(client, outreach, worker_api):
    theirs = EncounterFactory(team=outreach.other_team)
    answer = worker_api("post", "/outreach/encounters", body(client_id=str(theirs.client_id)))
    assert answer.status_code == 409
    assert "Maraude" not in answer.content.decode() and "Équipe mobile" not in answer.content.decode()


def test_the_list_shows_what_the_caller_may_see_between_two_dates(client, outreach, worker_api):
    from datetime import timedelta

    from django.utils import timezone

    mine = EncounterFactory(team=outreach.maraude, commune=outreach.bobigny)
    EncounterFactory(
        team=outreach.maraude, commune=outreach.bobigny, met_at=timezone.now() - timedelta(days=10)
    )
    theirs = EncounterFactory(team=outreach.other_team, commune=outreach.bobigny)
    today = timezone.localdate().isoformat()
    page = worker_api("get", f"/outreach/encounters?from={today}&to={today}").json()
    assert page["count"] == 1 and [e["id"] for e in page["results"]] == [mine.pk]
    assert worker_api("get", "/outreach/encounters").json()["count"] == 2
    siao = api_for(client, outreach.users[Role.SIAO_COORDINATOR].active_membership)
    assert {e["id"] for e in siao("get", f"/outreach/encounters?from={today}").json()["results"]} == {
        mine.pk,
        theirs.pk,
    }
    observer = api_for(client, outreach.users[Role.OBSERVER].active_membership)
    assert observer("get", "/outreach/encounters").json() == {"count": 0, "results": []}
    assert worker_api("get", f"/outreach/encounters/{theirs.pk}").status_code == 404
    assert worker_api("get", "/outreach/encounters?from=2025-02-02&to=2025-01-01").status_code == 400


def test_an_encounter_becomes_tonights_115_request_once(worker_api, outreach):
    created = worker_api(
        "post", "/outreach/encounters", body(persons=3, children=2, facts=["toddler"])
    ).json()
    answer = worker_api("post", f"/outreach/encounters/{created['id']}/emergency-request")
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["status"] == "open" and data["encounter"] == created["id"]
    request = EmergencyRequest.objects.get(pk=data["id"])
    assert (request.night, request.persons, request.children) == (current_night(), 3, 2)
    assert request.priority == "P2" and request.caller_name == "Le monsieur au chien"  # toddler → P2
    assert request.territory.code == "93"
    encounter = Encounter.objects.get(pk=created["id"])
    assert encounter.emergency_request_id == request.pk and encounter.orientation == "emergency_115"
    again = worker_api("post", f"/outreach/encounters/{created['id']}/emergency-request")
    assert again.status_code == 409
    assert EmergencyRequest.objects.count() == 1


def test_the_115_sees_the_request_and_where_it_came_from(client, login, outreach, worker_api):
    created = worker_api("post", "/outreach/encounters", body()).json()
    request_id = worker_api("post", f"/outreach/encounters/{created['id']}/emergency-request").json()["id"]
    handler = login(outreach.users[Role.CALL_HANDLER])
    page = handler.get(f"/115/demandes/{request_id}/").content.decode()
    assert "Maraude du soir" in page and "data-origin" in page


def test_a_public_signalement_needs_no_account_and_is_rate_limited(client, outreach, settings):
    settings.PARCOURS_REPORT_RATE = "2/h"
    from django.utils import timezone

    sent = {
        "commune": "93008",
        "place": "Sous le pont de la gare",
        "seen_at": timezone.now().isoformat(),
        "description": "Une femme avec un bébé, sans couverture.",
        "contact": "0612345678",
    }
    first = client.post("/api/v1/outreach/reports", sent, content_type="application/json")
    assert first.status_code == 201, first.content
    reference = first.json()["reference"]
    assert Signalement.objects.get(reference=reference).status == "received"
    assert (
        client.post(
            "/api/v1/outreach/reports", {**sent, "contact": None}, content_type="application/json"
        ).status_code
        == 201
    )
    limited = client.post("/api/v1/outreach/reports", sent, content_type="application/json")
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert Signalement.objects.count() == 2
    bad = client.post(
        "/api/v1/outreach/reports", {**sent, "commune": "00000"}, content_type="application/json"
    )
    assert bad.status_code in (400, 429)


def test_a_bad_public_signalement_is_a_400(client, outreach):
    from django.utils import timezone

    answer = client.post(
        "/api/v1/outreach/reports",
        {"commune": "93008", "place": " ", "seen_at": timezone.now().isoformat(), "description": "x"},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "place" in answer.json()["error"]["fields"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_same_encounter_sent_twice_at_the_same_instant_is_stored_once(outreach):
    from django.test import Client

    membership = outreach.worker.active_membership
    calls = [api_for(Client(), membership) for _ in range(6)]
    sent = body()

    def attempt(call):
        return lambda: call("post", "/outreach/encounters", sent).status_code

    outcomes = race([attempt(call) for call in calls])
    assert sorted(outcomes).count(201) == 1, outcomes
    assert sorted(outcomes).count(200) == 5, outcomes
    assert Encounter.objects.filter(client_id=sent["client_id"]).count() == 1


def test_dates_far_out_of_range_are_a_400_not_a_500(worker_api, client, outreach):
    far = body(met_at="0001-01-01T00:00:00+14:00")
    assert worker_api("post", "/outreach/encounters", far).status_code == 400
    assert worker_api("get", "/outreach/encounters?from=0001-01-01").status_code == 400
    assert worker_api("get", "/outreach/encounters?to=9999-12-31").status_code == 400
    old = {"commune": "93008", "place": "Gare", "seen_at": "0001-01-01T00:00:00+14:00", "description": "x"}
    assert client.post("/api/v1/outreach/reports", old, content_type="application/json").status_code == 400
