"""Exact-word name search on PostgreSQL: a GIN index on the words of the folded names.

A common first name typed alone matches thousands of people; the exact words are found through this
index and only a typo falls back to the trigram index.
"""

from django.db import migrations

from parcours.core.migration_ops import postgresql_only

FORWARD = [
    "CREATE INDEX IF NOT EXISTS person_search_tokens ON households_person "
    "USING gin ((string_to_array(search_text, ' ')))",
]
BACKWARD = ["DROP INDEX IF EXISTS person_search_tokens"]


class Migration(migrations.Migration):
    dependencies = [("households", "0003_person_left_on")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
