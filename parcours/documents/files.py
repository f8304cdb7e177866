"""What a document file may be, and where its encrypted bytes go.

The type is read from the first bytes of the file (PDF, JPEG, PNG), never from its name nor from the
type the browser announces. A photo is opened and written again with Pillow: a file that only starts
like an image is refused, and the EXIF metadata of a phone's photo (where and when it was taken, the
phone's model) are dropped; the orientation is applied first so that the photo stays upright.
"""

import hashlib
import io
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from parcours.core.errors import Invalid

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
ACCEPTED = (PDF, JPEG, PNG)
# What the file inputs propose (the check is made on the content, whatever the browser says).
ACCEPT_ATTRIBUTE = "image/*,application/pdf"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def storage():
    """The "documents" storage of settings.STORAGES: a folder by default, S3 in production."""
    return storages["documents"]


def max_bytes() -> int:
    return int(settings.PARCOURS_DOCUMENT_MAX_BYTES)


def sniff(head: bytes) -> str | None:
    """The type the file's first bytes show, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(PNG_SIGNATURE):
        return PNG
    return None


def _field_error(message) -> Invalid:
    return Invalid(fields={"file": [message]})


def read_upload(uploaded) -> bytes:
    """The bytes of an uploaded file, refused past the size limit without reading it all."""
    limit = max_bytes()
    if uploaded is None:
        raise _field_error(_("Choisissez un fichier."))
    if getattr(uploaded, "size", None) is not None and uploaded.size > limit:
        raise _field_error(too_big_message())
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise _field_error(too_big_message())
    if not data:
        raise _field_error(_("Ce fichier est vide."))
    return data


def too_big_message() -> str:
    return _("Ce fichier est trop lourd : %(n)d Mo au plus. Pour une photo, réduisez sa taille.") % {
        "n": max_bytes() // (1024 * 1024)
    }


def clean(data: bytes) -> tuple[bytes, str]:
    """The bytes to keep and their type, or Invalid with a French message for the form's file field."""
    content_type = sniff(data[:16])
    if content_type is None:
        raise _field_error(
            _(
                "Ce fichier n'est ni un PDF ni une photo (JPEG ou PNG). Le nom du fichier ne suffit pas : "
                "enregistrez le document en PDF ou prenez-le en photo."
            )
        )
    if content_type == PDF:
        return data, content_type
    return _clean_image(data, content_type), content_type


def _clean_image(data: bytes, content_type: str) -> bytes:
    """The photo written again without its metadata; a damaged or fake image is refused."""
    damaged = _field_error(_("Cette photo est abîmée ou n'est pas une vraie image : reprenez-la."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if content_type == JPEG:
                if upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                upright.save(out, format="JPEG", quality=90, optimize=True)
            else:
                upright.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise damaged from exc
    cleaned = out.getvalue()
    if len(cleaned) > max_bytes():
        raise _field_error(too_big_message())
    return cleaned


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_storage_name() -> str:
    """A random name, the same for every kind of paper: nothing in it says whose or what it is."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}.bin"


def save(name: str, stored: bytes) -> str:
    saved = storage().save(name, ContentFile(stored))
    if saved != name:  # a name taken (never in practice: 128 random bits): refuse rather than guess
        storage().delete(saved)
        raise RuntimeError("document storage name collision")
    return saved


def load(name: str) -> bytes:
    with storage().open(name, "rb") as file:
        return file.read()


def erase(name: str) -> None:
    if name and storage().exists(name):
        storage().delete(name)
