"""The reference list of kinds of measure of issue 7; the network extends it from the kinds page."""

from django.db import migrations

KINDS = [
    ("avdl", "AVDL", "Accompagnement vers et dans le logement (financé par le FNAVDL)."),
    ("asll", "ASLL", "Accompagnement social lié au logement (financé par le FSL)."),
    ("accompagnement_global", "Accompagnement global", "Accompagnement social global, pluridisciplinaire."),
    ("un_chez_soi_dabord", "Un chez-soi d'abord", "Logement d'abord et accompagnement intensif pluridisciplinaire."),
    ("hlm_accompagne", "HLM accompagné", "Logement HLM accompagné (« 10 000 logements HLM accompagnés »)."),
    ("service_de_suite", "Service de suite", "Accompagnement à l'entrée dans le logement après une structure."),
]


def add_kinds(apps, schema_editor):
    MeasureKind = apps.get_model("support", "MeasureKind")
    for code, label, description in KINDS:
        MeasureKind.objects.get_or_create(code=code, defaults={"label": label, "description": description})


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
