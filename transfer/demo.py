"""Demo contracts, transformation projects and award applications for 2022–2023, at Tongren's
scale: the ten districts registered about 17亿元 of technology contracts in 2022 and land a little
short of the 21亿元 target in 2023 (about 19.6亿元), the zones register on top of that. A few
contracts are on the follow-up list (signed, not yet registered), a few were refused, and one is
entered twice so the duplicate warning has something to show."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from enterprises.demo import demo_uscc
from enterprises.models import Enterprise
from org.models import Unit
from rules.uscc import check_char
from transfer.models import (
    SUB_KINDS,
    AwardApplication,
    AwardCategory,
    AwardGrade,
    AwardResult,
    ContractStatus,
    ContractType,
    ProjectLevel,
    ProjectStatus,
    RefusalReason,
    TechContract,
    Top10Nomination,
    Top10Status,
    TransferProject,
)

ORDER = 45

__all__ = ["CITY_TOTAL", "ORDER", "build"]

# The ten districts' registered contract value by year (万元); zones add ZONE_TOTAL on top.
CITY_TOTAL = {2022: 172_000, 2023: 196_000}
ZONE_TOTAL = {"520602-GX": {2022: 11_000, 2023: 15_000}, "520622-DL": {2022: 6_000, 2023: 8_000}}
SHARES = {
    "520602": 0.27,
    "520603": 0.11,
    "520621": 0.05,
    "520622": 0.08,
    "520623": 0.06,
    "520624": 0.10,
    "520625": 0.06,
    "520626": 0.08,
    "520627": 0.06,
    "520628": 0.13,
}
CONTRACTS_PER_YEAR = 260  # ten districts; zones add some 30
# Registrations by month (a slow start, a half-year push and a strong fourth quarter).
MONTH_WEIGHTS = [4, 4, 7, 7, 8, 11, 7, 7, 9, 9, 11, 16]
TYPE_WEIGHTS = [
    (ContractType.SERVICE, 44),
    (ContractType.DEVELOPMENT, 30),
    (ContractType.CONSULTING, 11),
    (ContractType.TRANSFER, 10),
    (ContractType.LICENCE, 5),
]
INSTITUTIONS = [
    ("铜仁学院", "520602"),
    ("铜仁职业技术学院", "520602"),
    ("铜仁市农业科学研究院", "520602"),
    ("铜仁市林业科学研究所", "520602"),
    ("贵州省铜仁市农业技术推广站", "520602"),
]
_BUYER_PLACES = ["贵州", "贵阳", "遵义", "湖南", "重庆", "四川", "广东", "浙江", "江苏", "湖北"]
_BUYER_WORDS = [
    "恒达",
    "远景",
    "宏泰",
    "华信",
    "新源",
    "金石",
    "瑞丰",
    "永盛",
    "中科",
    "博远",
    "鑫达",
    "天成",
]
_BUYER_TRADES = [
    "新材料",
    "锰业",
    "电池材料",
    "生物科技",
    "茶业",
    "食品",
    "环保科技",
    "能源",
    "智能装备",
    "农业开发",
]
_TECHS = [
    "电解锰渣无害化处理与资源化利用",
    "高纯硫酸锰制备",
    "磷酸锰铁锂正极材料",
    "抹茶精深加工",
    "油茶籽油冷榨",
    "黄精林下仿野生种植",
    "食用菌工厂化栽培",
    "汞污染农田土壤修复",
    "绿色汞触媒回收",
    "生猪健康养殖与粪污资源化",
    "中药材(天麻)标准化种植",
    "锂电池隔膜涂覆",
    "大数据智慧农业平台",
    "新型固废基墙体材料",
    "红薯粉条自动化生产",
]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何罗郑梁"
_GIVEN = ["明", "华", "芳", "强", "敏", "军", "丽", "勇", "静", "涛", "燕", "磊"]
_FOLLOW_NOTES = [
    "已联系企业，合同文本待盖章后登记",
    "企业对登记政策不了解，已上门宣讲，约定下周提交",
    "买方为省外企业，正在补充技术合同附件",
    "合同已签订，待首笔款项到账后申请登记",
    "已指导企业在全国技术合同管理与服务系统注册",
]


def _money(x: float) -> Decimal:
    return Decimal(f"{x:.2f}")


def _weighted(rng, pairs):
    total = sum(w for _v, w in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def _day_in(rng, year: int, month: int) -> dt.date:
    return dt.date(year, month, rng.randint(1, 28))


def _person(rng) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(["", rng.choice(_GIVEN)])


def _institution_uscc(rng, district: str) -> str:
    """A valid code of a public institution (事业单位, registration authority 12)."""
    first17 = "12" + demo_uscc(rng, district)[2:17]
    return first17 + check_char(first17)


def _buyer(rng) -> str:
    return f"{rng.choice(_BUYER_PLACES)}{rng.choice(_BUYER_WORDS)}{rng.choice(_BUYER_TRADES)}有限公司"


def _sellers(rng, units) -> dict[str, list[tuple[str, str]]]:
    """(code, name) of possible sellers per unit: its enterprises in high-tech domains first, and
    the city's colleges and institutes in 碧江区."""
    out: dict[str, list[tuple[str, str]]] = {}
    for unit in units:
        tech = list(
            Enterprise.objects.filter(unit=unit)
            .exclude(ht_domain="")
            .order_by("id")
            .values_list("uscc", "name")
        )
        other = list(
            Enterprise.objects.filter(unit=unit, ht_domain="").order_by("id").values_list("uscc", "name")[:5]
        )
        out[unit.code] = tech + other or [(_institution_uscc(rng, "520600"), f"{unit.name}科技服务中心")]
    for name, code in INSTITUTIONS:
        if code in out:
            out[code].append((_institution_uscc(rng, code), name))
    return out


