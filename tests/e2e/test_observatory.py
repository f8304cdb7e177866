"""An observer opens the observatory in the browser: charts are drawn, the same figures are in tables,
the XLSX export downloads, and no household can be opened."""

import datetime as dt
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.households.models import Household
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory, make_household

pytestmark = pytest.mark.django_db(transaction=True)


def test_observer_dashboard_charts_tables_export(page, login, client, live_server, tmp_path):
    t93 = TerritoryFactory(code="93")
    make_household(organization=OrganizationFactory(territory=t93))
    observer = MembershipFactory(role=Role.OBSERVER).user
    login(observer)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/")
    # The menu groups the network's pages under « Réseau » (issue 15): open it, then the observatory.
    page.locator(".dropdown-toggle", has_text="Réseau").click()
    page.get_by_role("link", name="Observatoire", exact=True).click()
    page.wait_for_url(re.compile(r"/observatoire/$"))
    page.get_by_role("textbox", name="Du", exact=True).fill(str(dt.date(2026, 11, 1)))
    page.get_by_role("textbox", name="Au", exact=True).fill(str(dt.date(2026, 11, 30)))
    page.get_by_role("button", name="Afficher").click()
    # The summary's own theme links are there before the period applies: wait for the new page.
    page.wait_for_url(re.compile(r"[?&]start=2026-11-01"))
    # The summary leads to the theme pages; the SIAO's holds its ten indicators.
    page.get_by_role("link", name="Orientation (SIAO)", exact=True).click()
    expect(page.get_by_role("heading", name="Observatoire : Orientation (SIAO)")).to_be_visible()
    canvases = page.locator("canvas[data-chart]")
    assert canvases.count() >= 8
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('canvas[data-chart]')).every(c => Chart.getChart(c))"
    )
    assert drawn
    assert page.get_by_role("table", name="Réponses aux propositions").is_visible()

    page.get_by_role("link", name="Entrées par type d'offre").click()
    expect(page.get_by_role("heading", name="Entrées par type d'offre", level=1)).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    header = next(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert header[:3] == ("code", "libellé", "valeur")

    household = Household.objects.get()
    response = page.goto(f"/menages/{household.pk}/")
    assert response.status == 404


LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
"""
MAX_HEIGHT = 6_000


def _november_nights():
    """Thirty closed nights in the 93 and the 75: the longest tables of the observatory (issue 15)."""
    from parcours.emergency.models import NightFigures

    for territory in (TerritoryFactory(code="93"), TerritoryFactory(code="75")):
        for day in range(1, 31):
            NightFigures.objects.create(territory=territory, night=dt.date(2026, 11, day), requests=20 + day)


def _height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_observer_reads_the_summary_then_each_theme_page(page, login, client, live_server, shot, journey):
    """The summary's headline figures lead to one page per theme, the period applied stays in the
    fields from page to page, every chart is drawn under the strict CSP with its table, and no page is
    taller than 6,000 px at 1366 px (the single page was 11,900 px)."""
    _november_nights()
    login(MembershipFactory(role=Role.OBSERVER).user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.add_init_script(LISTEN)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/observatoire/")
    start, end = (
        page.get_by_role("textbox", name="Du", exact=True),
        page.get_by_role("textbox", name="Au", exact=True),
    )
    start.fill("2026-11-03")
    end.fill("2026-11-14")
    page.get_by_label("Département", exact=True).select_option("93")
    journey.click(page.get_by_role("button", name="Afficher"))
    page.wait_for_url(re.compile(r"[?&]start=2026-11-03"))
    # An observer reads whole closed months: the fields show the month applied, and the page says so.
    expect(page.get_by_role("status")).to_contain_text("mois civil entier")
    expect(start).to_have_value("2026-11-01")
    expect(end).to_have_value("2026-11-30")
    summary = page.get_by_role("region", name="115", exact=True)
    expect(summary.get_by_role("term")).to_have_count(4)
    expect(summary.get_by_role("table", name="Demandes au 115 par nuit")).to_be_visible()
    assert page.evaluate("window.__csp") == []
    assert _height(page) < MAX_HEIGHT
    shot(page, "observatoire-synthese")

    for name, heading in (
        ("115", "Observatoire : 115"),
        ("Orientation (SIAO)", "Observatoire : Orientation (SIAO)"),
        ("Accompagnement", "Observatoire : Accompagnement"),
    ):
        journey.click(
            page.get_by_role("navigation", name="Thèmes de l'observatoire").get_by_role("link", name=name)
        )
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        expect(page.get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")
        # The filters follow: same month, same département, and no second note (nothing was replaced).
        expect(start).to_have_value("2026-11-01")
        expect(page.get_by_label("Département", exact=True)).to_have_value("93")
        expect(page.get_by_role("status")).to_have_count(0)
        canvases = page.locator("canvas[data-chart]")
        expect(canvases.first).to_be_visible()
        expect(page.locator("figure table")).to_have_count(canvases.count())
        page.wait_for_function(
            "Array.from(document.querySelectorAll('canvas[data-chart]')).every(c => Chart.getChart(c))"
        )
        assert page.evaluate("window.__csp") == []
        assert _height(page) < MAX_HEIGHT, name
        shot(page, f"observatoire-theme-{name.split()[0].lower()}")

    # The month of nights is a long table: it scrolls within the chart's height, from the keyboard too.
    journey.click(
        page.get_by_role("navigation", name="Thèmes de l'observatoire").get_by_role("link", name="115")
    )
    nights = page.get_by_role("region", name="Tableau : Demandes au 115 par nuit")
    expect(nights).to_have_attribute("tabindex", "0")
    expect(nights.get_by_role("row")).to_have_count(32)  # header, 30 nights, total
    journey.report("observatoire : synthèse puis chaque thème")
