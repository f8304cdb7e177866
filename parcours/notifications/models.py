"""What a person agreed to receive by SMS, and each message sent to them (never its text).

A person chooses, kind by kind, the messages they want (`NotificationPreference`); without a row, or
with `enabled` false, nothing is sent. Every message handed to the outbox is a `Notification`: which
access, which kind, about what (`ref`, unique: the same reminder is never sent twice), and the outbox
delivery that carries it. The text itself stays in the outbox only until it leaves (core/outbox.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import NotificationKind


class NotificationPreference(models.Model):
    access = models.ForeignKey(
        "portal.PortalAccess", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("type de message"), max_length=24, choices=NotificationKind.choices)
    enabled = models.BooleanField(_("reçu par SMS"), default=False)
    # Who changed it last: the person from « Mon espace », or a worker with the person present.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("modifié le"), default=timezone.now)

    class Meta:
        verbose_name = _("choix de notification")
        constraints = [
            models.UniqueConstraint(fields=["access", "kind"], name="notification_preference_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values), name="notification_known_kind"
            ),
        ]

    def __str__(self):
        return f"{self.access_id}: {self.kind} {self.enabled}"


class Notification(models.Model):
    access = models.ForeignKey("portal.PortalAccess", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("type de message"), max_length=24, choices=NotificationKind.choices)
    # What it is about, e.g. "appointment:12:2026-12-08": one message per access, kind and ref.
    ref = models.CharField(_("objet"), max_length=80)
    delivery = models.ForeignKey(
        "core.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    failed_at = models.DateTimeField(_("non remis le"), null=True, blank=True)
    failure_seen_at = models.DateTimeField(_("échec vu le"), null=True, blank=True)
    failure_seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["access", "kind", "ref"], name="notification_once"),
        ]
        indexes = [models.Index(fields=["failed_at", "failure_seen_at"], name="notification_failed_idx")]

    def __str__(self):
        return f"{self.kind} {self.ref}"
