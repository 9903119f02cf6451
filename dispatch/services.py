"""Imports of dispatch files (CONTRACTS.md "Dispatch files and figures") for
`kechuang dispatch import-targets | import-actuals`: the import engine (kechuang/core/imports)
with the importers of dispatch/importers.py, which the web import page uses too.

All or nothing: every problem is reported as `row N, column C: what is wrong` (the header being
row 1) and nothing is written; a committed import is recorded (ImportRun with the file's SHA-256,
counts and what it replaced, and an audit event). A dry run does the whole import, writes
included, inside a transaction it then rolls back, so its counts are exactly those of the real
run and nothing stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from kechuang.core.imports import ImportFailed, import_file
from kechuang.core.models import ImportRun

__all__ = ["DispatchImportError", "ImportResult", "actuals_import", "targets_import"]


class DispatchImportError(Exception):
    """The file was refused as a whole; `errors` holds one line per problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    kind: str
    file: str
    sha256: str
    rows: int
    dry_run: bool
    run_id: int | None = None
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})


def actuals_import(path: str | Path, *, actor=None, dry_run: bool = False) -> ImportResult:
    """Import an actuals file (unit, indicator, period, value), all or nothing."""
    return _import("actuals", path, actor=actor, dry_run=dry_run)


def targets_import(path: str | Path, *, actor=None, dry_run: bool = False) -> ImportResult:
    """Import a targets file (unit, indicator, year, target, target_growth), all or nothing. An
    imported target replaces the one held for the same unit, indicator and year."""
    return _import("targets", path, actor=actor, dry_run=dry_run)


def _import(kind: str, path: str | Path, *, actor, dry_run: bool) -> ImportResult:
    path = Path(path)
    try:
        with transaction.atomic():
            done = import_file(kind, path, actor=actor)
            run = ImportRun.objects.get(pk=done.run_id)
            result = ImportResult(
                kind=kind,
                file=path.name,
                sha256=run.sha256,
                rows=done.rows,
                dry_run=dry_run,
                run_id=None if dry_run else run.pk,
                counts={
                    "created": done.created,
                    "updated": done.updated,
                    "unchanged": run.options.get("unchanged", 0),
                },
            )
            if dry_run:
                transaction.set_rollback(True)
    except ImportFailed as exc:
        raise DispatchImportError([str(e) for e in exc.errors]) from exc
    return result
