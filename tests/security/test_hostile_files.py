"""Hostile files (security.md items 10, 13, 14): each refused with a clear message, quickly and in
little memory, the database unchanged; exports neutralise formulas in CSV and XLSX."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kechuang.core.uploads import UploadRefused, check_workbook
from kechuang.tabular import TableError, neutralise, read_table, write_table

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
ALIASES = {"uscc": [], "name": []}


def _workbook(rows=(("uscc", "name"), ("91350200776049653A", "碧江测试企业"))) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rewrite(replace=None, extra=None, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The plain workbook with some parts replaced or added."""
    src = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for item in src.infolist():
            data = (replace or {}).get(item.filename)
            z.writestr(item.filename, data if data is not None else src.read(item.filename))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def _sheet_with(rows_xml: str) -> bytes:
    sheet = zipfile.ZipFile(io.BytesIO(_workbook())).read(SHEET).decode()
    return sheet.replace("</sheetData>", rows_xml + "</sheetData>").encode()


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&e;</t></si></sst>'
)

HOSTILE_WORKBOOKS = {
    "zip bomb": (
        lambda: _rewrite({SHEET: b'<?xml version="1.0"?><worksheet>' + b" " * (40 << 20) + b"</worksheet>"}),
        "zip bomb",
    ),
    "billion laughs": (lambda: _rewrite(extra={"xl/sharedStrings.xml": LAUGHS}), "DTD"),
    "external entity": (lambda: _rewrite(extra={"xl/sharedStrings.xml": XXE}), "DTD"),
    "many members": (lambda: _rewrite(extra={f"junk/{i}.xml": "" for i in range(600)}), "parts"),
    "path traversal": (lambda: _rewrite(extra={"../../evil.xml": "<x/>"}), "leaves the archive"),
    "macros": (lambda: _rewrite(extra={"xl/vbaProject.bin": os.urandom(512)}), "macros"),
    "one far cell": (
        lambda: _rewrite(
            {SHEET: _sheet_with('<row r="1000"><c r="XFD1000" t="inlineStr"><is><t>x</t></is></c></row>')}
        ),
        "cells span",
    ),
    "a million empty rows": (
        lambda: _rewrite({SHEET: _sheet_with("".join(f'<row r="{i}"/>' for i in range(3, 1_048_577)))}),
        "at most 200000 rows",
    ),
}


CHECK = (
    "import resource, sys, time\n"
    "from kechuang.core.uploads import UploadRefused, check_workbook\n"
    "t = time.monotonic()\n"
    "try:\n"
    "    check_workbook(sys.argv[1], '上报.xlsx')\n"
    "    print('ACCEPTED')\n"
    "except UploadRefused as exc:\n"
    "    print(exc)\n"
    "print(round(time.monotonic() - t, 2))\n"
    "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])\n"
)


@pytest.mark.parametrize("case", list(HOSTILE_WORKBOOKS))
def test_hostile_workbooks_are_refused_before_parsing_in_bounded_time_and_memory(case, tmp_path):
    """Checked in a child process, whose peak resident memory (VmHWM, reset by exec) is the
    check's own."""
    build, reason = HOSTILE_WORKBOOKS[case]
    path = tmp_path / "upload.xlsx"
    path.write_bytes(build())
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    message, elapsed, peak_kib = done.stdout.strip().rsplit("\n", 2)
    assert done.returncode == 0, done.stderr
    assert message.startswith("上报.xlsx: ") and re.search(reason, message), message
    assert float(elapsed) < 10
    assert int(peak_kib) < 64 * 1024, peak_kib  # the interpreter plus 1 MB chunks


def test_a_plain_workbook_passes_the_checks_and_reads(tmp_path):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(_workbook())
    check_workbook(path)
    table = read_table(path, aliases=ALIASES, required=["uscc", "name"])
    assert table.rows == [(2, {"uscc": "91350200776049653A", "name": "碧江测试企业"})]


def test_a_directory_that_understates_sizes_is_caught_while_streaming(tmp_path):
    """The scan counts the bytes it inflates, not what the zip directory claims."""
    from kechuang.core.uploads import Limits

    path = tmp_path / "big.xlsx"
    path.write_bytes(_rewrite({SHEET: _sheet_with("".join(f'<row r="{i}"/>' for i in range(3, 40_000)))}))
    with pytest.raises(UploadRefused, match="unpacks to more than"):
        check_workbook(path, limits=Limits(total_inflated=100_000, ratio=10**9))


# What the reader already refuses on its own (no zip inside, or calamine's XML parser).
READER_REFUSES = {
    "renamed.xlsx": (b"MZ\x90\x00" + os.urandom(4096), "neither UTF-8 nor GB18030"),
    "encrypted.xlsx": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096,
        "encrypted workbooks are not accepted",
    ),
    "random.csv": (os.urandom(5000), "neither UTF-8 nor GB18030"),
    "utf16.csv": ("uscc,name\n91350200776049653A,测试\n".encode("utf-16"), "neither UTF-8 nor GB18030"),
    "laughs.xlsx": (None, "contains a DTD"),  # refused by check_workbook before calamine reads it
}


