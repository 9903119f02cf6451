"""Demo platforms, cooperation and investment for 2021–2023, near the plan's 2023 targets (city
platforms 3, investment attracted 0.5亿元), and progress on the high-tech-zone checklist. Rows are
filed under districts: the city figure sums the 10 districts only (CONTRACTS.md "Units")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from enterprises.models import Enterprise
from org.models import Unit
from platforms.models import (
    ChecklistStatus,
    CooperationAgreement,
    CooperationProject,
    EvaluationResult,
    Investment,
    PartnerKind,
    Platform,
    PlatformEvaluation,
    PlatformKind,
    PlatformLevel,
    Programme,
    ProjectStatus,
    ZoneChecklistItem,
)

ORDER = 45

__all__ = ["INVESTMENT_2023", "ORDER", "PLATFORMS", "build"]

# (name, kind, level, unit, host institution or "" for a registry enterprise, approval date, field)
PLATFORMS = [
    (
        "铜仁市锰系新型功能材料重点实验室",
        PlatformKind.KEY_LAB,
        PlatformLevel.CITY,
        "520602",
        "铜仁学院",
        dt.date(2021, 9, 15),
        "新型功能材料",
    ),
    (
        "铜仁市生态茶产业技术创新中心",
        PlatformKind.INNOVATION_CENTRE,
        PlatformLevel.CITY,
        "520621",
        "",
        dt.date(2022, 6, 20),
        "茶产业",
    ),
    (
        "铜仁市汞污染治理工程技术研究中心",
        PlatformKind.ENGINEERING_CENTRE,
        PlatformLevel.CITY,
        "520603",
        "",
        dt.date(2022, 10, 12),
        "资源与环境",
    ),
    (
        "贵州省锰系新型功能材料产业研究院",
        PlatformKind.INDUSTRY_INSTITUTE,
        PlatformLevel.PROVINCIAL,
        "520602",
        "铜仁学院",
        dt.date(2022, 11, 30),
        "新型功能材料",
    ),
    (
        "铜仁市锂电池正负极材料技术创新中心",
        PlatformKind.INNOVATION_CENTRE,
        PlatformLevel.CITY,
        "520622",
        "",
        dt.date(2023, 5, 18),
        "锂电新材料",
    ),
    (
        "铜仁市特色农产品精深加工工程技术研究中心",
        PlatformKind.ENGINEERING_CENTRE,
        PlatformLevel.CITY,
        "520624",
        "",
        dt.date(2023, 8, 9),
        "农产品精深加工",
    ),
    (
        "铜仁松山湖新型功能材料研究院",
        PlatformKind.NEW_RD,
        PlatformLevel.CITY,
        "520602",
        "松山湖材料实验室、铜仁学院",
        dt.date(2023, 11, 22),
        "新型功能材料",
    ),
    (
        "铜仁市钾资源综合利用重点实验室",
        PlatformKind.KEY_LAB,
        PlatformLevel.CITY,
        "520627",
        "铜仁职业技术学院",
        None,
        "钾资源综合利用",
    ),
]

# (title, partner, kind, programme, unit, signed, projects)
AGREEMENTS = [
    (
        "铜仁市人民政府—中南大学科技合作协议",
        "中南大学",
        PartnerKind.UNIVERSITY,
        Programme.GENERAL,
        "520602",
        dt.date(2021, 4, 8),
        ["电解锰渣无害化处理与资源化利用技术研究", "低品位碳酸锰矿制备电池级锰系材料技术研究"],
    ),
    (
        "铜仁市—贵州大学产学研合作协议",
        "贵州大学",
        PartnerKind.UNIVERSITY,
        Programme.GENERAL,
        "520603",
        dt.date(2022, 3, 16),
        ["汞化工固体废弃物综合利用技术攻关"],
    ),
    (
        "东莞—铜仁东西部科技协作框架协议",
        "东莞市科学技术局",
        PartnerKind.CITY,
        Programme.DONGGUAN,
        "520602",
        dt.date(2022, 5, 26),
        ["广东研发+铜仁转化:锂电正极材料中试", "智能终端关键部件产业化"],
    ),
    (
        "苏铜科技合作项目协议",
        "苏州市科学技术局",
        PartnerKind.CITY,
        Programme.SUZHOU,
        "520622",
        dt.date(2023, 4, 12),
        ["苏铜共建科技成果转移转化服务平台"],
    ),
    (
        "松山湖材料实验室离岸孵化基地共建协议",
        "松山湖材料实验室",
        PartnerKind.INSTITUTE,
        Programme.OFFSHORE,
        "520602",
        dt.date(2023, 7, 6),
        ["锰系新型功能材料离岸孵化项目", "成果转移转化中心建设"],
    ),
]

# 招商到位资金 (万元) by year: (project, amount, month, unit, investor, chain)
INVESTMENT_2023 = [
    (
        "锂电池正极材料前驱体生产线",
        Decimal("1800"),
        3,
        "520622",
        "广东某新能源科技有限公司",
        "锂电池正负极材料",
    ),
    ("锰精深加工技术改造项目", Decimal("950"), 5, "520603", "湖南某锰业集团", "锰精深加工"),
    ("钾长石综合利用中试线", Decimal("620"), 6, "520627", "贵州某矿业公司", "钾资源开发利用"),
    ("电解锰渣资源化利用示范线", Decimal("780"), 8, "520603", "深圳某环保科技公司", "锰精深加工"),
    ("高纯硫酸锰生产项目", Decimal("560"), 10, "520602", "东莞某材料科技公司", "锰精深加工"),
    ("负极材料石墨化加工项目", Decimal("430"), 12, "520622", "江西某碳素公司", "锂电池正负极材料"),
]
INVESTMENT_2022 = [
    ("锰系材料中试基地", Decimal("1200"), 4, "520602", "东莞某投资公司", "锰精深加工"),
    ("锂电池回收利用项目", Decimal("900"), 7, "520622", "广东某循环科技公司", "锂电池正负极材料"),
    ("钾资源勘查与综合利用", Decimal("1500"), 11, "520627", "贵州某地勘单位", "钾资源开发利用"),
]

# Checklist progress in the demo: (status, done_on, progress) by item order.
CHECKLIST_PROGRESS = {
    1: (ChecklistStatus.DONE, dt.date(2023, 3, 20), "专班已组建并实行周调度。"),
    2: (ChecklistStatus.IN_PROGRESS, None, "工作方案任务已分解到各责任部门。"),
    3: (ChecklistStatus.DONE, dt.date(2023, 4, 25), "已通过比选确定第三方规划编制与评价机构。"),
    4: (ChecklistStatus.IN_PROGRESS, None, "发展规划初稿已完成，正在征求意见。"),
    5: (ChecklistStatus.IN_PROGRESS, None, "产业规划完成调研。"),
    6: (ChecklistStatus.NOT_STARTED, None, ""),
    7: (ChecklistStatus.IN_PROGRESS, None, "已对照评价指标开展自评，数据收集中。"),
}


def build(rng, password_hash: str | None = None) -> dict[str, int]:
    units = {u.code: u for u in Unit.objects.all()}
    if not units:
        return {}
    by_unit: dict[int, list[Enterprise]] = {}
    for e in Enterprise.objects.order_by("id"):
        by_unit.setdefault(e.unit_id, []).append(e)

    def enterprise_in(code: str) -> Enterprise | None:
        local = by_unit.get(units[code].pk)
        return rng.choice(local) if local else None

    platforms = []
    for name, kind, level, code, host, approved, field in PLATFORMS:
        host_enterprise = None if host else enterprise_in(code)
        platforms.append(
            Platform.objects.create(
                name=name,
                kind=kind,
                level=level,
                unit=units[code],
                host_enterprise=host_enterprise,
                host_name=host or ("" if host_enterprise else "铜仁市示范企业"),
                partners="铜仁学院\n贵州大学"
                if kind != PlatformKind.NEW_RD
                else "松山湖材料实验室\n铜仁学院",
                field=field,
                status="approved" if approved else "cultivating",
                approved_on=approved,
                approval_document=f"铜市科通〔{approved.year}〕{rng.randint(10, 90)}号" if approved else "",
                description=f"围绕{field}开展关键技术攻关、成果转化和人才培养。",
            )
        )
    evaluations = [
        PlatformEvaluation(
            platform=p,
            year=year,
            result=rng.choice(
                [
                    EvaluationResult.EXCELLENT,
                    EvaluationResult.GOOD,
                    EvaluationResult.GOOD,
                    EvaluationResult.PASS,
                ]
            ),
            evaluated_on=dt.date(year + 1, 3, 15),
        )
        for p in platforms
        if p.approved_on
        for year in range(p.approved_on.year + 1, 2023)
    ]
    PlatformEvaluation.objects.bulk_create(evaluations)

    projects = 0
    for title, partner, kind, programme, code, signed, project_titles in AGREEMENTS:
        agreement = CooperationAgreement.objects.create(
            title=title,
            partner=partner,
            partner_kind=kind,
            programme=programme,
            unit=units[code],
            signed_on=signed,
            expires_on=dt.date(signed.year + 5, signed.month, signed.day),
            content="围绕新型功能材料、大数据、先进装备制造等领域开展科技合作与成果转化。",
        )
        for i, project_title in enumerate(project_titles):
            ent = enterprise_in(code)
            CooperationProject.objects.create(
                agreement=agreement,
                title=project_title,
                enterprise=ent,
                undertaker="" if ent else "铜仁学院",
                started_on=signed + dt.timedelta(days=60 + 30 * i),
                funding=Decimal(rng.choice([50, 80, 120, 200])),
                status=ProjectStatus.COMPLETED if signed.year < 2022 else ProjectStatus.ONGOING,
            )
            projects += 1

    investments = []
    for year, rows in ((2022, INVESTMENT_2022), (2023, INVESTMENT_2023)):
        for project, amount, month, code, investor, chain in rows:
            investments.append(
                Investment(
                    project=project,
                    amount=amount,
                    received_on=dt.date(year, month, rng.randint(5, 25)),
                    unit=units[code],
                    investor=investor,
                    enterprise=enterprise_in(code),
                    chain=chain,
                )
            )
    Investment.objects.bulk_create(investments)

    zone = units.get("520602-GX")
    for item in ZoneChecklistItem.objects.all():
        status, done_on, progress = CHECKLIST_PROGRESS.get(
            item.order, (ChecklistStatus.NOT_STARTED, None, "")
        )
        item.unit, item.status, item.done_on, item.progress = zone, status, done_on, progress
        item.save()
    return {
        "platforms": len(platforms),
        "platform_evaluations": len(evaluations),
        "cooperation_agreements": len(AGREEMENTS),
        "cooperation_projects": projects,
        "investments": len(investments),
    }
