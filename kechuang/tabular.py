"""Reading and writing tables: CSV (UTF-8, UTF-8 with BOM, GB18030) and .xlsx (first sheet).

One reader for every command and import (CONTRACTS.md: English column names or their Chinese
labels). Rows come back as dicts of stripped strings keyed by the canonical English column name,
each with its spreadsheet row number (the header is row 1), so every error can name row and
column. Writing neutralises spreadsheet formulas (security.md: CSV/XLSX injection).

The table keeps its cells column by column as read (`Table.cells`: text from a CSV, calamine's
own values from a .xlsx), so the import engine parses a whole column at once; `Table.rows`, the
row-by-row text form, is built only when someone asks for it.

CSV encodings (security.md item 13): strict UTF-8 (a BOM is dropped), then strict GB18030.
Big5 bytes are almost always valid GB18030 too and would decode into nonsense, so a GB18030
reading that looks like decoded Big5 is refused by name (`_looks_like_big5`); every other text
is refused with the line and byte where it stops being UTF-8 or GB18030. No replacement
character is ever stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from kechuang.messages import Msg, gettext_noop

__all__ = ["Table", "TableError", "cell_text", "is_blank", "neutralise", "read_table", "write_table"]

MAX_BYTES = 200 * 1024 * 1024
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TableError(Exception):
    """The file cannot be read as a table; the message says why in plain words."""


@dataclass
class Table:
    columns: list[str]  # canonical names, in file order (unknown headers kept as written)
    labels: dict[str, str]  # canonical name -> header as written in the file
    numbers: list[int] = field(default_factory=list)  # each data row's number in the file
    # column -> its cells in row order, as read: stripped text from a CSV; from a .xlsx what
    # calamine gives (str not yet stripped, float, date, datetime, bool, None). `cell_text` turns
    # any of them into the text form.
    cells: dict[str, Sequence] = field(default_factory=dict)

    def text(self, column: str) -> list[str]:
        """The column's cells as stripped text ("" for an empty cell or a column not in the file)."""
        cells = self.cells.get(column)
        if cells is None:
            return [""] * len(self.numbers)
        return list(map(cell_text, cells))

    @cached_property
    def rows(self) -> list[tuple[int, dict[str, str]]]:
        """(row number in the file, {column: text}) per data row."""
        texts = [self.text(c) for c in self.columns]
        return [
            (number, dict(zip(self.columns, values, strict=True)))
            for number, values in zip(
                self.numbers, zip(*texts, strict=True) if texts else [()] * len(self.numbers), strict=True
            )
        ]


def cell_text(value) -> str:
    """A cell as the stripped text a person would read in it."""
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


def is_blank(value) -> bool:
    """True for a cell whose text is empty (cell_text(value) == "")."""
    return value is None or (type(value) is str and not value.strip())


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """(line, byte offset) of a byte, both counted as people do: from 1 and from 0."""
    return raw.count(b"\n", 0, offset) + 1, offset


# A GB18030 reading of Big5 bytes: Big5 lead bytes A1–F9 with trail bytes 40–7E and A1–FE are
# nearly all valid GBK, so the decode succeeds. Leads A4–A9 land on GB2312's kana, Greek,
# Cyrillic and box-drawing rows, AA–AF and F8–F9 on the private-use area, trails 40–7E on
# GBK's rare-character extension: outside GB2312 (the 6,763 common hanzi and the usual
# punctuation), where real simplified-Chinese lists put a rare name character or two. A Big5 list
# read as GB18030 has about half its characters there (29 of 48 in the test sample);
# text that is really GBK or GB18030 has almost none.
_BIG5_SHARE = 0.2
_BIG5_MIN = 3
_SAMPLE = 200_000  # characters looked at; mojibake shows on every line


def _outside_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def _looks_like_big5(raw: bytes, text: str) -> bool:
    try:
        raw.decode("big5")
    except UnicodeDecodeError:
        return False  # GB18030's four-byte sequences (second byte 30–39) are never Big5
    counts = Counter(text[:_SAMPLE])
    wide = {c: n for c, n in counts.items() if ord(c) >= 0x80}
    total = sum(wide.values())
    odd = sum(n for c, n in wide.items() if _outside_gb2312(c))
    return odd >= _BIG5_MIN and odd >= _BIG5_SHARE * total


