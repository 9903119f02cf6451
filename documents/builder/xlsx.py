"""The tables of a `Content` as an .xlsx workbook (openpyxl): a first sheet saying what the
workbook is, then one sheet per table with the title, the header row and the rows. Numbers stay
numbers at full precision (the sheet's number format shows them as the document does); text that a
spreadsheet would run as a formula is neutralised. Written with fixed timestamps, so the same
content gives the same bytes."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from documents.builder.content import INTEGER, NUMBER, PERCENT, POINTS, Content, Table, cell_format
from documents.builder.docx import _fixed_zip
from kechuang.tabular import neutralise

__all__ = ["HEADER_ROW", "render_xlsx", "sheet_names"]

HEADER_ROW = 3  # row 1 the title, row 2 blank, row 3 the header, data from row 4
_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_names(content: Content) -> list[str]:
    names: list[str] = []
    for number, table in enumerate(content.tables, start=1):
        base = _BAD.sub("", table.sheet or f"表{number} {table.title}")[:31].strip() or f"表{number}"
        name, n = base, 2
        while name in names or name == "说明":
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _format(kind: str, decimals: int) -> str:
    if kind == PERCENT:
        return "0" + ("." + "0" * decimals if decimals else "") + "%"
    if kind == INTEGER:
        return "0"
    if kind in (NUMBER, POINTS):
        return "0" + ("." + "0" * decimals if decimals else "")
    return "General"


def _cell(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float) or value is None:
        return value
    return neutralise(str(value))


def _table_sheet(ws, table: Table, number: int) -> None:
    ws.cell(row=1, column=1, value=neutralise(f"表{number}  {table.title}")).font = Font(bold=True, size=13)
    bold = Font(bold=True)
    for col, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=neutralise(column.label))
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        width = max(10, min(40, 2 * len(column.label) + 2))
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, values in enumerate(table.rows, start=HEADER_ROW + 1):
        for col, column in enumerate(table.columns, start=1):
            raw = values[col - 1] if col - 1 < len(values) else None
            value, kind, decimals = cell_format(raw, column)
            cell = ws.cell(row=r, column=col, value=_cell(value))
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = _format(kind, decimals)
    if table.note:
        ws.cell(row=HEADER_ROW + len(table.rows) + 2, column=1, value=neutralise(f"注：{table.note}"))
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=2)


def render_xlsx(content: Content) -> bytes:
    wb = Workbook()
    about = wb.active
    about.title = "说明"
    names = sheet_names(content)
    lines = [
        ("标题", content.title.replace("\n", "")),
        ("发文单位", content.issuer),
        ("文号", content.masthead.number if content.masthead else ""),
        ("成文日期", content.date.isoformat()),
        ("内容", content.subject),
        ("数据版本", content.keywords),
        ("", ""),
        ("工作表", "表名"),
    ]
    lines += [(name, table.title) for name, table in zip(names, content.tables, strict=True)]
    for r, (key, value) in enumerate(lines, start=1):
        about.cell(row=r, column=1, value=neutralise(key)).font = Font(bold=True)
        about.cell(row=r, column=2, value=neutralise(value))
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 80
    for number, (name, table) in enumerate(zip(names, content.tables, strict=True), start=1):
        _table_sheet(wb.create_sheet(name), table, number)
    props = wb.properties
    props.title = content.title.replace("\n", "")
    props.creator = content.issuer
    props.lastModifiedBy = content.issuer
    props.subject = content.subject
    props.keywords = content.keywords
    props.language = "zh-CN"
    if content.created is not None:
        stamp = content.created.replace(tzinfo=None, microsecond=0)
        props.created = stamp
        props.modified = stamp
    buffer = io.BytesIO()
    # openpyxl's Workbook.save stamps the time of saving as "modified"; its writer does not.
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return _fixed_zip(buffer.getvalue())
