"""Promise: failed logins lock the account tried, not everyone sharing its address.

A 115 call centre works behind one address: one person mistyping (or an attacker guessing) must not
lock their colleagues out. Failures lock the username (and the username from that address) at
`PARCOURS_LOGIN_FAILURE_LIMIT`; the address alone is locked only past the much higher
`PARCOURS_LOGIN_ADDRESS_FAILURE_LIMIT`, against someone spraying many usernames.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

CALL_CENTRE = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


def _login(client, username, password, address=CALL_CENTRE):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _logged_in(response, client) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_the_address_limit_is_much_higher_and_configurable():
    assert settings.PARCOURS_LOGIN_ADDRESS_FAILURE_LIMIT == 50
    assert settings.PARCOURS_LOGIN_ADDRESS_FAILURE_LIMIT >= 5 * settings.AXES_FAILURE_LIMIT


def test_one_user_failing_does_not_lock_a_colleague_at_the_same_address(client):
    x = MembershipFactory().user
    y = MembershipFactory().user
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, x.username, "mauvais").status_code == 200
    assert _login(client, x.username, "mauvais").status_code == 429  # the limit-th failure locks
    # X is locked, from this address and from any other.
    locked = _login(client, x.username, PASSWORD)
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert _login(client, x.username, PASSWORD, address=ELSEWHERE).status_code == 429
    # Y, at the next desk, logs in.
    assert _logged_in(_login(client, y.username, PASSWORD), client)


def test_many_usernames_from_one_address_lock_the_address_only_past_the_higher_limit(client):
    colleague = MembershipFactory().user
    limit = settings.PARCOURS_LOGIN_ADDRESS_FAILURE_LIMIT
    # A spray of guesses, never twice the same username: no username reaches its own limit.
    for i in range(limit - 1):
        assert _login(client, f"devine{i % 40}-{i}", "mauvais").status_code == 200
    assert _logged_in(_login(client, colleague.username, PASSWORD), client)
    client.logout()
    assert _login(client, "devine-derniere", "mauvais").status_code == 429  # the limit-th failure
    # Now the address is locked for everyone behind it, the right password included…
    response = _login(client, colleague.username, PASSWORD)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    # …but not the same person from elsewhere.
    assert _logged_in(_login(client, colleague.username, PASSWORD, address=ELSEWHERE), client)
