"""`parcours remind-reviews`: tell each referent which of their measures have an overdue review.

Run daily by cron. A dry run by default (prints what would be sent); `--wet-run` queues the emails
(the worker sends them, parcours.core.outbox) and
stamps the reviews so that one overdue review is recalled at most once a week. The email holds
measure numbers and links only: no name, no detail of the support.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from parcours.core import audit, outbox
from parcours.support.audit_actions import SupportAuditAction
from parcours.support.models import MeasureReview

RECALL_EVERY = dt.timedelta(days=7)


def overdue_reviews(today: dt.date, now: dt.datetime):
    """Reviews planned before today, not held, of open measures, not recalled in the last week."""
    from django.db.models import Q

    return (
        MeasureReview.objects.filter(held_on__isnull=True, planned_on__lt=today, measure__status="open")
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - RECALL_EVERY))
        .filter(measure__household__deleted_at__isnull=True)
        .select_related("measure__referent")
        .order_by("planned_on", "pk")
    )


class Command(BaseCommand):
    help = (
        "Relance les référent·es dont un point d'étape d'accompagnement est dépassé. "
        "Simulation par défaut ; --wet-run envoie les courriels."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Envoyer réellement les relances.")
        parser.add_argument(
            "--base-url", default="", help="Adresse du service, pour les liens des courriels (https://…)."
        )

    def handle(self, *args, wet_run=False, base_url="", **options):
        today, now = timezone.localdate(), timezone.now()
        by_referent = defaultdict(list)
        without_referent = 0
        for review in overdue_reviews(today, now):
            if review.measure.referent_id is None or not review.measure.referent.email:
                without_referent += 1
                continue
            by_referent[review.measure.referent].append(review)
        total = sum(len(v) for v in by_referent.values())
        mode = "envoi" if wet_run else "simulation (ajoutez --wet-run pour envoyer)"
        self.stdout.write(
            f"Points d'étape en retard : {total} pour {len(by_referent)} référent·es, "
            f"{without_referent} sans référent·e joignable — {mode}."
        )
        if not wet_run:
            return
        for referent, reviews in by_referent.items():
            lines = [
                f"- Mesure n° {r.measure_id} : point d'étape prévu le {r.planned_on:%d/%m/%Y} "
                f"{base_url}/accompagnement/mesures/{r.measure_id}/"
                for r in reviews
            ]
            with transaction.atomic():
                # Sent by the worker once the reviews are stamped: a failure here sends nothing.
                outbox.send_email(
                    to=[referent.email],
                    subject="Parcours — points d'étape d'accompagnement en retard",
                    body="Bonjour,\n\nCes points d'étape sont dépassés :\n\n" + "\n".join(lines) + "\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    purpose="support.review_reminder",
                )
                MeasureReview.objects.filter(pk__in=[r.pk for r in reviews]).update(reminded_at=now)
                audit.record_write(
                    actor=None, action=SupportAuditAction.REVIEW_REMIND, obj=referent, fields=["reminded_at"]
                )
        self.stdout.write(f"{len(by_referent)} courriel(s) envoyé(s).")
