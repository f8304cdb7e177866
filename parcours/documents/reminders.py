"""Documents about to expire: the referent's work list (home.py) and the person's notification.

`expiring(days)` gives the alive documents whose expiry date falls within `days` days (expired ones
included). The daily job (`parcours documents-daily --wet-run`) calls each function registered with
`on_expiry` once for a document PARCOURS_DOCUMENT_EXPIRY_DAYS days before its expiry date and once
on that date: the notifications app registers the person's message there (opt-in, after commit),
without this app knowing it. No state is kept: run daily, each reminder goes once.
"""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from .models import Document

# Each hook: (document, days_left) → None. Registered by the app that notifies (notifications).
EXPIRY_HOOKS: list[Callable] = []


def on_expiry(hook: Callable) -> Callable:
    EXPIRY_HOOKS.append(hook)
    return hook


def warning_days() -> int:
    return int(settings.PARCOURS_DOCUMENT_EXPIRY_DAYS)


def expiring(days: int | None = None, today: dt.date | None = None):
    """Alive documents of files still open expiring within `days` days (default the setting), the
    soonest first."""
    today = today or timezone.localdate()
    return (
        Document.objects.expiring(today, warning_days() if days is None else days)
        .filter(household__deleted_at__isnull=True, household__anonymised_at__isnull=True)
        .select_related("household", "person")
        .order_by("expires_on", "pk")
    )


def due_today(today: dt.date | None = None):
    """The documents whose reminder goes today: expiring in exactly the warning delay, or today."""
    today = today or timezone.localdate()
    days = warning_days()
    return expiring(days, today).filter(expires_on__in=[today, today + dt.timedelta(days=days)])


def run(*, wet: bool, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    due = list(due_today(today))
    if wet:
        for document in due:
            for hook in EXPIRY_HOOKS:
                hook(document, (document.expires_on - today).days)
    return {
        "documents qui expirent bientôt": expiring(today=today).count(),
        "rappels à envoyer aujourd'hui": len(due),
    }
