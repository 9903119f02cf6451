"""Reading generated files back: the tables of a .docx with their captions, and cell text to
numbers."""

from __future__ import annotations

import io
import re

import docx
from docx.oxml.ns import qn

CAPTION = re.compile(r"^表(\d+)\s+(.*)$")


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def tables(data: bytes) -> dict[str, list[list[str]]]:
    """Caption title (without 表N) -> rows of cell text, the header first."""
    document = open_docx(data)
    out: dict[str, list[list[str]]] = {}
    caption = None
    body = document.element.body
    tables_by_element = {t._tbl: t for t in document.tables}
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t"))).strip()
            match = CAPTION.match(text)
            if match:
                caption = match.group(2)
        elif child.tag == qn("w:tbl"):
            table = tables_by_element[child]
            out[caption] = [[cell.text for cell in row.cells] for row in table.rows]
            caption = None
    return out


def number(text: str) -> float | None:
    """'316.00' -> 316.0, '43.1%' -> 0.431, '—' -> None."""
    text = text.strip()
    if text in ("—", ""):
        return None
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def close(text: str, expected: float | None, decimals: int, percent: bool = False) -> bool:
    """The cell shows the expected figure at the precision shown."""
    got = number(text)
    if expected is None or got is None:
        return got is None and expected is None
    step = 10**-decimals / (100 if percent else 1)
    return abs(got - expected) <= step / 2 + 1e-9
