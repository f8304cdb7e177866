"""Who reads and who writes the assessments of a household (co-evaluation, design §2 and §5)."""

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role
from parcours.households import visibility
from parcours.households.perms import can_edit_household, can_view_household

from .models import Perspective


def can_view_assessments(user, household) -> bool:
    """Whoever sees the household, whole file or shared sheet, when the sheet opened to them holds
    the assessment and its recommendations (design §5, rules 3 and 10: a consent for orientation or
    support opens it, one for the 115 or for prevention does not; households.visibility)."""
    return can_view_household(user, household) and visibility.may_read(
        user, "household", "assessment", household
    )


def can_write_assessment(user, household, perspective: str) -> bool:
    """Who records a new version of one perspective.

    - the worker's view and the person's own view: those who hold the whole file (the referent
      organization, the SIAO of the territory); the person's view is recorded with the worker, in
      the person's words, until people have their own access;
    - the landlord's view: a user working as a landlord (active membership) who can see the
      household, i.e. linked by a proposal or admission and named by the person's consent.
    """
    if perspective in (Perspective.WORKER, Perspective.PERSON):
        return can_edit_household(user, household)
    if perspective == Perspective.LANDLORD:
        membership = active_membership(user)
        return (
            membership is not None
            and membership.role == Role.LANDLORD
            and can_view_household(user, household)
        )
    return False


def writable_perspectives(user, household) -> list[str]:
    """The perspectives the user may add a version to, in the grid's order of co-evaluation."""
    return [p for p in Perspective.values if can_write_assessment(user, household, p)]
