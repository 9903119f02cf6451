"""Enterprise lists for the import engine (CONTRACTS.md "Imports": `enterprises`)."""

from __future__ import annotations

from collections import Counter
from itertools import count

from django.utils.translation import gettext_lazy as _

from enterprises import importers_engagement  # noqa: F401 (registers the tech_demands importer)
from enterprises.models import HT_DOMAINS, Enterprise, EnterpriseYear
from kechuang.core.imports import Column, Importer, RowError, register
from kechuang.core.imports import parsers as p
from kechuang.core.imports.bulk import ids_by, insert_rows, pairs_by
from kechuang.core.imports.units import unit_parser

__all__ = ["EnterpriseImporter"]

FIGURES = [
    "employees",
    "st_staff",
    "revenue",
    "total_assets",
    "rd_expense",
    "total_cost",
    "ip_class1",
    "ip_class2",
]
_CHUNK = 900  # below SQLite's bound-variable limit


def _existing_years(codes: list[str]) -> set[tuple[str, int]]:
    """(code, year) pairs already on file for these codes. Two index lookups (the codes' ids,
    then those ids' years) rather than one join: with the join, PostgreSQL planned a sequential
    scan of the yearly figures for every chunk once that table was large (performance.md)."""
    ids = {pk: code for code, pk in ids_by(Enterprise, "uscc", codes).items()}
    return {(ids[pk], year) for pk, year in pairs_by(EnterpriseYear, "enterprise", list(ids), "year")}


