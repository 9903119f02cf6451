"""Technology contract lists for the import engine (CONTRACTS.md "Imports": `contracts`), and the
lists of transformation projects and award applications.

`contracts`: one registered contract per row. A registration number already held is an error
unless `update` is set (then the held contract, if the importer may change it, takes the row's
values). A row matching a contract on the follow-up list (signed, not yet registered: same unit,
seller, buyer, value and signing date) closes that item: it becomes the registered contract.
Likely duplicates (same seller, buyer, value and signing date under different numbers) are not
errors; they are listed on the contract page and noted with the import."""

from __future__ import annotations

from collections import defaultdict

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from kechuang.core.imports import Column, Importer, RowError, register
from kechuang.core.imports import parsers as p
from kechuang.core.imports.units import unit_parser
from kechuang.core.roles import CHANGE
from kechuang.messages import Msg, gettext_noop
from transfer.models import (
    SUB_KINDS,
    AwardApplication,
    AwardCategory,
    AwardResult,
    ContractStatus,
    ContractSubKind,
    ContractType,
    ProjectLevel,
    ProjectStatus,
    TechContract,
    TransferProject,
)
from transfer.services import normalise_registration_no
from transfer.validation import CONTRACT_REQUIRED, award_problems, contract_problems, project_problems

__all__ = ["AwardImporter", "ContractFollowUpImporter", "ContractImporter", "TransferProjectImporter"]

_CHUNK = 900  # below SQLite's bound-variable limit
CONTRACT_FIELDS = (
    "registration_no",
    "seller_uscc",
    "seller_name",
    "buyer_name",
    "title",
    "type",
    "sub_kind",
    "contract_value",
    "tech_value",
    "signed",
    "valid_until",
    "registered",
    "unit",
)
_TYPE_KEYS = {t.name.lower(): t.value for t in ContractType}
# Cells the engine itself reports when empty or unreadable.
_REQUIRED_CELLS = frozenset({*CONTRACT_REQUIRED, "registration_no", "registered"})


def _english(message) -> str:
    """Import messages are in English, as the engine's own are."""
    with translation.override(None):
        return str(message)


def _problem_errors(rows, ctx, check, extra=None, **kwargs) -> list[RowError]:
    errors = []
    for r in rows:
        for problem in check({**r.values, **(extra or {})}, **kwargs):
            errors.append(RowError(r.number, ctx.label(problem.field), _english(problem.message)))
    return errors


def contract_type(value: str) -> str:
    if value in ContractType.values:
        return value
    if value.lower() in _TYPE_KEYS:
        return _TYPE_KEYS[value.lower()]
    for ctype, kinds in SUB_KINDS.items():
        if value in kinds:
            raise ValueError(
                Msg(
                    gettext_noop(
                        "{value} is a sub-kind of {type}: give {type} as the type and {kind} as the sub-kind"
                    ),
                    value=repr(value),
                    type=ctype,
                    kind=value,
                )
            )
    raise ValueError(
        Msg(
            gettext_noop("{value} is not a contract type (use one of: {choices})"),
            value=repr(value),
            choices=", ".join(ContractType.values),
        )
    )


def _seller_key(values) -> str:
    return values.get("seller_uscc") or values["seller_name"]


def _key(values) -> tuple:
    return (_seller_key(values), values["buyer_name"], values["contract_value"], values["signed"])


def _chunks(items):
    items = list(items)
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


