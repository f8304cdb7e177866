"""Writes on accounts, organizations, memberships and tokens; each one audited."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.core import audit
from parcours.core.errors import require
from parcours.core.versioning import save_versioned
from parcours.territories.models import Territory

from . import perms
from .audit_actions import AccountAction
from .models import ApiToken, Membership, MembershipApproval, Organization, User
from .roles import ROLES_BY_ORGANIZATION_TYPE, OrganizationType, Role

logger = logging.getLogger(__name__)


def _territory(code: str) -> Territory:
    try:
        return Territory.objects.get(code=code)
    except Territory.DoesNotExist:
        raise ValidationError(
            {
                "territory": _("Département inconnu : %(code)s. Chargez les territoires d'abord.")
                % {"code": code}
            }
        ) from None


# The refusals of the account services (ADR 0016). `actor=None` is the operator's command on the
# server (create-user, create-organization, create-token, seed-demo), trusted like its shell.
def _admin_only(actor: User | None, allowed=None) -> None:
    """Network administrators only (perms.can_manage_accounts), or the operator's command."""
    if actor is None:
        return
    allowed = perms.can_manage_accounts(actor) if allowed is None else allowed
    require(allowed, _("Seule l'administration du réseau gère les organisations et les comptes."))


@transaction.atomic
def organization_create(
    *, actor: User | None, name: str, type: str, territory: str, siret: str = "", finess: str = ""
) -> Organization:
    _admin_only(actor, actor is not None and perms.can_manage_organization(actor))
    if type not in OrganizationType.values:
        raise ValidationError({"type": _("Type d'organisation inconnu : %(type)s.") % {"type": type}})
    organization = Organization(
        name=name.strip(), type=type, territory=_territory(territory), siret=siret, finess=finess
    )
    organization.full_clean()
    organization.save()
    audit.record_write(
        actor=actor,
        action=AccountAction.ORGANIZATION_CREATE,
        obj=organization,
        fields=["name", "type", "territory", "siret", "finess"],
    )
    return organization


