"""The coded list of refusal reasons (reference data; the network may add to it). An unjustified
refusal by the household resets its request's seniority date."""

from django.db import migrations

REASONS = [
    # code, label, side, justified
    ("hh_location", "Localisation incompatible (travail, scolarité, soins)", "household", True),
    ("hh_unsuited", "Logement ou place inadapté à la composition ou au handicap", "household", True),
    ("hh_cost", "Coût trop élevé pour les ressources du ménage", "household", True),
    ("hh_health", "Situation de santé incompatible avec la proposition", "household", True),
    ("hh_other_solution", "Le ménage a trouvé une autre solution", "household", True),
    ("hh_safety", "Risque pour la sécurité du ménage (violences, proximité de l'agresseur)", "household", True),
    ("hh_no_show", "Absence au rendez-vous sans explication", "household", False),
    ("hh_no_reason", "Refus sans motif légitime", "household", False),
    ("fac_public", "Public hors du projet ou de l'agrément de la structure", "facility", True),
    ("fac_needs", "Besoins d'accompagnement dépassant ce que la structure peut offrir", "facility", True),
    ("fac_resources", "Ressources insuffisantes pour le loyer ou la redevance", "facility", True),
    ("fac_composition", "Composition familiale inadaptée au logement", "facility", True),
    ("fac_unavailable", "Place ou logement finalement indisponible", "facility", True),
    ("fac_incomplete", "Dossier incomplet", "facility", True),
    ("fac_attribution", "Refus de la commission d'attribution du bailleur", "facility", True),
    ("fac_other", "Autre motif de la structure", "facility", True),
]


def load(apps, schema_editor):
    RefusalReason = apps.get_model("orientation", "RefusalReason")
    for position, (code, label, side, justified) in enumerate(REASONS, start=1):
        RefusalReason.objects.update_or_create(
            code=code, defaults={"label": label, "side": side, "justified": justified, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("orientation", "0002_commissions_proposals")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
