"""One-time sign-in codes and the limits that stop guessing them.

A code is stored only as an HMAC under the project's secret key. An SMS code has 6 digits and lives
`PORTAL_SMS_CODE_MINUTES` (10); a printed code has 10 characters (about 50 bits, no look-alike
letters) and lives `PORTAL_PRINTED_CODE_DAYS`. Each is used once. Guessing is stopped three ways:
a code dies after `PORTAL_CODE_MAX_FAILURES` wrong tries; a phone number is locked after
`PORTAL_PHONE_MAX_FAILURES` failures, and an address after `PORTAL_ADDRESS_MAX_FAILURES`, within
`PORTAL_LOCK_MINUTES` (the per-address limit is higher: a shelter's Wi-Fi is one address for many).
"""

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.utils import timezone

from .models import SignInAttempt

PRINTED_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0, 1
PRINTED_LENGTH = 10


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def digest(value: str, *, purpose: str) -> str:
    key = f"parcours.portal.{purpose}:{settings.SECRET_KEY}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def new_sms_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def new_printed_code() -> str:
    raw = "".join(secrets.choice(PRINTED_ALPHABET) for _ in range(PRINTED_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def clean_printed_code(value: str) -> str:
    """What the person typed, as it was printed: upper case, groups separated by dashes."""
    raw = re.sub(r"[^A-Za-z0-9]", "", value or "").upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == PRINTED_LENGTH else raw


def clean_sms_code(value: str) -> str:
    return re.sub(r"\s", "", value or "")


def sms_code_expiry():
    return timezone.now() + dt.timedelta(minutes=setting("PORTAL_SMS_CODE_MINUTES", 10))


def printed_code_expiry():
    return timezone.now() + dt.timedelta(days=setting("PORTAL_PRINTED_CODE_DAYS", 30))


_FRENCH_MOBILE = re.compile(r"^0[1-9]\d{8}$")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def normalize_phone(value: str) -> str:
    """+33612345678 from "06 12 34 56 78", "+33 6 12…" or "0033612…"; "" when it is not a number."""
    raw = re.sub(r"[\s.\-()]", "", value or "")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if _FRENCH_MOBILE.match(raw):
        raw = "+33" + raw[1:]
    return raw if _E164.match(raw) else ""


def phone_hash(phone: str) -> str:
    return digest(phone, purpose="phone") if phone else ""


# -- Limits ------------------------------------------------------------------------------------------


def _window_start():
    return timezone.now() - dt.timedelta(minutes=setting("PORTAL_LOCK_MINUTES", 15))


def is_locked(*, phone: str = "", ip: str | None = None) -> bool:
    """Too many failed sign-ins lately for this phone, or for this address."""
    recent = SignInAttempt.objects.filter(at__gte=_window_start(), succeeded=False)
    if phone and recent.filter(phone_hash=phone_hash(phone)).count() >= setting(
        "PORTAL_PHONE_MAX_FAILURES", 5
    ):
        return True
    return bool(ip) and recent.filter(ip_address=ip).count() >= setting("PORTAL_ADDRESS_MAX_FAILURES", 20)


def too_many_sends(phone: str) -> bool:
    """At most `PORTAL_SMS_PER_WINDOW` codes texted to one phone within the lock window."""
    from .models import CodeKind, SignInCode

    sent = SignInCode.objects.filter(
        kind=CodeKind.SMS, access__phone=phone, created_at__gte=_window_start()
    ).count()
    return sent >= setting("PORTAL_SMS_PER_WINDOW", 3)


def note_attempt(*, phone: str = "", ip: str | None = None, succeeded: bool) -> None:
    SignInAttempt.objects.create(phone_hash=phone_hash(phone), ip_address=ip or None, succeeded=succeeded)


def client_ip(request) -> str | None:
    """The client's address as the staff login lockout reads it (django-axes: behind
    PARCOURS_PROXY_COUNT trusted proxies, from X-Forwarded-For), so that one proxy is not one address."""
    from axes.helpers import get_client_ip_address

    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request) or None


def purge_old(access=None) -> None:
    """Codes and tries older than a day are of no use any more: deleted."""
    from .models import SignInCode

    day_ago = timezone.now() - dt.timedelta(days=1)
    SignInAttempt.objects.filter(at__lt=day_ago).delete()
    codes = SignInCode.objects.filter(expires_at__lt=day_ago)
    if access is not None:
        codes = codes.filter(access=access)
    codes.delete()
