"""Assignment from the app: the reviews the round writes are an optimal assignment (brute force on
a hand-made instance and on random small ones), never break a constraint (K distinct experts,
load limits, no conflict of interest), and an infeasible round names its applications."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import Application, Review, ReviewRound
from projects.services import reviews as svc
from rules.assignment import jaccard
from tests.projects.conftest import to_review

TAGS = ["锰系材料", "新型功能材料", "大数据", "茶产业", "中药材"]


def brute(apps, experts, k, forbidden):
    """apps: {number: tags}; experts: {id: (tags, load)}; forbidden: {(expert, number)}."""
    numbers = sorted(apps)
    options = [
        list(
            itertools.combinations(
                [e for e in sorted(experts) if (e, n) not in forbidden and experts[e][1] > 0], k
            )
        )
        for n in numbers
    ]
    best = None
    for choice in itertools.product(*options):
        load: dict = {}
        for group in choice:
            for e in group:
                load[e] = load.get(e, 0) + 1
        if any(load[e] > experts[e][1] for e in load):
            continue
        total = sum(
            (
                jaccard(frozenset(apps[n]), frozenset(experts[e][0]))
                for n, g in zip(numbers, choice, strict=True)
                for e in g
            ),
            Fraction(0),
        )
        if best is None or total > best:
            best = total
    return best


def assigned_total(rnd) -> Fraction:
    total = Fraction(0)
    for r in Review.objects.filter(round=rnd).select_related("application", "expert"):
        total += jaccard(frozenset(r.application.tech_fields), frozenset(r.expert.expert_tags))
    return total


def check_constraints(rnd, k, forbidden):
    reviews = list(Review.objects.filter(round=rnd).select_related("expert", "application"))
    by_app: dict = {}
    load: dict = {}
    for r in reviews:
        by_app.setdefault(r.application.number, []).append(r.expert_id)
        load[r.expert_id] = load.get(r.expert_id, 0) + 1
        assert (str(r.expert_id), r.application.number) not in forbidden
        assert r.reviewer_user_id == r.expert.user_id
    for number, experts in by_app.items():
        assert len(experts) == k and len(set(experts)) == k, number
    for r in reviews:
        assert load[r.expert_id] <= r.expert.max_load


@pytest.mark.django_db
def test_hand_made_instance_is_optimal(users, guide, make_application, make_expert, enterprises):
    """Three applications, five experts, K = 2. Automatic conflicts: 刘 works for the applicant
    of app 1 (same organisation); 赵 is on app 2's team (own proposal); 孙 declared a conflict with
    万山测试企业 (app 3's applicant). Loads: 王 1, others 2."""
    from talent.models import DeclaredConflict

    a1 = to_review(make_application("bijiang", tech_fields=("锰系材料", "新型功能材料")), users)
    a2 = to_review(
        make_application(
            "wanshan", tech_fields=("锰系材料",), team=[{"name": "赵敏", "organisation": "铜仁学院"}]
        ),
        users,
    )
    # a third application from 万山 needs another enterprise to respect one-per-applicant
    from enterprises.models import Enterprise

    other = Enterprise.objects.create(
        uscc="91520603MA6DNXY13L", name="万山锰业", unit=enterprises["wanshan"].unit
    )
    enterprises["other"] = other
    a3 = to_review(make_application("other", tech_fields=("新型功能材料", "大数据")), users)
    wang = make_expert("王明", organisation="贵州大学", tags=("锰系材料", "新型功能材料"), max_load=1)
    liu = make_expert("刘强", organisation="碧江测试企业", tags=("锰系材料", "新型功能材料"), max_load=2)
    zhao = make_expert("赵敏", organisation="铜仁学院", tags=("锰系材料",), max_load=2)
    sun = make_expert("孙丽", organisation="中南大学", tags=("新型功能材料", "大数据"), max_load=2)
    zhou = make_expert("周杰", organisation="铜仁职业技术学院", tags=("大数据",), max_load=2)
    chen = make_expert("陈芳", organisation="贵州省农业科学院", tags=("茶产业",), max_load=3)
    import datetime as dt

    DeclaredConflict.objects.create(person=sun, organisation="万山锰业", declared_on=dt.date(2023, 1, 5))

    conflicts = svc.application_conflicts(a1)
    assert conflicts == {liu.pk: ["SAME_ORG"]}
    assert svc.application_conflicts(a2) == {zhao.pk: ["OWN"]}
    assert svc.application_conflicts(Application.objects.get(pk=a3.pk)) == {sun.pk: ["DECLARED"]}

    rnd = svc.round_create(
        actor=users["staff"],
        guide=guide,
        category=guide.categories.get(code="KY"),
        method="optimal",
        per_application=2,
    )
    svc.round_assign(actor=users["staff"], review_round=rnd)
    rnd.refresh_from_db()
    assert rnd.status == "assigned", rnd.result
    forbidden = {(str(liu.pk), a1.number), (str(zhao.pk), a2.number), (str(sun.pk), a3.number)}
    check_constraints(rnd, 2, forbidden)
    apps = {a.number: a.tech_fields for a in (a1, a2, a3)}
    experts = {str(p.pk): (p.expert_tags, p.max_load) for p in (wang, liu, zhao, sun, zhou, chen)}
    best = brute(apps, experts, 2, forbidden)
    assert assigned_total(rnd) == best
    assert Fraction(rnd.result["total_affinity_exact"]) == best


@pytest.mark.django_db
def test_infeasible_round_names_the_applications(users, guide, make_application, make_expert):
    app = to_review(make_application(), users)
    make_expert("王明", organisation="贵州大学", tags=("锰系材料",))
    rnd = svc.round_create(
        actor=users["staff"],
        guide=guide,
        category=guide.categories.get(code="KY"),
        method="optimal",
        per_application=2,
    )
    svc.round_assign(actor=users["staff"], review_round=rnd)
    rnd.refresh_from_db()
    assert rnd.status == "failed"
    assert rnd.result["applications"] == [app.number]
    assert "only 1 eligible expert" in rnd.result["shortages"][0]
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_withdrawal_then_fill_keeps_the_others_and_never_brings_the_expert_back(
    users, guide, make_application, make_expert
):
    app = to_review(make_application(), users)
    e1 = make_expert("王明", organisation="贵州大学", tags=("锰系材料", "新型功能材料"))
    e2 = make_expert("李华", organisation="中南大学", tags=("锰系材料",))
    e3 = make_expert("张伟", organisation="铜仁学院", tags=("茶产业",))
    rnd = svc.round_create(
        actor=users["staff"],
        guide=guide,
        category=guide.categories.get(code="KY"),
        method="optimal",
        per_application=2,
    )
    svc.round_assign(actor=users["staff"], review_round=rnd)
    assert set(Review.objects.values_list("expert_id", flat=True)) == {e1.pk, e2.pk}
    review = Review.objects.get(expert=e1)
    svc.review_withdraw(actor=e1.user, review=review, reason="曾在申报单位兼职")
    review.refresh_from_db()
    assert review.status == "withdrawn" and review.reviewer_user is None
    svc.round_assign(actor=users["staff"], review_round=rnd)
    active = set(Review.objects.exclude(status="withdrawn").values_list("expert_id", flat=True))
    assert active == {e2.pk, e3.pk}
    assert Review.objects.filter(application=app).count() == 3


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    app_tags=st.lists(st.sets(st.sampled_from(TAGS), min_size=1, max_size=3), min_size=1, max_size=3),
    expert_specs=st.lists(
        st.tuples(st.sets(st.sampled_from(TAGS), min_size=1, max_size=3), st.integers(0, 2), st.booleans()),
        min_size=2,
        max_size=5,
    ),
    k=st.integers(1, 2),
)
@pytest.mark.django_db
def test_random_instances_optimal_and_within_constraints(
    users, guide, enterprises, units, make_user, app_tags, expert_specs, k
):
    """Experts flagged True work for the first application's applicant (a conflict)."""
    from enterprises.models import Enterprise
    from kechuang.core.roles import Role
    from projects.services import applications as app_svc
    from talent.models import Person
    from tests.projects.conftest import id_number

    with transaction.atomic():
        sid = transaction.savepoint()
        category = guide.categories.get(code="KY")
        apps = []
        for n, tags in enumerate(app_tags):
            ent = Enterprise.objects.create(
                uscc=f"9152060200000{n:04d}X"[:18], name=f"测试企业{n}", unit=units["520602"]
            )
            app = app_svc.application_create(
                actor=users["staff"],
                guide=guide,
                category=category,
                applicant_kind="enterprise",
                enterprise=ent,
                title=f"项目{n}",
                tech_fields=sorted(tags),
                leader="某",
                summary="x",
                requested=10,
            )
            Application.objects.filter(pk=app.pk).update(status="in_review")
            apps.append(Application.objects.get(pk=app.pk))
        persons = []
        for n, (tags, load, same_org) in enumerate(expert_specs):
            user = make_user(f"hx{n}-{id(expert_specs)}", Role.EXPERT)
            persons.append(
                Person.objects.create(
                    name=f"专家{n}",
                    id_number=id_number(900 + n),
                    unit=units["520602"],
                    organisation="测试企业0" if same_org else f"大学{n}",
                    is_expert=True,
                    expert_tags=sorted(tags),
                    max_load=max(load, 1) if load else 1,
                    user=user,
                )
            )
            if load == 0:
                Person.objects.filter(pk=persons[-1].pk).update(max_load=1)
        forbidden = {
            (str(p.pk), apps[0].number) for p, spec in zip(persons, expert_specs, strict=True) if spec[2]
        }
        rnd = ReviewRound.objects.create(
            guide=guide,
            category=category,
            method="optimal",
            per_application=k,
            min_technical_share=0,
            min_financial=0,
        )
        svc.round_assign(actor=users["staff"], review_round=rnd)
        rnd.refresh_from_db()
        best = brute(
            {a.number: a.tech_fields for a in apps},
            {str(p.pk): (p.expert_tags, Person.objects.get(pk=p.pk).max_load) for p in persons},
            k,
            forbidden,
        )
        if best is None:
            assert rnd.status == "failed" and rnd.result["applications"]
            assert not Review.objects.filter(round=rnd).exists()
        else:
            assert rnd.status == "assigned", rnd.result
            check_constraints(rnd, k, forbidden)
            assert assigned_total(rnd) == best
        transaction.savepoint_rollback(sid)
