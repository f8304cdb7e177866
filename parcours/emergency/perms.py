"""Who may do what with the 115. Each function says who may, and why.

The 115 of a département is run by the call handlers of its SIAO operator; the SIAO coordinators of
the same operator back them up (same file access, design §5 rule 2). Facilities declare their own
free places. Observers and network administrators see the figures, never a named person.
"""

from parcours.accounts.perms import active_membership, has_role
from parcours.accounts.roles import Role
from parcours.households import perms as household_perms
from parcours.offers import perms as offer_perms
from parcours.offers.choices import EMERGENCY_KINDS

from .querysets import team_territory_id


def can_use_115(user) -> bool:
    """Take calls, record requests, see the places board and allocate: the call handlers and SIAO
    coordinators of a SIAO operator, for the operator's département."""
    return team_territory_id(user) is not None


def can_view_request(user, request) -> bool:
    """The 115 team of the request's département (whoever asks, named or anonymous)."""
    return team_territory_id(user) == request.territory_id and request.territory_id is not None


# Other domains whose members may file a 115 request without being on the 115 team (an outreach team,
# for a person it met in the street): predicates (user, household) → bool that those domains register
# (the 115 never imports them; see parcours.outreach.links).
REQUEST_FILERS: list = []


def can_create_request(user, household=None) -> bool:
    """The 115 team; for a known household, only if they may edit its file (SIAO of its territory).
    Also whoever a registered filer accepts (an outreach team member, for a household it may open)."""
    if can_use_115(user):
        return household is None or household_perms.can_edit_household(user, household)
    return any(filer(user, household) for filer in REQUEST_FILERS)


def can_allocate(user, request) -> bool:
    """The 115 team of the request's département, while the request waits for an answer."""
    return can_view_request(user, request) and request.is_open


def can_record_unmet(user, request) -> bool:
    """Same as allocating: the team decides that no place answers the request tonight."""
    return can_allocate(user, request)


def can_change_priority(user, request) -> bool:
    """The 115 team, while the request is open (the priority orders the waiting list)."""
    return can_allocate(user, request)


def can_manage_allocation(user, allocation) -> bool:
    """Cancel, extend, record a no-show or text the address: the 115 team of the request's département."""
    return can_view_request(user, allocation.request)


def can_declare_places(user, facility) -> bool:
    """Declare tonight's free places of an emergency facility (CHU, hotel, halte de nuit): whoever
    manages the facility (offers.perms: its managers, the SIAO of its département, administrators)."""
    return (
        facility.kind in EMERGENCY_KINDS
        and facility.active
        and offer_perms.can_manage_facility(user, facility)
    )


def can_view_dashboard(user) -> bool:
    """The 115 figures: the 115 team, and the observers and administrators (aggregates only)."""
    return can_use_115(user) or has_role(user, Role.OBSERVER, Role.NETWORK_ADMIN)


def dashboard_territory_id(user) -> int | None:
    """The département whose figures the user sees by default: their organization's."""
    membership = active_membership(user)
    return membership.organization.territory_id if membership else None


def can_see_place_of(user, household) -> bool:
    """Where a household sleeps is its whereabouts: hidden on a protected file (households.perms)."""
    return household_perms.can_see_whereabouts(user, household)


def can_see_allocated_place(user, allocation, *, allocation_screen: bool = False) -> bool:
    """The place (facility, unit, commune) of a night given to a household. On a protected file:
    its named users and the hosting facility; on the allocation screen (the request page, the 115
    API's answers) also the call handler who allocated it, while that night is not over (not
    through an extension, which anyone of the team may record). Everyone else, on every page, API
    answer and step of the path, reads « lieu masqué (ménage protégé) » (households.perms)."""
    from .nights import current_night

    household = allocation.request.household
    allocator = (
        allocation.allocated_by_id
        if allocation_screen and not allocation.extension and allocation.night >= current_night()
        else None
    )
    return household_perms.can_see_place(
        user,
        household,
        host_organization_id=allocation.unit.facility.organization_id,
        placed_by_id=allocator,
    )
