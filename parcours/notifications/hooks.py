"""The outbox tells this app when it gave up an SMS to a person: the referent is shown it (home.py)."""

from parcours.core import outbox

from .services import mark_failed

outbox.on_failed("notifications.")(mark_failed)
