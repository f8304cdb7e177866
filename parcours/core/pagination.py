"""A page of a list and the list's total in one query (issue 18).

Django's Paginator counts the rows (`SELECT COUNT(*)`) before it reads the page: the list's queryset,
with its visibility subqueries, was compiled and run twice. `counted_page` reads the page with the
total as a window (`COUNT(*) OVER ()`, computed before LIMIT/OFFSET) and gives the paginator that
total. A page past the end, or an empty list, is answered by the paginator itself as before. The
page's prefetches go through `compiled.evaluated` (their SQL compiled once per process; `key` stands for
the querysets of its Prefetch lookups, which must not depend on the request).
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

from .compiled import evaluated, instances_of

TOTAL = "paged_total"


def counted_page(queryset, per_page: int, number, *, key=None) -> Page:
    """What `Paginator(queryset, per_page).get_page(number)` answers, in one query when it can."""
    paginator = Paginator(queryset, per_page)
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 1  # not a number: the first page, as get_page
    if wanted >= 1:
        bottom = (wanted - 1) * per_page
        counted = queryset.annotate(**{TOTAL: Window(Count("pk"))})
        rows = evaluated(counted[bottom : bottom + per_page], key=key)
        if rows:
            paginator.count = getattr(rows[0], TOTAL)  # Paginator.count is a cached_property
            return Page(rows, wanted, paginator)
    return paginator.get_page(number)


# The first pages of a list are compiled (one entry per page in core.compiled's store); a page further
# on (rare, and numbers are typed at will) is read by the ORM.
COMPILED_PAGES = 20


def compiled_page(key: tuple, build, per_page: int, number, *, prefetch_key=None, **values) -> Page:
    """`counted_page(build(**values), per_page, number)`, the page's SQL compiled once per `key` and page
    (core.compiled.instances_of, issue 18): `key` holds all that `build`'s shape and fixed parameters
    depend on (the user's visibility rule: its QuerySet's `visibility_key`), `values` what changes at
    each call (a search's ids); `prefetch_key` as instances_of's. The paginator holds the page's rows
    and the window's total: the template reads its count and numbers, nothing builds the list again."""
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 1  # not a number: the first page, as get_page
    if not 1 <= wanted <= COMPILED_PAGES:
        return counted_page(build(**values), per_page, number, key=prefetch_key)
    bottom = (wanted - 1) * per_page

    def page(**markers):
        return build(**markers).annotate(**{TOTAL: Window(Count("pk"))})[bottom : bottom + per_page]

    rows = instances_of((*key, "page", bottom, per_page), page, prefetch_key=prefetch_key, **values)
    if not rows and wanted == 1:  # an empty list: its one empty page, without another query
        return Paginator([], per_page).get_page(1)
    if not rows:  # past the end: as counted_page, the paginator answers (the last page)
        return counted_page(build(**values), per_page, number, key=prefetch_key)
    paginator = Paginator(rows, per_page)
    paginator.count = getattr(rows[0], TOTAL)  # Paginator.count is a cached_property
    return Page(rows, wanted, paginator)
