"""Audit rows are written unsealed, with their writer's MAC, and chained in batches by the sealer
(ADR 0017). The rows already chained keep their number and seal: they verify unchanged."""

from django.conf import settings
from django.db import migrations, models


def guards_v2(apps, schema_editor):
    # SQLite alters the columns by rebuilding the table, which drops its triggers: installed again,
    # now letting the sealer set the seal of an unsealed row, and nothing else.
    from parcours.core import db_guards

    db_guards.install(schema_editor.connection, version=2)


def guards_v1(apps, schema_editor):
    from parcours.core import db_guards

    db_guards.uninstall(schema_editor.connection, version=2)
    db_guards.install(schema_editor.connection, version=1)


def refuse_to_undo(apps, schema_editor):
    # Dropping `mac` would break the seal of every row written since: their seal covers it.
    if apps.get_model("core", "AuditEvent").objects.exclude(mac="").exists():
        raise RuntimeError(
            "Journal d'audit écrit par lots scellés : la migration core/0005 ne se défait pas."
        )


def seal_legacy_rows(apps, schema_editor):
    # Moved here from core/0003, whose columns the live module now outgrows. The live module on
    # purpose: the seal must be computed exactly as verify-audit recomputes it.
    from parcours.core import audit

    try:
        event = audit.seal_legacy()
    except ValueError as exc:
        raise RuntimeError(
            f"Journal d'audit : les lignes antérieures aux clés ne se vérifient pas ({exc}) ; "
            "rien n'est scellé. Enquêtez (parcours verify-audit) avant de mettre en service."
        ) from exc
    if event is not None:
        print(f"\n  Journal d'audit : lignes antérieures scellées par la ligne n° {event.seq}.")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_delivery_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, guards_v1),
        migrations.AlterModelOptions(
            name="auditevent",
            options={"ordering": ["id"]},
        ),
        migrations.RemoveIndex(
            model_name="auditevent",
            name="audit_object_idx",
        ),
        migrations.RemoveIndex(
            model_name="auditevent",
            name="audit_actor_idx",
        ),
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor", "id"], name="audit_actor_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("seq__isnull", True)), fields=["id"], name="audit_unsealed_idx"
            ),
        ),
        migrations.RunPython(guards_v2, refuse_to_undo),
        migrations.RunPython(seal_legacy_rows, migrations.RunPython.noop),
    ]