def _contracts(rng, units) -> tuple[list[TechContract], int]:
    sellers = _sellers(rng, units)
    contracts: list[TechContract] = []
    serial: dict[tuple[int, str], int] = {}
    for year in CITY_TOTAL:
        # Each district's year differs from its usual share; the ten still add up to the city total.
        spread = {code: share * rng.uniform(0.8, 1.2) for code, share in SHARES.items()}
        norm = sum(spread.values())
        for unit in units:
            host = unit.host.code if unit.host_id else unit.code
            if unit.kind == "district":
                total = CITY_TOTAL[year] * spread[unit.code] / norm
                n = max(6, round(CONTRACTS_PER_YEAR * SHARES[unit.code] * rng.uniform(0.9, 1.1)))
            else:
                total = ZONE_TOTAL.get(unit.code, {}).get(year, 3_000) * rng.uniform(0.9, 1.1)
                n = rng.randint(12, 18)
            draws = [rng.lognormvariate(0, 1.25) for _ in range(n)]
            scale = total / sum(draws)
            for draw in draws:
                value = _money(max(1.0, draw * scale))
                ctype = _weighted(rng, TYPE_WEIGHTS)
                month = _weighted(rng, list(zip(range(1, 13), MONTH_WEIGHTS, strict=True)))
                registered = _day_in(rng, year, month)
                signed = registered - dt.timedelta(days=rng.randint(6, 75))
                share = (
                    rng.uniform(0.92, 1.0)
                    if ctype in (ContractType.SERVICE, ContractType.CONSULTING)
                    else rng.uniform(0.55, 0.95)
                )
                code, name = rng.choice(sellers[unit.code])
                key = (year, host)
                serial[key] = serial.get(key, 0) + 1
                contracts.append(
                    TechContract(
                        status=ContractStatus.REGISTERED,
                        registration_no=f"{year}{host}{serial[key]:06d}",
                        seller_uscc=code,
                        seller_name=name,
                        buyer_name=_buyer(rng),
                        title=f"{rng.choice(_TECHS)}{ctype[2:]}合同",
                        type=ctype,
                        sub_kind=rng.choice(SUB_KINDS[ctype]),
                        contract_value=value,
                        tech_value=(value * Decimal(f"{share:.4f}")).quantize(Decimal("0.01"), ROUND_DOWN),
                        signed=signed,
                        valid_until=signed + dt.timedelta(days=365 * rng.choice([1, 1, 2, 3])),
                        registered=registered,
                        unit=unit,
                    )
                )
    # The same contract entered twice under two numbers (the duplicate warning's example).
    original = next(c for c in reversed(contracts) if c.unit.code == "520624" and c.registered.year == 2023)
    serial[(2023, "520624")] += 1
    twin = TechContract(
        **{
            f.attname: getattr(original, f.attname)
            for f in TechContract._meta.concrete_fields
            if f.name != "id"
        }
    )
    twin.registration_no = f"2023520624{serial[(2023, '520624')]:06d}"
    twin.registered = min(original.registered + dt.timedelta(days=9), dt.date(2023, 12, 31))
    contracts.append(twin)
    followups = 0
    for unit in units:
        if unit.kind != "district":
            continue
        # Signed late in 2023 and not yet registered: the follow-up list.
        for _ in range(rng.randint(1, 4)):
            code, name = rng.choice(sellers[unit.code])
            ctype = _weighted(rng, TYPE_WEIGHTS)
            signed = _day_in(rng, 2023, rng.randint(9, 12))
            value = _money(rng.lognormvariate(4.2, 1.0))
            contracts.append(
                TechContract(
                    status=ContractStatus.SIGNED_UNREGISTERED,
                    seller_uscc=code,
                    seller_name=name,
                    buyer_name=_buyer(rng),
                    title=f"{rng.choice(_TECHS)}{ctype[2:]}合同",
                    type=ctype,
                    sub_kind=rng.choice(SUB_KINDS[ctype]),
                    contract_value=value,
                    tech_value=(value * Decimal("0.9")).quantize(Decimal("0.01"), ROUND_DOWN),
                    signed=signed,
                    valid_until=signed + dt.timedelta(days=rng.choice([90, 180, 365, 730])),
                    unit=unit,
                    follow_up_owner=_person(rng),
                    follow_up_note=rng.choice(_FOLLOW_NOTES),
                )
            )
            followups += 1
    # Refused registrations (未予登记), with their grounds.
    for unit in rng.sample([u for u in units if u.kind == "district"], 5):
        code, name = rng.choice(sellers[unit.code])
        signed = _day_in(rng, 2023, rng.randint(2, 10))
        value = _money(rng.lognormvariate(3.5, 0.8))
        contracts.append(
            TechContract(
                status=ContractStatus.NOT_REGISTERED,
                seller_uscc=code,
                seller_name=name,
                buyer_name=_buyer(rng),
                type=ContractType.SERVICE,
                sub_kind=rng.choice(SUB_KINDS[ContractType.SERVICE]),
                contract_value=value,
                tech_value=value,
                signed=signed,
                unit=unit,
                refusal_reason=rng.choice(
                    [
                        RefusalReason.NOT_TECH,
                        RefusalReason.PROOFS_MISSING,
                        RefusalReason.SEALS,
                        RefusalReason.UNCLEAR_TERMS,
                    ]
                ),
                note="一般性员工技能培训，不属于技术培训" if rng.random() < 0.4 else "",
            )
        )
    known = dict(
        Enterprise.objects.filter(uscc__in={c.seller_uscc for c in contracts}).values_list("uscc", "pk")
    )
    for c in contracts:
        c.seller_id = known.get(c.seller_uscc)
    TechContract.objects.bulk_create(contracts, batch_size=500)
    return contracts, followups


