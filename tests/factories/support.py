"""Support: measures open, closed or refused by the person.

SupportMeasureFactory()              an open AVDL measure carried by the household's referent organization
SupportMeasureFactory(closed=True)   closed today
SupportMeasureFactory(refused=True)  refused by the person (never started)
"""

import datetime as dt

import factory
from django.utils import timezone

from .households import HouseholdFactory


class MeasureKindFactory(factory.django.DjangoModelFactory):
    """A kind of measure; the seeded ones (avdl, asll…) are reused by their code."""

    class Meta:
        model = "support.MeasureKind"
        django_get_or_create = ("code",)

    code = "avdl"
    label = factory.LazyAttribute(lambda o: o.code.upper())


class SupportMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.SupportMeasure"

    household = factory.SubFactory(HouseholdFactory)
    kind = factory.SubFactory(MeasureKindFactory)
    organization = factory.SelfAttribute("household.referent_organization")
    referent = factory.SelfAttribute("household.referent")
    status = "open"
    consent_given = True
    started_on = factory.LazyFunction(timezone.localdate)

    class Params:
        closed = factory.Trait(status="closed", ended_on=factory.SelfAttribute("started_on"))
        refused = factory.Trait(status="refused", consent_given=False, started_on=None)


class AppointmentFactory(factory.django.DjangoModelFactory):
    """An appointment with the whole household, tomorrow at 10:00, planned (waiting for the person).

    AppointmentFactory(kept=True) / (missed=True)   yesterday, marked by the worker
    """

    class Meta:
        model = "support.Appointment"

    household = factory.SubFactory(HouseholdFactory)
    organization = factory.SelfAttribute("household.referent_organization")
    starts_at = factory.LazyFunction(
        lambda: (timezone.localtime() + dt.timedelta(days=1)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
    )
    place = "12 rue de l'Espoir, Bobigny"
    with_text = "Mme Martin, conseillère"
    purpose = "Point sur votre demande de logement"
    status = "planned"

    class Params:
        kept = factory.Trait(
            status="kept", starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
        )
        missed = factory.Trait(
            status="missed", starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
        )
