"""揭榜挂帅: a list drawn from a demand, published for all, bids from organisations of any district,
selection after the deadline into a contract paid on milestones. 赛马制: teams funded for stage 1,
the gate review, the later tranche paid only to the teams that pass."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from enterprises.models import DemandStatus, TechDemand
from kechuang.core.roles import Role
from projects.access import Refused
from projects.models import Bid, ChallengeList, MilestoneStatus, Project, ProjectStatus, TrancheStatus
from projects.services import challenges as svc
from projects.services import execution as exe
from tests.projects.conftest import login


def _sheet(client, url) -> list[list]:
    import io

    from python_calamine import CalamineWorkbook

    raw = b"".join(client.get(url).streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_index(0).to_python()


@pytest.fixture
def demand(units, enterprises):
    return TechDemand.objects.create(
        unit=units["520602"],
        enterprise=enterprises["bijiang"],
        title="电解锰渣资源化利用",
        field="新材料",
        description="锰渣制备建材。",
        budget=Decimal("500"),
        collected_on=dt.date(2023, 2, 1),
    )


@pytest.mark.django_db
def test_challenge_from_demand_to_paid_contract(users, units, enterprises, demand, make_user):
    staff = login(users["staff"])
    today = timezone.localdate()
    r = staff.post(
        "/projects/challenges/new/",
        {
            "new-year": today.year,
            "new-unit": units["520600"].pk,
            "new-demand": demand.pk,
            "list-title": "电解锰渣无害化处理与资源化利用技术榜单",
            "list-background": "锰渣堆存量大。",
            "list-requirements": "锰渣综合利用率≥60%。",
            "list-reward": "300",
            "list-deadline": (today + dt.timedelta(days=30)).isoformat(),
            "list-period_months": "24",
        },
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    challenge = ChallengeList.objects.get()
    assert (
        challenge.owner_name == "碧江测试企业"
        and challenge.field == "新材料"
        and challenge.unit.code == "520600"
    )
    # a draft is not public
    assert Client().get(f"/projects/public/challenges/{challenge.pk}/").status_code == 404
    staff.post(f"/projects/challenges/{challenge.pk}/publish/")
    challenge.refresh_from_db()
    assert challenge.published and challenge.published_on == today
    anonymous = Client()
    assert "锰渣综合利用率" in anonymous.get(f"/projects/public/challenges/{challenge.pk}/").content.decode()
    assert (
        anonymous.post(f"/projects/challenges/{challenge.pk}/bid/", {}).status_code == 302
    )  # to the login page
    assert not Bid.objects.exists()
    # an enterprise of another district bids; the demanding district's enterprise too
    wanshan_ent = make_user("ent-wanshan", Role.ENTERPRISE, enterprise=enterprises["wanshan"])
    for user, price in ((wanshan_ent, "280"), (users["enterprise"], "250")):
        r = login(user).post(
            f"/projects/challenges/{challenge.pk}/bid/",
            {"leader": "王工", "plan": "火法处置+建材化", "price": price, "months": "24"},
        )
        assert r.status_code == 302
    assert Bid.objects.count() == 2
    # the API: the issuer sees both bids, each bidder only its own
    bids_url = f"/api/v1/projects/challenges/{challenge.pk}/bids"
    assert staff.get(bids_url).json()["count"] == 2
    for user, price in ((wanshan_ent, "280.00"), (users["enterprise"], "250.00")):
        got = login(user).get(bids_url).json()
        assert [b["price"] for b in got["items"]] == [price]
    # the Excel export: a row per visible bid (the issuer both, a bidder its own)
    assert [r[9:11] for r in _sheet(staff, "/projects/challenges/export.xlsx")[1:]] == [
        ["万山测试企业", 280.0],
        ["碧江测试企业", 250.0],
    ]
    assert [r[9] for r in _sheet(login(users["enterprise"]), "/projects/challenges/export.xlsx")[1:]] == [
        "碧江测试企业"
    ]
    # one bid per enterprise; over the reward is refused
    with pytest.raises(Refused):
        svc.bid_submit(
            actor=wanshan_ent, challenge=challenge, leader="x", plan="x", price=Decimal("10"), months=12
        )
    # the other enterprise's bid is not visible to a bidder
    body = login(users["enterprise"]).get(f"/projects/challenges/{challenge.pk}/").content.decode()
    assert "250" in body and "万山测试企业" not in body
    # experts and the leader cannot bid
    assert login(users["expert"]).post(f"/projects/challenges/{challenge.pk}/bid/", {}).status_code == 404
    assert login(users["leader"]).post(f"/projects/challenges/{challenge.pk}/bid/", {}).status_code == 404
    # selection only after the deadline
    bid = Bid.objects.get(enterprise=enterprises["bijiang"])
    with pytest.raises(Refused, match=challenge.deadline.isoformat()):
        svc.challenge_select(
            actor=users["staff"],
            challenge=challenge,
            bid=bid,
            number="JB-2023-01",
            contract_no="HT-01",
            signed_on=today,
            starts_on=today,
            ends_on=today + dt.timedelta(days=700),
        )
    ChallengeList.objects.filter(pk=challenge.pk).update(deadline=today - dt.timedelta(days=1))
    challenge.refresh_from_db()
    project = svc.challenge_select(
        actor=users["staff"],
        challenge=challenge,
        bid=bid,
        number="JB-2023-01",
        contract_no="HT-01",
        signed_on=today,
        starts_on=today,
        ends_on=today + dt.timedelta(days=700),
    )
    assert (
        project.kind == "challenge"
        and project.budget == Decimal("250")
        and project.enterprise == enterprises["bijiang"]
    )
    assert set(Bid.objects.values_list("status", flat=True)) == {"selected", "not_selected"}
    demand.refresh_from_db()
    assert demand.status == DemandStatus.MATCHED
    # milestone-gated payment
    with pytest.raises(Refused, match="节点|milestone"):
        exe.tranche_add(actor=users["staff"], project=project, amount=Decimal("100"), planned_on=today)
    m = exe.milestone_add(actor=users["staff"], project=project, title="中试线建成", due_on=today)
    tranche = exe.tranche_add(
        actor=users["staff"], project=project, amount=Decimal("100"), planned_on=today, milestone=m
    )
    with pytest.raises(Refused, match="中试线建成"):
        exe.tranche_pay(actor=users["staff"], tranche=tranche, paid_on=today)
    exe.milestone_check(actor=users["staff"], milestone=m, passed=True, findings="已建成", checked_on=today)
    exe.tranche_pay(actor=users["staff"], tranche=tranche, paid_on=today)
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.PAID
    # the winner sees its contract; the other bidder does not
    assert login(users["enterprise"]).get(f"/projects/projects/{project.pk}/").status_code == 200
    assert login(wanshan_ent).get(f"/projects/projects/{project.pk}/").status_code == 404


@pytest.mark.django_db
def test_horse_race_pays_later_tranches_only_to_passing_teams(users, units, enterprises):
    today = timezone.localdate()
    race = svc.race_create(
        actor=users["staff"],
        year=today.year,
        title="锰系锂电正极材料赛马",
        unit=units["520600"],
        goal="比容量≥140mAh/g",
        stage1_amount=Decimal("50"),
        later_amount=Decimal("150"),
        gate_on=today + dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=365),
    )
    teams = [
        svc.race_team_add(
            actor=users["staff"],
            race=race,
            number=f"SM-{n}",
            undertaker=name,
            leader="负责人",
            approved_on=today,
        )
        for n, name in enumerate(["铜仁学院团队", "贵州大学团队", "中南大学团队"])
    ]
    for t in teams:
        first, later = t.tranches.order_by("seq")
        exe.tranche_pay(actor=users["staff"], tranche=first, paid_on=today)
        with pytest.raises(Refused):  # the later tranche waits for the gate
            exe.tranche_pay(actor=users["staff"], tranche=later, paid_on=today)
    # the gate review, decided for all teams at once (not as a single milestone check)
    gate = teams[0].milestones.get(kind="gate")
    with pytest.raises(Refused):
        exe.milestone_check(actor=users["staff"], milestone=gate, passed=True, findings="x", checked_on=today)
    staff = login(users["staff"])
    r = staff.post(
        f"/projects/races/{race.pk}/gate/",
        {"on": today.isoformat(), "passed": [str(teams[0].pk), str(teams[2].pk)], "note": "两队达标"},
    )
    assert r.status_code == 302
    for t, passed in zip(teams, (True, False, True), strict=True):
        t.refresh_from_db()
        later = t.tranches.get(seq=2)
        assert t.milestones.get(kind="gate").status == (
            MilestoneStatus.PASSED if passed else MilestoneStatus.FAILED
        )
        if passed:
            exe.tranche_pay(actor=users["staff"], tranche=later, paid_on=today)
            later.refresh_from_db()
            assert later.status == TrancheStatus.PAID and t.status == ProjectStatus.ONGOING
        else:
            assert later.status == TrancheStatus.CANCELLED and t.status == ProjectStatus.TERMINATED
    paid = sum(
        tr.amount for p in Project.objects.filter(race=race) for tr in p.tranches.filter(status="paid")
    )
    assert paid == Decimal("50") * 3 + Decimal("150") * 2
    with pytest.raises(Refused):
        svc.race_gate(actor=users["staff"], race=race, passed=set(), note="again", on=today)
    # the API shows each team's funding paid: 50 + 150 for the passing teams, 50 for the other
    api = staff.get(f"/api/v1/projects/races/{race.pk}").json()
    assert [(t["number"], t["paid"], t["status"]) for t in api["teams"]] == [
        ("SM-0", "200.00", "ongoing"),
        ("SM-1", "50.00", "terminated"),
        ("SM-2", "200.00", "ongoing"),
    ]
    assert staff.get("/api/v1/projects/races").json()["count"] == 1
    # a race is the issuing unit's (here the city's): a district does not reach it
    assert login(users["district"]).get(f"/api/v1/projects/races/{race.pk}").status_code == 404
