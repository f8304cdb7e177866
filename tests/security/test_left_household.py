"""Promise: someone who left the household (Person.left_on) is no longer part of what partners see.
A facility or landlord reads the household's current composition only: not on the liaison sheet, not
on the partner page reached through a signed link, not in the API (issue 13, finding 5)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts import services as account_services
from parcours.accounts.roles import Role
from parcours.households.models import Person
from parcours.orientation import proposals

from .orientation_world import build_world, consent, propose

pytestmark = pytest.mark.django_db
LEFT = "Départie"
STAYS = "Lefèvre"


@pytest.fixture
def world():
    world = build_world()
    world["proposal"] = propose(world)
    consent(world, world["landlord_org"])
    Person.objects.filter(household=world["household"], last_name=LEFT).update(
        left_on=timezone.localdate() - dt.timedelta(days=10)
    )
    return world


def _shows(response, text):
    return text in response.content.decode()


def test_the_liaison_sheet_page_leaves_out_who_left(world, client, login):
    login(world["m"][Role.LANDLORD].user)
    page = client.get(reverse("assessments:liaison", args=[world["household"].pk]))
    assert page.status_code == 200
    assert _shows(page, STAYS) and not _shows(page, LEFT)


def test_the_partner_page_leaves_out_who_left(world, client):
    _link, token = proposals.partner_link_create(
        actor=world["coordinator"], proposal=world["proposal"], recipient="accueil@plaine.example"
    )
    page = client.get(reverse("orientation:partner", args=[token]))
    assert page.status_code == 200
    assert _shows(page, STAYS) and not _shows(page, LEFT)


def test_the_proposal_page_and_the_api_leave_out_who_left(world, client, login):
    membership = world["m"][Role.LANDLORD]
    login(membership.user)
    page = client.get(reverse("orientation:proposal", args=[world["proposal"].pk]))
    assert page.status_code == 200 and not _shows(page, LEFT)
    client.logout()
    _token, key = account_services.token_create(actor=membership.user, membership=membership, name="t")
    headers = {"Authorization": f"Bearer {key}"}
    for path in (
        f"/api/v1/households/{world['household'].pk}",
        f"/api/v1/proposals/{world['proposal'].pk}",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert LEFT not in response.content.decode(), path
    body = client.get(f"/api/v1/households/{world['household'].pk}", headers=headers).json()
    assert [m["last_name"] for m in body["members"]] == [STAYS]
