"""The outreach's encounter form without network, on a phone (390 px), in Playwright's offline mode:
two encounters noted offline reach the server once each when the network comes back
(docs/continuite.md)."""

import time

import pytest
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.outreach.models import Encounter
from tests.e2e.test_accessibility import AXE, RUN_AXE
from tests.factories import (
    CommuneFactory,
    MembershipFactory,
    OrganizationFactory,
    OutreachTeamFactory,
    RoundFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def _until(page, script: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"never true: {script}"
        page.wait_for_timeout(200)


def test_two_encounters_noted_offline_reach_the_server_once_each(page, login, client, live_server, shot):
    territory = TerritoryFactory(code="93")
    bobigny = CommuneFactory(code="93008")
    association = OrganizationFactory(name="La Halte", territory=territory)
    worker = MembershipFactory(role=Role.SOCIAL_WORKER, organization=association)
    team = OutreachTeamFactory(organization=association, name="Maraude de la Halte", members=[worker])
    RoundFactory(team=team, communes=[bobigny], vehicle="Camion")
    page.set_viewport_size(PHONE)
    login(worker.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/aller-vers/rencontres/nouvelle/")
    _until(page, "navigator.serviceWorker.controller !== null")
    _until(
        page,
        "caches.keys().then(async (keys) => { for (const k of keys) { "
        "if (await (await caches.open(k)).match('/aller-vers/rencontres/nouvelle/')) return true; } "
        "return false; })",
    )

    page.context.set_offline(True)
    page.goto("/aller-vers/")  # any outreach page without network: the kept encounter form
    expect(page.get_by_role("heading", name="Nouvelle rencontre")).to_be_visible()
    for alias in ("Jo au chien", "Dédé"):
        field = page.get_by_label("Surnom ou signe distinctif")
        field.click()
        expect(field).to_be_focused()
        page.keyboard.type(alias)
        page.get_by_text("Mise à l'abri", exact=True).click()
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        expect(field).to_have_value("")
    records = page.locator("[data-offline-records] [data-record]")
    expect(records).to_have_count(2)
    expect(page.locator("[data-offline-outreach]")).to_contain_text("2 rencontres en attente d’envoi")
    shot(page, "outreach-offline-pending")
    page.evaluate(AXE)
    serious = [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    assert not Encounter.objects.exists()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-offline-records] [data-status='recorded']")).to_have_count(2, timeout=15_000)
    shot(page, "outreach-offline-sent")
    assert sorted(Encounter.objects.values_list("alias", flat=True)) == ["Dédé", "Jo au chien"]
    # Sent again (a retry): still two, nothing overwritten.
    page.evaluate(
        "(async () => { const all = await new Promise((resolve) => {"
        " const o = indexedDB.open('parcours-offline');"
        " o.onsuccess = () => { const r = o.result.transaction('records').objectStore('records').getAll();"
        " r.onsuccess = () => resolve(r.result); }; });"
        " const token = (await (await fetch('/aller-vers/hors-ligne/jeton.json')).json()).csrf;"
        " await fetch('/aller-vers/rencontres/envoyer/', {method: 'POST',"
        " headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},"
        " body: JSON.stringify({records: all.map((r) => ({client_id: r.client_id,"
        " alias: 'écrasé', persons: 1}))})}); })()"
    )
    assert sorted(Encounter.objects.values_list("alias", flat=True)) == ["Dédé", "Jo au chien"]
    page.wait_for_timeout(300)
