"""Small write helpers shared by every domain's services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

__all__ = ["model_upsert"]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        if a is None or b is None:
            return a is b
        return Decimal(a) == Decimal(b)
    return a == b


def model_upsert(model, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, str]:
    """Create the row or update only the fields that differ; returns (obj, "created" | "updated"
    | "unchanged"). Saving nothing when nothing differs keeps reloads free of audit noise."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=[*changed, "updated"] if hasattr(obj, "updated") else changed)
    return obj, "updated"
