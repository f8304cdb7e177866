"""The 115's night screens in a browser (issue 15): from a call to a bed, counted in clicks and page
loads, and the board, the call, the request and the dashboard at 1366 and 390 px."""

import re

import pytest
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.core import sms
from parcours.emergency import services
from parcours.emergency.nights import current_night
from parcours.territories.models import Commune
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_emergency_facility,
    make_household,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def night(page, login, client, live_server):
    """A call handler of the SIAO 93, logged in the browser; three CHUs with their address, phone and
    door code; a known household and an anonymous caller waiting."""
    t93 = TerritoryFactory(code="93")
    drancy = Commune.objects.create(code="93029", name="Drancy", territory=t93, postal_codes=["93700"])
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    association = OrganizationFactory(name="Les Amarres", territory=t93)
    facilities = []
    for n, (sex, household, units, capacity) in enumerate(
        [("F", "single", 3, 1), ("any", "family", 2, 4), ("M", "single", 4, 1)], start=1
    ):
        facility, _units = make_emergency_facility(
            organization=association,
            units=units,
            capacity=capacity,
            accepted_sex=sex,
            accepted_household=household,
            commune=drancy,
            street_address=f"{n} rue de la Gare",
            postcode="93700",
            phone=f"01 99 00 00 0{n}",
            door_code=f"10{n}A",
            opening_hours="Arrivée de 19 h à 23 h.",
            pets_accepted=n == 2,
            wheelchair_accessible=n == 2,
            couples_accepted=n == 2,
        )
        facilities.append(facility)
    handler = MembershipFactory(role=Role.CALL_HANDLER, organization=siao)
    coordinator = as_member(MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao))
    household = make_household(organization=siao)
    services.call_take(
        actor=coordinator, household=household, night=current_night(), note="Attend à la gare."
    )
    services.call_take(actor=coordinator, caller_name="Mamadou", night=current_night(), persons=1)
    login(handler.user)
    # The machine may be busy (parallel suites): wait longer than the defaults before failing.
    page.set_default_timeout(30_000)
    expect.set_options(timeout=20_000)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return {"facilities": facilities}


def test_from_a_call_to_a_bed(page, night, journey, shot):
    sms.outbox.clear()
    page.goto("/115/")
    expect(page.locator("[data-free-summary]")).to_contain_text("15 places libres")
    shot(page, "115-board")
    journey.loads = 0  # counted from the board, where the call handler waits for the phone

    journey.click(page.locator("main").get_by_role("link", name="Nouvel appel"))
    expect(page).to_have_url(re.compile(r"/115/appels/nouveau/$"))
    page.get_by_label("Prénom ou surnom (sans dossier)").fill("Awa")
    page.get_by_label("Nombre de personnes").fill("1")
    page.get_by_label("Femme seule ou avec enfants").check()  # a click on the checkbox
    journey.clicks += 1
    page.get_by_label("Téléphone pour le SMS").fill("06 12 34 56 78")
    page.get_by_label("Note sur l'appel").fill("Appelle depuis la gare du Nord.")
    shot(page, "115-new-call")
    journey.click(page.get_by_role("button", name="Enregistrer l'appel"))

    expect(page.locator("h1")).to_contain_text("Awa (sans dossier)")
    expect(page.locator("[data-call-note]")).to_have_text("Appelle depuis la gare du Nord.")
    # Only the women's CHU fits: one row for the facility, not one per bed.
    expect(page.locator("[data-place-groups] > li")).to_have_count(1)
    shot(page, "115-request")
    journey.click(page.get_by_role("button", name=re.compile("Attribuer une place à")))

    expect(page.locator('[data-status="allocated"]')).to_be_visible()
    expect(page.locator("[data-place-access]")).to_contain_text("1 rue de la Gare, 93700 Drancy")
    expect(page.get_by_role("status").first).to_contain_text("Place attribuée")
    expect(page.get_by_text("choisissez une place")).to_have_count(0)  # the old message went
    expect(page.locator("[data-door-code]")).to_have_text("101A")
    assert len(sms.outbox) == 1 and "Code d'accès : 101A" in sms.outbox[0]["text"]
    shot(page, "115-request-allocated")

    line = journey.report("115 : appel → place attribuée")
    assert (journey.clicks, journey.loads) == (4, 2), line


def test_board_filters_and_dashboard_charts(page, night, shot):
    page.goto("/115/")
    expect(page.locator("[data-cards] article")).to_have_count(3)
    expect(page.locator("[data-waiting] li")).to_have_count(2)
    expect(page.locator("[data-waiting]")).to_contain_text("Mamadou")
    page.locator("summary", has_text="Filtrer les places").click()
    page.get_by_label("Animaux acceptés").check()
    page.locator("form[aria-label='Filtrer les places'] button[type=submit]").click()
    expect(page.locator("[data-cards] article")).to_have_count(1)
    expect(page.locator("[data-cards] article")).to_contain_text("Animaux")
    # The filter sticks: back on the board later, it is still on.
    page.goto("/115/")
    expect(page).to_have_url(re.compile(r"pets=on"))
    expect(page.locator("[data-cards] article")).to_have_count(1)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6000

    page.goto("/115/tableau-de-bord/")
    # Chart.js draws each chart (a canvas of the observatory's kind), each with its table.
    for chart in ("chart-requests", "chart-unmet"):
        expect(page.locator(f'canvas[data-chart="{chart}"]')).to_be_visible()
    expect(page.locator("table[data-nights]")).to_be_visible()
    assert page.evaluate("typeof Chart !== 'undefined' && Object.keys(Chart.instances).length") >= 2
    shot(page, "115-dashboard")
