"""The offer (/offre/) on a 390-px phone: nothing wider than the screen, on the list and on the pages it
links to (a structure, its forms): the tables scroll inside their own frame, the page never sideways
(WCAG 1.4.10). The list was 687 px wide."""

import pytest

from parcours.accounts.roles import Role
from tests.factories import MembershipFactory, TerritoryFactory
from tests.factories.offers import FacilityFactory, UnitFactory, VacancyFactory

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SHOTS = SCREENSHOTS / "offer-phone"  # var/screenshots (PARCOURS_SCREENSHOTS elsewhere)

# What sticks out, for the failure message: the widest elements whose right edge passes the screen.
OVERFLOW = """() => {
  const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e))
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`
      + ` ${Math.round(e.getBoundingClientRect().right)}`)
    .slice(0, 8);
}"""


def _as(page, login, client, live_server, user):
    login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _fits(page, url):
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (url, width, page.evaluate(OVERFLOW))


def test_the_offer_and_its_pages_fit_a_phone(page, login, client, live_server):
    territory = TerritoryFactory(code="93")
    manager = MembershipFactory(role=Role.FACILITY_MANAGER)
    facility = FacilityFactory(
        chrs=True,
        name="Centre d'hébergement et de réinsertion sociale Les Tilleuls — site principal",
        territory=territory,
        organization=manager.organization,
    )
    unit = UnitFactory(facility=facility, label="Chambre double avec salle d'eau, deuxième étage")
    VacancyFactory(unit=unit)
    empty = UnitFactory(facility=facility, label="Studio du rez-de-chaussée")  # a vacancy to declare
    FacilityFactory(territory=territory, name="Résidence sociale du canal")
    _as(page, login, client, live_server, manager.user)

    page.set_viewport_size(PHONE)
    _fits(page, "/offre/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "offre-390.png"), full_page=True)
    links = page.eval_on_selector_all(
        "#contenu a[href^='/offre/']", "links => [...new Set(links.map(a => a.getAttribute('href')))]"
    )
    assert f"/offre/structures/{facility.pk}/" in links
    seen = {"/offre/"}
    for url in links:
        if url.split("?")[0] in seen:
            continue
        seen.add(url.split("?")[0])
        _fits(page, url)
    # One level further: the structure's own pages (its form, a place's form, a vacancy).
    page.goto(f"/offre/structures/{facility.pk}/")
    page.screenshot(path=str(SHOTS / "structure-390.png"), full_page=True)
    deeper = page.eval_on_selector_all(
        "#contenu a[href^='/offre/']", "links => [...new Set(links.map(a => a.getAttribute('href')))]"
    )
    for url in deeper:
        if url.split("?")[0] not in seen:
            seen.add(url.split("?")[0])
            _fits(page, url)
    # The list, the new structure's form, the two structures, the structure's form, a place's form,
    # a new place's form, a vacancy's form.
    assert {
        f"/offre/structures/{facility.pk}/modifier/",
        f"/offre/places/{unit.pk}/modifier/",
        f"/offre/structures/{facility.pk}/places/nouvelle/",
        "/offre/structures/nouvelle/",
        f"/offre/places/{empty.pk}/vacance/",
    } <= seen, seen

    page.set_viewport_size(DESKTOP)
    page.goto("/offre/")
    page.screenshot(path=str(SHOTS / "offre-1366.png"), full_page=True)
