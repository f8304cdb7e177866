"""API v1 of the document vault: list, add (multipart), download — the same rules as the pages."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from parcours.api.schemas import ErrorOut
from parcours.core.errors import NotFound
from parcours.households.services import record_read

from . import services
from .choices import DocumentKind
from .models import Document
from .views import download_response, household_or_404

router = Router(tags=["documents"])
NOT_FOUND = "Ménage ou document introuvable."


class DocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    label: str
    person: int | None
    expires_on: date | None
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    uploaded_by_person: bool
    version: int


def _out(d: Document) -> dict:
    return {
        "id": d.pk,
        "kind": d.kind,
        "kind_label": str(d.get_kind_display()),
        "label": d.label,
        "person": d.person_id,
        "expires_on": d.expires_on,
        "content_type": d.content_type,
        "size": d.size,
        "sha256": d.sha256,
        "created_at": d.created_at,
        "uploaded_by_person": d.uploaded_by_person_id is not None,
        "version": d.version,
    }


@router.get(
    "/households/{int:household_id}/documents",
    response={200: list[DocumentOut], 404: ErrorOut},
    summary="Lister les documents d'un ménage",
)
def list_documents(request, household_id: int):
    household = household_or_404(request, household_id, NOT_FOUND)
    papers = (
        Document.objects.visible_to(request.user).filter(household=household).order_by("-created_at", "-pk")
    )
    record_read(actor=request.user, household=household, sections=["documents"], purpose="api")
    return [_out(d) for d in papers]


def _optional(value: str, field: str, parse, message: str):
    """A multipart field read as an HTML form reads it: empty is "not given", else `parse`d, or
    refused with `message` on `field`."""
    if not value.strip():
        return None
    try:
        return parse(value.strip())
    except ValueError:
        raise ValidationError({field: message}) from None


@router.post(
    "/households/{int:household_id}/documents",
    response={201: DocumentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Ajouter un document (multipart : file, kind, label, expires_on, person)",
)
def add_document(
    request,
    household_id: int,
    file: File[UploadedFile],
    kind: Form[DocumentKind],
    label: Form[str] = "",
    expires_on: Form[str] = "",
    person: Form[str] = "",
):
    household = household_or_404(request, household_id, NOT_FOUND)
    expires_on = _optional(
        expires_on, "expires_on", date.fromisoformat, _("Date attendue au format AAAA-MM-JJ.")
    )
    person = _optional(person, "person", int, _("Numéro attendu."))
    document = services.upload(
        household=household,
        uploaded=file,
        details=services.Details(kind=kind, label=label, expires_on=expires_on, person_id=person),
        actor=request.user,
    )
    return Status(201, _out(document))


@router.get(
    "/households/{int:household_id}/documents/{int:document_id}/content",
    response={200: None, 404: ErrorOut, 503: ErrorOut},
    summary="Télécharger un document (déchiffré, tracé)",
)
def document_content(request, household_id: int, document_id: int):
    household = household_or_404(request, household_id, NOT_FOUND)
    document = Document.objects.visible_to(request.user).filter(household=household, pk=document_id).first()
    if document is None:
        raise NotFound(NOT_FOUND)
    content = services.read_content(document=document, actor=request.user, purpose="api_download")
    return download_response(document, content)
