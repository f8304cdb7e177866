"""Lists of api-v1.md: `?limit=&offset=`, answered as {"count": n, "results": [...]}."""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# No list comes near this many rows; past it the databases' 64-bit integers would overflow (a 500).
MAX_OFFSET = 10**15


def page_of(qs, limit: int, offset: int) -> tuple[list, int]:
    """One page of `qs` and the total count, counting only when the page does not tell it."""
    if offset > MAX_OFFSET:
        return [], qs.count()
    page = list(qs[offset : offset + limit])
    count = offset + len(page) if len(page) < limit and (page or offset == 0) else qs.count()
    return page, count


class Pagination(LimitOffsetPagination):
    items_attribute = "results"
    max_limit = 100

    class Input(Schema):
        limit: int = Field(20, ge=1, le=100)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    class Output(Schema):
        count: int
        results: list[Any]
