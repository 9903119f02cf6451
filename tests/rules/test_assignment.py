"""Reviewer assignment (CONTRACTS.md "Reviewer assignment"): the engine against brute force and an
independent min-cost-flow oracle, its constraints as properties, named infeasibility, and the
`kechuang review assign` command on files."""

from __future__ import annotations

import csv
import io
import itertools
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import assignment as engine
from rules.assignment import Expert, InfeasibleAssignment, Proposal, assign, jaccard, parse_fields

KECHUANG = str(Path(sys.executable).with_name("kechuang"))
METHODS = ("lp", "ssp")


# -- oracles ------------------------------------------------------------------------------------
def eligible(p: Proposal, e: Expert, conflicts: set) -> bool:
    return e.max_load > 0 and not (p.org and p.org == e.org) and (e.id, p.id) not in conflicts


def brute_force(proposals, experts, conflicts, k) -> Fraction | None:
    """Greatest total affinity over every feasible assignment, or None when there is none."""
    conflicts = set(conflicts)
    options = [
        list(itertools.combinations([e for e in experts if eligible(p, e, conflicts)], k)) for p in proposals
    ]
    best = None
    for choice in itertools.product(*options):
        load: dict[str, int] = {}
        for group in choice:
            for e in group:
                load[e.id] = load.get(e.id, 0) + 1
        if any(load[e.id] > e.max_load for e in experts if e.id in load):
            continue
        total = sum(
            (jaccard(p.fields, e.fields) for p, g in zip(proposals, choice, strict=True) for e in g),
            Fraction(0),
        )
        if best is None or total > best:
            best = total
    return best


def flow_oracle(proposals, experts, conflicts, k) -> Fraction | None:
    """Successive shortest paths with Bellman-Ford on the full graph, in Fractions: a textbook
    min-cost flow sharing no code with the engine. None when the maximum flow is short."""
    conflicts = set(conflicts)
    n_p, n_e = len(proposals), len(experts)
    s, t = n_p + n_e, n_p + n_e + 1
    arcs: list[list] = []  # [u, v, cap, cost]; arc i ^ 1 is its reverse
    out: list[list[int]] = [[] for _ in range(t + 1)]

    def add(u, v, cap, cost):
        for a, b, c, w in ((u, v, cap, cost), (v, u, 0, -cost)):
            out[a].append(len(arcs))
            arcs.append([a, b, c, w])

    for i, p in enumerate(proposals):
        add(s, i, k, Fraction(0))
        for j, e in enumerate(experts):
            if eligible(p, e, conflicts):
                add(i, n_p + j, 1, -jaccard(p.fields, e.fields))
    for j, e in enumerate(experts):
        add(n_p + j, t, e.max_load, Fraction(0))
    cost, flow = Fraction(0), 0
    while flow < n_p * k:
        dist: list = [None] * (t + 1)
        via = [-1] * (t + 1)
        dist[s] = Fraction(0)
        for _ in range(t + 1):
            changed = False
            for a, (u, v, cap, w) in enumerate(arcs):
                if cap > 0 and dist[u] is not None and (dist[v] is None or dist[u] + w < dist[v]):
                    dist[v], via[v], changed = dist[u] + w, a, True
            if not changed:
                break
        if dist[t] is None:
            return None
        v = t
        while v != s:
            a = via[v]
            arcs[a][2] -= 1
            arcs[a ^ 1][2] += 1
            v = arcs[a][0]
        cost += dist[t]
        flow += 1
    return -cost


def check_constraints(result, proposals, experts, conflicts, k) -> None:
    conflicts = set(conflicts)
    by_id = {e.id: e for e in experts}
    props = {p.id: p for p in proposals}
    per_proposal: dict[str, list[str]] = {p.id: [] for p in proposals}
    load: dict[str, int] = {}
    for pair in result.pairs:
        p, e = props[pair.proposal], by_id[pair.expert]
        assert eligible(p, e, conflicts), pair
        assert pair.affinity == jaccard(p.fields, e.fields)
        per_proposal[p.id].append(e.id)
        load[e.id] = load.get(e.id, 0) + 1
    for pid, group in per_proposal.items():
        assert len(group) == k and len(set(group)) == k, (pid, group)
    for eid, n in load.items():
        assert n <= by_id[eid].max_load, eid
    assert result.total == sum((x.affinity for x in result.pairs), Fraction(0))


