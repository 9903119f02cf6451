"""Lists a bureau imports into the project module.

`provincial_projects` — the provincial and national applications organised locally and the
results the province (or the ministry) publishes. One row per application, keyed on (year, title,
applicant): a row already held is updated (results arrive months after the applications), a new
one is added. Rows name their unit (the district where the project lands); a district imports only
its own rows.

`city_projects` — the city S&T projects approved before the system (历年市级科技计划项目), so that
their execution and the overdue clean-up (到期未验收) can be followed here. Keyed on the project
number: a row already held is updated (status, extension), a new one is added with what was paid
as a paid tranche and the rest as a planned one. A project approved through the system is never
changed by an import."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from kechuang.core.imports import Column, Importer, RowError, register
from kechuang.core.imports import parsers as p
from kechuang.core.imports.units import unit_parser
from kechuang.core.scope import ensure_in_scope
from projects.models import (
    ExternalApplication,
    ExternalDomain,
    ExternalLevel,
    ExternalResult,
    Project,
    ProjectKind,
    ProjectStatus,
    Tranche,
    TrancheStatus,
)

__all__ = ["CityProjectImporter", "ProvincialProjectImporter"]

LEVELS = {
    "国家级": ExternalLevel.NATIONAL,
    "国家": ExternalLevel.NATIONAL,
    "省级": ExternalLevel.PROVINCIAL,
    "省": ExternalLevel.PROVINCIAL,
}
DOMAINS = {
    "农社": ExternalDomain.AGRI_SOCIAL,
    "农社领域": ExternalDomain.AGRI_SOCIAL,
    "农业农村": ExternalDomain.AGRI_SOCIAL,
    "社会发展": ExternalDomain.AGRI_SOCIAL,
    "锰": ExternalDomain.MANGANESE,
    "锰产业": ExternalDomain.MANGANESE,
    "锰污染治理": ExternalDomain.MANGANESE,
    "其他": ExternalDomain.OTHER,
}
RESULTS = {
    "申报中": ExternalResult.PENDING,
    "待定": ExternalResult.PENDING,
    "立项": ExternalResult.APPROVED,
    "已立项": ExternalResult.APPROVED,
    "未立项": ExternalResult.REJECTED,
    "撤回": ExternalResult.WITHDRAWN,
}


@register
class ProvincialProjectImporter(Importer):
    kind = "provincial_projects"
    label = _("Provincial and national applications and results")

    def build_columns(self) -> list[Column]:
        return [
            Column("year", "年度", p.integer(minimum=2000, maximum=2100)),
            Column("level", "级别", p.one_of(ExternalLevel.values, labels=LEVELS)),
            Column("programme", "计划类别", p.text(100), aliases=("项目类别", "计划")),
            Column("title", "项目名称", p.text(200)),
            Column("applicant_name", "申报单位", p.text(200), aliases=("承担单位",)),
            Column("uscc", "统一社会信用代码", p.code_uscc, required=False, optional_column=True),
            Column("unit", "所属单位", unit_parser(), aliases=("区县", "单位", "责任单位")),
            Column(
                "domain",
                "领域",
                p.one_of(ExternalDomain.values, labels=DOMAINS),
                required=False,
                optional_column=True,
            ),
            Column(
                "in_agri_park",
                "农业科技园区企业",
                p.boolean,
                required=False,
                optional_column=True,
                aliases=("园区企业",),
            ),
            Column("applied_on", "申报日期", p.date()),
            Column(
                "result",
                "结果",
                p.one_of(ExternalResult.values, labels=RESULTS),
                required=False,
                optional_column=True,
                aliases=("立项结果",),
            ),
            Column(
                "result_on", "结果日期", p.date(), required=False, optional_column=True, aliases=("立项日期",)
            ),
            Column(
                "funding",
                "支持经费",
                p.decimal(places=2),
                required=False,
                optional_column=True,
                aliases=("资助金额", "立项经费"),
            ),
            Column("reference", "项目编号", p.text(50), required=False, optional_column=True),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        errors = []
        seen: dict[tuple, int] = {}
        known = set(
            Enterprise.objects.filter(
                uscc__in=[r.values.get("uscc") for r in rows if r.values.get("uscc")]
            ).values_list("uscc", flat=True)
        )
        for r in rows:
            v = r.values
            key = (v["year"], v["title"], v["applicant_name"])
            if None not in key:
                if key in seen:
                    errors.append(
                        RowError(
                            r.number, ctx.label("title"), f"the same project and applicant as row {seen[key]}"
                        )
                    )
                seen.setdefault(key, r.number)
            result = v.get("result") or ExternalResult.PENDING
            if result in (ExternalResult.APPROVED, ExternalResult.REJECTED) and v.get("result_on") is None:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("result_on") if "result_on" in ctx.table.labels else "result_on",
                        "a result needs its date",
                    )
                )
            if v.get("result_on") and v.get("applied_on") and v["result_on"] < v["applied_on"]:
                errors.append(
                    RowError(r.number, ctx.label("result_on"), "the result is dated before the application")
                )
            if v.get("funding") is not None and result != ExternalResult.APPROVED:
                errors.append(
                    RowError(r.number, ctx.label("funding"), "only an approved project has funding")
                )
            if (
                v.get("applied_on")
                and v.get("year")
                and v["applied_on"].year not in (v["year"], v["year"] - 1)
            ):
                errors.append(
                    RowError(r.number, ctx.label("applied_on"), f"not in {v['year']} (or the year before)")
                )
            if v.get("uscc") and v["uscc"] not in known:
                errors.append(
                    RowError(r.number, ctx.label("uscc"), "no enterprise with this code in the registry")
                )
        errors += self._foreign_rows(rows, ctx)
        return errors

    def _foreign_rows(self, rows, ctx) -> list[RowError]:
        """A row already held by a unit outside the importer's scope may not be changed."""
        from kechuang.core.roles import CHANGE
        from kechuang.core.scope import scope_of

        if ctx.actor is None or scope_of(ctx.actor).sees_all(CHANGE):
            return []
        titles = {r.values["title"] for r in rows if r.values.get("title")}
        held = {
            (x.year, x.title, x.applicant_name): x.unit_id
            for x in ExternalApplication.objects.filter(title__in=titles)
        }
        mine = scope_of(ctx.actor).unit_ids
        return [
            RowError(r.number, ctx.label("title"), "recorded by another unit; it cannot be changed here")
            for r in rows
            if held.get((r.values["year"], r.values["title"], r.values["applicant_name"]))
            not in (None, *mine)
        ]

    def write(self, rows, ctx) -> tuple[int, int]:
        created = updated = 0
        by_code = {
            e.uscc: e
            for e in Enterprise.objects.filter(
                uscc__in=[r.values.get("uscc") for r in rows if r.values.get("uscc")]
            )
        }
        for r in rows:
            v = r.values
            result = v.get("result") or ExternalResult.PENDING
            values = {
                "level": v["level"],
                "programme": v["programme"],
                "enterprise": by_code.get(v.get("uscc")),
                "unit": v["unit"],
                "domain": v.get("domain") or ExternalDomain.OTHER,
                "in_agri_park": bool(v.get("in_agri_park")),
                "applied_on": v["applied_on"],
                "result": result,
                "result_on": v.get("result_on") if result != ExternalResult.PENDING else None,
                "funding": v.get("funding"),
                "reference": v.get("reference") or "",
            }
            obj, made = ExternalApplication.objects.update_or_create(
                year=v["year"], title=v["title"], applicant_name=v["applicant_name"], defaults=values
            )
            if ctx.actor is not None:
                ensure_in_scope(obj, ctx.actor)
            created += made
            updated += not made
        return created, updated


