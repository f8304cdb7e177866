"""PostgreSQL receives the queries' parameters apart from their SQL (psycopg's server-side binding,
issue 18): psycopg no longer quotes each one into the text in Python. The answers are the same."""

import datetime

import pytest
from django.db import connection

from parcours.households.models import Household
from tests.factories import OrganizationFactory, make_household

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's driver only")
def test_postgresql_binds_the_parameters_on_the_server():
    from psycopg import ServerCursor  # noqa: F401  (psycopg 3 is the driver)

    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    # A statement run five times on a connection is prepared by PostgreSQL (planned once).
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 5
    with connection.cursor() as cursor:
        assert type(cursor.cursor).__name__ == "ServerBindingCursor"
        # Parameters of each kind the pages send, typed by PostgreSQL from their use.
        cursor.execute(
            "SELECT %s::int + 1, %s::text || 'b', %s::date, %s::bigint[] @> ARRAY[2]::bigint[]",
            [1, "a", datetime.date(2026, 12, 7), [1, 2]],
        )
        assert cursor.fetchone() == (2, "ab", datetime.date(2026, 12, 7), True)
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 5


def test_the_orm_answers_the_same_through_bound_parameters():
    household = make_household(organization=OrganizationFactory())
    found = Household.objects.filter(pk__in=[household.pk, -1], created_at__lte=household.created_at)
    assert list(found.values_list("pk", flat=True)) == [household.pk]
