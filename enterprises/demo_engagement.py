"""Demo data for 千企面对面 and the R&D cross-check, built on the demo enterprises:

- a season of 2023 visits (February to November, one to four per unit a month) with follow-ups
  that are mostly done for early visits and still open for recent ones;
- technology demands raised in some visits, more than 30 in the ten districts by the year end,
  with two districts short (印江 and 沿河 collect few), moving through the call guide;
- 2022 super-deduction claims and R&D subsidies such that the cross-check finds a plausible
  handful: a few 少统 (statistics far below the claim), 不统 (claims R&D, reports none) and 漏统
  (two small new firms with no 2022 statistics row), two of them already followed up.

`build(rng, password_hash)` only needs to be called after enterprises.demo.build (ORDER 10); it
uses `rng` alone, so the demo stays deterministic.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from enterprises.demo import demo_uscc
from enterprises.models import (
    CrosscheckFollowUp,
    CrosscheckStatus,
    DemandStatus,
    Enterprise,
    EnterpriseYear,
    FollowUp,
    RdDeduction,
    Subsidy,
    SubsidyKind,
    TechDemand,
    Visit,
)
from kechuang.core.models import Event, EventAction
from org.models import Unit, UnitKind
from rules.rd_crosscheck import RdEvidence, check

ORDER = 15

__all__ = ["ORDER", "build"]

YEAR = 2023
CHECK_YEAR = 2022
MONTHS = range(2, 12)
# Visits a month (low, high) and the share of visits that raise a demand, per unit.
VISITS = {"520602": (2, 4), "520602-GX": (2, 4), "520622-DL": (1, 3)}
DEFAULT_VISITS = (1, 3)
DEMAND_RATE = {"520625": 0.03, "520627": 0.03, "520602": 0.3, "520602-GX": 0.3}
DEFAULT_DEMAND_RATE = 0.2
MIN_CITY_DEMANDS = 32  # the plan asks for 30; the ten districts collect a little more

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗"
_GIVEN = ["明", "华", "芳", "强", "敏", "军", "丽", "勇", "静", "磊", "洁", "涛"]
_PROBLEMS = [
    "研发人员不足，缺少高层次技术带头人",
    "检测设备不足，产品检测需送外地",
    "对研发费用加计扣除和辅助账归集不熟悉",
    "有意申报高新技术企业，知识产权储备不足",
    "生产工艺能耗偏高，需要技术改造",
    "融资难，技术改造资金缺口较大",
    "希望对接高校院所开展产学研合作",
    "数字化改造缺乏方案和服务商",
    "固体废弃物处置成本高",
    "新产品中试缺少场地和平台",
]
_FOLLOW_NOTES = {
    FollowUp.IN_PROGRESS: [
        "已联系铜仁学院相关学院，正在对接",
        "已将政策材料送达企业，约定再次上门辅导",
        "已推荐第三方服务机构，企业正在洽谈",
    ],
    FollowUp.DONE: [
        "已组织专家上门指导，问题基本解决",
        "已协助企业完成研发费用辅助账建立",
        "企业已与高校签订合作协议",
        "已纳入高新技术企业培育库并安排辅导",
    ],
}
# (title, field, description) by the enterprise's trade; the field falls back to the HT domain.
_DEMANDS = {
    "锰": [
        (
            "电解锰渣无害化处理与资源化利用",
            "资源与环境",
            "电解锰压滤渣堆存量大，需低成本无害化处理及建材化利用技术",
        ),
        ("低品位碳酸锰矿制备电池级硫酸锰", "新材料", "提高低品位锰矿浸出率，杂质控制达到电池级标准"),
        ("锰系正极材料批次一致性提升", "新材料", "前驱体合成过程控制，提升产品批次稳定性"),
    ],
    "锂电": [
        ("磷酸锰铁锂正极材料量产工艺", "新能源与节能", "解决磷酸锰铁锂导电性差、压实密度低等量产难题"),
        ("废旧锂电池湿法回收", "资源与环境", "提高锂、锰、钴回收率，降低酸耗"),
    ],
    "数据": [
        ("政务数据共享交换平台安全防护", "电子信息", "数据分级分类与脱敏技术，满足等保要求"),
        ("工业互联网标识解析应用", "电子信息", "面向本地制造企业的标识解析二级节点应用"),
    ],
    "软件": [("中小企业数字化转型平台", "电子信息", "面向园区企业的轻量化生产管理系统")],
    "生物": [("苗药有效成分提取纯化", "生物与新医药", "提高有效成分得率，建立质量标准")],
    "制药": [("中药材质量追溯体系", "生物与新医药", "道地药材种植到加工全过程追溯")],
    "茶": [
        ("抹茶超微粉碎与保鲜", "农产品精深加工", "提高粉体细度，延长货架期"),
        ("名优绿茶自动化加工生产线", "先进制造与自动化", "揉捻、干燥环节自动化控制"),
    ],
    "食品": [("特色农产品精深加工", "农产品精深加工", "食用菌、红薯等产品保鲜与深加工工艺")],
    "农业": [("生猪养殖粪污资源化利用", "资源与环境", "粪污发酵制有机肥，降低臭气排放")],
    "环保": [("汞污染土壤修复", "资源与环境", "历史遗留汞污染场地修复技术及效果评估")],
    "装备": [("智能化生产线改造", "先进制造与自动化", "关键工序机器人替代与在线检测")],
    "电子": [("精密电子元器件检测", "电子信息", "缺陷自动识别，提高良品率")],
    "检测": [("检测方法标准化", "高技术服务", "建立地方特色产品检测方法并申请资质")],
    "能源": [("分布式光伏与储能协同调度", "新能源与节能", "园区微电网调度与储能配置优化")],
}
_GENERIC = [("生产工艺技术升级", "", "提升产品质量、降低能耗的工艺改进")]


def _person(rng) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _demand_for(rng, ent: Enterprise) -> tuple[str, str, str]:
    for key, options in _DEMANDS.items():
        if key in ent.name:
            return rng.choice(options)
    title, _field, text = rng.choice(_GENERIC)
    return title, ent.ht_domain or "先进制造与自动化", text


def _day(rng, month: int) -> dt.date:
    return dt.date(YEAR, month, rng.randint(1, 28))


def _event(obj, unit_code: str, actor: str, at: dt.date, before: str, after: str, note: str) -> Event:
    return Event(
        at=dt.datetime.combine(at, dt.time(10), tzinfo=dt.UTC),
        actor_name=actor,
        action=EventAction.WORKFLOW,
        unit_code=unit_code,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        message=f"{before} → {after}",
        data={"from": before, "to": after, "note": note},
    )


def _follow_up(rng, month: int) -> list[str]:
    """The follow-up steps of a visit made in `month`: older visits are further along."""
    roll = rng.random()
    if month <= 7:
        return (
            []
            if roll < 0.05
            else [FollowUp.IN_PROGRESS]
            if roll < 0.2
            else [FollowUp.IN_PROGRESS, FollowUp.DONE]
        )
    if month <= 9:
        return (
            []
            if roll < 0.2
            else [FollowUp.IN_PROGRESS]
            if roll < 0.7
            else [FollowUp.IN_PROGRESS, FollowUp.DONE]
        )
    return [] if roll < 0.6 else [FollowUp.IN_PROGRESS]


def _demand_steps(rng, month: int) -> list[tuple[str, str]]:
    """(status, note) steps of a demand collected in `month`: the guide was drafted in spring."""
    roll = rng.random()
    steps: list[tuple[str, str]] = []
    if roll < 0.06:
        return [(DemandStatus.CLOSED, "企业已自行解决")]
    if month <= 6 or roll < 0.5:
        steps.append((DemandStatus.IN_GUIDE, "列入2023年度市级科技项目申报指南"))
        if month <= 5 and roll < 0.7:
            steps.append(
                (DemandStatus.MATCHED, rng.choice(["铜仁学院", "贵州大学", "松山湖材料实验室", "中南大学"]))
            )
            if month <= 4 and roll < 0.4:
                steps.append((DemandStatus.SOLVED, "项目已立项实施"))
    return steps


def _visits_and_demands(rng) -> dict[str, int]:
    units = list(Unit.objects.exclude(kind=UnitKind.CITY).order_by("order"))
    by_unit = {u.pk: list(Enterprise.objects.filter(unit=u).order_by("id")) for u in units}
    events: list[Event] = []
    visits: list[tuple[Visit, Unit]] = []
    demands = 0
    district_demands = 0
    for month in MONTHS:
        for unit in units:
            firms = by_unit[unit.pk]
            if not firms:
                continue
            low, high = VISITS.get(unit.code, DEFAULT_VISITS)
            for _ in range(rng.randint(low, high)):
                ent = rng.choice(firms)
                day = _day(rng, month)
                steps = _follow_up(rng, month)
                notes = [rng.choice(_FOLLOW_NOTES[s]) for s in steps]
                visit = Visit.objects.create(
                    enterprise=ent,
                    visited_on=day,
                    visitors=f"{unit.name}科技局 {_person(rng)}、{_person(rng)}",
                    problems=rng.choice(_PROBLEMS),
                    follow_up=steps[-1] if steps else FollowUp.OPEN,
                    follow_up_note=notes[-1] if notes else "",
                )
                visits.append((visit, unit))
                before, at = FollowUp.OPEN, day
                for step, note in zip(steps, notes, strict=True):
                    at = min(at + dt.timedelta(days=rng.randint(5, 30)), dt.date(YEAR, 12, 20))
                    events.append(_event(visit, unit.code, unit.short_name, at, before, step, note))
                    before = step
                if rng.random() < DEMAND_RATE.get(unit.code, DEFAULT_DEMAND_RATE):
                    events += _demand(rng, visit, unit, month)
                    demands += 1
                    district_demands += unit.kind == UnitKind.DISTRICT
    # The plan's 30: top up from visits in the districts that collect most, if the draw fell short.
    district_visits = [(v, u) for v, u in visits if u.kind == UnitKind.DISTRICT and u.code not in DEMAND_RATE]
    while district_demands < MIN_CITY_DEMANDS and district_visits:
        visit, unit = district_visits.pop(rng.randrange(len(district_visits)))
        if visit.demands.exists():
            continue
        events += _demand(rng, visit, unit, visit.visited_on.month)
        demands += 1
        district_demands += 1
    Event.objects.bulk_create(events, batch_size=500)
    return {"visits": len(visits), "tech_demands": demands}


def _demand(rng, visit: Visit, unit: Unit, month: int) -> list[Event]:
    title, field, description = _demand_for(rng, visit.enterprise)
    collected = visit.visited_on + dt.timedelta(days=rng.randint(0, 3))
    collected = min(collected, dt.date(YEAR, 11, 30))
    steps = _demand_steps(rng, month)
    demand = TechDemand.objects.create(
        unit=unit,
        enterprise=visit.enterprise,
        visit=visit,
        title=title,
        field=field or visit.enterprise.ht_domain or "先进制造与自动化",
        description=description,
        budget=Decimal(rng.choice([20, 30, 50, 80, 100, 150, 200, 300, 500])),
        deadline=collected + dt.timedelta(days=rng.choice([180, 365, 540, 730])),
        collected_on=collected,
        status=steps[-1][0] if steps else DemandStatus.COLLECTED,
    )
    events, before, at = [], DemandStatus.COLLECTED, collected
    for status, note in steps:
        at = min(at + dt.timedelta(days=rng.randint(10, 45)), dt.date(YEAR, 12, 20))
        events.append(_event(demand, unit.code, "staff", at, before, status, note))
        before = status
    return events


def _money(x: float) -> Decimal:
    return Decimal(f"{x:.2f}")


def _crosscheck(rng) -> dict[str, int]:
    """2022 claims and subsidies: most agree with statistics within the definitions' spread; a
    handful do not."""
    claimed = set(RdDeduction.objects.filter(year=CHECK_YEAR).values_list("enterprise_id", flat=True))
    years = list(
        EnterpriseYear.objects.filter(year=CHECK_YEAR, rd_expense__gt=0)
        .exclude(enterprise_id__in=claimed)
        .select_related("enterprise__unit")
        .order_by("enterprise_id")
    )
    rng.shuffle(years)
    claims: list[RdDeduction] = []
    subsidies: list[Subsidy] = []
    # Most claimants: the tax definition is usually a little wider than the statistical one.
    for fy in years[:70]:
        claims.append(
            RdDeduction(
                enterprise=fy.enterprise,
                year=CHECK_YEAR,
                amount=_money(float(fy.rd_expense) * rng.uniform(0.9, 1.4)),
            )
        )
    # 少统: statistics far below the claim.
    for fy in years[70:74]:
        claims.append(
            RdDeduction(
                enterprise=fy.enterprise,
                year=CHECK_YEAR,
                amount=_money(float(fy.rd_expense) * rng.uniform(2.3, 3.6)),
            )
        )
    # R&D activity subsidies to industrial firms that report R&D.
    for fy in years[74:90]:
        subsidies.append(
            Subsidy(
                enterprise=fy.enterprise,
                year=CHECK_YEAR,
                kind=SubsidyKind.RD_SUPPORT,
                amount=Decimal(rng.choice([10, 20, 30, 50])),
                granted_on=dt.date(CHECK_YEAR, rng.randint(9, 12), rng.randint(1, 28)),
                note="规上工业企业研发活动奖补",
            )
        )
    # 不统: claims R&D (or got an R&D subsidy) but reports none to statistics.
    for i, fy in enumerate(years[90:93]):
        fy.rd_expense = Decimal(0)
        fy.save(update_fields=["rd_expense", "updated"])
        if i < 2:
            claims.append(
                RdDeduction(enterprise=fy.enterprise, year=CHECK_YEAR, amount=_money(rng.uniform(30, 120)))
            )
        else:
            subsidies.append(
                Subsidy(
                    enterprise=fy.enterprise,
                    year=CHECK_YEAR,
                    kind=SubsidyKind.RD_SUPPORT,
                    amount=Decimal(20),
                    granted_on=dt.date(CHECK_YEAR, 11, 15),
                    note="规上工业企业研发活动奖补",
                )
            )
    # 漏统: two small firms founded in 2021 with no 2022 statistics row at all.
    for code, name, domain in (
        ("520621", "江口梵净新材料科技有限公司", "新材料"),
        ("520628", "松桃武陵锰业科技有限公司", "新材料"),
    ):
        unit = Unit.objects.get(code=code)
        uscc = demo_uscc(rng, code)
        while Enterprise.objects.filter(uscc=uscc).exists():
            uscc = demo_uscc(rng, code)
        ent = Enterprise.objects.create(
            uscc=uscc, name=name, unit=unit, industry="C3240", ht_domain=domain, founded=dt.date(2021, 3, 18)
        )
        EnterpriseYear.objects.create(
            enterprise=ent, year=2021, employees=28, st_staff=6, revenue=Decimal(900), rd_expense=Decimal(35)
        )
        claims.append(RdDeduction(enterprise=ent, year=CHECK_YEAR, amount=_money(rng.uniform(40, 90))))
        subsidies.append(
            Subsidy(
                enterprise=ent,
                year=CHECK_YEAR,
                kind=SubsidyKind.RD_SUPPORT,
                amount=Decimal(10),
                granted_on=dt.date(CHECK_YEAR, 12, 1),
                note="规上工业企业研发活动奖补",
            )
        )
    RdDeduction.objects.bulk_create(claims, batch_size=500)
    Subsidy.objects.bulk_create(subsidies, batch_size=500)
    follow_ups = _crosscheck_follow_ups(rng, claims, subsidies)
    return {"rd_deductions": len(claims), "rd_subsidies": len(subsidies), "crosscheck_follow_ups": follow_ups}


def _crosscheck_follow_ups(rng, claims, subsidies) -> int:
    """Two flagged firms already looked at by their districts."""
    ids = sorted({c.enterprise_id for c in claims} | {s.enterprise_id for s in subsidies})
    stats = dict(
        EnterpriseYear.objects.filter(year=CHECK_YEAR, enterprise_id__in=ids).values_list(
            "enterprise_id", "rd_expense"
        )
    )
    claim = {c.enterprise_id: c.amount for c in claims}
    subsidy = {s.enterprise_id: s.amount for s in subsidies}
    flagged = []
    for i in ids:
        finding = check(RdEvidence(i, i in stats, stats.get(i), claim.get(i), subsidy.get(i)))
        if finding.flag:
            flagged.append((i, finding.flag))
    notes = [
        (CrosscheckStatus.IN_PROGRESS, "已电话联系企业财务，正在核对研发费用归集口径"),
        (CrosscheckStatus.EXPLAINED, "差异系加计扣除含委托外部研发费用，统计口径不含，已书面说明"),
    ]
    made = 0
    for (ent_id, flag), (status, note) in zip(flagged[::3], notes, strict=False):
        ent = Enterprise.objects.select_related("unit").get(pk=ent_id)
        follow_up = CrosscheckFollowUp.objects.create(
            enterprise=ent, year=CHECK_YEAR, flag=flag, status=status, note=note
        )
        day = dt.date(YEAR, rng.randint(3, 6), rng.randint(1, 28))
        _event(follow_up, ent.unit.code, ent.unit.short_name, day, "", status, note).save()
        made += 1
    return made


def build(rng, password_hash: str | None = None) -> dict[str, int]:
    counts = _visits_and_demands(rng)
    counts.update(_crosscheck(rng))
    return counts
