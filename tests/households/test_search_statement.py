"""A household search's ids (`search_ids`) read on PostgreSQL in two statements built once per shape of
what was typed (querysets.search_statement, issue 18) are the ids the ORM's path finds: the people
matching every term, by exact word or by trigram for a typo, by birth date or year, then the files
their files were merged into. Elsewhere (SQLite) the ORM's path is unchanged."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.households import querysets
from parcours.households.models import Household, Person
from parcours.households.querysets import SEARCH_CANDIDATES, parse_search, people_matching
from tests.factories import OrganizationFactory, make_household

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search only")

QUERIES = [
    "Diallo",
    "awa diallo",
    "Dialo",  # a typo: trigram
    "awa dialo",
    "Awa Awa Diallo",  # a word twice
    "Dialo Dialo",
    "moussa dialo 1984",
    "03/07/1984",
    "1984",
    "1984 1990",
    "03/07/1984 02/02/1990 diallo",
    "Traoré",
    "Trore 2015",
    "Zzyzx",
    "Fanta Kone",
]


@pytest.fixture
def people(db):
    org = OrganizationFactory()
    made = [
        make_household(organization=org, people=[("Awa", "Diallo", dt.date(1984, 7, 3))]),
        make_household(
            organization=org,
            people=[("Moussa", "Diallo", dt.date(1984, 1, 9)), ("Fanta", "Diallo", dt.date(2015, 2, 2))],
        ),
        make_household(organization=org, people=[("Issa", "Traoré", dt.date(1990, 2, 2))]),
        make_household(organization=org, people=[("Fanta", "Koné", dt.date(1990, 12, 31))]),
    ]
    # A file merged into another: its people lead to both.
    merged = make_household(organization=org, people=[("Awa", "Traoré", dt.date(2015, 5, 5))])
    Household.objects.filter(pk=merged.pk).update(merged_into=made[2])
    return made


def _orm_ids(text):
    """`search_ids` as the ORM computed it before issue 18's statement (and still does on SQLite)."""
    terms = parse_search(text)
    if terms.empty:
        return None
    ids = set(people_matching(terms).values_list("household_id", flat=True)[:SEARCH_CANDIDATES])
    ids |= set(
        Household.objects.filter(pk__any_of=sorted(ids), merged_into__isnull=False).values_list(
            "merged_into_id", flat=True
        )
    )
    return sorted(ids)


@pytest.mark.parametrize("text", [*QUERIES, "", "  ", "x"])
def test_search_ids_are_the_orm_s(people, text):
    assert Household.objects.search_ids(text) == _orm_ids(text)


def test_a_merged_file_s_people_lead_to_the_file_it_was_merged_into(people):
    found = Household.objects.search_ids("Awa Traoré")
    assert people[2].pk in found


@POSTGRESQL
@pytest.mark.parametrize("text", QUERIES)
def test_known_words_are_those_a_name_holds_in_one_statement(people, text):
    words = parse_search(text).words
    one_by_one = [
        w
        for w in words
        if Person.objects.extra(where=[querysets._HAS_WORDS], params=[[w]]).exists()  # noqa: S610
    ]
    with CaptureQueriesContext(connection) as queries:
        known = querysets._known_words(words)
    assert known == one_by_one
    assert len(queries) == (1 if words else 0)


@POSTGRESQL
def test_a_search_is_two_statements_whatever_the_number_of_words(people):
    querysets._SEARCH_SQL.clear()
    for text in ("awa moussa fanta issa diallo dialo trore", "awa"):
        with CaptureQueriesContext(connection) as queries:
            Household.objects.search_ids(text)
        assert len(queries) == 2
    # Never a word in the SQL kept: the words are parameters.
    assert not any(w in sql for sql in querysets._SEARCH_SQL.values() for w in ("awa", "diallo", "dialo"))
    with CaptureQueriesContext(connection) as queries:
        Household.objects.search_ids("1984")
    assert len(queries) == 1  # no word: no look-up of the known words


@POSTGRESQL
def test_the_statement_s_sql_depends_on_the_shape_only(people):
    querysets._SEARCH_SQL.clear()
    first = querysets.search_statement(parse_search("awa dialo 1984"))
    second = querysets.search_statement(parse_search("moussa trore 1990"))
    assert first[0] == second[0] and first[1] is second[1]
    assert first[2] != second[2]
