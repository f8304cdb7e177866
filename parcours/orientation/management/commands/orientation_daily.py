"""`parcours orientation-daily [--wet-run]`: reminders before expiry, expiry, proposals chased."""

from parcours.core.commands import DryRunCommand
from parcours.orientation.daily import run_daily


class Command(DryRunCommand):
    help = (
        "Tournée quotidienne de l'orientation : relance des référents avant l'expiration d'une demande, "
        "expiration des demandes non actualisées, relance des propositions sans réponse."
    )

    def run(self, *, wet: bool, **options) -> dict[str, int]:
        return run_daily(wet=wet)
