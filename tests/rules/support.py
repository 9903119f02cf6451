"""Helpers for the rules tests: run a record through both paths and insist they agree."""

from __future__ import annotations

import polars as pl


def frame_of(records: list[dict]) -> pl.DataFrame:
    columns = dict.fromkeys(c for r in records for c in r)
    return pl.DataFrame(
        {c: [r.get(c) for r in records] for c in columns},
        schema=dict.fromkeys(columns, pl.String),
    )


def as_row(result, columns) -> dict:
    row = {c: getattr(result, c) for c in columns if c != "id"}
    row["reasons"] = ";".join(result.reasons)
    return row


def both_paths(engine, records: list[dict]) -> list:
    """Per-record results, after checking the frame path gives the same rows."""
    results = [engine.evaluate(r) for r in records]
    frame = engine.evaluate_frame(frame_of(records))
    expected = [
        {"id": r.get("id"), **as_row(res, engine.OUTPUT_COLUMNS)}
        for r, res in zip(records, results, strict=True)
    ]
    assert frame.to_dicts() == expected
    return results
