"""Who may see and do what in support and prevention. Each function says who may, and why.

Household access (secret partagé) stays in households.perms; these rules narrow it for support:
support is the carrying organization's work, shared with co-workers only under the person's consent,
and a landlord never reads support notes.
"""

from django.db.models import Exists, OuterRef, Q

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role
from parcours.households import perms as household_perms
from parcours.households import visibility

from .choices import Confidentiality, MeasureStatus
from .models import Appointment, PreventionAlert, Programme, SupportAction, SupportMeasure, Workshop


def _role(user, *roles) -> bool:
    membership = active_membership(user)
    return membership is not None and membership.role in roles


def _org_id(user):
    membership = active_membership(user)
    return membership.organization_id if membership else None


# Measures


def can_list_measures(user) -> bool:
    """The support pages are for social workers (their measures) and SIAO coordinators (following
    the paths of their département)."""
    return _role(user, Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR)


def can_view_measure(user, measure: SupportMeasure) -> bool:
    """The carrying organization's and consented co-workers' social workers; the SIAO coordinators of
    the household's département, as a summary (see `can_view_measure_details`)."""
    return SupportMeasure.objects.visible_to(user).filter(pk=measure.pk).exists()


def can_view_measure_details(user, measure: SupportMeasure) -> bool:
    """Goals, reviews and the actions log: only those who do the support (the carrying organization
    and the co-workers the person agreed to)."""
    return SupportMeasure.objects.worked_on_by(user).filter(pk=measure.pk).exists()


def can_open_measure(user, household) -> bool:
    """A social worker of the household's referent organization opens a measure carried by their
    organization; a social worker of another organization only through an active consent naming it
    whose purpose allows it (support or prevention: visibility.PURPOSE_ACTIONS)."""
    if not _role(user, Role.SOCIAL_WORKER):
        return False
    access = household_perms.access(user, household)
    if access == household_perms.Access.FULL:
        return True
    return access == household_perms.Access.SHARED and visibility.consent_allows(
        household, _org_id(user), "open_measure"
    )


def can_manage_measure(user, measure: SupportMeasure) -> bool:
    """Intensity, reviews, goals, co-workers, closing and reopening: the carrying organization's
    social workers."""
    return (
        _role(user, Role.SOCIAL_WORKER)
        and measure.organization_id == _org_id(user)
        and measure.household.deleted_at is None
    )


def can_log_action(user, measure: SupportMeasure) -> bool:
    """An action is logged by whoever does the support (carrying organization and co-workers), only on
    a measure the person accepted and that is running."""
    return measure.status == MeasureStatus.OPEN and can_view_measure_details(user, measure)


def can_read_note(user, action: SupportAction, *, details: bool | None = None) -> bool:
    """A note is read according to its level: shared with all who do the support; reserved to the
    carrying organization; or reserved to its author and the measure's referent. A landlord, a
    facility, the SIAO, observers and administrators never read support notes.

    `details`: `can_view_measure_details` already answered for the action's measure (a list)."""
    if details is None:
        details = can_view_measure_details(user, action.measure)
    if not details:
        return False
    if action.confidentiality == Confidentiality.SHARED:
        return True
    if action.confidentiality == Confidentiality.ORGANIZATION:
        return _org_id(user) == action.measure.organization_id
    return user.pk in (action.author_id, action.measure.referent_id)


def can_manage_kinds(user) -> bool:
    """The network's governance extends the reference list of kinds of measure."""
    return _role(user, Role.NETWORK_ADMIN)


# Prevention alerts


def alertable_households(user):
    """Households a landlord may raise an alert on: those linked to its organization (an admission or
    a supported-housing programme, households.links) or with an active consent naming it for a
    purpose that allows it (prevention: visibility.PURPOSE_ACTIONS)."""
    from parcours.households.links import linked_to
    from parcours.households.models import Consent, Household

    membership = active_membership(user)
    if membership is None or membership.role != Role.LANDLORD:
        return Household.objects.none()
    org_id = membership.organization_id
    consented = Exists(
        Consent.objects.active().filter(
            household=OuterRef("pk"),
            organization_id=org_id,
            purpose__in=sorted(visibility.purposes_for("raise_alert")),
        )
    )
    return Household.objects.alive().filter(linked_to(org_id) | Q(consented))


def can_raise_alert(user, household) -> bool:
    """A landlord, on a household it houses or that consented to share with it (see alertable_households)."""
    return alertable_households(user).filter(pk=household.pk).exists()


def can_list_alerts(user) -> bool:
    """Landlords follow the alerts they raised; the SIAO coordinators and social workers treat the
    alerts routed to them."""
    return _role(user, Role.LANDLORD, Role.SIAO_COORDINATOR, Role.SOCIAL_WORKER)


def can_view_alert(user, alert: PreventionAlert) -> bool:
    """The landlord that raised it, the SIAO and the association it was routed to, the organization
    that took it (AlertQuerySet.visible_to)."""
    return PreventionAlert.objects.visible_to(user).filter(pk=alert.pk).exists()