@pytest.mark.parametrize("name", list(READER_REFUSES))
def test_the_reader_refuses_foreign_and_encrypted_files_with_a_message(name, tmp_path):
    data, message = READER_REFUSES[name]
    if data is None:
        data = _rewrite(extra={"xl/sharedStrings.xml": LAUGHS})
    path = tmp_path / name
    path.write_bytes(data)
    started = time.monotonic()
    with pytest.raises(TableError, match=message):
        read_table(path, aliases=ALIASES, required=["uscc", "name"])
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", "碧江测试企业"),
        ("utf-8-sig", "碧江测试企业"),
        ("gbk", "碧江测试企业"),
        ("gb18030", "碧江测试企业𠀀"),
    ],
)
def test_accepted_encodings_read_back_exactly(encoding, text, tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(f"uscc,name\n91350200776049653A,{text}\n".encode(encoding))
    table = read_table(path, aliases=ALIASES, required=["uscc", "name"])
    assert table.rows[0][1]["name"] == text and "\ufffd" not in table.rows[0][1]["name"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["renamed.xlsx", "encrypted.xlsx", "random.csv", "utf16.csv", "laughs.xlsx"])
def test_a_refused_import_leaves_the_database_unchanged(name, tmp_path, users):
    from django.db import connection

    from kechuang.core.backup import database_digest
    from kechuang.core.imports import ImportFailed, import_file

    data, message = READER_REFUSES[name]
    path = tmp_path / name
    path.write_bytes(data if data is not None else _rewrite(extra={"xl/sharedStrings.xml": LAUGHS}))
    connection.ensure_connection()
    before = database_digest(connection.connection, connection.vendor)
    with pytest.raises(ImportFailed, match=message):
        import_file("enterprises", path, actor=users["staff"])
    assert database_digest(connection.connection, connection.vendor) == before


# Export formula neutralisation (CWE-1236) -----------------------------------------------------

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x","a")']


def test_neutralise_prefixes_formula_text_only():
    assert [neutralise(v) for v in DANGEROUS] == ["'" + v for v in DANGEROUS]
    assert [neutralise(v) for v in ("碧江", "a=b", 5, -3, 2.5, None)] == ["碧江", "a=b", 5, -3, 2.5, None]


def test_xlsx_export_keeps_text_as_text_and_numbers_as_numbers(tmp_path):
    path = tmp_path / "out.xlsx"
    write_table(path, ["text", "number"], [[v, n] for n, v in enumerate(DANGEROUS, start=-3)])
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(DANGEROUS)
    for (text, number), original, n in zip(rows, DANGEROUS, range(-3, 10), strict=False):
        assert text.data_type == "s" and text.value == "'" + original
        assert number.data_type == "n" and number.value == n


def test_csv_export_neutralises_and_quotes_per_rfc_4180(tmp_path):
    path = tmp_path / "out.csv"
    write_table(path, ["text", "number"], [[v, 7] for v in [*DANGEROUS, 'say "hi", then\nleave']])
    raw = path.read_bytes()
    assert b'"\'=HYPERLINK(""http://x"",""a"")"' in raw  # quotes doubled, field quoted
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == ["text", "number"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in DANGEROUS] + ['say "hi", then\nleave']
    assert {r[1] for r in rows[1:]} == {"7"}


READ = (
    "import sys\n"
    "from kechuang.tabular import TableError, read_table\n"
    "try:\n"
    "    read_table(sys.argv[1], name='上报.xlsx')\n"
    "    print('ACCEPTED')\n"
    "except TableError as exc:\n"
    "    print(exc)\n"
)


@pytest.mark.parametrize("case", ["one far cell", "billion laughs", "zip bomb"])
def test_the_table_reader_runs_the_checks_before_calamine(case, tmp_path):
    """Every import reads through kechuang.tabular: without the hook, calamine allocates the far
    cell's whole span (the child dies of memory or takes far longer) instead of refusing."""
    build, reason = HOSTILE_WORKBOOKS[case]
    path = tmp_path / "upload.xlsx"
    path.write_bytes(build())
    done = subprocess.run(
        [sys.executable, "-c", READ, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("上报.xlsx: ") and re.search(reason, done.stdout), done.stdout


def test_a_huge_csv_cell_is_a_clear_refusal_not_a_crash(tmp_path):
    from kechuang.tabular import TableError, read_table

    path = tmp_path / "big.csv"
    path.write_text("uscc,name\n91350200776049653A," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(TableError, match="big.csv: not a readable CSV table"):
        read_table(path)
