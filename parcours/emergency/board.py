"""The places board: emergency units free on a night, filtered by household size, composition and
territory. Read from the database on every refresh, so several call handlers see the same board."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Sum

from parcours.offers.choices import EMERGENCY_KINDS, AcceptedHousehold, AcceptedSex
from parcours.offers.models import Unit

from .models import NightAllocation, PlacesDeclaration


def free_units(
    *,
    night: date,
    territory_id: int | None = None,
    persons: int = 1,
    children: int = 0,
    women_only: bool = False,
):
    """Active units of active emergency facilities, offered to the 115 that night (no declaration for
    the facility, or a declaration naming the unit), not booked, big enough and open to this
    composition. Smallest units first, so that a family room is not given to one person."""
    declared = PlacesDeclaration.objects.filter(facility_id=OuterRef("facility_id"), night=night)
    declared_unit = PlacesDeclaration.units.through.objects.filter(
        unit_id=OuterRef("pk"), placesdeclaration__night=night
    )
    booked = NightAllocation.objects.filter(unit_id=OuterRef("pk"), night=night, status="booked")
    units = Unit.objects.filter(
        active=True, facility__active=True, facility__kind__in=EMERGENCY_KINDS, capacity__gte=persons
    )
    if territory_id is not None:
        units = units.filter(facility__territory_id=territory_id)
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
    return (
        units.filter(~Exists(declared) | Exists(declared_unit))
        .filter(~Exists(booked))
        .select_related("facility__commune")
        .order_by("capacity", "facility__name", "label", "pk")
    )


def free_summary(*, night: date, territory_id: int) -> list[dict]:
    """Free units and places tonight per kind of emergency offer (for the home panel and the board)."""
    declared = PlacesDeclaration.objects.filter(facility_id=OuterRef("facility_id"), night=night)
    declared_unit = PlacesDeclaration.units.through.objects.filter(
        unit_id=OuterRef("pk"), placesdeclaration__night=night
    )
    booked = NightAllocation.objects.filter(unit_id=OuterRef("pk"), night=night, status="booked")
    rows = (
        Unit.objects.filter(
            active=True,
            facility__active=True,
            facility__kind__in=EMERGENCY_KINDS,
            facility__territory_id=territory_id,
        )
        .filter(~Exists(declared) | Exists(declared_unit))
        .filter(~Exists(booked))
        .values("facility__kind")
        .annotate(units=Count("pk"), places=Sum("capacity"))
        .order_by("facility__kind")
    )
    return [{"kind": r["facility__kind"], "units": r["units"], "places": r["places"] or 0} for r in rows]
