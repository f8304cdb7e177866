"""Who sees the observatory, and who sees its small cells. Aggregates only: never a named person here."""

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import OrganizationType, Role


def can_view_observatory(user) -> bool:
    """Every role of the network reads the aggregated figures: they serve advocacy and steering."""
    return active_membership(user) is not None


def can_drill(user) -> bool:
    """From a figure to the files behind it: only the roles that list households (social workers,
    the 115 and the SIAO), and then only the files each may open (households.perms)."""
    from parcours.households.perms import can_list_households

    return can_view_observatory(user) and can_list_households(user)


def sees_small_cells(user, territory: str | None) -> bool:
    """Only the SIAO of a département, which holds its files anyway, sees that département's small
    counts; everyone else — observers and funders first — gets them suppressed (design §5 rule 5)."""
    membership = active_membership(user)
    return (
        territory is not None
        and membership is not None
        and membership.role in (Role.SIAO_COORDINATOR, Role.CALL_HANDLER)
        and membership.organization.type == OrganizationType.SIAO_OPERATOR
        and membership.organization.territory.code == territory
    )


def small_cells_territory(user) -> str | None:
    """The département whose small counts the user sees (see sees_small_cells), or None."""
    membership = active_membership(user)
    if membership is None or membership.organization.territory is None:
        return None
    code = membership.organization.territory.code
    return code if sees_small_cells(user, code) else None
