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


def by_facility(units) -> list[FacilityCard]:
    """Group free units by facility (one card each), the facilities with most free places first."""
    cards: dict[int, FacilityCard] = {}
    for unit in units.select_related("facility__commune").order_by("facility__name", "capacity", "label"):
        cards.setdefault(unit.facility_id, FacilityCard(facility=unit.facility)).units.append(unit)
    return sorted(cards.values(), key=lambda c: (-c.places, c.facility.name))


# How the summary line splits the free places: each facility's public falls in one group.
PUBLIC_GROUPS = {
    "women": gettext_lazy("femmes"),
    "men": gettext_lazy("hommes"),
    "families": gettext_lazy("familles"),
    "singles": gettext_lazy("personnes seules"),
    "all": gettext_lazy("tous publics"),
}


def public_group(sex: str, household: str) -> str:
    if household == AcceptedHousehold.FAMILY:
        return "families"
    if sex == AcceptedSex.FEMALE:
        return "women"
    if sex == AcceptedSex.MALE:
        return "men"
    return "singles" if household == AcceptedHousehold.SINGLE else "all"


def free_by_public(*, night: date, territory_id: int) -> list[dict]:
    """Tonight's free places split by the public of their facility, biggest group first: the board's
    « 12 places libres : 5 femmes, 4 familles, 3 hommes »."""
    rows = (
        free_base(night=night, territory_id=territory_id)
        .values("facility__accepted_sex", "facility__accepted_household")
        .annotate(places=Sum("capacity"))
        .order_by()
    )
    totals: Counter = Counter()
    for row in rows:
        totals[public_group(row["facility__accepted_sex"], row["facility__accepted_household"])] += (
            row["places"] or 0
        )
    return [
        {"group": key, "label": PUBLIC_GROUPS[key], "places": places}
        for key, places in sorted(totals.items(), key=lambda kv: (-kv[1], list(PUBLIC_GROUPS).index(kv[0])))
        if places
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
