"""Demo enterprises: a few hundred, plausible at Tongren's scale, three years of figures each.

Codes are synthetic but valid: "91" + the district's GB/T 2260 code + a 9-character organisation
code with a correct GB 11714 check + the GB 32100 check character."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from enterprises.models import (
    HT_DOMAINS,
    ApplicationResult,
    Enterprise,
    EnterpriseYear,
    HteApplication,
    HteCertificate,
    RdDeduction,
    Subsidy,
    SubsidyKind,
    TsmeRegistration,
)
from org.models import Unit
from rules.uscc import CHARSET, check_char

ORDER = 10

__all__ = ["ORDER", "PER_UNIT", "YEARS", "build", "demo_uscc"]

YEARS = (2020, 2021, 2022)
# Enterprises per unit: the city district has the most, zones host industry.
PER_UNIT = {"520602": 48, "520603": 30, "520602-GX": 36, "520622-DL": 26}
DEFAULT_PER_UNIT = 18

_ORG_CHARS = [c for c in CHARSET if c not in "XY"]  # keep generated codes readable
_INNER_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_PLACES = [
    "梵净",
    "锦江",
    "武陵",
    "黔东",
    "铜仁",
    "乌江",
    "九龙",
    "朱砂",
    "大兴",
    "灯塔",
    "川硐",
    "茶店",
    "谢桥",
    "滑石",
    "丹砂",
]
_TRADES = [
    ("锰业", "C3240", "新材料"),
    ("新材料", "C2613", "新材料"),
    ("锂电科技", "C3841", "新能源与节能"),
    ("大数据", "I6450", "电子信息"),
    ("软件", "I6513", "电子信息"),
    ("生物科技", "C2761", "生物与新医药"),
    ("制药", "C2740", "生物与新医药"),
    ("茶业", "C1530", ""),
    ("食品", "C1399", ""),
    ("农业科技", "A0141", ""),
    ("环保科技", "N7724", "资源与环境"),
    ("装备制造", "C3599", "先进制造与自动化"),
    ("电子", "C3982", "电子信息"),
    ("检测技术", "M7452", "高技术服务"),
    ("能源", "D4411", "新能源与节能"),
]


def demo_uscc(rng, district_code: str) -> str:
    body = [rng.choice(_ORG_CHARS) for _ in range(8)]
    total = sum(int(c, 36) * w for c, w in zip(body, _INNER_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    inner = "X" if c9 == 10 else "0" if c9 == 11 else str(c9)
    first17 = "91" + district_code + "".join(body) + inner
    return first17 + check_char(first17)


def _money(x: float) -> Decimal:
    return Decimal(f"{x:.2f}")


def build(rng, password_hash: str | None = None) -> dict[str, int]:
    years = []
    count = 0
    taken_names: set[str] = set()
    for unit in Unit.objects.exclude(kind="city").order_by("order"):
        prefix = unit.name[:2]
        for _ in range(PER_UNIT.get(unit.code, DEFAULT_PER_UNIT)):
            trade, industry, domain = rng.choice(_TRADES)
            name = f"贵州{rng.choice(_PLACES)}{trade}有限公司"
            while name in taken_names:
                name = f"{prefix}{rng.choice(_PLACES)}{rng.choice(_PLACES)}{trade}有限公司"
            taken_names.add(name)
            uscc = demo_uscc(rng, unit.code if unit.kind == "district" else unit.host.code)
            while Enterprise.objects.filter(uscc=uscc).exists():
                uscc = demo_uscc(rng, "520600")
            founded_year = rng.randint(1998, 2019)
            ent = Enterprise.objects.create(
                uscc=uscc,
                name=name,
                unit=unit,
                industry=industry,
                ht_domain=domain if domain in HT_DOMAINS else "",
                founded=f"{founded_year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                address=f"{unit.name}{rng.choice(_PLACES)}路{rng.randint(1, 300)}号",
                contact_name=rng.choice("王李张刘陈杨黄赵吴周")
                + rng.choice(["明", "华", "芳", "强", "敏", "军", "丽", "勇"]),
                contact_phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            )
            count += 1
            # Size: most are small; a few are large (revenue in 万元).
            revenue = rng.lognormvariate(7.6, 1.1)
            employees = max(8, int(revenue / rng.uniform(35, 80)))
            tech = bool(domain) and rng.random() < 0.75
            for i, year in enumerate(YEARS):
                growth = rng.uniform(0.88, 1.30)
                rev = revenue * growth ** (i - 2)
                emp = max(5, int(employees * (0.92 + 0.04 * i)))
                rd_share = rng.uniform(0.025, 0.08) if tech else rng.uniform(0.0, 0.025)
                rd = rev * rd_share
                years.append(
                    EnterpriseYear(
                        enterprise=ent,
                        year=year,
                        employees=emp,
                        st_staff=int(emp * (rng.uniform(0.08, 0.35) if tech else rng.uniform(0.0, 0.12))),
                        revenue=_money(rev),
                        total_income=_money(rev * rng.uniform(1.0, 1.06)),
                        total_cost=_money(rev * rng.uniform(0.7, 0.97)),
                        total_assets=_money(rev * rng.uniform(0.8, 2.5)),
                        net_assets=_money(rev * rng.uniform(0.3, 1.2)),
                        rd_expense=_money(rd),
                        rd_domestic=_money(rd * rng.uniform(0.7, 1.0)),
                        ht_income=_money(rev * (rng.uniform(0.5, 0.9) if tech else rng.uniform(0.0, 0.3))),
                        ip_class1=rng.choice([0, 0, 0, 1, 2]) if tech else 0,
                        ip_class2=rng.randint(0, 12) if tech else rng.randint(0, 2),
                        transformations=rng.randint(0, 6) if tech else 0,
                    )
                )
    EnterpriseYear.objects.bulk_create(years, batch_size=500)
    counts = {"enterprises": count, "enterprise_years": len(years)}
    counts.update(_status_history(rng))
    from enterprises import demo_engagement

    counts.update(demo_engagement.build(rng, password_hash))
    return counts


def _day(rng, year: int, first_month: int = 1, last_month: int = 12) -> dt.date:
    return dt.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))


def _status_history(rng) -> dict[str, int]:
    """Certificates, applications, registrations, subsidies and claims for a 2023 campaign:
    about 30 HTE applications with 18 recognitions city-wide, 35 tech-SME registrations, and a
    pool derived from them and evaluated."""
    from enterprises.services.evaluation import pool_evaluate
    from enterprises.services.pool import pool_derive

    tech = list(Enterprise.objects.exclude(ht_domain="").order_by("id"))
    others = list(Enterprise.objects.filter(ht_domain="").order_by("id"))
    rng.shuffle(tech)
    certs = apps = regs = subsidies = claims = 0
    # Certificates issued 2019–2021: some expire in 2022 or 2023 (re-recognition, expired).
    for i, ent in enumerate(tech[:45]):
        issued = _day(rng, 2019 + i % 3, 10, 12)
        HteCertificate.objects.create(
            enterprise=ent,
            number=f"GR{issued.year}52{i + 1:06d}",
            issued=issued,
            expires=issued.replace(year=issued.year + 3),
        )
        certs += 1
    # 2022 applicants: a few failed and come back through the pool.
    for ent in tech[45:60]:
        failed = rng.random() < 0.4
        HteApplication.objects.create(
            enterprise=ent,
            year=2022,
            applied_on=_day(rng, 2022, 5, 7),
            result=ApplicationResult.FAILED if failed else ApplicationResult.RECOGNIZED,
            result_on=_day(rng, 2022, 11, 12),
        )
        apps += 1
    # 2023: applications filed May–August; results in November–December for most.
    for n, ent in enumerate(tech[60:88]):
        result = ApplicationResult.RECOGNIZED if n % 3 != 2 else ApplicationResult.FAILED
        decided = n < 24
        HteApplication.objects.create(
            enterprise=ent,
            year=2023,
            applied_on=_day(rng, 2023, 5, 8),
            result=result if decided else ApplicationResult.PENDING,
            result_on=_day(rng, 2023, 11, 12) if decided else None,
        )
        apps += 1
    for n, ent in enumerate([*tech[88:118], *others[:8]]):
        TsmeRegistration.objects.create(
            enterprise=ent,
            year=2023,
            number=f"2023{ent.unit.code[:6]}A{n:07d}",
            registered_on=_day(rng, 2023, 3, 10),
        )
        regs += 1
    for ent in [*tech[118:140], *others[8:20]]:
        Subsidy.objects.create(
            enterprise=ent,
            year=2022,
            kind=SubsidyKind.RD_SUPPORT,
            amount=_money(rng.uniform(5, 60)),
            granted_on=_day(rng, 2022, 9, 12),
        )
        subsidies += 1
        if rng.random() < 0.8:
            # The tax claim follows the firm's R&D (the definitions differ, national-rules §3), so
            # the cross-check flags only a handful of real gaps.
            stats = (
                EnterpriseYear.objects.filter(enterprise=ent, year=2022)
                .values_list("rd_expense", flat=True)
                .first()
            )
            base = float(stats) if stats else rng.uniform(20, 200)
            RdDeduction.objects.create(enterprise=ent, year=2022, amount=_money(base * rng.uniform(0.9, 1.4)))
            claims += 1
    pool = pool_derive(actor=None, year=2023)
    evaluated = pool_evaluate(actor=None, year=2023)
    return {
        "hte_certificates": certs,
        "hte_applications": apps,
        "tsme_registrations": regs,
        "subsidies": subsidies,
        "rd_deductions": claims,
        "pool_members": pool["members"],
        "pool_evaluated": evaluated["members"],
    }
