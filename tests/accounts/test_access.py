"""Login required everywhere, idle timeout, lockout, and the second factor for every role that needs it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts.roles import ROLES_REQUIRING_TWO_FACTOR, Role
from parcours.core.models import AuditEvent
from tests.factories import PASSWORD, MembershipFactory, confirmed_totp

pytestmark = pytest.mark.django_db

PUBLIC = {
    "healthz",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    # a partner without an account answers a proposal through a signed, expiring link
    "orientation:partner",
    # the service worker and the web app manifest hold no data: the browser fetches them as it likes
    "core:service_worker",
    "core:manifest",
    # a citizen or a partner reports someone who seems to need help, without an account (aller-vers)
    "report_public",
    # a person accompanied signs in to "Mon espace" with a code, without a staff account
    "portal:sign_in",
    "portal:sign_in_code",
    "portal:sign_in_printed",
}
# The person's own pages: closed without the person's session, which the person's sign-in opens.
PERSON_PAGES = {
    "portal:home",
    "portal:consents",
    "portal:access_log",
    "portal:feedback",
    "portal:export",
    "portal:assessment",
    "my_documents:list",
    "my_documents:download",
    "portal_appointments:list",
    "portal_appointments:detail",
    "portal_appointments:ics",
    "portal_notifications:preferences",
}

PAGES = [
    ("core:home", {}),
    ("network:organization_list", {}),
    ("network:organization_detail", {"pk": 1}),
    ("accounts:account", {}),
    ("accounts:two_factor_setup", {}),
    ("accounts:two_factor_verify", {}),
    ("accounts:recovery_codes", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_visitor_is_sent_to_login(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_every_url_but_the_public_ones_requires_login(client):
    """Walk the whole URL map: a new page that forgets the rule makes this test fail."""
    from django.urls import get_resolver

    def walk(patterns, prefix="", groups=()):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                yield from walk(p.url_patterns, ns, (*groups, *p.pattern.regex.groupindex))
            elif p.name:
                yield prefix + p.name, p, groups

    checked = 0
    for name, pattern, groups in walk(get_resolver().url_patterns):
        if name in PUBLIC or name.startswith("api-v1:") or name == "set_language":
            continue
        kwargs = dict.fromkeys([*groups, *pattern.pattern.regex.groupindex], "1")
        if "perspective" in kwargs:
            kwargs["perspective"] = "worker"
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            sign_in = reverse("portal:sign_in") if name in PERSON_PAGES else reverse("accounts:login")
            assert response["Location"].startswith(sign_in), name
        checked += 1
    assert checked >= len(PAGES)


def test_login_page_and_health_check_are_public(client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_login_with_password_then_second_factor(client):
    user = MembershipFactory(role=Role.SOCIAL_WORKER).user
    device = confirmed_totp(user)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    # The home page is out of reach until the code is given.
    response = client.get(reverse("core:home"))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    response = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    assert "n&#x27;est pas valide" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the next try is delayed (1 s, then 2 s, 4 s…)
    device.throttle_reset()  # as if that second had passed
    response = client.post(
        reverse("accounts:two_factor_verify") + "?next=/",
        {"code": f"{totp(device.bin_key):06d}", "next": "/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(actor=user, action="accounts.two_factor.verify").exists()


def test_wrong_password_says_so_in_french(client):
    user = MembershipFactory().user
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "mauvais"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


@pytest.mark.parametrize("role", sorted(ROLES_REQUIRING_TWO_FACTOR))
def test_roles_reading_named_persons_must_set_up_totp(client, role):
    user = MembershipFactory(role=role).user
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    # Nothing else either: not the directory, not the account page.
    for name in ("network:organization_list", "accounts:account"):
        assert client.get(reverse(name)).status_code == 302


def test_observer_needs_no_second_factor(client):
    user = MembershipFactory(role=Role.OBSERVER).user
    client.force_login(user)
    assert client.get(reverse("core:home")).status_code == 200


def test_relaxing_two_factor_needs_debug(client):
    user = MembershipFactory(role=Role.CALL_HANDLER).user
    client.force_login(user)
    with override_settings(PARCOURS_TWO_FACTOR_RELAXED=True, DEBUG=False):
        assert client.get(reverse("core:home")).status_code == 302
        from parcours.core.checks import two_factor_not_relaxed_in_production

        assert [e.id for e in two_factor_not_relaxed_in_production(None)] == ["parcours.E001"]
    with override_settings(PARCOURS_TWO_FACTOR_RELAXED=True, DEBUG=True):
        assert client.get(reverse("core:home")).status_code == 200


def test_totp_setup_gives_recovery_codes_that_work_once(client):
    user = MembershipFactory(role=Role.CALL_HANDLER).user
    client.force_login(user)
    page = client.get(reverse("accounts:two_factor_setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": f"{totp(device.bin_key):06d}"})
    assert response["Location"] == reverse("accounts:recovery_codes")
    codes_page = client.get(reverse("accounts:recovery_codes")).content.decode()
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in codes_page for code in codes)
    # Shown once only.
    assert client.get(reverse("accounts:recovery_codes")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 200

    client.logout()
    client.force_login(user)
    assert client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    client.logout()
    client.force_login(user)
    response = client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert response.status_code == 200 and "a déjà servi" in response.content.decode()


def test_session_expires_after_idle_time(client, login):
    user = MembershipFactory(role=Role.OBSERVER).user
    login(user)
    assert client.get(reverse("core:home")).status_code == 200
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_REFRESH_SECONDS == 60
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_repeated_failures_lock_the_account_out(client):
    user = MembershipFactory().user
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "mauvais"})
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client):
    user = MembershipFactory().user
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "réinitialisation" in mail.outbox[0].subject
    link = next(line for line in body.splitlines() if "/compte/mot-de-passe/nouveau/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new = "un-tout-nouveau-mot-de-passe"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_unknown_email_does_not_reveal_anything(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "personne@example.invalid"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_switching_membership(client, login):
    first = MembershipFactory(role=Role.SOCIAL_WORKER)
    user = first.user
    second = MembershipFactory(user=user, role=Role.FACILITY_MANAGER, organization=first.organization)
    other = MembershipFactory(role=Role.SIAO_COORDINATOR)
    login(user)
    client.post(reverse("accounts:switch_membership"), {"membership": first.pk})
    assert 'data-role="social_worker"' in client.get(reverse("core:home")).content.decode()
    client.post(reverse("accounts:switch_membership"), {"membership": second.pk})
    assert 'data-role="facility_manager"' in client.get(reverse("core:home")).content.decode()
    # Someone else's membership cannot be borrowed.
    assert client.post(reverse("accounts:switch_membership"), {"membership": other.pk}).status_code == 404
    assert AuditEvent.objects.filter(actor=user, action="accounts.membership.switch").count() == 2


def test_passwords_are_hashed_with_argon2_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_login_and_logout_are_audited(client):
    user = MembershipFactory(role=Role.OBSERVER).user
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    client.post(reverse("accounts:logout"))
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert actions == ["accounts.login", "accounts.logout"]


def test_logout_tells_the_browser_to_wipe_what_it_kept(client):
    """The service worker's copies and the offline records must not outlive the session on a shared
    computer (docs/continuite.md)."""
    user = MembershipFactory(role=Role.OBSERVER).user
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    response = client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_an_active_session_is_renewed_once_a_minute_not_on_every_request(client, login, monkeypatch):
    """The idle timeout holds without writing the session row on every page (issue 18)."""
    from tests.clock import freeze

    clock = freeze(monkeypatch)
    user = MembershipFactory(role=Role.OBSERVER).user
    login(user)
    assert client.get(reverse("core:home")).status_code == 200
    first = Session.objects.get().expire_date
    clock.advance(seconds=30)
    assert client.get(reverse("core:home")).status_code == 200
    assert Session.objects.get().expire_date == first  # no write within the minute
    clock.advance(seconds=31)
    assert client.get(reverse("core:home")).status_code == 200
    renewed = Session.objects.get().expire_date
    assert timedelta(seconds=61) <= renewed - first < timedelta(seconds=62)
    # 29 idle minutes later the session still opens the page; 31 minutes later it is gone.
    clock.advance(minutes=29)
    assert client.get(reverse("core:home")).status_code == 200
    clock.advance(minutes=31)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
