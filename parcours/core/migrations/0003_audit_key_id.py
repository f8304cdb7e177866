"""Audit rows are sealed with HMAC under a key kept outside the database; the rows written before
carry no key id and are closed by one keyed row that signs their last seal (ADR 0003)."""

from django.db import migrations, models


def reinstall_guards(apps, schema_editor):
    # SQLite adds the column by rebuilding the table, which drops its append-only triggers.
    from parcours.core import db_guards

    db_guards.install(schema_editor.connection, version=1)


def refuse_to_unseal(apps, schema_editor):
    # Dropping the key ids would turn every sealed row into an unverifiable one.
    if apps.get_model("core", "AuditEvent").objects.exclude(key_id="").exists():
        raise RuntimeError("Journal d'audit scellé par des clés : la migration core/0003 ne se défait pas.")


def seal_legacy_rows(apps, schema_editor):
    # Moved to core/0005 (ADR 0017): the live module writes columns that only exist from 0005 on.
    pass


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [
        # Backwards, removing the column rebuilds the SQLite table again: the guards come back after.
        migrations.RunPython(migrations.RunPython.noop, reinstall_guards),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", editable=False, max_length=32),
        ),
        migrations.RunPython(migrations.RunPython.noop, refuse_to_unseal),
        migrations.RunPython(reinstall_guards, migrations.RunPython.noop),
        migrations.RunPython(seal_legacy_rows, migrations.RunPython.noop),
    ]
