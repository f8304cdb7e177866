"""Lists of api-v1.md: `?limit=&offset=`, answered as {"count": n, "results": [...]}."""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


def page_of(qs, limit: int, offset: int) -> tuple[list, int]:
    """One page of `qs` and the total count, counting only when the page does not tell it."""
    page = list(qs[offset : offset + limit])
    count = offset + len(page) if len(page) < limit and (page or offset == 0) else qs.count()
    return page, count


class Pagination(LimitOffsetPagination):
    items_attribute = "results"
    max_limit = 100

    class Input(Schema):
        limit: int = Field(20, ge=1, le=100)
        offset: int = Field(0, ge=0)

    class Output(Schema):
        count: int
        results: list[Any]
