"""Benchmark: exact reviewer assignment (rules/assignment.py) at the size of a large call.

2,000 proposals × 5 reviewers over 1,500 experts with random fields, orgs, loads and conflicts.
Our solver (sparse subgraph + exact pricing; "lp" = HiGHS on the subgraph, "ssp" = pure Python)
is timed against reference solvers on the same instance:

- the whole LP (every allowed pair a variable, ~3M) solved by HiGHS through scipy.linprog;
  slow and about 3 GB of memory at full size, so at full size it runs only with --full-reference,
  and by default on a smaller instance (--small) where it is practical;
- networkx's network simplex on exact integer costs (affinity × the common denominator), on the
  small instance only and only with --networkx (pure Python, slow).

Every solver's total affinity is checked against ours. Medians over --repeat runs and their
ratios are printed.

    .venv/bin/python bench/assignment_bench.py [--repeat 3] [--ssp] [--networkx] [--full-reference]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules.assignment import Expert, Proposal, assign  # noqa: E402


def build(n_p: int, n_e: int, k: int, seed: int = 1, tags: int = 60, orgs: int = 80, loads=(6, 12)):
    rng = random.Random(seed)
    names = [f"t{i}" for i in range(tags)]
    proposals = [
        Proposal(f"P{i:05d}", f"org{rng.randrange(orgs)}", frozenset(rng.sample(names, rng.randint(1, 4))))
        for i in range(n_p)
    ]
    experts = [
        Expert(
            f"E{j:05d}",
            f"org{rng.randrange(orgs)}",
            frozenset(rng.sample(names, rng.randint(2, 6))),
            rng.randint(*loads),
        )
        for j in range(n_e)
    ]
    conflicts = sorted({(rng.choice(experts).id, rng.choice(proposals).id) for _ in range(n_p)})
    return proposals, experts, conflicts, k


def dense(proposals, experts, conflicts):
    """Jaccard numerators/denominators and the allowed mask, computed here independently."""
    tags = sorted({t for x in (*proposals, *experts) for t in x.fields})
    col = {t: i for i, t in enumerate(tags)}
    pm = np.zeros((len(proposals), len(tags)))
    em = np.zeros((len(experts), len(tags)))
    for i, p in enumerate(proposals):
        pm[i, [col[t] for t in p.fields]] = 1
    for j, e in enumerate(experts):
        em[j, [col[t] for t in e.fields]] = 1
    shared = np.rint(pm @ em.T).astype(np.int64)
    union = pm.sum(1).astype(np.int64)[:, None] + em.sum(1).astype(np.int64)[None, :] - shared
    porg = np.array([p.org for p in proposals], dtype=object)
    eorg = np.array([e.org for e in experts], dtype=object)
    allowed = porg[:, None] != eorg[None, :]
    allowed &= np.array([e.max_load > 0 for e in experts])[None, :]
    pidx = {p.id: i for i, p in enumerate(proposals)}
    eidx = {e.id: j for j, e in enumerate(experts)}
    for eid, pid in conflicts:
        allowed[pidx[pid], eidx[eid]] = False
    return shared, union, allowed


def reference_lp(proposals, experts, conflicts, k) -> float:
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    shared, union, allowed = dense(proposals, experts, conflicts)
    rows, cols = np.nonzero(allowed)
    n = len(rows)
    affinity = np.where(union[rows, cols] > 0, shared[rows, cols] / np.maximum(union[rows, cols], 1), 0.0)
    a_eq = csr_matrix((np.ones(n), (rows, np.arange(n))), shape=(len(proposals), n))
    a_ub = csr_matrix((np.ones(n), (cols, np.arange(n))), shape=(len(experts), n))
    res = linprog(
        -affinity,
        A_ub=a_ub,
        b_ub=[e.max_load for e in experts],
        A_eq=a_eq,
        b_eq=np.full(len(proposals), k),
        bounds=(0, 1),
        method="highs-ds",
    )
    if res.status != 0:
        raise SystemExit(f"reference LP: {res.message}")
    return -res.fun


def reference_networkx(proposals, experts, conflicts, k) -> Fraction:
    import networkx as nx

    shared, union, allowed = dense(proposals, experts, conflicts)
    scale = math.lcm(*{int(u) for u in union[allowed & (shared > 0)].tolist()} or {1})
    g = nx.DiGraph()
    g.add_node("s", demand=-k * len(proposals))
    g.add_node("t", demand=k * len(proposals))
    for i in range(len(proposals)):
        g.add_edge("s", ("p", i), capacity=k, weight=0)
    for j, e in enumerate(experts):
        g.add_edge(("e", j), "t", capacity=e.max_load, weight=0)
    for i, j in zip(*np.nonzero(allowed), strict=True):
        w = int(shared[i, j]) * (scale // int(union[i, j])) if shared[i, j] else 0
        g.add_edge(("p", int(i)), ("e", int(j)), capacity=1, weight=-w)
    cost, _ = nx.network_simplex(g)
    return Fraction(-cost, scale)


def timed(fn, *args, **kwargs):
    """(wall seconds, CPU seconds of this process, value): on a shared machine the CPU time is
    the steadier of the two."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu, value


