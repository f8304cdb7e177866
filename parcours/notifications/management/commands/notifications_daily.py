"""`parcours notifications-daily [--wet-run]`: the reminders the people asked for (appointments…)."""

from parcours.core.commands import DryRunCommand
from parcours.notifications.daily import run_daily


class Command(DryRunCommand):
    help = (
        "Tournée quotidienne des notifications aux personnes : rappels de rendez-vous la veille, "
        "pour les personnes qui les ont demandés."
    )

    def run(self, *, wet: bool, **options) -> dict[str, int]:
        return run_daily(wet=wet)
