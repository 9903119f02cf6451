"""The random draw (随机抽取): panel rules hold, the draw is a function of its seed and inputs, and
a draw made in the app replays exactly from what the round recorded."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projects.access import Refused
from projects.draw import FINANCIAL, TECHNICAL, DrawExpert, DrawInput, InfeasibleDraw, draw, expert_kind
from projects.models import Review
from projects.services import reviews as svc
from tests.projects.conftest import to_review


def test_expert_kind_from_tags_and_title():
    assert expert_kind(["财务"], "教授") == FINANCIAL
    assert expert_kind(["锰系材料"], "高级会计师") == FINANCIAL
    assert expert_kind(["锰系材料"], "教授") == TECHNICAL


def _input(seed, n_apps=4, n_tech=6, n_fin=2, k=5, cap=3, conflicts=()):
    experts = [DrawExpert(f"t{i}", TECHNICAL, cap) for i in range(n_tech)] + [
        DrawExpert(f"f{i}", FINANCIAL, cap) for i in range(n_fin)
    ]
    return DrawInput(
        seed=seed,
        k=k,
        min_technical_share=Fraction(3, 5),
        min_financial=1,
        applications=[f"A{i}" for i in range(n_apps)],
        experts=experts,
        conflicts=set(conflicts),
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**48),
    conflicts=st.sets(st.tuples(st.sampled_from(["t0", "t1", "f0"]), st.sampled_from(["A0", "A1"]))),
)
def test_panels_keep_the_rules_and_replay(seed, conflicts):
    inp = _input(seed, conflicts=conflicts)
    try:
        panels = draw(inp)
    except InfeasibleDraw as exc:
        assert exc.applications
        return
    assert panels == draw(_input(seed, conflicts=conflicts))  # same seed, same panels
    assert draw(DrawInput.from_json(inp.to_json())) == panels  # and from the recorded inputs
    load: dict = {}
    kinds = {e.id: e.kind for e in inp.experts}
    for app, panel in panels.items():
        assert len(panel) == 5 and len(set(panel)) == 5
        assert sum(kinds[e] == TECHNICAL for e in panel) >= math.ceil(Fraction(3, 5) * 5)
        assert sum(kinds[e] == FINANCIAL for e in panel) >= 1
        assert not any((e, app) in conflicts for e in panel)
        for e in panel:
            load[e] = load.get(e, 0) + 1
    assert all(v <= 3 for v in load.values())


def test_different_seeds_draw_differently_and_digest_names_the_inputs():
    a, b = draw(_input(1, n_tech=20, n_fin=5)), draw(_input(2, n_tech=20, n_fin=5))
    assert a != b
    assert _input(1).digest() == _input(1).digest() != _input(2).digest()


def test_infeasible_draw_names_application_and_reason():
    with pytest.raises(InfeasibleDraw) as exc:
        draw(_input(7, n_apps=1, n_fin=0))
    assert exc.value.applications == ("A0",)
    assert "financial" in exc.value.shortages[0].reason


@pytest.mark.django_db
def test_draw_in_the_app_is_recorded_and_replays(
    users, guide, make_application, make_expert, enterprises, units
):
    from enterprises.models import Enterprise

    apps = [to_review(make_application("bijiang"), users)]
    other = Enterprise.objects.create(uscc="91520602MA6DNXY13L", name="碧江锰业", unit=units["520602"])
    enterprises["other"] = other
    apps.append(to_review(make_application("other"), users))
    for n in range(5):
        make_expert(f"技术{n}", organisation=f"大学{n}", tags=("锰系材料",), max_load=2)
    make_expert("财务甲", organisation="会计师事务所", tags=("财务",), title="高级会计师", max_load=2)
    category = guide.categories.get(code="KY")
    rnd = svc.round_create(
        actor=users["staff"],
        guide=guide,
        category=category,
        method="draw",
        per_application=3,
        min_technical_share=Decimal("0.60"),
        min_financial=1,
    )
    record = svc.round_draw(actor=users["staff"], review_round=rnd, seed=20230415)
    rnd.refresh_from_db()
    assert rnd.draws[0]["seed"] == 20230415 and record["digest"] == rnd.draws[0]["digest"]
    for app in apps:
        panel = list(Review.objects.filter(application=app).select_related("expert"))
        assert len(panel) == 3
        assert sum("财务" in r.expert.expert_tags for r in panel) >= 1
        assert sum("锰系材料" in r.expert.expert_tags for r in panel) >= 2
    replay = svc.round_replay(rnd)
    assert replay[0]["same_as_record"] and replay[0]["same_as_reviews"] and replay[0]["digest_ok"]
    # the page shows it too
    from tests.projects.conftest import login

    body = login(users["staff"]).get(f"/projects/rounds/{rnd.pk}/?replay=1").content.decode()
    assert "20230415" in body

    # a withdrawal, then a second draw for the vacant seat keeps the panel rules and is recorded
    financial = next(
        r
        for r in Review.objects.filter(application=apps[0]).select_related("expert")
        if "财务" in r.expert.expert_tags
    )
    svc.review_withdraw(actor=financial.expert.user, review=financial, reason="亲属在申报单位任职")
    with pytest.raises(Refused, match="financial"):  # the only financial expert withdrew from it
        svc.round_draw(actor=users["staff"], review_round=rnd, seed=1)
    make_expert("财务乙", organisation="审计事务所", tags=("审计",), max_load=2)
    svc.round_draw(actor=users["staff"], review_round=rnd, seed=2)
    rnd.refresh_from_db()
    assert len(rnd.draws) == 2
    panel = Review.objects.filter(application=apps[0]).exclude(status="withdrawn").select_related("expert")
    assert sum(bool({"财务", "审计"} & set(r.expert.expert_tags)) for r in panel) == 1
    assert all(r["same_as_record"] and r["same_as_reviews"] for r in svc.round_replay(rnd))
