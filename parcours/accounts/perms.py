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


def can_manage_own_tokens(user) -> bool:
    """Any user with an active membership may create and revoke API tokens for their own memberships."""
    return active_membership(user) is not None
