"""`parcours outreach-purge [--wet-run]`: erase the free texts of old encounters without a file and of
old signalements (run by cron each night; a dry run by default)."""

from parcours.core.commands import DryRunCommand
from parcours.outreach import services


class Command(DryRunCommand):
    help = (
        "Efface les textes libres (surnom, lieu, note, description, contact) des rencontres sans dossier "
        "et des signalements plus anciens que PARCOURS_OUTREACH_RETENTION_MONTHS ; les codes et les "
        "nombres restent pour l'observatoire. Simulation par défaut ; --wet-run pour écrire."
    )

    def run(self, *, wet: bool, **options) -> dict[str, int]:
        encounters, reports = services.purge(wet=wet)
        return {"Rencontres sans dossier à effacer": encounters, "Signalements à effacer": reports}
