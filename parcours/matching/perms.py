"""Who may see the engine's rankings and change what it reads. Each function says who may, and why.

A ranking names households: it belongs to the SIAO that runs the orientation of the vacancy's
département, never to facilities, landlords, observers or administrators (design §5).
"""

from parcours.accounts.perms import active_membership, is_network_admin
from parcours.accounts.roles import OrganizationType, Role

# A request's matching facts are the request's: their rules live with it (orientation.perms), where
# the request's page asks them too; they are named here as well for the engine's pages and services.
from parcours.orientation.perms import can_edit_needs, can_set_priority  # noqa: F401


def _territory_coordinator(user) -> int | None:
    """The département a SIAO coordinator orients for, or None for any other membership."""
    membership = active_membership(user)
    if (
        membership is None
        or membership.role != Role.SIAO_COORDINATOR
        or membership.organization.type != OrganizationType.SIAO_OPERATOR
    ):
        return None
    return membership.organization.territory_id


def can_view_candidates(user, vacancy) -> bool:
    """The ranked and excluded households for a vacancy: the SIAO coordinators of the SIAO operator of
    the vacancy's département, who prepare the commission's proposals there."""
    territory = _territory_coordinator(user)
    return territory is not None and vacancy.unit.facility.territory_id == territory


def can_prepare_commission(user) -> bool:
    """The territory's vacancies with their candidates and the optimal assignment: the SIAO
    coordinators, who prepare the orientation commission of their département."""
    return _territory_coordinator(user) is not None


def can_see_request_numbers(user) -> bool:
    """Request numbers point to named households: shown to SIAO coordinators only (a network
    administrator simulating the settings sees ranks, scores and moves, never who)."""
    return _territory_coordinator(user) is not None


def can_simulate(user) -> bool:
    """The simulation page (weights and rule parameters changed, nothing saved): SIAO coordinators,
    who answer for the orientation rules, and network administrators, who set them."""
    return _territory_coordinator(user) is not None or is_network_admin(user)


def can_edit_settings(user) -> bool:
    """Save weights and network-wide rule parameters: the network's administrators, who own the
    reference data the whole network's orientation runs on."""
    return is_network_admin(user)
