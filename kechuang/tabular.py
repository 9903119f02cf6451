"""Reading and writing tables: CSV (UTF-8, UTF-8 with BOM, GB18030) and .xlsx (first sheet).

One reader for every command and import (CONTRACTS.md: English column names or their Chinese
labels). Rows come back as dicts of stripped strings keyed by the canonical English column name,
each with its spreadsheet row number (the header is row 1), so every error can name row and
column. Writing neutralises spreadsheet formulas (security.md: CSV/XLSX injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kechuang.messages import Msg, gettext_noop

__all__ = ["Table", "TableError", "neutralise", "read_table", "write_table"]

MAX_BYTES = 200 * 1024 * 1024
_ENCODINGS = ("utf-8-sig", "gb18030")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TableError(Exception):
    """The file cannot be read as a table; the message says why in plain words."""


@dataclass
class Table:
    columns: list[str]  # canonical names, in file order (unknown headers kept as written)
    rows: list[tuple[int, dict[str, str]]]  # (row number in the file, values)
    labels: dict[str, str]  # canonical name -> header as written in the file


def _cell_text(value) -> str:
    if type(value) is str:  # the common case first: most cells are text
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _decode(raw: bytes, name: str) -> str:
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(
        Msg(
            gettext_noop("{name}: the text is neither UTF-8 nor GB18030; save it as UTF-8 CSV or .xlsx"),
            name=name,
        )
    )


def _read_rows(path: Path, name: str) -> list[list[str]]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TableError(
            Msg(gettext_noop("{name}: cannot read the file ({reason})"), name=name, reason=exc.strerror)
        ) from exc
    if size > MAX_BYTES:
        raise TableError(
            Msg(
                gettext_noop("{name}: the file is larger than {mb} MB"),
                name=name,
                mb=MAX_BYTES // (1024 * 1024),
            )
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, name)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError(
            Msg(
                gettext_noop(
                    "{name}: old .xls or encrypted workbooks are not accepted; save as .xlsx or CSV"
                ),
                name=name,
            )
        )
    text = _decode(path.read_bytes(), name)
    if "\x00" in text:
        raise TableError(
            Msg(gettext_noop("{name}: the file is not a text table (it contains binary data)"), name=name)
        )
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:  # a cell over the csv module's field limit (128 KiB), a stray NUL
        raise TableError(
            Msg(gettext_noop("{name}: not a readable CSV table ({reason})"), name=name, reason=str(exc))
        ) from exc


def _read_xlsx(path: Path, name: str) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    from kechuang.core.uploads import UploadRefused, check_workbook

    # calamine allocates a sheet's whole span and inflates every part: a hostile workbook (a
    # zip bomb, one cell at XFD1048576, a DTD) is refused before it reads a byte of cells.
    try:
        check_workbook(path, name)
    except UploadRefused as exc:
        raise TableError(str(exc)) from exc
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        data = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for broken or foreign files
        raise TableError(
            Msg(gettext_noop("{name}: not a readable .xlsx workbook ({reason})"), name=name, reason=str(exc))
        ) from exc
    return [[_cell_text(v) for v in row] for row in data]


def _missing(name: str, missing: list[str], aliases) -> Msg:
    """English names the columns (CONTRACTS.md); a page adds the Chinese header to look for."""
    headers = [(aliases or {}).get(c, ()) for c in missing]
    return Msg(
        gettext_noop("{name}: row 1: missing column(s) {columns}"),
        name=name,
        columns=", ".join(missing),
        headers="、".join(h[0] for h in headers if h),
    )


def read_table(
    path: str | Path,
    aliases: Mapping[str, Sequence[str]] | None = None,
    required: Iterable[str] = (),
    name: str | None = None,
) -> Table:
    """Read the table at `path`. `aliases` maps each canonical column to its accepted headers
    (the canonical name itself is always accepted; matching ignores case and spaces). Fully empty
    rows are skipped. A missing required column is a TableError naming it."""
    path = Path(path)
    name = name or path.name  # the uploaded file's own name, not the stored copy's
    raw_rows = _read_rows(path, name)
    while raw_rows and not any(raw_rows[0]):
        raw_rows.pop(0)  # tolerate blank lines above the header
    if not raw_rows:
        raise TableError(Msg(gettext_noop("{name}: the file is empty"), name=name))
    lookup: dict[str, str] = {}
    for canonical, names in (aliases or {}).items():
        for header in (canonical, *names):
            lookup[_key(header)] = canonical
    header = raw_rows[0]
    columns, labels = [], {}
    for cell in header:
        column = lookup.get(_key(cell), cell.strip())
        if column and column in labels:
            raise TableError(
                Msg(gettext_noop("{name}: row 1: column {cell} appears twice"), name=name, cell=repr(cell))
            )
        columns.append(column)
        if column:
            labels[column] = cell.strip()
    missing = [c for c in required if c not in labels]
    if missing:
        raise TableError(_missing(name, missing, aliases))
    rows = []
    for index, raw in enumerate(raw_rows[1:], start=2):
        if not any(raw):
            continue
        values = {col: (raw[i] if i < len(raw) else "") for i, col in enumerate(columns) if col}
        rows.append((index, values))
    return Table(columns=[c for c in columns if c], rows=rows, labels=labels)


def _key(name: str) -> str:
    return "".join(name.split()).lower().lstrip("\ufeff")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def write_table(path: str | Path, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write rows to .xlsx (by the suffix) or UTF-8 CSV, formulas neutralised."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(list(columns))
        for row in rows:
            ws.append([neutralise(v) for v in row])
        wb.save(path)
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else neutralise(v) for v in row])
