"""Who sees and handles a household's documents (design §5, docs/documents.md). Each rule says why.

Papers (an identity card, a tax notice) are more sensitive than the shared sheet: they show an
address, an income, a nationality. So:

- whoever holds the whole file for their mission (the referent organization's social workers, the
  SIAO coordinators of the territory) reads them; on a protected household, only the referent and
  the users named on the file (rule 6: a paper shows where the person lives);
- the 115's call handlers do not: answering the night's call needs no paper;
- any other organization (a partner social worker, a facility, a landlord) reads them only under
  an active consent naming it whose purpose is « documents », on top of its usual access to the
  household; the person withdraws it and the access ends at once;
- observers and network administrators never (no named household).
"""

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role
from parcours.households import perms as household_perms
from parcours.households.choices import ConsentPurpose
from parcours.households.visibility import active_purposes

HOLDERS = (Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR)


def _holds_file(user, household) -> bool:
    membership = active_membership(user)
    if membership is None or membership.role not in HOLDERS:
        return False
    if household_perms.access(user, household) != household_perms.Access.FULL:
        return False
    return not household.protected or household_perms.is_named_on(user, household)


def consent_opens_documents(user, household) -> bool:
    """An active consent of the household names the user's organization for documents."""
    membership = active_membership(user)
    if membership is None or household_perms.access(user, household) == household_perms.Access.NONE:
        return False
    return ConsentPurpose.DOCUMENTS in active_purposes(household, membership.organization_id)


def can_view_documents(user, household) -> bool:
    """The holders of the whole file (see above), or an organization under a consent for documents."""
    return _holds_file(user, household) or consent_opens_documents(user, household)


def can_manage_documents(user, household) -> bool:
    """Adding, correcting and deleting a paper is for the holders of the whole file; a partner under a
    consent only reads what the person shared."""
    return _holds_file(user, household)
