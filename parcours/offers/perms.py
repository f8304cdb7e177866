"""Who may read and manage the offer. Each function says who may, and why.

The offer (facilities, units, vacancies) is not personal data: every member of the network reads
it. Managing it belongs to those who run the places.
"""

from parcours.accounts.perms import active_membership, is_network_admin
from parcours.accounts.roles import OrganizationType, Role

from .choices import FacilityKind

# The roles that may create or edit some part of the offer (observers and field roles read only).
MANAGING_ROLES = (Role.FACILITY_MANAGER, Role.LANDLORD, Role.SIAO_COORDINATOR, Role.NETWORK_ADMIN)


def can_list_facilities(user) -> bool:
    """Every member of the network with an active membership: the offer is shared knowledge."""
    return active_membership(user) is not None


def can_view_facility(user, facility) -> bool:
    """Same as the list: every facility is visible to every member of the network."""
    return can_list_facilities(user)


def can_manage_facility(user, facility) -> bool:
    """Edit a facility, its units and their vacancies:

    - a network administrator, for the whole network;
    - a SIAO coordinator of a SIAO operator, for the facilities of the operator's département;
    - a facility manager, for the facilities managed by their own organization;
    - a landlord, for the social housing (`logement_social`) of their own organization.
    """
    membership = active_membership(user)
    if membership is None:
        return False
    if is_network_admin(user):
        return True
    org = membership.organization
    if membership.role == Role.SIAO_COORDINATOR:
        return org.type == OrganizationType.SIAO_OPERATOR and facility.territory_id == org.territory_id
    if membership.role == Role.FACILITY_MANAGER:
        return facility.organization_id == org.pk
    if membership.role == Role.LANDLORD:
        return facility.organization_id == org.pk and facility.kind == FacilityKind.LOGEMENT_SOCIAL
    return False


def can_see_door_code(user, facility) -> bool:
    """The door code lets one into the building at night: whoever manages the facility (above) and
    the 115 call handlers of its département, who text it to the person given a place there
    (emergency.services). Other members of the network read the facility without it."""
    if can_manage_facility(user, facility):
        return True
    membership = active_membership(user)
    return (
        membership is not None
        and membership.role == Role.CALL_HANDLER
        and membership.organization.type == OrganizationType.SIAO_OPERATOR
        and membership.organization.territory_id == facility.territory_id
    )


def can_create_facility(user, facility=None) -> bool:
    """Whoever would manage it (see `can_manage_facility`); without a facility, whether the role may
    create any at all (to show the button)."""
    if facility is None:
        return active_membership(user) is not None and active_membership(user).role in MANAGING_ROLES
    return can_manage_facility(user, facility)


def can_manage_unit(user, unit) -> bool:
    """Whoever manages the unit's facility."""
    return can_manage_facility(user, unit.facility)


def can_declare_vacancy(user, unit) -> bool:
    """Whoever manages the unit, while the unit and its facility are in service."""
    return unit.active and unit.facility.active and can_manage_unit(user, unit)


def can_withdraw_vacancy(user, vacancy) -> bool:
    """Whoever manages the unit, while the vacancy is still open."""
    return vacancy.is_open and can_manage_unit(user, vacancy.unit)


def organization_choices(user):
    """The organizations the user may name as the manager of a new facility."""
    from parcours.accounts.models import Organization

    membership = active_membership(user)
    if membership is None or membership.role not in MANAGING_ROLES:
        return Organization.objects.none()
    if membership.role in (Role.FACILITY_MANAGER, Role.LANDLORD):
        return Organization.objects.filter(pk=membership.organization_id)
    return Organization.objects.active().exclude(type=OrganizationType.STATE_SERVICE)
