"""Publishes version 1 of the grid, the AFFIL "trame d'évaluation partagée", from its data file."""

from django.db import migrations

from parcours.assessments import grids


def forward(apps, schema_editor):
    grids.load_grid(grids.AFFIL_V1, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    # A published version is never deleted: going back leaves it in place (loading it again is a no-op).
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
