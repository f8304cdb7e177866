"""Base models (timestamps, soft delete, versions) and the append-only, hash-chained audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    """Nothing is lost: a deletion only stamps the row until the retention policy anonymises it."""

    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic concurrency: every edit states the version it read (see core.versioning)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class AuditKind(models.TextChoices):
    WRITE = "write", _("écriture")
    READ = "read", _("lecture")
    AUTH = "auth", _("authentification")


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")

    def for_object(self, object_type: str, object_id):
        return self.filter(object_type=object_type, object_id=str(object_id))


class AuditEvent(models.Model):
    """One row of the trail. It never holds personal values: field and section names only."""

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    membership_id = models.BigIntegerField(null=True, editable=False)
    organization_id = models.BigIntegerField(null=True, editable=False)
    role = models.CharField(max_length=32, blank=True, editable=False)
    kind = models.CharField(max_length=8, choices=AuditKind.choices, editable=False)
    action = models.CharField(max_length=100, editable=False)
    object_type = models.CharField(max_length=100, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    fields = models.JSONField(default=list, editable=False)
    sections = models.JSONField(default=list, editable=False)
    purpose = models.CharField(max_length=100, blank=True, editable=False)
    via = models.CharField(max_length=16, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)
    # Id of the audit key whose HMAC sealed the row; empty for the unkeyed rows written before keys.
    key_id = models.CharField(max_length=32, blank=True, default="", editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx"),
            models.Index(fields=["actor", "seq"], name="audit_actor_idx"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.kind} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")


class AuditChainHead(models.Model):
    """A single row locked while appending, so that the chain stays linear under concurrency."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self):
        return f"audit head #{self.seq}"
