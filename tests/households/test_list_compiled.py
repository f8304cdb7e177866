"""The household list and search, their page's SQL compiled once per process and visibility rule
(core.pagination.compiled_page, issue 18), list exactly the households the ORM's `listable_by` lists,
in the same order with the same total, for every role, whoever's page was compiled first; a search's
ids are a parameter of the compiled SQL, never part of it."""

import re

import pytest
from django.test import Client

from parcours.accounts.roles import Role
from parcours.core import compiled
from parcours.households import perms, views
from parcours.households.models import Household
from tests.factories import ConsentFactory, PersonFactory, make_household

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

ROW = re.compile(r'href="/menages/(\d+)/"')


@pytest.fixture
def files(role_network):
    net = role_network
    made = []
    for number in range(4):
        for org in (net.association, net.partner):
            household = make_household(organization=org, territory="93" if number % 2 else "75")
            PersonFactory(
                household=household, first_name=["Awa", "Moussa", "Fanta", "Issa"][number], last_name="Diallo"
            )
            made.append(household)
    ConsentFactory(household=made[1], organization=net.association)
    ConsentFactory(household=made[3], organization=net.landlord)
    protected = make_household(organization=net.association, protected=True)
    PersonFactory(household=protected, first_name="Awa", last_name="Diallo")
    return made


def _expected(user, query):
    households = Household.objects.listable_by(user)
    if query:
        households = households.search(query)
    elif user.active_membership.role == Role.SOCIAL_WORKER:
        households = households.filter(referent_organization=user.active_membership.organization)
    return list(households.order_by("-updated_at", "-pk").values_list("pk", flat=True))


def _listed(login, user, query):
    client = login(user, Client())
    response = client.get("/menages/", {"q": query} if query else {})
    assert response.status_code == 200
    return [int(pk) for pk in dict.fromkeys(ROW.findall(response.content.decode()))], response


@pytest.mark.parametrize("query", ["", "Diallo", "Awa Diallo", "Inconnu", "--"])
def test_the_compiled_list_shows_what_listable_by_lists_for_every_role(login, role_network, files, query):
    compiled._COMPILED.clear()
    users = [*role_network.users.values(), role_network.other_worker]
    for _round in range(2):  # compiled by the first round, reused by the second
        for user in users:
            if not perms.can_list_households(user):
                continue
            shown, response = _listed(login, user, query)
            expected = _expected(user, query)
            assert shown == expected[: views.PAGE_SIZE], (user, query)
            assert response.context["page"].paginator.count == len(expected)
    page_keys = [k for k in compiled._COMPILED if k[:1] == views.LIST_KEY and "page" in k]
    searchable = Household.objects.search_ids(query) is not None if query else True
    if searchable and (compiled.connection.vendor == "postgresql" or not query):
        assert page_keys  # the compiled path ran (SQLite lists a search's ids one by one: the ORM's)
    for key in page_keys:
        assert "Diallo" not in repr(key) and "Awa" not in repr(key)  # nothing typed is compiled in


def test_the_second_page_and_a_page_past_the_end(login, role_network, files, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    worker = role_network.users[Role.SOCIAL_WORKER]
    expected = _expected(worker, "Diallo")
    client = login(worker, Client())
    second = client.get("/menages/", {"q": "Diallo", "page": "2"})
    assert [int(pk) for pk in dict.fromkeys(ROW.findall(second.content.decode()))] == expected[2:4]
    assert second.context["page"].number == 2
    assert second.context["page"].paginator.count == len(expected) > 4
    last = client.get("/menages/", {"q": "Diallo", "page": "99"})
    assert last.context["page"].number == last.context["page"].paginator.num_pages


@pytest.mark.parametrize("query", ["Diallo", "Awa", "Inconnu", "--"])
def test_the_115_call_s_search_results_are_the_orm_s_for_every_user(role_network, files, query):
    from parcours.emergency.views import _call_results

    compiled._COMPILED.clear()
    users = [*role_network.users.values(), role_network.other_worker]
    for _round in range(2):
        for user in users:
            expected = list(
                Household.objects.listable_by(user)
                .search(query)
                .order_by("-updated_at")
                .values_list("pk", flat=True)[:10]
            )
            assert [h.pk for h in _call_results(user, query)] == expected, (user, query)
    keys = [k for k in compiled._COMPILED if k[:1] == ("emergency.call_results",)]
    assert all("Diallo" not in repr(k) and "Awa" not in repr(k) for k in keys)
