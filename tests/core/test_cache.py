"""Reference data from the cache (core.cache, issue 18): read once, and a change is seen by the next
request — the writer's own at once, every worker's with a shared cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.assessments.models import AssessmentGrid, GridItem
from parcours.core import cache as reference
from parcours.households.services import _territory
from parcours.territories.models import Territory
from tests.factories import TerritoryFactory, make_household

pytestmark = pytest.mark.django_db


def test_a_value_is_computed_once_per_generation():
    calls = []

    def compute():
        calls.append(1)
        return {"answer": len(calls)}

    assert reference.cached("demo", "k", compute) == {"answer": 1}
    assert reference.cached("demo", "k", compute) == {"answer": 1}
    reference.bump("demo")
    assert reference.cached("demo", "k", compute) == {"answer": 2}


def test_a_kept_value_is_the_same_object_while_its_generation_holds(monkeypatch):
    """`kept` hands out one object per process instead of a copy per read; a new generation (a row
    saved) or its expiry gives a new one."""
    calls = []

    def compute():
        calls.append(1)
        return {"answer": len(calls)}

    first = reference.kept("demo-kept", "k", compute)
    assert reference.kept("demo-kept", "k", compute) is first
    assert reference.cached("demo-kept", "k", compute) == first  # the cache holds it too
    assert reference.cached("demo-kept", "k", compute) is not first  # a copy, read from the cache
    reference.bump("demo-kept")
    second = reference.kept("demo-kept", "k", compute)
    assert second == {"answer": 2}
    clock = reference.time.monotonic() + reference.timeout() + 1
    monkeypatch.setattr(reference.time, "monotonic", lambda: clock)
    third = reference.kept("demo-kept", "k", compute)  # expired here: read from the cache again
    assert third == second and third is not second


def test_a_territory_renamed_is_seen_at_once():
    TerritoryFactory(code="93", name="Seine-Saint-Denis")
    assert _territory("93").name == "Seine-Saint-Denis"
    with CaptureQueriesContext(connection) as queries:
        assert _territory("93").name == "Seine-Saint-Denis"
    assert not queries.captured_queries  # from the cache
    territory = Territory.objects.get(code="93")
    territory.name = "Seine-Saint-Denis (renommé)"
    territory.save()
    assert _territory("93").name == "Seine-Saint-Denis (renommé)"


def test_an_unknown_territory_is_not_remembered():
    with pytest.raises(Exception):  # noqa: B017 (the service's ValidationError)
        _territory("98")
    TerritoryFactory(code="98")
    assert _territory("98").code == "98"


def test_the_assessment_pages_read_the_grid_from_the_cache_and_see_a_change(role_network, client, login):
    worker = role_network.users[Role.SOCIAL_WORKER]
    household = make_household(organization=role_network.association, referent=worker)
    login(worker)
    url = reverse("assessments:index", args=[household.pk])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q for q in queries.captured_queries if "assessments_griditem" in q["sql"]]
    grid = AssessmentGrid.objects.order_by("-version").first()
    item = GridItem.objects.filter(section__grid=grid).order_by("pk").first()
    item.label = "Libellé corrigé par l'administration"
    item.save()
    create = reverse("assessments:create", args=[household.pk, "worker"])
    page = client.get(create)
    assert page.status_code == 200 and "Libellé corrigé par l&#x27;administration" in page.content.decode()


def test_without_a_shared_cache_the_entries_expire_soon(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not reference.shared() and reference.timeout() <= 60
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}
    }
    assert reference.shared() and reference.timeout() == 3600
