"""Reads of the offer: who may manage what (consistent with perms.py) and the availability counts."""

from collections.abc import Callable

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Sum

from parcours.accounts.roles import OrganizationType, Role


def manageable_filter(user, prefix: str = "") -> Q | None:
    """The facilities (through `prefix`) the user's active membership manages; None when all of them."""
    membership = getattr(user, "active_membership", None) if user.is_authenticated else None
    if membership is None:
        return Q(pk__in=[])
    org = membership.organization
    if membership.role == Role.NETWORK_ADMIN:
        return None
    if membership.role == Role.SIAO_COORDINATOR and org.type == OrganizationType.SIAO_OPERATOR:
        return Q(**{f"{prefix}territory_id": org.territory_id})
    if membership.role == Role.FACILITY_MANAGER:
        return Q(**{f"{prefix}organization_id": org.pk})
    if membership.role == Role.LANDLORD:
        return Q(**{f"{prefix}organization_id": org.pk, f"{prefix}kind": "logement_social"})
    return Q(pk__in=[])


class FacilityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The offer is not personal data: every member of the network sees every facility."""
        membership = getattr(user, "active_membership", None) if user.is_authenticated else None
        return self if membership is not None else self.none()

    def manageable_by(self, user):
        q = manageable_filter(user)
        return self if q is None else self.filter(q)

    def with_counts(self):
        """Units, places and open vacancies of the active units of each facility."""
        from .models import Unit, Vacancy

        units = Unit.objects.filter(facility=OuterRef("pk"), active=True).order_by()
        open_vacancies = (
            Vacancy.objects.open().filter(unit__facility=OuterRef("pk"), unit__active=True).order_by()
        )
        return self.annotate(
            unit_count=models.Subquery(
                units.values("facility").annotate(n=Count("pk")).values("n"),
                output_field=models.IntegerField(),
            ),
            place_count=models.Subquery(
                units.values("facility").annotate(n=Sum("capacity")).values("n"),
                output_field=models.IntegerField(),
            ),
            vacancy_count=models.Subquery(
                open_vacancies.values("unit__facility").annotate(n=Count("pk")).values("n"),
                output_field=models.IntegerField(),
            ),
        )


def _member(user) -> bool:
    return user.is_authenticated and getattr(user, "active_membership", None) is not None


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Like the facilities: every member of the network sees every unit."""
        return self if _member(user) else self.none()

    def manageable_by(self, user):
        q = manageable_filter(user, "facility__")
        return self if q is None else self.filter(q)

    def with_open_vacancy(self):
        from .models import Vacancy

        return self.annotate(has_open_vacancy=Exists(Vacancy.objects.open().filter(unit=OuterRef("pk"))))


# The other domains' work in progress that holds a vacancy (orientation: a proposal pending or
# accepted), each a callable giving a filter on Vacancy; registered by those apps at start-up
# (`vacancy_hold`) so that the offer never imports them (docs/architecture.md).
VACANCY_HOLDS: list[Callable[[], Q]] = []


def vacancy_hold(condition: Callable[[], Q]) -> Callable[[], Q]:
    VACANCY_HOLDS.append(condition)
    return condition


class VacancyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Like the facilities: every member of the network sees every vacancy."""
        return self if _member(user) else self.none()

    def open(self):
        return self.filter(status="open")

    def with_proposal_in_progress(self):
        """Vacancies a household has been proposed for and not yet answered for good (pending or
        accepted): withdrawing one would leave that proposal alive on a dead vacancy. The conditions
        come from the domains that hold vacancies (`vacancy_hold`)."""
        held = Q(pk__in=[])
        for condition in VACANCY_HOLDS:
            held |= condition()
        return self.filter(held).distinct()

    def manageable_by(self, user):
        q = manageable_filter(user, "unit__facility__")
        return self if q is None else self.filter(q)


def availability(facilities) -> list[dict]:
    """Units, places (capacity) and open vacancies of the active units of `facilities`, per kind of
    offer and département: one dict per (kind, territory code) that has at least one unit."""
    from .models import Unit

    units = (
        Unit.objects.filter(active=True, facility__active=True, facility__in=facilities)
        .with_open_vacancy()
        .order_by()
        .values("facility__kind", "facility__territory__code")
        .annotate(
            units=Count("pk"),
            places=Sum("capacity"),
            vacancies=Count("pk", filter=Q(has_open_vacancy=True)),
        )
    )
    return [
        {
            "kind": row["facility__kind"],
            "territory": row["facility__territory__code"],
            "units": row["units"],
            "places": row["places"] or 0,
            "vacancies": row["vacancies"],
        }
        for row in units.order_by("facility__kind", "facility__territory__code")
    ]
