"""Status lists of enterprises: HTE certificates and applications, tech-SME registrations,
subsidies and R&D super-deduction claims. Each row names an enterprise already in the registry
by its code; a district may import rows of its own enterprises only."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from enterprises.models import (
    ApplicationResult,
    Enterprise,
    HteApplication,
    HteCertificate,
    RdDeduction,
    Subsidy,
    SubsidyKind,
    TsmeRegistration,
)
from kechuang.core.imports import Column, Importer, RowError, register
from kechuang.core.imports import parsers as p
from kechuang.core.roles import CHANGE
from kechuang.core.scope import scope_of

__all__ = ["EnterpriseRowsImporter"]

_CHUNK = 900
_YEAR = p.integer(minimum=1990, maximum=2100)


class EnterpriseRowsImporter(Importer):
    """Rows keyed by an existing enterprise's USCC (column `uscc`)."""

    district_allowed = True
    model = None
    unique_on: tuple[str, ...] = ()  # fields that, with the enterprise, identify a row

    def uscc_column(self) -> Column:
        return Column("uscc", "统一社会信用代码", p.code_uscc, aliases=("信用代码", "社会信用代码"))

    def out_of_scope(self, rows, ctx) -> list[RowError]:
        return []  # checked in `check`, where the enterprises are loaded

    def check(self, rows, ctx) -> list[RowError]:
        codes = {r.values["uscc"] for r in rows if r.values.get("uscc")}
        known: dict[str, Enterprise] = {}
        codes_list = list(codes)
        for i in range(0, len(codes_list), _CHUNK):
            known.update(Enterprise.objects.in_bulk(codes_list[i : i + _CHUNK], field_name="uscc"))
        allowed = None
        if ctx.actor is not None and not scope_of(ctx.actor).sees_all(CHANGE):
            allowed = set(
                Enterprise.objects.for_user(ctx.actor, CHANGE)
                .filter(uscc__in=codes)
                .values_list("uscc", flat=True)
            )
        errors, seen = [], {}
        for r in rows:
            code = r.values.get("uscc")
            if code is None:
                continue
            if code not in known:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("uscc"),
                        "no enterprise with this code in the registry (import it first)",
                    )
                )
                continue
            if allowed is not None and code not in allowed:
                errors.append(RowError(r.number, ctx.label("uscc"), "outside your data scope"))
                continue
            r.values["enterprise"] = known[code]
            key = (code, *(r.values.get(f) for f in self.unique_on))
            if self.unique_on and key in seen:
                errors.append(
                    RowError(r.number, ctx.label(self.unique_on[0]), f"the same as row {seen[key]}")
                )
            seen.setdefault(key, r.number)
        errors += self.check_rows(rows, ctx)
        return errors

    def check_rows(self, rows, ctx) -> list[RowError]:
        return []

    def values(self, v: dict) -> dict:
        raise NotImplementedError

    def write(self, rows, ctx) -> tuple[int, int]:
        """Upsert on (enterprise, *unique_on): a list sent again updates rather than duplicates."""
        created = updated = 0
        for r in rows:
            v = r.values
            lookup = {"enterprise": v["enterprise"], **{f: v[f] for f in self.unique_on}}
            _obj, was_created = self.model.objects.update_or_create(**lookup, defaults=self.values(v))
            created += was_created
            updated += not was_created
        return created, updated


@register
class HteCertificateImporter(EnterpriseRowsImporter):
    kind = "hte-certificates"
    label = _("HTE certificates")
    model = HteCertificate
    unique_on = ("number",)

    def build_columns(self):
        return [
            self.uscc_column(),
            Column("number", "证书编号", p.text(32)),
            Column("issued", "发证日期", p.date()),
            Column(
                "expires",
                "有效期至",
                p.date(not_future=False),
                required=False,
                optional_column=True,
                aliases=("到期日期",),
            ),
        ]

    def check_rows(self, rows, ctx):
        return [
            RowError(r.number, ctx.label("expires"), "the expiry date is before the issue date")
            for r in rows
            if r.values.get("expires")
            and r.values.get("issued")
            and r.values["expires"] <= r.values["issued"]
        ]

    def values(self, v):
        # national-rules.md §2.3: valid for 3 years from the issue date.
        return {"issued": v["issued"], "expires": v.get("expires") or _plus_years(v["issued"], 3)}


