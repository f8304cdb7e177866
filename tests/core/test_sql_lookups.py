"""`pk__any_of=[…]` (core.sql_lookups) selects the same rows as `pk__in=[…]`, on PostgreSQL as one array."""

import pytest

from parcours.households.models import Household
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_same_rows_as_in():
    households = HouseholdFactory.create_batch(3)
    ids = [households[0].pk, households[2].pk, 999_999_999]
    assert set(Household.objects.filter(pk__any_of=ids)) == set(Household.objects.filter(pk__in=ids))
    assert not Household.objects.filter(pk__any_of=[]).exists()
    # Inside a subquery (another alias for the table) and negated.
    inner = Household.objects.filter(pk__any_of=ids)
    assert Household.objects.filter(pk__in=inner).count() == 2
    assert set(Household.objects.exclude(pk__any_of=ids)) == {households[1]}


def test_one_parameter_on_postgresql():
    from django.db import connection

    sql, params = Household.objects.filter(pk__any_of=list(range(1, 501))).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert len(params) == 1 and "= ANY(" in sql
    else:
        assert len(params) == 500