def check_shortages(exc: InfeasibleAssignment, proposals, experts, conflicts, k) -> None:
    """Every named reason is true: too few eligible experts, or a violated Hall condition."""
    conflicts = set(conflicts)
    props = {p.id: p for p in proposals}
    assert exc.shortages and exc.proposals
    for s in exc.shortages:
        if s.kind == "eligible":
            (pid,) = s.proposals
            assert s.available == sum(eligible(props[pid], e, conflicts) for e in experts) < k
        else:
            group = [props[pid] for pid in s.proposals]
            can = sum(min(e.max_load, sum(eligible(p, e, conflicts) for p in group)) for e in experts)
            assert s.needed == k * len(group) > can == s.available
            assert set(s.short) <= set(s.proposals)


# -- random instances ---------------------------------------------------------------------------
@st.composite
def instances(draw, max_p=4, max_e=5, max_k=3):
    tags = st.frozensets(st.sampled_from("abcd"), max_size=3)
    orgs = st.sampled_from(["x", "y", ""])
    n_p = draw(st.integers(1, max_p))
    n_e = draw(st.integers(1, max_e))
    k = draw(st.integers(1, max_k))
    proposals = [Proposal(f"p{i}", draw(orgs), draw(tags)) for i in range(n_p)]
    experts = [Expert(f"e{j}", draw(orgs), draw(tags), draw(st.integers(0, 3))) for j in range(n_e)]
    pairs = [(e.id, p.id) for p in proposals for e in experts]
    conflicts = draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True))
    return proposals, experts, conflicts, k


