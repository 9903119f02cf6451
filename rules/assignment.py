"""Reviewer assignment: an exact maximum-affinity b-matching of experts to proposals.

Pure Python and numpy, no Django. Each proposal gets exactly K distinct experts, no expert exceeds
its max_load, no expert reviews a proposal of their own org or one listed as a conflict, and among
all such assignments the result has the greatest total Jaccard affinity (CONTRACTS.md, "Reviewer
assignment").

Model: a min-cost flow. Each proposal p supplies K units, the sink T demands them; arcs p→e (cap 1,
cost −w(p, e)) for allowed pairs, e→T (cap max_load, cost 0), and an artificial arc p→T (cap K,
cost M) that stands for "not covered". Costs are exact integers: w = affinity × D with D the least
common multiple of the Jaccard denominators that occur, so no rounding can break a tie wrongly.
M > D·(number of reviews) makes any flow with less artificial flow cheaper than any flow with more,
so an optimal flow is first a maximum flow and then a maximum-affinity one; when it still uses an
artificial arc no assignment exists.

Solver: a sparse subgraph first (each proposal's best few experts, each expert's best few
proposals), solved by HiGHS's dual simplex through scipy ("lp"), or by successive shortest paths
in pure Python ("ssp") where scipy is missing. Floating point only proposes: the LP's basic solution
is integral (the matrix is a network matrix), is loaded as an integer flow, and exact integer
potentials are computed for it by label correcting, cancelling any negative cycle found, so the
flow is optimal on the subgraph with a certificate. Then exact pricing over every allowed pair
(numpy): a flow whose residual arcs all have non-negative reduced cost under some potentials is
optimal (the negative-cycle / LP-duality condition), and pairs outside the subgraph carry no flow,
so their only residual arc is p→e with reduced cost π(p) − π(e) − w(p, e). Violated pairs join the
subgraph and it is solved again, until pricing finds nothing: the result is then optimal on the
full graph, exactly, whatever the subgraph was.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

__all__ = [
    "Assignment",
    "Expert",
    "InfeasibleAssignment",
    "Pair",
    "Proposal",
    "Shortage",
    "assign",
    "jaccard",
    "parse_fields",
]

_FIELD_SEPARATORS = (";", "；")
# int64 headroom for the pricing arithmetic (w − (π(p) − π(e)) must not overflow).
_INT64_SAFE = 1 << 60
# Subgraph sizes and pricing batch, tuned on the benchmark (speed only; exactness never depends
# on them): each proposal's 2K + 2 best experts, each expert's max_load + K best proposals; once
# pricing finds a violation, up to 3K arcs per proposal within 1/30 affinity of violation join.
_SEED_PER_PROPOSAL = (2, 2)
_SEED_PER_EXPERT = 1
_PRICE_PER_ROW = 3
_NEAR = 30


@dataclass(frozen=True)
class Proposal:
    id: str
    org: str
    fields: frozenset[str]


@dataclass(frozen=True)
class Expert:
    id: str
    org: str
    fields: frozenset[str]
    max_load: int


@dataclass(frozen=True)
class Pair:
    proposal: str
    expert: str
    affinity: Fraction


@dataclass(frozen=True)
class Shortage:
    """Why some proposals cannot be covered.

    kind `eligible`: one proposal with fewer than K eligible experts (`available` of them).
    kind `capacity`: a group whose eligible experts can give at most `available` reviews in all,
    fewer than the `needed` K × len(proposals) (a violated Hall condition); `short` names the
    proposals a maximum partial assignment leaves under-covered."""

    kind: str
    proposals: tuple[str, ...]
    needed: int
    available: int
    short: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "eligible":
            return (
                f"proposal {self.proposals[0]}: only {self.available} eligible expert(s), "
                f"{self.needed} needed (after org, conflict and max_load exclusions)"
            )
        return (
            f"proposals {', '.join(self.proposals)}: together need {self.needed} reviews but the "
            f"experts eligible for them can give at most {self.available}"
            + (f"; left short in a maximum assignment: {', '.join(self.short)}" if self.short else "")
        )


class InfeasibleAssignment(Exception):
    """No assignment meets the constraints; `shortages` say which proposals and why."""

    def __init__(self, shortages: Sequence[Shortage]):
        self.shortages = tuple(shortages)
        names: list[str] = []
        for s in self.shortages:
            names.extend(p for p in s.proposals if p not in names)
        self.proposals = tuple(names)
        super().__init__("; ".join(s.describe() for s in self.shortages))


@dataclass
class Assignment:
    pairs: list[Pair]  # proposals in input order, then affinity descending, then expert id
    total: Fraction
    stats: dict = field(default_factory=dict)


def parse_fields(text: str | None) -> frozenset[str]:
    """`;`-separated tags (the full-width `；` too), whitespace stripped, empties ignored."""
    text = text or ""
    for sep in _FIELD_SEPARATORS[1:]:
        text = text.replace(sep, _FIELD_SEPARATORS[0])
    return frozenset(t.strip() for t in text.split(_FIELD_SEPARATORS[0]) if t.strip())


def jaccard(a: frozenset[str], b: frozenset[str]) -> Fraction:
    union = len(a | b)
    return Fraction(len(a & b), union) if union else Fraction(0)


def assign(
    proposals: Iterable[Proposal],
    experts: Iterable[Expert],
    conflicts: Iterable[tuple[str, str]] = (),
    k: int = 1,
    *,
    candidates: int | None = None,
    method: str = "auto",
) -> Assignment:
    """The maximum-total-affinity assignment of `k` experts to each proposal.

    `conflicts` holds (expert id, proposal id) pairs. `candidates` is the number of best experts per
    proposal in the first sparse subgraph, `method` how each subgraph is solved: "lp" (HiGHS via
    scipy, then exact integer repair), "ssp" (pure-Python successive shortest paths), or "auto" (lp
    when scipy is installed). Both are speed knobs only: the result is exactly optimal either way.
    Raises InfeasibleAssignment when no assignment exists, ValueError on inconsistent input."""
    proposals = list(proposals)
    experts = list(experts)
    if k < 0:
        raise ValueError("per-proposal count must not be negative")
    _check_unique([p.id for p in proposals], "proposal")
    _check_unique([e.id for e in experts], "expert")
    for e in experts:
        if e.max_load < 0:
            raise ValueError(f"expert {e.id}: max_load must not be negative")
    # Solve in id order so the result does not depend on row order; report in input order.
    props = sorted(proposals, key=lambda p: p.id)
    exps = sorted(experts, key=lambda e: e.id)
    pidx = {p.id: i for i, p in enumerate(props)}
    eidx = {e.id: i for i, e in enumerate(exps)}
    conflict_pairs = set()
    for expert_id, proposal_id in conflicts:
        if expert_id not in eidx:
            raise ValueError(f"conflict names an unknown expert {expert_id!r}")
        if proposal_id not in pidx:
            raise ValueError(f"conflict names an unknown proposal {proposal_id!r}")
        conflict_pairs.add((pidx[proposal_id], eidx[expert_id]))

    graph = _Graph(props, exps, conflict_pairs)
    if k == 0 or not props:
        return Assignment(pairs=[], total=Fraction(0), stats={"rounds": 0})

    eligible = graph.allowed.sum(axis=1)
    few = [i for i in range(len(props)) if eligible[i] < k]
    keep = np.ones(len(props), dtype=bool)
    keep[few] = False
    shortages = [Shortage("eligible", (props[i].id,), k, int(eligible[i])) for i in few]

    flow = _Flow(graph, k, keep, candidates, _pick_method(method))
    if keep.any():
        flow.solve()
    uncovered = [i for i in range(len(props)) if flow.art[i] > 0]
    if shortages or uncovered:
        shortages.extend(flow.hall_groups(uncovered))
        raise InfeasibleAssignment(shortages)

    order = {p.id: n for n, p in enumerate(proposals)}
    pairs = []
    for i, p in enumerate(props):
        for e in flow.assigned[i]:
            pairs.append(Pair(p.id, exps[e].id, jaccard(p.fields, exps[e].fields)))
    pairs.sort(key=lambda x: (order[x.proposal], -x.affinity, x.expert))
    total = sum((x.affinity for x in pairs), Fraction(0))
    return Assignment(pairs=pairs, total=total, stats=flow.stats)


def _top(values: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Mask of the width[r] largest values of each row r. Ties go by a rotation of the columns
    that differs per row, so rows with the same values (say, all affinities 0) pick different
    columns instead of crowding the first few: a crowded subgraph lacks capacity."""
    n, m = values.shape
    if not n or not m:
        return np.zeros((n, m), dtype=bool)
    width = np.clip(width, 1, m)
    rows = np.arange(n)
    # Partitioning at just the positions needed is cheaper than sorting whole rows.
    nth = -np.partition(-values, np.unique(width - 1), axis=1)[rows, width - 1]
    above = values > nth[:, None]
    tied = values == nth[:, None]
    room = width - above.sum(axis=1)
    offset = (rows * 0.6180339887 * m).astype(np.int64) % m
    turn = (np.arange(m)[None, :] - offset[:, None]) % m  # a distinct rank per column, per row
    place = np.maximum(room, 1) - 1
    ranked = np.partition(np.where(tied, turn, m), np.unique(place), axis=1)
    cut = ranked[rows, place]
    return above | (tied & (turn <= cut[:, None]) & (room > 0)[:, None])


