"""The orientation's daily round (run by `parcours orientation-daily`): remind referents before a
validated request expires, expire the requests not renewed in time, chase unanswered proposals."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.core import outbox
from parcours.notifications import kinds as notification_kinds
from parcours.notifications import services as notifications
from parcours.notifications import texts as notification_texts

from . import expiry, proposals, services
from .audit_actions import OrientationAuditAction as A
from .choices import TransitionKind
from .models import InsertionRequest
from .notify import referent_emails


def _remind_expiry(insertion_request: InsertionRequest, until: dt.date) -> None:
    with transaction.atomic():
        services.log_event(
            insertion_request,
            kind=TransitionKind.REMINDER,
            actor=None,
            reason=_("Relance : la demande expire le %(d)s.") % {"d": until.strftime("%d/%m/%Y")},
            changes={"expiry_reminded_at": timezone.now()},
            action=A.REQUEST_REMIND,
            audit_fields=["expiry_reminded_at"],
        )
        # The person, if they chose to be told (once per validity period: the ref names the date).
        notifications.notify_household(
            insertion_request.household_id,
            notification_kinds.REQUEST_EXPIRING,
            notification_texts.request_expiring(until),
            ref=f"request:{insertion_request.pk}:{until.isoformat()}",
        )
    recipients = referent_emails(insertion_request.household)
    if recipients:
        url = settings.PARCOURS_SITE_URL + reverse("orientation:detail", args=[insertion_request.pk])
        outbox.send_email(
            to=recipients,
            subject=_("Parcours : la demande n° %(n)s expire bientôt") % {"n": insertion_request.pk},
            body=_("La demande d'insertion n° %(n)s expire le %(d)s. Actualisez-la si elle tient toujours :")
            % {"n": insertion_request.pk, "d": until.strftime("%d/%m/%Y")}
            + f"\n\n{url}\n",
            purpose="orientation.expiry_reminder",
        )


def run_daily(*, today: dt.date | None = None, wet: bool) -> dict[str, int]:
    today = today or timezone.localdate()
    candidates = list(
        expiry.prefilter(
            InsertionRequest.objects.all(), today=today, days_ahead=settings.PARCOURS_EXPIRY_REMINDER_DAYS
        )
        .select_related("household__referent")
        .order_by("pk")
    )
    to_expire = expiry.due(candidates, today=today)
    expiring = {r.pk for r in to_expire}
    to_remind = [
        r
        for r in expiry.due(candidates, today=today, days_ahead=settings.PARCOURS_EXPIRY_REMINDER_DAYS)
        if r.pk not in expiring and r.expiry_reminded_at is None
    ]
    to_chase = list(proposals.proposals_to_chase(today))
    if wet:
        for r in to_remind:
            _remind_expiry(r, expiry.valid_until(r))
        for r in to_expire:
            services.request_expire(actor=None, insertion_request=r)
        for p in to_chase:
            proposals.proposal_remind(proposal=p)
    return {
        _("Demandes relancées avant expiration"): len(to_remind),
        _("Demandes expirées"): len(to_expire),
        _("Propositions relancées"): len(to_chase),
    }
