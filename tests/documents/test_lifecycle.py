"""The person's papers in "Mon espace", the expiry reminders, retention and backup + restore."""

import datetime as dt
import io
import os
import shutil

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from parcours.core import retention
from parcours.core.models import AuditEvent, AuditKind
from parcours.documents import reminders, services
from parcours.documents.models import Document
from parcours.households.home import my_households
from parcours.portal import sections
from tests.factories import PortalAccessFactory, make_household, portal_login

from .conftest import PDF_BYTES, jpeg_bytes, upload
from .helpers import add_document, file_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(role_network):
    household, worker = file_of(role_network)
    access = PortalAccessFactory(household=household, invited_by=worker)
    return access, household, worker


def test_the_person_adds_a_photo_from_their_phone_and_the_worker_downloads_it(person, login):
    access, household, worker = person
    me = portal_login(Client(), access)
    page = me.get("/mon-espace/documents/")
    assert page.status_code == 200
    assert 'accept="image/*,application/pdf"' in page.content.decode() and "capture" in page.content.decode()

    sent = me.post(
        "/mon-espace/documents/",
        {"kind": "residence_permit", "file": upload(jpeg_bytes(exif=True), "IMG_0001.jpg", "image/jpeg")},
    )
    assert sent.status_code == 302
    document = Document.objects.get()
    assert (document.uploaded_by_person, document.uploaded_by, document.person) == (
        access,
        None,
        access.person,
    )
    assert "Titre de séjour" in me.get("/mon-espace/documents/").content.decode()
    assert me.get(f"/mon-espace/documents/{document.pk}/telecharger/").status_code == 200

    staff = login(worker)
    listed = staff.get(f"/menages/{household.pk}/documents/").content.decode()
    assert "Titre de séjour" in listed and "par la personne (Mon espace)" in listed
    response = staff.get(f"/menages/{household.pk}/documents/{document.pk}/telecharger/")
    assert response.status_code == 200 and response.content.startswith(b"\xff\xd8\xff")
    assert b"PhoneModel" not in response.content
    # The person's own download is traced on the file too (« who read it »).
    reads = AuditEvent.objects.for_object("households.household", household.pk).filter(kind=AuditKind.READ)
    assert reads.filter(purpose="portal_download", actor__isnull=True).count() == 1


def test_the_person_is_told_in_plain_french_when_a_file_is_refused(person):
    access, _household, _worker = person
    response = portal_login(Client(), access).post(
        "/mon-espace/documents/", {"kind": "payslip", "file": upload(b"<html></html>", "paie.pdf")}
    )
    assert response.status_code == 400 and "ni un PDF ni une photo" in response.content.decode()
    assert not Document.objects.exists()


def test_a_person_never_reaches_another_households_document(person, role_network):
    access, _household, _worker = person
    other = make_household(organization=role_network.partner, referent=role_network.other_worker)
    foreign = add_document(other, role_network.other_worker)
    me = portal_login(Client(), access)
    assert me.get(f"/mon-espace/documents/{foreign.pk}/telecharger/").status_code == 404
    assert str(foreign.pk) not in [str(d["id"]) for d in sections.api_data(access)["documents"]]
    # Nor a staff page of documents.
    response = me.get(f"/menages/{other.pk}/documents/{foreign.pk}/telecharger/")
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_a_co_member_protected_from_the_person_keeps_their_papers_to_themselves(person):
    """Violence or separation: the worker protects Awa from the other adults of the household; her
    papers stay out of their « Mon espace » (list, download, API), and she still sees her own."""
    import datetime as dt

    from parcours.portal.models import CoMemberProtection
    from tests.factories import PersonFactory

    access, household, worker = person
    awa = PersonFactory(
        household=household, first_name="Awa", relationship="spouse", birth_date=dt.date(1987, 2, 14)
    )
    CoMemberProtection.objects.create(person=awa, set_by=worker)
    hers = add_document(household, worker, kind="residence_permit", person_id=awa.pk)
    his = add_document(household, worker, kind="payslip", person_id=access.person_id)

    me = portal_login(Client(), access)
    assert me.get(f"/mon-espace/documents/{hers.pk}/telecharger/").status_code == 404
    assert [d["id"] for d in sections.api_data(access)["documents"]] == [his.pk]
    page = me.get("/mon-espace/documents/").content.decode()
    assert f"/mon-espace/documents/{hers.pk}/" not in page and f"/mon-espace/documents/{his.pk}/" in page

    her_access = PortalAccessFactory(household=household, person=awa, invited_by=worker)
    assert hers.pk in [d["id"] for d in sections.api_data(her_access)["documents"]]


