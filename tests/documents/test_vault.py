"""Encryption at rest, what a file may be, and the trail of every upload and download."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from parcours.core.errors import Invalid
from parcours.core.models import AuditEvent, AuditKind
from parcours.documents import crypto, files, services
from parcours.documents.audit_actions import DocumentAction
from parcours.documents.models import Document

from .conftest import PDF_BYTES, SECRET_TEXT, jpeg_bytes, png_bytes, upload
from .helpers import add_document, file_of

pytestmark = pytest.mark.django_db

OTHER_KEY = "other:" + crypto.new_key()


def _stored_bytes(vault, document) -> bytes:
    return (vault / document.storage_name).read_bytes()


def test_the_stored_file_is_encrypted_and_decrypts_to_the_original(role_network, vault):
    household, worker = file_of(role_network)
    document = add_document(household, worker)

    stored = _stored_bytes(vault, document)
    assert SECRET_TEXT not in stored and b"%PDF" not in stored
    assert stored.startswith(crypto.MAGIC)
    assert document.key_id == "test" and document.size == len(PDF_BYTES)
    assert services.read_content(document=document, actor=worker) == PDF_BYTES


def test_the_storage_name_says_nothing_of_the_person_nor_the_paper(role_network, vault):
    household, worker = file_of(role_network)
    document = add_document(household, worker, kind="identity")
    name = document.storage_name
    assert name.endswith(".bin") and len(name) == len("ab/") + 32 + len(".bin")
    assert household.head.last_name.lower() not in name.lower() and "identity" not in name
    assert [p.name for p in vault.rglob("*") if p.is_file()] == [name.split("/")[1]]


def test_a_wrong_key_fails_safely_without_a_byte_of_the_file(role_network, settings, client, login):
    household, worker = file_of(role_network)
    document = add_document(household, worker)
    settings.PARCOURS_DOCUMENT_KEYS = OTHER_KEY  # the key "test" lost
    c = login(worker)
    reads_before = AuditEvent.objects.count()

    with pytest.raises(services.DocumentUnreadable):
        services.read_content(document=document, actor=worker)
    response = c.get(f"/menages/{household.pk}/documents/{document.pk}/telecharger/")

    assert response.status_code == 503
    assert SECRET_TEXT not in response.content and "attachment" not in response.get("Content-Disposition", "")
    assert "clé de chiffrement" in response.content.decode()
    assert AuditEvent.objects.count() == reads_before  # nothing was handed over, nothing to trace


def test_a_file_swapped_for_another_documents_file_does_not_decrypt(role_network, vault):
    household, worker = file_of(role_network)
    first, second = (
        add_document(household, worker),
        add_document(household, worker, content=b"%PDF-1.7 autre"),
    )
    (vault / first.storage_name).write_bytes(_stored_bytes(vault, second))
    with pytest.raises(services.DocumentUnreadable):
        services.read_content(document=first, actor=worker)


def test_key_rotation_reencrypts_under_the_new_key_and_the_old_key_can_go(role_network, settings, vault):
    household, worker = file_of(role_network)
    document = add_document(household, worker)
    old_name = document.storage_name
    settings.PARCOURS_DOCUMENT_KEYS = f"{OTHER_KEY},test:{settings.PARCOURS_DOCUMENT_KEYS.split(':', 1)[1]}"

    call_command("documents_rekey", "--wet-run", stdout=io.StringIO())

    document.refresh_from_db()
    assert document.key_id == "other" and document.storage_name != old_name
    assert not (vault / old_name).exists()
    settings.PARCOURS_DOCUMENT_KEYS = OTHER_KEY
    assert services.read_content(document=document, actor=worker) == PDF_BYTES


def test_a_malformed_keyring_is_refused_at_start_up(settings):
    from parcours.documents.checks import document_keys_configured

    settings.PARCOURS_DOCUMENT_KEYS = ""
    assert [e.id for e in document_keys_configured(None)] == ["parcours.E020"]
    settings.PARCOURS_DOCUMENT_KEYS = "k1:too-short"
    assert [e.id for e in document_keys_configured(None)] == ["parcours.E020"]


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<!doctype html><html><script>alert(1)</script></html>", "avis.pdf"),
        (b"MZ\x90\x00 an executable", "photo.jpg"),
        (b"PK\x03\x04 a zip or an office file", "bulletin.png"),
    ],
)
def test_a_file_is_judged_on_its_content_not_its_name(role_network, content, name, vault):
    household, worker = file_of(role_network)
    with pytest.raises(Invalid) as refused:
        services.upload(
            household=household,
            uploaded=upload(content, name=name),
            details=services.Details(kind="tax_notice"),
            actor=worker,
        )
    assert "ni un PDF ni une photo" in refused.value.fields["file"][0]
    assert not Document.objects.exists() and not any(vault.rglob("*.bin"))


def test_an_image_that_only_starts_like_a_jpeg_is_refused(role_network):
    household, worker = file_of(role_network)
    with pytest.raises(Invalid) as refused:
        add_document(household, worker, content=b"\xff\xd8\xff" + b"not really a photo" * 10)
    assert "abîmée" in refused.value.fields["file"][0]


def test_a_file_over_the_limit_is_refused(role_network, settings):
    settings.PARCOURS_DOCUMENT_MAX_BYTES = 1024 * 1024
    household, worker = file_of(role_network)
    with pytest.raises(Invalid) as refused:
        add_document(household, worker, content=b"%PDF-1.4" + b"0" * (1024 * 1024))
    assert "trop lourd : 1 Mo au plus" in refused.value.fields["file"][0]
    assert not Document.objects.exists()


def test_an_empty_file_is_refused(role_network):
    household, worker = file_of(role_network)
    with pytest.raises(Invalid):
        add_document(household, worker, content=b"")


def test_a_photo_loses_its_exif_metadata(role_network):
    household, worker = file_of(role_network)
    original = jpeg_bytes(exif=True)
    assert b"PhoneModel" in original
    document = add_document(household, worker, content=original)
    kept = services.read_content(document=document, actor=worker)
    assert document.content_type == "image/jpeg" and b"PhoneModel" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (64, 48) and not image.getexif()


def test_a_png_is_accepted(role_network):
    household, worker = file_of(role_network)
    assert add_document(household, worker, content=png_bytes()).content_type == "image/png"


def test_sniffing_reads_the_magic_bytes():
    assert files.sniff(b"%PDF-1.7") == files.PDF
    assert files.sniff(b"\xff\xd8\xff\xe0") == files.JPEG
    assert files.sniff(files.PNG_SIGNATURE) == files.PNG
    assert files.sniff(b"GIF89a") is None


def test_upload_download_and_delete_are_each_traced(role_network, client, login, vault):
    household, worker = file_of(role_network)
    c = login(worker)
    response = c.post(
        f"/menages/{household.pk}/documents/",
        {"kind": "payslip", "file": upload(), "person": "", "label": "", "expires_on": ""},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    trail = AuditEvent.objects.for_object("documents.document", document.pk)
    assert list(trail.values_list("action", flat=True)) == [DocumentAction.DOCUMENT_UPLOAD]

    response = c.get(f"/menages/{household.pk}/documents/{document.pk}/telecharger/")
    assert response.status_code == 200 and response.content == PDF_BYTES
    assert response["Content-Disposition"] == f'attachment; filename="document-{document.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    # The site's policy holds for a served file too: nothing runs, loads or frames it.
    from tests.core.test_security_headers import assert_page_is_csp_safe

    assert_page_is_csp_safe("document download", response)
    assert "sandbox" in response["Content-Security-Policy"]
    read = trail.filter(kind=AuditKind.READ).get()
    assert (read.actor, read.sections, read.purpose) == (worker, ["content"], "download")
    on_file = AuditEvent.objects.for_object("households.household", household.pk).filter(
        sections=["documents"]
    )
    assert on_file.filter(purpose="download").count() == 1  # in the file's « who read it »

    assert c.post(f"/menages/{household.pk}/documents/{document.pk}/supprimer/").status_code == 302
    document.refresh_from_db()
    assert document.deleted_at is not None and not any(vault.rglob("*.bin"))
    assert trail.filter(action=DocumentAction.DOCUMENT_DELETE).count() == 1
    assert c.get(f"/menages/{household.pk}/documents/{document.pk}/telecharger/").status_code == 404


def test_a_refused_upload_shows_a_french_message_and_keeps_nothing(role_network, client, login, vault):
    household, worker = file_of(role_network)
    response = login(worker).post(
        f"/menages/{household.pk}/documents/",
        {"kind": "payslip", "file": upload(b"<html>not a pdf</html>", name="paie.pdf")},
    )
    assert response.status_code == 400
    assert "ni un PDF ni une photo" in response.content.decode()
    assert not Document.objects.exists() and not any(vault.rglob("*.bin"))


def test_the_expiry_date_is_corrected_with_the_version_read(role_network, client, login):
    household, worker = file_of(role_network)
    document = add_document(household, worker)
    c = login(worker)
    url = f"/menages/{household.pk}/documents/{document.pk}/modifier/"
    form = {"kind": "tax_notice", "person": "", "label": "2026", "expires_on": "2027-09-30", "version": 1}
    assert c.post(url, form).status_code == 302
    document.refresh_from_db()
    assert (str(document.expires_on), document.label, document.version) == ("2027-09-30", "2026", 2)
    stale = c.post(url, {**form, "expires_on": "2028-01-01"})
    assert stale.status_code == 400 and "modifiée entre-temps" in stale.content.decode()
    document.refresh_from_db()
    assert str(document.expires_on) == "2027-09-30"