def _pred_cycle(pred: list[int], start: int, nodes: int) -> list[int] | None:
    """The cycle met walking predecessor links from start, in arc order, or None at a root.
    Every cycle of the predecessor graph of a label-correcting run has negative cost."""
    seen: dict[int, int] = {}
    v, step = start, 0
    while v >= 0 and v not in seen and step <= nodes:
        seen[v] = step
        v = pred[v]
        step += 1
    if v < 0 or v not in seen:
        return None
    cycle = [v]
    u = pred[v]
    while u != v:
        cycle.append(u)
        u = pred[u]
    cycle.reverse()  # pred links point backwards; arcs run pred[x] → x
    return cycle


def _pick_method(method: str) -> str:
    if method not in ("auto", "lp", "ssp"):
        raise ValueError(f"unknown method {method!r}")
    if method != "auto":
        return method
    try:
        import scipy.optimize  # noqa: F401
    except ImportError:
        return "ssp"
    return "lp"


def _check_unique(ids: list[str], what: str) -> None:
    seen = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate {what} id {i!r}")
        seen.add(i)


class _LPFailed(Exception):
    pass


class _Graph:
    """Allowed pairs and exact integer weights w = affinity × D as dense P × E arrays."""

    def __init__(self, props: list[Proposal], exps: list[Expert], conflict_pairs: set[tuple[int, int]]):
        n_p, n_e = len(props), len(exps)
        tags = {t: n for n, t in enumerate(sorted({t for x in (*props, *exps) for t in x.fields}))}
        pm = np.zeros((n_p, len(tags)), dtype=np.float32)
        em = np.zeros((n_e, len(tags)), dtype=np.float32)
        for i, p in enumerate(props):
            pm[i, [tags[t] for t in p.fields]] = 1
        for j, e in enumerate(exps):
            em[j, [tags[t] for t in e.fields]] = 1
        # float32 products of 0/1 matrices are exact integers while tag counts stay below 2^24.
        shared = np.rint(pm @ em.T).astype(np.int64) if tags else np.zeros((n_p, n_e), dtype=np.int64)
        sizes_p = np.array([len(p.fields) for p in props], dtype=np.int64)
        sizes_e = np.array([len(e.fields) for e in exps], dtype=np.int64)
        union = sizes_p[:, None] + sizes_e[None, :] - shared

        orgs = {o: n for n, o in enumerate(sorted({x.org for x in (*props, *exps) if x.org}))}
        org_p = np.array([orgs.get(p.org, -1) for p in props], dtype=np.int64)
        org_e = np.array([orgs.get(e.org, -2) for e in exps], dtype=np.int64)
        self.load = [e.max_load for e in exps]
        allowed = org_p[:, None] != org_e[None, :]
        allowed &= (np.array(self.load, dtype=np.int64) > 0)[None, :]
        for i, j in conflict_pairs:
            allowed[i, j] = False
        self.allowed = allowed

        positive = shared > 0
        denominators = np.unique(union[positive & allowed]) if n_p and n_e else np.zeros(0, np.int64)
        self.scale = math.lcm(*(int(d) for d in denominators)) if len(denominators) else 1
        big = self.scale >= _INT64_SAFE
        dtype = object if big else np.int64
        per_union = np.zeros(int(union.max(initial=0)) + 1, dtype=dtype)
        for d in denominators:
            per_union[int(d)] = self.scale // int(d)
        weight = np.where(positive, shared.astype(dtype) * per_union[union], 0)
        weight[~allowed] = 0
        self.weight = weight.astype(dtype)
        # Float affinities only order the first subgraph (a speed matter; exactness comes from pricing).
        with np.errstate(divide="ignore", invalid="ignore"):
            self.rough = np.where(positive, shared / np.maximum(union, 1), 0.0)
        self.n_p, self.n_e = n_p, n_e
        self.props, self.exps = props, exps


