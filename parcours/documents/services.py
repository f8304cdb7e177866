"""The writes of the document vault: one function per action, authorized, audited, one transaction.

A worker acts with `actor` (a User); the person acts from "Mon espace" with `access` (their
PortalAccess, already checked by portal.auth). The encrypted file is written to the storage before
the row, and erased again if the row is not saved; a deleted document's file is erased once the
deletion is committed.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.core import audit
from parcours.core.errors import DomainError, Invalid, NotFound, require
from parcours.core.versioning import claim_version

from . import crypto, files, perms
from .audit_actions import DocumentAction as A
from .choices import DocumentKind
from .models import Document

logger = logging.getLogger(__name__)

MANAGE_MESSAGE = gettext_lazy(
    "Seules les personnes qui détiennent le dossier complet ajoutent, corrigent ou suppriment un document."
)


class DocumentUnreadable(DomainError):
    """The stored file does not decrypt or does not match its fingerprint: nothing is sent."""

    code = "document_unreadable"
    http_status = 503
    default_message = gettext_lazy(
        "Ce document ne peut pas être lu pour le moment (clé de chiffrement absente ou fichier abîmé). "
        "Prévenez l'équipe d'exploitation ; le document n'est pas perdu tant que la clé est conservée."
    )


@dataclass(frozen=True)
class Details:
    kind: str
    label: str = ""
    expires_on: object = None
    person_id: int | None = None


def _check_details(household, details: Details) -> None:
    errors = {}
    if details.kind not in DocumentKind.values:
        errors["kind"] = [_("Choisissez le type de document.")]
    if details.person_id is not None and not household.people.filter(pk=details.person_id).exists():
        errors["person"] = [_("Cette personne ne fait pas partie du ménage.")]
    if len(details.label or "") > 200:
        errors["label"] = [_("200 caractères au plus.")]
    if errors:
        raise Invalid(fields=errors)


def upload(*, household, uploaded, details: Details, actor=None, access=None) -> Document:
    """Add a paper to the household's vault: checked, cleaned, encrypted, stored, audited."""
    if access is not None:
        require(access.household_id == household.pk)
    else:
        require(perms.can_manage_documents(actor, household), MANAGE_MESSAGE)
    _check_details(household, details)
    plaintext, content_type = files.clean(files.read_upload(uploaded))
    name = files.new_storage_name()
    stored, key_id = crypto.encrypt(plaintext, name=name)
    files.save(name, stored)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                household=household,
                person_id=details.person_id,
                kind=details.kind,
                label=(details.label or "").strip(),
                expires_on=details.expires_on,
                uploaded_by=actor if access is None else None,
                uploaded_by_person=access,
                size=len(plaintext),
                content_type=content_type,
                sha256=files.sha256(plaintext),
                storage_name=name,
                key_id=key_id,
            )
            audit.record_write(
                actor=actor,
                action=A.DOCUMENT_UPLOAD,
                obj=document,
                fields=["kind", "label", "expires_on", "person", "content"],
            )
    except BaseException:
        files.erase(name)
        raise
    return document


@transaction.atomic
def update(*, document: Document, details: Details, expected_version: int, actor) -> Document:
    """Correct the type, the note, whose paper it is, or the expiry date."""
    require(perms.can_manage_documents(actor, document.household), MANAGE_MESSAGE)
    _check_details(document.household, details)
    changed = [
        name
        for name, value in (
            ("kind", details.kind),
            ("label", (details.label or "").strip()),
            ("expires_on", details.expires_on),
            ("person_id", details.person_id),
        )
        if getattr(document, name) != value
    ]
    claim_version(document, expected_version)
    document.kind = details.kind
    document.label = (details.label or "").strip()
    document.expires_on = details.expires_on
    document.person_id = details.person_id
    document.save(update_fields=["kind", "label", "expires_on", "person", "updated_at"])
    audit.record_write(
        actor=actor,
        action=A.DOCUMENT_UPDATE,
        obj=document,
        fields=[n.removesuffix("_id") for n in changed],
    )
    return document


@transaction.atomic
def delete(*, document: Document, actor, expected_version: int | None = None) -> None:
    """Delete a paper: the row is stamped (the trail keeps that it existed) and the encrypted file is
    erased from the storage once the deletion is committed."""
    require(perms.can_manage_documents(actor, document.household), MANAGE_MESSAGE)
    claim_version(document, document.version if expected_version is None else expected_version)
    name = document.storage_name
    document.deleted_at = timezone.now()
    document.storage_name = ""
    document.save(update_fields=["deleted_at", "storage_name", "updated_at"])
    audit.record_write(actor=actor, action=A.DOCUMENT_DELETE, obj=document, fields=["content"])
    transaction.on_commit(lambda: files.erase(name))


def read_content(*, document: Document, actor=None, access=None, purpose: str = "download") -> bytes:
    """The decrypted file, checked against its fingerprint, and its download traced: one row on the
    document, one on the household (the file's « who read it » list shows it to the worker and the
    person). `actor` must have been allowed by the caller's lookup (visible_to / of_person_space)."""
    if access is not None:
        require(access.household_id == document.household_id)
    elif not perms.can_view_documents(actor, document.household):
        raise NotFound()
    if document.deleted_at is not None or not document.storage_name:
        raise NotFound()
    try:
        plaintext = crypto.decrypt(
            files.load(document.storage_name), name=document.storage_name, key_id=document.key_id
        )
    except (crypto.DecryptionError, OSError) as exc:
        # The id of the row and the reason, never a name nor a byte of the file.
        logger.error("document %s unreadable: %s", document.pk, exc)
        raise DocumentUnreadable() from exc
    if files.sha256(plaintext) != document.sha256:
        logger.error("document %s unreadable: fingerprint mismatch", document.pk)
        raise DocumentUnreadable()
    with transaction.atomic():
        audit.record_read(actor=actor, obj=document, sections=["content"], purpose=purpose)
        audit.record_read(actor=actor, obj=document.household, sections=["documents"], purpose=purpose)
    return plaintext


def rekey(*, document: Document) -> bool:
    """Encrypt the file again under the current key (rotation). False if it already was."""
    ring = crypto.keyring()
    if document.key_id == ring.current_id or not document.storage_name:
        return False
    plaintext = crypto.decrypt(
        files.load(document.storage_name), name=document.storage_name, key_id=document.key_id
    )
    new_name = files.new_storage_name()
    stored, key_id = crypto.encrypt(plaintext, name=new_name)
    files.save(new_name, stored)
    old_name = document.storage_name
    try:
        with transaction.atomic():
            Document.objects.filter(pk=document.pk).update(storage_name=new_name, key_id=key_id)
            audit.record_write(actor=None, action=A.DOCUMENT_REKEY, obj=document, fields=["key_id"])
    except BaseException:
        files.erase(new_name)
        raise
    files.erase(old_name)
    document.storage_name, document.key_id = new_name, key_id
    return True