def random_instance(rng: random.Random, n_p, n_e, k, tags=6, orgs=4, loads=(1, 4)):
    names = [f"t{i}" for i in range(tags)]
    proposals = [
        Proposal(f"p{i:03d}", f"o{rng.randrange(orgs)}", frozenset(rng.sample(names, rng.randint(0, 3))))
        for i in range(n_p)
    ]
    experts = [
        Expert(
            f"e{j:03d}",
            f"o{rng.randrange(orgs)}",
            frozenset(rng.sample(names, rng.randint(0, 4))),
            rng.randint(*loads),
        )
        for j in range(n_e)
    ]
    conflicts = [(rng.choice(experts).id, rng.choice(proposals).id) for _ in range(n_p // 2)]
    return proposals, experts, conflicts, k


def solve_or_none(instance, **kwargs):
    try:
        return assign(*instance[:3], instance[3], **kwargs)
    except InfeasibleAssignment as exc:
        check_shortages(exc, *instance)
        return None


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("candidates", [1, None])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances())
def test_optimal_against_brute_force(instance, method, candidates):
    # candidates=1 starts from a one-expert subgraph, so pricing rounds do the real work.
    best = brute_force(*instance)
    result = solve_or_none(instance, method=method, candidates=candidates)
    if best is None:
        assert result is None
    else:
        assert result is not None and result.total == best
        check_constraints(result, *instance)


@pytest.mark.parametrize("seed", range(12))
def test_medium_instances_match_an_independent_min_cost_flow(seed):
    rng = random.Random(seed)
    instance = random_instance(rng, n_p=rng.randint(5, 14), n_e=rng.randint(4, 12), k=rng.randint(1, 3))
    expected = flow_oracle(*instance)
    for method in METHODS:
        for candidates in (1, None):
            result = solve_or_none(instance, method=method, candidates=candidates)
            if expected is None:
                assert result is None
            else:
                assert result is not None and result.total == expected, (method, candidates)
                check_constraints(result, *instance)


@pytest.mark.parametrize("seed", range(4))
def test_larger_instances_both_methods_agree(seed):
    rng = random.Random(100 + seed)
    instance = random_instance(rng, n_p=150, n_e=90, k=3, tags=12, orgs=10, loads=(3, 8))
    results = [solve_or_none(instance, method=m) for m in METHODS]
    assert results[0] is not None and results[1] is not None
    assert results[0].total == results[1].total
    for result in results:
        check_constraints(result, *instance)


# -- hand-made instances ------------------------------------------------------------------------
def P(pid, org, fields):
    return Proposal(pid, org, parse_fields(fields))


def E(eid, org, fields, load):
    return Expert(eid, org, parse_fields(fields), load)


@pytest.mark.parametrize("method", METHODS)
def test_greedy_would_fail_but_the_optimum_is_found(method):
    # P1's best expert is E1, but only E1 may review P2 (conflict with E2): the optimum gives E1 to
    # P2 and E2 to P1; a greedy pass taking the best pair first leaves P2 uncovered.
    proposals = [P("P1", "A", "a;b"), P("P2", "B", "b;d")]
    experts = [E("E1", "C", "a;b", 1), E("E2", "D", "a;b;c", 1)]
    result = assign(proposals, experts, [("E2", "P2")], 1, method=method)
    assert {(x.proposal, x.expert) for x in result.pairs} == {("P1", "E2"), ("P2", "E1")}
    assert result.total == Fraction(2, 3) + Fraction(1, 3)


@pytest.mark.parametrize("method", METHODS)
def test_trade_off_between_proposals(method):
    # Two proposals, K=2, one star expert with load 1. P1 gains 1 − 1/3 from the star, P2 gains
    # 1 − 0: the star goes to P2 although P1 also matches it perfectly.
    proposals = [P("P1", "A", "x"), P("P2", "A", "y")]
    experts = [
        E("star", "B", "x;y", 1),
        E("x1", "B", "x", 2),
        E("x2", "B", "x;z;w", 2),
        E("y1", "B", "y", 1),
        E("none", "B", "q", 2),
    ]
    # affinities: P1: star 1/2, x1 1, x2 1/3; P2: star 1/2, y1 1, none 0
    result = assign(proposals, experts, [], 2, method=method)
    pairs = {(x.proposal, x.expert) for x in result.pairs}
    assert pairs == {("P1", "x1"), ("P1", "x2"), ("P2", "y1"), ("P2", "star")}
    assert result.total == 1 + Fraction(1, 3) + 1 + Fraction(1, 2)


def test_affinity_is_jaccard_and_fields_parse():
    assert parse_fields(" 人工智能 ; 大数据；；新材料 ;") == frozenset({"人工智能", "大数据", "新材料"})
    assert parse_fields("") == frozenset() and parse_fields(None) == frozenset()
    assert jaccard(frozenset("ab"), frozenset("bc")) == Fraction(1, 3)
    assert jaccard(frozenset(), frozenset()) == 0
    assert jaccard(frozenset("a"), frozenset()) == 0


def test_same_org_and_conflicts_exclude_but_an_empty_org_matches_nobody():
    proposals = [P("P1", "", "a"), P("P2", "U", "a")]
    experts = [E("E1", "", "a", 2), E("E2", "U", "a", 2), E("E3", "V", "a", 2)]
    result = assign(proposals, experts, [("E3", "P2")], 1)
    pairs = {(x.proposal, x.expert) for x in result.pairs}
    assert ("P2", "E2") not in pairs and ("P2", "E3") not in pairs
    assert ("P2", "E1") in pairs
    assert len(pairs) == 2


def test_result_does_not_depend_on_row_order_and_lists_proposals_in_input_order():
    rng = random.Random(7)
    proposals, experts, conflicts, k = random_instance(rng, 30, 20, 2, loads=(2, 5))
    first = assign(proposals, experts, conflicts, k)
    shuffled_p, shuffled_e = proposals[:], experts[:]
    rng.shuffle(shuffled_p)
    rng.shuffle(shuffled_e)
    second = assign(shuffled_p, shuffled_e, list(reversed(conflicts)), k)
    assert {(x.proposal, x.expert) for x in first.pairs} == {(x.proposal, x.expert) for x in second.pairs}
    order = list(dict.fromkeys(x.proposal for x in second.pairs))
    assert order == [p.id for p in shuffled_p]
    assert assign(proposals, experts, conflicts, k).pairs == first.pairs


def test_all_equal_affinities_and_empty_fields():
    proposals = [P(f"P{i}", "A", "") for i in range(6)]
    experts = [E(f"E{j}", "B", "", 3) for j in range(4)]
    result = assign(proposals, experts, [], 2)
    assert result.total == 0
    check_constraints(result, proposals, experts, [], 2)


# -- infeasibility ------------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_proposal_with_too_few_eligible_experts_is_named(method):
    proposals = [P("P1", "A", "a"), P("P2", "B", "a"), P("P3", "C", "a")]
    experts = [E("E1", "A", "a", 5), E("E2", "A", "a", 5), E("E3", "D", "a", 5), E("E4", "E", "a", 0)]
    conflicts = [("E3", "P3"), ("E1", "P3")]
    with pytest.raises(InfeasibleAssignment) as info:
        assign(proposals, experts, conflicts, 2, method=method)
    exc = info.value
    # P1: E1, E2 same org, E4 has no capacity; P3: E1, E3 conflicts; P2 has E1, E2, E3.
    assert exc.proposals == ("P1", "P3")
    assert [(s.kind, s.proposals, s.needed, s.available) for s in exc.shortages] == [
        ("eligible", ("P1",), 2, 1),
        ("eligible", ("P3",), 2, 1),
    ]
    assert "proposal P1: only 1 eligible expert(s), 2 needed" in str(exc)
    check_shortages(exc, proposals, experts, conflicts, 2)


@pytest.mark.parametrize("method", METHODS)
def test_capacity_shortage_names_the_competing_group_only(method):
    # P1–P3 (org A) may only use E1 and E2, one review each: 3 needed, 2 possible. P4 (org B)
    # has E3 and E4 and is fine, so it is not named.
    proposals = [P("P1", "A", "a"), P("P2", "A", "a"), P("P3", "A", "a"), P("P4", "B", "b")]
    experts = [E("E1", "B", "a", 1), E("E2", "B", "a", 1), E("E3", "C", "b", 1), E("E4", "A", "b", 9)]
    conflicts = [("E3", "P1"), ("E3", "P2"), ("E3", "P3")]
    with pytest.raises(InfeasibleAssignment) as info:
        assign(proposals, experts, conflicts, 1, method=method)
    exc = info.value
    assert exc.proposals == ("P1", "P2", "P3")
    (shortage,) = exc.shortages
    assert (shortage.kind, shortage.needed, shortage.available) == ("capacity", 3, 2)
    assert len(shortage.short) == 1
    assert "P4" not in str(exc)
    check_shortages(exc, proposals, experts, conflicts, 1)


def test_infeasible_large_instance_is_diagnosed():
    rng = random.Random(3)
    proposals, experts, conflicts, k = random_instance(rng, 120, 40, 3, loads=(1, 3), orgs=30)
    with pytest.raises(InfeasibleAssignment) as info:
        assign(proposals, experts, conflicts, k)
    check_shortages(info.value, proposals, experts, conflicts, k)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="duplicate proposal"):
        assign([P("P1", "", ""), P("P1", "", "")], [E("E1", "", "", 1)], [], 1)
    with pytest.raises(ValueError, match="unknown expert"):
        assign([P("P1", "", "")], [E("E1", "", "", 1)], [("E9", "P1")], 1)
    with pytest.raises(ValueError, match="unknown proposal"):
        assign([P("P1", "", "")], [E("E1", "", "", 1)], [("E1", "P9")], 1)
    with pytest.raises(ValueError, match="method"):
        assign([P("P1", "", "")], [E("E1", "", "", 1)], [], 1, method="greedy")


