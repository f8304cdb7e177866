"""The memberships every page reads come from the cache (issue 18) and are never stale: a change of
membership or organization is seen by the next request — an attacker keeps nothing from the cache."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accounts import access, services
from parcours.accounts.models import Membership, Organization, User
from parcours.accounts.roles import Role
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_household,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    TerritoryFactory(code="93")
    siao = OrganizationFactory(siao=True, name="SIAO 93")
    association = OrganizationFactory(name="Les Amarres")
    worker = MembershipFactory(role=Role.SOCIAL_WORKER, organization=association)
    admin = as_member(MembershipFactory(role=Role.NETWORK_ADMIN, organization=siao))
    household = make_household(organization=association)
    return {"worker": worker, "admin": admin, "household": household, "association": association}


def _membership_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q for q in queries.captured_queries if '"accounts_membership"' in q["sql"]]


def test_the_memberships_are_read_once_then_from_the_cache(world, client, login):
    login(world["worker"].user)
    url = reverse("households:detail", args=[world["household"].pk])
    first, read = _membership_queries(client, url)
    assert first.status_code == 200 and read
    again, read = _membership_queries(client, url)
    assert again.status_code == 200
    assert not any("active" in q["sql"] and "INNER JOIN" in q["sql"] for q in read)  # no longer loaded


def test_a_revoked_membership_stops_working_at_the_next_request(world, client, login):
    worker = world["worker"]
    login(worker.user)
    url = reverse("households:detail", args=[world["household"].pk])
    assert client.get(url).status_code == 200  # the memberships are now in the cache
    stale_key = access._key(User.objects.get(pk=worker.user_id))
    assert cache.get(stale_key)

    services.membership_revoke(actor=world["admin"], membership=worker)

    # The old entry is still in the cache (another worker process's copy would be too) but is never read:
    # the user's row, read at every request, names a new key.
    assert cache.get(stale_key)
    assert client.get(url).status_code == 404
    home = client.get(reverse("core:home")).content.decode()
    assert "Les Amarres" not in home


def test_a_deactivated_organization_stops_its_members_at_the_next_request(world, client, login):
    login(world["worker"].user)
    url = reverse("households:detail", args=[world["household"].pk])
    assert client.get(url).status_code == 200
    organization = Organization.objects.get(pk=world["association"].pk)
    organization.active = False
    organization.save()
    assert client.get(url).status_code == 404


def test_a_membership_granted_works_at_the_next_request(world, client, login):
    newcomer = as_member(MembershipFactory(role=Role.OBSERVER))
    login(newcomer)
    url = reverse("households:detail", args=[world["household"].pk])
    assert client.get(url).status_code == 404
    services.membership_grant(
        actor=world["admin"], user=newcomer, organization=world["association"], role=Role.SOCIAL_WORKER
    )
    client.get(reverse("core:home"))
    # The grant shows in the header's switcher at once; working under it is the user's choice.
    assert "Les Amarres" in client.get(reverse("core:home")).content.decode()
    assert Membership.objects.filter(user=newcomer, organization=world["association"], active=True).exists()


def test_every_change_of_access_bumps_the_counter_in_the_same_transaction(world):
    user = world["worker"].user
    before = User.objects.get(pk=user.pk).access_version
    services.membership_revoke(actor=world["admin"], membership=world["worker"])
    revoked = User.objects.get(pk=user.pk).access_version
    assert revoked > before
    organization = Organization.objects.get(pk=world["association"].pk)
    organization.name = "Les Amarres (nouveau nom)"
    organization.save()
    assert User.objects.get(pk=user.pk).access_version > revoked


def test_the_cache_holds_no_copy_of_the_user(world):
    user = User.objects.get(pk=world["worker"].user_id)
    access.active_memberships(user)
    cached = cache.get(access._key(user))
    assert cached and all("user" not in m._state.fields_cache for m in cached)
