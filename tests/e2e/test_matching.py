"""A SIAO coordinator reads a vacancy's candidates and asks why a household is not among them, with the
keyboard only."""

import pytest
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.matching.cache import REQUESTS
from tests.factories import MembershipFactory
from tests.matching.test_matching import network  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_candidates_and_why_not_with_the_keyboard(page, login, client, live_server, network):  # noqa: F811
    REQUESTS.clear()
    user = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=network["siao"]).user
    login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/orientation/moteur/vacances/")
    link = page.get_by_role("link", name="Candidats — Résidence Les Lilas A12")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/candidats/")
    ranking = page.get_by_role("table", name="Demandes classées, avec le détail du score critère par critère")
    expect(ranking.get_by_role("row").nth(1).get_by_role("cell").first).to_have_text("1")
    assert f"Demande n° {network['requests']['family'].pk}" in ranking.inner_text()

    page.get_by_label("Numéro de la demande").fill(str(network["requests"]["chrs"].pk))
    page.keyboard.press("Enter")
    page.wait_for_url("**/candidats/?request=*")
    status = page.get_by_role("status")
    expect(status).to_contain_text("n'est pas proposée pour cette vacance")
    expect(status).to_contain_text("Type d'offre souhaité")
    REQUESTS.clear()
