"""Mon espace on a phone (390 px): a worker invites a person; the person signs in with the SMS code
read from the SMS backend, sees their request, withdraws a consent (the organisation then gets 404),
adds a photo of a paper, gives their own view of two AFFIL items; the worker sees the paper in the
household's documents and the person's view beside theirs. axe-core at zero on every
page the person sees, in French and in Arabic (right to left)."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.core import sms
from parcours.documents.models import Document
from tests.documents.conftest import jpeg_bytes
from tests.factories import (
    ConsentFactory,
    InsertionRequestFactory,
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    api_for,
    make_household,
)

from .test_accessibility import AXE, RUN_AXE
from .test_assessment_keyboard import current_grid

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_VIEWPORT = {"width": 390, "height": 844}


def _axe(page) -> list[str]:
    page.evaluate(AXE)
    return [
        f"{page.url} [{v['impact']}] {v['id']}: {v['help']} — {v['nodes']}" for v in page.evaluate(RUN_AXE)
    ]


def test_a_person_invited_signs_in_by_sms_withdraws_a_consent_and_gives_their_view(
    page, browser, login, client, live_server, shot, journey, tmp_path
):
    TerritoryFactory(code="93")
    current_grid()
    membership = MembershipFactory(
        role=Role.SOCIAL_WORKER, organization=OrganizationFactory(name="Association Cap")
    )
    household = make_household(organization=membership.organization, referent=membership.user)
    InsertionRequestFactory(household=household, validated=True)
    partner = MembershipFactory(
        role=Role.SOCIAL_WORKER, organization=OrganizationFactory(name="CCAS Horizon")
    )
    ConsentFactory(household=household, organization=partner.organization, purpose="support")
    partner_api = api_for(Client(), partner)
    assert partner_api("get", f"/households/{household.pk}").status_code == 200
    sms.outbox.clear()

    # The worker opens the person's access from the household file.
    login(membership.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/menages/{household.pk}/")
    page.get_by_role("link", name="Mon espace de la personne").click()
    page.wait_for_url(f"**/mon-espace/equipe/menage/{household.pk}/")
    assert not _axe(page)
    shot(page, "worker-invite")
    page.get_by_label("Téléphone portable de la personne").fill("06 12 34 56 78")
    page.get_by_label("J'ai vérifié l'identité de la personne en face à face.").check()
    page.get_by_role("button", name="Ouvrir l'accès").click()
    expect(page.get_by_text("Un code a été envoyé par SMS")).to_be_visible()
    assert [m["to"] for m in sms.outbox] == ["+33612345678"]
    assert not _axe(page)
    # The printed-code sheet, for a person without a phone.
    page.get_by_role("button", name="Imprimer un code").click()
    expect(page.locator("[data-code]")).to_be_visible()
    assert not _axe(page)
    shot(page, "worker-printed-code")

    # The person, on their phone.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=PHONE_VIEWPORT)
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    phone.goto("/mon-espace/")
    phone.wait_for_url("**/mon-espace/connexion/")
    assert not _axe(phone)
    field = phone.get_by_label("Votre numéro de téléphone")
    expect(field).to_be_focused()
    phone.keyboard.type("06 12 34 56 78")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/mon-espace/connexion/code/")
    assert not _axe(phone)
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1]["text"]).group(1)
    expect(phone.get_by_label("Le code reçu par SMS")).to_be_focused()
    phone.keyboard.type(code)
    phone.get_by_role("button", name="Me connecter").click()
    phone.wait_for_url("**/mon-espace/")
    expect(phone.get_by_text("par le SIAO, le service qui oriente vers un hébergement")).to_be_visible()
    assert not _axe(phone)
    shot(phone, "person-home")

    # Withdraw the consent given to CCAS Horizon: the organisation loses the file at once.
    phone.get_by_role("link", name="Mes accords de partage").first.click()
    phone.wait_for_url("**/mon-espace/accords/")
    assert not _axe(phone)
    shot(phone, "person-consents")
    phone.get_by_role("button", name="Retirer mon accord à CCAS Horizon").click()
    expect(phone.get_by_text("Votre accord est retiré")).to_be_visible()
    assert partner_api("get", f"/households/{household.pk}").status_code == 404

    # A photo of a paper, from the phone.
    phone.goto("/mon-espace/")
    phone.get_by_role("link", name="Voir et ajouter mes papiers").click()
    phone.wait_for_url("**/mon-espace/documents/")
    phone.get_by_label("Quel papier ?").select_option("residence_permit")
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(jpeg_bytes(size=(800, 600)))
    phone.get_by_label("Photo ou fichier PDF").set_input_files(str(photo))
    phone.get_by_role("button", name="Envoyer mon papier").click()
    expect(phone.get_by_text("Votre papier est bien enregistré")).to_be_visible()
    assert not _axe(phone)
    assert Document.objects.get(household=household).uploaded_by_person_id is not None

    # Their own view of two AFFIL items.
    phone.goto("/mon-espace/")
    phone.get_by_role("link", name="Donner mon avis sur ma situation").click()
    phone.wait_for_url("**/mon-espace/mon-avis/")
    assert not _axe(phone)
    first = phone.get_by_role("group", name=re.compile("Je sais qu'il faut payer le loyer"))
    first.get_by_label("Oui, je sais faire").check()
    first.get_by_label("Je veux ajouter (si vous voulez)").fill("Je paie mon loyer chaque mois.")
    second = phone.get_by_role("group", name=re.compile("Je sais trouver les services"))
    second.get_by_label("J'ai besoin d'aide").check()
    shot(phone, "person-assessment")
    phone.get_by_role("button", name="Enregistrer mon avis").click()
    phone.wait_for_url("**/mon-espace/")
    expect(phone.get_by_text("Votre avis est enregistré")).to_be_visible()

    # Votre avis, and who read the file: checked by axe too.
    for url in ("/mon-espace/votre-avis/", "/mon-espace/qui-a-lu/"):
        phone.goto(url)
        assert not _axe(phone)
    # In Arabic, right to left.
    phone.goto("/mon-espace/")
    phone.get_by_role("button", name="العربية").click()
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    assert not _axe(phone)
    shot(phone, "person-home-ar")
    # Readable at 200 % zoom (and WCAG's reflow at 320 px): no sideways scrolling on any person's page.
    phone.set_viewport_size({"width": 320, "height": 640})
    for url in ("/mon-espace/", "/mon-espace/mon-avis/", "/mon-espace/accords/", "/mon-espace/votre-avis/"):
        phone.goto(url)
        wide = phone.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
            "window.innerWidth + 1 || e.getBoundingClientRect().left < -1)"
            ".map(e => e.tagName + '.' + e.className)"
        )
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            url,
            wide[:5],
        )
    context.close()

    # The worker sees the paper the person added, and the person's view beside theirs.
    page.goto(f"/menages/{household.pk}/documents/")
    expect(page.get_by_text("par la personne (Mon espace)")).to_be_visible()
    page.goto(f"/menages/{household.pk}/evaluations/")
    expect(page.get_by_text("Je paie mon loyer chaque mois.")).to_be_visible()
    shot(page, "worker-sees-person-view")
