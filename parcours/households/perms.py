"""Who sees what of a household (shared professional secrecy, design §5). Each function says why."""

import enum

from django.utils import timezone
from django.utils.translation import gettext_lazy

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import OrganizationType, Role
from parcours.core import compiled

from .models import Household


class Access(enum.IntEnum):
    NONE = 0
    SHARED = 1  # the shared sheet: identity, composition, resources summary, assessment, recommendations
    FULL = 2  # the whole file, editable


# The sections of the household page; the shared sheet is the strict subset partners see.
ALL_SECTIONS = ("identity", "composition", "situation", "resources", "identifiers", "whereabouts", "consents")
SHARED_SECTIONS = ("identity", "composition", "resources_summary")


def _consent_active(household: Household, organization_id: int) -> bool:
    today = timezone.localdate()
    return any(c.organization_id == organization_id and c.is_active_on(today) for c in household.all_consents)


def access(user, household: Household) -> Access:
    """The level of access of the user's active membership to this household.

    - the referent and the social workers of the referent organization: the whole file (rule 1);
    - the 115 and SIAO coordinators of the SIAO operator of the household's département: the whole
      file, for their mission (rule 2);
    - a facility or landlord: the shared sheet, only while a proposal or admission links them and
      the person's consent for that organization is active (rule 3);
    - a social worker of any other organization: the shared sheet, through an active consent naming
      it (rule 4);
    - observers and network administrators: never a named household (rule 5).
    """
    membership = active_membership(user)
    if membership is None or household.deleted_at is not None:
        return Access.NONE
    org = membership.organization
    role = membership.role
    if role == Role.SOCIAL_WORKER:
        if household.referent_organization_id == org.pk or household.referent_id == user.pk:
            return Access.FULL
        return Access.SHARED if _consent_active(household, org.pk) else Access.NONE
    if role in (Role.CALL_HANDLER, Role.SIAO_COORDINATOR):
        if org.type == OrganizationType.SIAO_OPERATOR and household.territory_id == org.territory_id:
            return Access.FULL
        return Access.NONE
    if role in (Role.FACILITY_MANAGER, Role.LANDLORD):
        return (
            Access.SHARED
            if _is_linked(household, org.pk) and _consent_active(household, org.pk)
            else Access.NONE
        )
    return Access.NONE


def _is_linked(household, organization_id) -> bool:
    """Whether a proposal or an admission links the household to the organization. A list answers it
    for all its households in one query beforehand (querysets.mark_linked), not one per row."""
    known = getattr(household, "linked_organizations", None)
    if known is not None and organization_id in known:
        return known[organization_id]
    return Household.objects.filter(pk=household.pk).filter(_linked(organization_id)).exists()


def _linked(organization_id):
    from .links import linked_to

    return linked_to(organization_id)


def can_view_household(user, household) -> bool:
    """Whoever has the shared sheet or the whole file (see `access`)."""
    return access(user, household) >= Access.SHARED


def can_edit_household(user, household) -> bool:
    """Only those with the whole file: the referent organization's workers and the SIAO of the territory."""
    return access(user, household) == Access.FULL


def can_see_whereabouts(user, household) -> bool:
    """Address, place of living and phone: hidden on a protected household from everyone but the
    referent and the users named on it (rule 6)."""
    return access(user, household) == Access.FULL and whereabouts_shown_with_full_access(user, household)


def whereabouts_shown_with_full_access(user, household) -> bool:
    """Rule 6 for a user whose access to the household is already known to be FULL: a protected
    household's whereabouts are shown to its named users only. For callers that have just decided the
    access (visibility._household_fields), so that it is not asked twice (issue 18)."""
    return not household.protected or is_named_on(user, household)


# What a page, an API answer or a step of the path says instead of a protected household's place.
HIDDEN_PLACE = gettext_lazy("lieu masqué (ménage protégé)")


