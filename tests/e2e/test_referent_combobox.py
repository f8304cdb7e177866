"""The referent of a transfer is chosen in a search-as-you-type combobox (issue 18), from the keyboard:
type part of a name, arrow down to an option, Enter; the choice is recorded. Screenshots at 1366 and
390 px with the list open."""

import pytest
from playwright.sync_api import expect

from parcours.accounts.roles import Role
from parcours.households.models import Household
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    UserFactory,
    as_member,
    make_household,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _open_as(page, client, login, live_server, user, path):
    login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(path, timeout=60_000)  # a busy CI machine: the first page load of the live server


def test_the_referent_is_found_by_typing_and_chosen_from_the_keyboard(page, client, login, live_server, shot):
    from parcours.orientation import services

    TerritoryFactory(code="93")
    association = OrganizationFactory(name="Les Amarres")
    partner = OrganizationFactory(name="Abri du Canal")
    worker = as_member(MembershipFactory(role=Role.SOCIAL_WORKER, organization=association))
    for first, last in (("Léa", "Fontaine"), ("Léon", "Fontaine"), ("Marc", "Duval")):
        MembershipFactory(
            user=UserFactory(first_name=first, last_name=last), role=Role.SOCIAL_WORKER, organization=partner
        )
    siao = OrganizationFactory(siao=True, name="SIAO 93")
    coordinator = as_member(MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao))
    household = make_household(organization=association, referent=worker)
    req = services.request_create(
        actor=worker, household=household, wished_kinds=["logement_social"], wished_territories=["93"]
    )
    # The SIAO's coordinator hands the file over (and still reads it afterwards).
    _open_as(page, client, login, live_server, coordinator, f"/orientation/demandes/{req.pk}/")

    page.get_by_label("Nouvelle organisation référente").select_option(label="Abri du Canal")
    box = page.get_by_role("combobox", name="Référent·e nommé·e (facultatif)")
    box.focus()
    expect(box).to_be_focused()
    page.keyboard.type("Fonta")
    options = page.locator("#ref-referent-listbox [role=option]")
    expect(options).to_have_count(2)
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    shot(page, "referent-combobox")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(box).to_have_value("Léon Fontaine")
    expect(page.locator("#ref-referent-listbox")).to_be_hidden()
    page.locator("#id_ref-reason").fill("Déménagement dans le secteur de l'Abri du Canal")
    page.locator("form[action$='transfert-referent/'] button[type=submit]").click()
    expect(page.get_by_text("Le dossier est confié à sa nouvelle organisation référente.")).to_be_visible()
    household = Household.objects.get(pk=household.pk)
    assert household.referent.get_full_name() == "Léon Fontaine"
    assert household.referent_organization == partner
