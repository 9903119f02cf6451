"""Scope-walk entries for the project module (see tests/walk/core.py): an unpublished call guide
(only the bureau reads it), and an application, its file, a review round with an expert's review,
an approved project with its task book, tranche, milestone and open acceptance, a draft challenge
list with a bid, a horse race and a provincial application — all of 万山区 (520603). The walking
expert (expert1) has no review of that application: every page of it is a 404 for them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kechuang.core.roles import Role
from projects.models import (
    Acceptance,
    Application,
    Attachment,
    Bid,
    CallGuide,
    ChallengeList,
    ExternalApplication,
    GuideCategory,
    GuideSection,
    HorseRace,
    Milestone,
    Project,
    Review,
    ReviewRound,
    TaskIndicator,
    Tranche,
)
from rules.idnumber import check_char


def foreign(world) -> dict:
    from talent.models import Person

    wanshan = world["units"]["520603"]
    city = world["units"]["520600"]
    ent = world["enterprises"]["wanshan"]
    now = timezone.now()
    guide = CallGuide.objects.create(
        year=2031,
        title="万山草拟指南",
        unit=city,
        opens_at=now - dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=5),
        budget=Decimal("100"),
    )
    category = GuideCategory.objects.create(
        guide=guide,
        kind="key_rd",
        name="重点研发",
        code="KY",
        budget=Decimal("100"),
        max_funding=Decimal("50"),
        applicant_kinds=["enterprise"],
        rubric=[{"key": "a", "label": "创新性", "max": 100}],
    )
    section = GuideSection.objects.create(guide=guide, category=category, title="万山锰渣", content="万山")
    app = Application.objects.create(
        guide=guide,
        category=category,
        number="2031-KY-0001",
        title="万山申报",
        applicant_kind="enterprise",
        enterprise=ent,
        applicant_name=ent.name,
        unit=wanshan,
        tech_fields=["锰系材料"],
        leader="万工",
        summary="万山",
        requested=Decimal("40"),
        status="in_review",
    )
    attachment = Attachment.objects.create(
        application=app,
        kind="proposal",
        original_name="万山.pdf",
        stored_name="0" * 32 + ".pdf",
        file_type="pdf",
        size=10,
        sha256="0" * 64,
    )
    body = "52060319800101001"
    expert_user = world["make_user"]("wanshan-expert", Role.EXPERT)
    person = Person.objects.create(
        name="万山专家",
        id_number=body + check_char(body),
        unit=wanshan,
        organisation="万山研究所",
        is_expert=True,
        expert_tags=["锰系材料"],
        user=expert_user,
    )
    rnd = ReviewRound.objects.create(
        guide=guide,
        category=category,
        method="optimal",
        per_application=1,
        min_technical_share=Decimal("0.6"),
        min_financial=0,
        status="assigned",
    )
    review = Review.objects.create(round=rnd, application=app, expert=person, reviewer_user=expert_user)
    project = Project.objects.create(
        number="WS-2031-01",
        title="万山项目",
        year=2031,
        unit=wanshan,
        enterprise=ent,
        undertaker=ent.name,
        budget=Decimal("40"),
        approved_on=dt.date(2023, 5, 1),
        starts_on=dt.date(2023, 5, 1),
        ends_on=dt.date(2024, 5, 1),
    )
    indicator = TaskIndicator.objects.create(project=project, name="专利", target=Decimal("1"))
    milestone = Milestone.objects.create(
        project=project, title="中期检查", kind="midterm", due_on=dt.date(2023, 11, 1)
    )
    tranche = Tranche.objects.create(
        project=project, seq=1, amount=Decimal("40"), planned_on=dt.date(2023, 5, 1)
    )
    acceptance = Acceptance.objects.create(project=project, opened_on=dt.date(2024, 5, 2), checklist=[])
    challenge = ChallengeList.objects.create(
        year=2031,
        title="万山榜单",
        unit=wanshan,
        enterprise=ent,
        owner_name=ent.name,
        field="锰",
        background="万山",
        requirements="万山",
        reward=Decimal("100"),
        deadline=dt.date(2031, 12, 31),
    )
    bid = Bid.objects.create(
        challenge=challenge,
        bidder_name=ent.name,
        enterprise=ent,
        leader="万工",
        plan="万山",
        price=Decimal("90"),
        months=12,
    )
    race = HorseRace.objects.create(
        year=2031,
        title="万山赛马",
        unit=wanshan,
        goal="万山",
        stage1_amount=Decimal("10"),
        later_amount=Decimal("20"),
        gate_on=dt.date(2031, 6, 1),
        ends_on=dt.date(2032, 6, 1),
    )
    external = ExternalApplication.objects.create(
        year=2023,
        level="provincial",
        programme="省科技支撑计划",
        title="万山省级项目",
        applicant_name=ent.name,
        enterprise=ent,
        unit=wanshan,
        domain="manganese",
        applied_on=dt.date(2023, 3, 1),
    )
    return {
        "p_guide": guide,
        "p_category": category,
        "p_section": section,
        "p_application": app,
        "p_attachment": attachment,
        "p_round": rnd,
        "p_review": review,
        "p_project": project,
        "p_indicator": indicator,
        "p_milestone": milestone,
        "p_tranche": tranche,
        "p_acceptance": acceptance,
        "p_challenge": challenge,
        "p_bid": bid,
        "p_race": race,
        "p_external": external,
    }


def _pk(key):
    return lambda w: {"pk": w[key].pk}


OBJECT_URLS = {
    # the guide (unpublished: only the bureau reaches it)
    **{
        name: _pk("p_guide")
        for name in (
            "projects_guide_detail",
            "projects_guide_edit",
            "projects_category_create",
            "projects_sections_draft",
            "projects_guide_publish",
            "projects_guide_withdraw",
            "projects_application_create",
            "projects_round_create",
        )
    },
    "projects_guide_public": lambda w: {"year": w["p_guide"].year},
    "projects_guide_docx": lambda w: {"year": w["p_guide"].year},
    "projects_category_edit": _pk("p_category"),
    "projects_section_edit": _pk("p_section"),
    "projects_section_delete": _pk("p_section"),
    # the application and its file
    **{
        f"projects_application_{step}": _pk("p_application")
        for step in (
            "detail",
            "edit",
            "submit",
            "withdraw",
            "check",
            "recommend",
            "accept",
            "reject",
            "decide",
            "approve",
        )
    },
    "projects_attachment_upload": _pk("p_application"),
    "projects_attachment_download": _pk("p_attachment"),
    "projects_attachment_delete": _pk("p_attachment"),
    # review
    **{
        f"projects_round_{step}": _pk("p_round")
        for step in ("detail", "progress", "assign", "draw", "rank", "export")
    },
    "projects_review_detail": _pk("p_review"),
    "projects_review_withdraw": _pk("p_review"),
    # the project
    **{
        name: _pk("p_project")
        for name in (
            "projects_project_detail",
            "projects_task_book",
            "projects_indicator_add",
            "projects_tranche_add",
            "projects_milestone_add",
            "projects_acceptance_open",
            "projects_project_extend",
            "projects_project_terminate",
        )
    },
    "projects_tranche_pay": _pk("p_tranche"),
    "projects_milestone_check": _pk("p_milestone"),
    "projects_acceptance_decide": _pk("p_acceptance"),
    # challenge lists, bids, races
    **{
        f"projects_challenge_{step}": _pk("p_challenge")
        for step in ("detail", "edit", "publish", "close", "public")
    },
    "projects_bid_create": _pk("p_challenge"),
    "projects_bid_withdraw": _pk("p_bid"),
    "projects_bid_select": _pk("p_bid"),
    "projects_race_detail": _pk("p_race"),
    "projects_race_team_add": _pk("p_race"),
    "projects_race_gate": _pk("p_race"),
    # provincial applications
    "projects_external_edit": _pk("p_external"),
    "projects_external_result": _pk("p_external"),
    # API
    "api:projects_guide_detail": lambda w: {"year": w["p_guide"].year},
    "api:projects_application_detail": lambda w: {"application_id": w["p_application"].pk},
    "api:projects_application_submit": lambda w: {"application_id": w["p_application"].pk},
    "api:projects_review_detail": lambda w: {"review_id": w["p_review"].pk},
    "api:projects_review_score": lambda w: {"review_id": w["p_review"].pk},
    "api:projects_project_detail": lambda w: {"project_id": w["p_project"].pk},
    "api:projects_challenge_detail": lambda w: {"challenge_id": w["p_challenge"].pk},
    "api:projects_external_detail": lambda w: {"external_id": w["p_external"].pk},
    "api:projects_challenge_bids": lambda w: {"challenge_id": w["p_challenge"].pk},
    "api:projects_race_detail": lambda w: {"race_id": w["p_race"].pk},
}

REFERENCE_URLS = {
    "api:projects_schedule": "a year's late items, filtered to the caller's units",
}


def rows(world):
    keys = (
        "p_guide",
        "p_category",
        "p_section",
        "p_application",
        "p_attachment",
        "p_round",
        "p_review",
        "p_project",
        "p_indicator",
        "p_milestone",
        "p_tranche",
        "p_acceptance",
        "p_challenge",
        "p_bid",
        "p_race",
        "p_external",
    )
    return [type(world[k]).objects.filter(pk=world[k].pk) for k in keys]
