"""The database itself refuses to update or delete an audit row, whatever the code does."""

from django.db import migrations

from parcours.core import db_guards


def forward(apps, schema_editor):
    db_guards.install(schema_editor.connection, version=1)


def backward(apps, schema_editor):
    db_guards.uninstall(schema_editor.connection, version=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
