"""Platform lists for the import engine: `platforms` and `investment`. All or nothing; every bad
cell named by row and column; rows outside the actor's units refused by the engine."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from kechuang.core.imports import Column, Importer, RowError, register
from kechuang.core.imports import parsers as p
from kechuang.core.imports.units import unit_parser
from kechuang.messages import Msg, gettext_noop
from platforms.models import Investment, Platform, PlatformKind, PlatformLevel, PlatformStatus

__all__ = ["InvestmentImporter", "PlatformImporter"]

KIND_LABELS = {
    "重点实验室": PlatformKind.KEY_LAB,
    "技术创新中心": PlatformKind.INNOVATION_CENTRE,
    "工程技术研究中心": PlatformKind.ENGINEERING_CENTRE,
    "工程研究中心": PlatformKind.ENGINEERING_CENTRE,
    "新型研发机构": PlatformKind.NEW_RD,
    "产业研究院": PlatformKind.INDUSTRY_INSTITUTE,
    "其他": PlatformKind.OTHER,
}
LEVEL_LABELS = {
    "市级": PlatformLevel.CITY,
    "省级": PlatformLevel.PROVINCIAL,
    "国家级": PlatformLevel.NATIONAL,
}
STATUS_LABELS = {
    "培育": PlatformStatus.CULTIVATING,
    "认定": PlatformStatus.APPROVED,
    "撤销": PlatformStatus.REVOKED,
}


def _enterprises(codes, actor) -> dict[str, Enterprise]:
    """Registered enterprises by code, among those the actor can reach (all for the CLI)."""
    if not codes:
        return {}
    qs = Enterprise.objects.all() if actor is None else Enterprise.objects.for_user(actor)
    return {e.uscc: e for e in qs.filter(uscc__in=codes)}


def _unknown_enterprises(rows, ctx, column: str) -> list[RowError]:
    found = _enterprises({r.values[column] for r in rows if r.values.get(column)}, ctx.actor)
    return [
        RowError(
            r.number,
            ctx.label(column),
            Msg(gettext_noop("{code} is not a registered enterprise you can reach"), code=r.values[column]),
        )
        for r in rows
        if r.values.get(column) and r.values[column] not in found
    ]


@register
class PlatformImporter(Importer):
    """Innovation platforms; one row per platform and level."""

    kind = "platforms"
    label = _("Innovation platforms")
    # Recognition is the bureau's: a district's platforms come in as cultivating.
    decision_columns = ("status", "approved_on", "approval_document")
    proposer_values = {"status": frozenset({PlatformStatus.CULTIVATING})}
    proposer_defaults = {"status": PlatformStatus.CULTIVATING}

    def build_columns(self) -> list[Column]:
        opt = {"required": False, "optional_column": True}
        return [
            Column("name", "平台名称", p.text(200), aliases=("名称",)),
            Column("kind", "平台类型", p.one_of(PlatformKind.values, labels=KIND_LABELS), aliases=("类型",)),
            Column(
                "level", "级别", p.one_of(PlatformLevel.values, labels=LEVEL_LABELS), aliases=("平台级别",)
            ),
            Column("unit", "所属单位", unit_parser(), aliases=("单位", "区县", "责任单位")),
            Column("host_uscc", "依托单位信用代码", p.code_uscc, aliases=("统一社会信用代码",), **opt),
            Column("host_name", "依托单位", p.text(200), aliases=("依托单位名称",), **opt),
            Column("approved_on", "认定日期", p.date(), aliases=("批准日期",), **opt),
            Column(
                "status",
                "状态",
                p.one_of(PlatformStatus.values, labels=STATUS_LABELS),
                aliases=("平台状态",),
                **opt,
            ),
            Column("approval_document", "批准文号", p.text(100), aliases=("文号",), **opt),
            Column("field", "技术领域", p.text(100), aliases=("领域",), **opt),
            Column("partners", "合作单位", p.text(1000), aliases=("共建单位",), **opt),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        errors = _unknown_enterprises(rows, ctx, "host_uscc")
        seen: dict[tuple, int] = {}
        for r in rows:
            v = r.values
            if not v.get("host_uscc") and not v.get("host_name"):
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("host_name"),
                        Msg(gettext_noop("give the host enterprise's code or the host's name")),
                    )
                )
            status = v.get("status") or PlatformStatus.APPROVED
            if status != PlatformStatus.CULTIVATING and v.get("approved_on") is None:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("approved_on"),
                        Msg(gettext_noop("an approved platform needs its approval date")),
                    )
                )
            if v["name"] and v["level"]:
                key = (v["name"], v["level"])
                if key in seen:
                    errors.append(
                        RowError(
                            r.number,
                            ctx.label("name"),
                            Msg(gettext_noop("the same platform and level as row {row}"), row=seen[key]),
                        )
                    )
                seen.setdefault(key, r.number)
        if seen:
            existing = set(
                Platform.objects.filter(name__in={k[0] for k in seen}).values_list("name", "level")
            )
            for key, number in seen.items():
                if key in existing:
                    errors.append(
                        RowError(
                            number,
                            ctx.label("name"),
                            Msg(gettext_noop("this platform is already registered at this level")),
                        )
                    )
        return errors

    def write(self, rows, ctx) -> tuple[int, int]:
        hosts = _enterprises({r.values["host_uscc"] for r in rows if r.values.get("host_uscc")}, None)
        for r in rows:
            v = r.values
            Platform.objects.create(
                name=v["name"],
                kind=v["kind"],
                level=v["level"],
                unit=v["unit"],
                host_enterprise=hosts.get(v.get("host_uscc")),
                host_name=v.get("host_name") or "",
                approved_on=v.get("approved_on"),
                status=v.get("status") or PlatformStatus.APPROVED,
                approval_document=v.get("approval_document") or "",
                field=v.get("field") or "",
                partners="\n".join(
                    x.strip() for x in (v.get("partners") or "").replace("；", ";").split(";") if x.strip()
                ),
            )
        return len(rows), 0


@register
class InvestmentImporter(Importer):
    """Investment attracted and received (招商到位资金), in 万元."""

    kind = "investment"
    label = _("Investment attracted")

    def build_columns(self) -> list[Column]:
        opt = {"required": False, "optional_column": True}
        return [
            Column("project", "项目名称", p.text(200), aliases=("项目",)),
            Column(
                "amount",
                "到位资金",
                p.decimal(places=2),
                aliases=("到位资金(万元)", "到位资金（万元）", "金额"),
            ),
            Column("received_on", "到位日期", p.date(), aliases=("日期",)),
            Column("unit", "所属单位", unit_parser(), aliases=("单位", "区县", "责任单位")),
            Column("investor", "投资方", p.text(200), aliases=("投资单位",), **opt),
            Column("enterprise", "落地企业信用代码", p.code_uscc, aliases=("统一社会信用代码",), **opt),
            Column("chain", "产业链", p.text(100), **opt),
            Column("note", "备注", p.text(2000), **opt),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        errors = _unknown_enterprises(rows, ctx, "enterprise")
        seen: dict[tuple, int] = {}
        for r in rows:
            v = r.values
            if None in (v["project"], v["amount"], v["received_on"]):
                continue
            key = (v["project"], v["received_on"], v["amount"])
            if key in seen:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("project"),
                        Msg(gettext_noop("the same project, date and amount as row {row}"), row=seen[key]),
                    )
                )
            seen.setdefault(key, r.number)
        if seen:
            existing = set(
                Investment.objects.filter(project__in={k[0] for k in seen}).values_list(
                    "project", "received_on", "amount"
                )
            )
            for key, number in seen.items():
                if key in existing:
                    errors.append(
                        RowError(
                            number,
                            ctx.label("project"),
                            Msg(gettext_noop("this receipt is already registered")),
                        )
                    )
        return errors

    def write(self, rows, ctx) -> tuple[int, int]:
        found = _enterprises({r.values["enterprise"] for r in rows if r.values.get("enterprise")}, None)
        for r in rows:
            v = r.values
            Investment.objects.create(
                project=v["project"],
                amount=v["amount"],
                received_on=v["received_on"],
                unit=v["unit"],
                investor=v.get("investor") or "",
                enterprise=found.get(v.get("enterprise")),
                chain=v.get("chain") or "",
                note=v.get("note") or "",
            )
        return len(rows), 0
