"""The plan's own deadlines (上半年完成申报评审, 三季度前完成立项拨付) checked against the project
records: what was done by the due date, late, or not at all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from dispatch.models import ItemAssignment
from dispatch.workflow.deadlines import deadline_checks
from dispatch.workflow.followup import followup_sync
from plan.models import Deadline

D = dt.date


def plan_deadlines():
    return list(Deadline.objects.filter(text__contains="评审").order_by("due"))


def checks(today):
    return {c.kind: c for c in deadline_checks(plan_deadlines(), 2023, today=today)}


@pytest.fixture
def guide(users, units):
    from projects.models import CallGuide, GuideCategory

    now = timezone.now()
    g = CallGuide.objects.create(
        year=2023,
        unit=units["520600"],
        title="2023年度铜仁市科技计划项目申报指南",
        opens_at=now,
        closes_at=now + dt.timedelta(days=10),
        budget=Decimal("1000"),
        eligibility="在铜仁市注册的企业。",
    )
    GuideCategory.objects.create(
        guide=g, kind="key_rd", name="重点研发", code="KY", budget=Decimal("600"), max_funding=Decimal("100")
    )
    return g


def project(units, number, approved, paid=None, year=2023):
    from projects.models import Project, Tranche, TrancheStatus

    p = Project.objects.create(
        number=number,
        title=number,
        year=year,
        unit=units["520602"],
        undertaker="碧江测试企业",
        budget=Decimal("50"),
        approved_on=approved,
        starts_on=approved,
        ends_on=approved + dt.timedelta(days=365),
    )
    Tranche.objects.create(
        project=p,
        seq=1,
        amount=Decimal("25"),
        planned_on=approved,
        status=TrancheStatus.PAID if paid else TrancheStatus.PLANNED,
        paid_on=paid,
    )
    return p


def application(guide, units, number, *, accepted=None, reviewed=None, status="reviewed"):
    from projects.models import Application

    def aware(day):
        return None if day is None else timezone.make_aware(dt.datetime.combine(day, dt.time(15)))

    return Application.objects.create(
        guide=guide,
        category=guide.categories.get(code="KY"),
        number=number,
        title=number,
        applicant_kind="enterprise",
        applicant_name="碧江测试企业",
        unit=units["520602"],
        leader="张工",
        summary="研究。",
        requested=Decimal("80"),
        status=status,
        accepted_at=aware(accepted),
        reviewed_at=aware(reviewed),
    )


@pytest.mark.django_db
def test_the_plan_names_a_review_and_a_funding_deadline(plan):
    assert [(d.due, d.text) for d in plan_deadlines()] == [
        (D(2023, 6, 30), "在上半年完成计划项目申报及评审工作"),
        (D(2023, 9, 30), "三季度前完成全年所有科技项目申报、评审、立项及资金拨付等工作"),
    ]
    assert {k: c.state for k, c in checks(D(2023, 12, 1)).items()} == {
        "review": "no_records",
        "funding": "no_records",
    }


@pytest.mark.django_db
def test_funding_by_the_end_of_the_third_quarter(plan, units):
    project(units, "P1", D(2023, 7, 1), D(2023, 8, 15))  # on time
    project(units, "P0", D(2022, 7, 1), D(2022, 8, 15), year=2022)  # another year's
    assert checks(D(2023, 12, 1))["funding"].state == "met"
    project(units, "P2", D(2023, 8, 1), D(2023, 10, 10))  # paid late
    project(units, "P3", D(2023, 9, 1))  # not paid
    c = checks(D(2023, 12, 1))["funding"]
    assert (c.total, c.on_time, c.late, c.open, c.state) == (3, 1, 1, 1, "missed")
    assert checks(D(2023, 9, 30))["funding"].state == "pending"


@pytest.mark.django_db
def test_review_by_the_end_of_the_first_half(plan, units, guide):
    application(guide, units, "A1", accepted=D(2023, 5, 2), reviewed=D(2023, 6, 30))  # on the day
    application(guide, units, "A2", accepted=D(2023, 5, 2), reviewed=D(2023, 7, 2))  # late
    application(guide, units, "A3", accepted=D(2023, 6, 1), status="in_review")  # not done
    application(guide, units, "A4", status="submitted")  # never taken into review
    application(guide, units, "A5", accepted=D(2023, 5, 2), status="withdrawn")
    c = checks(D(2023, 7, 1))["review"]
    assert (c.total, c.on_time, c.late, c.open, c.state) == (3, 1, 1, 1, "missed")
    assert checks(D(2023, 6, 1))["review"].state == "pending"


@pytest.mark.django_db
def test_the_item_page_shows_the_checks(users, plan, units):
    followup_sync(actor=users["staff"], plan=plan)
    project(units, "P1", D(2023, 7, 1), D(2023, 8, 15))
    a = ItemAssignment.objects.filter(item__deadlines__text__contains="拨付").first()
    client = Client()
    client.force_login(users["staff"])
    body = client.get(f"/dispatch/followup/items/{a.pk}/").content.decode()
    assert "项目立项并拨付 (2023-09-30)" in body
    assert "截止前完成 1 / 1 项,逾期 0 项,未完成 0 项" in body
