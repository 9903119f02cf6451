"""Random draw of review panels (随机抽取) — pure Python, no Django.

Given the seed and the inputs, the draw is a fixed function: applications in id order, each
application's eligible experts sorted by id and shuffled by `random.Random(seed)`; the panel takes
the financial experts it still needs first, then the technical ones, then fills up in shuffled
order. Recording the seed and the inputs (see `DrawInput.to_json`) replays the draw exactly.

Panel rules: K distinct experts; at least ceil(min_technical_share × K) technical experts and at
least `min_financial` financial experts; no expert beyond its remaining capacity; no conflicted
pair. An application whose panel cannot be completed is named with the reason.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "FINANCIAL",
    "TECHNICAL",
    "DrawExpert",
    "DrawInput",
    "DrawShortage",
    "InfeasibleDraw",
    "draw",
    "expert_kind",
]

TECHNICAL = "technical"
FINANCIAL = "financial"

# An expert is financial when a tag or the title says so; every other expert is technical.
FINANCIAL_TAGS = frozenset({"财务", "会计", "审计", "金融", "财务管理", "投融资", "预算", "经济管理"})
FINANCIAL_TITLES = ("会计师", "审计师", "经济师", "税务师", "评估师")


def expert_kind(tags, title: str = "") -> str:
    if FINANCIAL_TAGS & set(tags or ()) or any(t in (title or "") for t in FINANCIAL_TITLES):
        return FINANCIAL
    return TECHNICAL


@dataclass(frozen=True)
class DrawExpert:
    id: str
    kind: str  # TECHNICAL or FINANCIAL
    capacity: int  # reviews this expert may still take in the round


@dataclass(frozen=True)
class DrawShortage:
    application: str
    reason: str

    def describe(self) -> str:
        return f"application {self.application}: {self.reason}"


class InfeasibleDraw(Exception):
    def __init__(self, shortages: list[DrawShortage]):
        self.shortages = shortages
        self.applications = tuple(s.application for s in shortages)
        super().__init__("; ".join(s.describe() for s in shortages))


@dataclass
class DrawInput:
    seed: int
    k: int
    min_technical_share: Fraction
    min_financial: int
    applications: list[str]
    experts: list[DrawExpert]
    conflicts: set[tuple[str, str]] = field(default_factory=set)  # (expert, application)
    fixed: dict[str, list[str]] = field(default_factory=dict)  # application → experts already on it

    def to_json(self) -> dict:
        return {
            "seed": self.seed,
            "k": self.k,
            "min_technical_share": str(self.min_technical_share),
            "min_financial": self.min_financial,
            "applications": sorted(self.applications),
            "experts": [[e.id, e.kind, e.capacity] for e in sorted(self.experts, key=lambda e: e.id)],
            "conflicts": sorted([list(p) for p in self.conflicts]),
            "fixed": {a: sorted(v) for a, v in sorted(self.fixed.items()) if v},
        }

    @classmethod
    def from_json(cls, data: dict) -> DrawInput:
        return cls(
            seed=int(data["seed"]),
            k=int(data["k"]),
            min_technical_share=Fraction(data["min_technical_share"]),
            min_financial=int(data["min_financial"]),
            applications=list(data["applications"]),
            experts=[DrawExpert(i, kind, int(c)) for i, kind, c in data["experts"]],
            conflicts={(e, a) for e, a in data["conflicts"]},
            fixed={a: list(v) for a, v in data.get("fixed", {}).items()},
        )

    def digest(self) -> str:
        """SHA-256 of the canonical inputs: the same digest and seed give the same panels."""
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()


def draw(inp: DrawInput) -> dict[str, list[str]]:
    """{application: experts drawn} (the experts newly drawn, without the fixed ones)."""
    rng = random.Random(inp.seed)
    kinds = {e.id: e.kind for e in inp.experts}
    left = {e.id: e.capacity for e in inp.experts}
    ordered = sorted(kinds)
    need_tech_total = math.ceil(inp.min_technical_share * inp.k)
    out: dict[str, list[str]] = {}
    shortages: list[DrawShortage] = []
    for app in sorted(inp.applications):
        panel = list(inp.fixed.get(app, []))
        pool = [e for e in ordered if e not in panel and (e, app) not in inp.conflicts and left[e] > 0]
        rng.shuffle(pool)
        slots = inp.k - len(panel)
        need_fin = max(0, inp.min_financial - sum(kinds.get(e) == FINANCIAL for e in panel))
        need_tech = max(0, need_tech_total - sum(kinds.get(e) == TECHNICAL for e in panel))
        picked: list[str] = []
        fin = [e for e in pool if kinds[e] == FINANCIAL][:need_fin]
        tech = [e for e in pool if kinds[e] == TECHNICAL][:need_tech]
        picked = fin + tech
        rest = [e for e in pool if e not in picked]
        picked += rest[: max(0, slots - len(picked))]
        problems = []
        if len(fin) < need_fin:
            problems.append(f"{need_fin} financial expert(s) needed, {len(fin)} eligible")
        if len(tech) < need_tech:
            problems.append(f"{need_tech} technical expert(s) needed, {len(tech)} eligible")
        if len(picked) > slots:
            problems.append(f"the rules need {len(picked)} experts but the panel has {slots} seat(s) left")
        elif len(picked) < slots:
            problems.append(f"{slots} expert(s) needed, {len(pool)} eligible")
        if problems:
            shortages.append(DrawShortage(app, "; ".join(problems)))
            continue
        for e in picked:
            left[e] -= 1
        out[app] = picked
    if shortages:
        raise InfeasibleDraw(shortages)
    return out
