"""The import engine: read a table, parse and check every row, then write all rows in one
transaction or none (CONTRACTS.md "Imports").

An importer declares its columns (English name, Chinese label, parser) and two hooks: `check`
for checks across rows and against the database, `write` for the bulk write. The engine names
each problem as `row N, column C: what is wrong` (N counts the header as row 1), never writes on
an error, refuses rows outside the acting user's scope, and records the committed import
(ImportRun with the file's SHA-256 and counts, plus an audit event) in the same transaction.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, ClassVar

from django.db import transaction
from django.utils import timezone

from kechuang.messages import Msg, gettext_noop, localize
from kechuang.tabular import Table, TableError, cell_text, read_table

__all__ = [
    "Column",
    "ImportFailed",
    "ImportResult",
    "Importer",
    "ParsedRow",
    "RowError",
    "get_importer",
    "import_file",
    "register",
    "registered_kinds",
]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    parse: Callable[[str], Any]
    required: bool = True  # an empty cell is an error
    optional_column: bool = False  # the column may be missing from the file altogether
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, order=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"

    def localized(self) -> str:
        """The same in the active language, for pages (the CLI prints `str`)."""
        from django.utils.translation import gettext

        return gettext("row {row}, column {column}: {message}").format(
            row=self.row, column=self.column, message=localize(self.message)
        )


def message_of(exc: Exception):
    """The exception's message, keeping a Msg's template for translation."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Msg) else str(exc)


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError] | list[str]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors[:20]))


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]


@dataclass
class ImportResult:
    kind: str
    rows: int
    created: int = 0
    updated: int = 0
    dry_run: bool = False
    run_id: int | None = None
    preview: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Context:
    actor: Any
    options: dict[str, Any]
    table: Table
    run: Any = None
    # The parsed values column by column, aligned with the rows (each row's values are these
    # columns' entries), for checks that are quicker over a column than row by row.
    values: dict[str, list] = field(default_factory=dict)

    def label(self, column: str) -> str:
        """The column as the file names it, so messages use the user's own header."""
        return self.table.labels.get(column, column)


class Importer:
    """One kind of list. Columns are built per import, so parsers can read reference data
    (units, indicators) once per file."""

    kind: ClassVar[str]
    label: ClassVar[str]
    # Whether district staff may use it (rows are then checked against their scope); by default
    # the lists with a `unit` column.
    district_allowed: ClassVar[bool | None] = None
    # Columns recording the bureau's decision (security.md items 16/17: a district proposes, the
    # bureau decides), as on the registries' forms (kechuang.core.forms.BureauDecisionsForm). For
    # anyone but the bureau's writers a value there is refused, except one of `proposer_values`;
    # an empty one takes `proposer_defaults` (where the importer's own default is a decision).
    decision_columns: ClassVar[tuple[str, ...]] = ()
    proposer_values: ClassVar[dict[str, frozenset]] = {}
    proposer_defaults: ClassVar[dict[str, object]] = {}

    def __init__(self) -> None:
        self.columns: list[Column] = self.build_columns()

    def build_columns(self) -> list[Column]:
        raise NotImplementedError

    def check(self, rows: list[ParsedRow], ctx: Context) -> list[RowError]:
        return []

    def write(self, rows: list[ParsedRow], ctx: Context) -> tuple[int, int]:
        raise NotImplementedError

    def out_of_scope(self, rows: list[ParsedRow], ctx: Context) -> list[RowError]:
        """Rows the acting user may not write: a row's `unit` must be one of the user's units
        (the bureau writes every unit). The CLI acts as the system (no actor)."""
        from kechuang.core.roles import CHANGE
        from kechuang.core.scope import scope_of

        if ctx.actor is None or not any(c.name == "unit" for c in self.columns):
            return []
        scope = scope_of(ctx.actor)
        if scope.sees_all(CHANGE):
            return []
        return [
            RowError(r.number, ctx.label("unit"), Msg(gettext_noop("outside your data scope")))
            for r in rows
            if r.values.get("unit") is not None and r.values["unit"].pk not in scope.unit_ids
        ]

    def limit_decisions(self, rows: list[ParsedRow], ctx: Context) -> list[RowError]:
        """Refuse a proposer's value in a decision column; fill the proposer's defaults."""
        from kechuang.core.forms import decides

        if ctx.actor is None or not self.decision_columns or decides(ctx.actor):
            return []
        errors = []
        for r in rows:
            for name in self.decision_columns:
                value = r.values.get(name)
                if value in (None, ""):
                    if name in self.proposer_defaults:
                        r.values[name] = self.proposer_defaults[name]
                elif value not in self.proposer_values.get(name, ()):
                    errors.append(
                        RowError(
                            r.number,
                            ctx.label(name),
                            Msg(gettext_noop("recorded by the bureau: leave it empty")),
                        )
                    )
        return errors

    def for_districts(self) -> bool:
        if self.district_allowed is not None:
            return self.district_allowed
        return any(c.name == "unit" for c in self.columns)

    def aliases(self) -> dict[str, tuple[str, ...]]:
        return {c.name: (c.label, *c.aliases) for c in self.columns}


_REGISTRY: dict[str, type[Importer]] = {}


def register(cls: type[Importer]) -> type[Importer]:
    _REGISTRY[cls.kind] = cls
    return cls


def registered_kinds() -> dict[str, type[Importer]]:
    from django.apps import apps

    for config in apps.get_app_configs():  # importers live in each app's `importers` module
        try:
            __import__(f"{config.name}.importers")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.importers":
                raise
    return dict(sorted(_REGISTRY.items()))


