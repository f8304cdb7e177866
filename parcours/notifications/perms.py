"""Who may change a person's notification choices on their behalf, and who sees a failed delivery."""

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role
from parcours.households import perms as household_perms


def can_manage_preferences(user, access) -> bool:
    """A social worker who holds the person's whole file (the household's referent organization or
    its referent), with the person present: the person's choices are theirs, the worker only types
    them in when the person asks (the service requires the person's presence to be stated)."""
    membership = active_membership(user)
    return (
        membership is not None
        and membership.role == Role.SOCIAL_WORKER
        and household_perms.access(user, access.household) == household_perms.Access.FULL
    )


def can_see_failures(user) -> bool:
    """Failed SMS are shown to the social workers who follow the households (their referents)."""
    membership = active_membership(user)
    return membership is not None and membership.role == Role.SOCIAL_WORKER
