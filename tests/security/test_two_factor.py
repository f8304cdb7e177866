"""Promise: the second factor cannot be skipped or replaced by someone who knows only the password.

Each test starts from a real password login (no verified device in the session) and tries one door:
the set-up page, a direct POST to its confirm step, recovery codes, API tokens, the membership switch.
A first login (no confirmed device yet) still enrols; a verified session (or a recovery code) may
replace the authenticator, and every enrolment is audited and e-mailed to the owner.
"""

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts import services
from parcours.accounts.middleware import SESSION_KEY
from parcours.accounts.models import ApiToken
from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, confirmed_totp

pytestmark = pytest.mark.django_db


def _code(device) -> str:
    return f"{totp(device.bin_key):06d}"


def _password_only(client, user):
    """What an attacker holding only the password gets: a session that has not passed the second factor."""
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    return client


@pytest.fixture
def victim():
    user = MembershipFactory(role=Role.SOCIAL_WORKER).user
    device = confirmed_totp(user)
    user.is_verified = lambda: True  # as the owner, from their verified session
    services.recovery_codes_regenerate(actor=user)
    del user.is_verified
    mail.outbox.clear()
    return user, device


def _assert_old_factor_intact(client, user, device):
    """The owner's authenticator is still the only one, and still lets the owner in."""
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [device]
    assert not AuditEvent.objects.filter(actor=user, action__startswith="accounts.two_factor.enable").exists()
    client.logout()
    _password_only(client, user)
    response = client.post(reverse("accounts:two_factor_verify"), {"code": _code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("core:home")).status_code == 200


def test_password_only_cannot_enrol_a_new_authenticator(client, victim):
    """The attack: password → set-up page → scan the new secret → confirm. Refused at every step."""
    user, device = victim
    _password_only(client, user)
    page = client.get(reverse("accounts:two_factor_setup"))
    # Sent to the verification page: no new secret is shown, no new device is created.
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()
    assert mail.outbox == []
    _assert_old_factor_intact(client, user, device)


def test_password_only_cannot_post_to_the_confirm_step(client, victim):
    """Even with a pending device already there (left over, or the attacker's), confirming is refused."""
    user, device = victim
    pending = TOTPDevice.objects.create(user=user, name="Application", confirmed=False)
    _password_only(client, user)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": _code(pending), "next": "/"})
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )
    pending.refresh_from_db()
    assert not pending.confirmed
    assert "recovery_codes" not in client.session
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert mail.outbox == []
    _assert_old_factor_intact(client, user, device)


def test_the_service_refuses_a_replacement_from_an_unverified_session(victim):
    """The rule holds below the view: the service itself refuses to confirm a second device."""
    from django.core.exceptions import PermissionDenied

    user, device = victim
    pending = TOTPDevice.objects.create(user=user, name="Application", confirmed=False)
    user.is_verified = lambda: False
    with pytest.raises(PermissionDenied):
        services.two_factor_confirm(actor=user, device=pending, code=_code(pending))
    pending.refresh_from_db()
    assert not pending.confirmed
    assert TOTPDevice.objects.filter(user=user, confirmed=True).get() == device


def test_password_only_cannot_regenerate_recovery_codes(client, victim):
    user, device = victim
    before = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    _password_only(client, user)
    response = client.post(reverse("accounts:recovery_codes_regenerate"))
    assert response.status_code == 302
    assert not response["Location"].startswith(reverse("accounts:recovery_codes"))
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == before
    assert "recovery_codes" not in client.session


def test_recovery_codes_need_a_verified_session_even_for_a_role_without_second_factor(client):
    """An observer is not asked for a second factor, but fresh recovery codes would become one."""
    from django.core.exceptions import PermissionDenied

    user = MembershipFactory(role=Role.OBSERVER).user
    _password_only(client, user)
    response = client.post(reverse("accounts:recovery_codes_regenerate"))
    assert response.status_code == 302
    assert not StaticToken.objects.filter(device__user=user).exists()
    with pytest.raises(PermissionDenied):
        user.is_verified = lambda: False
        services.recovery_codes_regenerate(actor=user)