def get_importer(kind: str) -> Importer:
    kinds = registered_kinds()
    if kind not in kinds:
        raise ImportFailed([f"unknown import kind {kind!r}; known: {', '.join(kinds)}"])
    return kinds[kind]()


def _parse_column(column: Column, cells, numbers: list[int], label: str, errors: list) -> list:
    """One column's values. The parser's batch path takes what it can whole; every other cell is
    parsed from its text by the scalar parser, which is also what names each problem."""
    batch = getattr(column.parse, "batch", None)
    if batch is not None:
        values, retry = batch(cells)
    else:
        values, retry = [None] * len(cells), range(len(cells))
    parse = column.parse
    for i in retry:
        cell = cell_text(cells[i])
        if cell == "":
            if column.required:
                errors.append((numbers[i], RowError(numbers[i], label, Msg(gettext_noop("is empty")))))
            values[i] = None
            continue
        try:
            values[i] = parse(cell)
        except ValueError as exc:
            errors.append((numbers[i], RowError(numbers[i], label, message_of(exc))))
            values[i] = None
    return values


def _parse(importer: Importer, table: Table, ctx: Context, progress: Progress | None) -> tuple[list, list]:
    """Parse column by column (a column is one type, so its cells parse together), then make
    the rows the importer's check and write take."""
    columns = [c for c in importer.columns if c.name in table.labels or not c.optional_column]
    absent = [c.name for c in importer.columns if c not in columns]
    numbers = table.numbers
    total = len(numbers)
    found: list[tuple[int, int, RowError]] = []
    names, parsed = [], []
    for position, col in enumerate(columns):
        errors: list[tuple[int, RowError]] = []
        cells = table.cells.get(col.name)
        if cells is None:  # a required column the file lacks (read_table refuses that first)
            cells = ("",) * total
        parsed.append(_parse_column(col, cells, numbers, ctx.label(col.name), errors))
        names.append(col.name)
        found += [(row, position, error) for row, error in errors]
        if progress:
            progress("check", total * (position + 1) // (len(columns) + 1), total)
    names[:0] = absent  # first, as the row dicts always had them
    parsed[:0] = [[None] * total for _ in absent]
    values = (
        map(dict, map(zip, repeat(names), zip(*parsed, strict=True))) if parsed else (dict() for _ in numbers)
    )
    rows = list(map(ParsedRow, numbers, values))
    ctx.values = dict(zip(names, parsed, strict=True))
    # Row by row, and within a row in the order of the columns, as a reader scans the file.
    found.sort(key=lambda item: (item[0], item[1]))
    return rows, [error for _, _, error in found]


@contextmanager
def _collector_paused():
    """The read, parse and checks allocate millions of cells, values and row dicts that all live
    until the import ends and hold no reference cycles; the cyclic collector would walk them all
    again every few thousand allocations (a third of the parse time on 100,000 rows) and free
    nothing. Reference counting still frees everything as usual; a cycle made meanwhile waits
    for the next collection after the import."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# The collector stays paused until the import's cells and rows are freed, so it never walks
# them (they go by reference counting as the function returns, before the decorator resumes it).
@_collector_paused()
def import_file(
    kind: str,
    path: str | Path,
    *,
    actor=None,
    dry_run: bool = False,
    options: dict[str, Any] | None = None,
    progress: Progress | None = None,
    display_name: str | None = None,
    origin: dict[str, str] | None = None,
) -> ImportResult:
    """Import the file, or raise ImportFailed listing every problem; nothing is written then."""
    from kechuang.core.audit import record_event
    from kechuang.core.models import EventAction, ImportRun, ImportStatus

    importer = get_importer(kind)
    path = Path(path)
    options = options or {}
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        required = [c.name for c in importer.columns if not c.optional_column]
        table = read_table(path, aliases=importer.aliases(), required=required, name=display_name)
    except (TableError, OSError) as exc:
        raise ImportFailed([message_of(exc)]) from exc
    ctx = Context(actor=actor, options=options, table=table)
    rows, errors = _parse(importer, table, ctx, progress)
    # Checks across rows run even when cells failed, so one pass reports every problem;
    # importers treat a None value as "already reported".
    errors += importer.out_of_scope(rows, ctx)
    errors += importer.limit_decisions(rows, ctx)  # before check(): it may fill defaults
    errors += importer.check(rows, ctx)
    if errors:
        # One message per problem, by row, in the order of the file's columns.
        raise ImportFailed(sorted(dict.fromkeys(errors), key=lambda e: e.row))
    result = ImportResult(kind=kind, rows=len(rows), dry_run=dry_run, preview=[r.values for r in rows[:20]])
    if dry_run:
        return result
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            file_name=display_name or path.name,
            sha256=digest,
            actor=actor,
            actor_name=actor.get_username() if actor else "(cli)",
            rows=len(rows),
            options=options,
        )
        ctx.run = run
        if progress:
            progress("write", 0, len(rows))
        result.created, result.updated = importer.write(rows, ctx)
        run.created_count, run.updated_count = result.created, result.updated
        run.status, run.finished = ImportStatus.COMMITTED, timezone.now()
        run.save()
        record_event(
            EventAction.IMPORT,
            actor=actor,
            actor_name=None if actor else "(cli)",
            message=f"{kind}: {run.file_name}",
            data={
                "kind": kind,
                "sha256": digest,
                "rows": len(rows),
                "created": result.created,
                "updated": result.updated,
                "run": run.pk,
            },
            **(origin or {}),
        )
        if progress:
            progress("write", len(rows), len(rows))
    result.run_id = run.pk
    return result
