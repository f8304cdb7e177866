"""The writes of "Mon espace": the worker opens and ends an access; the person signs in, gives and
withdraws consent, sends their opinion. A worker's service starts with its `can_*` rule (ADR 0016);
a person's service receives their `PortalAccess`, which only ever reaches their own household."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.perms import active_membership
from parcours.core import audit, outbox
from parcours.core.errors import DomainError, Invalid, NotFound, require
from parcours.households.choices import ConsentPurpose
from parcours.households.models import Consent, Household, Person
from parcours.households.querysets import months_after

from . import codes, perms
from .audit_actions import PortalAction as A
from .models import (
    CodeKind,
    CoMemberProtection,
    ConsentOffer,
    Feedback,
    FeedbackKind,
    PortalAccess,
    PortalToken,
    SignInCode,
)

ADULT_AGE = 18
FEEDBACK_MAX_LENGTH = 2000
INVITE_REFUSED = gettext_lazy(
    "Seul·e un·e travailleur·se social·e de l'organisation référente du ménage ouvre l'accès à Mon espace."
)


class CodeRejected(Invalid):
    code = "invalid_code"
    default_message = gettext_lazy("Ce code ne marche pas. Il est faux, déjà utilisé ou trop ancien.")


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    http_status = 429
    default_message = gettext_lazy(
        "Trop d'essais. Pour votre sécurité, attendez 15 minutes avant de réessayer."
    )


# -- The worker ---------------------------------------------------------------------------------------


@transaction.atomic
def invite(
    *, actor, household: Household, person: Person, phone: str = ""
) -> tuple[PortalAccess, str, object]:
    """Open (or reopen) `person`'s access, after checking their identity face to face. With a phone,
    a 6-digit code is texted to it; without, a printed code is made. Returns the access, the printed
    code (shown once, "" when texted) and the code's expiry."""
    require(perms.can_invite(actor, household), INVITE_REFUSED)
    if person.household_id != household.pk or person.left_on is not None:
        raise NotFound()
    age = person.age
    if age is not None and age < ADULT_AGE:
        raise Invalid(fields={"person": [_("Seule une personne majeure du ménage peut avoir un accès.")]})
    number = ""
    if phone:
        number = codes.normalize_phone(phone)
        if not number:
            raise Invalid(
                fields={"phone": [_("Numéro de téléphone invalide : écrivez par exemple 06 12 34 56 78.")]}
            )
        taken = PortalAccess.objects.usable().filter(phone=number).exclude(person=person)
        if taken.exists():
            raise Invalid(fields={"phone": [_("Ce numéro sert déjà à une autre personne.")]})
    access = PortalAccess.objects.select_for_update().filter(person=person, revoked_at__isnull=True).first()
    membership = active_membership(actor)
    if access is None:
        access = PortalAccess.objects.create(
            household=household,
            person=person,
            phone=number,
            invited_by=actor,
            organization=membership.organization,
        )
    elif access.phone != number:
        access.phone = number
        access.save(update_fields=["phone", "updated_at"])
    audit.record_write(actor=actor, action=A.INVITE, obj=household, fields=["portal_access"])
    if number:
        code = _new_code(access, CodeKind.SMS)
        return access, "", code.expires_at
    printed, code = printed_code(actor=actor, access=access)
    return access, printed, code.expires_at


