"""The document vault's tests: each test's documents in a folder of its own, and sample files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# A real (tiny) PDF: what a scanner or a "save as PDF" writes first.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
) + b"Avis d'imposition 2026 - revenu fiscal de reference 8 400 euros" * 20
SECRET_TEXT = b"revenu fiscal de reference"


def jpeg_bytes(*, exif: bool = False, size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0110] = "PhoneModel X"  # Model
        data[0x0132] = "2026:12:01 10:00:00"  # DateTime
        kwargs["exif"] = data.tobytes()
    image.save(out, format="JPEG", **kwargs)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 255)).save(out, format="PNG")
    return out.getvalue()


def upload(content: bytes = PDF_BYTES, name: str = "avis.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def vault(settings, tmp_path):
    """The "documents" storage in this test's own folder (returned)."""
    folder = tmp_path / "vault"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    return folder