def can_triage_alert(user, alert: PreventionAlert) -> bool:
    """Take an alert (who, by when) or close it: the SIAO coordinators of the SIAO it was routed to,
    and the social workers of the referent association or of the organization that took it."""
    membership = active_membership(user)
    if membership is None:
        return False
    org_id = membership.organization_id
    if membership.role == Role.SIAO_COORDINATOR:
        return org_id in (alert.siao_id, alert.assigned_organization_id)
    if membership.role == Role.SOCIAL_WORKER:
        return org_id in (alert.association_id, alert.assigned_organization_id)
    return False


def can_open_measure_from_alert(user, alert: PreventionAlert) -> bool:
    """A social worker of an organization the alert was routed to or taken by, who may open a
    measure for the household."""
    return (
        _role(user, Role.SOCIAL_WORKER)
        and can_triage_alert(user, alert)
        and can_open_measure(user, alert.household)
    )


def landlord_may_read_close_reason(user, alert: PreventionAlert) -> bool:
    """The landlord learns how its alert ended, except that the person refused support: that refusal
    is respected and must never be usable against the tenant."""
    from .choices import AlertCloseReason

    return not (_role(user, Role.LANDLORD) and alert.close_reason == AlertCloseReason.SUPPORT_REFUSED)


# Workshops


def can_view_workshops(user) -> bool:
    """Social workers see the network's programme of workshops (WorkshopQuerySet.visible_to)."""
    return _role(user, Role.SOCIAL_WORKER)


def can_manage_workshop(user, workshop: Workshop | None = None) -> bool:
    """A social worker organizes workshops for their organization and records attendance."""
    if not _role(user, Role.SOCIAL_WORKER):
        return False
    return workshop is None or workshop.organization_id == _org_id(user)


def can_enrol(user, workshop: Workshop, household) -> bool:
    """A social worker enrols, in any workshop of the network, a household whose whole file their
    organization holds, or one whose active consent naming it is for support
    (visibility.PURPOSE_ACTIONS): a consent for orientation, the 115 or prevention does not."""
    if not _role(user, Role.SOCIAL_WORKER):
        return False
    access = household_perms.access(user, household)
    if access == household_perms.Access.FULL:
        return True
    return access == household_perms.Access.SHARED and visibility.consent_allows(
        household, _org_id(user), "enrol_workshop"
    )


# Supported-housing programmes


def can_view_programme(user, programme: Programme) -> bool:
    """See ProgrammeQuerySet.visible_to."""
    return Programme.objects.visible_to(user).filter(pk=programme.pk).exists()


def can_create_programme(user) -> bool:
    """A landlord or an association's social worker declares a joint project (their organization is
    one of its two sides); network administrators declare any."""
    return _role(user, Role.LANDLORD, Role.SOCIAL_WORKER, Role.NETWORK_ADMIN)


def sees_programme_small_counts(user, programme: Programme) -> bool:
    """The project's report with its small counts: its landlord's and association's members, who know
    the households anyway. Observers, funders, network administrators and the SIAO read aggregates
    only (design §5 rule 5)."""
    membership = active_membership(user)
    return (
        membership is not None
        and membership.role in (Role.LANDLORD, Role.SOCIAL_WORKER)
        and membership.organization_id in (programme.landlord_id, programme.association_id)
    )


def can_manage_programme(user, programme: Programme) -> bool:
    """Units, funding and households housed: the members of the programme's landlord or association
    (landlords and social workers), and network administrators."""
    membership = active_membership(user)
    if membership is None:
        return False
    if membership.role == Role.NETWORK_ADMIN:
        return True
    return membership.role in (Role.LANDLORD, Role.SOCIAL_WORKER) and membership.organization_id in (
        programme.landlord_id,
        programme.association_id,
    )


def can_house_in_programme(user, programme: Programme, household) -> bool:
    """Recording a household as housed names it: a programme manager who may view the household."""
    return (
        can_manage_programme(user, programme)
        and _role(user, Role.SOCIAL_WORKER, Role.LANDLORD)
        and household_perms.can_view_household(user, household)
    )


# Appointments


def can_list_appointments(user) -> bool:
    """The appointments pages are for social workers: they book and follow their households'."""
    return _role(user, Role.SOCIAL_WORKER)


def can_book_appointment(user, household) -> bool:
    """A social worker of the household's referent organization (or its referent) books an appointment:
    they hold the whole file (design §5 rule 1). Another association, even with a consent, does not:
    the person's diary is the referent's work."""
    return (
        _role(user, Role.SOCIAL_WORKER)
        and household.deleted_at is None
        and household_perms.access(user, household) == household_perms.Access.FULL
        and (household.referent_organization_id == _org_id(user) or household.referent_id == user.pk)
    )


def can_manage_appointment(user, appointment: Appointment) -> bool:
    """Move, cancel, mark kept or missed: whoever may see it (AppointmentQuerySet.visible_to), the
    social workers of the household's referent organization and its referent."""
    return Appointment.objects.visible_to(user).filter(pk=appointment.pk).exists()
