"""The pure parts: conflict-of-interest rules, rubric totals, z-scores and ranks (hand-computed)."""

from __future__ import annotations

import math
from decimal import Decimal

from projects.conflicts import (
    ApplicationParty,
    ExpertParty,
    conflict_pairs,
    group_index,
    normalise_org,
    reasons_for,
)
from projects.scoring import rank, rubric_total, zscores

APP = ApplicationParty(
    id="A1",
    applicant="铜仁锰业有限公司",
    uscc="91520603MA6DNXY13L",
    group="武陵锰业集团",
    partners=("铜仁学院",),
    people=(("张伟", "铜仁锰业有限公司"), ("李娜", "")),
)


def test_names_compare_without_spaces_and_bracket_width():
    assert normalise_org(" 铜仁（碧江）锰业 ") == normalise_org("铜仁(碧江)锰业")


def test_each_rule():
    groups = group_index([APP, ApplicationParty(id="A2", applicant="三和锰业", group="武陵锰业集团")])
    cases = {
        ExpertParty("1", "王明", "铜仁锰业有限公司"): ["SAME_ORG"],
        ExpertParty("2", "陈芳", "铜仁学院"): ["CO_APPLIED"],
        ExpertParty("3", "刘强", "三和锰业"): ["SAME_GROUP"],  # a sibling company of the same group
        ExpertParty("4", "赵敏", "武陵锰业集团"): ["SAME_GROUP"],  # the group itself
        ExpertParty("5", "李娜", "贵州大学"): ["OWN"],  # on the team, organisation not given
        ExpertParty("6", "张伟", "贵州大学"): [],  # a namesake at another organisation
        ExpertParty("7", "孙丽", "中南大学", declared_orgs=frozenset({"铜仁锰业有限公司"})): ["DECLARED"],
        ExpertParty("8", "周杰", "中南大学", declared_usccs=frozenset({"91520603ma6dnxy13l"})): ["DECLARED"],
        ExpertParty("9", "吴昊", "中南大学"): [],
    }
    for expert, expected in cases.items():
        assert reasons_for(expert, APP, groups) == expected, expert.name


def test_pairs_by_index_agree_with_the_rule_on_every_pair():
    experts = [
        ExpertParty(str(i), name, org)
        for i, (name, org) in enumerate(
            [("王明", "铜仁锰业有限公司"), ("李娜", "贵州大学"), ("吴昊", "中南大学"), ("刘强", "三和锰业")]
        )
    ]
    apps = [
        APP,
        ApplicationParty(id="A2", applicant="三和锰业", group="武陵锰业集团", people=(("吴昊", "中南大学"),)),
    ]
    groups = group_index(apps)
    expected = {
        (e.id, a.id): reasons_for(e, a, groups) for e in experts for a in apps if reasons_for(e, a, groups)
    }
    assert conflict_pairs(experts, apps) == expected
    assert expected[("2", "A2")] == ["OWN"] and expected[("3", "A1")] == ["SAME_GROUP"]


RUBRIC = [{"key": "a", "label": "创新性", "max": 30}, {"key": "b", "label": "可行性", "max": 70}]


def test_rubric_total_and_errors():
    assert rubric_total(RUBRIC, {"a": "28.5", "b": 60}) == (Decimal("88.5"), {})
    total, errors = rubric_total(RUBRIC, {"a": "31", "b": "6.25"})
    assert total is None and errors == {"a": ("range", Decimal(30)), "b": ("decimals",)}
    assert rubric_total(RUBRIC, {"a": "x"})[1] == {"a": ("not_number",), "b": ("missing",)}


def test_zscores_per_reviewer_by_hand():
    # reviewer R scores 60, 70, 80: mean 70, population sd sqrt(200/3) = 8.1650
    # reviewer S scores 90, 90: sd 0 → both 0
    z = zscores([(1, "R", 60), (2, "R", 70), (3, "R", 80), (4, "S", 90), (5, "S", 90), (6, "T", 50)])
    sd = math.sqrt(200 / 3)
    assert math.isclose(z[1], -10 / sd) and z[2] == 0 and math.isclose(z[3], 10 / sd)
    assert z[4] == z[5] == z[6] == 0


def test_rank_shares_the_better_rank_on_ties():
    assert rank({"a": 90, "b": 85, "c": 90, "d": None, "e": 70}) == {"a": 1, "c": 1, "b": 3, "e": 4}
