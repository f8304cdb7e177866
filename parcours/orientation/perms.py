"""Who may see and move an insertion request. Each function says who may, and why.

A request is visible exactly to those who can view its household, and editable by those who can edit
the household (households.perms.access); checking it is the SIAO coordinators' job.
"""

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role
from parcours.households import perms as household_perms
from parcours.households import visibility

from .choices import RequestStatus, can_transition


def can_list_requests(user) -> bool:
    """The orientation pages are for social workers (their organization's requests) and SIAO
    coordinators (the requests of their département)."""
    membership = active_membership(user)
    return membership is not None and membership.role in (Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR)


def can_view_request(user, request) -> bool:
    """Whoever holds the household's whole file, and a social worker of another organization through
    a consent for orientation; never a facility or landlord, who reads the proposal made on its place
    and the shared sheet only (households.visibility, finding 5 of issue 13)."""
    return bool(visibility.readable_fields(user, "request", request.household))


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


def can_transfer(user, request) -> bool:
    """Hand the request to another referent: the current referent organization or the SIAO of the
    territory (whoever can edit the household)."""
    return request.is_live and household_perms.can_edit_household(user, request.household)


def can_renew(user, request) -> bool:
    """Renew a validated request before it expires: whoever can edit the household."""
    return request.status == RequestStatus.VALIDATED and household_perms.can_edit_household(
        user, request.household
    )


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
    """The actions the user may make now: allowed by the role, by the current status and by the
    request's proposals (a proposed request moves only with its proposal: invariants.py)."""
    from .invariants import proposal_conflict

    return [
        action
        for action, (target, check, _reason) in ACTIONS.items()
        if can_transition(request.status, target)
        and check(user, request)
        and proposal_conflict(request, request.status, target) is None
    ]


# Proposals and commissions ---------------------------------------------------------------------


def _membership_in(user, *roles):
    membership = active_membership(user)
    return membership if membership is not None and membership.role in roles else None


def is_facility_side(user, proposal) -> bool:
    """A facility manager or landlord of the organization that runs the proposed unit."""
    membership = _membership_in(user, Role.FACILITY_MANAGER, Role.LANDLORD)
    return (
        membership is not None
        and membership.organization_id == proposal.vacancy.unit.facility.organization_id
    )


def can_list_proposals(user) -> bool:
    """Proposals are worked on by SIAO coordinators, referents, facility managers and landlords."""
    return (
        _membership_in(user, Role.SIAO_COORDINATOR, Role.SOCIAL_WORKER, Role.FACILITY_MANAGER, Role.LANDLORD)
        is not None
    )


def can_view_proposal(user, proposal) -> bool:
    """The SIAO and the referent (whoever can view the request), and the facility or landlord that
    received it — who reads only the proposal and, with consent, the shared sheet."""
    if is_facility_side(user, proposal):
        return True
    return _membership_in(user, Role.SIAO_COORDINATOR, Role.SOCIAL_WORKER) is not None and can_view_request(
        user, proposal.request
    )


def can_propose(user, request) -> bool:
    """Propose a household for a vacancy: a SIAO coordinator of the household's département (after
    the commission or between sessions)."""
    return _is_territory_coordinator(user, request.household)


def can_answer(user, proposal, side: str) -> bool:
    """Record the answer. The facility's side: its manager (or landlord), or the SIAO recording it.
    The household's side: its referent organization, the SIAO, or the facility that met the household."""
    if is_facility_side(user, proposal) or can_propose(user, proposal.request):
        return True
    if side == "household":
        membership = _membership_in(user, Role.SOCIAL_WORKER)
        return membership is not None and household_perms.can_edit_household(user, proposal.request.household)
    return False


def can_record_stay(user, proposal) -> bool:
    """Admission and exit are recorded by the facility (or landlord) and by the SIAO."""
    return is_facility_side(user, proposal) or can_propose(user, proposal.request)


def can_withdraw_proposal(user, proposal) -> bool:
    """The SIAO withdraws a proposal that can no longer go on."""
    return can_propose(user, proposal.request)


def can_send_partner_link(user, proposal) -> bool:
    """The SIAO sends the signed link to a partner that has no account."""
    return can_propose(user, proposal.request)


def can_manage_commissions(user, territory_id=None) -> bool:
    """Commissions are prepared and held by the SIAO coordinators of the operator of a département."""
    from parcours.accounts.roles import OrganizationType

    membership = _membership_in(user, Role.SIAO_COORDINATOR)
    return (
        membership is not None
        and membership.organization.type == OrganizationType.SIAO_OPERATOR
        and (territory_id is None or membership.organization.territory_id == territory_id)
    )


def can_see_proposed_place(user, proposal, *, proposal_screen: bool = False) -> bool:
    """The facility and unit of a proposal are where the household is to live (or lives, once
    admitted). On a protected file: its named users and the organization offering the place; on the
    proposal screen (its page, the API's proposal answers) also the coordinator who made it, while
    it is open (they chose the place). Everyone else, on every page, API answer and step of the
    path, reads « lieu masqué (ménage protégé) » (households.perms.can_see_place)."""
    from .choices import OPEN_PROPOSAL_STATUSES

    proposer = (
        proposal.proposed_by_id if proposal_screen and proposal.status in OPEN_PROPOSAL_STATUSES else None
    )
    return household_perms.can_see_place(
        user,
        proposal.request.household,
        host_organization_id=proposal.vacancy.unit.facility.organization_id,
        placed_by_id=proposer,
    )


def can_edit_needs(user, insertion_request) -> bool:
    """The household's needs that exclude unsuitable places (accessible dwelling, an animal): whoever
    holds the whole file, i.e. may edit the household (the referent organization or the SIAO)."""
    return household_perms.can_edit_household(user, insertion_request.household)


def can_set_priority(user, insertion_request) -> bool:
    """The vulnerability priority and the commission's justified manual priority: the SIAO
    coordinators of the household's département (who check requests and run the commission)."""
    return can_check(user, insertion_request)
