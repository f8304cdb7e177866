"""Who reads and who keeps the strategic plan."""

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role


def can_view_plan(user) -> bool:
    """The plan is shared with the whole network (and presented at the general assembly)."""
    return active_membership(user) is not None


def can_manage_plan(user) -> bool:
    """The network's governance keeps it: its administrators record actions' progress and figures."""
    membership = active_membership(user)
    return membership is not None and membership.role == Role.NETWORK_ADMIN
