"""Who may see and move an insertion request. Each function says who may, and why.

A request is visible exactly to those who can view its household, and editable by those who can edit
the household (households.perms.access); checking it is the SIAO coordinators' job.
"""

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role
from parcours.households import perms as household_perms

from .choices import RequestStatus, can_transition


def can_list_requests(user) -> bool:
    """The orientation pages are for social workers (their organization's requests) and SIAO
    coordinators (the requests of their département)."""
    membership = active_membership(user)
    return membership is not None and membership.role in (Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR)


def can_view_request(user, request) -> bool:
    """Whoever can view the household (shared sheet or whole file)."""
    return household_perms.can_view_household(user, request.household)


def can_create_request(user, household) -> bool:
    """Whoever holds the household's whole file: the referent organization or the SIAO."""
    return household_perms.can_edit_household(user, household)


def can_submit(user, request) -> bool:
    """Transmit (or retransmit) to the SIAO: whoever can edit the household."""
    return household_perms.can_edit_household(user, request.household)


def _is_territory_coordinator(user, household) -> bool:
    membership = active_membership(user)
    return (
        membership is not None
        and membership.role == Role.SIAO_COORDINATOR
        and household_perms.can_edit_household(user, household)
    )


def can_check(user, request) -> bool:
    """Validate a request or ask for it to be completed: a SIAO coordinator of the household's
    département (access gives the SIAO the whole file of its territory only)."""
    return _is_territory_coordinator(user, request.household)


def can_cancel(user, request) -> bool:
    """Cancel: the referent organization or the SIAO (whoever can edit the household)."""
    return household_perms.can_edit_household(user, request.household)


def can_reactivate(user, request) -> bool:
    """Reopen a cancelled or expired request: whoever can edit the household."""
    return household_perms.can_edit_household(user, request.household)


# action → (the status it leads to, the permission, whether a reason is required)
ACTIONS = {
    "submit": (RequestStatus.SUBMITTED, can_submit, False),
    "ask_completion": (RequestStatus.TO_COMPLETE, can_check, True),
    "validate": (RequestStatus.VALIDATED, can_check, False),
    "cancel": (RequestStatus.CANCELLED, can_cancel, True),
    "reactivate": (RequestStatus.DRAFT, can_reactivate, False),
}


def may(user, request, action: str) -> bool:
    """Whether the role may make this kind of transition on this request (whatever its status)."""
    return ACTIONS[action][1](user, request)


def available_actions(user, request) -> list[str]:
    """The actions the user may make now: allowed by the role and by the current status."""
    return [
        action
        for action, (target, check, _reason) in ACTIONS.items()
        if can_transition(request.status, target) and check(user, request)
    ]
