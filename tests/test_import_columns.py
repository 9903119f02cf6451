"""The import engine parses column by column (kechuang/core/imports/engine.py, parsers' `batch`).
Every cell must come out exactly as the scalar parser makes it from the cell's text, with the same
messages in the same order: proved here against the row-by-row algorithm on random cells of every
type calamine and the CSV reader give."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from openpyxl import Workbook

from kechuang.core.imports import Column, Importer, RowError
from kechuang.core.imports import parsers as p
from kechuang.core.imports.engine import Context, _parse, message_of
from kechuang.core.uploads import _span
from kechuang.messages import Msg, gettext_noop
from kechuang.tabular import cell_text, read_table

TODAY = dt.date.today()
PARSERS = {
    "text5": p.text(5),
    "money": p.decimal(places=2),
    "signed": p.decimal(minimum=None, places=4),
    "at_least_one": p.decimal(minimum=Decimal("1.5")),
    "count": p.integer(),
    "year": p.integer(minimum=1990, maximum=2100),
    "any_int": p.integer(minimum=None),
    "date": p.date(),
    "any_date": p.date(not_future=False),
    "domain": p.one_of(["电子信息", "生物与新医药"], labels={"电子": "电子信息"}),
    "uscc": p.code_uscc,
}
VALID_CODE = "91350200776049653A"


def _cells(rng: random.Random, n: int) -> list:
    pool = [
        lambda: rng.uniform(0, 1e6),
        lambda: round(rng.uniform(-1000, 100000), rng.choice([0, 1, 2, 3, 6])),
        lambda: float(rng.randint(0, 3000)),
        lambda: rng.choice([0.125, 1.005, 1.015, 2.675, -0.0, 1e-7, 1e15, 1e20, 9.999999e14, 2023.0]),
        lambda: rng.choice([float("nan"), float("inf"), -float("inf")]),
        lambda: rng.randint(-5, 10**17),
        lambda: rng.choice([True, False]),
        lambda: None,
        lambda: rng.choice(["", "  ", "\u3000"]),
        lambda: rng.choice(
            ["12", " 007 ", "1,200", "1，200.5", "-3", "1e3", "NaN", "abc", "１２", "2.5", "1_000"]
        ),
        lambda: rng.choice(
            ["2020-01-02", "2020/1/2", "2999-01-01", "2020-02-30", "2020-01-02 10:00", "20200102"]
        ),
        lambda: rng.choice([VALID_CODE, VALID_CODE.lower(), " " + VALID_CODE, "91350200776049653B", "X"]),
        lambda: rng.choice(["电子信息", "电子", " 生物与新医药 ", "化工", "toolongtext"]),
        lambda: dt.date(rng.randint(1900, 2100), rng.randint(1, 12), rng.randint(1, 28)),
        lambda: dt.datetime(2020, 5, 6, rng.choice([0, 13]), 0),
        lambda: TODAY + dt.timedelta(days=rng.choice([-1, 0, 1])),
    ]
    kind = rng.random()
    if kind < 0.3:  # one type with a few odd cells, as real columns are
        main = rng.choice(pool)
        return [main() if rng.random() < 0.9 else rng.choice(pool)() for _ in range(n)]
    return [rng.choice(pool)() for _ in range(n)]


def _scalar(parse, cell, required=True):
    """The row-by-row algorithm the engine had: text, then the scalar parser."""
    text = cell_text(cell)
    if text == "":
        return ("empty",) if required else ("value", "None")
    try:
        value = parse(text)
    except ValueError as exc:
        return ("error", message_of(exc))
    return ("value", repr(value))


def _batched(parse, cells):
    values, retry = parse.batch(cells)
    out = [("value", repr(v)) for v in values]
    for i in retry:
        out[i] = _scalar(parse, cells[i])
    return out


@pytest.mark.parametrize("name", list(PARSERS))
def test_each_batch_path_gives_what_the_scalar_parser_gives(name):
    parse = PARSERS[name]
    rng = random.Random(name)
    for _ in range(300):
        cells = _cells(rng, rng.randint(1, 40))
        assert _batched(parse, cells) == [_scalar(parse, c) for c in cells], cells


def test_a_clean_float_money_column_is_taken_whole():
    values, retry = PARSERS["money"].batch([1000.25, 2.0, 0.125, 1.015])
    assert retry == []
    assert [str(v) for v in values] == ["1000.25", "2.00", "0.12", "1.02"]  # half-even, as round()


# --- the engine against the row-by-row algorithm -------------------------------------------------


class _Mixed(Importer):
    kind = "test_mixed_columns"
    label = "test"

    def build_columns(self):
        return [
            Column("code", "代码", p.code_uscc),
            Column("name", "名称", p.text(5)),
            Column("money", "金额", p.decimal(places=2)),
            Column("count", "数量", p.integer(), required=False),
            Column("day", "日期", p.date(), required=False, optional_column=True),
            Column("flag", "标志", p.boolean, required=False),  # no batch path: the scalar route
            Column("missing", "缺列", p.text(), required=False, optional_column=True),
        ]


def _old_parse(importer, table, ctx):
    """The engine's row-by-row parse before the column-wise one, kept as the reference."""
    rows, errors = [], []
    columns = [c for c in importer.columns if c.name in table.labels or not c.optional_column]
    absent = [c.name for c in importer.columns if c not in columns]
    for number, raw in table.rows:
        values = dict.fromkeys(absent)
        for col in columns:
            cell = raw.get(col.name, "")
            if cell == "":
                if col.required:
                    errors.append(RowError(number, ctx.label(col.name), Msg(gettext_noop("is empty"))))
                values[col.name] = None
                continue
            try:
                values[col.name] = col.parse(cell)
            except ValueError as exc:
                errors.append(RowError(number, ctx.label(col.name), message_of(exc)))
                values[col.name] = None
        rows.append((number, values))
    return rows, errors