@transaction.atomic
def organization_update(
    *, actor: User | None, organization: Organization, version: int, **changes
) -> Organization:
    _admin_only(actor, actor is not None and perms.can_manage_organization(actor, organization))
    allowed = {"name", "siret", "finess", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("Champs non modifiables : %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for field, value in changes.items():
        setattr(organization, field, value)
    organization.full_clean(exclude=["territory"])
    save_versioned(organization, expected_version=version, fields=list(changes))
    audit.record_write(
        actor=actor, action=AccountAction.ORGANIZATION_UPDATE, obj=organization, fields=changes
    )
    return organization


def get_or_create_organization(
    *, actor, name: str, type: str, territory: str, **kwargs
) -> tuple[Organization, bool]:
    existing = Organization.objects.filter(name=name.strip(), territory__code=territory).first()
    if existing is not None:
        return existing, False
    return organization_create(actor=actor, name=name, type=type, territory=territory, **kwargs), True


@transaction.atomic
def membership_grant(*, actor: User | None, user: User, organization: Organization, role: str) -> Membership:
    """Give `user` a role in `organization` (or give it back). From the network pages, a role that
    reads named persons (and the administrator role to a newcomer) stays pending, and opens nothing,
    until a second administrator approves it; the others are e-mailed. In a network with a single
    administrator it applies at once, and the administrators and the DPO are e-mailed."""
    _admin_only(actor)
    if role not in Role.values:
        raise ValidationError({"role": _("Rôle inconnu : %(role)s.") % {"role": role}})
    if role not in ROLES_BY_ORGANIZATION_TYPE[organization.type]:
        raise ValidationError(
            {
                "role": _("Le rôle « %(role)s » n'existe pas dans une organisation de type « %(type)s ».")
                % {"role": Role(role).label, "type": organization.get_type_display()}
            }
        )
    four_eyes = perms.grant_is_four_eyes(actor, user, role)
    pending = four_eyes and perms.grant_needs_second_admin(actor, user, role)
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user,
        organization=organization,
        role=role,
        defaults={
            "active": not pending,
            "approval": MembershipApproval.PENDING if pending else MembershipApproval.APPROVED,
            "requested_by": actor if actor is not None and actor.is_authenticated else None,
        },
    )
    if not created:
        if membership.active or (pending and membership.approval == MembershipApproval.PENDING):
            return membership
        membership.active = not pending
        membership.approval = MembershipApproval.PENDING if pending else MembershipApproval.APPROVED
        membership.requested_by = actor if actor is not None and actor.is_authenticated else None
        membership.decided_by = None
        membership.decided_at = None
        membership.save(
            update_fields=["active", "approval", "requested_by", "decided_by", "decided_at", "updated_at"]
        )
    audit.record_write(
        actor=actor,
        action=AccountAction.MEMBERSHIP_REQUEST if pending else AccountAction.MEMBERSHIP_GRANT,
        obj=membership,
        fields=["role", "active", "approval"],
    )
    _tell_of_grant(actor=actor, user=user, membership=membership, four_eyes=four_eyes, pending=pending)
    return membership


def _hold_for_second_admin(*, actor, membership: Membership) -> None:
    """Put an existing membership back in the four-eyes queue: inactive and pending until a second
    administrator approves it (membership_approve), as a new grant would be."""
    membership.active = False
    membership.approval = MembershipApproval.PENDING
    membership.requested_by = actor if actor is not None and actor.is_authenticated else None
    membership.decided_by = None
    membership.decided_at = None
    membership.save(
        update_fields=["active", "approval", "requested_by", "decided_by", "decided_at", "updated_at"]
    )


def _tell_of_grant(*, actor, user: User, membership: Membership, four_eyes: bool, pending: bool) -> None:
    """After commit, e-mail the second administrators of a pending grant, or the administrators and
    the DPO of a named-data grant applied alone."""
    if pending:
        recipients = list(perms.second_admins(actor, user).exclude(email="").values_list("email", flat=True))
        transaction.on_commit(
            lambda: _notify_grant(membership, actor=actor, recipients=recipients, pending=True)
        )
    elif four_eyes:
        recipients = list(
            User.objects.filter(
                is_active=True, memberships__role=Role.NETWORK_ADMIN, memberships__active=True
            )
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        if settings.PARCOURS_DPO_EMAIL:
            recipients.append(settings.PARCOURS_DPO_EMAIL)
        transaction.on_commit(
            lambda: _notify_grant(membership, actor=actor, recipients=recipients, pending=False)
        )


def _notify_grant(membership: Membership, *, actor, recipients: list[str], pending: bool) -> None:
    """Tell the administrators (and, when nobody could approve, the DPO) of a grant of named-data
    access: a request to decide, or a grant applied alone. Sent after commit; a mail server down
    does not undo the grant (the audit trail has it)."""
    from django.core.mail import send_mail
    from django.urls import reverse

    if not recipients:
        return
    facts = {
        "requester": actor.get_full_name() or actor.username,
        "user": membership.user.get_full_name() or membership.user.username,
        "role": membership.get_role_display(),
        "organization": membership.organization.name,
    }
    if pending:
        subject = _("Parcours : un rattachement attend votre approbation")
        body = _(
            "%(requester)s demande de rattacher %(user)s comme « %(role)s » à « %(organization)s ». "
            "Ce rattachement reste sans effet tant qu'un·e autre administrateur·rice du réseau ne l'a "
            "pas approuvé."
        )
    else:
        subject = _("Parcours : un rattachement appliqué sans second avis")
        body = _(
            "%(requester)s a rattaché %(user)s comme « %(role)s » à « %(organization)s ». Aucun·e autre "
            "administrateur·rice du réseau ne pouvant l'approuver, il s'applique aussitôt : ce courriel "
            "en garde la trace."
        )
    url = settings.PARCOURS_SITE_URL + reverse(
        "network:organization_detail", args=[membership.organization_id]
    )
    try:
        send_mail(subject, f"{body % facts}\n\n{url}\n", None, sorted(set(recipients)))
    except Exception:  # noqa: BLE001 # the grant stands and is audited; the mail is a notice
        logger.exception("Grant notice for membership %s not sent", membership.pk)


def _pending_for_decision(*, actor, membership: Membership) -> Membership:
    """The pending membership, locked; refused to the person who asked or who would receive it."""
    require(actor is not None and perms.can_manage_accounts(actor))
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.approval != MembershipApproval.PENDING:
        raise ValidationError(_("Ce rattachement n'est plus en attente : quelqu'un l'a déjà traité."))
    if not perms.can_decide_membership(actor, locked):
        raise ValidationError(
            _(
                "Un·e autre administrateur·rice du réseau doit décider : on ne valide pas "
                "soi-même un accès aux données nominatives demandé pour soi."
            )
        )
    return locked


@transaction.atomic
def membership_approve(*, actor, membership: Membership) -> Membership:
    """A second administrator approves a self-granted membership: it becomes active."""
    membership = _pending_for_decision(actor=actor, membership=membership)
    membership.active = True
    membership.approval = MembershipApproval.APPROVED
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save(update_fields=["active", "approval", "decided_by", "decided_at", "updated_at"])
    audit.record_write(
        actor=actor, action=AccountAction.MEMBERSHIP_APPROVE, obj=membership, fields=["approval", "active"]
    )
    return membership


@transaction.atomic
def membership_refuse(*, actor, membership: Membership) -> Membership:
    """A second administrator refuses a self-granted membership: it stays inactive, for good."""
    membership = _pending_for_decision(actor=actor, membership=membership)
    membership.approval = MembershipApproval.REFUSED
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save(update_fields=["approval", "decided_by", "decided_at", "updated_at"])
    audit.record_write(
        actor=actor, action=AccountAction.MEMBERSHIP_REFUSE, obj=membership, fields=["approval"]
    )
    return membership


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    _admin_only(actor)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("Cet identifiant est déjà pris.")})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_write(
        actor=actor,
        action=AccountAction.USER_CREATE,
        obj=user,
        fields=["username", "email", "first_name", "last_name"],
    )
    return user


