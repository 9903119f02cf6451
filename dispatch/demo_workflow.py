"""Demo of the dispatch workflow: a 2023 season on the figures of dispatch/demo.py, the cases worth
showing run through the services, the routine ones written in bulk as the services leave them. Every district and zone files its monthly report (most on time, a few late, one
returned and sent again, one accepted report corrected by a revision, December still coming in);
the figures raise warnings month by month, a unit red two months running gets a follow-up order
by itself, the city leader convenes a dispatch meeting in July, one unit with no progress after it
is reported to the city government and one that did not deliver is proposed for a bulletin; the
key-task items carry dated updates; the year's assessment is computed.

Called at the end of dispatch/demo.py's build (demo modules are found by the name `demo.py`);
deterministic: it draws from a copy of the demo's random generator, so the modules after it see
the same numbers as before it was added."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from auditlog.context import disable_auditlog
from django.utils import timezone

from dispatch.models import (
    Actual,
    ActualOrigin,
    DispatchWarning,
    FollowUpOrder,
    ItemAssignment,
    ItemStatus,
    ItemUpdate,
    MonthlyReport,
    ReportFigure,
    ReportNote,
    ReportStatus,
    WarningAction,
)
from dispatch.workflow.assessment import assessment_compute
from dispatch.workflow.common import plan_of, reporting_units
from dispatch.workflow.followup import (
    followup_check,
    followup_sync,
    item_update_add,
    order_answer,
    order_close,
)
from dispatch.workflow.reports import (
    FigureInput,
    NoteInput,
    item_key,
    monthly_report_accept,
    monthly_report_create,
    monthly_report_fill,
    monthly_report_return,
    monthly_report_revise,
    monthly_report_submit,
    reported_indicators,
)
from dispatch.workflow.warnings import escalation_create, meeting_convene, meeting_record, warnings_refresh
from kechuang.core.models import Event, EventAction
from org.models import User
from plan.models import Indicator, Target, TargetOrigin

ORDER = 35

__all__ = ["ORDER", "YEAR", "build"]

YEAR = 2023
# Units that tend to report late (days after the due day) and the one that never sends December.
LATE = {"520627": (2, 9), "520625": (1, 6)}
MISSING_DECEMBER = "520627"
AWAITING_DECEMBER = ("520624", "520628")  # submitted, not yet accepted
RETURNED = ("520624", 4)  # sent back once, then accepted
CORRECTED = ("520623", 8)  # accepted, then corrected by a revision
# Unit targets: last year's figure grown by the city's target growth (plan 二).
TARGET_GROWTH = {"HT_OUTPUT": 0.20, "RD_EXPENDITURE": 0.214, "STS_REVENUE": 0.065, "STS_WAGES": 0.065}
PROGRESS = {
    "2.4": [
        "走访培育库企业{n}家，指导准备高企申报材料",
        "组织{n}家企业参加高企申报培训",
        "完成{n}家企业高企申报材料初审",
    ],
    "6.4": [
        "开展研发投入统计培训，覆盖企业{n}家",
        "核查规上企业研发活动{n}家",
        "督促{n}家企业建立研发费用辅助账",
    ],
    "8.4": ["选派科技特派员{n}人次深入乡镇服务", "特派员开展技术培训{n}场", "特派员对接企业及合作社{n}家"],
    "9.1": ["梳理主导产业技术需求{n}项", "推动{n}家企业建设研发平台", "高新区产业技术创新项目推进{n}项"],
    "9.2": ["新增入库科技型中小企业{n}家", "培育库新增企业{n}家", "孵化载体新入驻企业{n}家"],
    "9.3": ["申创工作专班召开推进会{n}次", "完成申创材料{n}项", "对接省科技厅、科技部{n}次"],
}
BUREAU_UPDATES = [
    ((7, 4), "2023-05-20", ItemStatus.IN_PROGRESS, "完成2023年度市级科技计划项目申报受理，共受理项目126项"),
    ((7, 4), "2023-07-18", ItemStatus.IN_PROGRESS, "评审工作延至7月，已完成专家评审，待立项公示"),
    ((7, 4), "2023-09-26", ItemStatus.DONE, "完成立项及资金拨付"),
    ((2, 1), "2023-04-28", ItemStatus.DONE, "2023年度市级科技项目申报指南已发布，征集技术需求32项"),
    ((5, 1), "2023-06-30", ItemStatus.IN_PROGRESS, "上半年登记技术合同成交额9.6亿元"),
    ((8, 4), "2023-03-31", ItemStatus.IN_PROGRESS, "选派市级科技特派员82人次，完成年度选派任务"),
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _due(month: int) -> dt.date:
    return dt.date(YEAR + 1, 1, 5) if month == 12 else dt.date(YEAR, month + 1, 5)


def _targets() -> int:
    """District and zone targets where none is held: last year's December figure grown by the
    city's target growth."""
    inds = {i.code: i for i in Indicator.objects.filter(code__in=TARGET_GROWTH)}
    held = set(Target.objects.filter(year=YEAR).values_list("unit_id", "indicator_id"))
    base = {
        (a.unit_id, a.indicator_id): a.value
        for a in Actual.objects.filter(year=YEAR - 1, month=12, indicator__in=inds.values())
    }
    rows = []
    for unit in reporting_units():
        for code, growth in TARGET_GROWTH.items():
            ind = inds.get(code)
            last = base.get((unit.pk, ind.pk)) if ind else None
            if ind is None or last is None or (unit.pk, ind.pk) in held:
                continue
            value = (last * Decimal(str(1 + growth))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            rows.append(Target(year=YEAR, unit=unit, indicator=ind, value=value, origin=TargetOrigin.MANUAL))
    Target.objects.bulk_create(rows)
    return len(rows)


def _bulk_month(rng, month: int, units, figures, done_month, district_user, staff, reported) -> None:
    """The routine reports of a month, written as the services would leave them (accepted, their
    figures the unit's actuals, their notes dated updates, their steps in the audit events) but in
    bulk: the demo stays fast. The cases worth showing go through the services themselves."""
    due = _due(month)
    created = []
    for unit in units:
        lo, hi = LATE.get(unit.code, (-4, 0))
        offset = rng.randint(lo, hi) if unit.code in LATE and rng.random() < 0.6 else rng.randint(-4, 0)
        sent = _at(due + dt.timedelta(days=offset), 9 + rng.randint(0, 8))
        accepted = sent + dt.timedelta(days=1, hours=6 - sent.hour % 6)
        created.append(
            MonthlyReport(
                unit=unit,
                year=YEAR,
                month=month,
                # submitted while its figures and notes go in; accepted below, as the service does
                # (an accepted report takes no new rows: the model, queryset and trigger refuse)
                status=ReportStatus.SUBMITTED,
                due=due,
                created_by=district_user[unit.pk],
                first_submitted_at=sent,
                submitted_at=sent,
                submitted_by=district_user[unit.pk],
                accepted_at=accepted,
                accepted_by=staff,
            )
        )
    reports = MonthlyReport.objects.bulk_create(created)
    assignments = {}
    for a in ItemAssignment.objects.filter(item__task__plan__year=YEAR, unit__in=units).select_related(
        "item__task"
    ):
        assignments.setdefault(a.unit_id, []).append(a)
    figs, notes, updates, changed, events = [], [], [], {}, []
    for report in reports:
        actor = district_user[report.unit_id]
        for ind in reported:
            figs.append(
                ReportFigure(
                    report=report, indicator=ind, value=figures.get((report.unit_id, month, ind.code))
                )
            )
        for a in assignments.get(report.unit_id, []):
            status, text = _progress(rng, report.unit_id, item_key(a), month, done_month)
            notes.append(ReportNote(report=report, assignment=a, status=status, progress=text))
            updates.append(
                ItemUpdate(
                    assignment=a,
                    on=timezone.localdate(report.accepted_at),
                    text=text,
                    status=status,
                    author=actor,
                    report=report,
                )
            )
            if a.status != status:
                a.status = status
                a.done_on = timezone.localdate(report.accepted_at) if status == ItemStatus.DONE else None
                changed[a.pk] = a
        for message, when, who in (
            ("monthly report started", report.submitted_at - dt.timedelta(days=2), actor),
            ("monthly report submitted", report.submitted_at, actor),
            ("monthly report accepted", report.accepted_at, staff),
        ):
            events.append(
                Event(
                    at=when,
                    actor=who,
                    actor_name=who.get_username(),
                    action=EventAction.WORKFLOW,
                    unit_code=report.unit.code,
                    object_type=MonthlyReport._meta.label,
                    object_id=str(report.pk),
                    object_repr=str(report)[:255],
                    message=message,
                    data={
                        "period": report.period,
                        "revision": 1,
                        "late": report.first_submitted_at.date() > due,
                    },
                )
            )
    ReportFigure.objects.bulk_create(figs)
    ReportNote.objects.bulk_create(notes)
    MonthlyReport.objects.filter(pk__in=[r.pk for r in reports]).update(status=ReportStatus.ACCEPTED)
    ItemUpdate.objects.bulk_create(updates)
    ItemAssignment.objects.bulk_update(list(changed.values()), ["status", "done_on"])
    Event.objects.bulk_create(events)
    Actual.objects.filter(year=YEAR, month=month, unit__in=units, indicator__in=reported).update(
        origin=ActualOrigin.REPORT
    )


def _progress(rng, unit_id, key: str, month: int, done_month: dict) -> tuple[str, str]:
    finish = done_month.setdefault((unit_id, key), rng.choice([9, 10, 11, 11, 12, 13]))
    if month >= finish:
        return ItemStatus.DONE, "本项年度任务已完成，相关材料已报送市科技局"
    status = ItemStatus.IN_PROGRESS if month > 1 else ItemStatus.NOT_STARTED
    return status, rng.choice(PROGRESS.get(key, ["按计划推进，完成阶段任务{n}项"])).format(
        n=rng.randint(2, 15)
    )


def _through_services(
    rng, unit, month, figures, done_month, actor, staff, *, submit=True, accept=True
) -> None:
    report = monthly_report_create(actor=actor, unit=unit, year=YEAR, month=month)
    if not submit:
        return
    values = {
        f.indicator.code: FigureInput(figures.get((unit.pk, month, f.indicator.code)))
        for f in report.figures.select_related("indicator")
    }
    notes = {
        n.assignment_id: NoteInput(*_progress(rng, unit.pk, item_key(n.assignment), month, done_month))
        for n in report.notes.select_related("assignment__item__task")
    }
    monthly_report_fill(actor=actor, report=report, figures=values, notes=notes)
    sent = _due(month) - dt.timedelta(days=1)
    monthly_report_submit(actor=actor, report=report, at=_at(sent))
    if (unit.code, month) == RETURNED:
        monthly_report_return(
            actor=staff,
            report=report,
            reason="全社会研发投入经费与统计快报不一致，请核实后重新报送",
            at=_at(sent, 15),
        )
        monthly_report_fill(
            actor=actor,
            report=report,
            figures={"RD_EXPENDITURE": FigureInput(values["RD_EXPENDITURE"].value, "已与统计局核对一致")},
        )
        sent += dt.timedelta(days=2)
        monthly_report_submit(actor=actor, report=report, at=_at(sent))
    if accept:
        monthly_report_accept(actor=staff, report=report, at=_at(sent + dt.timedelta(days=1), 16))


def build(rng, password_hash: str | None = None) -> dict[str, int]:
    plan = plan_of(YEAR)
    if plan is None:
        return {}
    r = random.Random()
    r.setstate(rng.getstate())  # a copy: the demo's own sequence is left as it was
    with disable_auditlog():  # the demo's rows are not people's edits (the steps are in the events)
        return _season(r, plan)


def _season(r, plan) -> dict[str, int]:
    staff = User.objects.get(username="staff")
    admin = User.objects.get(username="admin")
    units = list(reporting_units())
    district_user = {u.pk: User.objects.filter(username=u.short_name).first() or staff for u in units}
    followup_sync(actor=staff, plan=plan)
    targets = _targets()
    reported = reported_indicators()
    figures = {}
    for unit_id, code, month, value in Actual.objects.filter(year=YEAR).values_list(
        "unit_id", "indicator__code", "month", "value"
    ):
        figures[(unit_id, month, code)] = value
    done_month: dict = {}
    for month in range(1, 13):
        special = {u.code for u in units if (u.code, month) == RETURNED}
        if month == 12:
            special |= {MISSING_DECEMBER, *AWAITING_DECEMBER}
        routine = [u for u in units if u.code not in special]
        _bulk_month(r, month, routine, figures, done_month, district_user, staff, reported)
        for unit in units:
            if unit.code in special:
                _through_services(
                    r,
                    unit,
                    month,
                    figures,
                    done_month,
                    district_user[unit.pk],
                    staff,
                    submit=unit.code != MISSING_DECEMBER,
                    accept=not (month == 12 and unit.code in AWAITING_DECEMBER),
                )
        if not DispatchWarning.objects.filter(year=YEAR, month=month).exists():
            # The month's last report was accepted: the warnings are refreshed as on acceptance.
            warnings_refresh(
                actor=None, year=YEAR, month=month, at=_at(_due(month) + dt.timedelta(days=2), 18)
            )
        if month == 6:
            _meeting(staff)
        if month == 7:
            _special_report(staff)
        if month == 9:
            _correction(district_user, staff)
        _answer_orders(r, district_user, staff, month)

    for (task, number), day, status, text in BUREAU_UPDATES:
        a = ItemAssignment.objects.filter(
            item__task__plan=plan, item__task__number=task, item__number=number, unit__code="520600"
        ).first()
        if a is not None:
            item_update_add(
                actor=staff, assignment=a, text=text, status=status, on=dt.date.fromisoformat(day)
            )
    ItemAssignment.objects.filter(
        item__task__plan=plan, item__task__number=7, item__number=4, unit__code="520600"
    ).update(person="规划与资源配置科 王科长")
    followup_check(actor=staff, year=YEAR, as_of=dt.date(YEAR + 1, 1, 10), at=_at(dt.date(YEAR + 1, 1, 10)))
    _bulletin(staff)
    assessment_compute(
        actor=admin, year=YEAR, as_of_month=12, as_of=dt.date(YEAR + 1, 1, 15), note="演示：2023年度考核"
    )
    return {
        "unit_targets": targets,
        "monthly_reports": MonthlyReport.objects.count(),
        "warnings": DispatchWarning.objects.count(),
        "followup_orders": FollowUpOrder.objects.count(),
    }


def _meeting(staff) -> None:
    """July: the city leader convenes a dispatch meeting on June's warnings that call for one."""
    june = list(
        DispatchWarning.objects.filter(
            year=YEAR, month=6, action=WarningAction.DISPATCH_MEETING, status="open"
        )
        .select_related("unit")
        .order_by("unit__order", "indicator__order")
    )
    if not june:
        return
    meeting = meeting_convene(
        actor=staff,
        year=YEAR,
        held_on=dt.date(YEAR, 7, 12),
        title="2023年上半年科技创新重点指标调度会",
        chair="分管副市长",
        warnings=june,
    )
    names = "、".join(sorted({w.unit.name for w in june}))
    meeting_record(
        actor=staff,
        meeting=meeting,
        minutes=f"会议听取了{names}高新技术产业产值、研发投入等指标运行情况汇报，分析了增速回落和排位靠后的原因。",
        decisions="一、各区（县）7月底前报送指标提升措施；二、市科技局每月跟踪调度；三、8月仍无实质性进展的，书面向市政府专题报告。",
    )


def _special_report(staff) -> None:
    """August: a unit still warned after the July meeting is reported to the city government."""
    w = (
        DispatchWarning.objects.filter(year=YEAR, month=7, action=WarningAction.SPECIAL_REPORT, status="open")
        .select_related("unit", "indicator")
        .order_by("level", "unit__order")
        .first()
    )
    if w is None:
        return
    escalation_create(
        actor=staff,
        kind="special_report",
        unit=w.unit,
        year=YEAR,
        subject=f"关于{w.unit.name}{w.indicator.name}经调度仍无实质性进展的专题报告",
        body=(
            f"{w.unit.name}{w.indicator.name}7月{'、'.join(str(c) for c in w.code_labels)}，"
            "经7月12日调度会调度后仍无实质性进展。建议市政府督促该县加大工作力度，按月报送整改进展。"
        ),
        sent_on=dt.date(YEAR, 8, 15),
        warnings=[w],
    )


def _correction(district_user, staff) -> None:
    """September: a district corrects its accepted August report (a revision with a reason)."""
    code, month = CORRECTED
    report = (
        MonthlyReport.objects.filter(unit__code=code, year=YEAR, month=month, status="accepted")
        .order_by("-revision")
        .first()
    )
    if report is None:
        return
    actor = district_user[report.unit_id]
    rev = monthly_report_revise(
        actor=actor, report=report, reason="统计局反馈8月科学研究和技术服务业营业收入数据修正"
    )
    fig = rev.figures.get(indicator__code="STS_REVENUE")
    if fig.value is not None:
        new = (fig.value * Decimal("1.012")).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        monthly_report_fill(
            actor=actor, report=rev, figures={"STS_REVENUE": FigureInput(new, "统计局核定数")}
        )
    monthly_report_submit(actor=actor, report=rev, at=_at(dt.date(YEAR, 9, 12)))
    monthly_report_accept(actor=staff, report=rev, at=_at(dt.date(YEAR, 9, 13)))


def _answer_orders(rng, district_user, staff, month: int) -> None:
    """The units answer their orders, most in time; the bureau closes some."""
    for order in FollowUpOrder.objects.filter(
        year=YEAR, status__in=("issued", "acknowledged")
    ).select_related("unit"):
        if order.issued_at.month > month and order.issued_at.year == YEAR:
            continue
        days = rng.choice([3, 5, 8, 14])
        answered = timezone.localdate(order.issued_at) + dt.timedelta(days=days)
        if answered > _due(month):
            continue
        order_answer(
            actor=district_user[order.unit_id],
            order=order,
            answer="已召开专题会议分析原因，制定提升措施：加强重点企业调度，推动在建项目尽快投产达效。",
            at=_at(answered),
        )
        if rng.random() < 0.25:
            order_close(
                actor=staff,
                order=order,
                note="措施可行，予以办结，持续跟踪",
                at=_at(answered + dt.timedelta(days=3)),
            )


def _bulletin(staff) -> None:
    """January: the unit that did not deliver on time is proposed for a bulletin."""
    from dispatch.workflow.warnings import bulletin_proposals

    unit = reporting_units().filter(code=MISSING_DECEMBER).first()
    proposals = bulletin_proposals(YEAR, as_of=dt.date(YEAR + 1, 1, 12), units=[unit]) if unit else []
    if not proposals:
        return
    escalation_create(
        actor=staff,
        kind="bulletin",
        unit=unit,
        year=YEAR,
        subject=f"关于{unit.name}未按时报送科技创新工作动态的通报建议",
        body="\n".join(proposals[0]["reasons"][:10]),
        sent_on=dt.date(YEAR + 1, 1, 12),
    )
