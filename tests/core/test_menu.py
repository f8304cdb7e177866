"""The main menu is filled by the domain apps (parcours.core.menu): each role sees the same entries as
before the registry (snapshot of the demo's memberships), the current page is marked, and an app
plugs an entry in by registering it."""

import re

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.core import menu

MAIN_MENU = re.compile(r'<ul class="navbar-nav me-auto">(.*?)</ul>', re.S)
LINK = re.compile(r'<a class="nav-link" href="([^"]+)"( aria-current="page")?>([^<]+)</a>')

# What each role's home page offered in the menu before the registry (the demo's memberships).
EXPECTED = {
    Role.CALL_HANDLER: ["Accueil", "115", "Ménages", "Offre", "Observatoire", "Plan", "Organisations"],
    Role.SIAO_COORDINATOR: [
        "Accueil",
        "115",
        "Ménages",
        "Offre",
        "Orientation",
        "Accompagnement",
        "Propositions",
        "Observatoire",
        "Plan",
        "Commissions",
        "Organisations",
    ],
    Role.SOCIAL_WORKER: [
        "Accueil",
        "Ménages",
        "Offre",
        "Orientation",
        "Accompagnement",
        "Propositions",
        "Observatoire",
        "Plan",
        "Organisations",
    ],
    Role.FACILITY_MANAGER: ["Accueil", "Offre", "Propositions", "Observatoire", "Plan", "Organisations"],
    Role.LANDLORD: [
        "Accueil",
        "Offre",
        "Alertes de prévention",
        "Propositions",
        "Observatoire",
        "Plan",
        "Organisations",
    ],
    Role.OBSERVER: ["Accueil", "Offre", "Observatoire", "Plan", "Organisations"],
    Role.NETWORK_ADMIN: ["Accueil", "Offre", "Observatoire", "Plan", "Organisations"],
}


def main_menu(response) -> list[tuple[str, str, bool]]:
    """(label, href, marked as the current page) of each link of the main menu."""
    block = MAIN_MENU.search(response.content.decode())
    assert block is not None
    return [(label, href, bool(current)) for href, current, label in LINK.findall(block.group(1))]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_the_same_menu_as_before_the_registry(client, member, login, role):
    login(member(role))
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert [label for label, _href, _current in main_menu(response)] == EXPECTED[role]


@pytest.mark.django_db
def test_the_current_page_is_marked_and_only_it(client, member, login):
    login(member(Role.SIAO_COORDINATOR))
    links = main_menu(client.get(reverse("orientation:proposals")))
    assert [label for label, _href, current in links if current] == ["Propositions"]
    links = main_menu(client.get(reverse("households:list")))
    assert [label for label, _href, current in links if current] == ["Ménages"]
    assert ("115", reverse("emergency:board"), False) in links


@pytest.mark.django_db
def test_an_app_plugs_an_entry_in_by_registering_it(client, member, login):
    observer = member(Role.OBSERVER)
    login(observer)
    menu.register("Essai", "core:home", order=75)(lambda user: user == observer)
    try:
        labels = [label for label, _href, _current in main_menu(client.get(reverse("core:home")))]
    finally:
        menu.ENTRIES.pop()
    assert labels == ["Accueil", "Offre", "Observatoire", "Essai", "Plan", "Organisations"]
