"""Who may do what with accounts and organizations. Each function says who may, and why."""

from .roles import ROLES_READING_NAMED_PERSONS, Role


def active_membership(user):
    return getattr(user, "active_membership", None) if user is not None and user.is_authenticated else None


def has_role(user, *roles) -> bool:
    membership = active_membership(user)
    return membership is not None and membership.role in roles


def is_network_admin(user) -> bool:
    """The network's governance acts as a network administrator through an active membership."""
    return has_role(user, Role.NETWORK_ADMIN)


def can_read_named_persons(user) -> bool:
    """Field roles see named persons (within the access rules of their domain); observers and
    administrators see aggregates only (design §5.5)."""
    return has_role(user, *ROLES_READING_NAMED_PERSONS)


def needs_two_factor(user) -> bool:
    """Whoever holds a role that reads named persons, or administers the network, on any membership."""
    return user.is_authenticated and user.requires_two_factor()


def can_view_organization(user, organization) -> bool:
    """Every member of the network sees the directory of active organizations; administrators see all."""
    if not user.is_authenticated or active_membership(user) is None:
        return False
    return organization.active or is_network_admin(user)


def can_view_organization_members(user, organization) -> bool:
    """An organization's members are seen by its own members and by the network's administrators."""
    membership = active_membership(user)
    if membership is None:
        return False
    return is_network_admin(user) or membership.organization_id == organization.pk


def can_manage_organization(user, organization=None) -> bool:
    """Only network administrators create and edit organizations and their members."""
    return is_network_admin(user)


def can_manage_accounts(user) -> bool:
    """Network administrators invite people, end memberships, deactivate accounts and reset a lost
    second factor, for every organization of the network."""
    return is_network_admin(user)


def grant_is_four_eyes(actor, user, role) -> bool:
    """A grant the four-eyes rule covers: made by someone from the network pages (the operator's
    commands on the server have no actor) and giving a role that reads named persons, to anyone —
    an administrator's second account is someone else on paper — or giving the administrator role,
    which approves such grants, to someone who does not hold it yet."""
    if actor is None:
        return False
    if role in ROLES_READING_NAMED_PERSONS:
        return True
    return (
        role == Role.NETWORK_ADMIN
        and not user.memberships.filter(role=Role.NETWORK_ADMIN, active=True).exists()
    )


def reactivation_is_four_eyes(actor, role) -> bool:
    """Reactivating an account gives its memberships back: one that reads named persons, or the
    administrator role (which approves such grants), is then a grant under the four-eyes rule,
    whoever held it before (services.user_set_active). The operator's command has no actor."""
    return actor is not None and (role in ROLES_READING_NAMED_PERSONS or role == Role.NETWORK_ADMIN)


def second_admins(actor, user):
    """The network administrators who may approve a grant `actor` makes to `user`: active accounts
    with an active administrator membership, other than both of them."""
    from .models import User

    return (
        User.objects.filter(is_active=True, memberships__role=Role.NETWORK_ADMIN, memberships__active=True)
        .exclude(pk__in=[actor.pk, user.pk])
        .distinct()
    )


def grant_needs_second_admin(actor, user, role) -> bool:
    """Four eyes: a grant of grant_is_four_eyes stays pending until a second administrator approves
    it, when the network has one who may (second_admins). With none, it applies at once and the
    administrators and the data protection officer are told (services.membership_grant)."""
    return grant_is_four_eyes(actor, user, role) and second_admins(actor, user).exists()


def can_decide_membership(user, membership) -> bool:
    """Another network administrator approves or refuses a pending membership: never the person who
    asked for it, nor the person it would give access to."""
    return (
        is_network_admin(user)
        and membership.approval == "pending"
        and user.pk not in (membership.requested_by_id, membership.user_id)
    )


def can_create_token(user, membership) -> bool:
    """A user creates API tokens for their own memberships only (the operator's `create-token`
    command, which has no actor, for anyone's)."""
    return user is not None and user.is_authenticated and membership.user_id == user.pk


def can_revoke_token(user, token) -> bool:
    """The owner of the token revokes it."""
    return user is not None and user.is_authenticated and token.membership.user_id == user.pk


def can_manage_own_tokens(user) -> bool:
    """Any user with an active membership may create and revoke API tokens for their own memberships."""
    return active_membership(user) is not None


def session_is_verified(user) -> bool:
    """This session passed the second factor (a code from the authenticator, or a recovery code)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(user is not None and user.is_authenticated and is_verified is not None and is_verified())


def has_second_factor(user) -> bool:
    """Something beyond the password protects the account: a confirmed authenticator or unused
    recovery codes. Once there is one, the password alone opens nothing."""
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    )


def can_enrol_second_factor(user) -> bool:
    """A new authenticator is set up from a session that passed the second factor (with the current
    authenticator or a recovery code, which is then spent), or on first login by someone who has
    none yet. Knowing the password never lets anyone replace an existing second factor."""
    if user is None or not user.is_authenticated:
        return False
    return session_is_verified(user) or not has_second_factor(user)


def can_renew_recovery_codes(user) -> bool:
    """Fresh recovery codes are a second factor in themselves: only from a verified session."""
    return session_is_verified(user)


def can_view_delivery_log(user) -> bool:
    """The delivery log (masked recipients, purposes, the providers' answers) is for network admins."""
    return is_network_admin(user)
