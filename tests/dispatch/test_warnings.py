"""Warnings persisted from the figures: level, prescribed action, lifecycle (open → dispatched →
resolved, or escalated), a unit red two months running opening a follow-up order by itself,
thresholds set by the bureau admin, and the district's scope on the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from dispatch.figures import dispatch_thresholds
from dispatch.models import (
    Actual,
    DispatchWarning,
    FollowUpOrder,
    OrderSource,
    WarningAction,
    WarningLevel,
    WarningStatus,
)
from dispatch.workflow.common import WorkflowError, dispatch_settings_update
from dispatch.workflow.reports import (
    FigureInput,
    monthly_report_accept,
    monthly_report_create,
    monthly_report_fill,
    monthly_report_submit,
)
from dispatch.workflow.warnings import (
    bulletin_proposals,
    escalation_create,
    meeting_convene,
    meeting_record,
    prescribed_action,
    warning_level,
    warning_resolve,
    warnings_refresh,
)
from kechuang.core.models import Event
from plan.models import Indicator

NEG, DROP, BOTTOM, BEHIND, RISK = (
    "NEGATIVE_GROWTH",
    "GROWTH_DROP",
    "BOTTOM_RANK",
    "BEHIND_SCHEDULE",
    "AT_RISK",
)


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T10:00"))


@pytest.mark.parametrize(
    ("codes", "level"),
    [
        ([NEG], "red"),
        ([BEHIND, RISK, BOTTOM], "red"),
        ([DROP], "orange"),
        ([BOTTOM], "orange"),
        ([BEHIND, RISK], "orange"),
        ([BEHIND], "yellow"),
        ([RISK], "yellow"),
    ],
)
def test_level(codes, level):
    assert warning_level(codes) == level


def test_prescribed_action():
    assert prescribed_action([NEG], 5) == WarningAction.DISPATCH_MEETING
    assert prescribed_action([BOTTOM], 5) == WarningAction.DISPATCH_MEETING
    assert prescribed_action([RISK], 5) == WarningAction.WATCH
    assert prescribed_action([BEHIND], 5, slow_months=2) == WarningAction.WATCH
    assert prescribed_action([BEHIND], 5, slow_months=3) == WarningAction.SPECIAL_REPORT  # 久拖不决
    assert prescribed_action([RISK], 5, after_meeting=True) == WarningAction.SPECIAL_REPORT  # 经调度仍无进展
    assert prescribed_action([RISK], 12) == WarningAction.BULLETIN  # the year ended short: 不按量
    assert prescribed_action([NEG], 12) == WarningAction.DISPATCH_MEETING


@pytest.fixture
def figures(units):
    """高新技术产业产值: every district 100 in Jan–Mar 2022; in 2023 碧江 +10 % then +15 %, 万山
    −10 % then −5 % (negative growth and the bottom rank), the rest +5 %."""
    ht = Indicator.objects.get(code="HT_OUTPUT")
    rows = []
    for code, u in units.items():
        if u.kind != "district":
            continue
        for month in (1, 2, 3):
            rows.append(
                Actual(unit=u, indicator=ht, year=2022, month=month, value=100 * month, origin="import")
            )
        feb, mar = {"520602": (220, 345), "520603": (180, 285)}.get(code, (210, 315))
        rows += [
            Actual(unit=u, indicator=ht, year=2023, month=2, value=feb, origin="import"),
            Actual(unit=u, indicator=ht, year=2023, month=3, value=mar, origin="import"),
        ]
    Actual.objects.bulk_create(rows)
    return ht


def test_refresh_persists_the_warnings_with_level_figures_and_action(users, figures):
    result = warnings_refresh(actor=users["staff"], year=2023, month=2)
    assert (result.created, result.updated, result.cleared, result.orders) == (1, 0, 0, [])
    w = DispatchWarning.objects.get()
    assert (w.unit.code, w.indicator.code, w.year, w.month) == ("520603", "HT_OUTPUT", 2023, 2)
    assert w.codes == [NEG, BOTTOM] and w.level == WarningLevel.RED
    assert w.action == WarningAction.DISPATCH_MEETING and w.status == WarningStatus.OPEN
    assert w.figures["yoy"] == pytest.approx(-0.1) and w.figures["rank"] == 10 and w.figures["actual"] == 180
    # idempotent
    again = warnings_refresh(actor=users["staff"], year=2023, month=2)
    assert (again.created, again.updated, again.cleared) == (0, 0, 0)
    assert DispatchWarning.objects.count() == 1
    assert Event.objects.filter(message="warnings refreshed").count() == 2


def test_red_two_months_running_opens_one_follow_up_order(users, figures):
    warnings_refresh(actor=users["staff"], year=2023, month=2, at=at("2023-03-06"))
    assert not FollowUpOrder.objects.exists()
    result = warnings_refresh(actor=users["staff"], year=2023, month=3, at=at("2023-04-06"))
    order = FollowUpOrder.objects.get()
    assert result.orders == [order]
    assert (order.unit.code, order.source, order.warning.month) == ("520603", OrderSource.RED_TWICE, 3)
    assert order.issued_by is None and order.due == dt.date(2023, 4, 16)
    assert "2023-02" in order.body and "2023-03" in order.body
    # running again, or a third red month, opens no second order while this one is not closed
    warnings_refresh(actor=users["staff"], year=2023, month=3, at=at("2023-04-07"))
    assert FollowUpOrder.objects.count() == 1
    assert Event.objects.filter(message="follow-up order issued", object_id=str(order.pk)).exists()


def test_one_red_month_then_another_indicator_opens_nothing(users, figures, units):
    # 万山 red in March only (February corrected upward): no order
    Actual.objects.filter(unit=units["520603"], year=2023, month=2).update(value=230)
    warnings_refresh(actor=users["staff"], year=2023, month=2)
    warnings_refresh(actor=users["staff"], year=2023, month=3)
    assert not FollowUpOrder.objects.exists()


def test_lifecycle_meeting_then_no_progress_proposes_a_special_report(users, figures, units):
    staff = users["staff"]
    warnings_refresh(actor=staff, year=2023, month=2)
    feb = DispatchWarning.objects.get(month=2)
    # when the city leader convenes a dispatch meeting on it
    meeting = meeting_convene(
        actor=staff,
        year=2023,
        held_on=dt.date(2023, 3, 15),
        title="一季度指标调度会",
        chair="分管副市长",
        warnings=[feb],
    )
    feb.refresh_from_db()
    assert feb.status == WarningStatus.DISPATCHED and feb.meeting == meeting
    assert list(meeting.units.values_list("code", flat=True)) == ["520603"]
    with pytest.raises(WorkflowError) as exc:  # held needs its decisions
        meeting_record(actor=staff, meeting=meeting, minutes="会议纪要", decisions="")
    assert exc.value.field == "decisions"
    meeting_record(actor=staff, meeting=meeting, minutes="会议纪要", decisions="万山区4月底前提交整改方案")
    # then March still warns: no progress after the meeting → a written special report
    warnings_refresh(actor=staff, year=2023, month=3)
    mar = DispatchWarning.objects.get(month=3)
    assert mar.action == WarningAction.SPECIAL_REPORT
    esc = escalation_create(
        actor=staff,
        kind="special_report",
        unit=units["520603"],
        year=2023,
        subject="关于万山区高新技术产业产值负增长的专题报告",
        body="经调度仍无实质性进展",
        sent_on=dt.date(2023, 4, 10),
        warnings=[mar],
    )
    mar.refresh_from_db()
    assert mar.status == WarningStatus.ESCALATED and mar.escalation == esc
    assert esc.recipient == "铜仁市人民政府"
    with pytest.raises(WorkflowError):  # an escalated warning is not dispatched again
        meeting_convene(
            actor=staff, year=2023, held_on=dt.date(2023, 4, 20), title="t", chair="c", warnings=[mar]
        )


def test_a_planned_meeting_does_not_count_as_dispatch_yet(users, figures):
    warnings_refresh(actor=users["staff"], year=2023, month=2)
    feb = DispatchWarning.objects.get(month=2)
    meeting_convene(
        actor=users["staff"], year=2023, held_on=dt.date(2023, 3, 15), title="t", chair="c", warnings=[feb]
    )
    warnings_refresh(actor=users["staff"], year=2023, month=3)
    assert DispatchWarning.objects.get(month=3).action == WarningAction.DISPATCH_MEETING


def test_corrected_figures_clear_and_reopen_a_warning(users, figures, units):
    warnings_refresh(actor=users["staff"], year=2023, month=2)
    Actual.objects.filter(unit=units["520603"], year=2023, month=2).update(value=Decimal(230))
    result = warnings_refresh(actor=users["staff"], year=2023, month=2)
    w = DispatchWarning.objects.get()
    assert result.cleared == 1 and w.cleared and w.status == WarningStatus.RESOLVED and w.resolved_by is None
    Actual.objects.filter(unit=units["520603"], year=2023, month=2).update(value=Decimal(180))
    warnings_refresh(actor=users["staff"], year=2023, month=2)
    w.refresh_from_db()
    assert not w.cleared and w.status == WarningStatus.OPEN


def test_resolve_needs_a_note_and_the_bureau(users, figures):
    warnings_refresh(actor=users["staff"], year=2023, month=2)
    w = DispatchWarning.objects.get()
    with pytest.raises(WorkflowError):
        warning_resolve(actor=users["staff"], warning=w, note=" ")
    for role in ("district", "leader"):
        with pytest.raises(PermissionError):
            warning_resolve(actor=users[role], warning=w, note="x")
    warning_resolve(actor=users["staff"], warning=w, note="统计口径调整，已核实")
    w.refresh_from_db()
    assert w.status == WarningStatus.RESOLVED and w.resolved_by == users["staff"]
    with pytest.raises(WorkflowError):
        warning_resolve(actor=users["staff"], warning=w, note="again")
    # a resolved warning stays resolved when the figures still warn (the bureau decided)
    warnings_refresh(actor=users["staff"], year=2023, month=2)
    w.refresh_from_db()
    assert w.status == WarningStatus.RESOLVED


def test_thresholds_set_by_the_admin_are_read_by_the_figures(users, figures):
    assert dispatch_thresholds(2023).negative_growth == 0.0
    with pytest.raises(PermissionError):
        dispatch_settings_update(actor=users["staff"], year=2023, thresholds={"negative_growth": -0.2})
    with pytest.raises(WorkflowError):
        dispatch_settings_update(actor=users["admin"], year=2023, thresholds={"nonsense": 1})
    dispatch_settings_update(actor=users["admin"], year=2023, thresholds={"negative_growth": -0.2})
    assert dispatch_thresholds(2023).negative_growth == -0.2
    assert dispatch_thresholds(2024).negative_growth == 0.0
    warnings_refresh(actor=users["staff"], year=2023, month=2)
    w = DispatchWarning.objects.get()
    assert w.codes == [BOTTOM] and w.level == WarningLevel.ORANGE
    event = Event.objects.get(message="dispatch settings changed")
    assert event.data["after"]["thresholds"] == {"negative_growth": -0.2} and event.actor == users["admin"]


def test_accepting_the_last_report_of_a_month_refreshes_its_warnings(users, units, figures):
    reported = [i.code for i in Indicator.objects.filter(source="reported").exclude(kind="ratio")]
    values = {"520602": 220, "520603": 180}
    for code, u in units.items():
        if u.kind not in ("district", "zone"):
            continue
        assert not DispatchWarning.objects.exists()
        r = monthly_report_create(actor=users["staff"], unit=u, year=2023, month=2)
        figs = {c: FigureInput(Decimal(1)) for c in reported}
        figs["HT_OUTPUT"] = FigureInput(Decimal(values.get(code, 210)))
        monthly_report_fill(actor=users["staff"], report=r, figures=figs)
        monthly_report_submit(actor=users["staff"], report=r, at=at("2023-03-03"))
        monthly_report_accept(actor=users["staff"], report=r, at=at("2023-03-04"))
    assert DispatchWarning.objects.filter(unit__code="520603", indicator__code="HT_OUTPUT", month=2).exists()


def test_bulletin_proposals_list_who_did_not_deliver(users, units, figures):
    r = monthly_report_create(actor=users["district"], unit=units["520602"], year=2023, month=1)
    monthly_report_fill(
        actor=users["district"],
        report=r,
        figures={
            i.code: FigureInput(Decimal(1))
            for i in Indicator.objects.filter(source="reported").exclude(kind="ratio")
        },
    )
    monthly_report_submit(actor=users["district"], report=r, at=at("2023-02-08"))
    proposals = {p["unit"].code: p["reasons"] for p in bulletin_proposals(2023, as_of=dt.date(2023, 2, 10))}
    # 碧江 sent January on 2-08, three days after the due day; the others sent nothing
    assert (
        len(proposals["520602"]) == 1
        and "2023-01" in proposals["520602"][0]
        and "3" in proposals["520602"][0]
    )
    assert (
        len(proposals["520603"]) == 1
        and "2023-01" in proposals["520603"][0]
        and "5" in proposals["520603"][0]
    )
    assert len(proposals) == 12


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def test_pages_and_scope(users, figures, units):
    warnings_refresh(actor=users["staff"], year=2023, month=2)
    w = DispatchWarning.objects.get()
    district = Client()
    district.force_login(users["district"])  # 碧江: no warning of its own
    assert "万山区" not in district.get("/dispatch/warnings/?year=2023").content.decode()
    assert district.get(f"/dispatch/warnings/{w.pk}/").status_code == 404
    assert district.post("/dispatch/warnings/refresh/", {"year": 2023, "month": 2}).status_code == 404
    assert district.get("/api/v1/dispatch/warnings").json()["count"] == 0
    assert district.get("/dispatch/warnings/thresholds/?year=2023").status_code == 200
    assert district.post("/dispatch/warnings/thresholds/", {"year": 2023}).status_code == 404
    staff = Client()
    staff.force_login(users["staff"])
    assert "万山区" in staff.get("/dispatch/warnings/?year=2023&month=2").content.decode()
    assert staff.get(f"/dispatch/warnings/{w.pk}/").status_code == 200
    r = staff.post(f"/dispatch/warnings/{w.pk}/resolve/", {"note": ""})
    assert r.status_code == 200 and r.context["resolve_form"].errors["note"]
    r = staff.get(f"/dispatch/meetings/new/?warnings={w.pk}")
    assert r.status_code == 200
    r = staff.post(
        "/dispatch/meetings/new/",
        {"title": "调度会", "held_on": "2023-03-15", "chair": "分管副市长", "warnings": [w.pk], "units": []},
    )
    assert r.status_code == 302
    w.refresh_from_db()
    assert w.status == WarningStatus.DISPATCHED
    assert staff.get(r["Location"]).status_code == 200
    assert staff.get("/dispatch/escalations/?year=2023").status_code == 200
    r = staff.post(
        "/dispatch/escalations/new/",
        {
            "kind": "bulletin",
            "unit": units["520603"].pk,
            "subject": "通报",
            "body": "",
            "sent_on": "2023-04-01",
        },
    )
    assert r.status_code == 200 and r.context["form"].errors["body"]
    admin = Client()
    admin.force_login(users["admin"])
    form = {
        "year": 2023,
        "negative_growth_pct": "-20",
        "growth_drop_pp": "5",
        "bottom_rank_places": 2,
        "behind_schedule_pct": "10",
        "at_risk_pct": "100",
    }
    assert admin.post("/dispatch/warnings/thresholds/", form).status_code == 302
    assert dispatch_thresholds(2023).negative_growth == pytest.approx(-0.2)
