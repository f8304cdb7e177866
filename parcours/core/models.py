"""Base models (timestamps, soft delete, versions) and the append-only, hash-chained audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

# field → {value: label} of its choices, the labels left lazy (translated when shown).
_CHOICE_LABELS: dict = {}


def choice_labels(field) -> dict:
    """A field's choices as {value: label}, built once per field. Django's get_FOO_display builds this
    dict at every call and, to do so, hashes every (value, label) pair: each lazy label is translated
    only to be hashed (a list of 25 households spent a quarter of its drawing in there). The labels
    stay lazy here, so the current language still applies. Choices given by a callable are not kept."""
    labels = _CHOICE_LABELS.get(field)
    if labels is None:
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        if isinstance(field.choices, (list, tuple)):
            _CHOICE_LABELS[field] = labels
    return labels


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        # Django's, with the choices read through choice_labels (the same answer, without translating
        # every label of the field at each call).
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(make_hashable(value), value), strings_only=True)


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

    # Position in the sealed chain, given by the sealer (ADR 0017): empty while the row waits for it.
    seq = models.PositiveBigIntegerField(unique=True, null=True, editable=False)
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
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Id of the audit key whose HMAC sealed the row; empty for the unkeyed rows written before keys.
    key_id = models.CharField(max_length=32, blank=True, default="", editable=False)
    # HMAC of the row alone, computed by its writer: a row waiting for its seal cannot be forged or
    # edited without the key either (ADR 0017). Empty on the rows chained before it existed.
    mac = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        # The order of writing; `seq` is the order of sealing (ADR 0017).
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx"),
            models.Index(fields=["actor", "id"], name="audit_actor_idx"),
            # The sealer's work list: small, as rows leave it once sealed.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed_idx"),
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
    """The last sealed row (number and seal); the sealer locks it while sealing, so that two sealers
    never fork the chain. Writers do not touch it (ADR 0017)."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self):
        return f"audit head #{self.seq}"


class DeliveryKind(models.TextChoices):
    EMAIL = "email", _("courriel")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("en attente")
    SENDING = "sending", _("en cours d'envoi")
    RETRIED = "retried", _("échec, nouvel essai prévu")
    SENT = "sent", _("envoyé")
    FAILED = "failed", _("échec définitif")


class Delivery(models.Model):
    """One e-mail or SMS handed to the outbox (parcours.core.outbox) and its delivery log: who it was
    for (masked), why (a purpose code), how each try went (the provider's answer). The message itself
    stays in `payload` only until it is sent or given up: the log never keeps a body."""

    kind = models.CharField(_("canal"), max_length=8, choices=DeliveryKind.choices)
    purpose = models.CharField(_("motif"), max_length=64)
    recipient = models.CharField(_("destinataire (masqué)"), max_length=255)
    status = models.CharField(
        _("état"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    answer = models.CharField(_("réponse du prestataire"), max_length=500, blank=True)
    ref = models.CharField(_("objet concerné"), max_length=64, blank=True)
    payload = models.JSONField(_("message en attente"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    next_attempt_at = models.DateTimeField(_("prochain essai"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.purpose} → {self.recipient}"


class DeliveryAttempt(models.Model):
    """One try at handing a delivery to the mail server or the SMS provider, with its answer."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField(_("essai n°"))
    status = models.CharField(_("résultat"), max_length=8, choices=DeliveryStatus.choices)
    answer = models.CharField(_("réponse du prestataire"), max_length=500, blank=True)
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("essai d'envoi")
        verbose_name_plural = _("essais d'envoi")
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"{self.delivery_id} #{self.number} {self.status}"
