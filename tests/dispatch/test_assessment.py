"""The assessment (考核): scores computed by hand (caps, ties, no-data indicators, follow-up rates),
the per-record and the polars paths agreeing exactly (property test), and a run stored from the
database that every score can be recomputed from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.models import Actual, Assessment, AssessmentScore, ItemAssignment, ItemStatus
from dispatch.workflow.assessment import assessment_compute, assessment_inputs
from dispatch.workflow.common import WorkflowError, assessment_config, dispatch_settings_update
from dispatch.workflow.followup import order_answer, order_issue
from dispatch.workflow.reports import (
    FigureInput,
    monthly_report_accept,
    monthly_report_create,
    monthly_report_fill,
    monthly_report_submit,
)
from kechuang.core.models import Event
from plan.models import Indicator, Target
from rules.assessment import (
    FOLLOWUP_KINDS,
    AssessmentConfig,
    FollowUpCounts,
    IndicatorInput,
    UnitInputs,
    assess,
    assess_vectorised,
)

CONFIG = AssessmentConfig(
    indicator_weights={"A": 30, "B": 10},
    default_weight=5,
    cap=1.2,
    indicator_share=70,
    followup_share=30,
    top_n=2,
    reward_amount=50.0,
    rd_indicator="A",
    rd_min_completion=1.0,
    rd_groups=("district",),
)


def unit(code, group="district", indicators=(), reports=(0, 0, 0), items=(0, 0, 0), orders=(0, 0, 0)):
    return UnitInputs(
        code,
        group,
        tuple(IndicatorInput(*i) for i in indicators),
        FollowUpCounts(*reports),
        FollowUpCounts(*items),
        FollowUpCounts(*orders),
    )


WORLD = [
    # A 130/100 = 1.3, capped at 1.2; B 40/50 = 0.8 → (30×1.2 + 10×0.8) / 40 = 1.1
    # reports (5 + ½·1)/6 = 11/12, items (1 + 0)/2 = ½, no order due → (11/12 + ½)/2 = 17/24
    # total = 70 × 1.1 + 30 × 17/24 = 77 + 21.25 = 98.25
    unit("D1", indicators=[("A", 100, 130), ("B", 50, 40)], reports=(5, 1, 0), items=(1, 0, 1)),
    # A 0.9; B has a target but no actual: no data, not counted → 0.9; follow-up 1 → 63 + 30 = 93
    unit("D2", indicators=[("A", 100, 90), ("B", 50, None)], reports=(6, 0, 0), orders=(1, 0, 0)),
    # no target at all: the score is the follow-up alone, (3 + 0)/6 = ½ → 50
    unit("D3", reports=(3, 0, 3)),
    # the same 93 as D2: a tie for the second place, both rewarded
    unit("D4", indicators=[("A", 200, 180)], reports=(6, 0, 0), orders=(1, 0, 0)),
    # zones: 1.2 (capped) → 84 + 30 = 114; 0.5 → 35 + 30 = 65; 1.0 → 70 + 30 = 100
    unit("Z1", "zone", indicators=[("A", 10, 15)]),
    unit("Z2", "zone", indicators=[("A", 10, 5)]),
    unit("Z3", "zone", indicators=[("A", 10, 10)]),
]


def test_scores_by_hand():
    got = {s.unit: s for s in assess(WORLD, CONFIG)}
    assert got["D1"].indicator_part == pytest.approx(1.1, abs=1e-12)
    assert got["D1"].followup_part == pytest.approx(17 / 24, abs=1e-12)
    assert got["D1"].rates == {"reports": pytest.approx(11 / 12), "items": 0.5, "orders": None}
    expected = {"D1": 98.25, "D2": 93, "D3": 50, "D4": 93, "Z1": 114, "Z2": 65, "Z3": 100}
    assert {u: s.total for u, s in got.items()} == {
        u: pytest.approx(v, abs=1e-9) for u, v in expected.items()
    }
    # the cap: A counts 1.2, not 1.3; the completion itself is kept in the breakdown
    a = got["D1"].indicators[0]
    assert (a["completion"], a["capped"], a["weight"]) == (pytest.approx(1.3), 1.2, 30)
    # no data is not zero: D2's B is listed, not counted
    b = got["D2"].indicators[1]
    assert (b["actual"], b["completion"], b["counted"]) == (None, None, False)
    assert got["D3"].indicator_part is None


def test_ranks_ties_and_rewards_by_group():
    got = {s.unit: s for s in assess(WORLD, CONFIG)}
    assert {u: got[u].rank for u in got} == {"D1": 1, "D2": 2, "D4": 2, "D3": 4, "Z1": 1, "Z3": 2, "Z2": 3}
    # the top 2 of each group; a tie at the second place rewards both
    assert sorted(u for u, s in got.items() if s.reward) == ["D1", "D2", "D4", "Z1", "Z3"]
    assert got["D1"].reward_amount == 50.0 and got["Z2"].reward_amount is None


def test_no_post_subsidy_for_districts_below_the_rd_completion():
    got = {s.unit: s for s in assess(WORLD, CONFIG)}
    # D1 1.3 ≥ 1; D2 and D4 0.9 < 1; D3 has no R&D figure: not judged; zones are not judged
    assert {u: got[u].no_post_subsidy for u in got} == {
        "D1": False,
        "D2": True,
        "D4": True,
        "D3": None,
        "Z1": None,
        "Z2": None,
        "Z3": None,
    }
    exactly = assess([unit("D9", indicators=[("A", 3, 3)])], CONFIG)[0]  # exactly at the minimum passes
    assert exactly.no_post_subsidy is False


def test_config_validation_and_round_trip():
    with pytest.raises(ValueError):
        AssessmentConfig.from_mapping({"nonsense": 1})
    with pytest.raises(ValueError):
        AssessmentConfig(indicator_weights={"A": 1.5})
    with pytest.raises(ValueError):
        AssessmentConfig(indicator_share=0, followup_share=0)
    assert AssessmentConfig.from_mapping(CONFIG.as_dict()) == CONFIG
    inputs = WORLD[0]
    assert UnitInputs.from_dict(inputs.as_dict()) == inputs


def test_vectorised_path_matches_by_hand():
    per_record = assess(WORLD, CONFIG)
    frame = assess_vectorised(WORLD, CONFIG)
    for s, row in zip(per_record, frame, strict=True):
        assert row["unit"] == s.unit
        for key in (
            "indicator_part",
            "followup_part",
            "total",
            "rank",
            "reward",
            "reward_amount",
            "no_post_subsidy",
        ):
            assert row[key] == getattr(s, key), (s.unit, key)


# ---------------------------------------------------------------------------------------------
# Property: the two paths agree exactly
# ---------------------------------------------------------------------------------------------

CODES = ["A", "B", "C", "D"]
amounts = st.one_of(
    st.none(),
    st.sampled_from([0.0, 1.0, 10.0, 100.0, 0.1, 12.5, 1.2]),
    st.integers(min_value=0, max_value=10**9).map(lambda n: n / 10_000),
)
counts = st.builds(FollowUpCounts, st.integers(0, 12), st.integers(0, 12), st.integers(0, 12))


@st.composite
def worlds(draw):
    n = draw(st.integers(1, 12))
    units = []
    for i in range(n):
        codes = draw(st.lists(st.sampled_from(CODES), unique=True, max_size=4))
        inds = tuple(IndicatorInput(c, draw(amounts), draw(amounts)) for c in codes)
        units.append(
            UnitInputs(
                f"U{i}",
                draw(st.sampled_from(["district", "zone"])),
                inds,
                draw(counts),
                draw(counts),
                draw(counts),
            )
        )
    config = AssessmentConfig(
        indicator_weights={
            c: draw(st.integers(0, 40)) for c in draw(st.lists(st.sampled_from(CODES), unique=True))
        },
        default_weight=draw(st.integers(0, 10)),
        cap=draw(st.sampled_from([1.0, 1.2, 1.5])),
        indicator_share=draw(st.integers(0, 100)),
        followup_share=draw(st.integers(1, 100)),
        followup_weights={k: draw(st.integers(0, 3)) for k in FOLLOWUP_KINDS},
        top_n=draw(st.integers(0, 3)),
        rd_indicator=draw(st.sampled_from(CODES)),
        rd_min_completion=draw(st.sampled_from([0.9, 1.0])),
    )
    return units, config


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_per_record_and_polars_paths_agree(world):
    units, config = world
    per_record = assess(units, config)
    frame = assess_vectorised(units, config)
    assert len(frame) == len(per_record)
    for s, row in zip(per_record, frame, strict=True):
        assert row["unit"] == s.unit
        for key in (
            "indicator_part",
            "followup_part",
            "total",
            "rank",
            "reward",
            "reward_amount",
            "rd_completion",
            "no_post_subsidy",
        ):
            assert row[key] == getattr(s, key), (s.unit, key, row[key], getattr(s, key))
        for k in FOLLOWUP_KINDS:
            assert row[f"rate_{k}"] == s.rates[k]


# ---------------------------------------------------------------------------------------------
# A run from the database
# ---------------------------------------------------------------------------------------------


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T10:00"))


@pytest.fixture
def season(users, units):
    """碧江 and 万山 with targets and March figures; 碧江 reports Jan–Mar on time, 万山 files
    January late and never February or March; one item done late by 碧江, an order answered on time
    by 万山."""
    staff = users["staff"]
    ht, rd = Indicator.objects.get(code="HT_OUTPUT"), Indicator.objects.get(code="RD_EXPENDITURE")
    for code, ht_target, rd_target in (("520602", 100, 2), ("520603", 50, 1)):
        Target.objects.create(year=2023, unit=units[code], indicator=ht, value=ht_target, origin="manual")
        Target.objects.create(year=2023, unit=units[code], indicator=rd, value=rd_target, origin="manual")
    reported = [i.code for i in Indicator.objects.filter(source="reported").exclude(kind="ratio")]
    values = {"HT_OUTPUT": "30", "RD_EXPENDITURE": "0.5"}
    schedule = {
        ("520602", 1): "2023-02-03",
        ("520602", 2): "2023-03-05",
        ("520602", 3): "2023-04-01",
        ("520603", 1): "2023-02-08",
    }
    for (code, month), day in schedule.items():
        r = monthly_report_create(actor=staff, unit=units[code], year=2023, month=month)
        figs = {c: FigureInput(Decimal(values.get(c, "1")) * month) for c in reported}
        monthly_report_fill(actor=staff, report=r, figures=figs)
        monthly_report_submit(actor=staff, report=r, at=at(day))
        monthly_report_accept(actor=staff, report=r, at=at(day))
    # 万山's March figures come from an import (no report): HT 45 of 50, RD 0.8 of 1
    for ind, value in ((ht, 45), (rd, Decimal("0.8"))):
        Actual.objects.create(
            unit=units["520603"], indicator=ind, year=2023, month=3, value=value, origin="import"
        )
    item = ItemAssignment.objects.get(unit=units["520602"], item__task__number=2, item__number=4)
    item.deadline, item.status, item.done_on = dt.date(2023, 3, 1), ItemStatus.DONE, dt.date(2023, 3, 10)
    item.save()
    order = order_issue(
        actor=staff,
        unit=units["520603"],
        subject="s",
        body="b",
        due=dt.date(2023, 3, 20),
        year=2023,
        at=at("2023-03-10"),
    )
    order_answer(actor=staff, order=order, answer="done", at=at("2023-03-15"))
    return units


def test_inputs_come_from_the_stored_records(season):
    inputs = {u.unit: u for u in assessment_inputs(2023, as_of_month=3, as_of=dt.date(2023, 4, 10))}
    bj, ws = inputs["520602"], inputs["520603"]
    assert bj.reports == FollowUpCounts(3, 0, 0)
    assert ws.reports == FollowUpCounts(0, 1, 2)  # January late; February and March missing
    assert bj.items == FollowUpCounts(0, 1, 0)  # 2.4 done late; the other items are due at year end
    assert ws.items == FollowUpCounts(0, 0, 0)
    assert ws.orders == FollowUpCounts(1, 0, 0)
    assert {(i.indicator, i.target, i.actual) for i in bj.indicators} == {
        ("HT_OUTPUT", 100.0, 90.0),
        ("RD_EXPENDITURE", 2.0, 1.5),
    }
    assert {(i.indicator, i.target, i.actual) for i in ws.indicators} == {
        ("HT_OUTPUT", 50.0, 45.0),
        ("RD_EXPENDITURE", 1.0, 0.8),
    }


def test_a_run_is_stored_with_its_inputs_and_reproducible(users, season):
    run = assessment_compute(actor=users["staff"], year=2023, as_of_month=3, as_of=dt.date(2023, 4, 10))
    scores = {s.unit.code: s for s in AssessmentScore.objects.filter(assessment=run).select_related("unit")}
    assert len(scores) == 12
    # 碧江: HT 0.9 × 30, RD 0.75 × 30 → 0.825; reports 1, items ½ (late), orders none → 0.75
    # total = 70 × 0.825 + 30 × 0.75 = 57.75 + 22.5 = 80.25
    bj = scores["520602"]
    assert bj.indicator_part == pytest.approx(0.825) and bj.followup_part == pytest.approx(0.75)
    assert bj.total == pytest.approx(80.25)
    # 万山: HT 0.9, RD 0.8 → 0.85; reports (0 + ½)/3 = 1/6, orders 1 → (1/6 + 1)/2 = 7/12
    # total = 59.5 + 17.5 = 77
    ws = scores["520603"]
    assert ws.total == pytest.approx(77.0)
    # 江口 has no target and none of its three reports: the follow-up alone, 0
    assert scores["520621"].total == pytest.approx(0.0)
    assert (bj.rank, ws.rank, scores["520621"].rank) == (1, 2, 3)
    assert bj.reward and ws.reward and bj.reward_amount == Decimal("50.00")
    # R&D completion below 100 %: both lose the post-subsidy; a district with no R&D target is not judged
    assert (bj.no_post_subsidy, ws.no_post_subsidy, scores["520621"].no_post_subsidy) == (True, True, None)
    # every score is recomputed from the stored inputs and settings alone
    config = AssessmentConfig.from_mapping(run.config)
    stored = list(AssessmentScore.objects.filter(assessment=run).order_by("unit__order"))
    again = assess([UnitInputs.from_dict(s.inputs) for s in stored], config)
    for s, a in zip(stored, again, strict=True):
        assert (a.total, a.rank, a.reward, a.no_post_subsidy) == (
            s.total,
            s.rank,
            s.reward,
            s.no_post_subsidy,
        )
    assert Event.objects.filter(message="assessment computed", object_id=str(run.pk)).exists()


def test_settings_change_the_weights_and_the_reward(users, season):
    with pytest.raises(WorkflowError) as exc:  # the plan sets at least 50万元
        dispatch_settings_update(actor=users["admin"], year=2023, assessment={"reward_amount": 30})
    assert exc.value.field == "reward_amount"
    assert assessment_config(2023).reward_amount == 50.0  # from the plan's rules
    dispatch_settings_update(
        actor=users["admin"],
        year=2023,
        assessment={
            "indicator_share": 100,
            "followup_share": 0,
            "reward_amount": 80,
            "rd_min_completion": 0.7,
        },
    )
    run = assessment_compute(actor=users["staff"], year=2023, as_of_month=3, as_of=dt.date(2023, 4, 10))
    bj = AssessmentScore.objects.get(assessment=run, unit__code="520602")
    assert bj.total == pytest.approx(82.5) and bj.reward_amount == Decimal("80.00")
    assert bj.no_post_subsidy is False  # 0.75 ≥ 0.7
    assert run.config["reward_amount"] == 80.0


def test_only_the_bureau_computes(users, season):
    for role in ("district", "leader"):
        with pytest.raises(PermissionError):
            assessment_compute(actor=users[role], year=2023)
    assert not Assessment.objects.exists()


def test_pages(users, season):
    run = assessment_compute(actor=users["staff"], year=2023, as_of_month=3, as_of=dt.date(2023, 4, 10))
    district = Client()
    district.force_login(users["district"])
    page = district.get("/dispatch/assessment/?year=2023").content.decode()
    assert "碧江区" in page and "万山区" not in page
    own = AssessmentScore.objects.get(assessment=run, unit__code="520602")
    foreign = AssessmentScore.objects.get(assessment=run, unit__code="520603")
    body = district.get(f"/dispatch/assessment/scores/{own.pk}/").content.decode()
    assert "80.2500" in body
    assert district.get(f"/dispatch/assessment/scores/{foreign.pk}/").status_code == 404
    assert district.post("/dispatch/assessment/compute/", {"year": 2023}).status_code == 404
    staff = Client()
    staff.force_login(users["staff"])
    assert "万山区" in staff.get(f"/dispatch/assessment/{run.pk}/").content.decode()
    assert staff.post("/dispatch/assessment/compute/", {"year": 2023, "as_of_month": 3}).status_code == 302
    assert Assessment.objects.count() == 2
    admin = Client()
    admin.force_login(users["admin"])
    r = admin.get("/dispatch/assessment/settings/?year=2023")
    assert r.status_code == 200
    form = {
        "year": 2023,
        "indicator_share": 70,
        "followup_share": 30,
        "cap": "1.2",
        "reports_weight": 1,
        "items_weight": 1,
        "orders_weight": 1,
        "top_n": 2,
        "reward_amount": "10",
        "rd_min_completion_pct": "100",
        "weights": "HT_OUTPUT = 30\nNOPE = 3",
        "default_weight": 5,
    }
    r = admin.post("/dispatch/assessment/settings/", form)
    assert r.status_code == 200 and r.context["form"].errors["weights"]
    form["weights"] = "HT_OUTPUT = 30"
    r = admin.post("/dispatch/assessment/settings/", form)
    assert r.status_code == 200 and r.context["form"].errors["reward_amount"]  # below the plan's 50
    form["reward_amount"] = "60"
    assert admin.post("/dispatch/assessment/settings/", form).status_code == 302
    assert assessment_config(2023).reward_amount == 60.0
    assert staff.post("/dispatch/assessment/settings/", form).status_code == 404
