"""The projects demo: the 2023 call walks from the guide to acceptance through the business
actions, every stage has something for each role, and the counters give the plan's 2023 figures."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from kechuang.core.indicators import counters
from projects import demo
from projects.models import (
    AcceptanceOutcome,
    Application,
    ApplicationStatus,
    ChallengeList,
    Project,
    ProjectStatus,
    Review,
    ReviewRound,
    ReviewStatus,
)
from projects.schedule import schedule_findings
from projects.services.reviews import round_replay


@pytest.fixture
def loaded(plan, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    from enterprises import demo as enterprise_demo
    from enterprises import demo_engagement
    from org import demo as org_demo
    from talent import demo as talent_demo

    rng = random.Random(2023)
    enterprise_demo.build(rng)
    demo_engagement.build(rng)
    org_demo.build(rng, make_password("x"))
    talent_demo.build(rng)
    return demo.build(rng)


@pytest.mark.django_db
def test_demo_year(loaded):
    counts = loaded
    assert counts["projects_drafts"] == 1 and counts["projects_not_recommended"] == 2
    assert Application.objects.filter(status=ApplicationStatus.RETURNED).count() == 1
    assert Application.objects.filter(status=ApplicationStatus.NOT_RECOMMENDED).count() == 2
    # 17 applications reached review, 3 experts each, one withdrawal replaced
    assert Review.objects.filter(status=ReviewStatus.SUBMITTED).count() == 17 * 3
    assert Review.objects.filter(status=ReviewStatus.WITHDRAWN).count() == 1
    for rnd in ReviewRound.objects.filter(method="draw"):
        assert all(r["digest_ok"] and r["same_as_record"] and r["same_as_reviews"] for r in round_replay(rnd))
    # scope: an expert sees exactly its active reviews' applications
    expert = Review.objects.filter(status=ReviewStatus.SUBMITTED).first().reviewer_user
    client = Client()
    client.force_login(expert)
    mine = set(Application.objects.filter(reviews__reviewer_user=expert).values_list("pk", flat=True))
    other = Application.objects.exclude(pk__in=mine).filter(status=ApplicationStatus.APPROVED).first()
    assert client.get(f"/projects/applications/{other.pk}/").status_code == 404
    # its own application leads to its review page
    own = client.get(f"/projects/applications/{min(mine)}/", follow=True)
    assert own.status_code == 200 and own.redirect_chain[0][0].startswith("/projects/reviews/")
    # execution and acceptance
    assert (
        Project.objects.filter(status=ProjectStatus.ACCEPTED, kind="call").count()
        == counts["projects_accepted"]
    )
    assert Project.objects.filter(acceptances__outcome=AcceptanceOutcome.FAILED).count() == 1
    overdue = [p for p in Project.objects.filter(kind="call") if p.is_overdue()]
    assert overdue
    # schedule: the doctors' reviews came in on 5 July, one first tranche was paid in October
    kinds = [f.kind for f in schedule_findings(2023, as_of=__import__("datetime").date(2023, 12, 31))]
    assert "review" in kinds and "disbursement" in kinds
    c = counters()
    city = {
        code: sum(v for (unit, m), v in c[code].monthly(2023).items() if unit == "520600" and m == 12)
        for code in c
    }
    assert city["CHALLENGE_LISTS"] == 2 == ChallengeList.objects.filter(year=2023, published=True).count()
    assert city["PROV_PROJECTS_AGRI"] == 11
    assert city["PROV_PROJECTS_MN"] == 2
    assert city["PARK_PROJECTS"] == 2
