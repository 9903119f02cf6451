"""Technology demands for the import engine (`kechuang import tech_demands FILE`, or the web
import page): one demand per row, all or nothing.

A row names its unit and, when it comes from one enterprise, that enterprise's code; the unit must
be the enterprise's. With a visit date the demand is linked to that visit of the enterprise. The
same unit, enterprise, title and collection date again is the same demand: an error, or with
`update` a replacement of what the file says about it. The headers are those of the demand list's
Excel export, so an exported list can be corrected and read back with `update`.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from enterprises.models import DemandStatus, Enterprise, TechDemand, Visit
from kechuang.core.imports import Column, Importer, RowError, register
from kechuang.core.imports import parsers as p
from kechuang.core.imports.units import unit_parser
from kechuang.core.roles import CHANGE
from org.models import UnitKind

__all__ = ["TechDemandImporter"]

_FIELDS = ("title", "field", "description", "budget", "deadline", "collected_on")


def _status_parser():
    labels = {}
    for value, label in DemandStatus.choices:
        labels[str(label)] = value
        with translation.override("zh-hans"):
            labels[str(label)] = value
        with translation.override("en"):
            labels[str(label)] = value
    return p.one_of(DemandStatus.values, labels=labels)


@register
class TechDemandImporter(Importer):
    kind = "tech_demands"
    label = _("Technology demands")

    def build_columns(self) -> list[Column]:
        return [
            Column("unit", "所属单位", unit_parser(), aliases=("单位", "区县", "责任单位", "Unit")),
            Column(
                "uscc",
                "统一社会信用代码",
                p.code_uscc,
                required=False,
                optional_column=True,
                aliases=("信用代码", "Unified social credit code"),
            ),
            Column("title", "需求名称", p.text(200), aliases=("需求标题", "Demand title")),
            Column("field", "技术领域", p.text(50), aliases=("领域", "Technology field")),
            Column("description", "需求描述", p.text(5000), aliases=("需求内容", "Demand description")),
            Column(
                "budget",
                "预算(万元)",
                p.decimal(places=2),
                required=False,
                optional_column=True,
                aliases=("预算（万元）", "预算", "Budget (10,000 yuan)"),
            ),
            Column(
                "deadline",
                "期望解决时间",
                p.date(not_future=False),
                required=False,
                optional_column=True,
                aliases=("期望完成日期", "Wanted by"),
            ),
            Column("collected_on", "征集日期", p.date(), aliases=("Collected on",)),
            Column(
                "status",
                "状态",
                _status_parser(),
                required=False,
                optional_column=True,
                aliases=("Status",),
            ),
            Column(
                "visited_on",
                "走访日期",
                p.date(),
                required=False,
                optional_column=True,
                aliases=("来源走访日期", "Source visit date"),
            ),
        ]

    def _enterprises(self, rows, ctx) -> dict[str, Enterprise]:
        codes = {r.values["uscc"] for r in rows if r.values.get("uscc")}
        qs = Enterprise.objects.all() if ctx.actor is None else Enterprise.objects.for_user(ctx.actor, CHANGE)
        found: dict[str, Enterprise] = {}
        codes_list = sorted(codes)
        for i in range(0, len(codes_list), 900):
            found.update(
                (e.uscc, e) for e in qs.filter(uscc__in=codes_list[i : i + 900]).select_related("unit")
            )
        return found

    def check(self, rows, ctx) -> list[RowError]:
        errors: list[RowError] = []
        self._found = enterprises = self._enterprises(rows, ctx)
        self._visits: dict[int, Visit] = {}
        update = bool(ctx.options.get("update"))
        seen: dict[tuple, int] = {}
        keys: dict[int, tuple] = {}
        for r in rows:
            v = r.values
            unit, code = v["unit"], v.get("uscc")
            enterprise = enterprises.get(code) if code else None
            if unit is not None and unit.kind == UnitKind.CITY:
                errors.append(RowError(r.number, ctx.label("unit"), "use a district or a zone, not the city"))
            if code and enterprise is None:
                errors.append(
                    RowError(r.number, ctx.label("uscc"), f"no enterprise with code {code} in your scope")
                )
            if enterprise is not None and unit is not None and enterprise.unit_id != unit.pk:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("unit"),
                        f"the enterprise {code} is in {enterprise.unit.name}, not {unit.name}",
                    )
                )
            collected, deadline = v["collected_on"], v.get("deadline")
            if collected is not None and deadline is not None and deadline < collected:
                errors.append(RowError(r.number, ctx.label("deadline"), "is before the collection date"))
            visited = v.get("visited_on")
            if visited is not None:
                if not code:
                    errors.append(
                        RowError(r.number, ctx.label("visited_on"), "a visit needs the enterprise's code")
                    )
                elif enterprise is not None:
                    visit = (
                        Visit.objects.filter(enterprise=enterprise, visited_on=visited).order_by("id").first()
                    )
                    if visit is None:
                        errors.append(
                            RowError(
                                r.number,
                                ctx.label("visited_on"),
                                f"no visit to {enterprise.name} on {visited.isoformat()}",
                            )
                        )
                    else:
                        self._visits[r.number] = visit
                        if collected is not None and collected < visited:
                            errors.append(
                                RowError(r.number, ctx.label("collected_on"), "is before the visit")
                            )
            if unit is None or v["title"] is None or collected is None or (code and enterprise is None):
                continue
            key = (unit.pk, enterprise.pk if enterprise else None, v["title"], collected)
            keys[r.number] = key
            if key in seen:
                errors.append(RowError(r.number, ctx.label("title"), f"the same demand as row {seen[key]}"))
            seen.setdefault(key, r.number)
        self._existing = {}
        if keys:
            titles = {k[2] for k in keys.values()}
            for d in TechDemand.objects.filter(title__in=titles):
                self._existing[(d.unit_id, d.enterprise_id, d.title, d.collected_on)] = d
        if not update:
            for number, key in keys.items():
                if key in self._existing:
                    errors.append(
                        RowError(
                            number,
                            ctx.label("title"),
                            "this demand is already recorded (same unit, enterprise, title and "
                            "collection date); import with update to replace it",
                        )
                    )
        self._keys = keys
        return errors

    def write(self, rows, ctx) -> tuple[int, int]:
        created = updated = 0
        for r in rows:
            v = r.values
            values = {f: v.get(f) for f in _FIELDS}
            enterprise = self._found.get(v["uscc"]) if v.get("uscc") else None
            visit = self._visits.get(r.number)
            demand = self._existing.get(self._keys[r.number])
            if demand is None:
                TechDemand.objects.create(
                    unit=v["unit"],
                    enterprise=enterprise,
                    visit=visit,
                    status=v.get("status") or DemandStatus.COLLECTED,
                    **values,
                )
                created += 1
                continue
            for f, value in values.items():
                setattr(demand, f, value)
            if visit is not None:
                demand.visit = visit
            if v.get("status"):
                demand.status = v["status"]
            demand.save()
            updated += 1
        return created, updated