def _new_code(access: PortalAccess, kind: str, raw: str | None = None) -> SignInCode:
    """A fresh code replaces the codes of that kind not used yet (they expire now; the rows stay a day
    to count the codes texted); an SMS code is texted after commit."""
    now = timezone.now()
    SignInCode.objects.filter(access=access, kind=kind, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    codes.purge_old(access)
    if kind == CodeKind.SMS:
        raw = codes.new_sms_code()
        expires = codes.sms_code_expiry()
    else:
        expires = codes.printed_code_expiry()
    code = SignInCode.objects.create(
        access=access, kind=kind, code_hash=codes.digest(raw, purpose=kind), expires_at=expires
    )
    if kind == CodeKind.SMS:
        minutes = codes.setting("PORTAL_SMS_CODE_MINUTES", 10)
        text = _(
            "Parcours — Mon espace. Votre code : %(code)s. Il marche %(m)s minutes. Ne le donnez à personne."
        ) % {
            "code": raw,
            "m": minutes,
        }
        outbox.send_sms(to=access.phone, text=text, purpose="portal.sign_in_code", ref=access.pk)
    return code


@transaction.atomic
def printed_code(*, actor, access: PortalAccess) -> tuple[str, SignInCode]:
    """A printed one-time code for a person without a phone; the raw code is returned once."""
    require(perms.can_invite(actor, access.household), INVITE_REFUSED)
    raw = codes.new_printed_code()
    code = _new_code(access, CodeKind.PRINTED, raw)
    audit.record_write(actor=actor, action=A.PRINTED_CODE, obj=access.household, fields=["portal_access"])
    return raw, code


@transaction.atomic
def revoke(*, actor, access: PortalAccess) -> PortalAccess:
    """End the access at once: its sessions and tokens stop working, its codes are erased."""
    require(perms.can_invite(actor, access.household), INVITE_REFUSED)
    if access.revoked_at is None:
        now = timezone.now()
        access.revoked_at = now
        access.save(update_fields=["revoked_at", "updated_at"])
        access.codes.all().delete()
        access.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
        audit.record_write(actor=actor, action=A.REVOKE, obj=access.household, fields=["portal_access"])
    return access


@transaction.atomic
def set_protection(*, actor, person: Person, protected: bool) -> None:
    """Protect `person` from the other members of the household: their access no longer shows them."""
    require(perms.can_invite(actor, person.household), INVITE_REFUSED)
    if protected:
        CoMemberProtection.objects.get_or_create(person=person, defaults={"set_by": actor})
    else:
        CoMemberProtection.objects.filter(person=person).delete()
    audit.record_write(
        actor=actor, action=A.PROTECTION_SET, obj=person.household, fields=["protected_from_members"]
    )


@transaction.atomic
def consent_offer(*, actor, household: Household, organization, purpose: str) -> ConsentOffer:
    """Propose an organisation to the person, for a purpose: the person decides in their space."""
    require(perms.can_invite(actor, household), INVITE_REFUSED)
    if purpose not in ConsentPurpose.values:
        raise Invalid(fields={"purpose": [_("Finalité inconnue : %(p)s.") % {"p": purpose}]})
    offer, _created = ConsentOffer.objects.get_or_create(
        household=household,
        organization=organization,
        purpose=purpose,
        withdrawn_at__isnull=True,
        defaults={"proposed_by": actor},
    )
    audit.record_write(actor=actor, action=A.CONSENT_OFFER, obj=household, fields=["consent_offer"])
    return offer


# -- The person signing in ---------------------------------------------------------------------------


def request_sms_code(*, phone: str, ip: str | None) -> None:
    """Text a new code to this phone if a usable access has it. Says nothing either way (no one learns
    which numbers are known); refused while the phone or the address is locked."""
    number = codes.normalize_phone(phone)
    if codes.is_locked(phone=number, ip=ip):
        raise TooManyAttempts()
    if not number:
        raise Invalid(fields={"phone": [_("Écrivez votre numéro de téléphone, par exemple 06 12 34 56 78.")]})
    if codes.too_many_sends(number):
        raise TooManyAttempts()
    with transaction.atomic():
        access = PortalAccess.objects.usable().filter(phone=number).first()
        if access is not None:
            _new_code(access, CodeKind.SMS)
            audit.record_write(actor=None, action=A.SMS_CODE, obj=access, fields=["sign_in_code"])


def sign_in_with_sms(*, phone: str, code: str, ip: str | None) -> PortalAccess:
    number = codes.normalize_phone(phone)
    if codes.is_locked(phone=number, ip=ip):
        raise TooManyAttempts()
    candidate = (
        SignInCode.objects.filter(
            access__in=PortalAccess.objects.usable().filter(phone=number), kind=CodeKind.SMS
        )
        if number
        else SignInCode.objects.none()
    )
    return _use(candidate, codes.clean_sms_code(code), CodeKind.SMS, phone=number, ip=ip)


def sign_in_with_printed_code(*, code: str, ip: str | None) -> PortalAccess:
    if codes.is_locked(ip=ip):
        raise TooManyAttempts()
    raw = codes.clean_printed_code(code)
    candidate = SignInCode.objects.filter(
        access__in=PortalAccess.objects.usable(),
        kind=CodeKind.PRINTED,
        code_hash=codes.digest(raw, purpose="printed"),
    )
    return _use(candidate, raw, CodeKind.PRINTED, phone="", ip=ip)


def _use(candidates, raw: str, kind: str, *, phone: str, ip: str | None) -> PortalAccess:
    now = timezone.now()
    wanted = codes.digest(raw, purpose=kind)
    max_failures = codes.setting("PORTAL_CODE_MAX_FAILURES", 5)
    with transaction.atomic():
        live = list(
            candidates.select_for_update().filter(
                used_at__isnull=True, expires_at__gt=now, failures__lt=max_failures
            )
        )
        match = next((c for c in live if secrets.compare_digest(c.code_hash, wanted)), None)
        if match is None:
            SignInCode.objects.filter(pk__in=[c.pk for c in live]).update(failures=F("failures") + 1)
            codes.note_attempt(phone=phone, ip=ip, succeeded=False)
            failed = True
        else:
            match.used_at = now
            match.save(update_fields=["used_at"])
            codes.note_attempt(phone=phone, ip=ip, succeeded=True)
            access = match.access
            PortalAccess.objects.filter(pk=access.pk).update(last_sign_in_at=now)
            audit.record_write(actor=None, action=A.SIGN_IN, obj=access, fields=[kind])
            failed = False
    if failed:  # outside the transaction: the failure is counted even though we refuse
        raise CodeRejected()
    return access


def create_token(access: PortalAccess) -> tuple[str, dt.datetime]:
    """A bearer token for the person's API; only its hash is kept."""
    raw = "pp_" + secrets.token_urlsafe(32)
    minutes = codes.setting("PORTAL_TOKEN_MINUTES", 60)
    token = PortalToken.objects.create(
        access=access,
        token_hash=codes.digest(raw, purpose="token"),
        expires_at=timezone.now() + dt.timedelta(minutes=minutes),
    )
    return raw, token.expires_at


def token_access(raw: str) -> PortalAccess | None:
    if not raw or not raw.startswith("pp_"):
        return None
    token = (
        PortalToken.objects.filter(
            token_hash=codes.digest(raw, purpose="token"),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            access__in=PortalAccess.objects.usable(),
        )
        .select_related("access__household", "access__person", "access__organization")
        .first()
    )
    return token.access if token else None


def record_sign_out(access: PortalAccess) -> None:
    audit.record_write(actor=None, action=A.SIGN_OUT, obj=access, fields=[])


# -- The person acting in their space -----------------------------------------------------------------


def person_consents(access: PortalAccess):
    return (
        Consent.objects.filter(household=access.household)
        .select_related("organization")
        .order_by("-starts_on", "-pk")
    )


def open_offers(access: PortalAccess):
    active = {(c.organization_id, c.purpose) for c in person_consents(access) if c.is_active}
    offers = ConsentOffer.objects.filter(
        household=access.household, withdrawn_at__isnull=True
    ).select_related("organization")
    return [o for o in offers if (o.organization_id, o.purpose) not in active]


@transaction.atomic
def consent_give(*, access: PortalAccess, offer_id: int, months: int) -> Consent:
    """The person consents, from the list their worker proposed, for 3, 6 or 12 months."""
    offer = (
        ConsentOffer.objects.filter(pk=offer_id, household=access.household, withdrawn_at__isnull=True)
        .select_related("organization")
        .first()
    )
    if offer is None:
        raise NotFound()
    allowed = (3, 6, 12)
    if months not in allowed or months > settings.PARCOURS_CONSENT_MAX_MONTHS:
        raise Invalid(fields={"months": [_("Choisissez une durée : 3, 6 ou 12 mois.")]})
    today = timezone.localdate()
    consent = Consent.objects.create(
        household=access.household,
        organization=offer.organization,
        purpose=offer.purpose,
        starts_on=today,
        ends_on=months_after(today, months),
        informed_how="written",
        recorded_by=offer.proposed_by,
    )
    audit.record_write(
        actor=None, action=A.CONSENT_GIVE, obj=access.household, fields=["consent", "purpose", "organization"]
    )
    return consent


@transaction.atomic
def consent_withdraw(*, access: PortalAccess, consent_id: int) -> Consent:
    """The person withdraws a consent: the organisation loses access at once, everywhere."""
    consent = Consent.objects.select_for_update().filter(pk=consent_id, household=access.household).first()
    if consent is None:
        raise NotFound()
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at", "updated_at"])
        audit.record_write(actor=None, action=A.CONSENT_WITHDRAW, obj=access.household, fields=["consent"])
    return consent


@transaction.atomic
def feedback_submit(*, access: PortalAccess, kind: str, text: str, anonymous: bool) -> Feedback:
    """« Votre avis »: for the network's participation body; anonymous keeps no link to the person."""
    text = (text or "").strip()
    errors = {}
    if kind not in FeedbackKind.values:
        errors["kind"] = [_("Choisissez : une idée ou une réclamation.")]
    if not text:
        errors["text"] = [_("Écrivez votre message.")]
    elif len(text) > FEEDBACK_MAX_LENGTH:
        errors["text"] = [
            _("Votre message est trop long : %(n)s caractères au plus.") % {"n": FEEDBACK_MAX_LENGTH}
        ]
    if errors:
        raise Invalid(fields=errors)
    feedback = Feedback.objects.create(
        kind=kind,
        text=text,
        access=None if anonymous else access,
        household=None if anonymous else access.household,
        territory_id=access.household.territory_id,
    )
    audit.record_write(actor=None, action=A.FEEDBACK, obj=None if anonymous else access, fields=["feedback"])
    return feedback


@transaction.atomic
def feedback_handle(*, actor, feedback: Feedback) -> Feedback:
    require(perms.can_handle_feedback(actor), _("Seul·e l'administration du réseau traite les avis."))
    if feedback.handled_at is None:
        feedback.handled_at = timezone.now()
        feedback.handled_by = actor
        feedback.save(update_fields=["handled_at", "handled_by", "updated_at"])
        audit.record_write(actor=actor, action=A.FEEDBACK_HANDLED, obj=feedback, fields=["handled_at"])
    return feedback
