"""`parcours emergency-rollover [--wet-run]`: close the past nights of the 115 (run by cron each morning)."""

from parcours.core.commands import DryRunCommand
from parcours.emergency import services


class Command(DryRunCommand):
    help = (
        "Clôt les nuits passées du 115 : demandes sans réponse comptées non pourvues, numéros de "
        "téléphone effacés, prolongations reportées, chiffres de chaque nuit enregistrés. "
        "Simulation par défaut ; --wet-run pour écrire."
    )

    def run(self, *, wet: bool, **options) -> dict[str, int]:
        report = services.rollover(wet_run=wet)
        return {
            "Nuits à clore": len(report.nights),
            "Demandes sans réponse comptées non pourvues": report.closed_requests,
            "Numéros de téléphone effacés": report.phones_erased,
            "Prénoms d'appelant·es sans dossier effacés": report.names_erased,
            "Prolongations reportées sur la nuit en cours": report.extensions_carried,
        }
