"""Timestamps read through psycopg's compiled parser (core.pg_loaders, issue 18) are exactly what
Django's own loader gives: the same instant, Django's time zone object, microseconds kept, the
connection's cursors keeping the loader."""

import datetime as dt

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

VALUES = [
    ("2026-12-07 03:04:05.123456+01", dt.datetime(2026, 12, 7, 2, 4, 5, 123456, tzinfo=dt.UTC)),
    ("1984-07-03 00:00:00+00", dt.datetime(1984, 7, 3, tzinfo=dt.UTC)),
    ("2026-03-29 02:30:00+02", dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)),
    ("0001-01-01 00:00:00+00", dt.datetime(1, 1, 1, tzinfo=dt.UTC)),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's loaders are PostgreSQL's")
def test_timestamps_are_django_s_values():
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"'{text}'::timestamptz" for text, _ in VALUES))
        found = cursor.fetchone()
        loader = cursor.cursor.adapters.get_loader(1184, 0)
    assert list(found) == [value for _, value in VALUES]
    assert all(value.tzinfo is dt.UTC for value in found)  # Django's time zone object, not a ZoneInfo
    assert loader.__name__ == "CompiledTzLoader" and not issubclass(loader, BaseTzLoader)
    assert loader.timezone is connection.timezone

    # Django's own loader on the same text gives the same values.
    class DjangoLoader(BaseTzLoader):
        timezone = connection.timezone

    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("timestamptz", DjangoLoader)
        cursor.execute("SELECT " + ", ".join(f"'{text}'::timestamptz" for text, _ in VALUES))
        assert list(cursor.fetchone()) == list(found)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's loaders are PostgreSQL's")
def test_a_model_s_datetimes_round_trip():
    from parcours.core.models import AuditEvent

    moment = dt.datetime(2026, 12, 7, 23, 59, 59, 999999, tzinfo=dt.UTC)
    AuditEvent.objects.create(occurred_at=moment, kind="read", action="read", object_type="x", object_id="1")
    assert AuditEvent.objects.get(object_type="x").occurred_at == moment
