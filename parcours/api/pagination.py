"""Lists of api-v1.md: `?limit=&offset=`, answered as {"count": n, "results": [...]}."""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    items_attribute = "results"
    max_limit = 100

    class Input(Schema):
        limit: int = Field(20, ge=1, le=100)
        offset: int = Field(0, ge=0)

    class Output(Schema):
        count: int
        results: list[Any]
