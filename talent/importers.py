"""Talent lists for the import engine: `talents` (people and their designations) and
`commissioners` (the year's commissioner assignments). All or nothing; every bad cell named by
row and column; a district may not touch a person kept by another unit."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from kechuang.core.imports import Column, Importer, RowError, register
from kechuang.core.imports import parsers as p
from kechuang.core.imports.units import unit_parser
from kechuang.core.roles import CHANGE
from kechuang.core.scope import scope_of
from kechuang.messages import Msg, gettext_noop
from rules import idnumber
from talent.models import (
    Assignment,
    AssignmentLevel,
    Designation,
    DesignationCategory,
    Education,
    Person,
    PlaceKind,
)

__all__ = ["CommissionerImporter", "TalentImporter", "id_number"]

# IN (…) lists of at most 900 numbers: 1,800 bound values with the SM4 key set (a lookup matches
# both stored forms, kechuang/core/pii.py), within SQLite's 32,766 since 3.32 (999 before).
_CHUNK = 900

# Templates, translated when the message is shown (a web import page in the uploader's language).
ID_REASONS = {
    "LENGTH": gettext_noop("an ID number has 18 characters"),
    "CHARSET": gettext_noop("an ID number has 17 digits and a final digit or X"),
    "REGION": gettext_noop("the first two digits are not a province code"),
    "BIRTH_DATE": gettext_noop("characters 7–14 are not a possible birth date"),
    "CHECK_DIGIT": gettext_noop("the check character is wrong (GB 11643)"),
}

CATEGORY_LABELS = {
    "重点人才": DesignationCategory.KEY,
    "科技研发创新发展工程重点人才": DesignationCategory.KEY,
    "社会事业人才": DesignationCategory.SOCIAL,
    "社会事业人才(其它类)": DesignationCategory.SOCIAL,
    "社会事业人才（其它类）": DesignationCategory.SOCIAL,
    "引进博士": DesignationCategory.PHD,
    "引进创新型博士人才": DesignationCategory.PHD,
    "博士": DesignationCategory.PHD,
    "团队成员": DesignationCategory.TEAM,
    "创新团队成员": DesignationCategory.TEAM,
}
EDUCATION_LABELS = {
    "博士": Education.DOCTORATE,
    "博士研究生": Education.DOCTORATE,
    "硕士": Education.MASTER,
    "硕士研究生": Education.MASTER,
    "本科": Education.BACHELOR,
    "大学本科": Education.BACHELOR,
    "其他": Education.OTHER,
}
PLACE_LABELS = {
    "乡镇": PlaceKind.TOWN,
    "镇": PlaceKind.TOWN,
    "村": PlaceKind.VILLAGE,
    "企业": PlaceKind.ENTERPRISE,
}
LEVEL_LABELS = {
    "市级": AssignmentLevel.CITY,
    "省级": AssignmentLevel.PROVINCIAL,
    "县级": AssignmentLevel.COUNTY,
}


def id_number(value: str) -> str:
    """A 公民身份号码 cell: GB 11643 check; old Tongren 5222xx codes are valid."""
    code = idnumber.normalise(value)
    ok, reason = idnumber.validate(code)
    if not ok:
        raise ValueError(
            Msg(
                gettext_noop("{value}: {reason}"),
                value=idnumber.mask(code) if len(code) >= 10 else repr(value),
                reason=Msg(ID_REASONS[reason]),
            )
        )
    return code


def tags(value: str) -> list[str]:
    parts = value.replace("；", ";").replace("，", ";").replace(",", ";").split(";")
    return list(dict.fromkeys(t.strip() for t in parts if t.strip()))


def _existing_people(codes) -> dict[str, Person]:
    codes = list(codes)
    found: dict[str, Person] = {}
    for i in range(0, len(codes), _CHUNK):
        found.update((x.id_number, x) for x in Person.objects.filter(id_number__in=codes[i : i + _CHUNK]))
    return found


def _foreign(actor, person: Person) -> bool:
    """A person kept by a unit outside the acting district's scope (the CLI and the bureau reach
    every unit)."""
    if actor is None:
        return False
    scope = scope_of(actor)
    return not scope.sees_all(CHANGE) and person.unit_id not in scope.unit_ids


def _check_people(rows, ctx, errors, *, unit_column: str | None) -> dict[str, Person]:
    """Rows naming the same ID must agree on the name; a known ID must carry its registered
    name; a district may update only its own people."""
    first: dict[str, object] = {}
    for r in rows:
        code = r.values["id_number"]
        if code is None:
            continue
        earlier = first.setdefault(code, r)
        if earlier is not r and r.values["name"] != earlier.values["name"]:
            errors.append(
                RowError(
                    r.number,
                    ctx.label("name"),
                    Msg(gettext_noop("differs from row {row} for the same ID number"), row=earlier.number),
                )
            )
    known = _existing_people(first)
    for r in rows:
        person = known.get(r.values["id_number"])
        if person is None:
            continue
        if unit_column is not None and _foreign(ctx.actor, person):
            errors.append(
                RowError(
                    r.number,
                    ctx.label("id_number"),
                    Msg(
                        gettext_noop(
                            "this person is kept by another unit; ask the bureau to change the record"
                        )
                    ),
                )
            )
            continue
        if r.values["name"] is not None and r.values["name"] != person.name:
            errors.append(
                RowError(
                    r.number,
                    ctx.label("name"),
                    Msg(gettext_noop("differs from the name registered for this ID number")),
                )
            )
    return known


@register
class TalentImporter(Importer):
    """People with their record-keeping unit and, optionally, one designation per row (the same
    person on several rows for several designations)."""

    kind = "talents"
    label = _("Talent (people and designations)")

    def build_columns(self) -> list[Column]:
        opt = {"required": False, "optional_column": True}
        return [
            Column("name", "姓名", p.text(50)),
            Column("id_number", "身份证号", id_number, aliases=("公民身份号码", "身份证号码", "身份证")),
            Column("unit", "所属单位", unit_parser(), aliases=("单位", "区县", "责任单位")),
            Column("organisation", "工作单位", p.text(200), **opt),
            Column("title", "职称", p.text(50), **opt),
            Column("field", "专业领域", p.text(50), aliases=("领域", "专业"), **opt),
            Column(
                "education",
                "学历",
                p.one_of(Education.values, labels=EDUCATION_LABELS),
                aliases=("学历学位",),
                **opt,
            ),
            Column("phone", "联系电话", p.phone(), aliases=("电话", "手机"), **opt),
            Column(
                "category",
                "人才类别",
                p.one_of(DesignationCategory.values, labels=CATEGORY_LABELS),
                aliases=("类别",),
                **opt,
            ),
            Column("designated_on", "认定日期", p.date(), aliases=("入选日期", "引进日期"), **opt),
            Column("team", "所在团队", p.text(100), aliases=("团队",), **opt),
            Column("reference", "文号或批次", p.text(100), aliases=("文号", "批次"), **opt),
            Column("is_expert", "是否专家", p.boolean, aliases=("专家",), **opt),
            Column("expert_tags", "专家领域", tags, aliases=("评审领域",), **opt),
            Column("max_load", "最大评审量", p.integer(minimum=1, maximum=200), **opt),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        errors: list[RowError] = []
        seen: dict[tuple, int] = {}
        for r in rows:
            v = r.values
            if v["category"] and v["designated_on"] is None:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("designated_on"),
                        Msg(gettext_noop("give the date of the designation")),
                    )
                )
            if v["designated_on"] is not None and not v["category"]:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("category"),
                        Msg(gettext_noop("give the category of the designation")),
                    )
                )
            if v.get("is_expert") and not v.get("expert_tags"):
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("expert_tags"),
                        Msg(gettext_noop("an expert needs at least one field")),
                    )
                )
            if v["category"] and v["designated_on"] and v["id_number"]:
                key = (v["id_number"], v["category"], v["designated_on"])
                if key in seen:
                    errors.append(
                        RowError(
                            r.number,
                            ctx.label("category"),
                            Msg(gettext_noop("the same designation as row {row}"), row=seen[key]),
                        )
                    )
                seen.setdefault(key, r.number)
        known = _check_people(rows, ctx, errors, unit_column="unit")
        if known and seen:
            existing = set(
                Designation.objects.filter(person__in=known.values()).values_list(
                    "person__id_number", "category", "designated_on"
                )
            )
            for key, number in seen.items():
                if key in existing:
                    errors.append(
                        RowError(
                            number,
                            ctx.label("category"),
                            Msg(gettext_noop("this designation is already registered")),
                        )
                    )
        return errors

    def write(self, rows, ctx) -> tuple[int, int]:
        known = _existing_people(r.values["id_number"] for r in rows)
        fields = (
            "organisation",
            "title",
            "field",
            "education",
            "phone",
            "is_expert",
            "expert_tags",
            "max_load",
        )
        created = updated = 0
        people: dict[str, Person] = {}
        for r in rows:
            v = r.values
            code = v["id_number"]
            person = people.get(code) or known.get(code)
            if person is None:
                person = Person(name=v["name"], id_number=code, unit=v["unit"])
                created += 1
            elif code not in people:
                updated += 1
            person.unit = v["unit"]
            for name in fields:
                if v.get(name) is not None:
                    setattr(person, name, v[name])
            person.save()  # one by one, so the change log records each person
            people[code] = person
            if v["category"]:
                Designation.objects.create(
                    person=person,
                    category=v["category"],
                    designated_on=v["designated_on"],
                    team=v.get("team") or "",
                    reference=v.get("reference") or "",
                )
        return created, updated


@register
class CommissionerImporter(Importer):
    """The year's commissioner assignments: one row per person sent to one place. A person not
    yet in the talent registry is added, kept by the unit served."""

    kind = "commissioners"
    label = _("S&T commissioner assignments")

    def build_columns(self) -> list[Column]:
        opt = {"required": False, "optional_column": True}
        return [
            Column("name", "姓名", p.text(50)),
            Column("id_number", "身份证号", id_number, aliases=("公民身份号码", "身份证号码", "身份证")),
            Column("unit", "服务区县", unit_parser(), aliases=("所属单位", "单位", "区县", "责任单位")),
            Column("year", "选派年度", p.integer(minimum=2000, maximum=2100), aliases=("年度",)),
            Column("selected_on", "选派日期", p.date()),
            Column(
                "place_kind",
                "服务对象类型",
                p.one_of(PlaceKind.values, labels=PLACE_LABELS),
                aliases=("服务类型",),
            ),
            Column("place", "服务对象", p.text(200), aliases=("服务地点", "服务单位")),
            Column("service_start", "服务开始日期", p.date(not_future=False), aliases=("服务起始日期",)),
            Column("service_end", "服务结束日期", p.date(not_future=False), aliases=("服务截止日期",)),
            Column(
                "level",
                "级别",
                p.one_of(AssignmentLevel.values, labels=LEVEL_LABELS),
                aliases=("选派级别",),
                **opt,
            ),
            Column("enterprise", "服务企业信用代码", p.code_uscc, aliases=("统一社会信用代码",), **opt),
            Column("organisation", "工作单位", p.text(200), **opt),
            Column("title", "职称", p.text(50), **opt),
            Column("field", "专业领域", p.text(50), aliases=("领域", "专业"), **opt),
            Column("tasks", "服务内容", p.text(2000), aliases=("服务任务",), **opt),
        ]

    def check(self, rows, ctx) -> list[RowError]:
        errors: list[RowError] = []
        seen: dict[tuple, int] = {}
        for r in rows:
            v = r.values
            if v["selected_on"] and v["year"] and v["selected_on"].year != v["year"]:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("selected_on"),
                        Msg(gettext_noop("not in the selection year {year}"), year=v["year"]),
                    )
                )
            if v["service_start"] and v["service_end"] and v["service_end"] < v["service_start"]:
                errors.append(
                    RowError(
                        r.number,
                        ctx.label("service_end"),
                        Msg(gettext_noop("before the start of the service")),
                    )
                )
            if v["place_kind"] == PlaceKind.ENTERPRISE and not v.get("enterprise") and not v["place"]:
                errors.append(
                    RowError(r.number, ctx.label("place"), Msg(gettext_noop("name the enterprise served")))
                )
            if None not in (v["id_number"], v["selected_on"], v["place"]):
                key = (v["id_number"], v["selected_on"], v["place"])
                if key in seen:
                    errors.append(
                        RowError(
                            r.number,
                            ctx.label("place"),
                            Msg(gettext_noop("the same assignment as row {row}"), row=seen[key]),
                        )
                    )
                seen.setdefault(key, r.number)
        # The person may be kept by another unit (a city expert sent to a district); only the
        # name must match.
        _check_people(rows, ctx, errors, unit_column=None)
        codes = {r.values["enterprise"] for r in rows if r.values.get("enterprise")}
        if codes:
            enterprises = (
                Enterprise.objects.all() if ctx.actor is None else Enterprise.objects.for_user(ctx.actor)
            )
            found = set(enterprises.filter(uscc__in=codes).values_list("uscc", flat=True))
            for r in rows:
                code = r.values.get("enterprise")
                if code and code not in found:
                    errors.append(
                        RowError(
                            r.number,
                            ctx.label("enterprise"),
                            Msg(
                                gettext_noop("{code} is not a registered enterprise you can reach"), code=code
                            ),
                        )
                    )
        if seen:
            existing = set(
                Assignment.objects.filter(person__id_number__in={k[0] for k in seen}).values_list(
                    "person__id_number", "selected_on", "place"
                )
            )
            for key, number in seen.items():
                if key in existing:
                    errors.append(
                        RowError(
                            number,
                            ctx.label("place"),
                            Msg(gettext_noop("this assignment is already registered")),
                        )
                    )
        return errors

    def write(self, rows, ctx) -> tuple[int, int]:
        known = _existing_people(r.values["id_number"] for r in rows)
        enterprises = {
            e.uscc: e
            for e in Enterprise.objects.filter(
                uscc__in={r.values["enterprise"] for r in rows if r.values.get("enterprise")}
            )
        }
        new_people = 0
        for r in rows:
            v = r.values
            person = known.get(v["id_number"])
            if person is None:
                person = Person.objects.create(
                    name=v["name"],
                    id_number=v["id_number"],
                    unit=v["unit"],
                    organisation=v.get("organisation") or "",
                    title=v.get("title") or "",
                    field=v.get("field") or "",
                )
                known[v["id_number"]] = person
                new_people += 1
            Assignment.objects.create(
                person=person,
                year=v["year"],
                level=v.get("level") or AssignmentLevel.CITY,
                selected_on=v["selected_on"],
                unit=v["unit"],
                place_kind=v["place_kind"],
                place=v["place"],
                enterprise=enterprises.get(v.get("enterprise")),
                service_start=v["service_start"],
                service_end=v["service_end"],
                tasks=v.get("tasks") or "",
            )
        ctx.run.options = {**ctx.run.options, "new_people": new_people}
        return len(rows), 0
