"""Once signed in, a request's `user` is the user itself, not Django's and django-otp's lazy wrappers
(ActiveMembershipMiddleware, accounts.access.acting_user, issue 18): the same user, with the same
second-factor state and membership, only cheaper to read."""

import pytest
from django.utils.functional import LazyObject

from parcours.accounts.access import acting_user
from parcours.accounts.models import User
from parcours.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_a_signed_in_request_carries_the_user_itself(login, member):
    user = member(Role.SOCIAL_WORKER)
    client = login(user)
    response = client.get("/")
    assert response.status_code == 200
    seen = response.wsgi_request.user
    assert type(seen) is User and seen.pk == user.pk
    assert seen.is_verified() and seen.otp_device is not None
    assert seen.active_membership == response.wsgi_request.membership


def test_without_a_second_factor_the_user_is_still_sent_to_it(client, member):
    user = member(Role.SOCIAL_WORKER)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302 and "double-authentification" in response.url
    assert not response.wsgi_request.user.is_verified()


def test_anonymous_requests_keep_django_s_anonymous_user(client):
    response = client.get("/compte/connexion/")
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_acting_user_unwraps_every_layer(member):
    from django.utils.functional import SimpleLazyObject

    user = member(Role.CALL_HANDLER)
    wrapped = SimpleLazyObject(lambda: SimpleLazyObject(lambda: user))
    assert isinstance(wrapped, LazyObject)
    assert acting_user(wrapped) is user
    assert acting_user(user) is user
