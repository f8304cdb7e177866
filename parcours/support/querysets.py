"""Reads of support and prevention that depend on who asks, consistent with perms.py."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from parcours.accounts.roles import OrganizationType, Role


def _membership(user):
    return getattr(user, "active_membership", None) if user is not None and user.is_authenticated else None


def visibility_key(user) -> tuple:
    """All that the `visible_to(user)` of this module's querysets (measures, alerts, appointments)
    depend on, for their queries compiled once per process and key (core.compiled, issue 18; the
    household path's support steps): the user (the referent of an appointment's household), their
    membership's role and organization (its type and département), and the day and the consents'
    maximum duration that decide which co-workers' consents are active (coworking_filter). A
    `visible_to` here that reads anything else of the user adds it here."""
    from django.conf import settings

    membership = _membership(user)
    org = membership.organization if membership is not None else None
    return (
        user.pk,
        getattr(membership, "role", None),
        getattr(org, "pk", None),
        getattr(org, "type", None),
        getattr(org, "territory_id", None),
        timezone.localdate(),
        settings.PARCOURS_CONSENT_MAX_MONTHS,
    )


def coworking_filter(organization_id: int) -> Q:
    """Measures where the organization is an active co-worker and the household's consent to share
    with it for support is active today. A `pk__in` on a small subquery, so that OR-ed with the
    carrying organization the planner still uses both indexes."""
    from parcours.households.models import Consent

    from .models import MeasureCoworker

    consent = Consent.objects.active().filter(
        household=OuterRef("measure__household_id"), organization_id=organization_id, purpose="support"
    )
    coworking = MeasureCoworker.objects.filter(organization_id=organization_id, ended_at__isnull=True).filter(
        Exists(consent)
    )
    return Q(pk__in=coworking.values("measure_id"))


def worked_on_condition(user) -> Q | None:
    """The condition of MeasureQuerySet.worked_on_by, for a query that combines it with another (None:
    the user works on no measure)."""
    membership = _membership(user)
    if membership is None or membership.role != Role.SOCIAL_WORKER:
        return None
    org_id = membership.organization_id
    return Q(household__deleted_at__isnull=True) & (Q(organization_id=org_id) | coworking_filter(org_id))


class MeasureQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status="open")

    def visible_to(self, user):
        """Measures the user may know of: the carrying organization's and the consented co-workers'
        social workers (the whole measure); the SIAO coordinators of the household's département (a
        summary, for their mission of following each path). Never landlords, facilities, observers or
        administrators (they get aggregates)."""
        membership = _membership(user)
        if membership is None:
            return self.none()
        org = membership.organization
        qs = self.filter(household__deleted_at__isnull=True)
        if membership.role == Role.SOCIAL_WORKER:
            return qs.filter(Q(organization_id=org.pk) | coworking_filter(org.pk))
        if membership.role == Role.SIAO_COORDINATOR and org.type == OrganizationType.SIAO_OPERATOR:
            return qs.filter(household__territory_id=org.territory_id)
        return self.none()

    def worked_on_by(self, user):
        """Measures whose goals, actions and notes the user may read: social workers of the carrying
        organization and of consented co-worker organizations."""
        condition = worked_on_condition(user)
        return self.none() if condition is None else self.filter(condition)

    def review_overdue(self, on=None):
        """Open measures whose next review date has passed."""
        on = on or timezone.localdate()
        return self.open().filter(next_review_on__lt=on)


class AlertQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status__in=["new", "taken"])

    def visible_to(self, user):
        """Alerts the user may follow: the landlord that raised them, the SIAO operator and the referent
        association they were routed to, and the organization that took them."""
        membership = _membership(user)
        if membership is None:
            return self.none()
        org = membership.organization
        if membership.role == Role.LANDLORD:
            return self.filter(landlord_id=org.pk)
        if membership.role == Role.SIAO_COORDINATOR and org.type == OrganizationType.SIAO_OPERATOR:
            return self.filter(Q(siao_id=org.pk) | Q(assigned_organization_id=org.pk))
        if membership.role == Role.SOCIAL_WORKER:
            return self.filter(Q(association_id=org.pk) | Q(assigned_organization_id=org.pk))
        return self.none()


class WorkshopQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The programme of workshops is not personal data: social workers of the network see every
        workshop, to enrol the households they follow. Who is enrolled is shown within household access."""
        membership = _membership(user)
        return self if membership is not None and membership.role == Role.SOCIAL_WORKER else self.none()


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supported-housing projects: the landlord's and the association's members, the SIAO of the
        département, and the State's observers and network administrators (they read the report only)."""
        membership = _membership(user)
        if membership is None:
            return self.none()
        org = membership.organization
        if membership.role in (Role.OBSERVER, Role.NETWORK_ADMIN):
            return self
        if membership.role == Role.SIAO_COORDINATOR and org.type == OrganizationType.SIAO_OPERATOR:
            return self.filter(territory_id=org.territory_id)
        if membership.role in (Role.LANDLORD, Role.SOCIAL_WORKER, Role.FACILITY_MANAGER):
            return self.filter(Q(landlord_id=org.pk) | Q(association_id=org.pk))
        return self.none()