@register
class EnterpriseImporter(Importer):
    """One enterprise's figures for one year; the same code again for another year adds that
    year; again for the same year is an error unless `update` is set."""

    kind = "enterprises"
    label = _("Enterprises and yearly figures")

    def build_columns(self) -> list[Column]:
        money = p.decimal(places=2)
        count = p.integer()
        return [
            Column("uscc", "统一社会信用代码", p.code_uscc, aliases=("信用代码", "社会信用代码")),
            Column("name", "企业名称", p.text(200), aliases=("名称",)),
            Column("unit", "所属单位", unit_parser(), aliases=("单位", "区县", "责任单位")),
            Column(
                "industry", "行业代码", p.text(8), required=False, optional_column=True, aliases=("行业",)
            ),
            Column(
                "ht_domain",
                "高新技术领域",
                p.one_of(HT_DOMAINS),
                required=False,
                optional_column=True,
                aliases=("技术领域",),
            ),
            Column(
                "founded", "成立日期", p.date(), required=False, optional_column=True, aliases=("注册日期",)
            ),
            Column("year", "年度", p.integer(minimum=1990, maximum=2100), aliases=("数据年度",)),
            Column("employees", "职工总数", count, aliases=("从业人员", "从业人员数")),
            Column("st_staff", "科技人员数", count, aliases=("科技人员",)),
            Column("revenue", "销售收入", money, aliases=("营业收入", "销售收入总额")),
            Column("total_assets", "资产总额", money),
            Column("rd_expense", "研发费用", money, aliases=("研发费用总额",)),
            Column("total_cost", "成本费用总额", money, aliases=("成本费用支出总额",)),
            Column("ip_class1", "I类知识产权", count, aliases=("Ⅰ类知识产权", "一类知识产权")),
            Column("ip_class2", "II类知识产权", count, aliases=("Ⅱ类知识产权", "二类知识产权")),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        # Column by column (100,000 rows in a fraction of the row-by-row time); problems are
        # reported per row in the order: staff, founding date, code and year, name, unit.
        update = bool(ctx.options.get("update"))
        if not rows:
            return []
        # The engine's columns; built here when check() is called on rows alone.
        col = ctx.values or {c: [r.values[c] for r in rows] for c in rows[0].values}
        numbers = [r.number for r in rows]
        uscc, year = col["uscc"], col["year"]
        found: list[tuple[int, int, RowError]] = []
        staff_label, founded_label = ctx.label("st_staff"), ctx.label("founded")
        found += [
            (i, 0, RowError(numbers[i], staff_label, "more S&T staff than employees"))
            for i, st, emp in zip(count(), col["st_staff"], col["employees"])
            if st is not None and emp is not None and st > emp
        ]
        found += [
            (i, 1, RowError(numbers[i], founded_label, f"founded after the data year {y}"))
            for i, day, y in zip(count(), col["founded"], year)
            if day is not None and y is not None and day.year > y
        ]
        keys = list(zip(uscc, year, strict=True))
        repeated_keys = {k for k, n in Counter(keys).items() if n > 1 and k[0] is not None}
        if repeated_keys:
            seen: dict[tuple, int] = {}
            for i, key in enumerate(keys):
                if key in repeated_keys:
                    if key in seen:
                        found.append(
                            (
                                i,
                                2,
                                RowError(
                                    numbers[i],
                                    ctx.label("uscc"),
                                    f"the same code and year as row {seen[key]}",
                                ),
                            )
                        )
                    seen.setdefault(key, numbers[i])
        repeated_codes = {c for c, n in Counter(uscc).items() if n > 1 and c is not None}
        if repeated_codes:
            first: dict[str, int] = {}
            for i, code in enumerate(uscc):
                if code not in repeated_codes:
                    continue
                j = first.setdefault(code, i)
                if j == i:
                    continue
                for order, name in ((3, "name"), (4, "unit")):
                    if col[name][i] != col[name][j]:
                        found.append(
                            (
                                i,
                                order,
                                RowError(
                                    numbers[i],
                                    ctx.label(name),
                                    f"differs from row {numbers[j]} for the same code",
                                ),
                            )
                        )
        found.sort(key=lambda item: (item[0], item[1]))
        errors = [error for _, _, error in found]
        if errors or update or None in uscc or None in year:
            return errors
        existing = _existing_years(list(dict.fromkeys(uscc)))
        if not existing:
            return errors
        for r in rows:
            if (r.values["uscc"], r.values["year"]) in existing:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("year"),
                        f"{r.values['uscc']} already has figures for {r.values['year']} "
                        "(use --update to replace them)",
                    )
                )
        return errors

    def write(self, rows, ctx) -> tuple[int, int]:
        by_code = {}
        for r in rows:
            by_code.setdefault(r.values["uscc"], r.values)
        codes = list(by_code)
        # The codes on file by the cursor first; model instances only for those (none for a file
        # of new enterprises).
        known_ids = list(ids_by(Enterprise, "uscc", codes).values())
        known: dict[str, Enterprise] = {}
        for i in range(0, len(known_ids), _CHUNK):
            known.update((e.uscc, e) for e in Enterprise.objects.filter(pk__in=known_ids[i : i + _CHUNK]))
        new = [
            Enterprise(
                uscc=c,
                name=v["name"],
                unit=v["unit"],
                industry=v.get("industry") or "",
                ht_domain=v.get("ht_domain") or "",
                founded=v.get("founded"),
            )
            for c, v in by_code.items()
            if c not in known
        ]
        # New rows go through the cursor (kechuang/core/imports/bulk.py: ~10× bulk_create).
        insert_rows(Enterprise, new)
        changed = []
        for e in known.values():
            v = by_code[e.uscc]
            fields = {"name": v["name"], "unit": v["unit"]}
            for optional in ("industry", "ht_domain", "founded"):
                if v.get(optional) is not None:
                    fields[optional] = v[optional]
            if any(getattr(e, k) != val for k, val in fields.items()):
                for k, val in fields.items():
                    setattr(e, k, val)
                changed.append(e)
        Enterprise.objects.bulk_update(
            changed, ["name", "unit", "industry", "ht_domain", "founded"], batch_size=500
        )
        ids = ids_by(Enterprise, "uscc", [e.uscc for e in new])
        ids.update((c, e.pk) for c, e in known.items())

        existing: dict[tuple[int, int], EnterpriseYear] = {}
        id_list = [e.pk for e in known.values()]  # a new enterprise has no year on file
        for i in range(0, len(id_list), _CHUNK):
            for y in EnterpriseYear.objects.filter(enterprise_id__in=id_list[i : i + _CHUNK]):
                existing[(y.enterprise_id, y.year)] = y
        creates, updates = [], []
        for r in rows:
            v = r.values
            key = (ids[v["uscc"]], v["year"])
            if key in existing:
                year = existing[key]
                for f in FIGURES:
                    setattr(year, f, v[f])
                updates.append(year)
            else:
                creates.append(
                    EnterpriseYear(enterprise_id=key[0], year=v["year"], **{f: v[f] for f in FIGURES})
                )
        insert_rows(EnterpriseYear, creates)
        EnterpriseYear.objects.bulk_update(updates, FIGURES, batch_size=500)
        # Counts are of input rows (one enterprise-year each); new enterprises are in the audit event.
        ctx.run.options = {
            **ctx.run.options,
            "new_enterprises": len(new),
            "changed_enterprises": len(changed),
        }
        return len(creates), len(updates)


# The other enterprise lists register themselves when imported.
from enterprises import importers_pool, importers_status  # noqa: E402, F401
