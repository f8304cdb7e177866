"""`parcours verify-audit`: recompute the hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from parcours.core.audit import verify_chain


class Command(BaseCommand):
    help = "Vérifie l'intégrité du journal d'audit (chaîne de hachages) et signale le premier maillon rompu."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Journal d'audit altéré : premier maillon rompu à la ligne n° {report.broken_at} "
                f"({report.reason}) ; {report.checked} lignes valides avant elle."
            )
        self.stdout.write(f"Journal d'audit intègre : {report.checked} lignes vérifiées.")
