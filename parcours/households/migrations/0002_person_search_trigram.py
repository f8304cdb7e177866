"""Typo-tolerant name search on PostgreSQL: pg_trgm and a GIN trigram index on folded names."""

from django.db import migrations

from parcours.core.migration_ops import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_search_text_trgm ON households_person USING gin (search_text gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS person_search_text_trgm"]


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
