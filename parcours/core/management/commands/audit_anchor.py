"""`parcours audit-anchor`: append the head of the audit chain, signed, to a file outside the database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parcours.core.audit import AuditKeyError, anchor_head


class Command(BaseCommand):
    help = (
        "Ajoute la tête du journal d'audit (numéro, sceau, heure), signée, à un fichier hors de la base ; "
        "`parcours verify-audit` s'en sert pour détecter des lignes supprimées à la fin."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            metavar="FICHIER",
            help="fichier des ancrages (défaut : PARCOURS_AUDIT_ANCHOR_FILE)",
        )

    def handle(self, *args, file=None, **options):
        path = Path(file or settings.PARCOURS_AUDIT_ANCHOR_FILE)
        try:
            record = anchor_head(path)
        except AuditKeyError as exc:
            raise CommandError(f"Clés du journal d'audit : {exc}") from exc
        except OSError as exc:
            raise CommandError(f"Impossible d'écrire l'ancrage dans {path} : {exc.strerror}.") from exc
        # The line on stdout too: cron can forward it to a remote journal (logger, syslog).
        self.stdout.write(
            f"Ancrage du journal d'audit : ligne n° {record['seq']} {record['hash']} "
            f"{record['at']} clé {record['key']} sig {record['sig']}"
        )
