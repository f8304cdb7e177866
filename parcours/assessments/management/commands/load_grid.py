"""`parcours load-grid --file PATH`: publishes a version of the shared assessment grid from a data file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.assessments import grids
from parcours.assessments.models import GridItem


class Command(BaseCommand):
    help = (
        "Publie une version de la trame d'évaluation partagée depuis un fichier JSON (voir "
        "parcours/assessments/grids/). Recharger une version publiée à l'identique ne change rien ; "
        "un contenu différent sous une version déjà publiée est refusé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", required=True, type=Path, help="fichier JSON de la trame")

    def handle(self, *args, file, **options):
        try:
            grid, created = grids.install_grid(grids.read_grid_file(file))
        except grids.GridFileError as exc:
            raise CommandError(str(exc)) from exc
        if created:
            self.stdout.write(
                f"Trame « {grid.title} » version {grid.version} publiée : "
                f"{grid.sections.count()} sections, "
                f"{GridItem.objects.filter(section__grid=grid).count()} éléments."
            )
        else:
            self.stdout.write(f"Trame version {grid.version} déjà publiée à l'identique : rien à faire.")
