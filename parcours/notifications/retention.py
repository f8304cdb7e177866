"""How notifications are anonymised (registry: parcours.core.retention): the choices and the log of
messages sent hold no text, only kinds, dates and a reference to the outbox's delivery log."""

from parcours.core.retention import register

from .models import Notification, NotificationPreference

register(
    NotificationPreference,
    household="access__household",
    not_personal={
        "choix d'un type de message, sans contenu": ("access", "kind", "enabled", "changed_by", "changed_at")
    },
)
register(
    Notification,
    household="access__household",
    not_personal={
        "message envoyé : type, date et envoi, jamais le texte": (
            "access",
            "kind",
            "ref",
            "delivery",
            "created_at",
            "failed_at",
            "failure_seen_at",
            "failure_seen_by",
        )
    },
)
