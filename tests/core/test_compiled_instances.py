"""`core.compiled.instances_of` builds the instances of a plain model (Django's from_db and __init__, no
pre_init or post_init receiver) without Model.__init__ (issue 18): each instance must hold exactly
what the ORM's own gives it — the same attributes in the same order, the same state, the related
records of select_related — and a model that __init__ does more for (a deferred field, a receiver)
is built by from_db as before."""

import pytest
from django.db.models import signals

from parcours.core import compiled
from parcours.households.models import Consent, Household, Person, SituationPeriod
from parcours.territories.models import Territory
from tests.factories import ConsentFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _attributes(obj):
    """An instance as a dict: its attributes in order (its state's too), the related records read
    with it (select_related) by their own attributes."""
    if obj is None:
        return None
    found = {name: value for name, value in vars(obj).items() if name != "_state"}
    state = dict(vars(obj._state))
    cached = state.pop("fields_cache", {})
    return list(found.items()), state, {name: _attributes(related) for name, related in cached.items()}


def _compare(model, build, key):
    ours = compiled.instances_of(("test_compiled_instances", *key), build)
    theirs = list(build())
    assert ours and [type(o) for o in ours] == [type(t) for t in theirs]
    assert [_attributes(o) for o in ours] == [_attributes(t) for t in theirs]
    return ours


@pytest.fixture
def household():
    household = HouseholdFactory(situation="hotel")
    PersonFactory(household=household, child=True)
    ConsentFactory(household=household)
    return household


def test_plain_models_are_built_as_the_orm_builds_them(household):
    for model in (Household, Person, Consent, SituationPeriod, Territory):
        assert compiled._plain_model(model, [f.attname for f in model._meta.concrete_fields]), model
        _compare(model, lambda model=model: model.objects.order_by("pk"), (model._meta.label,))
    # With the records read alongside (select_related: one missing, one through another), and the
    # instances usable as the ORM's (saved, then read again).
    ours = _compare(
        Household,
        lambda: Household.objects.select_related(
            "territory", "referent", "referent_organization__territory"
        ).filter(pk=household.pk),
        ("select_related",),
    )
    ours[0].phone = "0102030405"
    ours[0].save(update_fields=["phone"])
    assert Household.objects.get(pk=household.pk).phone == "0102030405"


def test_a_deferred_field_or_a_receiver_goes_through_from_db(household):
    _compare(Household, lambda: Household.objects.defer("address").order_by("pk"), ("deferred",))
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    signals.post_init.connect(receiver, sender=Person)
    try:
        ours = _compare(Person, lambda: Person.objects.order_by("pk"), ("receiver",))
    finally:
        signals.post_init.disconnect(receiver, sender=Person)
    assert all(any(o is s for s in seen) for o in ours)
