"""The database converters of a compiled read are found once per compiled query and connection
(core.compiled._converters, issue 18), and each thread's connection finds its own."""

import threading

import pytest
from django.db import connection, connections

from parcours.core import compiled
from parcours.households.models import Household
from tests.factories import OrganizationFactory, make_household

pytestmark = pytest.mark.django_db(transaction=True)


def _build(pk):
    return Household.objects.filter(pk=pk).values_list("pk", "created_at")


def test_a_compiled_reads_converters_are_kept_per_connection_and_give_the_orms_values():
    household = make_household(organization=OrganizationFactory())
    expected = list(_build(household.pk))
    key = ("test.converters", connection.vendor)
    assert compiled.rows_of(key, _build, pk=household.pk) == expected
    assert compiled.rows_of(key, _build, pk=household.pk) == expected
    entry = compiled._COMPILED[key]
    assert list(entry.converters) == [id(connections["default"])]  # found once for this connection
    answers = []

    def other_thread():
        own = connections["default"]
        try:
            answers.append((compiled.rows_of(key, _build, pk=household.pk), id(own)))
        finally:
            own.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    rows, other = answers[0]
    assert rows == expected
    assert other != id(connections["default"]) and other in entry.converters
    # No row: nothing to convert, nothing found.
    assert compiled.rows_of(key, _build, pk=-5) == []


def test_an_instance_read_converts_as_the_orm():
    household = make_household(organization=OrganizationFactory())
    for _ in range(2):
        (found,) = compiled.instances_of(
            ("test.converters.instances",), lambda pk: Household.objects.filter(pk=pk), pk=household.pk
        )
        assert found.created_at == Household.objects.get(pk=household.pk).created_at
    assert (
        compiled.instances_of(
            ("test.converters.instances",), lambda pk: Household.objects.filter(pk=pk), pk=-3
        )
        == []
    )
