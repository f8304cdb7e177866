"""Signing in to Mon espace: an SMS code (6 digits, 10 minutes, once) or a printed code; guessing is
blocked per code, per phone and per address; the session ends after 15 idle minutes."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from parcours.core.models import AuditEvent
from parcours.portal import services
from parcours.portal.auth import SESSION_KEY
from parcours.portal.models import PortalAccess, SignInCode
from tests.portal.conftest import PHONE, last_code

pytestmark = pytest.mark.django_db


def invite(family, person="benoit", phone=PHONE):
    return services.invite(
        actor=family["worker"], household=family["household"], person=family[person], phone=phone
    )


def test_the_invitation_texts_a_six_digit_code_stored_only_hashed(family):
    access, printed, expires = invite(family, phone="06 12 34 56 78")
    assert access.phone == PHONE and printed == ""
    code = last_code()
    assert len(code) == 6
    stored = SignInCode.objects.get(access=access)
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert dt.timedelta(minutes=9) < expires - timezone.now() <= dt.timedelta(minutes=10)


def test_the_person_signs_in_with_phone_and_code_once(family):
    invite(family)
    client = Client()
    assert client.post("/mon-espace/connexion/", {"phone": "06 12 34 56 78"}).status_code == 302
    code = last_code()
    response = client.post("/mon-espace/connexion/code/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/mon-espace/"
    page = client.get("/mon-espace/")
    assert page.status_code == 200 and "Benoît" in page.content.decode()
    assert AuditEvent.objects.filter(action="portal.access.sign_in").count() == 1
    # The same code a second time: refused.
    with pytest.raises(services.CodeRejected):
        services.sign_in_with_sms(phone=PHONE, code=code, ip="10.0.0.9")


def test_an_unknown_phone_gets_the_same_answer_and_no_sms(family):
    client = Client()
    response = client.post("/mon-espace/connexion/", {"phone": "0699999999"})
    assert response.status_code == 302
    from parcours.core import sms

    assert sms.outbox == []


def test_a_code_lives_ten_minutes(family, fixed_clock):
    invite(family)
    code = last_code()
    fixed_clock.advance(minutes=11)
    with pytest.raises(services.CodeRejected):
        services.sign_in_with_sms(phone=PHONE, code=code, ip="10.0.0.1")


def test_a_code_dies_after_five_wrong_tries_even_if_then_right(family):
    invite(family)
    code = last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for n in range(5):
        with pytest.raises(services.CodeRejected):
            services.sign_in_with_sms(phone=PHONE, code=wrong, ip=f"10.0.1.{n}")
    with pytest.raises((services.CodeRejected, services.TooManyAttempts)):
        services.sign_in_with_sms(phone=PHONE, code=code, ip="10.0.2.1")
    assert PortalAccess.objects.get().last_sign_in_at is None


def test_the_phone_is_locked_after_repeated_failures(family, fixed_clock):
    invite(family)
    for n in range(5):
        with pytest.raises(services.CodeRejected):
            services.sign_in_with_sms(phone=PHONE, code="000000", ip=f"10.0.3.{n}")
    with pytest.raises(services.TooManyAttempts):
        services.sign_in_with_sms(phone=PHONE, code="000000", ip="10.0.4.1")
    with pytest.raises(services.TooManyAttempts):
        services.request_sms_code(phone=PHONE, ip="10.0.4.2")
    # After the lock window, it works again.
    fixed_clock.advance(minutes=16)
    services.request_sms_code(phone=PHONE, ip="10.0.4.3")
    access = services.sign_in_with_sms(phone=PHONE, code=last_code(), ip="10.0.4.3")
    assert access.person == family["benoit"]


def test_an_address_spraying_codes_is_locked(family, settings):
    settings.PORTAL_ADDRESS_MAX_FAILURES = 8
    invite(family)
    for n in range(8):
        with pytest.raises(services.CodeRejected):
            services.sign_in_with_sms(phone=f"+3361234{n:04d}", code="123456", ip="10.9.9.9")
    with pytest.raises(services.TooManyAttempts):
        services.sign_in_with_sms(phone=PHONE, code=last_code(), ip="10.9.9.9")
    # The right code from another address still works.
    assert services.sign_in_with_sms(phone=PHONE, code=last_code(), ip="10.9.9.10")


def test_the_sign_in_page_answers_429_when_locked(family):
    invite(family)
    client = Client()
    client.post("/mon-espace/connexion/", {"phone": PHONE})
    for _n in range(5):
        client.post("/mon-espace/connexion/code/", {"code": "000000"})
    response = client.post("/mon-espace/connexion/code/", {"code": last_code()})
    assert response.status_code == 429
    assert "Trop d&#x27;essais" in response.content.decode()


def test_texting_codes_is_limited_per_phone(family):
    invite(family)
    services.request_sms_code(phone=PHONE, ip="10.0.0.1")
    services.request_sms_code(phone=PHONE, ip="10.0.0.1")
    with pytest.raises(services.TooManyAttempts):
        services.request_sms_code(phone=PHONE, ip="10.0.0.1")


def test_a_person_without_phone_signs_in_with_a_printed_code_once(family):
    access, printed, _expires = invite(family, phone="")
    assert access.phone == "" and len(printed) == 12
    client = Client()
    response = client.post("/mon-espace/connexion/code-imprime/", {"code": printed.lower().replace("-", " ")})
    assert response.status_code == 302 and client.session[SESSION_KEY] == access.pk
    again = Client().post("/mon-espace/connexion/code-imprime/", {"code": printed})
    assert again.status_code == 400


def test_the_session_ends_after_fifteen_idle_minutes(family, fixed_clock):
    invite(family)
    client = Client()
    client.post("/mon-espace/connexion/", {"phone": PHONE})
    client.post("/mon-espace/connexion/code/", {"code": last_code()})
    assert client.get("/mon-espace/").status_code == 200
    fixed_clock.advance(minutes=14)
    assert client.get("/mon-espace/").status_code == 200
    fixed_clock.advance(minutes=14)
    assert client.get("/mon-espace/").status_code == 200  # each page restarts the 15 minutes
    fixed_clock.advance(minutes=16)
    assert client.get("/mon-espace/").status_code == 302


def test_revoking_ends_the_session_and_the_codes(family):
    access, _p, _e = invite(family)
    services.revoke(actor=family["worker"], access=access)
    assert not SignInCode.objects.exists()  # erased with the access
    with pytest.raises(services.CodeRejected):
        services.sign_in_with_sms(phone=PHONE, code=last_code(), ip="10.0.0.1")


def test_closing_or_anonymising_the_file_ends_the_access(family):
    access, _p, _e = invite(family)
    family["household"].anonymised_at = timezone.now()
    family["household"].save()
    with pytest.raises(services.CodeRejected):
        services.sign_in_with_sms(phone=PHONE, code=last_code(), ip="10.0.0.1")


def test_sign_ins_are_listed_to_the_person(family):
    invite(family)
    client = Client()
    client.post("/mon-espace/connexion/", {"phone": PHONE})
    client.post("/mon-espace/connexion/code/", {"code": last_code()})
    page = client.get("/mon-espace/").content.decode()
    assert "avec un code reçu par message écrit (SMS)" in page


def test_a_minor_cannot_be_invited(family):
    from parcours.core.errors import Invalid

    with pytest.raises(Invalid):
        invite(family, person="lina")
    assert not PortalAccess.objects.exists()
