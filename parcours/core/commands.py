"""The shape of the commands cron runs: a dry run by default that says what it would do, and
`--wet-run` to write (les-emplois' habit: a forgotten flag never changes data)."""

from django.core.management.base import BaseCommand


class DryRunCommand(BaseCommand):
    """Subclasses implement `run(wet: bool, **options) -> dict[str, int]` and get the flag and report."""

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="écrire (sans cette option : simulation)")

    def run(self, *, wet: bool, **options) -> dict[str, int]:
        raise NotImplementedError

    def handle(self, *args, wet_run: bool, **options):
        if not wet_run:
            self.stdout.write(
                "Simulation : rien n'est écrit ni envoyé "
                "(sans --wet-run, la commande n'est qu'une simulation)."
            )
        counts = self.run(wet=wet_run, **options)
        for label, n in counts.items():
            self.stdout.write(f"{label} : {n}")