def _applicant(rng, unit):
    ent = Enterprise.objects.filter(unit=unit).exclude(ht_domain="").order_by("id")
    count = ent.count()
    if count and rng.random() < 0.8:
        e = ent[rng.randrange(count)]
        return e, e.name
    return None, rng.choice(INSTITUTIONS)[0]


def _projects(rng, districts) -> int:
    rows = []
    for year, n in ((2022, 17), (2023, 23)):
        for _ in range(n):
            unit = rng.choice(districts)
            enterprise, applicant = _applicant(rng, unit)
            applied = _day_in(rng, year, rng.choice([3, 4, 4, 5, 9, 10]))
            decided = applied + dt.timedelta(days=rng.randint(60, 120))
            if year == 2023 and applied.month >= 9:
                status, decided = ProjectStatus.APPLIED, None
            else:
                status = _weighted(
                    rng,
                    [
                        (ProjectStatus.APPROVED, 60),
                        (ProjectStatus.NOT_APPROVED, 35),
                        (ProjectStatus.WITHDRAWN, 5),
                    ],
                )
                if status == ProjectStatus.WITHDRAWN:
                    decided = None
            rows.append(
                TransferProject(
                    unit=unit,
                    title=f"{rng.choice(_TECHS)}技术成果转化及产业化",
                    applicant_name=applicant,
                    enterprise=enterprise,
                    partner=rng.choice(
                        ["铜仁学院", "贵州大学", "贵州省科学院", "中南大学", "贵州师范大学", ""]
                    ),
                    industry=rng.choice(
                        ["锰及锰加工", "新能源电池材料", "生态特色食品", "大健康医药", "现代山地农业"]
                    ),
                    level=ProjectLevel.PROVINCIAL if rng.random() < 0.6 else ProjectLevel.CITY,
                    applied_on=applied,
                    status=status,
                    decided_on=decided,
                    funding=_money(rng.choice([20, 30, 50, 80, 100]))
                    if status == ProjectStatus.APPROVED
                    else None,
                )
            )
    TransferProject.objects.bulk_create(rows)
    return len(rows)


