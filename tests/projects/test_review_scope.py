"""An expert reaches exactly the applications assigned to them and free of conflicts: an
unassigned application, one they withdrew from, and one whose conflict came to light after the
assignment are all 404 — pages, files and the API alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from org.models import ApiToken
from projects.models import Attachment, Review
from projects.services import reviews as svc
from tests.projects.conftest import login, to_review


@pytest.fixture
def assigned(users, guide, make_application, make_expert, enterprises, units):
    from enterprises.models import Enterprise

    mine = to_review(make_application("bijiang"), users)
    other_ent = Enterprise.objects.create(uscc="91520602MA6DNXY13L", name="碧江锰业", unit=units["520602"])
    enterprises["other"] = other_ent
    other = to_review(make_application("other", tech_fields=("茶产业",)), users)
    expert = make_expert("王明", organisation="贵州大学", tags=("锰系材料", "新型功能材料"), max_load=1)
    make_expert("陈芳", organisation="贵州省农业科学院", tags=("茶产业",), max_load=1)
    rnd = svc.round_create(
        actor=users["staff"],
        guide=guide,
        category=guide.categories.get(code="KY"),
        method="optimal",
        per_application=1,
    )
    svc.round_assign(actor=users["staff"], review_round=rnd)
    review = Review.objects.get(expert=expert)
    assert review.application == mine
    return {"expert": expert, "mine": mine, "other": other, "review": review, "rnd": rnd}


def _urls(app, review=None, attachment=None):
    urls = [f"/projects/applications/{app.pk}/", f"/api/v1/projects/applications/{app.pk}"]
    if attachment is not None:
        urls.append(f"/projects/files/{attachment.pk}/")
    if review is not None:
        urls += [f"/projects/reviews/{review.pk}/", f"/api/v1/projects/reviews/{review.pk}"]
    return urls


@pytest.mark.django_db
def test_expert_reaches_the_assigned_application(assigned):
    expert = login(assigned["expert"].user)
    mine, review = assigned["mine"], assigned["review"]
    att = Attachment.objects.filter(application=mine).first()
    assert expert.get(f"/projects/applications/{mine.pk}/").status_code == 302
    assert expert.get(f"/projects/reviews/{review.pk}/").status_code == 200
    response = expert.get(f"/projects/files/{att.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert expert.get(f"/api/v1/projects/applications/{mine.pk}").json()["number"] == mine.number
    assert [r["id"] for r in expert.get("/api/v1/projects/reviews").json()["items"]] == [review.pk]


@pytest.mark.django_db
def test_unassigned_application_is_404(assigned):
    expert = login(assigned["expert"].user)
    other = assigned["other"]
    att = Attachment.objects.filter(application=other).first()
    other_review = Review.objects.get(application=other)
    for url in _urls(other, other_review, att):
        assert expert.get(url).status_code == 404, url
    for url in (f"/projects/reviews/{other_review.pk}/", f"/projects/reviews/{other_review.pk}/withdraw/"):
        assert expert.post(url, {"comment": "x"}).status_code == 404, url
    assert [a["number"] for a in expert.get("/api/v1/projects/applications").json()["items"]] == [
        assigned["mine"].number
    ]


@pytest.mark.django_db
def test_withdrawn_for_a_conflict_is_404(assigned):
    client = login(assigned["expert"].user)
    mine, review = assigned["mine"], assigned["review"]
    att = Attachment.objects.filter(application=mine).first()
    assert (
        client.post(f"/projects/reviews/{review.pk}/withdraw/", {"reason": "与申报单位有合作"}).status_code
        == 302
    )
    for url in _urls(mine, review, att):
        assert client.get(url).status_code == 404, url
    _t, raw = ApiToken.issue(assigned["expert"].user)
    assert (
        client.get(f"/api/v1/projects/reviews/{review.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
        == 404
    )


@pytest.mark.django_db
def test_conflict_declared_after_assignment_is_404(assigned):
    """The expert declares a conflict with the applicant in the talent registry after the
    assignment: the review is still on record, but the application is closed to them."""
    from talent.models import DeclaredConflict

    mine, review = assigned["mine"], assigned["review"]
    DeclaredConflict.objects.create(
        person=assigned["expert"], organisation=mine.applicant_name, declared_on=dt.date.today()
    )
    client = login(assigned["expert"].user)
    att = Attachment.objects.filter(application=mine).first()
    for url in [
        f"/projects/reviews/{review.pk}/",
        f"/projects/files/{att.pk}/",
        f"/api/v1/projects/reviews/{review.pk}",
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/api/v1/projects/reviews/{review.pk}/score",
            {"scores": {}, "comment": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_expert_scores_only_within_the_rubric(assigned):
    client = login(assigned["expert"].user)
    review = assigned["review"]
    scores = {"innovation": "31", "feasibility": "20", "team": "15", "benefit": "10", "budget": "5"}
    body = client.post(
        f"/api/v1/projects/reviews/{review.pk}/score",
        {"scores": scores, "comment": "好"},
        content_type="application/json",
    )
    assert body.status_code == 422 and "30" in str(body.json()["detail"])
    scores["innovation"] = "28.5"
    body = client.post(
        f"/api/v1/projects/reviews/{review.pk}/score",
        {"scores": scores, "comment": "好"},
        content_type="application/json",
    )
    assert body.status_code == 200 and Decimal(body.json()["total"]) == Decimal("78.5")
    review.refresh_from_db()
    assert review.application.status == "reviewed"