# -- the exact repair behind the LP -------------------------------------------------------------
def test_label_correcting_cancels_a_negative_cycle():
    """The LP only proposes a flow; the exact repair must turn a suboptimal one into the optimum."""
    proposals = sorted([P("P1", "", "a;b"), P("P2", "", "b;c")], key=lambda p: p.id)
    experts = sorted([E("E1", "", "a;b", 1), E("E2", "", "b;c", 1)], key=lambda e: e.id)
    graph = engine._Graph(proposals, experts, set())
    flow = engine._Flow(graph, 1, np.ones(2, dtype=bool), 2, "lp")
    # Load the crossed (worst) assignment P1–E2, P2–E1 with zero potentials.
    for i, j in ((0, 1), (1, 0)):
        w = flow.cand[i][j]
        flow.assigned[i][j] = w
        flow.users[j][i] = w
        flow.used[j] += 1
    flow.excess = [0, 0]
    flow.tdef = 0
    flow.pi = [0] * 5
    flow._settle_potentials()
    assert flow.stats["cycles"] >= 1
    assert [set(a) for a in flow.assigned] == [{0}, {1}]
    assert flow._price() is None


def test_a_failed_lp_falls_back_to_the_exact_pure_python_path(monkeypatch):
    def give_up(self):
        raise engine._LPFailed("iteration limit")

    monkeypatch.setattr(engine._Flow, "_solve_lp", give_up)
    instance = random_instance(random.Random(12), n_p=8, n_e=7, k=2)  # a feasible one
    result = assign(*instance[:3], instance[3], method="lp")
    assert result.stats["lp_failed"] == "iteration limit"
    assert result.total == flow_oracle(*instance)


