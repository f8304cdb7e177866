"""The places board: emergency units free on a night, filtered by household size, composition and
territory. Read from the database on every refresh, so several call handlers see the same board."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.offers.choices import EMERGENCY_KINDS, AcceptedHousehold, AcceptedSex
from parcours.offers.models import Unit

from .models import NightAllocation, PlacesDeclaration


def free_base(*, night: date, territory_id: int | None):
    """Active units of active emergency facilities, offered to the 115 that night (no declaration for
    the facility, or a declaration naming the unit) and not booked."""
    declared = PlacesDeclaration.objects.filter(facility_id=OuterRef("facility_id"), night=night)
    declared_unit = PlacesDeclaration.units.through.objects.filter(
        unit_id=OuterRef("pk"), placesdeclaration__night=night
    )
    booked = NightAllocation.objects.filter(unit_id=OuterRef("pk"), night=night, status="booked")
    units = Unit.objects.filter(active=True, facility__active=True, facility__kind__in=EMERGENCY_KINDS)
    if territory_id is not None:
        units = units.filter(facility__territory_id=territory_id)
    return units.filter(~Exists(declared) | Exists(declared_unit)).filter(~Exists(booked))


def free_units(
    *,
    night: date,
    territory_id: int | None = None,
    persons: int = 1,
    children: int = 0,
    women_only: bool = False,
):
    """Free units (see `free_base`) big enough and open to this composition. Smallest units first,
    so that a family room is not given to one person."""
    units = free_base(night=night, territory_id=territory_id).filter(capacity__gte=persons)
    if children > 0:
        units = units.filter(
            facility__accepted_household__in=[AcceptedHousehold.ANY, AcceptedHousehold.FAMILY]
        )
    elif persons == 1:
        units = units.filter(
            facility__accepted_household__in=[AcceptedHousehold.ANY, AcceptedHousehold.SINGLE]
        )
    else:
        units = units.filter(facility__accepted_household=AcceptedHousehold.ANY)
    if women_only:
        units = units.filter(facility__accepted_sex__in=[AcceptedSex.ANY, AcceptedSex.FEMALE])
    elif persons == 1 and children == 0:
        units = units.filter(facility__accepted_sex__in=[AcceptedSex.ANY, AcceptedSex.MALE])
    else:
        units = units.filter(facility__accepted_sex=AcceptedSex.ANY)
    return units.select_related("facility__commune").order_by("capacity", "facility__name", "label", "pk")


# The publics of the board's filter: who a facility takes, as its badges say (offers.Facility).
PUBLIC_FILTERS = {
    "women": Q(facility__accepted_sex__in=[AcceptedSex.ANY, AcceptedSex.FEMALE])
    & ~Q(facility__accepted_household=AcceptedHousehold.FAMILY),
    "men": Q(facility__accepted_sex__in=[AcceptedSex.ANY, AcceptedSex.MALE])
    & ~Q(facility__accepted_household=AcceptedHousehold.FAMILY),
    "families": ~Q(facility__accepted_household=AcceptedHousehold.SINGLE),
    "couples": Q(facility__couples_accepted=True),
}


def filtered_units(
    units, *, public: str = "", commune_id: int | None = None, pets: bool = False, wheelchair: bool = False
):
    """Narrow free units to what the call handler looks for: a public, a commune, pets, a wheelchair."""
    if public in PUBLIC_FILTERS:
        units = units.filter(PUBLIC_FILTERS[public])
    if commune_id:
        units = units.filter(facility__commune_id=commune_id)
    if pets:
        units = units.filter(facility__pets_accepted=True)
    if wheelchair:
        units = units.filter(facility__wheelchair_accessible=True)
    return units


@dataclass
class FacilityCard:
    """One facility on the board with tonight's free units: what a call handler says on the phone."""

    facility: object
    units: list = field(default_factory=list)

    @property
    def places(self) -> int:
        return sum(u.capacity for u in self.units)

    @property
    def sizes(self) -> list[tuple[int, int]]:
        """(capacity, how many free units of it), smallest first: « 3 × 1 place, 1 × 4 places »."""
        return sorted(Counter(u.capacity for u in self.units).items())


def by_facility(units, *, smallest_first: bool = False) -> list[FacilityCard]:
    """Group free units by facility (one card each), in the units' order within a card. The board
    puts the facilities with most free places first; a request's page (`smallest_first`) those whose
    smallest fitting unit is smallest, so that a family room is not given to one person."""
    cards: dict[int, FacilityCard] = {}
    for unit in units:
        cards.setdefault(unit.facility_id, FacilityCard(facility=unit.facility)).units.append(unit)
    if smallest_first:
        return sorted(cards.values(), key=lambda c: (min(u.capacity for u in c.units), c.facility.name))
    return sorted(cards.values(), key=lambda c: (-c.places, c.facility.name))


# The summary line: how many free places each public could be given (a place open to everyone counts
# for each); a family or a couple needs a unit of two places or more.
PUBLIC_SUMMARY = {
    "women": (gettext_lazy("pour des femmes"), PUBLIC_FILTERS["women"]),
    "men": (gettext_lazy("pour des hommes"), PUBLIC_FILTERS["men"]),
    "families": (gettext_lazy("pour des familles"), PUBLIC_FILTERS["families"] & Q(capacity__gte=2)),
    "couples": (gettext_lazy("pour des couples"), PUBLIC_FILTERS["couples"] & Q(capacity__gte=2)),
}


def free_by_public(*, night: date, territory_id: int) -> list[dict]:
    """Tonight's free places each public could be given: the board's « 205 places libres : 150 pour
    des femmes, 120 pour des hommes, 60 pour des familles, 20 pour des couples »."""
    base = free_base(night=night, territory_id=territory_id)
    totals = base.aggregate(
        **{key: Sum("capacity", filter=condition) for key, (_label, condition) in PUBLIC_SUMMARY.items()}
    )
    return [
        {"group": key, "label": label, "places": totals[key] or 0}
        for key, (label, _c) in PUBLIC_SUMMARY.items()
    ]


def waited(since: datetime, now: datetime) -> str:
    """« depuis 2 h 10 », « depuis 35 min »: how long a caller has been waiting."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return _("depuis %(m)d min") % {"m": minutes}
    return _("depuis %(h)d h %(m)02d") % {"h": minutes // 60, "m": minutes % 60}


def free_summary(*, night: date, territory_id: int) -> list[dict]:
    """Free units and places tonight per kind of emergency offer (for the home panel and the board)."""
    rows = (
        free_base(night=night, territory_id=territory_id)
        .values("facility__kind")
        .annotate(units=Count("pk"), places=Sum("capacity"))
        .order_by("facility__kind")
    )
    return [{"kind": r["facility__kind"], "units": r["units"], "places": r["places"] or 0} for r in rows]