def _plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@register
class HteApplicationImporter(EnterpriseRowsImporter):
    kind = "hte-applications"
    label = _("HTE applications and results")
    model = HteApplication
    unique_on = ("year",)

    def build_columns(self):
        results = {
            "通过": ApplicationResult.RECOGNIZED,
            "认定": ApplicationResult.RECOGNIZED,
            "未通过": ApplicationResult.FAILED,
            "待定": ApplicationResult.PENDING,
            "撤回": ApplicationResult.WITHDRAWN,
        }
        return [
            self.uscc_column(),
            Column("year", "申报年度", _YEAR, aliases=("年度",)),
            Column("applied_on", "申报日期", p.date()),
            Column(
                "result",
                "认定结果",
                p.one_of(ApplicationResult.values, labels=results),
                required=False,
                optional_column=True,
                aliases=("结果",),
            ),
            Column("result_on", "结果日期", p.date(), required=False, optional_column=True),
        ]

    def check_rows(self, rows, ctx):
        errors = []
        for r in rows:
            v = r.values
            if v.get("result") in (ApplicationResult.RECOGNIZED, ApplicationResult.FAILED) and not v.get(
                "result_on"
            ):
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("result_on") if "result_on" in ctx.table.labels else "result_on",
                        "a result needs its date",
                    )
                )
            if v.get("result_on") and v.get("applied_on") and v["result_on"] < v["applied_on"]:
                errors.append(
                    RowError(
                        r.number, ctx.label("result_on"), "the result date is before the application date"
                    )
                )
        return errors

    def values(self, v):
        return {
            "applied_on": v["applied_on"],
            "result": v.get("result") or ApplicationResult.PENDING,
            "result_on": v.get("result_on"),
        }


@register
class TsmeRegistrationImporter(EnterpriseRowsImporter):
    kind = "tsme-registrations"
    label = _("Tech-SME registrations")
    model = TsmeRegistration
    unique_on = ("year",)

    def build_columns(self):
        return [
            self.uscc_column(),
            Column("year", "入库年度", _YEAR, aliases=("年度",)),
            Column("number", "入库登记编号", p.text(32), required=False, aliases=("登记编号",)),
            Column("registered_on", "入库日期", p.date()),
        ]

    def values(self, v):
        return {"number": v.get("number") or "", "registered_on": v["registered_on"]}


@register
class SubsidyImporter(EnterpriseRowsImporter):
    kind = "subsidies"
    label = _("Subsidies")
    model = Subsidy
    unique_on = ("year", "kind")

    def build_columns(self):
        labels = {
            "研发奖补": SubsidyKind.RD_SUPPORT,
            "规上工业企业研发活动奖补": SubsidyKind.RD_SUPPORT,
            "高企申报补助(通过)": SubsidyKind.HTE_SUCCESS,
            "高企申报补助(未通过)": SubsidyKind.HTE_FAILURE,
            "其他": SubsidyKind.OTHER,
        }
        return [
            self.uscc_column(),
            Column("year", "年度", _YEAR),
            Column("kind", "补助类别", p.one_of(SubsidyKind.values, labels=labels), aliases=("类别",)),
            Column("amount", "金额(万元)", p.decimal(places=2), aliases=("金额",)),
            Column("granted_on", "发放日期", p.date(), required=False, optional_column=True),
        ]

    def values(self, v):
        return {"amount": v["amount"], "granted_on": v.get("granted_on")}


@register
class RdDeductionImporter(EnterpriseRowsImporter):
    kind = "rd-deductions"
    label = _("R&D super-deduction claims")
    model = RdDeduction
    unique_on = ("year",)

    def build_columns(self):
        return [
            self.uscc_column(),
            Column("year", "年度", _YEAR),
            Column("amount", "加计扣除研发费用(万元)", p.decimal(places=2), aliases=("研发费用", "金额")),
        ]

    def values(self, v):
        return {"amount": v["amount"]}