@pytest.mark.parametrize("method", METHODS)
def test_huge_common_denominator_stays_exact(method):
    # Unions of up to ~100 tags make the common denominator far exceed int64: exact Python ints.
    rng = random.Random(5)
    names = [f"t{i}" for i in range(120)]
    proposals = [
        P(f"p{i}", f"o{rng.randrange(3)}", ";".join(rng.sample(names, rng.randint(1, 60)))) for i in range(8)
    ]
    experts = [
        E(f"e{j}", f"o{rng.randrange(3)}", ";".join(rng.sample(names, rng.randint(1, 60))), 3)
        for j in range(7)
    ]
    graph = engine._Graph(proposals, experts, set())
    assert graph.scale >= 2**63 and graph.weight.dtype == object
    result = assign(proposals, experts, [], 2, method=method)
    assert result.total == flow_oracle(proposals, experts, [], 2)


def test_a_fractional_lp_answer_is_refused_and_retried(monkeypatch):
    import scipy.optimize

    real = scipy.optimize.linprog
    methods = []

    def linprog(*args, method, **kwargs):
        methods.append(method)
        res = real(*args, method=method, **kwargs)
        if method == "highs-ipm":
            res.x = res.x * 0.5  # what a non-basic interior point would look like
        return res

    monkeypatch.setattr(scipy.optimize, "linprog", linprog)
    instance = random_instance(random.Random(12), n_p=8, n_e=7, k=2)
    result = assign(*instance[:3], instance[3], method="lp")
    assert methods[:2] == ["highs-ipm", "highs-ds"]
    assert "lp_failed" not in result.stats
    assert result.total == flow_oracle(*instance)


def test_edge_cases():
    assert assign([], [], [], 3).pairs == []
    assert assign([P("P1", "", "a")], [E("E1", "", "a", 1)], [], 0).pairs == []
    with pytest.raises(InfeasibleAssignment) as info:
        assign([P("P1", "", "a")], [], [], 1)
    assert info.value.proposals == ("P1",)


# -- the command --------------------------------------------------------------------------------
def write_csv(path: Path, header: str, rows: list[str], encoding="utf-8") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture
def files(tmp_path):
    proposals = write_csv(tmp_path / "p.csv", "id,org,fields", ["P1,A,ai;ml", "P2,B,bio", "P3,A,ai"])
    experts = write_csv(
        tmp_path / "e.csv",
        "id,org,fields,max_load",
        ["E1,A,ai;ml,2", "E2,B,ai,2", "E3,C,bio;ai,3", "E4,C,ml,1", "E5,D,bio,2"],
    )
    conflicts = write_csv(tmp_path / "c.csv", "expert,proposal", ["E2,P1"])
    return tmp_path, proposals, experts, conflicts


