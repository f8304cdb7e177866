"""Issue 15, the screens themselves: every checkbox and radio of the key forms can be clicked at 1366 px
and on a 390-px phone (they overlapped other fields), the menu of each role holds on one line at 1366 px
and opens from its toggler on a phone."""

import pytest
from playwright.sync_api import expect

from parcours.accounts.roles import Role

from ..factories import MembershipFactory, ProposalFactory, TerritoryFactory, make_household

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