def _decode(raw: bytes, name: str) -> str:
    """The text of a CSV: strict UTF-8 (BOM dropped), else strict GB18030, else refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableError(
            Msg(
                gettext_noop(
                    "{name}: the file is UTF-16 text, neither UTF-8 nor GB18030; save it as UTF-8 CSV or .xlsx"
                ),
                name=name,
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            # The reading that got further is the one the file was most likely meant in.
            line, offset = _position(raw, max(utf8_error.start, gb_error.start))
            raise TableError(
                Msg(
                    gettext_noop(
                        "{name}: line {line} (byte {offset}): the text is neither UTF-8 nor GB18030; "
                        "save it as UTF-8 CSV or .xlsx"
                    ),
                    name=name,
                    line=line,
                    offset=offset,
                )
            ) from None
        if _looks_like_big5(raw, text):
            line, offset = _position(raw, utf8_error.start)
            raise TableError(
                Msg(
                    gettext_noop(
                        "{name}: the file looks like Big5 (traditional Chinese) text, from line {line} "
                        "(byte {offset}); only UTF-8 and GB18030 are read: save it as UTF-8"
                    ),
                    name=name,
                    line=line,
                    offset=offset,
                )
            ) from None
    bad = text.find("\ufffd")
    if bad >= 0:  # a replacement character: an earlier conversion already lost the text
        raise TableError(
            Msg(
                gettext_noop(
                    "{name}: line {line} holds the replacement character U+FFFD: the text was damaged "
                    "by an earlier conversion; save it again from the original as UTF-8"
                ),
                name=name,
                line=text.count("\n", 0, bad) + 1,
            )
        )
    return text


def _read_rows(path: Path, name: str) -> list[list]:
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


def _read_xlsx(path: Path, name: str) -> list[list]:
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
    return data


def _missing(name: str, missing: list[str], aliases) -> Msg:
    """English names the columns (CONTRACTS.md); a page adds the Chinese header to look for."""
    headers = [(aliases or {}).get(c, ()) for c in missing]
    return Msg(
        # The Chinese text also names the template's headers: no brace-format check on it.
        # xgettext:no-python-brace-format
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
    while raw_rows and all(map(is_blank, raw_rows[0])):
        raw_rows.pop(0)  # tolerate blank lines above the header
    if not raw_rows:
        raise TableError(Msg(gettext_noop("{name}: the file is empty"), name=name))
    lookup: dict[str, str] = {}
    for canonical, names in (aliases or {}).items():
        for header in (canonical, *names):
            lookup[_key(header)] = canonical
    header = [cell_text(v) for v in raw_rows[0]]
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
    # Rows to columns in one pass; a short CSV row reads as empty cells, extra cells are dropped.
    width = len(columns)
    body = raw_rows[1:]
    transposed = list(itertools.zip_longest(*body, fillvalue=""))
    numbers = list(range(2, len(body) + 2))
    filled = _filled_rows(transposed, len(body))  # any cell counts, under a header or not
    transposed = transposed[:width] + [("",) * len(body)] * (width - len(transposed))
    if filled is not None:  # drop the fully empty rows
        numbers = list(itertools.compress(numbers, filled))
        transposed = [tuple(itertools.compress(cells, filled)) for cells in transposed]
    cells = {column: transposed[i] for i, column in enumerate(columns) if column}
    return Table(columns=[c for c in columns if c], labels=labels, numbers=numbers, cells=cells)


def _filled(cells) -> np.ndarray:
    """Which cells of a column are not blank, whole-column where the types allow."""
    types = set(map(type, cells))
    if types == {str}:
        return np.fromiter(map(bool, map(str.strip, cells)), dtype=bool, count=len(cells))
    if not types & {str, type(None)}:
        return np.ones(len(cells), dtype=bool)
    return np.fromiter((not is_blank(v) for v in cells), dtype=bool, count=len(cells))


def _filled_rows(columns: list, n: int) -> np.ndarray | None:
    """Rows with at least one non-blank cell, or None when that is every row. Column by column,
    stopping as soon as every row has one (usually after the first column)."""
    filled = np.zeros(n, dtype=bool)
    for cells in columns:
        filled |= _filled(cells)
        if filled.all():
            return None
    return filled


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
