"""`core.compiled.prefetch` (issue 18) fills exactly what Django's `prefetch_related_objects` fills — the
same lists, in the same order, the same related managers' caches, the same queries — with the SQL of
each reverse foreign key's prefetch compiled once; what it cannot compile is left to Django. A cached
related manager stays bound to its own record: filtering it never reaches another household's people."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects
from django.test.utils import CaptureQueriesContext

from parcours.core import compiled
from parcours.emergency.models import EmergencyRequest
from parcours.households.models import PEOPLE_ATTR, Consent, Household, Person, with_people
from tests.factories import (
    ConsentFactory,
    EmergencyRequestFactory,
    HouseholdFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def households():
    made = []
    for number in range(4):
        household = HouseholdFactory()
        household.people.all().delete()
        for rank in range(number):  # 0 to 3 people: one household has nobody
            PersonFactory(
                household=household, first_name=f"P{number}{rank}", relationship="child" if rank else "head"
            )
        made.append(household)
    ConsentFactory(household=made[1])
    ConsentFactory(household=made[1], organization=OrganizationFactory())
    ConsentFactory(household=made[3])
    # A household outside the list: none of its people may appear anywhere.
    PersonFactory(household=HouseholdFactory(), first_name="Ailleurs")
    return made


def _fresh(ids):
    return list(Household.objects.filter(pk__in=ids).order_by("pk"))


def _both(ids, *lookups, key=None):
    """Django's prefetch and the compiled one on two fresh reads of the same households, with the queries
    each made."""
    mine, theirs = _fresh(ids), _fresh(ids)
    with CaptureQueriesContext(connection) as django_queries:
        prefetch_related_objects(theirs, *lookups)
    with CaptureQueriesContext(connection) as compiled_queries:
        compiled.prefetch(mine, *lookups, key=key)
    return mine, theirs, len(compiled_queries), len(django_queries)


def _pks(objects):
    return [o.pk for o in objects]


def test_lists_to_an_attribute_are_django_s_and_point_back_to_their_household(households):
    ids = [h.pk for h in households]
    mine, theirs, queries, expected = _both(ids, *with_people(consents=True))
    assert queries == expected == 2
    for a, b in zip(mine, theirs, strict=True):
        assert _pks(getattr(a, PEOPLE_ATTR)) == _pks(getattr(b, PEOPLE_ATTR))
        assert _pks(a.prefetched_consents) == _pks(b.prefetched_consents)
    assert [len(getattr(h, PEOPLE_ATTR)) for h in mine] == [0, 1, 2, 3]
    with CaptureQueriesContext(connection) as more:
        for household in mine:
            for person in getattr(household, PEOPLE_ATTR):
                assert person.household is household  # the reverse relation, without a query
            assert household.members == getattr(household, PEOPLE_ATTR)
    assert len(more) == 0
    assert "Ailleurs" not in {p.first_name for h in mine for p in getattr(h, PEOPLE_ATTR)}


def test_a_related_manager_s_cache_stays_bound_to_its_own_household(households):
    ids = [h.pk for h in households]
    lookups = (Prefetch("people", queryset=Person.objects.order_by("-pk")), "consents")
    mine, theirs, queries, expected = _both(ids, *lookups, key=("test", "people"))
    assert queries == expected == 2
    with CaptureQueriesContext(connection) as cached:
        for a, b in zip(mine, theirs, strict=True):
            assert _pks(a.people.all()) == _pks(b.people.all())
            assert _pks(a.consents.all()) == _pks(b.consents.all())
    assert len(cached) == 0
    # A filter on the cached people asks the database again, for this household only.
    third = mine[3]
    assert (
        sorted(third.people.filter(relationship="child").values_list("household_id", flat=True))
        == [third.pk] * 2
    )
    assert third.people.count() == 3
    assert not mine[0].people.exists()


def test_through_a_record_read_with_its_household(households):
    first, second = households[2], households[3]
    requests = [EmergencyRequestFactory(household=first), EmergencyRequestFactory(household=second)]
    # The same household on another night: two records, the same people.
    requests.append(EmergencyRequestFactory(household=first, night=requests[0].night - timedelta(days=1)))
    ids = [r.pk for r in requests]

    def read():
        return list(EmergencyRequest.objects.filter(pk__in=ids).select_related("household").order_by("pk"))

    mine, theirs = read(), read()
    prefetch_related_objects(theirs, *with_people("household"))
    with CaptureQueriesContext(connection) as queries:
        compiled.prefetch(mine, *with_people("household"))
    assert len(queries) == 1
    assert [_pks(getattr(r.household, PEOPLE_ATTR)) for r in mine] == [
        _pks(getattr(r.household, PEOPLE_ATTR)) for r in theirs
    ]
    assert [len(getattr(r.household, PEOPLE_ATTR)) for r in mine] == [2, 3, 2]


def test_compiled_once_then_reused_for_other_households(households):
    compiled._COMPILED.clear()
    compiled.prefetch(_fresh([households[1].pk]), *with_people())
    kept = dict(compiled._COMPILED)
    assert len(kept) == 1
    again = _fresh([h.pk for h in households])
    compiled.prefetch(again, *with_people())
    assert kept == compiled._COMPILED  # the same SQL, with four ids instead of one
    assert [len(getattr(h, PEOPLE_ATTR)) for h in again] == [0, 1, 2, 3]


def test_a_lookup_with_a_queryset_but_no_key_is_left_to_django(households):
    compiled._COMPILED.clear()
    lookups = (Prefetch("consents", queryset=Consent.objects.select_related("organization")),)
    mine, theirs, queries, expected = _both([h.pk for h in households], *lookups)
    assert queries == expected
    assert not compiled._COMPILED  # Django's own prefetch ran
    assert [_pks(h.consents.all()) for h in mine] == [_pks(h.consents.all()) for h in theirs]


def test_what_cannot_be_compiled_is_left_to_django_in_order(households):
    requests = [EmergencyRequestFactory(household=households[2])]
    mine = list(EmergencyRequest.objects.filter(pk__in=[r.pk for r in requests]))  # household not read
    with CaptureQueriesContext(connection) as queries:
        compiled.prefetch(mine, *with_people("household"))
    assert len(queries) == 2  # Django: the households, then their people
    assert len(getattr(mine[0].household, PEOPLE_ATTR)) == 2


def test_nothing_to_prefetch_asks_nothing(households):
    with CaptureQueriesContext(connection) as queries:
        compiled.prefetch([], *with_people(consents=True))
        compiled.prefetch([None], *with_people())
    assert len(queries) == 0


def test_a_full_store_forgets_its_oldest_quarter_not_everything(monkeypatch):
    monkeypatch.setattr(compiled, "COMPILED_MAX", 8)
    compiled._COMPILED.clear()
    for number in range(8):
        compiled._keep(("k", number), number)
    compiled._keep(("k", 8), 8)
    assert list(compiled._COMPILED) == [("k", n) for n in range(2, 9)]


def test_a_file_s_prefetches_are_compiled_once_for_every_reader(role_network):
    from parcours.core.lookup import get_visible_or_404
    from tests.factories import make_household

    household = make_household(organization=role_network.association)
    files = Household.objects.prefetch_related(
        Prefetch("consents", queryset=Consent.objects.select_related("organization"))
    )
    compiled._COMPILED.clear()
    readers = [
        u for u in role_network.users.values() if Household.objects.visible_to(u).filter(pk=household.pk)
    ]
    assert len(readers) >= 2
    for user in readers:
        found = get_visible_or_404(files, household.pk, user, compiled_as="test.files")
        assert _pks(found.consents.all()) == _pks(household.consents.all())
    prefetches = [k for k in compiled._COMPILED if k[0] == "prefetch"]
    assert len(prefetches) == 1  # one for all readers, whose lookups are compiled apart


def test_evaluated_lists_the_queryset_with_its_prefetches(households):
    queryset = Household.objects.filter(pk__in=[h.pk for h in households]).order_by("pk")
    expected = list(queryset.prefetch_related(*with_people(consents=True)))
    with CaptureQueriesContext(connection) as queries:
        found = compiled.evaluated(queryset.prefetch_related(*with_people(consents=True)))
    assert len(queries) == 3  # the households, their people, their consents: as Django
    assert _pks(found) == _pks(expected)
    assert [_pks(getattr(h, PEOPLE_ATTR)) for h in found] == [_pks(getattr(h, PEOPLE_ATTR)) for h in expected]
    assert compiled.evaluated(queryset.none().prefetch_related(*with_people())) == []
