"""Issue 15, the screens themselves: every checkbox and radio of the key forms can be clicked at 1366 px
and on a 390-px phone (they overlapped other fields), the menu of each role holds on one line at 1366 px
and opens from its toggler on a phone."""

import pytest
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from tests.factories import MembershipFactory, ProposalFactory, TerritoryFactory, make_household

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1366, 390)


def _as(page, login, client, live_server, user):
    login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_every_wished_kind_can_be_ticked_on_a_desktop_and_a_phone(page, login, client, live_server, shot):
    TerritoryFactory(code="93")
    worker = MembershipFactory(role=Role.SOCIAL_WORKER)
    household = make_household(organization=worker.organization, referent=worker.user)
    _as(page, login, client, live_server, worker.user)
    page.goto(f"/orientation/menages/{household.pk}/nouvelle-demande/")
    group = page.get_by_role("group", name="Types d'offre souhaités")
    boxes = group.get_by_role("checkbox")
    assert boxes.count() >= 5
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for i in range(boxes.count()):
            box = boxes.nth(i)
            was = box.is_checked()
            box.click()  # Playwright refuses to click an input another element covers
            expect(box).to_be_checked(checked=not was)
        # The labels are the big targets: a click on each one ticks its box too.
        for label in group.locator("label").all():
            label.click()
    shot(page, "insertion-request-form")
    for i in range(boxes.count()):
        boxes.nth(i).set_checked(i in (0, 2))
    page.get_by_label("Départements souhaités").fill("93")
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demande")


def test_the_answer_radios_are_clickable_above_the_side_select(page, login, client, live_server, shot):
    proposal = ProposalFactory()
    landlord = MembershipFactory(role=Role.LANDLORD, organization=proposal.vacancy.unit.facility.organization)
    _as(page, login, client, live_server, landlord.user)
    page.goto(f"/orientation/propositions/{proposal.pk}/")
    answer = page.get_by_role("group", name="Réponse")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name in ("Refusée", "Acceptée", "Refusée"):
            radio = answer.get_by_role("radio", name=name)
            radio.click()
            expect(radio).to_be_checked()
        # The radios sit above the side select, not under it.
        radios_box = answer.bounding_box()
        select_box = page.get_by_label("Refus du côté").bounding_box()
        assert radios_box["y"] + radios_box["height"] <= select_box["y"]
    shot(page, "proposal-answer-form")


DEMO_ROLES = [
    Role.CALL_HANDLER,
    Role.SIAO_COORDINATOR,
    Role.SOCIAL_WORKER,
    Role.FACILITY_MANAGER,
    Role.LANDLORD,
    Role.OBSERVER,
    Role.NETWORK_ADMIN,
]
# The longest organization name of the demo, in the account's button.
LONG_NAME = "Service départemental de l'État — cohésion sociale (démo)"


def test_each_roles_menu_holds_on_one_line_and_opens_on_a_phone(page, login, client, live_server, shot):
    TerritoryFactory(code="93")
    for role in DEMO_ROLES:
        user = MembershipFactory(role=role, organization__name=f"{LONG_NAME} {role.value[:3]}").user
        _as(page, login, client, live_server, user)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto("/")
        nav = page.locator(".prc-header nav")
        brand = page.locator(".prc-header .navbar-brand")
        expect(brand).to_be_visible()
        # One line: the band is no taller than one row of links, every item on the brand's row.
        assert nav.bounding_box()["height"] < 64, role
        brand_mid = brand.bounding_box()["y"] + brand.bounding_box()["height"] / 2
        for item in page.locator(".prc-header .navbar-nav > .nav-item").all():
            box = item.bounding_box()
            assert box["y"] <= brand_mid <= box["y"] + box["height"], (role, item.inner_text())
            assert box["x"] + box["width"] <= 1366, (role, item.inner_text())
        shot(page, f"menu-{role.value}")

        page.set_viewport_size({"width": 390, "height": 844})
        toggler = page.get_by_role("button", name="Afficher le menu")
        expect(toggler).to_be_visible()
        expect(page.get_by_role("link", name="Accueil", exact=True)).to_be_hidden()
        toggler.focus()
        page.keyboard.press("Enter")  # keyboard usable
        expect(toggler).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#prc-nav.collapse.show")).to_be_visible()  # the opening animation is over
        expect(page.get_by_role("link", name="Accueil", exact=True)).to_be_visible()
        groups = page.locator(".prc-main-menu .dropdown-toggle")
        if groups.count():
            groups.first.focus()
            page.keyboard.press("Enter")
            expect(page.locator(".prc-main-menu .dropdown-menu.show .dropdown-item").first).to_be_visible()
            color = groups.first.evaluate("e => getComputedStyle(e).color")
            assert color == "rgb(255, 255, 255)", (role, color)  # white on green, opened too
        page.evaluate("window.scrollTo(0, 0)")
        # Nothing wider than the phone: no sideways scrolling (WCAG 1.4.10), the long names wrap.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, role
        folder = SCREENSHOTS / "menus"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"menu-{role.value}-phone-open.png"), full_page=True)
