"""core.pagination.counted_page answers what Paginator.get_page does, the page and its total read in one
query when the page has rows (issue 18)."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.accounts.models import Organization
from parcours.core.pagination import counted_page
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [0, 1, 5, 7])
def test_every_page_number_gives_what_the_paginator_gives(rows):
    for i in range(rows):
        OrganizationFactory(name=f"Organisation {i:02d}")
    queryset = Organization.objects.filter(name__startswith="Organisation").order_by("name")
    for number in [None, "", "1", "2", "3", "4", "0", "-1", "abc", "1.5", 2, 99]:
        ours, django = counted_page(queryset, 3, number), Paginator(queryset, 3).get_page(number)
        assert [o.pk for o in ours] == [o.pk for o in django], number
        assert (ours.number, ours.paginator.count, ours.paginator.num_pages) == (
            django.number,
            django.paginator.count,
            django.paginator.num_pages,
        ), number
        assert (ours.has_next(), ours.has_previous(), ours.start_index()) == (
            django.has_next(),
            django.has_previous(),
            django.start_index(),
        ), number


def test_a_page_with_rows_is_read_with_its_total_in_one_query():
    for i in range(7):
        OrganizationFactory(name=f"Organisation {i:02d}")
    queryset = Organization.objects.filter(name__startswith="Organisation").order_by("name")
    with CaptureQueriesContext(connection) as queries:
        page = counted_page(queryset, 3, "2")
        assert (len(page), page.paginator.count, page.paginator.num_pages) == (3, 7, 3)
    assert len(queries.captured_queries) == 1
