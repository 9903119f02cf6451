"""Shared API helpers: the list envelope `{"items": [...], "count": N}` of CONTRACTS.md."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Schema
from ninja.pagination import LimitOffsetPagination

__all__ = [
    "MAX_LIMIT",
    "MAX_OFFSET",
    "YEAR_MAX",
    "YEAR_MIN",
    "ListPagination",
    "ValidationProblemOut",
    "year_query",
]

# The years a filter may name: a year outside them is a 422, not a date() error (a 500).
YEAR_MIN, YEAR_MAX = 1949, 2100


def year_query(default=None):
    """A `year` query parameter bounded in the schema (so clients and the fuzz test see it)."""
    return Query(default, ge=YEAR_MIN, le=YEAR_MAX)


class ValidationProblemOut(Schema):
    """One item of django-ninja's own 422 (a request that does not fit the schema)."""

    loc: list[str | int]
    msg: str


MAX_LIMIT = 1000
# Far beyond any registry (a million rows) and inside every database's integer range.
MAX_OFFSET = 2**31 - 1


class ListPagination(LimitOffsetPagination):
    """limit/offset paging whose output is exactly {"items": [...], "count": N}.

    The bounds are in the schema, so a client learns them from the OpenAPI document and a value
    outside them is a 422 naming the parameter (an offset past SQL's 64-bit integers was a 500)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def paginate_queryset(self, queryset, pagination: Input, **params) -> dict[str, Any]:
        offset, limit = pagination.offset, pagination.limit
        return {"items": queryset[offset : offset + limit], "count": self._items_count(queryset)}