STATUSES = {
    "在研": ProjectStatus.ONGOING,
    "实施中": ProjectStatus.ONGOING,
    "延期": ProjectStatus.EXTENDED,
    "已延期": ProjectStatus.EXTENDED,
    "已验收": ProjectStatus.ACCEPTED,
    "验收通过": ProjectStatus.ACCEPTED,
    "验收不通过": ProjectStatus.FAILED,
    "终止": ProjectStatus.TERMINATED,
    "已终止": ProjectStatus.TERMINATED,
}


@register
class CityProjectImporter(Importer):
    kind = "city_projects"
    label = _("City S&T projects approved before the system")

    def build_columns(self) -> list[Column]:
        return [
            Column("number", "项目编号", p.text(32)),
            Column("title", "项目名称", p.text(200)),
            Column("year", "年度", p.integer(minimum=2000, maximum=2100), aliases=("立项年度",)),
            Column("unit", "所属单位", unit_parser(), aliases=("区县", "单位")),
            Column("undertaker", "承担单位", p.text(200)),
            Column("uscc", "统一社会信用代码", p.code_uscc, required=False, optional_column=True),
            Column("leader", "项目负责人", p.text(50), required=False, optional_column=True),
            Column("budget", "市级资金", p.decimal(places=2), aliases=("市级财政资金", "立项经费")),
            Column("paid", "已拨付", p.decimal(places=2), required=False, optional_column=True),
            Column("approved_on", "立项日期", p.date()),
            Column("starts_on", "开始日期", p.date(), required=False, optional_column=True),
            Column("ends_on", "结束日期", p.date(not_future=False), aliases=("到期日期",)),
            Column(
                "status",
                "状态",
                p.one_of(ProjectStatus.values, labels=STATUSES),
                required=False,
                optional_column=True,
            ),
            Column("extended_to", "延期至", p.date(not_future=False), required=False, optional_column=True),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        errors = []
        seen: dict[str, int] = {}
        codes = [r.values.get("uscc") for r in rows if r.values.get("uscc")]
        known = set(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
        numbers = [r.values.get("number") for r in rows if r.values.get("number")]
        held = {
            x.number: x
            for x in Project.objects.filter(number__in=numbers).only("number", "application", "kind", "unit")
        }
        mine = None
        if ctx.actor is not None:
            from kechuang.core.roles import CHANGE
            from kechuang.core.scope import scope_of

            scope = scope_of(ctx.actor)
            mine = None if scope.sees_all(CHANGE) else set(scope.unit_ids)
        for r in rows:
            v = r.values
            number = v.get("number")
            if number:
                if number in seen:
                    errors.append(
                        RowError(r.number, ctx.label("number"), f"the same number as row {seen[number]}")
                    )
                seen.setdefault(number, r.number)
                old = held.get(number)
                if old is not None and (old.application_id or old.kind != ProjectKind.CALL):
                    errors.append(
                        RowError(
                            r.number, ctx.label("number"), "a project managed in the system; change it there"
                        )
                    )
                elif old is not None and mine is not None and old.unit_id not in mine:
                    errors.append(
                        RowError(
                            r.number, ctx.label("number"), "held by another unit; it cannot be changed here"
                        )
                    )
            start = v.get("starts_on") or v.get("approved_on")
            if start and v.get("ends_on") and v["ends_on"] < start:
                errors.append(RowError(r.number, ctx.label("ends_on"), "ends before it starts"))
            if v.get("budget") is not None and v["budget"] <= 0:
                errors.append(RowError(r.number, ctx.label("budget"), "must be positive"))
            if (
                v.get("paid") is not None
                and v.get("budget") is not None
                and not 0 <= v["paid"] <= v["budget"]
            ):
                errors.append(RowError(r.number, ctx.label("paid"), "must be between 0 and the city funding"))
            extended = v.get("extended_to")
            if extended and v.get("ends_on") and extended <= v["ends_on"]:
                errors.append(RowError(r.number, ctx.label("extended_to"), "must be after the end date"))
            if v.get("status") == ProjectStatus.EXTENDED and not extended:
                errors.append(RowError(r.number, ctx.label("status"), "an extended project needs 延期至"))
            if v.get("uscc") and v["uscc"] not in known:
                errors.append(
                    RowError(r.number, ctx.label("uscc"), "no enterprise with this code in the registry")
                )
        return errors

    def write(self, rows, ctx) -> tuple[int, int]:
        created = updated = 0
        codes = [r.values.get("uscc") for r in rows if r.values.get("uscc")]
        by_code = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=codes)}
        for r in rows:
            v = r.values
            status = v.get("status") or ProjectStatus.ONGOING
            values = {
                "kind": ProjectKind.CALL,
                "title": v["title"],
                "year": v["year"],
                "unit": v["unit"],
                "undertaker": v["undertaker"],
                "enterprise": by_code.get(v.get("uscc")),
                "leader": v.get("leader") or "",
                "budget": v["budget"],
                "approved_on": v["approved_on"],
                "starts_on": v.get("starts_on") or v["approved_on"],
                "ends_on": v["ends_on"],
                "extended_to": v.get("extended_to"),
                "status": status,
            }
            project, made = Project.objects.update_or_create(number=v["number"], defaults=values)
            if made:
                paid = v.get("paid") or 0
                seq = 0
                for amount, tranche_status, paid_on in (
                    (paid, TrancheStatus.PAID, v["approved_on"]),
                    (v["budget"] - paid, TrancheStatus.PLANNED, None),
                ):
                    if amount > 0:
                        seq += 1
                        Tranche.objects.create(
                            project=project,
                            seq=seq,
                            amount=amount,
                            planned_on=v["approved_on"],
                            status=tranche_status,
                            paid_on=paid_on,
                        )
            if ctx.actor is not None:
                ensure_in_scope(project, ctx.actor)
            created += made
            updated += not made
        return created, updated
