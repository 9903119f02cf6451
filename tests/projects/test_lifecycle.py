"""The whole lifecycle through the web, one role at a time: the bureau drafts and publishes the
guide, the enterprise applies with files and sees its status, the district checks and recommends,
the bureau accepts and assigns experts, each expert scores, the panel decides, the bureau
approves, pays, checks a milestone and accepts the project."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kechuang.core.models import Event, EventAction
from projects.models import (
    Application,
    ApplicationStatus,
    Project,
    ProjectStatus,
    Review,
    ReviewRound,
    ReviewStatus,
    TrancheStatus,
)
from tests.projects.conftest import login, pdf


@pytest.mark.django_db
def test_lifecycle_per_role(users, enterprises, make_expert):
    staff, district, ent = login(users["staff"]), login(users["district"]), login(users["enterprise"])
    now = timezone.localtime()
    # 1. the bureau drafts the guide, a category, and publishes it
    r = staff.post(
        "/projects/guides/new/",
        {
            "year": "2023",
            "title": "2023年度铜仁市科技计划项目申报指南",
            "opens_at": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "budget": "500",
            "eligibility": "本市注册企业",
            "max_per_applicant": "1",
            "min_years_registered": "0",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    guide_url = r["Location"]
    guide_pk = int(guide_url.rstrip("/").rsplit("/", 1)[-1])
    r = staff.post(
        f"/projects/guides/{guide_pk}/categories/new/",
        {
            "kind": "key_rd",
            "name": "重点研发",
            "code": "KY",
            "order": "1",
            "budget": "300",
            "max_funding": "100",
            "applicant_kinds": ["enterprise", "institution"],
            "reviewers_per_application": "2",
            "min_technical_share": "0.6",
            "min_financial": "0",
        },
    )
    assert r.status_code == 302, r.content.decode()[-3000:]
    staff.post(f"/projects/guides/{guide_pk}/publish/")
    assert ent.get("/projects/guide/2023/").status_code == 200
    # 2. the enterprise applies, attaches files, submits and sees its status
    category = Application._meta.get_field("category").related_model.objects.get(code="KY")
    r = ent.post(
        f"/projects/guides/{guide_pk}/apply/",
        {
            "new-category": category.pk,
            "new-applicant_kind": "enterprise",
            "app-title": "电解锰渣资源化利用",
            "app-tech_fields": "锰系材料; 新型功能材料",
            "app-leader": "李工",
            "app-summary": "锰渣制备建材。",
            "app-requested": "90",
            "app-self_funding": "30",
            "app-months": "24",
        },
    )
    assert r.status_code == 302, r.content.decode()[-3000:]
    app = Application.objects.get()
    assert app.enterprise == enterprises["bijiang"] and app.status == ApplicationStatus.DRAFT
    ent.post(f"/projects/applications/{app.pk}/files/", {"kind": "proposal", "file": pdf()})
    ent.post(f"/projects/applications/{app.pk}/files/", {"kind": "licence", "file": pdf("执照.pdf")})
    ent.post(f"/projects/applications/{app.pk}/submit/")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    # 3. the district returns it with a reason; the enterprise sees the reason and resubmits
    district.post(
        f"/projects/applications/{app.pk}/check/",
        {"passed": "0", "reasons": ["incomplete"], "note": "缺少预算说明"},
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RETURNED
    body = ent.get(f"/projects/applications/{app.pk}/").content.decode()
    assert "缺少预算说明" in body and "必填信息不完整" in body and "已退回修改" in body
    ent.post(f"/projects/applications/{app.pk}/submit/")
    district.post(f"/projects/applications/{app.pk}/check/", {"passed": "1"})
    # the enterprise cannot recommend itself
    assert ent.post(f"/projects/applications/{app.pk}/recommend/", {"recommended": "1"}).status_code == 404
    district.post(f"/projects/applications/{app.pk}/recommend/", {"recommended": "1", "order": "1"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RECOMMENDED
    # the district cannot accept for the bureau
    assert district.post(f"/projects/applications/{app.pk}/accept/").status_code == 404
    staff.post(f"/projects/applications/{app.pk}/accept/")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.IN_REVIEW
    # 4. review: two experts, assigned by the optimal job
    e1 = make_expert("王教授", tags=("锰系材料", "新型功能材料"), username="expert1x")
    e2 = make_expert("陈研究员", organisation="贵州大学", tags=("锰系材料",), username="expert2x")
    make_expert(
        "刘工", organisation="碧江测试企业", tags=("锰系材料", "新型功能材料"), username="expert3x"
    )  # same org
    r = staff.post(f"/projects/guides/{guide_pk}/rounds/new/", {"category": category.pk, "method": "optimal"})
    rnd = ReviewRound.objects.get()
    staff.post(f"/projects/rounds/{rnd.pk}/assign/")
    rnd.refresh_from_db()
    assert rnd.status == "assigned", rnd.result
    assert {r.expert_id for r in Review.objects.all()} == {e1.pk, e2.pk}
    for person, points in ((e1, ("25", "20", "15", "10", "8")), (e2, ("20", "20", "10", "10", "5"))):
        review = Review.objects.get(expert=person)
        expert = login(person.user)
        assert expert.get(f"/projects/applications/{app.pk}/").status_code == 302  # to the review page
        r = expert.post(
            f"/projects/reviews/{review.pk}/",
            {
                **{
                    f"score_{k}": v
                    for k, v in zip(
                        ["innovation", "feasibility", "team", "benefit", "budget"], points, strict=True
                    )
                },
                "comment": "可行",
            },
        )
        assert r.status_code == 302, r.content.decode()[-2000:]
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REVIEWED and app.score == Decimal("71.50")  # (78 + 65) / 2
    # the applicant does not learn who reviewed
    assert "王教授" not in ent.get(f"/projects/applications/{app.pk}/").content.decode()
    # 5. panel decision and approval
    staff.post(f"/projects/rounds/{rnd.pk}/rank/", {"normalise": "1"})
    app.refresh_from_db()
    assert app.rank == 1
    staff.post(f"/projects/applications/{app.pk}/decide/", {"decision": "fund", "funding": "80"})
    today = timezone.localdate()
    r = staff.post(
        f"/projects/applications/{app.pk}/approve/",
        {
            "number": "TRKJ-2023-001",
            "budget": "80",
            "approved_on": today.isoformat(),
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=700)).isoformat(),
            "indicators": "申请发明专利 | 2 | 件\n新增产值 | 500 | 万元",
            "tranches": f"50 | {today.isoformat()}\n30 | {(today + dt.timedelta(days=365)).isoformat()}",
        },
    )
    assert r.status_code == 302, r.content.decode()[-3000:]
    project = Project.objects.get()
    assert project.budget == Decimal("80") and project.indicators.count() == 2
    # 6. pay the first tranche; a milestone gates the second
    t1, t2 = project.tranches.order_by("seq")
    staff.post(f"/projects/tranches/{t1.pk}/pay/", {"paid_on": today.isoformat(), "voucher": "拨-001"})
    t1.refresh_from_db()
    assert t1.status == TrancheStatus.PAID
    district.post(
        f"/projects/projects/{project.pk}/milestones/",
        {"kind": "midterm", "title": "中期检查", "due_on": today.isoformat()},
    )
    m = project.milestones.get()
    t2.milestone = m
    t2.save()
    staff.post(f"/projects/tranches/{t2.pk}/pay/", {"paid_on": today.isoformat()})
    t2.refresh_from_db()
    assert t2.status == TrancheStatus.PLANNED  # the mid-term check has not passed
    district.post(
        f"/projects/milestones/{m.pk}/check/",
        {"passed": "1", "checked_on": today.isoformat(), "findings": "进度正常"},
    )
    staff.post(f"/projects/tranches/{t2.pk}/pay/", {"paid_on": today.isoformat()})
    t2.refresh_from_db()
    assert t2.status == TrancheStatus.PAID
    # 7. acceptance from the task-book checklist
    staff.post(f"/projects/projects/{project.pk}/acceptance/", {"opened_on": today.isoformat()})
    acc = project.acceptances.get()
    assert [i["name"] for i in acc.checklist][:2] == ["申请发明专利", "新增产值"]
    data = {"outcome": "passed", "decided_on": today.isoformat()}
    for item in acc.checklist:
        data[f"met_{item['key']}"] = "1"
        if item["indicator"]:
            data[f"achieved_{item['key']}"] = "3"
    r = staff.post(f"/projects/acceptances/{acc.pk}/", data)
    assert r.status_code == 302, r.content.decode()[-3000:]
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED
    assert Event.objects.filter(action=EventAction.WORKFLOW, message="acceptance decided").exists()
    # every step of the application was audited
    messages = list(
        Event.objects.filter(object_type="projects.Application", object_id=str(app.pk)).values_list(
            "message", flat=True
        )
    )
    for step in (
        "application submitted",
        "formal check: returned",
        "application resubmitted",
        "formal check passed",
        "recommended by the district",
        "accepted for expert review",
        "review completed",
        "panel decision",
        "approved",
    ):
        assert step in messages, step
    assert Review.objects.filter(status=ReviewStatus.SUBMITTED).count() == 2