@transaction.atomic
def token_create(
    *, actor: User | None, membership: Membership, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `membership`; the clear key is returned once and never stored. A user
    for their own memberships; the operator's command (no actor) for anyone's."""
    if actor is not None:
        require(
            perms.can_create_token(actor, membership),
            _("Un jeton d'accès se crée pour l'un de ses propres rattachements."),
        )
    if not membership.active:
        raise ValidationError(
            {"membership": _("Ce rattachement n'est pas actif : il ne peut pas porter de jeton.")}
        )
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        membership=membership,
        name=name.strip() or _("Jeton"),
        prefix=key[: ApiToken.PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(days=days or settings.PARCOURS_API_TOKEN_DAYS),
    )
    audit.record_write(
        actor=actor, action=AccountAction.TOKEN_CREATE, obj=token, fields=["name", "membership"]
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once: its owner."""
    require(perms.can_revoke_token(actor, token), _("Seul·e le ou la titulaire d'un jeton le révoque."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record_write(actor=actor, action=AccountAction.TOKEN_REVOKE, obj=token, fields=["revoked_at"])
    return token


def token_authenticate(key: str) -> ApiToken | None:
    token = (
        ApiToken.objects.usable()
        .select_related("membership__user", "membership__organization")
        .filter(
            key_hash=ApiToken.hash_key(key),
            membership__user__is_active=True,
            membership__organization__active=True,
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy script must not turn every call into a write.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


RECOVERY_CODE_COUNT = 10


def two_factor_pending_device(*, user: User, device_id: int | None = None):
    """The TOTP device being set up: the one this session showed (`device_id`), else a new one.
    A secret shown in another session (another browser, someone else) is dropped, never reused."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    pending = TOTPDevice.objects.filter(user=user, confirmed=False)
    device = pending.filter(pk=device_id).first() if device_id else None
    if device is None:
        pending.delete()
        device = TOTPDevice.objects.create(user=user, name="Application", confirmed=False)
    return device


def two_factor_confirm(*, actor: User, device, code: str) -> list[str] | None:
    """Confirm the TOTP device with a first code; returns fresh recovery codes, or None if wrong.

    Refused unless `actor` may enrol a second factor (a verified session, or a first login): the
    password alone never replaces an authenticator. The owner is told by e-mail either way."""
    require(device.user_id == actor.pk and not device.confirmed and perms.can_enrol_second_factor(actor))
    with transaction.atomic():
        if not device.verify_token(code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator at a time: an older confirmed device stops working once a new one is set.
        replaced, _ = type(device).objects.filter(user=actor, confirmed=True).exclude(pk=device.pk).delete()
        audit.record_auth(
            actor=actor,
            action=AccountAction.TWO_FACTOR_REPLACE if replaced else AccountAction.TWO_FACTOR_ENABLE,
        )
        codes = _issue_recovery_codes(actor)
    _notify_two_factor_change(user=actor, change="replace" if replaced else "enable")
    return codes


def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes replace the old ones; only from a session that passed the second factor."""
    require(perms.can_renew_recovery_codes(actor))
    return _issue_recovery_codes(actor)


@transaction.atomic
def _issue_recovery_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Codes de secours", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    audit.record_auth(actor=user, action=AccountAction.TWO_FACTOR_RECOVERY_CODES)
    return codes


def _notify_two_factor_change(*, user: User, change: str) -> None:
    """Tell the owner their second factor changed: if it was not them, someone holds their password.
    Sent after the change is saved; a mail server down does not undo it (the audit trail has it)."""
    from django.template.loader import render_to_string

    from parcours.core import outbox

    if not user.email:
        return
    context = {"user": user, "change": change, "when": timezone.localtime()}
    # Through the outbox: sent once the change is committed, retried if the mail server is down.
    outbox.send_email(
        to=[user.email],
        subject=render_to_string("accounts/two_factor_changed_subject.txt", context).strip(),
        body=render_to_string("accounts/two_factor_changed_email.txt", context),
        purpose="accounts.two_factor_notice",
    )


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> Membership:
    """End a membership; its API tokens stop working with it. History is kept."""
    _admin_only(actor)
    if membership.active:
        membership.active = False
        membership.save(update_fields=["active", "updated_at"])
        audit.record_write(
            actor=actor, action=AccountAction.MEMBERSHIP_REVOKE, obj=membership, fields=["active"]
        )
    return membership


@transaction.atomic
def user_invite(
    *,
    actor: User | None,
    organization: Organization,
    role: str,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
) -> User:
    """Create an account without a usable password and grant it a membership; the person then
    chooses a password through the link sent by `send_invitation` and sets up a second factor."""
    _admin_only(actor)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("Cet identifiant est déjà pris.")})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_write(
        actor=actor,
        action=AccountAction.USER_INVITE,
        obj=user,
        fields=["username", "email", "first_name", "last_name"],
    )
    membership_grant(actor=actor, user=user, organization=organization, role=role)
    return user


def send_invitation(*, request, user: User) -> None:
    """E-mail a link to choose a password (Django's password-reset token: single use, short-lived)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.template.loader import render_to_string
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from parcours.core import outbox

    context = {
        "user": user,
        "protocol": "https" if request.is_secure() else "http",
        "domain": request.get_host(),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    outbox.send_email(
        to=[user.email],
        subject=render_to_string("accounts/invitation_subject.txt", context).strip(),
        body=render_to_string("accounts/invitation_email.txt", context),
        purpose="accounts.invitation",
    )


@transaction.atomic
def user_set_active(*, actor: User | None, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account: never deleted, so that the audit trail keeps its actor.
    Nobody deactivates their own account: the network would risk losing its last administrator.

    Reactivating gives access back: it is a grant like membership_grant, under the same four-eyes
    rule. The account comes back at once (its other memberships with it), but each membership that
    reads named persons, or administers the network, goes back to « en attente d'approbation »
    until a second administrator approves it; with none who may, it applies and the administrators
    and the DPO are e-mailed. `user.held_for_approval` lists the memberships put on hold."""
    _admin_only(actor)
    if not active and actor is not None and actor.pk == user.pk:
        raise ValidationError(_("Vous ne pouvez pas désactiver votre propre compte."))
    user.held_for_approval = []
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        user.is_active = locked.is_active
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record_write(actor=actor, action=AccountAction.USER_SET_ACTIVE, obj=user, fields=["is_active"])
    if active:
        memberships = Membership.objects.select_for_update().select_related("organization", "user")
        for membership in memberships.filter(user=user, active=True):
            if not perms.reactivation_is_four_eyes(actor, membership.role):
                continue
            pending = perms.second_admins(actor, user).exists()
            if pending:
                _hold_for_second_admin(actor=actor, membership=membership)
                user.held_for_approval.append(membership)
            audit.record_write(
                actor=actor,
                action=AccountAction.MEMBERSHIP_REQUEST if pending else AccountAction.MEMBERSHIP_GRANT,
                obj=membership,
                fields=["active", "approval"],
            )
            _tell_of_grant(actor=actor, user=user, membership=membership, four_eyes=True, pending=pending)
    return user


def two_factor_reset(*, actor: User | None, user: User) -> None:
    """For a lost phone: remove the user's authenticator and recovery codes; set-up is asked again.
    The owner is told by e-mail: until they set up a new one, the password alone enrols a device."""
    _admin_only(actor)
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record_write(
            actor=actor, action=AccountAction.TWO_FACTOR_RESET, obj=user, fields=["two_factor"]
        )
    _notify_two_factor_change(user=user, change="reset")
