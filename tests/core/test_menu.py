"""The main menu is filled by the domain apps (parcours.core.menu): each role sees the same entries as
before the registry (snapshot of the demo's memberships), the current page is marked, and an app
plugs an entry in by registering it."""

import html
import re

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.core import menu

MAIN_MENU = re.compile(
    r'<ul class="navbar-nav me-auto prc-main-menu">(.*?)</ul>\s*<ul class="navbar-nav align', re.S
)
ITEM = re.compile(r'<li class="nav-item( dropdown)?">(.*?)</li>\s*(?=<li class="nav-item|$)', re.S)
LINK = re.compile(r'<a class="(?:nav-link|dropdown-item)" href="([^"]+)"( aria-current="page")?>([^<]+)</a>')
GROUP = re.compile(r'<li class="nav-item dropdown">.*?data-bs-toggle="dropdown"[^>]*>([^<]+)<.*?</ul>', re.S)

# What each role's menu offers (the demo's memberships): a group shown as "Group: entry, entry"; a group
# of which the role sees one entry is that entry's link (issue 15: grouped so that it holds on one line).
EXPECTED = {
    Role.CALL_HANDLER: [
        "Accueil",
        "115",
        "Ménages",
        "Offre",
        "Aller-vers",
        "Réseau: Observatoire, Plan départemental, Organisations",
    ],
    Role.SIAO_COORDINATOR: [
        "Accueil",
        "115",
        "Ménages",
        "Offre",
        "Orientation: Demandes d'insertion, Propositions, Commissions",
        "Accompagnement: Mesures d'accompagnement, Alertes de prévention, Aller-vers",
        "Réseau: Observatoire, Plan départemental, Organisations",
    ],
    Role.SOCIAL_WORKER: [
        "Accueil",
        "Ménages",
        "Offre",
        "Orientation: Demandes d'insertion, Propositions",
        "Accompagnement: Mesures d'accompagnement, Alertes de prévention, Ateliers collectifs",
        "Réseau: Observatoire, Plan départemental, Organisations",
    ],
    Role.FACILITY_MANAGER: [
        "Accueil",
        "Offre",
        "Propositions",
        "Réseau: Observatoire, Plan départemental, Organisations",
    ],
    Role.LANDLORD: [
        "Accueil",
        "Offre",
        "Propositions",
        "Alertes de prévention",
        "Réseau: Observatoire, Plan départemental, Organisations",
    ],
    Role.OBSERVER: ["Accueil", "Offre", "Réseau: Observatoire, Plan départemental, Organisations"],
    Role.NETWORK_ADMIN: ["Accueil", "Offre", "Réseau: Observatoire, Plan départemental, Organisations"],
}


def main_menu(response) -> list[tuple[str, str, bool]]:
    """(label, href, marked as the current page) of each link of the main menu, groups' entries included."""
    block = MAIN_MENU.search(response.content.decode())
    assert block is not None
    return [(label, href, bool(current)) for href, current, label in LINK.findall(block.group(1))]


def menu_outline(response) -> list[str]:
    """The menu as the user reads it: each link, each group with its entries."""
    block = MAIN_MENU.search(response.content.decode()).group(1)
    outline = []
    for dropdown, body in ITEM.findall(block):
        labels = [html.unescape(label) for _href, _current, label in LINK.findall(body)]
        if dropdown:
            title = GROUP.search('<li class="nav-item dropdown">' + body).group(1).strip()
            outline.append(f"{title}: {', '.join(labels)}")
        else:
            outline.extend(labels)
    return outline


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_its_menu_in_groups(client, member, login, role):
    login(member(role))
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert menu_outline(response) == EXPECTED[role]


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
    assert labels == ["Accueil", "Offre", "Essai", "Observatoire", "Plan départemental", "Organisations"]


@pytest.mark.django_db
def test_an_app_adds_an_entry_to_a_group_and_a_lone_entry_shows_as_a_link(client, member, login):
    observer = member(Role.OBSERVER)
    login(observer)
    key = menu.group("essais", "Essais", order=95)
    menu.register("Premier", "core:home", order=96, group=key)(lambda user: user == observer)
    try:
        assert menu_outline(client.get(reverse("core:home")))[-1] == "Premier"
        menu.register("Second", "core:home", order=97, group=key)(lambda user: user == observer)
        assert menu_outline(client.get(reverse("core:home")))[-1] == "Essais: Premier, Second"
    finally:
        del menu.ENTRIES[-2:]
        del menu.GROUPS[key]


@pytest.mark.django_db
def test_the_menu_is_computed_once_per_access_version(client, member, login):
    """Issue 18: the entries' predicates (one of them a query) run once; a change of membership bumps
    the user's access version and the next page reads the new menu."""
    from parcours.accounts.models import Membership

    worker = member(Role.SOCIAL_WORKER)
    login(worker)
    assert menu_outline(client.get(reverse("core:home")))[2] == "Offre"
    calls = []
    menu.register("Compté", "core:home", order=75)(lambda user: calls.append(user.pk) or True)
    try:
        client.get(reverse("core:home"))
        client.get(reverse("households:list"))
        assert calls == [worker.pk]
        membership = Membership.objects.get(user=worker)
        membership.role = Role.OBSERVER
        membership.save()
        outline = menu_outline(client.get(reverse("core:home")))
        assert calls == [worker.pk, worker.pk]
        network = "Réseau: Observatoire, Plan départemental, Organisations"
        assert outline == ["Accueil", "Offre", "Compté", network]
    finally:
        menu.ENTRIES.pop()


@pytest.mark.django_db
def test_joining_or_leaving_an_outreach_team_changes_the_menu(client, member, login):
    from tests.factories import OutreachTeamFactory

    worker = member(Role.SOCIAL_WORKER)
    login(worker)
    membership = worker.memberships.get()
    assert "Aller-vers" not in str(menu_outline(client.get(reverse("core:home"))))
    team = OutreachTeamFactory(organization=membership.organization, members=[membership])
    assert "Aller-vers" in str(menu_outline(client.get(reverse("core:home"))))
    team.active = False
    team.save()
    assert "Aller-vers" not in str(menu_outline(client.get(reverse("core:home"))))
    team.active = True
    team.save()
    team.members.remove(membership)
    assert "Aller-vers" not in str(menu_outline(client.get(reverse("core:home"))))
    membership.outreach_teams.add(team)
    assert "Aller-vers" in str(menu_outline(client.get(reverse("core:home"))))
    team.members.clear()
    assert "Aller-vers" not in str(menu_outline(client.get(reverse("core:home"))))


@pytest.mark.django_db
def test_the_menu_kept_in_the_cache_is_the_users_own_in_their_language_and_page(client, member, login):
    """The header's menu is a cached fragment (issue 18): keyed by the user, the page and the language,
    never another user's, never a token."""
    worker, handler = member(Role.SOCIAL_WORKER), member(Role.CALL_HANDLER)
    login(worker)
    assert menu_outline(client.get(reverse("core:home")))[1] == "Ménages"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("core:home"))
    assert menu_outline(english)[1] == "Households"
    block = MAIN_MENU.search(english.content.decode()).group(1)
    assert "csrf" not in block and "nonce" not in block
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    login(handler)
    assert menu_outline(client.get(reverse("core:home"))) == EXPECTED[Role.CALL_HANDLER]
    current = [label for label, _href, marked in main_menu(client.get(reverse("emergency:board"))) if marked]
    assert current == ["115"]
