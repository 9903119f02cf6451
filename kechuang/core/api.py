"""Shared API helpers: the list envelope `{"items": [...], "count": N}` of CONTRACTS.md."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from ninja.pagination import LimitOffsetPagination

__all__ = ["ListPagination"]


class ListPagination(LimitOffsetPagination):
    """limit/offset paging whose output is exactly {"items": [...], "count": N}."""

    class Input(Schema):
        limit: int = 100
        offset: int = 0

    def paginate_queryset(self, queryset, pagination: Input, **params) -> dict[str, Any]:
        limit = max(1, min(pagination.limit, 1000))
        offset = max(0, pagination.offset)
        return {"items": queryset[offset : offset + limit], "count": self._items_count(queryset)}
