"""The content of a document, independent of the file format: a title, an optional addressee,
blocks (numbered headings, paragraphs, tables, figures, notes), the issuing unit and the date.

`render_docx` lays it out as an official document (GB/T 9704) and `render_xlsx` writes its tables
as a workbook, so the two files always carry the same figures. Table cells hold raw values
(numbers stay numbers); each column says how its values are shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = [
    "Cell",
    "decimal_text",
    "Column",
    "Content",
    "Figure",
    "Heading",
    "Imprint",
    "Masthead",
    "Note",
    "Para",
    "Table",
    "fmt_value",
]

# How a column's values are shown (docx text) and stored (xlsx number format).
TEXT, NUMBER, PERCENT, POINTS, INTEGER = "text", "number", "percent", "points", "integer"
NO_DATA = "—"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT  # text | number | percent | points | integer
    decimals: int = 2  # number: decimals shown; percent: decimals of the percentage


@dataclass(frozen=True)
class Cell:
    """A value with its own format, where a column mixes kinds (a table of indicators, each with
    its precision; growth in % for most, in percentage points for ratios)."""

    value: Any
    kind: str = NUMBER
    decimals: int = 2


@dataclass(frozen=True)
class Heading:
    """A numbered heading: level 1 一、 level 2 （一） level 3 1. level 4 （1）."""

    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    indent: bool = True  # first-line indent of two characters


@dataclass(frozen=True)
class Note:
    """A small-print note under a table or figure (注：…)."""

    text: str


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    sheet: str = ""  # the .xlsx sheet name (≤ 31 characters); the title where empty
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """A chart: the PNG, or None with the reason it could not be drawn."""

    title: str
    png: bytes | None
    missing_reason: str = ""


@dataclass(frozen=True)
class Masthead:
    """版头 (GB/T 9704 §7.2): the issuing authority's mark in red, centred; the number line below
    it; a red rule under both.

    A document (文件式): mark 铜仁市科学技术局文件, number 铜科通〔2023〕3号 centred. A
    bulletin of the 简报 kind: mark 科技创新工作动态, number 2023年第6期 centred, then a line
    with the editing unit on the left and the date on the right (`left`, `right`)."""

    mark: str
    number: str = ""
    left: str = ""
    right: str = ""


@dataclass(frozen=True)
class Imprint:
    """版记 (§7.4) after the text: 抄送 (copies to), the unit that prints it and the date it is
    printed (印发), between black rules."""

    printer: str
    printed: dt.date
    copy_to: str = ""


@dataclass
class Content:
    title: str
    issuer: str
    date: dt.date
    blocks: list = field(default_factory=list)
    masthead: Masthead | None = None
    imprint: Imprint | None = None
    addressee: str = ""  # 主送机关, e.g. 市人民政府
    subject: str = ""  # document properties: what and which period
    keywords: str = ""  # document properties: the data digest, so a file can be traced back
    created: dt.datetime | None = None

    def add(self, *blocks) -> Content:
        self.blocks.extend(blocks)
        return self

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def cell_format(value: Any, column: Column) -> tuple[Any, str, int]:
    """(raw value, kind, decimals) of a cell: its own where it is a Cell, else its column's."""
    if isinstance(value, Cell):
        return value.value, value.kind, value.decimals
    return value, column.kind, column.decimals


def fmt_value(value: Any, column: Column) -> str:
    """The text of a cell: numbers at their precision, percentages with %, percentage points as
    numbers, "—" for no data."""
    value, kind, d = cell_format(value, column)
    column = Column(column.label, kind, d)
    if value is None or value == "":
        return NO_DATA if column.kind != TEXT else ""
    if column.kind == TEXT:
        return str(value)
    if column.kind == PERCENT:
        return decimal_text(float(value) * 100, d) + "%"
    if column.kind == INTEGER:
        return decimal_text(float(value), 0)
    return decimal_text(float(value), d)


def decimal_text(value: float, decimals: int) -> str:
    """A number at `decimals` places, halves rounded up as people round (0.2125 → 21.3%, where
    binary floating point would give 21.2), never "-0.00". Twelve significant digits first
    drop the floating-point noise (21.249999999999996 is 21.25)."""
    quantum = Decimal(1).scaleb(-decimals)
    text = f"{Decimal(f'{value:.12g}').quantize(quantum, rounding=ROUND_HALF_UP):f}"
    return _no_minus_zero(text)


def _no_minus_zero(text: str) -> str:
    """-0.00 (a tiny negative rounded away) reads as 0.00."""
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text
