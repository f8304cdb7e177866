"""The audit action names of the notifications app (core.audit.AuditAction)."""

from parcours.core.audit import AuditAction


class NotificationsAuditAction(AuditAction):
    PREFERENCES = "notifications.preferences"
    SEND = "notifications.send"
    FAILURE_SEEN = "notifications.failure_seen"
