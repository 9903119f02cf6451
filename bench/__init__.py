"""kechuang's benchmark suite: `python -m bench [--quick]` (see docs/performance.md)."""


def merge(into: dict, part: dict) -> None:
    """Add a case's result ({"rows", "notes"} and "failed", the notes of what failed) to the
    run's, list by list."""
    for key in ("rows", "notes", "failed"):
        into.setdefault(key, []).extend(part.get(key, []))
