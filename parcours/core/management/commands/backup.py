"""`parcours backup FICHIER`: a consistent copy of the whole database, for cron and before upgrades."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sauvegarde toute la base dans FICHIER (PostgreSQL : pg_dump au format custom ; SQLite : "
        "copie en ligne). Le fichier contient des données nominatives : il est créé lisible par son "
        "seul propriétaire."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FICHIER", help="fichier de sauvegarde à écrire")
        parser.add_argument("--force", action="store_true", help="remplacer FICHIER s'il existe déjà")

    def handle(self, *args, file: str, force: bool, **options):
        try:
            report = backup(Path(file), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Sauvegarde écrite : {report.path} ({report.engine}, {report.size} octets).\n"
            f"SHA-256 : {report.sha256}"
        )
