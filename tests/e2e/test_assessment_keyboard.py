"""A social worker, keyboard only, fills in a few items of the shared assessment (AFFIL grid) and saves."""

import pytest
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.assessments import grids
from parcours.assessments.forms import comment_name, level_name
from parcours.assessments.models import Assessment, AssessmentGrid, ItemKind
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory, make_household

from .test_emergency import _tab_to

pytestmark = pytest.mark.django_db(transaction=True)


def current_grid() -> AssessmentGrid:
    """The published grid; a transactional test before this one may have flushed the migration's copy."""
    if AssessmentGrid.objects.current() is None:
        grids.load_grid(grids.AFFIL_V1)
    return AssessmentGrid.objects.with_content().current()


def test_social_worker_fills_and_saves_an_assessment_with_the_keyboard_only(page, login, client, live_server):
    TerritoryFactory(code="93")
    grid = current_grid()
    first, second = [
        item.code
        for section in grid.sections.all()
        for item in section.items.all()
        if item.kind == ItemKind.RATED
    ][:2]
    membership = MembershipFactory(role=Role.SOCIAL_WORKER, organization=OrganizationFactory())
    household = make_household(organization=membership.organization, referent=membership.user)
    login(membership.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"/menages/{household.pk}/evaluations/")
    _tab_to(
        page,
        "el.tagName === 'A' && el.textContent.includes('Nouvelle évaluation')"
        " && el.href.includes('/worker/')",
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/evaluations/nouvelle/worker/")

    # Tab enters a radio group on its checked option ("Non évalué", the last one); arrows change it.
    _tab_to(page, f"el.name === '{level_name(first)}'")
    assert page.evaluate("document.activeElement.value") == "not_assessed"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.checked && document.activeElement.value") == "in_progress"
    # The focused radio has a visible focus indicator (the theme's outline).
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    _tab_to(page, f"el.name === '{comment_name(first)}'")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.type("Gère son budget avec l'aide de la CESF.")

    _tab_to(page, f"el.name === '{level_name(second)}'")
    page.keyboard.press("ArrowRight")  # wraps from the last option to the first, "Acquis"
    assert page.evaluate("document.activeElement.checked && document.activeElement.value") == "acquired"

    _tab_to(
        page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Enregistrer cette version'", limit=400
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/evaluations/*/")

    saved = Assessment.objects.with_answers().get(household=household)
    answers = saved.answers_by_item()
    assert (answers[first].level, answers[first].comment) == (
        "in_progress",
        "Gère son budget avec l'aide de la CESF.",
    )
    assert answers[second].level == "acquired"
    assert saved.author == membership.user


def test_the_sommaire_opens_a_section_with_the_keyboard_and_counts_it(page, login, client, live_server):
    TerritoryFactory(code="93")
    current_grid()
    membership = MembershipFactory(role=Role.SOCIAL_WORKER, organization=OrganizationFactory())
    household = make_household(organization=membership.organization, referent=membership.user)
    login(membership.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/menages/{household.pk}/evaluations/nouvelle/worker/")

    _tab_to(page, "el.dataset && el.dataset.sectionLink === '3'")
    page.keyboard.press("Enter")
    # Section 3 opens, section 1 closes, and the focus is on section 3's heading button.
    expect(page.locator("#body-section-3")).to_be_visible()
    expect(page.locator("#body-section-1")).to_be_hidden()
    # The script moves the focus after opening the section: wait for it rather than read it at once.
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("aria-controls", "body-section-3")
    expect(focused).to_have_attribute("aria-expanded", "true")
    # Tab goes on into the section: its first item's level, changed with the arrows.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == level_name("3.1")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#assessment-progress")).to_have_text("1 / 20 éléments renseignés")
    expect(page.locator("[data-section-count='3']").first).to_have_text("1")
    # « Section suivante » at the end of the section, with the keyboard too.
    _tab_to(page, "el.dataset && el.dataset.sectionLink === '4' && el.closest('.accordion-body')")
    page.keyboard.press("Enter")
    expect(page.locator("#body-section-4")).to_be_visible()
    expect(page.locator(":focus")).to_have_attribute("aria-controls", "body-section-4")