class _Flow:
    """Min-cost flow on a growing sparse subgraph, priced against the full graph. Nodes are
    numbered proposals 0..P−1, experts P..P+E−1, then the sink T."""

    def __init__(self, graph: _Graph, k: int, keep: np.ndarray, candidates: int | None, method: str):
        self.g = graph
        self.method = method
        self.k = k
        n_p, n_e = graph.n_p, graph.n_e
        self.n_p, self.n_e = n_p, n_e
        self.T = n_p + n_e
        self.keep = keep
        # One review can change the real cost by at most D, so M above D × (all reviews) puts
        # "cover as much as possible" strictly before "maximise affinity".
        self.M = graph.scale * k * n_p + 1
        self.load = graph.load
        self.cand: list[dict[int, int]] = [{} for _ in range(n_p)]  # p -> {e: w} in the subgraph
        self.in_cand = np.zeros((n_p, n_e), dtype=bool)
        self.stats = {"rounds": 0, "searches": 0, "arcs": 0}
        width = candidates if candidates is not None else _SEED_PER_PROPOSAL[0] * k + _SEED_PER_PROPOSAL[1]
        self._seed(max(width, 1))
        # The flow: p -> {e: w} and e -> {p: w} for assigned pairs, flow on e→T (used) and on the
        # artificial p→T (art), supply left at each proposal (excess) and demand left at T (tdef).
        self.assigned: list[dict[int, int]]
        self.users: list[dict[int, int]]
        self.used: list[int]
        self.art: list[int]
        self.excess: list[int]
        self.tdef: int
        self.pi: list[int]  # node potentials: proposals, experts, then T
        self._restart()

    # -- subgraph -------------------------------------------------------------------------------
    def _seed(self, width: int) -> None:
        """Each kept proposal's `width` best allowed experts, and each expert's max_load + K best
        proposals, so experts that are nobody's favourite still offer their capacity: a subgraph
        short of capacity needs more pricing rounds."""
        g = self.g
        if not g.n_e:
            return
        usable = g.allowed & self.keep[:, None]
        rough = np.where(usable, g.rough, -1.0)
        take = _top(rough, np.full(g.n_p, width))
        take |= _top(rough.T, np.array(self.load) + _SEED_PER_EXPERT * self.k).T
        self._add(take & usable)

    def _add(self, mask: np.ndarray) -> list[int]:
        rows, cols = np.nonzero(mask & ~self.in_cand)
        self.in_cand[rows, cols] = True
        weight = self.g.weight
        touched = []
        last = -1
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            self.cand[i][j] = int(weight[i, j])
            if i != last:
                touched.append(i)
                last = i
        self.stats["arcs"] += len(rows)
        return touched

    # -- solving --------------------------------------------------------------------------------
    def solve(self) -> None:
        if self.method == "lp":
            self._solve_lp_or_fall_back()
        else:
            self._route()
        while True:
            self.stats["rounds"] += 1
            violated = self._price()
            if violated is None:
                return
            touched = self._add(violated)
            if self.method == "lp":
                self._solve_lp_or_fall_back()
            else:
                for i in touched:
                    self._reopen(i)
                self._route()

    def _solve_lp_or_fall_back(self) -> None:
        try:
            self._solve_lp()
        except _LPFailed as exc:
            # HiGHS gave up (limits, numerical trouble): solve this and later rounds exactly
            # in pure Python instead, from an empty flow.
            self.stats["lp_failed"] = str(exc)
            self.method = "ssp"
            self._restart()
            self._route()
            return
        self._settle_potentials()

    def _restart(self) -> None:
        """Empty flow with potentials fit for it: π(p) = its best arc, π(e) = π(T) = 0."""
        n_p, n_e, k = self.n_p, self.n_e, self.k
        self.assigned = [{} for _ in range(n_p)]
        self.users = [{} for _ in range(n_e)]
        self.used = [0] * n_e
        self.art = [0] * n_p
        self.excess = [k if self.keep[i] else 0 for i in range(n_p)]
        self.tdef = k * int(self.keep.sum())
        self.pi = [max(c.values(), default=0) for c in self.cand] + [0] * (n_e + 1)

    def _route(self) -> None:
        # Round-robin one unit at a time, so no proposal takes every contested expert first.
        pending = [i for i in range(self.n_p) if self.excess[i] > 0]
        while pending:
            nxt = []
            for i in pending:
                self._augment_from(i)
                if self.excess[i] > 0:
                    nxt.append(i)
            pending = nxt

    def _reopen(self, i: int) -> None:
        """Take all flow off proposal i so its potential may rise to fit its new arcs: with no
        flow, no residual arc enters it. Its experts keep their e→T flow and are owed a unit
        instead, so no other arc changes and every other reduced cost stays non-negative."""
        for e in self.assigned[i]:
            del self.users[e][i]
        self.assigned[i] = {}
        self.tdef += self.art[i]
        self.art[i] = 0
        self.excess[i] = self.k
        pi, off = self.pi, self.n_p
        need = [w + pi[off + e] for e, w in self.cand[i].items()]
        need.append(pi[self.T] - self.M)
        pi[i] = max(need)

    def _augment_from(self, s: int) -> None:
        """One unit from proposal s to the nearest node that is owed flow, along a shortest path
        (Dijkstra on reduced costs). Reduced cost of u→v: c(u, v) + π(u) − π(v)."""
        self.stats["searches"] += 1
        n_p, n_e, T, k, M = self.n_p, self.n_e, self.T, self.k, self.M
        pi, cand, assigned, users = self.pi, self.cand, self.assigned, self.users
        used, load, art = self.used, self.load, self.art
        dist = {s: 0}
        prev: dict[int, int] = {}
        done: set[int] = set()
        settled = []
        heap = [(0, s)]
        push, pop = heapq.heappush, heapq.heappop
        target = -1

        # The heap holds T as -1 so that among equal distances the sink pops first: zero reduced
        # costs are common (ties in affinity), and settling a whole tied plateau is wasted work.
        def relax(u: int, v: int, nd: int) -> None:
            if v not in done and nd < dist.get(v, nd + 1):
                dist[v] = nd
                prev[v] = u
                push(heap, (nd, -1 if v == T else v))

        while heap:
            d, u = pop(heap)
            if u < 0:
                u = T
            if u in done:
                continue
            done.add(u)
            settled.append(u)
            if u < n_p:  # proposal: unused candidate experts, and the artificial arc
                pu = pi[u]
                mine = assigned[u]
                for e, w in cand[u].items():
                    if e not in mine:
                        v = n_p + e
                        nd = d - w + pu - pi[v]
                        if v not in done and nd < dist.get(v, nd + 1):
                            dist[v] = nd
                            prev[v] = u
                            push(heap, (nd, v))
                if art[u] < k:
                    relax(u, T, d + M + pu - pi[T])
            elif u < T:  # expert: owed a unit, spare capacity to T, or back to its reviewers
                e = u - n_p
                theirs = users[e]
                if used[e] > len(theirs):
                    target = u
                    break
                pu = pi[u]
                if used[e] < load[e]:
                    relax(u, T, d + pu - pi[T])
                for q, w in theirs.items():
                    if q not in done:
                        nd = d + w + pu - pi[q]
                        if nd < dist.get(q, nd + 1):
                            dist[q] = nd
                            prev[q] = u
                            push(heap, (nd, q))
            else:
                if self.tdef > 0:
                    target = u
                    break
                # T is owed nothing (only while re-routing after pricing): go on through the
                # reverse arcs T→e and T→p of the flow it receives.
                pu = pi[T]
                for e in range(n_e):
                    if used[e] > 0:
                        relax(u, n_p + e, d + pu - pi[n_p + e])
                for q in range(n_p):
                    if art[q] > 0:
                        relax(u, q, d - M + pu - pi[q])
        if target < 0:
            raise AssertionError("no path to a node owed flow; the artificial arc always offers one")
        dt = dist[target]
        for v in settled:
            pi[v] += dist[v] - dt
        v = target
        while v != s:
            self._push(prev[v], v)
            v = prev[v]
        if target == T:
            self.tdef -= 1
        self.excess[s] -= 1

    def _push(self, u: int, v: int) -> None:
        """One unit of flow along the residual arc u→v."""
        n_p, T = self.n_p, self.T
        if u == T:
            if v >= n_p:
                self.used[v - n_p] -= 1
            else:
                self.art[v] -= 1
        elif v == T:
            if u >= n_p:
                self.used[u - n_p] += 1
            else:
                self.art[u] += 1
        elif u < n_p:  # p→e: assign
            e = v - n_p
            w = self.cand[u][e]
            self.assigned[u][e] = w
            self.users[e][u] = w
        else:  # e→p: unassign
            e = u - n_p
            del self.assigned[v][e]
            del self.users[e][v]

    def _arcs(self, u: int):
        """Residual arcs (v, cost) leaving u, with the exact integer costs."""
        n_p, T = self.n_p, self.T
        if u < n_p:
            mine = self.assigned[u]
            for e, w in self.cand[u].items():
                if e not in mine:
                    yield n_p + e, -w
            if self.art[u] < self.k and self.keep[u]:
                yield T, self.M
        elif u < T:
            e = u - n_p
            if self.used[e] < self.load[e]:
                yield T, 0
            for q, w in self.users[e].items():
                yield q, w
        else:
            for e in range(self.n_e):
                if self.used[e] > 0:
                    yield n_p + e, 0
            for q in range(n_p):
                if self.art[q] > 0:
                    yield q, -self.M

    # -- LP start -------------------------------------------------------------------------------
    def _solve_lp(self) -> None:
        """Solve the subgraph's LP with HiGHS and load its basic solution.

        The constraint matrix is a network matrix (totally unimodular), so a basic optimal
        solution is integral; floating point only has to find it, never to certify it: the exact
        integer potentials and pricing that follow do that, and cancel any negative cycle left."""
        from scipy.optimize import linprog
        from scipy.sparse import csr_matrix

        g, k, n_p, n_e = self.g, self.k, self.n_p, self.n_e
        rows, cols = np.nonzero(self.in_cand)
        n = len(rows)
        scale = g.scale
        cost = np.concatenate(
            [
                -np.array(
                    [self.cand[r][c] for r, c in zip(rows.tolist(), cols.tolist(), strict=True)], dtype=float
                )
                / scale,
                np.full(n_p, float(k * n_p + 1)),
            ]
        )
        a_eq = csr_matrix(
            (np.ones(n + n_p), (np.concatenate([rows, np.arange(n_p)]), np.arange(n + n_p))),
            shape=(n_p, n + n_p),
        )
        a_ub = csr_matrix((np.ones(n), (cols, np.arange(n))), shape=(n_e, n + n_p))
        bounds = np.zeros((n + n_p, 2))
        bounds[:n, 1] = 1
        bounds[n:, 1] = np.where(self.keep, k, 0)
        demand = np.where(self.keep, k, 0).astype(float)
        problems = []
        # Interior point with crossover (a basic solution) was the faster on the benchmark; the
        # dual simplex is the second try.
        for method in ("highs-ipm", "highs-ds"):
            res = linprog(
                cost,
                A_ub=a_ub,
                b_ub=np.array(self.load, dtype=float),
                A_eq=a_eq,
                b_eq=demand,
                bounds=bounds,
                method=method,
            )
            try:
                self._load_lp(res, rows, cols)
                return
            except _LPFailed as exc:
                problems.append(f"{method}: {exc}")
        raise _LPFailed("; ".join(problems))

    def _load_lp(self, res, rows: np.ndarray, cols: np.ndarray) -> None:
        n_p, n_e, k, n = self.n_p, self.n_e, self.k, len(rows)
        if res.status != 0:
            raise _LPFailed(res.message)
        x = np.rint(res.x).astype(np.int64)
        if np.abs(res.x - x).max(initial=0) > 1e-6:
            raise _LPFailed("the solution is not integral")
        self.assigned = [{} for _ in range(n_p)]
        self.users = [{} for _ in range(n_e)]
        self.used = [0] * n_e
        for r, c in zip(rows[x[:n] == 1].tolist(), cols[x[:n] == 1].tolist(), strict=True):
            w = self.cand[r][c]
            self.assigned[r][c] = w
            self.users[c][r] = w
            self.used[c] += 1
        self.art = x[n:].tolist()
        self.excess = [0] * n_p
        self.tdef = 0
        for i in np.nonzero(self.keep)[0].tolist():
            if len(self.assigned[i]) + self.art[i] != k:
                raise _LPFailed("the solution does not cover a proposal exactly")
        if any(u > cap for u, cap in zip(self.used, self.load, strict=True)):
            raise _LPFailed("the solution exceeds a max_load")
        # Starting labels from the duals (π(p) = −y_p·D, π(e) = z_e·D); only a warm start.
        y = res.eqlin.marginals
        z = res.ineqlin.marginals
        scale = self.g.scale
        self.pi = [round(-v * scale) for v in y.tolist()] + [round(v * scale) for v in z.tolist()] + [0]
        self.stats["lp"] = self.stats.get("lp", 0) + 1

    def _settle_potentials(self) -> None:
        """Exact integer potentials with every residual reduced cost ≥ 0 (label-correcting from
        the current labels); a negative cycle found on the way is cancelled, which lowers the
        integer cost, so this ends with an optimal flow on the subgraph and its certificate."""
        nodes = self.n_p + self.n_e + 1
        while True:
            cycle = self._label_correct(nodes)
            if cycle is None:
                return
            self.stats["cycles"] = self.stats.get("cycles", 0) + 1
            for u, v in zip(cycle, cycle[1:] + cycle[:1], strict=True):
                self._push(u, v)

    def _label_correct(self, nodes: int) -> list[int] | None:
        # Potentials here are labels d with d(v) ≤ d(u) + c(u, v); π = d makes c + π(u) − π(v) ≥ 0.
        d = self.pi
        pred = [-1] * nodes
        depth = [0] * nodes
        queue = deque(range(nodes))
        queued = [True] * nodes
        while queue:
            u = queue.popleft()
            queued[u] = False
            du = d[u]
            for v, c in self._arcs(u):
                nd = du + c
                if nd < d[v]:
                    d[v] = nd
                    pred[v] = u
                    depth[v] = depth[u] + 1
                    if depth[v] >= nodes:
                        cycle = _pred_cycle(pred, v, nodes)
                        if cycle is not None:
                            return cycle
                        depth[v] = 0
                    if not queued[v]:
                        queued[v] = True
                        queue.append(v)
        return None

    # -- pricing --------------------------------------------------------------------------------
    def _price(self) -> np.ndarray | None:
        """Allowed pairs outside the subgraph whose arc p→e has negative reduced cost, at most
        `cap` per proposal (the most negative); None when there is none, i.e. the flow is optimal
        on the full graph."""
        g, n_p = self.g, self.n_p
        bound = max(max(abs(x) for x in self.pi), g.scale)
        dtype = np.int64 if bound < _INT64_SAFE else object
        pi_p = np.array(self.pi[:n_p], dtype=dtype)
        pi_e = np.array(self.pi[n_p : n_p + self.n_e], dtype=dtype)
        weight = g.weight if g.weight.dtype == dtype else g.weight.astype(dtype)
        cap = _PRICE_PER_ROW * self.k
        out = np.zeros((n_p, self.n_e), dtype=bool)
        found = False
        step = max(1, 1_000_000 // max(self.n_e, 1))
        # Once anything is violated, arcs near violation join too: the duals move when the
        # subgraph grows, and each extra round costs a whole LP solve.
        near = g.scale // _NEAR if self.method == "lp" else 0
        for lo in range(0, n_p, step):
            hi = min(n_p, lo + step)
            slack = pi_p[lo:hi, None] - pi_e[None, :] - weight[lo:hi]
            open_ = g.allowed[lo:hi] & ~self.in_cand[lo:hi] & self.keep[lo:hi, None]
            if ((slack < 0) & open_).any():
                found = True
            bad = (slack < near) & open_
            many = np.nonzero(bad.sum(axis=1) > cap)[0]
            if len(many):
                # Keep the `cap` smallest reduced costs of those rows (stable: lower ids on ties).
                ceiling = slack[many].max(initial=0) + 1
                ranked = np.argsort(np.where(bad[many], slack[many], ceiling), axis=1, kind="stable")[:, :cap]
                keep_cols = np.zeros((len(many), bad.shape[1]), dtype=bool)
                np.put_along_axis(keep_cols, ranked, True, axis=1)
                bad[many] &= keep_cols
            out[lo:hi] = bad
        return out if found else None

    # -- diagnosis ------------------------------------------------------------------------------
    def hall_groups(self, uncovered: list[int]) -> list[Shortage]:
        """Groups of proposals whose demand exceeds what their eligible experts can give.

        The flow is a maximum one, so the nodes reachable from an under-covered proposal through
        residual arcs (p→e unused allowed pair, e→q for q reviewed by e) hold no expert with
        spare capacity, and each such closed set S is a Hall violator: K·|S| > Σ_e min(load_e,
        |eligible(e) ∩ S|). Sets that touch are merged."""
        if not uncovered:
            return []
        g, n_p = self.g, self.n_p
        allowed = g.allowed & self.keep[:, None]
        x = np.zeros_like(allowed)
        for i in range(n_p):
            for e in self.assigned[i]:
                x[i, e] = True
        free = allowed & ~x
        label_p = np.full(n_p, -1)
        label_e = np.full(self.n_e, -1)
        parent: dict[int, int] = {}

        def find(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        def union(a: int, labels: np.ndarray) -> None:
            for b in set(labels.tolist()):
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)

        for root in uncovered:
            if label_p[root] >= 0:
                continue
            parent[root] = root
            label_p[root] = root
            frontier = np.array([root])
            while len(frontier):
                reach_e = free[frontier].any(axis=0)
                union(root, label_e[reach_e & (label_e >= 0)])
                new_e = reach_e & (label_e < 0)
                label_e[new_e] = root
                reach_p = x[:, new_e].any(axis=1)
                union(root, label_p[reach_p & (label_p >= 0)])
                new_p = reach_p & (label_p < 0)
                label_p[new_p] = root
                frontier = np.nonzero(new_p)[0]
        groups: dict[int, list[int]] = {}
        for i in np.nonzero(label_p >= 0)[0].tolist():
            groups.setdefault(find(int(label_p[i])), []).append(i)
        load = np.array(self.load, dtype=np.int64)
        ids = [p.id for p in self.g.props]
        out = []
        for members in groups.values():
            per_expert = allowed[members].sum(axis=0)
            available = int(np.minimum(per_expert, load).sum())
            needed = self.k * len(members)
            assert available < needed, "a residual-closed set with an uncovered proposal violates Hall"
            short = tuple(ids[i] for i in members if self.art[i] > 0)
            out.append(Shortage("capacity", tuple(ids[i] for i in members), needed, available, short))
        out.sort(key=lambda s: s.proposals)
        return out