def test_password_only_cannot_create_an_api_token(client, victim):
    user, _device = victim
    membership = user.memberships.get()
    _password_only(client, user)
    response = client.post(
        reverse("accounts:token_create"), {"name": "script", "membership": membership.pk, "days": 30}
    )
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )
    assert not ApiToken.objects.filter(membership__user=user).exists()
    assert "new_token" not in client.session


def test_password_only_cannot_switch_membership(client, victim):
    user, _device = victim
    other = MembershipFactory(user=user, role=Role.SOCIAL_WORKER, organization=OrganizationFactory())
    _password_only(client, user)
    response = client.post(reverse("accounts:switch_membership"), {"membership": other.pk})
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )
    assert client.session.get(SESSION_KEY) is None
    assert not AuditEvent.objects.filter(actor=user, action="accounts.membership.switch").exists()


def test_an_observer_who_enrolled_is_asked_for_the_code(client):
    """Once a device is set up, the password alone no longer opens the account, whatever the role."""
    user = MembershipFactory(role=Role.OBSERVER).user
    confirmed_totp(user)
    _password_only(client, user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )
    assert client.get(reverse("accounts:two_factor_setup"))["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )


@pytest.mark.parametrize("role", sorted(Role.values))
def test_first_login_still_enrols_and_tells_the_owner(client, role):
    """No confirmed device yet: the first-login flow sets one up, audited and notified by e-mail."""
    user = MembershipFactory(role=role).user
    _password_only(client, user)
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": _code(device)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(actor=user, action="accounts.two_factor.enable").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "authentification" in mail.outbox[0].subject


def test_a_verified_session_may_replace_the_authenticator(client, login):
    """A new phone: from a verified session the new device replaces the old one, audited and e-mailed."""
    user = MembershipFactory(role=Role.SOCIAL_WORKER).user
    login(user)
    old = TOTPDevice.objects.get(user=user, confirmed=True)  # the login fixture's device
    client.get(reverse("accounts:two_factor_setup"))
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": _code(new)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(actor=user, action="accounts.two_factor.replace").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "remplac" in mail.outbox[0].body


def test_the_recovery_path_consumes_a_code_then_replaces_the_authenticator(client, victim):
    """A lost phone: a recovery code verifies the session (and is spent), then a new device may be set."""
    user, old = victim
    code = StaticToken.objects.filter(device__user=user).first().token
    _password_only(client, user)
    assert client.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 302
    assert not StaticToken.objects.filter(device__user=user, token=code).exists()
    client.get(reverse("accounts:two_factor_setup"))
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": _code(new)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [new]
    assert AuditEvent.objects.filter(actor=user, action="accounts.two_factor.replace").exists()
    assert len(mail.outbox) == 1


def test_a_secret_shown_in_another_session_is_never_the_one_confirmed(client, db):
    """Someone who opened the set-up page before the owner (first-login window, a shared screen) saw a
    secret; the owner's own session gets a fresh one, and the first one stops being usable."""
    from django.test import Client

    user = MembershipFactory(role=Role.SOCIAL_WORKER).user
    other = Client()
    _password_only(other, user)
    other.get(reverse("accounts:two_factor_setup"))
    seen = TOTPDevice.objects.get(user=user, confirmed=False)
    _password_only(client, user)
    client.get(reverse("accounts:two_factor_setup"))
    own = TOTPDevice.objects.get(user=user, confirmed=False)
    assert own.pk != seen.pk and own.bin_key != seen.bin_key
    # The owner's session does not accept the code of the secret seen elsewhere.
    response = client.post(reverse("accounts:two_factor_setup"), {"code": _code(seen)})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    own.refresh_from_db()
    own.throttle_reset()  # as if the second of delay after the wrong code had passed
    client.post(reverse("accounts:two_factor_setup"), {"code": _code(own)})
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [own]