def test_a_revoked_access_reaches_no_document(person):
    access, household, worker = person
    document = add_document(household, worker)
    me = portal_login(Client(), access)
    access.revoked_at = timezone.now()
    access.save()
    assert me.get(f"/mon-espace/documents/{document.pk}/telecharger/").status_code == 302


def test_the_portal_api_section_lists_the_households_documents(person):
    access, household, worker = person
    document = add_document(household, worker, expires_on=dt.date(2027, 3, 1))
    listed = sections.api_data(access)["documents"]
    assert [(d["id"], d["kind"], d["expires_on"]) for d in listed] == [
        (document.pk, "tax_notice", "2027-03-01")
    ]
    home = portal_login(Client(), access).get("/mon-espace/")
    assert "Mes papiers" in home.content.decode()


def test_documents_about_to_expire_are_on_the_referents_work_list_and_reminded(role_network, settings):
    household, worker = file_of(role_network)
    today = timezone.localdate()
    soon = add_document(household, worker, kind="residence_permit", expires_on=today + dt.timedelta(days=30))
    add_document(household, worker, kind="payslip", expires_on=today + dt.timedelta(days=90))
    add_document(household, worker, kind="identity")

    assert [d.pk for d in reminders.expiring(30)] == [soon.pk]
    panel = my_households(worker, worker.active_membership)
    assert any("Titre de séjour à renouveler avant le" in row.reason for row in panel.rows)

    called = []
    reminders.EXPIRY_HOOKS.append(lambda document, days: called.append((document.pk, days)))
    try:
        out = io.StringIO()
        call_command("documents_daily", stdout=out)
        assert called == [] and "rappels à envoyer aujourd'hui : 1" in out.getvalue()
        call_command("documents_daily", "--wet-run", stdout=io.StringIO())
        assert called == [(soon.pk, 30)]
    finally:
        reminders.EXPIRY_HOOKS.pop()


def test_anonymisation_erases_the_files(role_network, vault):
    household, worker = file_of(role_network)
    document = add_document(household, worker)
    assert any(vault.rglob("*.bin"))

    retention.anonymise([household.pk])

    document.refresh_from_db()
    assert document.deleted_at is not None and document.storage_name == "" and document.sha256 == ""
    assert document.kind == "tax_notice"  # counted, kept
    assert not any(vault.rglob("*.bin"))


def test_the_export_lists_the_documents_not_their_content(role_network, client, login):
    household, worker = file_of(role_network)
    add_document(household, worker, kind="caf_certificate")
    from parcours.households.export import household_export

    exported = household_export(household, worker)["documents"]
    assert exported[0]["kind"] == "Attestation CAF (allocations familiales)" and exported[0]["size"] == len(
        PDF_BYTES
    )
    assert not any("PDF" in str(v) and len(str(v)) > 100 for v in exported[0].values())


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_of_the_database_and_the_vault_give_readable_documents(
    role_network, tmp_path, vault
):
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        if os.environ.get("CI"):
            pytest.fail("pg_dump and pg_restore are required in CI")
        pytest.skip("pg_dump/pg_restore not on PATH")
    household, worker = file_of(role_network)
    document = add_document(household, worker)
    photo = add_document(household, worker, content=jpeg_bytes(), kind="identity")
    photo_bytes = services.read_content(document=photo, actor=worker)

    dump = tmp_path / "parcours.dump"
    call_command("backup", str(dump), stdout=io.StringIO())
    shutil.copytree(vault, tmp_path / "vault-backup")  # docs/documents.md: the folder with the database

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(vault)
    assert not Document.objects.exists()

    call_command("restore", str(dump), stdout=io.StringIO())
    shutil.copytree(tmp_path / "vault-backup", vault)

    restored = Document.objects.get(pk=document.pk)
    worker.refresh_from_db()
    worker.active_membership = worker.memberships.get()
    assert services.read_content(document=restored, actor=worker) == PDF_BYTES
    assert services.read_content(document=Document.objects.get(pk=photo.pk), actor=worker) == photo_bytes


def test_without_a_persons_session_the_papers_send_to_the_persons_sign_in(person):
    _access, household, worker = person
    document = add_document(household, worker)
    for url in ("/mon-espace/documents/", f"/mon-espace/documents/{document.pk}/telecharger/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"] == "/mon-espace/connexion/"