def run(label, instance, solvers, repeat):
    n_p, n_e, k = len(instance[0]), len(instance[1]), instance[3]
    print(f"\n{label}: {n_p} proposals × {k} reviewers over {n_e} experts", flush=True)
    results = {}
    for name, fn, times in solvers:
        walls, cpus, value = [], [], None
        for _ in range(times or repeat):
            wall, cpu, value = timed(fn, *instance)
            walls.append(wall)
            cpus.append(cpu)
        results[name] = (statistics.median(walls), statistics.median(cpus), value)
        print(
            f"  {name:<22} median {statistics.median(walls):8.2f} s wall, "
            f"{statistics.median(cpus):8.2f} s CPU over {len(walls)} run(s)",
            flush=True,
        )
    ours_wall, ours_cpu, ours = results["ours (auto)"]
    print(f"  optimum (exact) {float(ours):.9f}")
    for name, (wall, cpu, value) in results.items():
        if name == "ours (auto)":
            continue
        gap = abs(float(value) - float(ours))
        assert gap < 1e-6, f"{name} disagrees: {float(value)} vs {float(ours)}"
        print(
            f"  {name:<22} total {float(value):.9f} (|Δ| {gap:.1e}); "
            f"ratio to ours {wall / ours_wall:6.1f}× wall, {cpu / ours_cpu:6.1f}× CPU"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--small", type=int, default=500, help="proposals in the small instance (experts: ×0.75)"
    )
    parser.add_argument("--ssp", action="store_true", help="also time the pure-Python method")
    parser.add_argument(
        "--networkx", action="store_true", help="networkx network simplex on the small instance"
    )
    parser.add_argument(
        "--full-reference", action="store_true", help="whole-LP reference at full size (slow)"
    )
    args = parser.parse_args()

    def ours(*instance):
        return assign(*instance[:3], instance[3]).total

    def ours_ssp(*instance):
        return assign(*instance[:3], instance[3], method="ssp").total

    assign(*build(20, 15, 2)[:3], 2)  # warm imports (scipy) outside the timings

    full = build(2000, 1500, 5)
    solvers = [("ours (auto)", ours, None)]
    if args.ssp:
        solvers.append(("ours (ssp, no scipy)", ours_ssp, 1))
    if args.full_reference:
        solvers.append(("whole LP, HiGHS", reference_lp, 1))
    run("full size", full, solvers, args.repeat)

    small = build(args.small, args.small * 3 // 4, 5, seed=2)
    solvers = [("ours (auto)", ours, None), ("whole LP, HiGHS", reference_lp, None)]
    if args.ssp:
        solvers.append(("ours (ssp, no scipy)", ours_ssp, None))
    if args.networkx:
        solvers.append(("networkx simplex", reference_networkx, 1))
    run("small", small, solvers, args.repeat)


if __name__ == "__main__":
    main()