def _awards(rng, districts) -> int:
    plan = {
        2022: [
            (AwardCategory.PROGRESS, AwardResult.AWARDED, AwardGrade.THIRD),
            (AwardCategory.PROGRESS, AwardResult.NOT_AWARDED, ""),
            (AwardCategory.INVENTION, AwardResult.NOT_AWARDED, ""),
            (AwardCategory.NATURAL_SCIENCE, AwardResult.NOT_AWARDED, ""),
        ],
        2023: [
            (AwardCategory.PROGRESS, AwardResult.AWARDED, AwardGrade.SECOND),
            (AwardCategory.PROGRESS, AwardResult.AWARDED, AwardGrade.THIRD),
            (AwardCategory.PROGRESS, AwardResult.NOT_AWARDED, ""),
            (AwardCategory.INVENTION, AwardResult.NOT_AWARDED, ""),
            (AwardCategory.NATURAL_SCIENCE, AwardResult.PENDING, ""),
            (AwardCategory.PROGRESS, AwardResult.NOT_AWARDED, ""),
        ],
    }
    rows = []
    for year, entries in plan.items():
        for category, result, grade in entries:
            unit = rng.choice(districts)
            enterprise, lead = _applicant(rng, unit)
            if category == AwardCategory.NATURAL_SCIENCE:
                enterprise, lead = None, "铜仁学院"
            rows.append(
                AwardApplication(
                    unit=unit,
                    title=f"{rng.choice(_TECHS)}关键技术研究与应用",
                    lead_org=lead,
                    enterprise=enterprise,
                    category=category,
                    year=year,
                    applied_on=_day_in(rng, year, rng.choice([3, 4])),
                    result=result,
                    grade=grade,
                    result_on=_day_in(rng, year, 12) if result != AwardResult.PENDING else None,
                )
            )
    AwardApplication.objects.bulk_create(rows)
    return len(rows)


def _top10(rng, districts) -> int:
    wanshan = next(d for d in districts if d.code == "520603")
    holder = Enterprise.objects.filter(unit=wanshan).exclude(ht_domain="").order_by("id").first()
    rows = [
        Top10Nomination(
            unit=rng.choice(districts),
            title="电解锰渣全量资源化利用技术",
            holder="铜仁学院",
            year=2022,
            nominated_on=dt.date(2022, 6, rng.randint(1, 28)),
            status=Top10Status.NOT_SELECTED,
        ),
        Top10Nomination(
            unit=wanshan,
            title="高性能磷酸锰铁锂正极材料制备技术",
            holder=holder.name if holder else "铜仁学院",
            enterprise=holder,
            year=2023,
            nominated_on=dt.date(2023, 6, rng.randint(1, 28)),
            status=Top10Status.SELECTED,
            selected_on=dt.date(2023, 12, rng.randint(1, 28)),
        ),
        Top10Nomination(
            unit=rng.choice(districts),
            title="梵净山抹茶品质提升关键技术",
            holder="铜仁市农业科学研究院",
            year=2023,
            nominated_on=dt.date(2023, 6, rng.randint(1, 28)),
            status=Top10Status.NOT_SELECTED,
        ),
    ]
    Top10Nomination.objects.bulk_create(rows)
    return len(rows)


def build(rng, password_hash: str | None = None) -> dict[str, int]:
    units = list(Unit.objects.exclude(kind="city").select_related("host").order_by("order"))
    districts = [u for u in units if u.kind == "district"]
    contracts, followups = _contracts(rng, units)
    return {
        "tech_contracts": len(contracts),
        "contracts_to_follow_up": followups,
        "transfer_projects": _projects(rng, districts),
        "award_applications": _awards(rng, districts),
        "top10_nominations": _top10(rng, districts),
    }
