"""Demo talent registry: people with valid synthetic ID numbers (some with the old 5222xx Tongren
codes), the expert pool linked to the expert1 … expert9 accounts, designations, PhD projects,
school–enterprise agreements and the commissioners with their service logs, for 2022 and 2023 at
about the plan's 2023 targets (key talent 1, social talent 100, PhDs 2, PhD projects 3, school–
enterprise 1, commissioners 80 person-times)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from enterprises.models import Enterprise
from org.models import Unit, User
from rules.idnumber import OLD_TONGREN, check_char
from talent.models import (
    AgreementStatus,
    Assignment,
    DeclaredConflict,
    Designation,
    DesignationCategory,
    Education,
    Person,
    PhdProject,
    PhdProjectStatus,
    PlaceKind,
    SchoolEnterpriseAgreement,
    ServiceLog,
)

ORDER = 40

__all__ = ["ORDER", "PER_YEAR", "build", "demo_id_number"]

# Designations, projects, agreements and commissioner assignments per year.
PER_YEAR = {
    2022: {
        "key": 1,
        "social": 88,
        "phd": 3,
        "team": 4,
        "phd_projects": 2,
        "agreements": 2,
        "commissioners": 74,
    },
    2023: {
        "key": 1,
        "social": 97,
        "phd": 2,
        "team": 6,
        "phd_projects": 3,
        "agreements": 1,
        "commissioners": 80,
    },
}
EXPERT_ACCOUNTS = 9
OTHER_EXPERTS = 21

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗田龙杜冉向肖姚彭蒋舒"
_GIVEN = "明华芳强敏军丽勇静涛燕杰磊娟超霞平刚红英兰峰林波洪梅春秀云飞建国志"
_FIELDS = [
    "新型功能材料",
    "锰系材料",
    "锂电新材料",
    "绿色汞化工",
    "大数据",
    "现代能源",
    "茶产业",
    "中药材",
    "生态畜牧",
    "食用菌",
    "精品水果",
    "蔬菜",
    "油茶",
    "生态渔业",
    "大健康",
    "农产品精深加工",
]
_ORGS = [
    "铜仁学院",
    "铜仁职业技术学院",
    "铜仁市农业科学研究院",
    "铜仁市林业科学研究所",
    "铜仁市人民医院",
    "贵州大学",
    "中南大学",
    "贵州省农业科学院",
    "铜仁市畜牧水产技术推广站",
    "铜仁市农业技术推广站",
]
_TITLES = [
    "教授",
    "副教授",
    "研究员",
    "副研究员",
    "高级工程师",
    "工程师",
    "高级农艺师",
    "农艺师",
    "高级畜牧师",
    "讲师",
]
_SOCIAL_ORGS = [
    "人民医院",
    "第一中学",
    "农业农村局",
    "疾病预防控制中心",
    "职业中学",
    "林业局",
    "文化馆",
    "中医院",
]
_SOCIAL_TITLES = [
    "主任医师",
    "副主任医师",
    "高级教师",
    "一级教师",
    "高级农艺师",
    "农艺师",
    "副研究馆员",
    "工程师",
]
# Towns served by commissioners, by district.
_TOWNS = {
    "520602": ["川硐街道", "滑石乡", "坝黄镇", "和平乡", "瓦屋乡"],
    "520603": ["谢桥街道", "茶店街道", "大坪乡", "鱼塘乡", "黄道乡"],
    "520621": ["太平镇", "怒溪镇", "闵孝镇", "桃映镇"],
    "520622": ["朱家场镇", "田坪镇", "新店镇", "大龙街道"],
    "520623": ["本庄镇", "龙塘镇", "白沙镇", "花桥镇"],
    "520624": ["塘头镇", "许家坝镇", "鹦鹉溪镇", "大河坝镇"],
    "520625": ["木黄镇", "合水镇", "新寨镇", "天堂镇"],
    "520626": ["煎茶镇", "潮砥镇", "复兴镇", "共和镇"],
    "520627": ["官舟镇", "中界镇", "黑水镇", "泉坝镇"],
    "520628": ["盘信镇", "孟溪镇", "大兴街道", "乌罗镇"],
}
_VILLAGE_WORDS = ["坪", "坝", "寨", "湾", "溪", "岭", "冲", "塘", "山", "坡"]
_WORK = [
    "茶园病虫害绿色防控现场指导",
    "食用菌栽培技术培训",
    "生猪养殖防疫技术指导",
    "精品水果修剪与疏果示范",
    "中药材规范化种植培训",
    "企业工艺改进与技术难题诊断",
    "蔬菜基地水肥一体化技术推广",
    "油茶低产林改造技术指导",
    "稻渔综合种养技术培训",
    "科技政策宣讲与项目申报辅导",
]
_DISTRICT_WEIGHTS = {
    "520602": 16,
    "520603": 10,
    "520621": 8,
    "520622": 8,
    "520623": 8,
    "520624": 10,
    "520625": 9,
    "520626": 9,
    "520627": 10,
    "520628": 12,
}
_OTHER_PROVINCES = ["430105", "510107", "420111", "610113", "500106", "360102"]


def demo_id_number(rng, area: str, born: dt.date, taken: set[str]) -> str:
    while True:
        body = f"{area}{born:%Y%m%d}{rng.randint(1, 998):03d}"
        code = body + check_char(body)
        if code not in taken:
            taken.add(code)
            return code


def _name(rng) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _day(rng, year: int, months=(1, 12)) -> dt.date:
    month = rng.randint(*months)
    return dt.date(year, month, rng.randint(1, 28))


def build(rng, password_hash: str | None = None) -> dict[str, int]:
    units = {u.code: u for u in Unit.objects.filter(kind="district")}
    if not units:
        return {}
    codes = sorted(_DISTRICT_WEIGHTS)
    weights = [_DISTRICT_WEIGHTS[c] for c in codes]
    old_by_current = {new: old for old, new in OLD_TONGREN.items()}
    taken: set[str] = set()

    def district(rng) -> str:
        return rng.choices(codes, weights)[0]

    def person(rng, unit_code: str, *, local=True, born_range=(1965, 1995), **fields) -> Person:
        born = dt.date(rng.randint(*born_range), rng.randint(1, 12), rng.randint(1, 28))
        if local:
            # People registered before the 2011 reform keep the old 铜仁地区 code (national-rules §6).
            area = old_by_current[unit_code] if born.year < 1990 and rng.random() < 0.5 else unit_code
        else:
            area = rng.choice(_OTHER_PROVINCES)
        fields.setdefault("name", _name(rng))
        return Person(
            id_number=demo_id_number(rng, area, born, taken),
            unit=units[unit_code],
            phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            **fields,
        )

    counts = {"people": 0, "designations": 0, "phd_projects": 0, "school_agreements": 0}

    # The expert pool: expert1 … expert9 are linked to their records.
    experts = []
    accounts = {u.username: u for u in User.objects.filter(username__startswith="expert")}
    for i in range(1, EXPERT_ACCOUNTS + OTHER_EXPERTS + 1):
        tags = rng.sample(_FIELDS, rng.randint(1, 3))
        experts.append(
            person(
                rng,
                district(rng),
                born_range=(1960, 1985),
                field=tags[0],
                organisation=rng.choice(_ORGS),
                title=rng.choice(_TITLES[:7]),
                education=rng.choice([Education.DOCTORATE, Education.DOCTORATE, Education.MASTER]),
                is_expert=True,
                expert_tags=tags,
                max_load=rng.choice([3, 5, 5, 8, 10]),
                user=accounts.get(f"expert{i}") if i <= EXPERT_ACCOUNTS else None,
            )
        )
    Person.objects.bulk_create(experts)
    counts["people"] += len(experts)
    enterprises = list(Enterprise.objects.select_related("unit").order_by("id"))
    conflicts = []
    for expert in experts[::3]:
        if enterprises:
            ent = rng.choice(enterprises)
            conflicts.append(
                DeclaredConflict(
                    person=expert,
                    organisation=ent.name,
                    uscc=ent.uscc,
                    reason=rng.choice(["曾任职", "亲属任职", "技术顾问"]),
                    declared_on=dt.date(2023, 1, 10),
                )
            )
    DeclaredConflict.objects.bulk_create(conflicts)
    counts["declared_conflicts"] = len(conflicts)

    designations: list[Designation] = []
    phds: dict[int, list[Person]] = {}
    for year, n in PER_YEAR.items():
        batch = []
        for category, how_many in (
            ("key", n["key"]),
            ("social", n["social"]),
            ("phd", n["phd"]),
            ("team", n["team"]),
        ):
            for _ in range(how_many):
                code = district(rng)
                if category == "phd":
                    p = person(
                        rng,
                        code,
                        local=False,
                        born_range=(1982, 1992),
                        field=rng.choice(_FIELDS[:6]),
                        organisation=rng.choice(["铜仁学院", "铜仁职业技术学院"]),
                        title=rng.choice(["讲师", "副教授"]),
                        education=Education.DOCTORATE,
                    )
                    phds.setdefault(year, []).append(p)
                elif category == "social":
                    unit_name = units[code].name
                    p = person(
                        rng,
                        code,
                        field=rng.choice(["医疗卫生", "教育", "农业技术", "文化", "林业"]),
                        organisation=f"{unit_name}{rng.choice(_SOCIAL_ORGS)}",
                        title=rng.choice(_SOCIAL_TITLES),
                        education=rng.choice([Education.BACHELOR, Education.BACHELOR, Education.MASTER]),
                    )
                else:
                    p = person(
                        rng,
                        code,
                        field=rng.choice(_FIELDS[:5]),
                        organisation=rng.choice(_ORGS[:3]),
                        title=rng.choice(_TITLES[:6]),
                        education=rng.choice([Education.DOCTORATE, Education.MASTER]),
                    )
                batch.append((p, category))
        Person.objects.bulk_create([p for p, _c in batch])
        counts["people"] += len(batch)
        for p, category in batch:
            designations.append(
                Designation(
                    person=p,
                    category=category,
                    designated_on=_day(rng, year, (3, 12)),
                    team="锰系新型功能材料创新团队" if category == DesignationCategory.TEAM else "",
                    reference=f"铜科发〔{year}〕{rng.randint(10, 60)}号",
                )
            )
    Designation.objects.bulk_create(designations)
    counts["designations"] = len(designations)

    by_unit: dict[int, list[Enterprise]] = {}
    for e in enterprises:
        by_unit.setdefault(e.unit_id, []).append(e)
    projects = []
    for year, n in PER_YEAR.items():
        pool = phds.get(year, []) + phds.get(year - 1, [])
        for i in range(n["phd_projects"]):
            phd = pool[i % len(pool)]
            local = by_unit.get(phd.unit_id) or enterprises
            ent = rng.choice(local) if local else None
            approved = _day(rng, year, (4, 10))
            projects.append(
                PhdProject(
                    title=f"{phd.field}关键技术研究与示范",
                    person=phd,
                    unit=phd.unit,
                    enterprise=ent,
                    approved_on=approved,
                    funding=Decimal(rng.choice([10, 15, 20, 30])),
                    starts_on=approved,
                    ends_on=dt.date(year + 2, approved.month, 28),
                    status=PhdProjectStatus.ACCEPTED
                    if year < 2023 and rng.random() < 0.5
                    else PhdProjectStatus.ONGOING,
                    summary="博士人才围绕地方产业需求联合企业开展科研,推动成果就地转化。",
                )
            )
    PhdProject.objects.bulk_create(projects)
    counts["phd_projects"] = len(projects)

    agreements = []
    for year, n in PER_YEAR.items():
        for _ in range(n["agreements"]):
            code = district(rng)
            local = by_unit.get(units[code].pk) or enterprises
            ent = rng.choice(local) if local else None
            signed = _day(rng, year, (3, 11))
            agreements.append(
                SchoolEnterpriseAgreement(
                    school=rng.choice(["铜仁学院", "铜仁职业技术学院", "贵州大学"]),
                    unit=units[code],
                    enterprise=ent,
                    enterprise_name="" if ent else "铜仁市示范企业",
                    signed_on=signed,
                    expires_on=dt.date(year + 3, signed.month, signed.day),
                    content="共建人才培养基地;博士人才编制在高校、创新在企业、服务在基层。",
                    status=AgreementStatus.ACTIVE,
                )
            )
    SchoolEnterpriseAgreement.objects.bulk_create(agreements)
    counts["school_agreements"] = len(agreements)

    # Commissioners: a pool of people, some sent to two places in a year (person-times); the
    # last three expert accounts are commissioners too and file their own logs.
    commissioners = experts[EXPERT_ACCOUNTS - 3 : EXPERT_ACCOUNTS]
    extra = []
    for _ in range(58):
        extra.append(
            person(
                rng,
                district(rng),
                field=rng.choice(_FIELDS[6:]),
                organisation=rng.choice(_ORGS[2:] + ["县农业农村局", "县林业局"]),
                title=rng.choice(["高级农艺师", "农艺师", "高级畜牧师", "助理研究员", "工程师"]),
                education=rng.choice([Education.BACHELOR, Education.MASTER]),
            )
        )
    Person.objects.bulk_create(extra)
    counts["people"] += len(extra)
    commissioners += extra
    assignments = []
    placed: set[tuple] = set()
    for year, n in PER_YEAR.items():
        selected = dt.date(year, 3, rng.randint(10, 25))
        for i in range(n["commissioners"]):
            who = commissioners[i % len(commissioners)]
            code = district(rng)
            kind = rng.choices([PlaceKind.TOWN, PlaceKind.VILLAGE, PlaceKind.ENTERPRISE], [3, 5, 2])[0]
            ent = None
            if kind == PlaceKind.ENTERPRISE and by_unit.get(units[code].pk):
                ent = rng.choice(by_unit[units[code].pk])
                place = ent.name
            else:
                kind = PlaceKind.VILLAGE if kind == PlaceKind.ENTERPRISE else kind
                town = rng.choice(_TOWNS[code])
                place = (
                    town
                    if kind == PlaceKind.TOWN
                    else f"{town}{rng.choice(_SURNAMES)}家{rng.choice(_VILLAGE_WORDS)}村"
                )
            if (who.pk, year, place) in placed:
                place = f"{place}({i})"  # the same person twice at one place: keep them apart
            placed.add((who.pk, year, place))
            assignments.append(
                Assignment(
                    person=who,
                    year=year,
                    selected_on=selected,
                    unit=units[code],
                    place_kind=kind,
                    place=place,
                    enterprise=ent,
                    service_start=dt.date(year, 4, 1),
                    service_end=dt.date(year + 1, 3, 31),
                    tasks="围绕产业需求开展技术指导、技术培训和科技成果转化服务。",
                )
            )
    Assignment.objects.bulk_create(assignments)
    counts["commissioner_assignments"] = len(assignments)

    logs = []
    for a in assignments:
        for _ in range(rng.randint(2, 5)):
            day = a.service_start + dt.timedelta(days=rng.randint(0, 300))
            logs.append(
                ServiceLog(
                    assignment=a,
                    served_on=day,
                    place=a.place,
                    content=rng.choice(_WORK),
                    people_trained=rng.choice([0, 8, 12, 20, 25, 30, 45]),
                    filed_by=a.person.user,
                )
            )
    ServiceLog.objects.bulk_create(logs)
    counts["service_logs"] = len(logs)
    return counts
