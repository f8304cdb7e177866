"""The households a 115 call's search lists (views._call_results): on PostgreSQL the search is a
subquery of the results' query, compiled once per visibility rule and shape of what was typed
(issue 18). They are exactly the ten that the ORM's `listable_by(user).search(text)` lists first,
with the same people, for every role, whoever's search was compiled first: a protected file only to
whoever is named on it, nothing to whoever may list nothing."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.core import compiled
from parcours.emergency import views
from parcours.households.models import Household
from tests.factories import PersonFactory, make_household

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

TEXTS = ["Diallo", "awa diallo", "Dialo", "awa dialo 1984", "03/07/1984", "1990", "Traoré", "Zzyzx", "", "x"]


@pytest.fixture
def files(role_network):
    net = role_network
    made = []
    for number in range(14):  # more than the ten listed
        org = (net.association, net.partner)[number % 2]
        household = make_household(
            organization=org,
            territory="93" if number % 3 else "75",
            people=[(["Awa", "Moussa"][number % 2], "Diallo", dt.date(1984, 7, 3 + number % 20))],
        )
        made.append(household)
    PersonFactory(household=made[0], first_name="Issa", last_name="Traoré", birth_date=dt.date(1990, 2, 2))
    protected = make_household(
        organization=net.association, protected=True, people=[("Awa", "Diallo", dt.date(1984, 7, 3))]
    )
    named = net.users[next(iter(net.users))]
    protected.protected_viewers.add(named)
    merged = make_household(organization=net.association, people=[("Awa", "Traoré", dt.date(1990, 5, 5))])
    Household.objects.filter(pk=merged.pk).update(merged_into=made[1])
    return made


def _expected(user, text):
    households = Household.objects.listable_by(user).search(text).order_by("-updated_at")[:10]
    return [(h.pk, [(p.pk, p.first_name) for p in h.people.all()]) for h in households]


def _listed(user, text):
    return [(h.pk, [(p.pk, p.first_name) for p in h.members]) for h in views._call_results(user, text)]


@pytest.mark.parametrize("order", [1, -1])
def test_the_results_are_the_orm_s_for_every_role(role_network, files, order):
    compiled._COMPILED.clear()
    users = [*role_network.users.values(), role_network.other_worker][::order]
    for _round in range(2):  # compiled by the first user, reused by the second round
        for user in users:
            for text in TEXTS:
                if not text.strip() or text == "x":
                    assert views._call_results(user, text) == []
                    continue
                assert _listed(user, text) == _expected(user, text), (user.active_membership.role, text)


def test_somebody_sees_results(role_network, files):
    # The comparison above is not between two empty lists.
    from parcours.accounts.roles import Role

    handler = role_network.users[Role.CALL_HANDLER]
    assert len(_listed(handler, "Diallo")) == 10
    assert _listed(handler, "Traoré")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the compiled search is PostgreSQL's")
def test_one_compilation_per_rule_and_shape_the_words_as_parameters(role_network, files):
    from parcours.accounts.roles import Role

    compiled._COMPILED.clear()
    handler = role_network.users[Role.CALL_HANDLER]
    views._call_results(handler, "awa dialo")
    keys = [
        k for k in compiled._COMPILED if k[: len(views.CALL_RESULTS) + 1] == (*views.CALL_RESULTS, "search")
    ]
    assert len(keys) == 1
    views._call_results(handler, "moussa trore")  # same shape: one known word, one typo
    assert [
        k for k in compiled._COMPILED if k[: len(views.CALL_RESULTS) + 1] == (*views.CALL_RESULTS, "search")
    ] == keys
    assert not any(w in repr(keys) for w in ("awa", "dialo", "moussa"))
    with CaptureQueriesContext(connection) as queries:
        views._call_results(handler, "moussa trore")
    # The known words, the households (the search a subquery of it), their people and consents.
    assert len(queries) <= 4
