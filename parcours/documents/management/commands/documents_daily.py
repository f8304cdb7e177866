"""`parcours documents-daily`: the reminders of documents about to expire (run daily by cron)."""

from parcours.core.commands import DryRunCommand
from parcours.documents import reminders


class Command(DryRunCommand):
    help = (
        "Rappels des documents du coffre-fort qui arrivent à expiration. "
        "Simulation par défaut ; --wet-run déclenche les rappels."
    )

    def run(self, *, wet: bool, **options) -> dict[str, int]:
        return reminders.run(wet=wet)
