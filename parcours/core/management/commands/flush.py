"""Django's `flush`, which must lift the audit table's guards to empty a (test or demo) database."""

from django.core.management.commands import flush
from django.db import connections

from parcours.core import db_guards


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        db_guards.uninstall(connection)
        try:
            return super().handle(**options)
        finally:
            db_guards.install(connection)
