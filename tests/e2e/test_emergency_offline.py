"""The 115 without network (docs/continuite.md), in chromium with Playwright's offline mode: the
board's places kept by the service worker, a call noted offline and replayed once when the network
comes back, and a provisional place taken meanwhile by an online colleague ending as a task."""

import time
import uuid

import pytest
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.emergency import services
from parcours.emergency.models import EmergencyCall, EmergencyRequest, NightAllocation
from parcours.emergency.nights import current_night
from tests.e2e.test_accessibility import AXE, RUN_AXE
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_emergency_facility,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _until(page, script: str, timeout: float = 15) -> None:
    """Poll `script` (page.evaluate: the strict CSP forbids wait_for_function's eval) until true."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"never true: {script}"
        page.wait_for_timeout(200)


def _settled(page) -> None:
    """The page's own requests are answered (its banner has read the snapshot) before the test's
    database is flushed."""
    _until(page, "document.querySelector('[data-offline-banner]').dataset.state !== undefined")
    page.wait_for_timeout(300)


def _ready_handler(page, login, client, live_server):
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=TerritoryFactory(code="93"))
    facility, units = make_emergency_facility(organization=OrganizationFactory(name="Les Amarres"), units=2)
    handler = MembershipFactory(role=Role.CALL_HANDLER, organization=siao)
    colleague = MembershipFactory(role=Role.CALL_HANDLER, organization=siao)
    login(handler.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/115/")
    # The service worker controls the page and keeps the offline page and tonight's places.
    _until(page, "navigator.serviceWorker.controller !== null")
    _until(
        page,
        """(async () => {
            const keys = await caches.keys();
            for (const key of keys) {
                const cache = await caches.open(key);
                const page = await cache.match('/115/hors-ligne/');
                if (page && await cache.match('/115/hors-ligne/tableau.json')) return true;
            }
            return false;
        })()""",
    )
    return facility, units, colleague


def _note_call(page, *, name: str, unit_label: str | None = None):
    page.get_by_label("Prénom ou surnom (sans dossier)").fill(name)
    page.get_by_label("Personnes", exact=True).fill("1")
    if unit_label:
        page.get_by_label("Place provisoire (tableau gardé)").select_option(label=unit_label)
    page.get_by_role("button", name="Noter l'appel (envoi différé)").click()


def test_a_call_noted_offline_is_replayed_once_when_the_network_is_back(
    page, login, client, live_server, shot
):
    facility, units, _colleague = _ready_handler(page, login, client, live_server)
    page.context.set_offline(True)
    # Any 115 page, reloaded without network, falls back to the offline page and tonight's places.
    page.goto("/115/")
    expect(page.locator("[data-offline-form]")).to_be_visible()
    banner = page.locator("[data-offline-banner]")
    expect(banner).to_have_attribute("data-state", "offline")
    expect(banner).to_contain_text("Hors ligne — tableau du")
    expect(page.locator("[data-snapshot-cards] [data-facility]")).to_have_count(1)

    _note_call(page, name="Momo", unit_label="Chambre 1 (1)")
    record = page.locator("[data-record]")
    expect(record).to_have_attribute("data-status", "pending")
    expect(banner).to_contain_text("1 appel en attente d’envoi")
    shot(page, "115-offline-pending")
    page.evaluate(AXE)
    serious = [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    assert not EmergencyCall.objects.exists()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(record).to_have_attribute("data-status", "allocated", timeout=15_000)
    expect(banner).to_be_hidden()
    shot(page, "115-offline-sent")
    call = EmergencyCall.objects.get()
    assert call.recorded_offline and call.client_id == uuid.UUID(record.get_attribute("data-record"))
    assert NightAllocation.objects.get().unit == units[0]
    # Sent again (the button, a second tab): still one call; nothing personal left on the device.
    page.evaluate(
        "fetch('/115/hors-ligne/tableau.json').then(r => r.json()).then(b => "
        "fetch('/115/hors-ligne/envoyer/', {method: 'POST', "
        "headers: {'Content-Type': 'application/json', 'X-CSRFToken': b.csrf}, "
        f"body: JSON.stringify({{records: [{{client_id: '{call.client_id}', "
        "recorded_at: new Date().toISOString(), persons: 1, night: b.night}]})}))"
    )
    kept = page.evaluate(
        """new Promise((resolve) => { const open = indexedDB.open('parcours-offline');
            open.onsuccess = () => {
                const r = open.result.transaction('records').objectStore('records').getAll();
                r.onsuccess = () => resolve(r.result);
            }; })"""
    )
    assert [r["payload"] for r in kept] == [None]
    assert EmergencyCall.objects.count() == 1
    _settled(page)


def test_a_place_taken_online_meanwhile_ends_as_a_task_not_a_second_booking(
    page, login, client, live_server, shot
):
    facility, units, colleague = _ready_handler(page, login, client, live_server)
    page.goto("/115/hors-ligne/")
    # The server fails while the network stays up: the service worker answers with what it kept.
    page.context.route("**/115/hors-ligne/tableau.json", lambda route: route.abort())
    page.context.route("**/115/hors-ligne/envoyer/", lambda route: route.abort())
    _note_call(page, name="Lina", unit_label="Chambre 1 (1)")
    expect(page.locator("[data-record]")).to_have_attribute("data-status", "pending")
    banner = page.locator("[data-offline-banner]")
    expect(banner).to_have_attribute("data-state", "offline")
    expect(banner).to_contain_text("1 appel en attente d’envoi")
    send = page.get_by_role("button", name="Envoyer maintenant")
    expect(send).to_be_visible()
    send.click()  # still down: the call waits
    expect(page.locator("[data-record]")).to_have_attribute("data-status", "pending")

    # Meanwhile a colleague, online, gives the same room to another caller.
    user = as_member(colleague)
    other = services.request_create(actor=user, night=current_night(), persons=1)
    services.allocate(actor=user, request=other, unit=units[0])

    page.context.unroute_all()
    if send.is_visible():  # the 30-second retry may have sent it first: the outcome is the same
        send.click()
    record = page.locator("[data-record]")
    expect(record).to_have_attribute("data-status", "task", timeout=15_000)
    expect(record).to_contain_text("place prise entre-temps")
    assert NightAllocation.objects.filter(unit=units[0], status="booked").count() == 1
    waiting = EmergencyRequest.objects.get(caller_name="Lina")
    assert (waiting.status, waiting.replay_task) == ("open", "place_taken")

    page.goto("/")
    task = page.get_by_role("link", name="Lina")
    expect(task).to_be_visible()
    shot(page, "115-offline-task-home")
    task.click()
    page.wait_for_url(f"**/115/demandes/{waiting.pk}/")
    expect(page.locator("[data-replay-task]")).to_contain_text("place prise entre-temps")
    _settled(page)


def test_logging_out_wipes_what_the_browser_kept(page, login, client, live_server):
    """A shared computer: after a logout, the next person finds neither the kept pages (the board,
    the user's name) nor the offline records (Clear-Site-Data on the logout's answer)."""
    _ready_handler(page, login, client, live_server)
    page.evaluate("document.querySelector('form[data-prc-logout]').requestSubmit()")
    page.wait_for_url("**/compte/connexion/**")
    _until(page, "(async () => (await caches.keys()).length === 0)()")
    _until(page, "(async () => (await navigator.serviceWorker.getRegistrations()).length === 0)()")
    page.goto("/115/")
    page.wait_for_url("**/compte/connexion/**")