def can_see_place(user, household, *, host_organization_id=None, placed_by_id=None) -> bool:
    """Where the household is housed or sheltered (facility, building, room, hotel, the unit's
    address), on every page, API answer and step of its path (rule 6).

    A household that is not protected: as before, whoever may read the record it belongs to. A
    protected one: its named users (`can_see_whereabouts`); the organization that hosts it or
    offers the place (`host_organization_id`: it knows who it houses); and the person who placed it
    there (`placed_by_id`: the call handler who allocated tonight's place, the coordinator who made
    a proposal still open), since they chose the place. Everyone else reads `HIDDEN_PLACE`.
    """
    if household is None or not household.protected:
        return True
    if placed_by_id is not None and placed_by_id == user.pk:
        return True
    membership = active_membership(user)
    if membership is None:
        return False
    if host_organization_id is not None and membership.organization_id == host_organization_id:
        return True
    return can_see_whereabouts(user, household)


def is_named_on(user, household) -> bool:
    """The referent and the users named on the file: the only ones to whom lists, counts and
    searches reveal that a protected file exists (rule 6, see HouseholdQuerySet.listable_by)."""
    if household.referent_id == user.pk:
        return True
    # `household.protected_viewers.filter(pk=user.pk).exists()`, its SQL compiled once per process and
    # the two ids put in at each call (core.compiled, issue 18): a named user is a row of the
    # many-to-many table, whose foreign keys guarantee both the household and the user exist.
    return bool(
        compiled.rows_of(
            ("households.is_named_on",),
            lambda household, user: Household.protected_viewers.through.objects.filter(
                household_id=household, user_id=user
            ).values_list("pk")[:1],
            household=household.pk,
            user=user.pk,
        )
    )


def can_view_access_log(user, household) -> bool:
    """The referent organization's workers can give the person the list of who read the file (rule 7)."""
    membership = active_membership(user)
    return (
        membership is not None
        and membership.role == Role.SOCIAL_WORKER
        and access(user, household) == Access.FULL
        and (
            household.referent_organization_id == membership.organization_id
            or household.referent_id == user.pk
        )
    )


def can_manage_consents(user, household) -> bool:
    """Consent is recorded with the person by whoever holds the whole file."""
    return access(user, household) == Access.FULL


def can_revoke_consent(user, consent) -> bool:
    """Whoever records consents on the file withdraws one with the person; and the organization the
    consent names may always give up the sharing it received (withdrawing never opens anything)."""
    membership = active_membership(user)
    if membership is not None and membership.organization_id == consent.organization_id:
        return True
    return can_manage_consents(user, consent.household)


def can_delete_household(user, household) -> bool:
    """Only the referent organization closes a file opened by mistake (a soft deletion)."""
    membership = active_membership(user)
    return (
        access(user, household) == Access.FULL
        and membership.role == Role.SOCIAL_WORKER
        and household.referent_organization_id == membership.organization_id
    )


def can_create_household(user) -> bool:
    """Social workers, and the 115 and SIAO teams (an évaluation flash opens a minimal file)."""
    membership = active_membership(user)
    return membership is not None and membership.role in (
        Role.SOCIAL_WORKER,
        Role.CALL_HANDLER,
        Role.SIAO_COORDINATOR,
    )


def can_list_households(user) -> bool:
    """The list and search of households are for the roles that hold whole files: social workers and
    the 115 and SIAO teams. Facilities and landlords reach a household through a proposal."""
    return can_create_household(user)


def sections_for(user, household) -> tuple[str, ...]:
    """The sections of the household page the user reads: the whole file (without whereabouts unless
    rule 6 allows them), or the shared sheet as far as the purposes of the consents naming the user's
    organization open it (visibility.PURPOSE_FIELDS)."""
    from . import visibility

    level = access(user, household)
    if level == Access.FULL:
        sections = ALL_SECTIONS
        if not can_see_whereabouts(user, household):
            sections = tuple(s for s in sections if s != "whereabouts")
        return sections
    if level == Access.SHARED:
        opened = visibility.shared_sections(user, household)
        return tuple(s for s in SHARED_SECTIONS if s in opened)
    return ()
