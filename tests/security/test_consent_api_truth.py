"""Promise: the API says of a consent what the household page shows and the access rules apply.

One function decides (Consent.state_on, with Consent.effective_ends_on): the page's « État » and
« Période », the API's `active` and `ends_on`, and whether the named organisation may open the
file. A consent written in bulk beyond the maximum duration, or revoked, reads the same through
every door — the API used to return the recorded end date, a date on which nothing was open any
more. Clock fixed.
"""

import datetime as dt

import pytest
from django.urls import reverse

from parcours.households import perms
from parcours.households.choices import ConsentState
from parcours.households.models import Consent, Household
from tests.factories import api_for

from .partner_world import TODAY, Clock, as_member, build
from .test_consent_max_duration import LAST_DAY, THREE_YEARS, bulk_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _other_worker_access(world):
    household = Household.objects.prefetch_related("consents").get(pk=world.household.pk)
    return perms.access(as_member(world.m["other_worker"]), household)


def _page_row(login, world, consent) -> str:
    body = (
        login(world.m["social_worker"].user)
        .get(reverse("households:detail", args=[world.household.pk]))
        .content.decode()
    )
    table = body[body.index('id="consentements"') :]
    return table[: table.index("</table>")]


def test_a_consent_past_its_maximum_duration_reads_expired_with_its_real_end_in_the_api(clock, client, login):
    world = build("landlord")
    given = bulk_consent(world, world.orgs["other"], "orientation", ends_on=THREE_YEARS)
    clock.move_to(LAST_DAY + dt.timedelta(days=1))
    given.refresh_from_db()
    assert given.state == ConsentState.EXPIRED
    assert _other_worker_access(world) == perms.Access.NONE
    row = _page_row(login, world, given)
    assert "10 mars 2027" in row and "expiré" in row and "10 mars 2029" not in row

    referent = api_for(client, world.m["social_worker"])
    answer = referent("delete", f"/households/{world.household.pk}/consents/{given.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["active"] is False
    assert body["ends_on"] == LAST_DAY.isoformat()  # the page's end, not the recorded 2029


def test_a_revoked_consent_reads_inactive_and_ends_the_day_it_was_revoked(clock, client, login):
    world = build("landlord")
    referent = api_for(client, world.m["social_worker"])
    partner = api_for(client, world.m["other_worker"])
    recorded_end = TODAY + dt.timedelta(days=90)
    created = referent(
        "post",
        f"/households/{world.household.pk}/consents",
        {"organization": world.orgs["other"].pk, "purpose": "support", "ends_on": recorded_end.isoformat()},
    )
    assert created.status_code == 201
    assert (created.json()["active"], created.json()["ends_on"]) == (True, recorded_end.isoformat())
    assert _other_worker_access(world) == perms.Access.SHARED
    assert partner("get", f"/households/{world.household.pk}").status_code == 200

    clock.move_to(TODAY + dt.timedelta(days=5))
    revoked = referent("delete", f"/households/{world.household.pk}/consents/{created.json()['id']}").json()
    revoked_on = TODAY + dt.timedelta(days=5)
    assert (revoked["active"], revoked["ends_on"]) == (False, revoked_on.isoformat())
    consent = Consent.objects.get(pk=created.json()["id"])
    assert consent.state == ConsentState.REVOKED and consent.effective_ends_on == revoked_on
    # The access rules follow the same answer: the partner's door is shut at once.
    assert _other_worker_access(world) == perms.Access.NONE
    assert partner("get", f"/households/{world.household.pk}").status_code == 404
    row = _page_row(login, world, consent)
    assert "retiré" in row and "15 mars 2026" in row


def test_a_consent_not_yet_begun_opens_nothing_and_says_so(clock, login):
    world = build("landlord")
    later = bulk_consent(
        world, world.orgs["other"], "support", starts_on=TODAY + dt.timedelta(days=3), ends_on=LAST_DAY
    )
    assert later.state == ConsentState.UPCOMING and not later.is_active
    assert _other_worker_access(world) == perms.Access.NONE
    assert "à venir" in _page_row(login, world, later)