@pytest.mark.parametrize("seed", range(5))
def test_the_engine_parses_a_messy_workbook_as_row_by_row(seed, tmp_path):
    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.append(["代码", "名称", "金额", "数量", "日期", "标志", "extra"])
    columns = [_cells(rng, 120) for _ in range(7)]
    for i in range(120):
        row = [c[i] for c in columns]
        if i % 17 == 0:
            row = [None] * 7  # blank rows are skipped and keep the numbering
        ws.append([v if not (isinstance(v, float) and v != v) else None for v in row])
    path = tmp_path / "mixed.xlsx"
    wb.save(path)
    importer = _Mixed()
    table = read_table(path, aliases=importer.aliases())
    ctx = Context(actor=None, options={}, table=table)
    rows, errors = _parse(importer, table, ctx, None)
    old_rows, old_errors = _old_parse(importer, table, ctx)
    assert [(r.number, list(r.values), list(map(repr, r.values.values()))) for r in rows] == [
        (n, list(v), list(map(repr, v.values()))) for n, v in old_rows
    ]
    assert [str(e) for e in errors] == [str(e) for e in old_errors]
    assert [e.row for e in errors] == sorted(e.row for e in errors)
    assert 2 + 17 not in [r.number for r in rows]  # the blank row 19 (index 17) is skipped


# --- check_workbook's vectorised span scan -------------------------------------------------------


def _span_reference(data: bytes) -> tuple[int, int]:
    import re

    rows = [int(m) for m in re.findall(rb'[ \t\r\n]r="([0-9]{1,7})"', data)]
    max_row, max_col = max(rows, default=0), 0
    for letters, row in re.findall(rb'[ \t\r\n]r="([A-Z]{1,3})([0-9]{1,7})"', data):
        n = 0
        for c in letters:
            n = n * 26 + c - 64
        max_col, max_row = max(max_col, n), max(max_row, int(row))
    return max_row, max_col


def test_the_span_scan_agrees_with_a_regular_expression():
    rng = random.Random(3)
    letters = "ABCXYZ"
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(0, 30)):
            ref = "".join(rng.choice(letters) for _ in range(rng.randint(0, 4))) + str(rng.randint(0, 10**8))
            sep = rng.choice([" ", "\n", "\t", "x", ""])
            parts.append(
                rng.choice(["<c", "<row", "<f"]) + sep + f'r="{ref}"' + rng.choice(["/>", ' t="s">', ""])
            )
        data = "".join(parts).encode()
        assert _span(data) == _span_reference(data), data
    assert _span(b'<row r="3"><c r="XFD1048576"/>') == (1048576, 16384)
