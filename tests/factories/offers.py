"""Offers: facilities, their units and vacancies.

VacancyFactory()                  an open vacancy on a landlord's T2 flat in 93
VacancyFactory(filled=True)       filled (a household was admitted)
UnitFactory(facility__chrs=True)  a room of an association's CHRS
"""

from decimal import Decimal

import factory
from django.utils import timezone

from .accounts import OrganizationFactory, TerritoryFactory


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "offers.Facility"

    name = factory.Sequence(lambda n: f"Résidence {n}")
    kind = "logement_social"
    territory = factory.SubFactory(TerritoryFactory)
    organization = factory.SubFactory(
        OrganizationFactory, landlord=True, territory=factory.SelfAttribute("..territory")
    )

    class Params:
        chrs = factory.Trait(
            kind="chrs",
            organization=factory.SubFactory(
                OrganizationFactory, territory=factory.SelfAttribute("..territory")
            ),
        )
        chu = factory.Trait(
            kind="chu",
            organization=factory.SubFactory(
                OrganizationFactory, territory=factory.SelfAttribute("..territory")
            ),
        )


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "offers.Unit"

    facility = factory.SubFactory(FacilityFactory)
    label = factory.Sequence(lambda n: f"Logement {n}")
    capacity = 3
    typology = "T2"


class VacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "offers.Vacancy"

    unit = factory.SubFactory(UnitFactory)
    available_from = factory.LazyFunction(timezone.localdate)
    status = "open"

    class Params:
        filled = factory.Trait(status="filled", filled_at=factory.LazyFunction(timezone.now))
        withdrawn = factory.Trait(status="withdrawn", withdrawn_at=factory.LazyFunction(timezone.now))


def make_emergency_facility(*, organization, territory="93", kind="chu", units=3, capacity=1, **rules):
    """An emergency facility (CHU by default) with `units` units of `capacity` places."""
    from parcours.offers.models import Facility, Unit

    facility = Facility.objects.create(
        name=f"{kind.upper()} {Facility.objects.count() + 1}",
        kind=kind,
        organization=organization,
        territory=TerritoryFactory(code=territory),
        **rules,
    )
    Unit.objects.bulk_create(
        [Unit(facility=facility, label=f"Chambre {n}", capacity=capacity) for n in range(1, units + 1)]
    )
    return facility, list(facility.units.order_by("pk"))


def make_orientation_places(*, landlord, chrs_org, territory):
    """The places the orientation tests propose: two T2 flats of the landlord's « Résidence du Parc »
    (rents 420 and 430 €) and a room of the association's « CHRS du Canal »: (flat, flat2, room)."""
    housing = FacilityFactory(
        name="Résidence du Parc", kind="logement_social", organization=landlord, territory=territory
    )
    chrs = FacilityFactory(name="CHRS du Canal", kind="chrs", organization=chrs_org, territory=territory)
    flat = UnitFactory(facility=housing, label="Bât. A 12", capacity=3, typology="T2", rent=Decimal("420"))
    flat2 = UnitFactory(facility=housing, label="Bât. B 3", capacity=3, typology="T2", rent=Decimal("430"))
    room = UnitFactory(facility=chrs, label="Chambre 4", capacity=2, typology="room")
    return flat, flat2, room
