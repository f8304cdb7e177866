"""The 115: emergency requests open, allocated (a booked night in a CHU room) or unmet (DNP).

EmergencyRequestFactory()                  open, for tonight, one person, P2
EmergencyRequestFactory(allocated=True)    a room booked tonight (`request.allocations`)
EmergencyRequestFactory(unmet=True)        recorded as unmet: no place (`request.unmet`)
"""

import factory

from .households import HouseholdFactory
from .offers import UnitFactory


def _tonight():
    from parcours.emergency.nights import current_night

    return current_night()


class EmergencyRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "emergency.EmergencyRequest"
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    territory = factory.SelfAttribute("household.territory")
    night = factory.LazyFunction(_tonight)
    persons = 1
    priority = "P2"
    suggested_priority = factory.SelfAttribute("priority")
    status = "open"

    class Params:
        allocated = factory.Trait(
            status="allocated",
            allocation=factory.RelatedFactory(
                "tests.factories.emergency.NightAllocationFactory",
                factory_related_name="request",
                night=factory.SelfAttribute("..night"),
            ),
        )
        unmet = factory.Trait(
            status="unmet",
            unmet_demand=factory.RelatedFactory(
                "tests.factories.emergency.UnmetDemandFactory", factory_related_name="request"
            ),
        )


class NightAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "emergency.NightAllocation"

    request = factory.SubFactory(EmergencyRequestFactory, status="allocated")
    unit = factory.SubFactory(UnitFactory, facility__chu=True, label="Chambre 1", capacity=1, typology="")
    night = factory.SelfAttribute("request.night")
    status = "booked"


class UnmetDemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "emergency.UnmetDemand"

    request = factory.SubFactory(EmergencyRequestFactory, status="unmet")
    reason = "no_place"
