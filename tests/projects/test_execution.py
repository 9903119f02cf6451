"""After approval: tranches within the budget and gated by milestones, acceptance outcomes from
the task-book checklist, the overdue clean-up (extend, terminate, accept) and the plan's schedule
check (application and review in H1, approval and first payment by the end of Q3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.access import Refused
from projects.models import Application, ApplicationStatus, Project, ProjectStatus, TrancheStatus
from projects.schedule import schedule_findings
from projects.services import execution as svc
from tests.projects.conftest import login


@pytest.fixture
def project(units, enterprises):
    p = Project.objects.create(
        number="TRKJ-2022-007",
        title="锰渣建材",
        year=2022,
        unit=units["520602"],
        enterprise=enterprises["bijiang"],
        undertaker="碧江测试企业",
        budget=Decimal("50"),
        approved_on=dt.date(2022, 6, 1),
        starts_on=dt.date(2022, 6, 1),
        ends_on=dt.date(2023, 5, 31),
    )
    p.indicators.create(name="授权发明专利", target=Decimal("2"), measure="件")
    p.indicators.create(name="新增产值", target=Decimal("500"), measure="万元")
    return p


@pytest.mark.django_db
def test_tranches_stay_within_the_budget(users, project):
    staff = users["staff"]
    svc.tranche_add(actor=staff, project=project, amount=Decimal("30"), planned_on=dt.date(2022, 6, 10))
    with pytest.raises(Refused, match="50"):
        svc.tranche_add(actor=staff, project=project, amount=Decimal("30"), planned_on=dt.date(2022, 12, 1))
    t = project.tranches.get()
    with pytest.raises(Refused):
        svc.tranche_pay(actor=staff, tranche=t, paid_on=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(PermissionError):
        svc.tranche_pay(actor=users["district"], tranche=t, paid_on=dt.date(2022, 6, 10))
    svc.tranche_pay(actor=staff, tranche=t, paid_on=dt.date(2022, 6, 10))
    with pytest.raises(Refused):
        svc.tranche_pay(actor=staff, tranche=t, paid_on=dt.date(2022, 6, 11))


def _results(acc, met=True):
    return {i["key"]: {"met": met, "achieved": "3" if i["indicator"] else ""} for i in acc.checklist}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "outcome, status",
    [
        ("passed", ProjectStatus.ACCEPTED),
        ("failed", ProjectStatus.FAILED),
        ("terminated", ProjectStatus.TERMINATED),
    ],
)
def test_acceptance_outcomes(users, project, outcome, status):
    staff = users["staff"]
    svc.tranche_add(actor=staff, project=project, amount=Decimal("20"), planned_on=dt.date(2023, 1, 1))
    acc = svc.acceptance_open(actor=staff, project=project, opened_on=dt.date(2023, 6, 1))
    assert [i["name"] for i in acc.checklist] == [
        "授权发明专利",
        "新增产值",
        "经费使用符合预算和财务规定",
        "验收材料齐全(工作报告、技术报告、经费决算)",
    ]
    svc.acceptance_decide(
        actor=staff,
        acceptance=acc,
        outcome=outcome,
        results=_results(acc),
        decided_on=dt.date(2023, 6, 20),
        remarks="专家组意见",
    )
    project.refresh_from_db()
    assert project.status == status
    assert project.indicators.get(name="授权发明专利").achieved == Decimal("3")
    expected = TrancheStatus.PLANNED if outcome == "passed" else TrancheStatus.CANCELLED
    assert project.tranches.get().status == expected


@pytest.mark.django_db
def test_passing_with_an_unmet_item_needs_remarks_and_postponement_needs_a_date(users, project):
    staff = users["staff"]
    acc = svc.acceptance_open(actor=staff, project=project, opened_on=dt.date(2023, 6, 1))
    results = _results(acc)
    results[acc.checklist[0]["key"]]["met"] = False
    with pytest.raises(Refused, match="授权发明专利"):
        svc.acceptance_decide(
            actor=staff, acceptance=acc, outcome="passed", results=results, decided_on=dt.date(2023, 6, 20)
        )
    with pytest.raises(Refused):
        svc.acceptance_decide(
            actor=staff, acceptance=acc, outcome="postponed", results=results, decided_on=dt.date(2023, 6, 20)
        )
    svc.acceptance_decide(
        actor=staff,
        acceptance=acc,
        outcome="postponed",
        results=results,
        decided_on=dt.date(2023, 6, 20),
        new_due=dt.date(2023, 12, 31),
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.EXTENDED and project.due_on == dt.date(2023, 12, 31)
    # a new acceptance may be opened after a postponement
    svc.acceptance_open(actor=staff, project=project, opened_on=dt.date(2023, 7, 1))


@pytest.mark.django_db
def test_overdue_list_and_clean_up(users, project, units):
    staff = login(users["staff"])
    body = staff.get("/projects/projects/overdue/").content.decode()
    assert project.number in body
    # the district sees its own overdue projects; another district's are not listed
    assert project.number in login(users["district"]).get("/projects/projects/overdue/").content.decode()
    today = timezone.localdate()
    staff.post(
        f"/projects/projects/{project.pk}/extend/",
        {"new_due": (today + dt.timedelta(days=90)).isoformat(), "reason": "疫情影响"},
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.EXTENDED and not project.is_overdue()
    assert project.number not in staff.get("/projects/projects/overdue/").content.decode()
    staff.post(f"/projects/projects/{project.pk}/terminate/", {"on": today.isoformat(), "reason": "企业停产"})
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED and project.close_reason == "企业停产"
    # a closed project takes no more payments or checks
    with pytest.raises(Refused):
        svc.tranche_add(actor=users["staff"], project=project, amount=Decimal("1"), planned_on=today)


@pytest.mark.django_db
def test_schedule_findings_by_hand(users, guide, make_application, enterprises, units):
    """Three applications of the 2023 call: A reviewed on 20 June, approved 15 August and paid
    10 September (on time); B reviewed on 5 July (late for H1), approved 3 October (late for Q3)
    and never paid (late); C still in review (late for both as of 1 November)."""
    from enterprises.models import Enterprise

    tz = timezone.get_current_timezone()
    at = lambda d: dt.datetime.combine(d, dt.time(10), tzinfo=tz)  # noqa: E731
    guide.closes_at = at(dt.date(2023, 4, 30))
    guide.opens_at = at(dt.date(2023, 3, 1))
    guide.save()
    e2 = Enterprise.objects.create(uscc="91520602MA6DNXY13L", name="碧江锰业", unit=units["520602"])
    e3 = Enterprise.objects.create(uscc="91520603MA6DNXY14X", name="万山锰业", unit=units["520603"])
    enterprises.update(b=e2, c=e3)
    rows = {}
    for key, reviewed, approved, paid in (
        ("bijiang", dt.date(2023, 6, 20), dt.date(2023, 8, 15), dt.date(2023, 9, 10)),
        ("b", dt.date(2023, 7, 5), dt.date(2023, 10, 3), None),
        ("c", None, None, None),
    ):
        app = make_application(key)
        status = ApplicationStatus.APPROVED if approved else ApplicationStatus.IN_REVIEW
        Application.objects.filter(pk=app.pk).update(
            status=status,
            submitted_at=at(dt.date(2023, 4, 1)),
            accepted_at=at(dt.date(2023, 5, 10)),
            reviewed_at=at(reviewed) if reviewed else None,
        )
        if approved:
            p = Project.objects.create(
                number=f"P-{key}",
                title="x",
                year=2023,
                application=app,
                unit=app.unit,
                undertaker="x",
                budget=Decimal("10"),
                approved_on=approved,
                starts_on=approved,
                ends_on=approved + dt.timedelta(days=700),
            )
            p.tranches.create(
                seq=1,
                amount=Decimal("10"),
                planned_on=approved,
                status="paid" if paid else "planned",
                paid_on=paid,
            )
        rows[key] = app
    findings = schedule_findings(2023, as_of=dt.date(2023, 11, 1))
    got = [(f.kind, f.number, f.done_on, f.days_late) for f in findings]
    b, c = rows["b"].number, rows["c"].number
    assert got == [
        ("review", b, dt.date(2023, 7, 5), 5),
        ("review", c, None, 124),
        ("approval", b, dt.date(2023, 10, 3), 3),
        ("approval", c, None, 32),
        ("disbursement", "P-b", None, 32),
    ]
    # as of 30 June nothing is late yet except nothing; as of 1 July the open reviews are
    assert schedule_findings(2023, as_of=dt.date(2023, 6, 30)) == []
    assert [f.number for f in schedule_findings(2023, as_of=dt.date(2023, 7, 1))] == [b, c]
    # the page shows them to the bureau, and a district only its own
    assert c in login(users["staff"]).get("/projects/schedule/?year=2023").content.decode()
    district_page = login(users["district"]).get("/projects/schedule/?year=2023").content.decode()
    assert b in district_page and c not in district_page


@pytest.mark.django_db
def test_task_book_docx(users, project, make_user, enterprises):
    """The task book lists the indicators and the tranches (30 + 20 = 50万元); the enterprise
    reads its own, another enterprise gets a 404."""
    import io

    from docx import Document

    from kechuang.core.roles import Role

    staff = users["staff"]
    svc.tranche_add(actor=staff, project=project, amount=Decimal("30"), planned_on=dt.date(2022, 6, 10))
    svc.tranche_add(actor=staff, project=project, amount=Decimal("20"), planned_on=dt.date(2023, 1, 10))
    url = f"/projects/projects/{project.pk}/taskbook.docx"
    response = login(users["enterprise"]).get(url)
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "项目编号:TRKJ-2022-007" in text and "实施期限:2022年06月01日至2023年05月31日" in text
    assert "市级财政资金:50万元" in text and "合计50万元。" in text
    indicators, tranches = doc.tables[0], doc.tables[1]
    assert [c.text for c in indicators.rows[1].cells[:4]] == ["1", "授权发明专利", "2", "件"]
    assert [[r.cells[0].text, r.cells[1].text] for r in tranches.rows[1:]] == [
        ["第一批", "30"],
        ["第二批", "20"],
    ]
    other = make_user("ent-wanshan", Role.ENTERPRISE, enterprise=enterprises["wanshan"])
    assert login(other).get(url).status_code == 404
