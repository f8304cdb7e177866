"""Offers: facilities, their units and vacancies.

VacancyFactory()                  an open vacancy on a landlord's T2 flat in 93
VacancyFactory(filled=True)       filled (a household was admitted)
UnitFactory(facility__chrs=True)  a room of an association's CHRS
"""

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
