"""A social worker opens a file in the browser, adding a person with the "add" button (JavaScript)."""

import re

import pytest
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.households.models import Household
from tests.factories import MembershipFactory, TerritoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_open_a_household_file_with_two_people(page, login, client, live_server):
    TerritoryFactory(code="93")
    user = MembershipFactory(role=Role.SOCIAL_WORKER).user
    login(user)
    session_cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session_cookie, "url": live_server.url}])

    page.goto("/menages/nouveau/")
    page.locator("#id_members-0-first_name").fill("Fatou")
    page.locator("#id_members-0-last_name").fill("Traoré")
    page.get_by_role("button", name="Ajouter une personne").click()
    # The focus moves into the new person's first field: type there without a click.
    expect(page.locator("#id_members-1-first_name")).to_be_focused()
    page.keyboard.type("Awa")
    expect(page.locator("#id_members-1-first_name")).to_have_value("Awa")
    page.locator("#id_members-1-last_name").fill("Traoré")
    page.get_by_label("Situation actuelle").select_option("hotel")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    # "**/menages/*/" would already match the form's own /menages/nouveau/: wait for the file's number.
    page.wait_for_url(re.compile(r"/menages/\d+/$"))
    expect(page.get_by_role("heading", name="Composition")).to_be_visible()
    household = Household.objects.get()
    assert sorted(p.first_name for p in household.members) == ["Awa", "Fatou"]
    expect(page.get_by_text("Awa Traoré")).to_be_visible()


def test_the_household_list_fits_a_phone_its_table_scrolling_in_its_box(page, login, client, live_server):
    """On a 390-px phone the page itself never scrolls sideways (WCAG 1.4.10): the table (five columns)
    scrolls in its own box, and its first column's links are still reached with the keyboard."""
    from tests.factories import make_household

    TerritoryFactory(code="93")
    membership = MembershipFactory(role=Role.SOCIAL_WORKER)
    make_household(organization=membership.organization, referent=membership.user)
    login(membership.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/menages/")
    box = page.locator(".table-responsive")
    expect(box.locator("table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # the table is wider: it scrolls inside
    link = box.locator("tbody a").first
    link.focus()
    expect(link).to_be_focused()
