"""The document vault (coffre-fort): a household's papers, encrypted at rest.

The row holds what the lists show (kind, label, expiry, size, type) and what decrypting needs (the
random storage name, the id of the key that encrypted it, the SHA-256 of the plaintext to check it
on reading). The file itself is in the "documents" storage (settings.STORAGES), encrypted with
AES-GCM under a key kept outside the database (crypto.py); its name is random, never a person's.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import SoftDeleteModel, TimeStampedModel, VersionedModel

from .choices import DocumentKind
from .querysets import DocumentQuerySet


class Document(TimeStampedModel, SoftDeleteModel, VersionedModel):
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="documents")
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("à qui est ce papier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    kind = models.CharField(_("type de document"), max_length=30, choices=DocumentKind.choices)
    label = models.CharField(_("précision"), max_length=200, blank=True)
    expires_on = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # When the person added it from "Mon espace" (a person has no User).
    uploaded_by_person = models.ForeignKey(
        "portal.PortalAccess",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    size = models.PositiveIntegerField(_("taille (octets)"), editable=False)
    content_type = models.CharField(_("format"), max_length=40, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    storage_name = models.CharField(max_length=100, blank=True, editable=False)
    key_id = models.CharField(max_length=32, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(uploaded_by__isnull=True) | Q(uploaded_by_person__isnull=True),
                name="document_one_uploader",
            ),
            models.UniqueConstraint(
                fields=["storage_name"], condition=~Q(storage_name=""), name="document_storage_name_unique"
            ),
        ]
        indexes = [models.Index(fields=["expires_on"], name="document_expires_on_idx")]

    def __str__(self):
        return f"Document n° {self.pk}"

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
            self.content_type, "bin"
        )
