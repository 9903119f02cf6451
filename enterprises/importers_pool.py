"""The cultivation pool's seven source lists (plan (二)三是), one import kind each.

A row needs a name; its code may be missing or wrong (lists from other agencies often are): such
rows are matched by normalised name and wait for a person to confirm. Any further columns of the
list are kept with the row as listed figures."""

from __future__ import annotations

import datetime as dt

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from enterprises.models import PoolSource
from enterprises.services.pool import source_entries_write
from kechuang.core.imports import Column, Importer, RowError, register
from kechuang.core.imports import parsers as p
from kechuang.core.imports.units import unit_parser

__all__ = ["PoolSourceImporter"]


def _year_default() -> int:
    """The year of the newest plan: the pool is built for the plan's campaign."""
    from plan.models import Plan

    plan = Plan.objects.order_by("-year").first()
    return plan.year if plan else dt.date.today().year


class PoolSourceImporter(Importer):
    source: str
    district_allowed = True

    def build_columns(self):
        return [
            Column(
                "uscc",
                "统一社会信用代码",
                p.text(32),
                required=False,
                optional_column=True,
                aliases=("信用代码", "社会信用代码"),
            ),
            Column("name", "企业名称", p.text(200), aliases=("名称", "单位名称")),
            Column(
                "unit",
                "所属单位",
                unit_parser(),
                required=False,
                optional_column=True,
                aliases=("区县", "单位"),
            ),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        errors, seen = [], {}
        for r in rows:
            code = (r.values.get("uscc") or "").strip().upper()  # may be absent, empty or wrong
            r.values["uscc"] = code
            if code and code in seen:
                errors.append(RowError(r.number, ctx.label("uscc"), f"the same code as row {seen[code]}"))
            seen.setdefault(code or f"#{r.number}", r.number)
        return errors

    def write(self, rows, ctx) -> tuple[int, int]:
        known = {c.name for c in self.columns}
        extra = [c for c in ctx.table.columns if c not in known]
        raw = {number: values for number, values in ctx.table.rows}
        year = int(ctx.options.get("year") or _year_default())
        counts = source_entries_write(
            [
                {
                    "row": r.number,
                    "uscc": r.values["uscc"],
                    "name": r.values["name"],
                    "unit": r.values.get("unit"),
                    "detail": {ctx.table.labels.get(c, c): raw[r.number].get(c, "") for c in extra},
                }
                for r in rows
            ],
            year=year,
            source=self.source,
            import_run=ctx.run,
        )
        ctx.run.options = {**ctx.run.options, "year": year, "matches": counts}
        return len(rows), 0


for _source in PoolSource:
    register(
        type(
            f"Pool{_source.name.title().replace('_', '')}Importer",
            (PoolSourceImporter,),
            {
                "kind": f"pool-{_source.value.replace('_', '-')}",
                "source": _source.value,
                "label": format_lazy("{}: {}", _("Cultivation pool source"), _source.label),
            },
        )
    )