@register
class ContractImporter(Importer):
    """Registered technology contracts (技术合同认定登记), one per row."""

    kind = "contracts"
    label = _("Technology contracts (registered)")

    def build_columns(self) -> list[Column]:
        money = p.decimal(places=4)
        return [
            Column(
                "registration_no",
                "登记编号",
                lambda v: normalise_registration_no(p.text(40)(v)),
                aliases=("合同登记编号", "认定登记编号", "登记号", "合同登记号"),
            ),
            Column(
                "seller_uscc",
                "卖方统一社会信用代码",
                p.code_uscc,
                required=False,
                aliases=("卖方信用代码", "卖方社会信用代码", "卖方代码"),
            ),
            Column("seller_name", "卖方名称", p.text(200), aliases=("卖方", "卖方单位", "技术卖方")),
            Column("buyer_name", "买方名称", p.text(200), aliases=("买方", "买方单位", "技术买方")),
            Column(
                "title", "合同名称", p.text(200), required=False, optional_column=True, aliases=("项目名称",)
            ),
            Column("type", "合同类型", contract_type, aliases=("类型", "技术合同类型", "合同类别")),
            Column(
                "sub_kind",
                "合同子类",
                p.one_of(ContractSubKind.values),
                required=False,
                optional_column=True,
                aliases=("子类", "合同小类"),
            ),
            Column("contract_value", "合同成交额", money, aliases=("成交额", "技术合同成交额", "合同金额")),
            Column("tech_value", "技术交易额", money, aliases=("技术交易金额",)),
            Column("signed", "签订日期", p.date(), aliases=("签约日期", "合同签订日期")),
            Column(
                "valid_until",
                "有效期至",
                p.date(not_future=False),
                required=False,
                optional_column=True,
                aliases=("合同有效期至", "合同截止日期"),
            ),
            Column("registered", "登记日期", p.date(), aliases=("认定登记日期", "认定日期")),
            Column("unit", "所属单位", unit_parser(), aliases=("单位", "区县", "责任单位", "登记单位")),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        # Required cells that are missing or refused were reported by the engine already.
        errors = _problem_errors(rows, ctx, contract_problems, refused=_REQUIRED_CELLS)
        first: dict[str, int] = {}
        for r in rows:
            number = r.values["registration_no"]
            if number is None:
                continue
            if number in first:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("registration_no"),
                        Msg(gettext_noop("the same registration number as row {row}"), row=first[number]),
                    )
                )
            first.setdefault(number, r.number)
        held: dict[str, TechContract] = {}
        for part in _chunks(first):
            held.update((c.registration_no, c) for c in TechContract.objects.filter(registration_no__in=part))
        if not held:
            return errors
        update = bool(ctx.options.get("update"))
        writable = set()
        if update and ctx.actor is not None:
            for part in _chunks(c.pk for c in held.values()):
                writable.update(
                    TechContract.objects.for_user(ctx.actor, CHANGE)
                    .filter(pk__in=part)
                    .values_list("pk", flat=True)
                )
        for r in rows:
            contract = held.get(r.values["registration_no"])
            if contract is None or first.get(contract.registration_no) != r.number:
                continue
            if not update:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("registration_no"),
                        Msg(
                            gettext_noop("{number} is already registered (use --update to replace it)"),
                            number=contract.registration_no,
                        ),
                    )
                )
            elif ctx.actor is not None and contract.pk not in writable:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("registration_no"),
                        Msg(gettext_noop("{number} is already registered"), number=contract.registration_no),
                    )
                )
        return errors

    def write(self, rows, ctx) -> tuple[int, int]:
        values = [{k: r.values.get(k) for k in CONTRACT_FIELDS} for r in rows]
        for v in values:
            v["seller_uscc"] = v["seller_uscc"] or ""
            v["title"] = v["title"] or ""
            v["sub_kind"] = v["sub_kind"] or ""
        codes = {v["seller_uscc"] for v in values if v["seller_uscc"]}
        sellers: dict[str, int] = {}
        for part in _chunks(codes):
            sellers.update(Enterprise.objects.filter(uscc__in=part).values_list("uscc", "pk"))
        held: dict[str, TechContract] = {}
        for part in _chunks(v["registration_no"] for v in values):
            held.update((c.registration_no, c) for c in TechContract.objects.filter(registration_no__in=part))
        # Follow-up items (signed, not yet registered) that a row registers.
        leads: dict[tuple, list[TechContract]] = defaultdict(list)
        unit_ids = {v["unit"].pk for v in values}
        lead_qs = TechContract.objects.filter(status=ContractStatus.SIGNED_UNREGISTERED, unit_id__in=unit_ids)
        for lead in lead_qs.order_by("id"):
            leads[(lead.unit_id, *_key(lead.__dict__))].append(lead)
        creates, updates = [], []
        for v in values:
            contract = held.get(v["registration_no"])
            if contract is None:
                matches = leads.get((v["unit"].pk, *_key(v)))
                contract = matches.pop(0) if matches else None
            if contract is None:
                contract = TechContract()
                creates.append(contract)
            else:
                updates.append(contract)
            for name, value in v.items():
                setattr(contract, name, value)
            contract.status = ContractStatus.REGISTERED
            contract.refusal_reason = ""
            contract.seller_id = sellers.get(v["seller_uscc"])
        TechContract.objects.bulk_create(creates, batch_size=500)
        TechContract.objects.bulk_update(
            updates, [*CONTRACT_FIELDS, "status", "refusal_reason", "seller"], batch_size=500
        )
        ctx.run.options = {
            **ctx.run.options,
            "follow_up_closed": sum(1 for c in updates if c.registration_no not in held),
            "likely_duplicates": self._likely_duplicates(values),
        }
        return len(creates), len(updates)

    @staticmethod
    def _likely_duplicates(values) -> list[list[str]]:
        """Registration numbers, per group, of imported contracts that look like another."""
        keys = {_key(v) for v in values}
        candidates = TechContract.objects.filter(
            signed__in={k[3] for k in keys}, buyer_name__in={k[1] for k in keys}
        ).values(
            "seller_uscc", "seller_name", "buyer_name", "contract_value", "signed", "registration_no", "id"
        )
        groups: dict[tuple, list[str]] = defaultdict(list)
        for c in candidates:
            key = _key(c)
            if key in keys:
                groups[key].append(c["registration_no"] or f"#{c['id']}")
        return [sorted(g) for g in groups.values() if len(g) > 1][:200]


