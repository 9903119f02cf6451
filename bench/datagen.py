"""Synthetic data for the Django cases, written with one INSERT … SELECT per table (a recursive
CTE on SQLite, generate_series on PostgreSQL): a million rows in seconds, not minutes.

Enterprises: codes 9152 + 14 digits (not GB 32100-valid: the list pages never check them), names
whose order is unrelated to the id, spread over the districts and the eight domains (and none).
Contracts: 85 % registered (number and date), 10 % signed and not registered, 5 % refused, signed
over three years, registered within a month of signing.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from rules.hte import HT_DOMAINS

__all__ = ["ensure_contracts", "ensure_enterprises", "write_import_xlsx"]

DOMAINS = [*HT_DOMAINS, ""]
TYPES = ["技术开发", "技术转让", "技术许可", "技术咨询", "技术服务"]
PREFIXES = "贵铜碧万江山玉松石德"


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _series(n: int) -> str:
    if _pg():
        return f"s(i) AS (SELECT generate_series(1, {int(n)}))"
    return f"s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {int(n)})"


def _pad(expr: str, width: int) -> str:
    return f"lpad(({expr})::text, {width}, '0')" if _pg() else f"printf('%0{width}d', {expr})"


def _days(base: str, expr: str) -> str:
    return f"(date '{base}' + ({expr}))" if _pg() else f"date('{base}', '+' || ({expr}) || ' days')"


def _values(name: str, items: list) -> str:
    rows = ", ".join(f"({i}, {v!r})" if isinstance(v, str) else f"({i}, {v})" for i, v in enumerate(items))
    return f"{name}(k, v) AS (VALUES {rows})"


def _district_ids() -> list[int]:
    from org.models import Unit

    ids = list(Unit.objects.filter(kind="district").order_by("order", "id").values_list("id", flat=True))
    if not ids:
        raise SystemExit("no district units: run `kechuang init` on the bench database first")
    return ids


def _count(table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {table}")
        return cur.fetchone()[0]


def _columns(model, given: dict[str, str]) -> tuple[str, str]:
    """(column list, select list): the given SQL expressions, and for every other column of the
    model its default as a literal (so fields added later need no change here)."""
    cols, exprs = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f.column)
        if f.column in given:
            exprs.append(given[f.column])
        elif f.has_default() and not callable(f.default):
            value = f.get_default()
            if isinstance(value, bool):
                exprs.append("TRUE" if value else "FALSE")
            elif isinstance(value, int | float):
                exprs.append(str(value))
            else:
                exprs.append("'" + str(value).replace("'", "''") + "'")
        elif f.null:
            exprs.append("NULL")
        else:
            exprs.append("''")
    return ", ".join(cols), ", ".join(exprs)


def insert_sql(model, given: tuple[str, ...]) -> tuple[str, list[str]]:
    """An INSERT with a placeholder for each `given` column and the model's defaults for the
    rest; and the order in which the placeholders take their values."""
    cols, exprs = _columns(model, dict.fromkeys(given, "%s"))
    order = [f.column for f in model._meta.concrete_fields if f.column in given]
    return f"INSERT INTO {model._meta.db_table} ({cols}) VALUES ({exprs})", order


def _clear(table: str) -> None:
    """Empty a table of the benchmark database in one statement (the ORM's delete would load
    every row to cascade)."""
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table}")


def _analyze(table: str) -> None:
    """Fresh statistics; on PostgreSQL also the visibility map, which autovacuum would set a
    little later, so that index-only scans (the contract year summary) work from the start."""
    with connection.cursor() as cur:
        cur.execute(f"VACUUM ANALYZE {table}" if _pg() and connection.get_autocommit() else "ANALYZE")


def _generate(model, n: int, given: dict[str, str], lookup: tuple[str, list, str]) -> bool:
    """Fill the model's table with exactly n generated rows (False if it held n already): `given`
    maps columns to SQL over the row number i, u.v (a district's id, in turn) and x.v (the
    `lookup` list's item at the index expression)."""
    table = model._meta.db_table
    if _count(table) == n:
        return False
    _clear(table)
    units = _district_ids()
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    rec = "RECURSIVE " if not _pg() else ""
    cols, exprs = _columns(model, {"created": f"'{now}'", "updated": f"'{now}'", **given})
    _name, items, index = lookup
    sql = f"""
        INSERT INTO {table} ({cols})
        WITH {rec}{_series(n)}, {_values("u", units)}, {_values("x", items)}
        SELECT {exprs}
        FROM s JOIN u ON u.k = i % {len(units)} JOIN x ON x.k = {index}
    """
    with connection.cursor() as cur:
        cur.execute(sql)
    _analyze(table)
    return True


# Name expressions take i * 7919 or i * 104729 in BIGINT: past 271,000 rows the product leaves
# PostgreSQL's int4 (generate_series yields int4) and the insert fails.


def ensure_enterprises(n: int) -> bool:
    """Make the enterprise table hold exactly the n synthetic rows; False if it did already."""
    from enterprises.models import Enterprise

    name = f"substr('{PREFIXES}', (i * 7) % 10 + 1, 1) || '科技有限公司' || {_pad('(CAST(i AS BIGINT) * 7919) % 1000003', 7)}"
    given = {
        "uscc": f"'9152' || {_pad('i', 14)}",
        "name": name,
        "unit_id": "u.v",
        "industry": "'C39'",
        "ht_domain": "x.v",
        "founded": "NULL",
        "address": "'贵州省铜仁市'",
    }
    return _generate(Enterprise, n, given, ("domain", DOMAINS, f"(i / 7) % {len(DOMAINS)}"))


def ensure_contracts(n: int) -> bool:
    """Make the contract table hold exactly the n synthetic rows; False if it did already."""
    from transfer.models import TechContract

    signed = _days("2021-01-01", "(i * 37) % 1095")
    registered = _days("2021-01-01", "(i * 37) % 1095 + i % 30")
    registered_now = "i % 20 < 17"
    given = {
        "status": f"CASE WHEN {registered_now} THEN 'registered' WHEN i % 20 < 19 "
        "THEN 'signed_unregistered' ELSE 'not_registered' END",
        "registration_no": f"CASE WHEN {registered_now} THEN 'BENCH' || {_pad('i', 9)} END",
        "seller_id": "NULL",
        "seller_uscc": f"'9152' || {_pad('i % 50000', 14)}",
        "seller_name": f"substr('{PREFIXES}', (i * 3) % 10 + 1, 1) || '卖方' || {_pad('(CAST(i AS BIGINT) * 7919) % 1000003', 7)}",
        "buyer_name": f"'买方' || {_pad('(CAST(i AS BIGINT) * 104729) % 1000003', 7)}",
        "type": "x.v",
        "contract_value": "((i * 13) % 100000) / 10.0",
        "tech_value": "((i * 13) % 100000) / 20.0",
        "signed": signed,
        "valid_until": "NULL",
        "registered": f"CASE WHEN {registered_now} THEN {registered} END",
        "unit_id": "u.v",
        "refusal_reason": "CASE WHEN i % 20 = 19 THEN 'other' ELSE '' END",
    }
    return _generate(TechContract, n, given, ("type", TYPES, f"(i / 3) % {len(TYPES)}"))


def write_import_xlsx(path, n: int, unit_codes: list[str]) -> None:
    """An n-row enterprises import file (Chinese headers, as a district sends it), every cell
    valid, so the whole file goes through every parser and check."""
    from openpyxl import Workbook

    from rules.uscc import check_char

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(
        [
            "统一社会信用代码",
            "企业名称",
            "所属单位",
            "行业代码",
            "高新技术领域",
            "成立日期",
            "年度",
            "职工总数",
            "科技人员数",
            "销售收入",
            "资产总额",
            "研发费用",
            "成本费用总额",
            "I类知识产权",
            "II类知识产权",
        ]
    )
    for i in range(n):
        body = "9153" + f"{i:013d}"
        ws.append(
            [
                body + check_char(body),
                f"导入测试企业{i:07d}",
                unit_codes[i % len(unit_codes)],
                "C39",
                DOMAINS[i % 8],
                dt.date(2010 + i % 12, 1 + i % 12, 1 + i % 28),
                2023,
                50 + i % 400,
                5 + i % 40,
                round(1000 + (i * 7) % 50000 + 0.25, 2),
                round(2000 + (i * 11) % 90000 + 0.5, 2),
                round(50 + (i * 3) % 2000 + 0.75, 2),
                round(800 + (i * 5) % 40000, 2),
                i % 5,
                i % 13,
            ]
        )
    wb.save(path)
