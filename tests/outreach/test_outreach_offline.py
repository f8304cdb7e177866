"""Encounters noted on a phone without network, replayed when it comes back (docs/continuite.md):
once each (client_id), never overwriting the server's copy, only by the outreach teams."""

import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.outreach.models import Encounter
from tests.factories import (
    CommuneFactory,
    MembershipFactory,
    OrganizationFactory,
    OutreachTeamFactory,
    RoundFactory,
    TerritoryFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture
def team_member():
    territory = TerritoryFactory(code="93")
    bobigny = CommuneFactory(code="93008")
    association = OrganizationFactory(name="La Halte", territory=territory)
    worker = MembershipFactory(role=Role.SOCIAL_WORKER, organization=association)
    team = OutreachTeamFactory(organization=association, name="Maraude", members=[worker])
    RoundFactory(team=team, communes=[bobigny])
    return worker, bobigny


def _send(client, records):
    return client.post(
        reverse("outreach:offline_replay"), json.dumps({"records": records}), content_type="application/json"
    )


def _encounter(commune, **more):
    return {
        "client_id": str(uuid.uuid4()),
        "noted_at": timezone.now().isoformat(),
        "commune": str(commune.pk),
        "persons": "1",
        "children": "0",
        "alias": "Jo au chien",
        "needs": ["shelter"],
        "orientation": "none",
        **more,
    }


def test_each_encounter_is_recorded_once_and_a_second_sending_overwrites_nothing(client, login, team_member):
    worker, commune = team_member
    login(worker.user)
    first, second = _encounter(commune), _encounter(commune, alias="Dédé")
    answer = _send(client, [first, second])
    assert [r["status"] for r in answer.json()["results"]] == ["recorded", "recorded"]
    assert Encounter.objects.count() == 2
    again = _send(client, [{**first, "alias": "écrasé"}])
    assert again.json()["results"][0]["status"] == "already"
    assert sorted(Encounter.objects.values_list("alias", flat=True)) == ["Dédé", "Jo au chien"]
    stored = Encounter.objects.get(client_id=first["client_id"])
    assert stored.needs == ["shelter"] and stored.commune == commune


def test_a_household_is_never_taken_from_an_offline_record(client, login, team_member):
    worker, commune = team_member
    login(worker.user)
    answer = _send(client, [_encounter(commune, household="12345")])
    assert answer.json()["results"][0]["status"] == "recorded"
    assert Encounter.objects.get().household_id is None


def test_an_incomplete_encounter_is_refused_and_nothing_is_written(client, login, team_member):
    worker, commune = team_member
    login(worker.user)
    answer = _send(client, [_encounter(commune, persons="0")])
    assert answer.json()["results"][0]["status"] == "refused"
    assert not Encounter.objects.exists()
    assert _send(client, []).status_code == 400


def test_only_outreach_members_replay(client, login, team_member):
    _worker, commune = team_member
    login(MembershipFactory(role=Role.CALL_HANDLER).user)
    assert _send(client, [_encounter(commune)]).status_code == 404
    assert client.get(reverse("outreach:offline_token")).status_code == 404
    assert not Encounter.objects.exists()


def test_the_encounter_form_page_carries_the_offline_queue(client, login, team_member):
    worker, _commune = team_member
    login(worker.user)
    html = client.get(reverse("outreach:encounter_new")).content.decode()
    assert "data-offline-outreach" in html and "js/offline/outreach" in html
    assert "/aller-vers/rencontres/nouvelle/" in client.get("/sw.js").content.decode()