def review(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command("review", "assign", *map(str, args), stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_command_writes_the_optimum(files):
    tmp, proposals, experts, conflicts = files
    out_file = tmp / "out.csv"
    stdout, _ = review(
        "--proposals",
        proposals,
        "--experts",
        experts,
        "--conflicts",
        conflicts,
        "--per-proposal",
        2,
        "--output",
        out_file,
    )
    rows = read_csv(out_file)
    assert rows[0] == ["proposal", "expert", "affinity"]
    body = rows[1:]
    assert [r[0] for r in body] == ["P1", "P1", "P2", "P2", "P3", "P3"]
    total = sum(Fraction(r[2]) for r in body)
    best = brute_force(
        [P("P1", "A", "ai;ml"), P("P2", "B", "bio"), P("P3", "A", "ai")],
        [
            E("E1", "A", "ai;ml", 2),
            E("E2", "B", "ai", 2),
            E("E3", "C", "bio;ai", 3),
            E("E4", "C", "ml", 1),
            E("E5", "D", "bio", 2),
        ],
        [("E2", "P1")],
        2,
    )
    assert abs(total - best) < Fraction(1, 10**9)
    assert ("P1", "E2") not in {(r[0], r[1]) for r in body}
    assert all(r[2] == repr(float(Fraction(r[2]))) for r in body)  # plain decimals
    assert "total affinity" in stdout


def test_command_reads_chinese_headers_gb18030_and_xlsx(tmp_path):
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    proposals = write_csv(
        tmp_path / "p.csv",
        "项目编号,申报单位,领域",
        ["P1,甲,人工智能；大数据", "P2,乙,新材料"],
        encoding="gb18030",
    )
    wb = Workbook()
    ws = wb.active
    ws.append(["专家编号", "单位", "研究领域", "最大评审数"])
    ws.append(["E1", "甲", "人工智能", 2])
    ws.append(["E2", "丙", "大数据;人工智能", 2])
    ws.append(["E3", "丁", "新材料", 2.0])
    wb.save(tmp_path / "e.xlsx")
    review(
        "--proposals",
        proposals,
        "--experts",
        tmp_path / "e.xlsx",
        "--per-proposal",
        1,
        "--output",
        tmp_path / "o.xlsx",
    )
    rows = CalamineWorkbook.from_path(str(tmp_path / "o.xlsx")).get_sheet_by_index(0).to_python()
    assert rows[0] == ["proposal", "expert", "affinity"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [("P1", "E2", 1.0), ("P2", "E3", 1.0)]


@pytest.mark.parametrize(
    "experts_rows, conflict_rows, expected",
    [
        (["E1,X,ai,two"], [], "e.csv: row 2, column max_load: 'two' is not a whole number"),
        (["E1,X,ai,1.5"], [], "row 2, column max_load: '1.5'"),
        (["E1,X,ai,-1"], [], "row 2, column max_load: '-1'"),
        (["E1,X,ai,"], [], "row 2, column max_load: empty"),
        (["E1,X,ai,1", "E1,Y,ml,1"], [], "e.csv: row 3, column id: 'E1' repeats row 2"),
        (["E1,X,ai,1"], ["E9,P1"], "c.csv: row 2, column expert: unknown expert 'E9'"),
        (["E1,X,ai,1"], ["E1,P9"], "c.csv: row 2, column proposal: unknown proposal 'P9'"),
    ],
)
def test_command_names_row_and_column_of_bad_input(tmp_path, experts_rows, conflict_rows, expected):
    proposals = write_csv(tmp_path / "p.csv", "id,org,fields", ["P1,A,ai"])
    experts = write_csv(tmp_path / "e.csv", "id,org,fields,max_load", experts_rows)
    conflicts = write_csv(tmp_path / "c.csv", "expert,proposal", conflict_rows)
    err = io.StringIO()
    with pytest.raises(CommandError, match="input error"):
        call_command(
            "review",
            "assign",
            "--proposals",
            str(proposals),
            "--experts",
            str(experts),
            "--conflicts",
            str(conflicts),
            "--per-proposal",
            "1",
            "--output",
            str(tmp_path / "o.csv"),
            stderr=err,
        )
    assert expected in err.getvalue()
    assert not (tmp_path / "o.csv").exists()


def test_command_missing_column(tmp_path):
    proposals = write_csv(tmp_path / "p.csv", "id,fields", ["P1,ai"])
    experts = write_csv(tmp_path / "e.csv", "id,org,fields", ["E1,X,ai"])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "review",
            "assign",
            "--proposals",
            str(proposals),
            "--experts",
            str(experts),
            "--per-proposal",
            "1",
            "--output",
            str(tmp_path / "o.csv"),
            stderr=err,
        )
    assert "p.csv: row 1: missing column(s) org" in err.getvalue()
    assert "e.csv: row 1: missing column(s) max_load" in err.getvalue()


def test_command_infeasible_exits_non_zero_naming_proposals(files):
    tmp, proposals, experts, conflicts = files
    # K=4: P1 (org A, conflict with E2) has only E3, E4, E5 eligible.
    result = subprocess.run(
        [
            KECHUANG,
            "review",
            "assign",
            "--proposals",
            proposals,
            "--experts",
            experts,
            "--conflicts",
            conflicts,
            "--per-proposal",
            "4",
            "--output",
            tmp / "o.csv",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "P1" in result.stderr and "only 3 eligible expert(s), 4 needed" in result.stderr
    assert "cannot be covered" in result.stderr
    assert not (tmp / "o.csv").exists()


def test_command_feasible_through_the_console_script(files):
    tmp, proposals, experts, conflicts = files
    result = subprocess.run(
        [
            KECHUANG,
            "review",
            "assign",
            "--proposals",
            proposals,
            "--experts",
            experts,
            "--conflicts",
            conflicts,
            "--per-proposal",
            "1",
            "--output",
            tmp / "o.csv",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(read_csv(tmp / "o.csv")) == 4
