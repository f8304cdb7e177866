"""Who, among the staff, opens and manages a person's access to "Mon espace" (design §5)."""

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role
from parcours.households.perms import Access, access


def can_invite(user, household) -> bool:
    """A social worker of the referent organisation, who holds the whole file and has checked the
    person's identity face to face, opens (and ends) their access, sets who is protected from whom
    and proposes the organisations the person may consent to."""
    membership = active_membership(user)
    return (
        membership is not None
        and membership.role == Role.SOCIAL_WORKER
        and household.referent_organization_id == membership.organization_id
        and access(user, household) == Access.FULL
    )


def can_handle_feedback(user) -> bool:
    """The network's participation body reads « votre avis »: the network administrators."""
    membership = active_membership(user)
    return membership is not None and membership.role == Role.NETWORK_ADMIN
