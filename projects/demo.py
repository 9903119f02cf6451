"""Demo projects: the 2023 call from the guide to acceptance, through the same business actions
the pages use (so every step is audited and checked), with dates set to when they happened.

- The 2023 guide (window 1 March – 28 April) with four categories, sections drafted from
  enterprises' technology demands; about thirty applications from enterprises of the ten
  districts and from institutions: one left as a draft, two returned by the formal check (one
  corrected and resubmitted), two not recommended by their district, one refused by the bureau.
- Review: key R&D and achievement transformation by the optimal assignment (one expert declares a
  conflict and the vacant seat is filled again), agriculture and doctors' projects by a recorded
  random draw with panel rules (replayable from the seed). Experts expert1 … expert9 score with
  each category's rubric; the doctors' reviews come in late (5 July) so the plan's H1 schedule
  check has something to show, and one project's first tranche is paid in October (late for Q3).
- Panel decisions by rank within each category's budget, approval with task-book indicators and
  two tranches, the mid-term check in 2024, then acceptance in 2025: passed, not passed, postponed,
  one extended, one terminated, the rest overdue (到期未验收) for the clean-up list.
- 揭榜挂帅: two lists published in 2023 from demands (CHALLENGE_LISTS = 2), bids, selection into a
  contract paid on milestones; a third list of 2026 is open for bids.
- 赛马制: three teams funded for stage 1, the gate review passes two.
- Provincial and national applications of 2023: 11 agriculture and social-development approvals
  (target 10), 2 manganese (target 2), one park enterprise's provincial project plus one city
  project in the park (PARK_PROJECTS = 2, target 2).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from enterprises.models import DemandStatus, Enterprise, TechDemand
from kechuang.core.roles import Role
from org.models import Unit, User
from org.units import CITY_CODE, DISTRICT_CODES
from projects.demo_files import demo_pdf
from projects.models import (
    AcceptanceOutcome,
    Application,
    ExternalDomain,
    ExternalLevel,
    ExternalResult,
    FormalReason,
    MilestoneKind,
    PanelDecision,
    Project,
    ReviewStatus,
    RoundMethod,
    RoundStatus,
    TrancheStatus,
)
from projects.services import applications as apps_svc
from projects.services import challenges as ch_svc
from projects.services import execution as exe
from projects.services import external as ext_svc
from projects.services import guides as guide_svc
from projects.services import reviews as rev_svc

ORDER = 60

__all__ = ["ORDER", "build"]

YEAR = 2023

# code, kind, name, budget, cap, method, experts per application, financial experts at least,
# applications reaching review
CATEGORIES = [
    ("KY", "key_rd", "重点研发", Decimal("600"), Decimal("100"), RoundMethod.OPTIMAL, 3, 0, 6),
    ("NY", "agriculture", "农业农村", Decimal("300"), Decimal("50"), RoundMethod.DRAW, 3, 1, 5),
    ("CG", "transformation", "成果转化", Decimal("200"), Decimal("50"), RoundMethod.OPTIMAL, 3, 0, 3),
    ("BS", "phd", "博士项目", Decimal("60"), Decimal("10"), RoundMethod.DRAW, 3, 0, 3),
]
FIELDS = {
    "KY": [
        ["锰系材料", "新型功能材料"],
        ["锂电新材料", "新型功能材料"],
        ["大数据"],
        ["现代能源"],
        ["绿色汞化工"],
    ],
    "NY": [["茶产业"], ["中药材"], ["生态畜牧"], ["食用菌"], ["精品水果", "蔬菜"]],
    "CG": [["锰系材料"], ["大数据", "现代能源"], ["中药材", "茶产业"]],
    "BS": [["中药材"], ["锂电新材料"], ["生态畜牧"]],
}
TITLES = {
    "KY": "{name}关键技术研究与产业化",
    "NY": "{name}特色农产品提质增效技术集成与示范",
    "CG": "{name}科技成果转化与产业化应用",
    "BS": "{field}关键问题研究(博士科研启动)",
}
INSTITUTIONS = ["铜仁学院", "铜仁职业技术学院", "铜仁市农业科学研究院"]
EXTERNAL_AGRI = [
    "茶园绿色防控技术集成与示范",
    "梵净山抹茶精深加工关键技术",
    "思南黄牛良种繁育技术示范",
    "中药材林下种植技术推广",
    "食用菌工厂化栽培技术示范",
    "山区特色蔬菜绿色生产技术",
    "乡村医疗慢病管理适宜技术推广",
    "武陵山区生态修复技术示范",
    "油茶低产林改造技术示范",
    "生态渔业稻渔综合种养技术",
    "农村饮水安全监测技术应用",
    "精品水果冷链保鲜技术集成",
]
EXTERNAL_MN = ["电解锰渣无害化处理与建材化利用", "锰污染土壤修复技术示范", "高纯硫酸锰制备新工艺"]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _day(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _scores(rng, rubric: list[dict], quality: float) -> dict[str, str]:
    out = {}
    for item in rubric:
        share = min(1.0, max(0.3, quality + rng.uniform(-0.08, 0.08)))
        out[item["key"]] = str(round(item["max"] * share, 1))
    return out


def _applicants(rng):
    """Enterprises for the applications: one per enterprise (the guide allows one each), those
    with an account first so that their owners can follow them in the demo."""
    accounts = set(
        User.objects.filter(username__startswith="ent-").values_list("grants__enterprise_id", flat=True)
    )
    by_unit = {}
    for ent in Enterprise.objects.select_related("unit").order_by("id"):
        if ent.unit.code in DISTRICT_CODES:
            by_unit.setdefault(ent.unit.code, []).append(ent)
    ordered = []
    for code in DISTRICT_CODES:
        ents = sorted(by_unit.get(code, []), key=lambda e: (e.pk not in accounts, e.pk))
        ordered.append(ents)
    out = []
    while any(ordered):
        for ents in ordered:
            if ents:
                out.append(ents.pop(0))
    return out


def _review_pool(rng) -> None:
    """The bureau's review pool for the year: the nine expert accounts take up to ten reviews each,
    and two of them are financial experts (the panel rules ask for one per agriculture panel)."""
    from talent.models import Person

    for n, person in enumerate(Person.objects.filter(user__username__startswith="expert").order_by("pk")):
        person.max_load = max(person.max_load, 10)
        if n >= 7 and "财务管理" not in (person.expert_tags or []):
            person.expert_tags = [*(person.expert_tags or []), "财务管理"]
        person.save(update_fields=["max_load", "expert_tags"])


def _guide(rng, staff):
    guide = guide_svc.guide_create(
        actor=staff,
        year=YEAR,
        title=f"{YEAR}年度铜仁市科技计划项目申报指南",
        opens_at=_at(dt.date(YEAR, 3, 1), 9),
        closes_at=_at(dt.date(YEAR, 4, 28), 17),
        budget=sum((c[3] for c in CATEGORIES), Decimal(0)),
        introduction="围绕全市“六大产业”和特色农业需求,组织实施市级科技计划项目。",
        eligibility="在铜仁市注册一年以上的企业,以及在铜高校、科研院所;每个单位限报一项。",
        max_per_applicant=1,
        min_years_registered=1,
        contact="市科技局资源配置与管理科 0856-5222xxx",
    )
    cats = {}
    for order, (code, kind, name, budget, cap, _m, k, fin, _n) in enumerate(CATEGORIES):
        cats[code] = guide_svc.category_create(
            actor=staff,
            guide=guide,
            kind=kind,
            name=name,
            code=code,
            order=order,
            budget=budget,
            max_funding=cap,
            applicant_kinds=["enterprise", "institution"],
            reviewers_per_application=k,
            min_financial=fin,
        )
    demands = list(
        TechDemand.objects.filter(status=DemandStatus.COLLECTED, collected_on__year__lte=YEAR - 1).order_by(
            "pk"
        )[:4]
    ) or list(TechDemand.objects.filter(status=DemandStatus.COLLECTED).order_by("pk")[:4])
    if demands:
        guide_svc.guide_sections_draft(actor=staff, guide=guide, category=cats["KY"], demands=demands)
    guide_svc.guide_publish(actor=staff, guide=guide, now=_at(dt.date(YEAR, 2, 20)))
    return guide, cats


def _district_user(unit):
    return User.objects.filter(grants__role=Role.DISTRICT, grants__unit=unit).first()


def _applications(rng, staff, guide, cats):
    """Create, attach, submit, check, recommend and accept; returns the applications in review by
    category and the count of each fate."""
    ents = _applicants(rng)
    city = Unit.objects.get(code=CITY_CODE)
    in_review = {code: [] for code in cats}
    fates = {"drafts": 0, "returned": 0, "not_recommended": 0, "refused": 0}
    plan = []  # (category code, fields, applicant) — reviewing ones, then the others
    e = 0
    for code, *_rest, n in CATEGORIES:
        for i in range(n):
            if code == "BS":
                plan.append((code, FIELDS[code][i], ("institution", INSTITUTIONS[i % len(INSTITUTIONS)])))
            else:
                plan.append((code, FIELDS[code][i % len(FIELDS[code])], ("enterprise", ents[e])))
                e += 1
    # fates: 0 reviewed, 1 draft, 2 returned and resubmitted (then reviewed), 3 returned and left,
    # 4 not recommended, 5 refused by the bureau before review
    fate = [0] * len(plan)
    extra = [
        ("KY", ["锰系材料"], 1),
        ("NY", ["茶产业"], 3),
        ("KY", ["大数据"], 4),
        ("NY", ["蔬菜"], 4),
        ("CG", ["现代能源"], 5),
    ]
    for code, fields, f in extra:
        plan.append((code, fields, ("enterprise", ents[e])))
        fate.append(f)
        e += 1
    fate[1] = 2  # the second key R&D application is returned once, then corrected
    made = []
    for (code, fields, (kind, who)), f in zip(plan, fate, strict=True):
        cat = cats[code]
        if kind == "enterprise":
            name = who.name
            title = TITLES[code].format(
                name=name.replace("有限公司", "").replace("股份", "")[:12], field=fields[0]
            )
            extra_values = {}
            app = apps_svc.application_create(
                actor=staff,
                guide=guide,
                category=cat,
                applicant_kind="enterprise",
                enterprise=who,
                title=title,
                **_values(rng, cat, fields),
                **extra_values,
            )
        else:
            app = apps_svc.application_create(
                actor=staff,
                guide=guide,
                category=cat,
                applicant_kind="institution",
                unit=city,
                applicant_name=who,
                title=TITLES[code].format(name=who, field=fields[0]),
                **_values(rng, cat, fields),
            )
        made.append(app)
        if f == 1:
            fates["drafts"] += 1
            continue
        apps_svc.attachment_add(
            actor=staff, application=app, kind="proposal", uploaded=demo_pdf("申报书.pdf", app.title)
        )
        apps_svc.attachment_add(
            actor=staff,
            application=app,
            kind="licence",
            uploaded=demo_pdf("营业执照.pdf", app.applicant_name),
        )
        submitted = _at(_day(rng, dt.date(YEAR, 3, 6), dt.date(YEAR, 4, 20)), rng.randint(9, 17))
        app = apps_svc.application_submit(actor=staff, application=app, now=submitted)
        checked = _at(_day(rng, dt.date(YEAR, 5, 4), dt.date(YEAR, 5, 9)))
        if f in (2, 3):
            # checked while the window is open, so that the applicant can still correct it
            returned_on = _at(dt.date(YEAR, 4, 21))
            app = apps_svc.application_formal_check(
                actor=staff,
                application=app,
                passed=False,
                reasons=[FormalReason.MISSING_FINANCIALS],
                note="请补充近两年财务报表。",
                now=returned_on,
            )
            fates["returned"] += 1
            if f == 3:
                continue
            apps_svc.attachment_add(
                actor=staff,
                application=app,
                kind="financials",
                uploaded=demo_pdf("财务报表.pdf", app.applicant_name),
            )
            app = apps_svc.application_submit(actor=staff, application=app, now=_at(dt.date(YEAR, 4, 25)))
        app = apps_svc.application_formal_check(actor=staff, application=app, passed=True, now=checked)
        recommender = staff if app.unit.code == CITY_CODE else _district_user(app.unit)
        when = _at(_day(rng, dt.date(YEAR, 5, 15), dt.date(YEAR, 5, 19)))
        if f == 4:
            app = apps_svc.application_recommend(
                actor=recommender,
                application=app,
                recommended=False,
                note="项目与本区县主导产业关联度不高,本年度不予推荐。",
                now=when,
            )
            fates["not_recommended"] += 1
            continue
        app = apps_svc.application_recommend(actor=recommender, application=app, recommended=True, now=when)
        if f == 5:
            app = apps_svc.application_reject(
                actor=staff,
                application=app,
                note="与已立项目内容重复,不予受理。",
                now=_at(dt.date(YEAR, 5, 24)),
            )
            fates["refused"] += 1
            continue
        app = apps_svc.application_accept(actor=staff, application=app, now=_at(dt.date(YEAR, 5, 25)))
        in_review[code].append(app)
    return made, in_review, fates


def _values(rng, cat, fields) -> dict:
    cap = cat.max_funding
    requested = (cap * Decimal(rng.choice([6, 7, 8, 9, 10])) / 10).quantize(Decimal("1"))
    surname = rng.choice("王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗")
    return {
        "tech_fields": fields,
        "leader": surname + rng.choice(["建华", "明", "晓燕", "志强", "丽", "国平", "海波"]),
        "leader_phone": f"139{rng.randint(0, 99_999_999):08d}",
        "summary": "针对" + fields[0] + "领域的关键技术问题开展研究,形成可推广的技术方案。",
        "goals": "申请专利2项,形成技术规范1项,新增产值500万元。",
        "requested": requested,
        "self_funding": requested * 2,
        "months": 24,
    }


def _run_optimal(rnd, staff) -> None:
    rnd.status = RoundStatus.ASSIGNING
    rnd.save(update_fields=["status"])
    rev_svc._assign_work(rnd.pk, staff.pk)(None, lambda *args, **kwargs: None)
    rnd.refresh_from_db()
    if rnd.status != RoundStatus.ASSIGNED:
        raise RuntimeError(f"demo assignment failed: {rnd.result}")


def _review(rng, staff, guide, cats, in_review) -> dict[str, int]:
    counts = {"reviews": 0, "withdrawn": 0}
    quality = {app.pk: rng.uniform(0.6, 0.92) for apps in in_review.values() for app in apps}
    for code, _k, _n, _b, _c, method, *_ in CATEGORIES:
        if not in_review[code]:
            continue
        cat = cats[code]
        rnd = rev_svc.round_create(actor=staff, guide=guide, category=cat, method=method)
        if method == RoundMethod.OPTIMAL:
            _run_optimal(rnd, staff)
        else:
            rev_svc.round_draw(actor=staff, review_round=rnd, seed=rng.randrange(2**32))
        if code == "KY":
            # One expert finds a conflict (a former employer) and withdraws; the seat is filled again.
            first = rnd.reviews.filter(status=ReviewStatus.ASSIGNED).order_by("pk").first()
            rev_svc.review_withdraw(
                actor=first.reviewer_user,
                review=first,
                reason="曾在申报单位任职,申请回避。",
                now=_at(dt.date(YEAR, 6, 2)),
            )
            counts["withdrawn"] += 1
            _run_optimal(rnd, staff)
        late = code == "BS"
        for review in (
            rnd.reviews.filter(status=ReviewStatus.ASSIGNED).select_related("reviewer_user").order_by("pk")
        ):
            day = dt.date(YEAR, 7, 5) if late else _day(rng, dt.date(YEAR, 6, 5), dt.date(YEAR, 6, 20))
            bias = rng.uniform(-0.06, 0.06)
            rev_svc.review_submit(
                actor=review.reviewer_user,
                review=review,
                scores=_scores(rng, cat.rubric, quality[review.application_id] + bias),
                comment=rng.choice(
                    ["技术路线清晰,建议支持。", "研究基础较好,经费预算需细化。", "创新性一般,考核指标偏低。"]
                ),
                now=_at(day, rng.randint(9, 18)),
            )
            counts["reviews"] += 1
        rev_svc.round_rank(actor=staff, review_round=rnd, normalise=code == "KY")
    return counts


def _decide_and_approve(rng, staff, cats, in_review) -> list[Project]:
    projects = []
    seq = 0
    for code, *_rest in CATEGORIES:
        cat = cats[code]
        apps = sorted(
            (a for a in in_review[code]), key=lambda a: (a.refresh_from_db() or a.rank or 999, a.number)
        )
        left = cat.budget
        for n, app in enumerate(apps):
            funding = min(app.requested, cat.max_funding)
            decided = _at(dt.date(YEAR, 7, 12 if code != "BS" else 14))
            if n < len(apps) - 1 and funding <= left:
                app = apps_svc.application_decide(
                    actor=staff,
                    application=app,
                    decision=PanelDecision.FUND,
                    funding=funding,
                    note="专家评审排名靠前,建议立项。",
                    now=decided,
                )
                left -= funding
                seq += 1
                approved = dt.date(YEAR, 8, 15) if code != "BS" else dt.date(YEAR, 10, 3)
                first = (funding * Decimal("0.6")).quantize(Decimal("1"))
                project = apps_svc.application_approve(
                    actor=staff,
                    application=app,
                    number=f"TKH-{YEAR}-{seq:03d}",
                    budget=funding,
                    approved_on=approved,
                    starts_on=dt.date(YEAR, 9, 1),
                    ends_on=dt.date(YEAR + 2, 8, 31),
                    indicators=[
                        {"name": "申请发明专利", "target": Decimal("2"), "measure": "项"},
                        {"name": "制定技术规范或标准", "target": Decimal("1"), "measure": "项"},
                        {"name": "新增销售收入", "target": Decimal("500"), "measure": "万元"},
                    ],
                    tranches=[
                        {"amount": first, "planned_on": approved},
                        {"amount": funding - first, "planned_on": dt.date(YEAR + 1, 10, 15)},
                    ],
                    contract_no=f"TRKJ[{YEAR}]{seq:03d}",
                    signed_on=approved + dt.timedelta(days=10),
                )
                projects.append(project)
            else:
                decision = (
                    PanelDecision.RESERVE if n == len(apps) - 1 and code == "KY" else PanelDecision.DECLINE
                )
                app = apps_svc.application_decide(
                    actor=staff,
                    application=app,
                    decision=decision,
                    note="评审得分未进入资助范围。",
                    now=decided,
                )
                if decision == PanelDecision.DECLINE:
                    app = apps_svc.application_reject(
                        actor=staff,
                        application=app,
                        note="评审得分未进入资助范围。",
                        now=_at(dt.date(YEAR, 7, 20)),
                    )
    return projects


def _execute(rng, staff, projects) -> dict[str, int]:
    """Pay, check at mid-term, then accept or clean up."""
    counts = {"accepted": 0}
    for n, p in enumerate(projects):
        t1, t2 = list(p.tranches.order_by("seq"))
        paid = dt.date(YEAR, 10, 12) if n == 1 else _day(rng, dt.date(YEAR, 9, 4), dt.date(YEAR, 9, 22))
        if p.approved_on > paid:
            paid = p.approved_on + dt.timedelta(days=7)
        exe.tranche_pay(actor=staff, tranche=t1, paid_on=paid, voucher=f"PZ{YEAR}{n + 1:04d}")
        mid = exe.milestone_add(
            actor=staff,
            project=p,
            title="中期检查",
            due_on=dt.date(YEAR + 1, 9, 30),
            kind=MilestoneKind.MIDTERM,
        )
        ok = n % 7 != 5
        exe.milestone_check(
            actor=staff,
            milestone=mid,
            passed=ok,
            findings="按计划推进,阶段指标完成。" if ok else "进度滞后,经费使用不规范,限期整改。",
            checked_on=_day(rng, dt.date(YEAR + 1, 9, 10), dt.date(YEAR + 1, 9, 28)),
        )
        if ok:
            exe.tranche_pay(
                actor=staff, tranche=t2, paid_on=dt.date(YEAR + 1, 10, 18), voucher=f"PZ{YEAR + 1}{n + 1:04d}"
            )
    # 2025: acceptance of the first ones; the others are the overdue clean-up list.
    outcomes = [AcceptanceOutcome.PASSED] * 5 + [AcceptanceOutcome.FAILED, AcceptanceOutcome.POSTPONED]
    for p, outcome in zip(projects, outcomes, strict=False):
        p.refresh_from_db()
        if p.status != "ongoing":
            continue
        acc = exe.acceptance_open(actor=staff, project=p, opened_on=dt.date(YEAR + 2, 9, 10))
        met = outcome == AcceptanceOutcome.PASSED
        results = {
            item["key"]: {
                "met": met or item["indicator"] is None,
                "achieved": (Decimal(item["target"]) * (Decimal("1.2") if met else Decimal("0.4"))).quantize(
                    Decimal("1")
                )
                if item["indicator"]
                else "",
            }
            for item in acc.checklist
        }
        exe.acceptance_decide(
            actor=staff,
            acceptance=acc,
            outcome=outcome,
            results=results,
            decided_on=dt.date(YEAR + 2, 9, 25),
            remarks={
                AcceptanceOutcome.PASSED: "",
                AcceptanceOutcome.FAILED: "主要考核指标未完成,经费使用不规范。",
                AcceptanceOutcome.POSTPONED: "设备调试延误,同意延期验收。",
            }[outcome],
            new_due=dt.date(YEAR + 3, 3, 31) if outcome == AcceptanceOutcome.POSTPONED else None,
        )
        counts["accepted"] += outcome == AcceptanceOutcome.PASSED
    rest = [p for p in projects[len(outcomes) :] if Project.objects.get(pk=p.pk).status == "ongoing"]
    if rest:
        exe.project_extend(
            actor=staff,
            project=rest[0],
            new_due=dt.date(YEAR + 3, 12, 31),
            reason="企业技术改造,申请延期一年。",
        )
    if len(rest) > 1:
        exe.project_terminate(
            actor=staff, project=rest[1], reason="承担企业停产,项目终止。", on=dt.date(YEAR + 2, 10, 20)
        )
    return counts


def _challenges(rng, staff, ents) -> dict[str, int]:
    city = Unit.objects.get(code=CITY_CODE)
    demands = list(
        TechDemand.objects.filter(status=DemandStatus.COLLECTED)
        .select_related("enterprise")
        .order_by("-budget", "pk")[:3]
    )
    counts = {"challenge_lists": 0, "bids": 0}
    made = []
    for n, demand in enumerate(demands):
        year = YEAR if n < 2 else 2026
        published = dt.date(YEAR, 4, 10 + 20 * n) if n < 2 else dt.date(2026, 11, 2)
        deadline = published + dt.timedelta(days=60 if n < 2 else 150)
        c = ch_svc.challenge_create(
            actor=staff,
            year=year,
            unit=city if n != 1 else demand.unit,
            demand=demand,
            title=f"{demand.title}技术攻关榜单",
            background=demand.description or demand.title,
            requirements="形成可工程化应用的技术方案,关键指标达到国内先进水平,完成中试验证。",
            reward=max(Decimal("50"), (demand.budget or Decimal("200")).quantize(Decimal("1"))),
            deadline=deadline,
            period_months=24,
        )
        ch_svc.challenge_publish(actor=staff, challenge=c, on=published)
        counts["challenge_lists"] += 1
        made.append(c)
        if n == 2:
            continue
        bidders = [e for e in ents if e.pk != demand.enterprise_id][n * 3 : n * 3 + 3]
        bids = []
        for k, ent in enumerate(bidders):
            bids.append(
                ch_svc.bid_submit(
                    actor=staff,
                    challenge=c,
                    enterprise=ent,
                    leader=rng.choice(["周工", "吴博士", "郑教授"]),
                    plan="联合高校组建攻关团队,分三阶段完成小试、中试和示范线建设。",
                    price=(c.reward * Decimal(["0.9", "0.85", "0.95"][k])).quantize(Decimal("1")),
                    months=24,
                    on=published + dt.timedelta(days=20 + 5 * k),
                )
            )
            counts["bids"] += 1
        best = min(bids, key=lambda b: (b.price, b.pk))
        signed = deadline + dt.timedelta(days=25)
        project = ch_svc.challenge_select(
            actor=staff,
            challenge=c,
            bid=best,
            number=f"JB-{YEAR}-{n + 1:02d}",
            contract_no=f"TRJB[{YEAR}]{n + 1:02d}",
            signed_on=signed,
            starts_on=signed,
            ends_on=signed + dt.timedelta(days=730),
            note="报价合理,技术方案最优。",
        )
        for t in project.tranches.order_by("seq"):
            if t.milestone_id is None:
                exe.tranche_pay(actor=staff, tranche=t, paid_on=signed + dt.timedelta(days=15))
        for m in project.milestones.order_by("due_on")[:1]:
            exe.milestone_check(
                actor=staff, milestone=m, passed=True, findings="完成小试,指标达到要求。", checked_on=m.due_on
            )
            for t in project.tranches.filter(milestone=m, status=TrancheStatus.PLANNED):
                exe.tranche_pay(actor=staff, tranche=t, paid_on=m.due_on + dt.timedelta(days=10))
    return counts


def _race(rng, staff, ents) -> dict[str, int]:
    city = Unit.objects.get(code=CITY_CODE)
    race = ch_svc.race_create(
        actor=staff,
        year=YEAR,
        title="锂电池正极材料用高纯硫酸锰制备技术赛马",
        unit=city,
        goal="第一阶段完成小试,产品纯度≥99.9%、磁性异物≤50ppb者进入第二阶段。",
        stage1_amount=Decimal("30"),
        later_amount=Decimal("70"),
        gate_on=dt.date(YEAR + 1, 6, 30),
        ends_on=dt.date(YEAR + 2, 6, 30),
    )
    teams = []
    for k, ent in enumerate(ents[-3:]):
        p = ch_svc.race_team_add(
            actor=staff,
            race=race,
            number=f"SM-{YEAR}-{k + 1:02d}",
            undertaker=ent.name,
            enterprise=ent,
            leader=rng.choice(["田工", "龙博士", "杨教授"]),
            approved_on=dt.date(YEAR, 6, 20),
        )
        exe.tranche_pay(actor=staff, tranche=p.tranches.get(seq=1), paid_on=dt.date(YEAR, 7, 5))
        teams.append(p)
    ch_svc.race_gate(
        actor=staff,
        race=race,
        passed={teams[0].pk, teams[2].pk},
        on=dt.date(YEAR + 1, 7, 3),
        note="两支团队产品纯度达到99.95%,进入第二阶段;一支团队未达标,终止支持。",
    )
    for p in (teams[0], teams[2]):
        t = p.tranches.get(seq=2)
        exe.tranche_pay(actor=staff, tranche=t, paid_on=dt.date(YEAR + 1, 7, 20))
    return {"race_teams": len(teams)}


def _external(rng, staff, ents) -> int:
    units = {u.code: u for u in Unit.objects.all()}
    rows = []
    for n, title in enumerate(EXTERNAL_AGRI):
        rows.append((title, ExternalDomain.AGRI_SOCIAL, n < 11, n == 0))
    for n, title in enumerate(EXTERNAL_MN):
        rows.append((title, ExternalDomain.MANGANESE, n < 2, False))
    made = 0
    for n, (title, domain, approved, park) in enumerate(rows):
        ent = ents[n + 7]
        unit = units["520602"] if park else ent.unit
        applied = _day(rng, dt.date(YEAR, 2, 1), dt.date(YEAR, 5, 31))
        obj = ext_svc.external_create(
            actor=staff,
            year=YEAR,
            level=ExternalLevel.NATIONAL if n == 3 else ExternalLevel.PROVINCIAL,
            programme="国家重点研发计划" if n == 3 else "贵州省科技计划(科技支撑)",
            title=title,
            enterprise=ent,
            unit=unit,
            domain=domain,
            in_agri_park=park,
            applied_on=applied,
            reference=f"黔科合支撑[{YEAR}]{100 + n}" if approved else "",
        )
        result_on = applied + dt.timedelta(days=rng.randint(60, 150))
        ext_svc.external_result(
            actor=staff,
            application=obj,
            result=ExternalResult.APPROVED if approved else ExternalResult.REJECTED,
            result_on=result_on,
            funding=Decimal(rng.choice([50, 80, 100, 150])) if approved else None,
        )
        made += 1
    return made


def build(rng, password_hash: str | None = None) -> dict[str, int]:
    staff = User.objects.filter(username="staff").first()
    if staff is None or not Enterprise.objects.exists():
        return {}
    _review_pool(rng)
    guide, cats = _guide(rng, staff)
    made, in_review, fates = _applications(rng, staff, guide, cats)
    review_counts = _review(rng, staff, guide, cats, in_review)
    projects = _decide_and_approve(rng, staff, cats, in_review)
    # One agriculture project's undertaker lies in the national agricultural S&T park.
    park_project = next((p for p in projects if p.category.code == "NY"), None)
    if park_project is not None:
        Project.objects.filter(pk=park_project.pk).update(in_agri_park=True)
        Application.objects.filter(pk=park_project.application_id).update(in_agri_park=True)
    exec_counts = _execute(rng, staff, projects)
    ents = _applicants(rng)[40:]
    counts = {
        "applications": len(made),
        **fates,
        **review_counts,
        "projects": len(projects),
        **exec_counts,
        **_challenges(rng, staff, ents),
        **_race(rng, staff, ents),
        "provincial_applications": _external(rng, staff, ents),
    }
    return {f"projects_{k}": v for k, v in counts.items()}
