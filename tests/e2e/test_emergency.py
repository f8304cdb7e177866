"""A call handler, keyboard only, goes from a new call to an allocated place."""

import pytest

from parcours.accounts.roles import Role
from parcours.emergency.models import EmergencyRequest, NightAllocation
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory, make_emergency_facility

pytestmark = pytest.mark.django_db(transaction=True)


def _tab_to(page, predicate: str, limit: int = 120) -> None:
    """Press Tab until the focused element satisfies `predicate` (a JavaScript expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"):
            return
    raise AssertionError(f"never focused: {predicate}")


def test_call_handler_keyboard_only_from_call_to_place(page, login, client, live_server):
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=TerritoryFactory(code="93"))
    facility, units = make_emergency_facility(organization=OrganizationFactory(), units=2)
    user = MembershipFactory(role=Role.CALL_HANDLER, organization=siao).user
    login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto("/115/")
    _tab_to(page, "el.textContent.trim() === 'Nouvel appel'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/115/appels/nouveau/")

    _tab_to(page, "el.id === 'id_persons'")
    page.keyboard.type("1")
    _tab_to(page, "el.type === 'checkbox' && el.value === 'health'")
    page.keyboard.press("Space")
    # The suggestion follows the facts ticked, announced politely to screen readers.
    page.locator('#suggested-priority[data-suggested="P2"]').wait_for()
    _tab_to(page, 'el.textContent.trim() === "Enregistrer l\'appel"')
    page.keyboard.press("Enter")
    page.wait_for_url("**/115/demandes/*/")
    assert page.locator("[data-priority]").get_attribute("data-priority") == "P2"

    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Attribuer'")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert facility.name in label
    page.keyboard.press("Enter")
    page.locator('[data-status="allocated"]').wait_for()

    request = EmergencyRequest.objects.get()
    assert request.status == "allocated"
    assert NightAllocation.objects.get().unit_id in {u.pk for u in units}
