"""Scores: the rubric total, per-reviewer normalisation (z-scores) and ranking — pure Python.

A reviewer who scores everything high and one who scores everything low rank the same
applications alike once each reviewer's totals are standardised: z = (x − mean) / sd, with the
population standard deviation of that reviewer's totals in the round. A reviewer with a single
review or identical totals has sd 0: every z is 0 (no information about order)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal

__all__ = ["rank", "rubric_total", "zscores"]


def rubric_total(rubric: list[dict], scores: Mapping[str, object]) -> tuple[Decimal | None, dict[str, tuple]]:
    """(total, errors by criterion key). Each score must be a number from 0 to the criterion's
    maximum, with at most one decimal place. Errors are codes: ("missing",), ("not_number",),
    ("range", maximum), ("decimals",)."""
    errors: dict[str, tuple] = {}
    total = Decimal(0)
    for item in rubric:
        key, top = item["key"], Decimal(str(item["max"]))
        raw = scores.get(key)
        if raw in (None, ""):
            errors[key] = ("missing",)
            continue
        try:
            value = Decimal(str(raw))
        except ArithmeticError:
            errors[key] = ("not_number",)
            continue
        if not value.is_finite() or value < 0 or value > top:
            errors[key] = ("range", top)
        elif value != value.quantize(Decimal("0.1")):
            errors[key] = ("decimals",)
        else:
            total += value
    return (None, errors) if errors else (total, errors)


def zscores(reviews: Iterable[tuple[object, object, float]]) -> dict[object, float]:
    """reviews: (review id, reviewer id, total) → {review id: z}."""
    by_reviewer: dict[object, list[tuple[object, float]]] = {}
    for rid, reviewer, total in reviews:
        by_reviewer.setdefault(reviewer, []).append((rid, float(total)))
    out = {}
    for items in by_reviewer.values():
        values = [v for _r, v in items]
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        for rid, v in items:
            out[rid] = 0.0 if sd == 0 else (v - mean) / sd
    return out


def rank(values: Mapping[object, float | Decimal | None]) -> dict[object, int]:
    """Rank 1 for the highest value; equal values share the better rank; None is not ranked."""
    present = sorted(((v, k) for k, v in values.items() if v is not None), key=lambda x: -x[0])
    out, prev, prev_rank = {}, None, 0
    for n, (v, k) in enumerate(present, start=1):
        if prev is None or v != prev:
            prev_rank, prev = n, v
        out[k] = prev_rank
    return out