def coworker_candidates(measure):
    """The organizations that may join a measure as co-workers: active, with the household's active
    consent to share for support, neither the carrying organization nor a current co-worker."""
    from parcours.accounts.models import Organization
    from parcours.households.models import Consent

    consented = Consent.objects.active().filter(household_id=measure.household_id, purpose="support")
    current = measure.coworkers.filter(ended_at__isnull=True).values("organization_id")
    return (
        Organization.objects.active()
        .filter(pk__in=consented.values("organization_id"))
        .exclude(pk=measure.organization_id)
        .exclude(pk__in=current)
    )


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Appointments the user may see and handle: the social workers of the household's referent
        organization, and its referent (design §5 rule 1, the whole file). Nobody else: another
        association, the SIAO, landlords, facilities, observers and administrators get a 404."""
        membership = _membership(user)
        if membership is None or membership.role != Role.SOCIAL_WORKER:
            return self.none()
        return self.filter(household__deleted_at__isnull=True).filter(
            Q(household__referent_organization_id=membership.organization_id) | Q(household__referent=user)
        )

    def open(self):
        return self.filter(status__in=["planned", "confirmed", "move"])

    @staticmethod
    def worklist_conditions(today=None) -> dict[str, Q]:
        """What puts an open appointment on each of the worker's lists (see `worklists`): the
        conditions alone, for a query that already reads the open appointments the user may see."""
        import datetime as dt

        today = today or timezone.localdate()
        start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        end = start + dt.timedelta(days=1)
        now = timezone.now()
        return {
            "move_requests": Q(status="move", starts_at__gte=now),
            "today": Q(starts_at__gte=start, starts_at__lt=end) & ~Q(status="move", starts_at__gte=now),
            "to_mark": Q(starts_at__lt=min(now, start)),
            "coming": Q(starts_at__gte=end) & ~Q(status="move"),
        }

    def worklists(self, today=None) -> dict:
        """The worker's lists among these appointments still open: move requests to answer, today's,
        the passed ones to mark kept or missed, and the coming ones."""
        mine = self.open()
        return {key: mine.filter(q) for key, q in self.worklist_conditions(today).items()}

    def for_access(self, access):
        """What the person of a « Mon espace » access sees: their household's appointments with the
        whole household or with them, never one booked with another member."""
        return self.filter(household_id=access.household_id).filter(
            Q(person__isnull=True) | Q(person_id=access.person_id)
        )


def appointment_attendance(appointments) -> dict:
    """Kept and missed among passed appointments, and the rate of kept ones (None without any)."""
    kept = sum(1 for a in appointments if a.status == "kept")
    missed = sum(1 for a in appointments if a.status == "missed")
    return {
        "kept": kept,
        "missed": missed,
        "rate": round(100 * kept / (kept + missed)) if kept + missed else None,
    }
