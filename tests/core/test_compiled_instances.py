"""core.compiled builds the instances of a plain model without Model.__init__ (issue 18): the same
instance as Django's from_db (its state, its values, the same behaviour afterwards), and Django's own
building whenever the model or the read is not plain (some columns deferred, a signal listened to
when an instance is built, a column whose class attribute does something when set)."""

import pytest
from django.db.models.signals import post_init

from parcours.core import compiled
from parcours.households.models import Consent, Household, Person
from tests.factories import ConsentFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    household = HouseholdFactory()
    PersonFactory(household=household, first_name="Awa", relationship="head")
    PersonFactory(household=household, first_name="Léo", relationship="child")
    ConsentFactory(household=household)
    return household


def _same(mine, theirs):
    assert type(mine) is type(theirs)
    assert mine._state.adding is theirs._state.adding is False
    assert mine._state.db == theirs._state.db
    assert {k: v for k, v in mine.__dict__.items() if k != "_state"} == {
        k: v for k, v in theirs.__dict__.items() if k != "_state"
    }


@pytest.mark.parametrize("model", [Household, Person, Consent])
def test_a_plain_model_s_instances_are_django_s(household, model, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED", {})
    key = ("test.plain", model._meta.label)
    mine = compiled.instances_of(key, lambda: model.objects.order_by("pk"))
    assert compiled._COMPILED[key].attnames is not None  # built without Model.__init__
    theirs = list(model.objects.order_by("pk"))
    assert len(mine) == len(theirs) > 0
    for a, b in zip(mine, theirs, strict=True):
        _same(a, b)
        assert a == b and hash(a) == hash(b)
    # They behave as Django's: a related record read and cached, a change saved, read again.
    first = mine[0]
    if model is not Household:
        assert first.household == household and first.household is first.household
        first.household_id = HouseholdFactory().pk  # the cached household is forgotten
        assert first.household.pk == first.household_id
    first.save()
    _same(first, model.objects.get(pk=first.pk))


def test_deferred_columns_are_left_to_django(household, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED", {})
    key = ("test.deferred",)
    mine = compiled.instances_of(key, lambda: Person.objects.only("pk", "first_name").order_by("pk"))
    assert compiled._COMPILED[key].attnames is None
    theirs = list(Person.objects.only("pk", "first_name").order_by("pk"))
    assert [p.get_deferred_fields() for p in mine] == [p.get_deferred_fields() for p in theirs]
    for a, b in zip(mine, theirs, strict=True):
        _same(a, b)


def test_a_listened_signal_makes_django_build_them(household, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED", {})
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    key = ("test.signal",)
    compiled.instances_of(key, lambda: Person.objects.order_by("pk"))  # compiled, plain
    post_init.connect(receiver, sender=Person)
    try:
        found = compiled.instances_of(key, lambda: Person.objects.order_by("pk"))
    finally:
        post_init.disconnect(receiver, sender=Person)
    assert seen == [p.pk for p in found] and len(found) == Person.objects.count()


def test_a_list_of_ids_is_sent_as_its_array_s_text(household, monkeypatch):
    """A list marker's ids (`pk__any_of`, one array parameter on PostgreSQL) are sent as the array's
    text, which the lookup casts: the same rows as the ORM for no id, one, several, unknown ones."""
    monkeypatch.setattr(compiled, "_COMPILED", {})
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    assert compiled._array_text([3, 12, 7]) == "{3,12,7}"
    assert compiled._array_text([True, 2]) == [True, 2]
    for ids in ([], people[:1], people, [*people, 2**62], [people[-1], people[0]]):
        found = compiled.rows_of(
            ("test.array",),
            lambda ids: Person.objects.filter(pk__any_of=ids).order_by("pk").values_list("pk", "first_name"),
            ids=ids,
        )
        assert found == list(Person.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "first_name"))
