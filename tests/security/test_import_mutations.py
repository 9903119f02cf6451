"""Any invalid import changes nothing and names the row and column (security.md item 9), shown
with generated files: a valid enterprise list (CSV or .xlsx) with one cell made bad in one of
the ways the rules refuse. Every error must be on that row, one of them on that column, and the
database digest must not move."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from enterprises.models import Enterprise, EnterpriseYear
from kechuang.core.imports import ImportFailed, import_file
from kechuang.core.models import ImportRun
from rules.uscc import CHARSET, check_char

COLUMNS = [
    "uscc",
    "name",
    "unit",
    "industry",
    "ht_domain",
    "founded",
    "year",
    "employees",
    "st_staff",
    "revenue",
    "total_assets",
    "rd_expense",
    "total_cost",
    "ip_class1",
    "ip_class2",
]
UNITS = ["520602", "520603", "碧江区", "万山区"]


def uscc(n: int) -> str:
    first17 = f"91520600{n:09d}"
    return first17 + check_char(first17)


def wrong_check(code: str) -> str:
    return code[:17] + next(c for c in CHARSET if c != code[17])


def valid_row(i: int) -> dict:
    return {
        "uscc": uscc(1000 + i),
        "name": f"企业{i}",
        "unit": UNITS[i % len(UNITS)],
        "industry": "C3240",
        "ht_domain": "新材料",
        "founded": "2010-01-01",
        "year": 2022,
        "employees": 100 + i,
        "st_staff": 20,
        "revenue": 3000.5,
        "total_assets": 5000,
        "rd_expense": 200,
        "total_cost": 2500,
        "ip_class1": 1,
        "ip_class2": 3,
    }


# (column, how to make its value bad): each is refused by the enterprise importer's rules.
BAD = {
    "uscc": [wrong_check, lambda v: v[:10], lambda v: ""],
    "name": [lambda v: ""],
    "unit": [lambda v: "520699", lambda v: "火星区"],
    "ht_domain": [lambda v: "太空"],
    "founded": [lambda v: "2099-01-01", lambda v: "2010-13-01", lambda v: "昨天"],
    "year": [lambda v: "二〇二二", lambda v: ""],
    "employees": [lambda v: -1, lambda v: "abc", lambda v: 1.5],
    "revenue": [lambda v: -0.01, lambda v: "1.2.3"],
    "total_assets": [lambda v: "x"],
    "rd_expense": [lambda v: -5],
    "total_cost": [lambda v: "n/a"],
    "ip_class1": [lambda v: -3, lambda v: "many"],
    "ip_class2": [lambda v: ""],
}


def digest() -> str:
    return json.dumps(
        [
            list(Enterprise.objects.order_by("pk").values()),
            list(EnterpriseYear.objects.order_by("pk").values()),
            ImportRun.objects.count(),
        ],
        default=str,
    )


def write(tmp_path, rows: list[dict], fmt: str, tag: str):
    if fmt == "csv":
        path = tmp_path / f"m{tag}.csv"
        lines = [",".join(COLUMNS)] + [",".join(str(r[c]) for c in COLUMNS) for r in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for r in rows:
        ws.append([r[c] for c in COLUMNS])
    path = tmp_path / f"m{tag}.xlsx"
    wb.save(path)
    return path


@st.composite
def mutated(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    rows = [valid_row(i) for i in range(n)]
    victim = draw(st.integers(min_value=0, max_value=n - 1))
    column = draw(st.sampled_from(sorted(BAD)))
    spoil = draw(st.sampled_from(BAD[column]))
    rows[victim][column] = spoil(rows[victim][column])
    return rows, victim, column, draw(st.sampled_from(["csv", "xlsx"]))


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=mutated())
def test_one_bad_cell_is_named_and_nothing_is_written(plan, tmp_path, case):
    rows, victim, column, fmt = case
    before = digest()
    path = write(tmp_path, rows, fmt, f"{victim}{column}")
    with pytest.raises(ImportFailed) as info:
        import_file("enterprises", path)
    errors = info.value.errors
    row = victim + 2  # the header is row 1
    assert {e.row for e in errors} == {row}, [str(e) for e in errors]
    assert column in {e.column for e in errors}, [str(e) for e in errors]
    assert all(str(e).startswith(f"row {row}, column ") for e in errors)
    assert digest() == before


@pytest.mark.django_db
def test_the_unspoilt_files_import(plan, tmp_path):
    """The base case the mutations start from is valid, in both formats."""
    for fmt in ("csv", "xlsx"):
        rows = [valid_row(i) for i in range(6)]
        for r in rows:
            r["year"] = 2022 if fmt == "csv" else 2021
        result = import_file("enterprises", write(tmp_path, rows, fmt, "ok"))
        assert result.rows == 6
    assert Enterprise.objects.count() == 6 and EnterpriseYear.objects.count() == 12
