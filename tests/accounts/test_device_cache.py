"""The device that verified the session comes from the cache (issue 18) and is never stale: deleting or
unconfirming it, or an administrator resetting the second factor, leaves the very next request
unverified, even though the old entry is still in the cache (as another worker process's copy would be)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts import access, services
from parcours.accounts.models import User
from parcours.accounts.roles import Role
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    confirmed_totp,
    make_household,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    TerritoryFactory(code="93")
    association = OrganizationFactory(name="Les Amarres")
    worker = MembershipFactory(role=Role.SOCIAL_WORKER, organization=association)
    siao = OrganizationFactory(siao=True, name="SIAO 93")
    admin = as_member(MembershipFactory(role=Role.NETWORK_ADMIN, organization=siao))
    household = make_household(organization=association)
    return {"worker": worker.user, "admin": admin, "url": reverse("households:detail", args=[household.pk])}


def _device_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q for q in queries.captured_queries if "otp_" in q["sql"]]


def _verified_and_cached(client, login, world):
    """The worker logged in and verified, their device now in the cache; returns the cache key."""
    login(world["worker"])
    assert client.get(world["url"]).status_code == 200
    user = User.objects.get(pk=world["worker"].pk)
    key = access._device_key(user, client.session[DEVICE_ID_SESSION_KEY])
    assert cache.get(key) is not None
    return key


def _unverified(response) -> bool:
    """Sent to the second factor's page (verification, or set-up once no device is left)."""
    return (
        response.status_code == 302
        and response["Location"].startswith("/compte/double-authentification/")
        and "next=" in response["Location"]
    )


def test_the_device_is_read_once_then_from_the_cache(world, client, login):
    login(world["worker"])
    first, read = _device_queries(client, world["url"])
    assert first.status_code == 200 and read
    again, read = _device_queries(client, world["url"])
    assert again.status_code == 200 and not read


def test_the_cached_device_holds_no_secret(world, client, login):
    key = _verified_and_cached(client, login, world)
    device = cache.get(key)
    assert "key" not in device.__dict__ and "last_t" not in device.__dict__  # deferred: never cached
    assert device.user_id == world["worker"].pk and device.confirmed


def test_a_deleted_device_stops_verifying_at_the_next_request(world, client, login):
    key = _verified_and_cached(client, login, world)
    TOTPDevice.objects.filter(user=world["worker"]).delete()
    assert cache.get(key) is not None  # another process's copy: never read again
    response = client.get(world["url"])
    assert _unverified(response), response
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_an_unconfirmed_device_stops_verifying_at_the_next_request(world, client, login):
    key = _verified_and_cached(client, login, world)
    device = TOTPDevice.objects.get(user=world["worker"])
    device.confirmed = False
    device.save()
    assert cache.get(key) is not None
    assert _unverified(client.get(world["url"]))


def test_a_second_factor_reset_by_an_administrator_stops_verifying_at_the_next_request(world, client, login):
    key = _verified_and_cached(client, login, world)
    StaticDevice.objects.create(user=world["worker"], name="Codes de secours", confirmed=True)
    services.two_factor_reset(actor=world["admin"], user=world["worker"])
    assert cache.get(key) is not None
    assert _unverified(client.get(world["url"]))


def test_a_deleted_recovery_device_stops_verifying_a_session_it_verified(world, client, login):
    login(world["worker"])
    recovery = StaticDevice.objects.create(user=world["worker"], name="Codes de secours", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = recovery.persistent_id
    session.save()
    assert client.get(world["url"]).status_code == 200
    StaticDevice.objects.filter(pk=recovery.pk).delete()
    assert _unverified(client.get(world["url"]))


def test_a_device_of_another_user_is_refused(world, client, login):
    other = MembershipFactory(role=Role.SOCIAL_WORKER).user
    foreign = confirmed_totp(other)
    # The other user verified with it: their entry is in the cache, under their own key.
    login(other)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = foreign.persistent_id
    session.save()
    assert client.get(reverse("core:home")).status_code == 200
    login(world["worker"])
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = foreign.persistent_id
    session.save()
    assert _unverified(client.get(world["url"]))
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "persistent_id", ["otp_totp.totpdevice/999999", "accounts.user/1", "nonsense", "a.b/c"]
)
def test_an_unknown_device_id_is_refused(world, client, login, persistent_id):
    login(world["worker"])
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()
    assert _unverified(client.get(world["url"]))
