"""On a phone (390 px), the person adds a photo of a paper in "Mon espace"; the worker then sees it in
the household's documents and downloads it, decrypted, without its EXIF metadata."""

from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.documents.models import Document
from parcours.portal.auth import SESSION_KEY
from tests.documents.conftest import jpeg_bytes
from tests.factories import MembershipFactory, PortalAccessFactory, TerritoryFactory, make_household

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter((v) => ["serious", "critical"].includes(v.impact)).map((v) => v.id + ": " + v.help)"""


def _person_cookie(access) -> str:
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = access.pk
    session.save()
    return session.session_key


def test_the_person_uploads_a_photo_from_their_phone_and_the_worker_downloads_it(
    page, browser, login, client, live_server, shot, tmp_path
):
    TerritoryFactory(code="93")
    membership = MembershipFactory(role=Role.SOCIAL_WORKER)
    worker = membership.user
    household = make_household(organization=membership.organization, referent=worker)
    access = PortalAccessFactory(household=household, invited_by=worker)

    # The person, on their phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": _person_cookie(access), "url": live_server.url}]
    )
    page.goto("/mon-espace/")
    page.get_by_role("link", name="Voir et ajouter mes papiers").click()
    page.wait_for_url("**/mon-espace/documents/")
    expect(page.get_by_role("heading", name="Mes papiers", exact=True)).to_be_visible()
    page.get_by_label("Quel papier ?").select_option("residence_permit")
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(jpeg_bytes(exif=True, size=(800, 600)))
    page.get_by_label("Photo ou fichier PDF").set_input_files(str(photo))
    page.get_by_role("button", name="Envoyer mon papier").click()
    expect(page.get_by_text("Votre papier est bien enregistré")).to_be_visible()
    expect(page.get_by_role("link", name="Titre de séjour")).to_be_visible()
    page.evaluate(AXE)
    assert page.evaluate(RUN_AXE) == []
    shot(page, "mon-espace-papiers")
    document = Document.objects.get()
    assert document.uploaded_by_person_id == access.pk

    # The worker, at their desk.
    login(worker)
    desk = browser.new_context(base_url=live_server.url, locale="fr-FR", accept_downloads=True)
    try:
        staff = desk.new_page()
        staff.set_default_timeout(10_000)
        desk.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        staff.goto(f"/menages/{household.pk}/")
        staff.get_by_role("link", name="Documents", exact=True).click()
        staff.wait_for_url(f"**/menages/{household.pk}/documents/")
        expect(staff.get_by_text("par la personne (Mon espace)")).to_be_visible()
        staff.evaluate(AXE)
        assert staff.evaluate(RUN_AXE) == []
        shot(staff, "documents-du-menage")
        with staff.expect_download() as download:
            staff.get_by_role("link", name="Télécharger — Titre de séjour").click()
        saved = Path(download.value.path()).read_bytes()
        assert download.value.suggested_filename == f"document-{document.pk}.jpg"
        assert saved.startswith(b"\xff\xd8\xff") and b"PhoneModel" not in saved
    finally:
        desk.close()
