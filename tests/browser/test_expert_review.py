"""The reviewing expert's day (issue 10): only its own assignments, score one, declare a conflict on
another; the withdrawn application is then out of reach."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, shot
from tests.projects.conftest import to_review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_reviews(users, guide, make_application, make_expert, enterprises, units):
    from enterprises.models import Enterprise
    from projects.models import Review
    from projects.services import reviews as svc

    first = to_review(make_application("bijiang"), users)
    enterprises["other"] = Enterprise.objects.create(
        uscc="91520602MA6DNXY1X4", name="碧江锰业", unit=units["520602"]
    )
    second = to_review(make_application("other", title="碧江锰业电解锰清洁生产技术"), users)
    third = to_review(make_application("wanshan", title="万山汞污染土壤修复技术"), users)
    expert = make_expert("王明", organisation="贵州大学", tags=("锰系材料", "新型功能材料"), max_load=2)
    make_expert("李强", organisation="铜仁学院", tags=("锰系材料",), max_load=1, username="exp-li")
    rnd = svc.round_create(
        actor=users["staff"],
        guide=guide,
        category=guide.categories.get(code="KY"),
        method="optimal",
        per_application=1,
    )
    svc.round_assign(actor=users["staff"], review_round=rnd)
    mine = list(Review.objects.filter(expert=expert).select_related("application").order_by("pk"))
    assert len(mine) == 2, "the expert's load is two"
    others = Review.objects.exclude(expert=expert).select_related("application")
    return {"expert": expert, "mine": mine, "others": list(others), "apps": [first, second, third]}


def test_an_expert_sees_only_its_assignments_scores_one_and_declares_a_conflict(page, two_reviews):
    expert = two_reviews["expert"]
    mine, others = two_reviews["mine"], two_reviews["others"]
    login(page, expert.user.username)
    page.goto(page.base + "/projects/reviews/")
    table = page.locator("main table").inner_text()
    for review in mine:
        assert review.application.number in table
    for review in others:
        assert review.application.number not in table, "another expert's assignment is listed"
    shot(page, "expert-reviews")

    scored, conflicted = mine
    page.click(f"a[href='/projects/reviews/{scored.pk}/']")
    fields = page.locator("main form.stack input[type=number]")
    assert fields.count() >= 2
    shot(page, "expert-review-form")
    # A score above the item's maximum is refused next to the field, nothing saved.
    first = fields.first
    first.fill("999")
    page.fill("main form.stack textarea[name=comment]", "技术路线清晰，产业化前景较好。")
    page.click("main form.stack button.primary")
    assert page.locator(".errorlist").count() >= 1
    scored.refresh_from_db()
    assert scored.total is None
    total = 0
    for i in range(fields.count()):
        field = page.locator("main form.stack input[type=number]").nth(i)
        maximum = float(field.get_attribute("max"))
        value = round(maximum * 0.8, 1)
        total += value
        field.fill(str(value))
    page.fill("main form.stack textarea[name=comment]", "技术路线清晰，产业化前景较好。")
    page.click("main form.stack button.primary")
    page.wait_for_url("**/projects/reviews/")
    scored.refresh_from_db()
    assert float(scored.total) == pytest.approx(total)
    assert f"{total:g}" in page.locator("main table").inner_text().replace(".0", "")

    page.goto(f"{page.base}/projects/reviews/{conflicted.pk}/")
    page.click("main details summary")
    page.fill("main details textarea, main details input[name=reason]", "申报单位为本人近三年合作单位。")
    page.click("main details button[type=submit]")
    page.wait_for_url("**/projects/reviews/")
    conflicted.refresh_from_db()
    assert conflicted.status == "withdrawn"
    # The withdrawn application's page is no longer the expert's to read.
    # (Asked through the page's own session without navigating, so the 404 is no console error.)
    assert page.request.get(f"{page.base}/projects/reviews/{conflicted.pk}/").status == 404
    for review in others:
        assert page.request.get(f"{page.base}/projects/reviews/{review.pk}/").status == 404
