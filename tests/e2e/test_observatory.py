"""An observer opens the observatory in the browser: charts are drawn, the same figures are in tables,
the XLSX export downloads, and no household can be opened."""

import datetime as dt

import openpyxl
import pytest

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
    page.get_by_role("link", name="Observatoire", exact=True).click()
    page.get_by_role("textbox", name="Du", exact=True).fill(str(dt.date(2026, 11, 1)))
    page.get_by_role("textbox", name="Au", exact=True).fill(str(dt.date(2026, 11, 30)))
    page.get_by_role("button", name="Afficher").click()
    canvases = page.locator("canvas[data-chart]")
    assert canvases.count() >= 8
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('canvas[data-chart]')).every(c => Chart.getChart(c))"
    )
    assert drawn
    assert page.get_by_role("table", name="Réponses aux propositions").is_visible()

    page.get_by_role("link", name="Entrées par type d'offre").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    header = next(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert header[:3] == ("code", "libellé", "valeur")

    household = Household.objects.get()
    response = page.goto(f"/menages/{household.pk}/")
    assert response.status == 404
