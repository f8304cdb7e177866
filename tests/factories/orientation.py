"""Orientation: insertion requests at each status, and proposals at each status.

    InsertionRequestFactory()                        a draft
    InsertionRequestFactory(validated=True)          submitted, validated (seniority from today)
    InsertionRequestFactory(submitted=True)          also: to_complete, proposed, admitted, cancelled, expired
    ProposalFactory()                                pending, on an open vacancy; the request proposed
    ProposalFactory(refused=True)                    also: accepted, withdrawn, admitted, exited

The rows are written as they stand after the workflow moved them there (the timestamps the services
set included); no transition or audit row is written: tests of the workflow itself go through the
services.
"""

import datetime as dt

import factory
from django.utils import timezone

from .households import HouseholdFactory
from .offers import VacancyFactory


def _refusal_reason(code):
    """The reference reason loaded by migration orientation/0003. Browser tests run in transactions
    that are flushed after each test, which empties reference tables too: load them again then."""
    import importlib

    from django.apps import apps

    from parcours.orientation.models import RefusalReason

    if not RefusalReason.objects.exists():
        importlib.import_module("parcours.orientation.migrations.0003_refusal_reasons").load(apps, None)
    return RefusalReason.objects.get(code=code)


class InsertionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orientation.InsertionRequest"

    household = factory.SubFactory(HouseholdFactory)
    status = "draft"
    wished_kinds = factory.LazyFunction(lambda: ["logement_social"])
    wished_territories = factory.LazyAttribute(lambda o: [o.household.territory.code])
    created_by = factory.SelfAttribute("household.referent")

    class Params:
        submitted = factory.Trait(status="submitted", submitted_at=factory.LazyFunction(timezone.now))
        to_complete = factory.Trait(submitted=True, status="to_complete")
        validated = factory.Trait(
            submitted=True,
            status="validated",
            validated_at=factory.LazyFunction(timezone.now),
            seniority_date=factory.LazyFunction(timezone.localdate),
        )
        proposed = factory.Trait(validated=True, status="proposed")
        admitted = factory.Trait(validated=True, status="admitted")
        cancelled = factory.Trait(submitted=True, status="cancelled")
        expired = factory.Trait(validated=True, status="expired")


# The request's status while its proposal stands at each status.
REQUEST_STATUS_FOR = {
    "pending": "proposed",
    "accepted": "proposed",
    "refused": "validated",
    "withdrawn": "validated",
    "admitted": "admitted",
    "exited": "admitted",
}


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orientation.Proposal"

    status = "pending"
    request = factory.SubFactory(
        InsertionRequestFactory,
        validated=True,
        status=factory.LazyAttribute(lambda o: REQUEST_STATUS_FOR[o.factory_parent.status]),
    )
    vacancy = factory.SubFactory(
        VacancyFactory,
        filled=factory.LazyAttribute(lambda o: o.factory_parent.status in ("admitted", "exited")),
    )

    class Params:
        accepted = factory.Trait(status="accepted", answered_at=factory.LazyFunction(timezone.now))
        refused = factory.Trait(
            status="refused",
            answered_at=factory.LazyFunction(timezone.now),
            refusal_side="household",
            refusal_reason=factory.LazyFunction(lambda: _refusal_reason("hh_no_reason")),
        )
        withdrawn = factory.Trait(status="withdrawn")
        admitted = factory.Trait(
            status="admitted",
            answered_at=factory.LazyFunction(timezone.now),
            admitted_on=factory.LazyFunction(timezone.localdate),
        )
        exited = factory.Trait(
            admitted=True,
            status="exited",
            admitted_on=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200)),
            exited_on=factory.LazyFunction(timezone.localdate),
            exit_destination="social_housing",
        )