FOLLOWUP_FIELDS = (
    "seller_uscc",
    "seller_name",
    "buyer_name",
    "title",
    "type",
    "sub_kind",
    "contract_value",
    "tech_value",
    "signed",
    "valid_until",
    "unit",
    "follow_up_owner",
    "follow_up_note",
)


@register
class ContractFollowUpImporter(Importer):
    """Contracts known to be signed and not yet registered (the follow-up list): one per row, with
    the person who follows it up. A technical transaction value not yet known is taken as the
    contract value until the contract is registered."""

    kind = "contract-followups"
    label = _("Technology contracts signed, not yet registered")

    def build_columns(self) -> list[Column]:
        registered = {c.name: c for c in ContractImporter().columns}
        return [
            registered["seller_uscc"],
            registered["seller_name"],
            registered["buyer_name"],
            registered["title"],
            registered["type"],
            registered["sub_kind"],
            registered["contract_value"],
            Column(
                "tech_value",
                "技术交易额",
                p.decimal(places=4),
                required=False,
                optional_column=True,
                aliases=("技术交易金额",),
            ),
            registered["signed"],
            registered["valid_until"],
            registered["unit"],
            Column("follow_up_owner", "跟进责任人", p.text(50), aliases=("责任人", "跟进人")),
            Column(
                "follow_up_note",
                "跟进情况",
                p.text(2000),
                required=False,
                optional_column=True,
                aliases=("备注",),
            ),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        for r in rows:
            if r.values["tech_value"] is None and r.values["contract_value"] is not None:
                r.values["tech_value"] = r.values["contract_value"]
        return _problem_errors(
            rows,
            ctx,
            contract_problems,
            extra={"status": ContractStatus.SIGNED_UNREGISTERED},
            refused=_REQUIRED_CELLS,
        )

    def write(self, rows, ctx) -> tuple[int, int]:
        codes = {r.values["seller_uscc"] for r in rows if r.values.get("seller_uscc")}
        sellers = dict(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", "pk")) if codes else {}
        contracts = []
        for r in rows:
            values = {k: r.values.get(k) for k in FOLLOWUP_FIELDS}
            for text in ("seller_uscc", "title", "sub_kind", "follow_up_note"):
                values[text] = values[text] or ""
            contracts.append(
                TechContract(
                    status=ContractStatus.SIGNED_UNREGISTERED,
                    seller_id=sellers.get(values["seller_uscc"]),
                    **values,
                )
            )
        TechContract.objects.bulk_create(contracts, batch_size=500)
        return len(contracts), 0


def _level(value: str) -> str:
    labels = {"省级": ProjectLevel.PROVINCIAL, "市级": ProjectLevel.CITY}
    return p.one_of(ProjectLevel.values, labels=labels)(value)


@register
class TransferProjectImporter(Importer):
    """Applications for achievement transformation projects (TRANSFER_PROJECTS)."""

    kind = "transfer-projects"
    label = _("Achievement transformation projects")
    # The approval, its date and funding are the bureau's; a district applies or withdraws.
    decision_columns = ("status", "decided_on", "funding")
    proposer_values = {"status": frozenset({ProjectStatus.APPLIED, ProjectStatus.WITHDRAWN})}

    def build_columns(self) -> list[Column]:
        statuses = {
            "已申报": "applied",
            "已立项": "approved",
            "未立项": "not_approved",
            "已撤回": "withdrawn",
        }
        return [
            Column("title", "项目名称", p.text(200), aliases=("名称",)),
            Column("applicant_name", "申报单位", p.text(200), aliases=("申报主体", "承担单位")),
            Column(
                "applicant_uscc",
                "统一社会信用代码",
                p.code_uscc,
                required=False,
                optional_column=True,
                aliases=("信用代码",),
            ),
            Column(
                "partner",
                "成果来源",
                p.text(200),
                required=False,
                optional_column=True,
                aliases=("合作单位",),
            ),
            Column(
                "industry", "产业领域", p.text(50), required=False, optional_column=True, aliases=("产业",)
            ),
            Column("level", "级别", _level, required=False, optional_column=True, aliases=("项目级别",)),
            Column("applied_on", "申报日期", p.date(), aliases=("申报时间",)),
            Column(
                "status",
                "状态",
                p.one_of(ProjectStatus.values, labels=statuses),
                required=False,
                optional_column=True,
            ),
            Column(
                "decided_on",
                "立项日期",
                p.date(),
                required=False,
                optional_column=True,
                aliases=("决定日期",),
            ),
            Column(
                "funding",
                "支持资金",
                p.decimal(places=2),
                required=False,
                optional_column=True,
                aliases=("立项资金", "资助金额"),
            ),
            Column("unit", "所属单位", unit_parser(), aliases=("单位", "区县", "责任单位")),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        return _problem_errors(rows, ctx, project_problems)

    def write(self, rows, ctx) -> tuple[int, int]:
        codes = {r.values["applicant_uscc"] for r in rows if r.values.get("applicant_uscc")}
        known = dict(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", "pk")) if codes else {}
        projects = [
            TransferProject(
                unit=v["unit"],
                title=v["title"],
                applicant_name=v["applicant_name"],
                enterprise_id=known.get(v.get("applicant_uscc")),
                partner=v.get("partner") or "",
                industry=v.get("industry") or "",
                level=v.get("level") or ProjectLevel.PROVINCIAL,
                applied_on=v["applied_on"],
                status=v.get("status") or ProjectStatus.APPLIED,
                decided_on=v.get("decided_on"),
                funding=v.get("funding"),
            )
            for v in (r.values for r in rows)
        ]
        TransferProject.objects.bulk_create(projects, batch_size=500)
        return len(projects), 0


_CATEGORY_LABELS = {
    "省最高科学技术奖": AwardCategory.HIGHEST,
    "最高科学技术奖": AwardCategory.HIGHEST,
    "省自然科学奖": AwardCategory.NATURAL_SCIENCE,
    "自然科学奖": AwardCategory.NATURAL_SCIENCE,
    "省技术发明奖": AwardCategory.INVENTION,
    "技术发明奖": AwardCategory.INVENTION,
    "省科学技术进步奖": AwardCategory.PROGRESS,
    "科学技术进步奖": AwardCategory.PROGRESS,
    "科技进步奖": AwardCategory.PROGRESS,
    "省科学技术合作奖": AwardCategory.COOPERATION,
    "科学技术合作奖": AwardCategory.COOPERATION,
}
_RESULT_LABELS = {
    "待评审": "pending",
    "已获奖": "awarded",
    "获奖": "awarded",
    "未获奖": "not_awarded",
    "已撤回": "withdrawn",
}
_GRADE_LABELS = {"一等奖": "first", "二等奖": "second", "三等奖": "third"}


@register
class AwardImporter(Importer):
    """Applications for Guizhou provincial S&T awards and their results (PROVINCIAL_AWARDS)."""

    kind = "awards"
    label = _("Provincial S&T award applications")
    # The result, grade and date are the province's, recorded by the bureau.
    decision_columns = ("result", "grade", "result_on")
    proposer_values = {"result": frozenset({AwardResult.PENDING, AwardResult.WITHDRAWN})}

    def build_columns(self) -> list[Column]:
        from transfer.models import AwardGrade

        return [
            Column("title", "成果名称", p.text(200), aliases=("项目名称", "名称")),
            Column("lead_org", "完成单位", p.text(200), aliases=("第一完成单位", "申报单位")),
            Column(
                "applicant_uscc",
                "统一社会信用代码",
                p.code_uscc,
                required=False,
                optional_column=True,
                aliases=("信用代码",),
            ),
            Column(
                "category", "奖种", p.one_of(AwardCategory.values, labels=_CATEGORY_LABELS), aliases=("奖项",)
            ),
            Column("year", "年度", p.integer(minimum=1990, maximum=2100), aliases=("奖励年度",)),
            Column("applied_on", "申报日期", p.date(), aliases=("提名日期",)),
            Column(
                "result",
                "评审结果",
                p.one_of(AwardResult.values, labels=_RESULT_LABELS),
                required=False,
                optional_column=True,
                aliases=("结果",),
            ),
            Column(
                "grade",
                "等级",
                p.one_of(AwardGrade.values, labels=_GRADE_LABELS),
                required=False,
                optional_column=True,
                aliases=("获奖等级",),
            ),
            Column(
                "result_on", "结果日期", p.date(), required=False, optional_column=True, aliases=("授奖日期",)
            ),
            Column("unit", "所属单位", unit_parser(), aliases=("单位", "区县", "责任单位")),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        return _problem_errors(rows, ctx, award_problems)

    def write(self, rows, ctx) -> tuple[int, int]:
        codes = {r.values["applicant_uscc"] for r in rows if r.values.get("applicant_uscc")}
        known = dict(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", "pk")) if codes else {}
        awards = [
            AwardApplication(
                unit=v["unit"],
                title=v["title"],
                lead_org=v["lead_org"],
                enterprise_id=known.get(v.get("applicant_uscc")),
                category=v["category"],
                year=v["year"],
                applied_on=v["applied_on"],
                result=v.get("result") or AwardResult.PENDING,
                grade=v.get("grade") or "",
                result_on=v.get("result_on"),
            )
            for v in (r.values for r in rows)
        ]
        AwardApplication.objects.bulk_create(awards, batch_size=500)
        return len(awards), 0
