"""`parcours emergency-rollover`: close the past nights of the 115 (run by cron each morning).

Dry run by default: prints what would be done. `--wet-run` writes.
"""

from django.core.management.base import BaseCommand

from parcours.emergency import services


class Command(BaseCommand):
    help = (
        "Clôt les nuits passées du 115 : demandes sans réponse comptées non pourvues, numéros de "
        "téléphone effacés, prolongations reportées, chiffres de chaque nuit enregistrés. "
        "Simulation par défaut ; --wet-run pour écrire."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Écrire (sinon : simulation).")

    def handle(self, *args, wet_run=False, **options):
        report = services.rollover(wet_run=wet_run)
        mode = "" if wet_run else "[simulation] "
        self.stdout.write(f"{mode}Nuits à clore : {len(report.nights)}")
        self.stdout.write(f"{mode}Demandes sans réponse comptées non pourvues : {report.closed_requests}")
        self.stdout.write(f"{mode}Numéros de téléphone effacés : {report.phones_erased}")
        self.stdout.write(f"{mode}Prolongations reportées sur la nuit en cours : {report.extensions_carried}")
        if not wet_run:
            self.stdout.write("Rien n'a été écrit. Relancez avec --wet-run pour appliquer.")
