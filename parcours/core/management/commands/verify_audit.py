"""`parcours verify-audit`: seal the rows waiting for it, recompute the sealed chain, check it against
the anchors kept outside the database, and report the first broken link."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from parcours.core.audit import AnchorError, AuditKeyError, read_anchors, seal_pending, verify_chain

# Rows normally wait PARCOURS_AUDIT_SEAL_SECONDS for the worker, and audit-anchor seals every 15 min.
STALE_SECONDS = 15 * 60


class Command(BaseCommand):
    help = (
        "Scelle les lignes du journal d'audit qui attendent leur sceau, vérifie l'intégrité de la chaîne "
        "(scellée par HMAC) et ses ancrages hors de la base, et signale le premier maillon rompu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchors",
            metavar="FICHIER",
            help="ancrages écrits par `parcours audit-anchor` (défaut : PARCOURS_AUDIT_ANCHOR_FILE)",
        )

        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="ne scelle rien : vérifie seulement (base en lecture seule, copie)",
        )

    def handle(self, *args, anchors=None, no_seal=False, **options):
        path = Path(anchors or settings.PARCOURS_AUDIT_ANCHOR_FILE)
        found = []
        if path.exists():
            try:
                found = read_anchors(path)
            except (AnchorError, OSError) as exc:
                raise CommandError(f"Fichier d'ancrages illisible ({path}) : {exc}.") from exc
        elif anchors:
            raise CommandError(f"Fichier d'ancrages introuvable : {path}.")
        try:
            sealed = 0 if no_seal else seal_pending()
            report = verify_chain(anchors=found)
        except AuditKeyError as exc:
            raise CommandError(f"Clés du journal d'audit : {exc}") from exc
        except DatabaseError as exc:
            raise CommandError(
                f"Journal d'audit illisible ({exc}) : une base d'une version antérieure ? "
                "Lancez `parcours migrate`, puis relancez `parcours verify-audit`."
            ) from exc
        if not report.ok:
            raise CommandError(
                f"Journal d'audit altéré : premier maillon rompu à la ligne n° {report.broken_at} "
                f"({report.reason}) ; {report.checked} lignes valides avant elle."
            )
        if sealed:
            self.stdout.write(f"{sealed} lignes en attente scellées.")
        if report.unsealed:
            waited = (timezone.now() - report.oldest_unsealed).total_seconds()
            self.stdout.write(
                f"{report.unsealed} lignes attendent leur sceau (chacune signée par son auteur), "
                f"la plus ancienne depuis {waited:.0f} s."
            )
            if waited > STALE_SECONDS:
                self.stdout.write(
                    "Attention : des lignes attendent leur sceau depuis plus de 15 minutes ; le worker "
                    "(`parcours db-worker`) tourne-t-il ? Tant qu'elles attendent, leur suppression "
                    "ne serait pas détectée."
                )
        if found:
            self.stdout.write(
                f"Journal d'audit intègre : {report.checked} lignes vérifiées, "
                f"{report.anchors} ancrages concordants ({path})."
            )
        else:
            self.stdout.write(
                f"Journal d'audit intègre : {report.checked} lignes vérifiées. Aucun ancrage trouvé "
                f"({path}) : une suppression des dernières lignes ne serait pas détectée "
                "(planifiez `parcours audit-anchor`)."
            )
