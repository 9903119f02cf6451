"""Yearly assessment (考核) of the units, plan section 四(三): a score per unit from weighted
indicator completion (each capped) and follow-up performance; a rank within the unit's group
(districts, zones); the top n of each group rewarded; units whose R&D-input guidance failed lose
the R&D post-subsidy.

Pure Python, no Django: the caller passes plain records. Two paths give identical results
(tests/dispatch/test_assessment.py, a property test):

- `assess()`, per record;
- `assess_frame()`, vectorised over polars frames (`assess_vectorised()` wraps it for records).

Definitions (every figure reproducible from the inputs stored with the score):
- completion_i = actual_i / target_i, for each indicator the unit has a target (> 0) and an
  actual for; an indicator with a target but no actual is "no data" and not counted (CONTRACTS.md:
  a figure without records is no data, never zero); capped_i = min(completion_i, cap).
- indicator part = Σ w_i × capped_i / Σ w_i over the counted indicators (0 … cap); null when no
  indicator counts. Each capped_i enters as an integer of 1/10^6 (rounded half up), so the sums
  are exact in any order and both paths agree to the last bit.
- follow-up rates, each over the events that fell due: monthly reports (on time / late / missing),
  key-task items (done by the deadline / done late / overdue and not done), follow-up orders
  (answered by the due date / late / unanswered past due): rate = (on_time + ½ late) / all;
  follow-up part = Σ fw_k × rate_k / Σ fw_k over the kinds with something due; 1 when nothing
  fell due yet (nothing was missed).
- total = 100 × (S_ind × indicator part + S_fu × follow-up part) / (S_ind + S_fu); where the
  indicator part is null, total = 100 × follow-up part.
- rank within the group by total (compared at 4 decimals), 1 the highest, equal totals share the
  better rank; `reward` for rank ≤ top_n (so a tie at the last rewarded place rewards both).
- `no_post_subsidy` for units of the configured groups whose completion of the R&D indicator
  (uncapped, compared at 6 decimals) is below the configured minimum; null (not judged) where
  that completion is unknown or the unit's group is not judged.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # polars is imported lazily: the per-record path does not need it
    import polars as pl

__all__ = [
    "FOLLOWUP_KINDS",
    "AssessmentConfig",
    "FollowUpCounts",
    "IndicatorInput",
    "UnitInputs",
    "UnitScore",
    "assess",
    "assess_frame",
    "assess_vectorised",
    "frames_of",
]

FOLLOWUP_KINDS = ("reports", "items", "orders")
COMPLETION_SCALE = 1_000_000  # capped completion held as an integer of 1/10^6
TOTAL_SCALE = 10_000.0  # totals compared at 4 decimals
RD_SCALE = 1_000_000.0  # R&D completion compared at 6 decimals

DEFAULT_WEIGHTS = {
    "HT_OUTPUT": 30,
    "RD_EXPENDITURE": 30,
    "RD_INTENSITY": 10,
    "RD_FIRM_SHARE": 10,
    "STS_REVENUE": 10,
    "STS_WAGES": 10,
}


@dataclass(frozen=True)
class AssessmentConfig:
    """The weights and rules of one year's assessment (stored with every run)."""

    indicator_weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    default_weight: int = 5  # any other indicator the unit has a target for
    cap: float = 1.2
    indicator_share: int = 70
    followup_share: int = 30
    followup_weights: Mapping[str, int] = field(
        default_factory=lambda: {"reports": 1, "items": 1, "orders": 1}
    )
    top_n: int = 2
    reward_amount: float = 50.0  # 万元
    rd_indicator: str = "RD_EXPENDITURE"
    rd_min_completion: float = 0.9
    rd_groups: tuple[str, ...] = ("district",)

    def __post_init__(self):
        if self.cap <= 0:
            raise ValueError("cap must be positive")
        if (
            self.indicator_share < 0
            or self.followup_share < 0
            or self.indicator_share + self.followup_share <= 0
        ):
            raise ValueError("the shares must be non-negative and not both zero")
        for name, w in (*self.indicator_weights.items(), *self.followup_weights.items()):
            if not isinstance(w, int) or w < 0:
                raise ValueError(f"weight of {name} must be a non-negative integer")
        if self.default_weight < 0:
            raise ValueError("default_weight must be a non-negative integer")
        unknown = set(self.followup_weights) - set(FOLLOWUP_KINDS)
        if unknown:
            raise ValueError(f"unknown follow-up kind(s): {', '.join(sorted(unknown))}")
        if self.top_n < 0:
            raise ValueError("top_n must be non-negative")

    def weight(self, indicator: str) -> int:
        return int(self.indicator_weights.get(indicator, self.default_weight))

    def fweight(self, kind: str) -> int:
        return int(self.followup_weights.get(kind, 0))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["indicator_weights"] = dict(self.indicator_weights)
        data["followup_weights"] = dict(self.followup_weights)
        data["rd_groups"] = list(self.rd_groups)
        return data

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> AssessmentConfig:
        """Defaults overridden by the known keys of `data` (unknown keys are a ValueError)."""
        data = dict(data or {})
        names = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown assessment setting(s): {', '.join(unknown)}")
        kw: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("indicator_weights", "followup_weights"):
                kw[key] = {str(k): int(v) for k, v in dict(value).items()}
            elif key in ("default_weight", "indicator_share", "followup_share", "top_n"):
                kw[key] = int(value)
            elif key in ("cap", "reward_amount", "rd_min_completion"):
                kw[key] = float(value)
            elif key == "rd_groups":
                kw[key] = tuple(str(g) for g in value)
            else:
                kw[key] = str(value)
        return cls(**kw)


@dataclass(frozen=True)
class IndicatorInput:
    indicator: str
    target: float | None
    actual: float | None


@dataclass(frozen=True)
class FollowUpCounts:
    on_time: int = 0
    late: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.failed


@dataclass(frozen=True)
class UnitInputs:
    """What one unit's score is computed from (stored with the score, so it can be recomputed)."""

    unit: str
    group: str
    indicators: tuple[IndicatorInput, ...] = ()
    reports: FollowUpCounts = FollowUpCounts()
    items: FollowUpCounts = FollowUpCounts()
    orders: FollowUpCounts = FollowUpCounts()

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "group": self.group,
            "indicators": [asdict(i) for i in self.indicators],
            **{k: asdict(getattr(self, k)) for k in FOLLOWUP_KINDS},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UnitInputs:
        return cls(
            unit=data["unit"],
            group=data["group"],
            indicators=tuple(IndicatorInput(**i) for i in data.get("indicators", ())),
            **{k: FollowUpCounts(**data.get(k, {})) for k in FOLLOWUP_KINDS},
        )


@dataclass
class UnitScore:
    unit: str
    group: str
    indicator_part: float | None
    followup_part: float
    total: float
    rank: int
    reward: bool
    reward_amount: float | None
    rd_completion: float | None
    no_post_subsidy: bool | None
    indicators: list[dict[str, Any]]  # per indicator: weight, target, actual, completion, capped, counted
    rates: dict[str, float | None]  # per follow-up kind

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _capped_key(completion: float, cap: float) -> int:
    return math.floor(min(completion, cap) * COMPLETION_SCALE + 0.5)


def _key(x: float, scale: float) -> int:
    return math.floor(x * scale + 0.5)


def _rate(c: FollowUpCounts) -> float | None:
    if c.total == 0:
        return None
    return float(2 * c.on_time + c.late) / float(2 * c.total)


# ---------------------------------------------------------------------------------------------
# Per-record path
# ---------------------------------------------------------------------------------------------


def assess(units: Iterable[UnitInputs], config: AssessmentConfig | None = None) -> list[UnitScore]:
    """The scores, in the order of `units`."""
    cfg = config or AssessmentConfig()
    scores: list[UnitScore] = []
    for u in units:
        num = den = 0
        rows = []
        rd_completion = None
        for i in u.indicators:
            weight = cfg.weight(i.indicator)
            completion = capped = None
            counted = False
            if i.target is not None and i.target > 0 and i.actual is not None:
                completion = float(i.actual) / float(i.target)
                key = _capped_key(completion, cfg.cap)
                capped = key / COMPLETION_SCALE
                counted = weight > 0
                num += weight * key
                den += weight
                if i.indicator == cfg.rd_indicator:
                    rd_completion = completion
            rows.append(
                {
                    "indicator": i.indicator,
                    "weight": weight,
                    "target": i.target,
                    "actual": i.actual,
                    "completion": completion,
                    "capped": capped,
                    "counted": counted,
                }
            )
        indicator_part = float(num) / float(den * COMPLETION_SCALE) if den else None

        rates = {k: _rate(getattr(u, k)) for k in FOLLOWUP_KINDS}
        fu_num, fu_den = 0.0, 0
        for k in FOLLOWUP_KINDS:
            w = cfg.fweight(k)
            if rates[k] is not None and w > 0:
                fu_num = fu_num + float(w) * rates[k]
                fu_den += w
        followup_part = fu_num / float(fu_den) if fu_den else 1.0

        if indicator_part is None:
            total = followup_part * 100.0
        else:
            s = float(cfg.indicator_share) * indicator_part + float(cfg.followup_share) * followup_part
            total = (s * 100.0) / float(cfg.indicator_share + cfg.followup_share)

        no_post = None
        if u.group in cfg.rd_groups and rd_completion is not None:
            no_post = _key(rd_completion, RD_SCALE) < _key(cfg.rd_min_completion, RD_SCALE)
        scores.append(
            UnitScore(
                u.unit,
                u.group,
                indicator_part,
                followup_part,
                total,
                0,
                False,
                None,
                rd_completion,
                no_post,
                rows,
                rates,
            )
        )

    by_group: dict[str, list[UnitScore]] = defaultdict(list)
    for s in scores:
        by_group[s.group].append(s)
    for members in by_group.values():
        keys = sorted((_key(s.total, TOTAL_SCALE) for s in members), reverse=True)
        first: dict[int, int] = {}
        for position, k in enumerate(keys, start=1):
            first.setdefault(k, position)
        for s in members:
            s.rank = first[_key(s.total, TOTAL_SCALE)]
            s.reward = s.rank <= cfg.top_n
            s.reward_amount = cfg.reward_amount if s.reward else None
    return scores


# ---------------------------------------------------------------------------------------------
# Vectorised path (polars)
# ---------------------------------------------------------------------------------------------


def frames_of(units: Iterable[UnitInputs]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The two input frames of `assess_frame`: indicators (unit, indicator, target, actual) and
    units (unit, group, then on_time/late/failed per follow-up kind)."""
    import polars as pl

    units = list(units)
    ind_rows = [(u.unit, i.indicator, _f(i.target), _f(i.actual)) for u in units for i in u.indicators]
    indicators = pl.DataFrame(
        ind_rows,
        schema={"unit": pl.String, "indicator": pl.String, "target": pl.Float64, "actual": pl.Float64},
        orient="row",
    )
    cols = {"unit": pl.String, "group": pl.String}
    for k in FOLLOWUP_KINDS:
        for part in ("on_time", "late", "failed"):
            cols[f"{k}_{part}"] = pl.Int64
    unit_rows = [
        (
            u.unit,
            u.group,
            *(getattr(getattr(u, k), p) for k in FOLLOWUP_KINDS for p in ("on_time", "late", "failed")),
        )
        for u in units
    ]
    return indicators, pl.DataFrame(unit_rows, schema=cols, orient="row")


def _f(x) -> float | None:
    return None if x is None else float(x)


def _div_const(expr: pl.Expr, constant: float) -> pl.Expr:
    """expr / constant, correctly rounded as in Python (polars would multiply by the
    reciprocal of a scalar divisor; a real column of the same length divides exactly)."""
    return expr / (expr * 0.0 + constant)


def assess_frame(
    indicators: pl.DataFrame, units: pl.DataFrame, config: AssessmentConfig | None = None
) -> pl.DataFrame:
    """`assess()` over frames (see `frames_of`); one row per unit in the order of `units`, with
    the scalar columns of UnitScore (not the per-indicator rows) and the three rates."""
    import polars as pl

    cfg = config or AssessmentConfig()
    col = pl.col
    weights = {code: cfg.weight(code) for code in indicators.get_column("indicator").unique().to_list()}
    wframe = pl.DataFrame(
        {"indicator": list(weights), "weight": list(weights.values())},
        schema={"indicator": pl.String, "weight": pl.Int64},
    )
    counted = col("target").is_not_null() & (col("target") > 0) & col("actual").is_not_null()
    ind = (
        indicators.lazy()
        .join(wframe.lazy(), on="indicator", how="left")
        .with_columns(pl.when(counted).then(col("actual") / col("target")).alias("completion"))
        .with_columns(
            ((pl.min_horizontal(col("completion"), pl.lit(cfg.cap)) * float(COMPLETION_SCALE)) + 0.5)
            .floor()
            .cast(pl.Int64)
            .alias("ckey")
        )
    )
    parts = (
        ind.filter(counted)
        .group_by("unit")
        .agg(
            (col("weight") * col("ckey")).sum().alias("num"),
            col("weight").sum().alias("den"),
        )
    )
    rd = ind.filter(counted & (col("indicator") == cfg.rd_indicator)).select(
        "unit", col("completion").alias("rd_completion")
    )

    def rate(k: str) -> pl.Expr:
        on, late, failed = col(f"{k}_on_time"), col(f"{k}_late"), col(f"{k}_failed")
        total = on + late + failed
        return (
            pl.when(total > 0)
            .then((on * 2 + late).cast(pl.Float64) / (total * 2).cast(pl.Float64))
            .alias(f"rate_{k}")
        )

    # Built from the data columns, never from literals alone: polars holds a column computed from
    # literals as a scalar, and divides by a scalar as a multiplication by its reciprocal
    # (1.5 / 5 would be 0.30000000000000004). Adding 0.0 for a kind with nothing due leaves the
    # sum as the per-record path's.
    fu_num = col("unit").is_null().cast(pl.Float64)  # 0.0 in every row, a real column
    fu_den = col("unit").is_null().cast(pl.Int64)
    for k in FOLLOWUP_KINDS:
        w = cfg.fweight(k)
        if w <= 0:
            continue
        present = col(f"rate_{k}").is_not_null()
        fu_num = fu_num + pl.when(present).then(float(w) * col(f"rate_{k}")).otherwise(0.0)
        fu_den = fu_den + present.cast(pl.Int64) * w

    share = float(cfg.indicator_share + cfg.followup_share)
    rd_min_key = float(_key(cfg.rd_min_completion, RD_SCALE))
    out = (
        units.lazy()
        .with_row_index("_order")
        .join(parts, on="unit", how="left")
        .join(rd, on="unit", how="left")
        .with_columns(*(rate(k) for k in FOLLOWUP_KINDS))
        .with_columns(
            pl.when(col("den").fill_null(0) > 0)
            .then(col("num").cast(pl.Float64) / (col("den") * COMPLETION_SCALE).cast(pl.Float64))
            .alias("indicator_part"),
            fu_num.alias("_fu_num"),
            fu_den.alias("_fu_den"),
        )
        .with_columns(
            pl.when(col("_fu_den") > 0)
            .then(col("_fu_num") / (col("_fu_num") * 0.0 + col("_fu_den").cast(pl.Float64)))
            .otherwise(1.0)
            .alias("followup_part")
        )
        .with_columns(
            pl.when(col("indicator_part").is_null())
            .then(col("followup_part") * 100.0)
            .otherwise(
                _div_const(
                    (
                        float(cfg.indicator_share) * col("indicator_part")
                        + float(cfg.followup_share) * col("followup_part")
                    )
                    * 100.0,
                    share,
                )
            )
            .alias("total")
        )
        .with_columns(((col("total") * TOTAL_SCALE) + 0.5).floor().alias("_tkey"))
        .with_columns(col("_tkey").rank("min", descending=True).over("group").cast(pl.Int64).alias("rank"))
        .with_columns(
            (col("rank") <= cfg.top_n).alias("reward"),
            pl.when(col("rank") <= cfg.top_n).then(pl.lit(cfg.reward_amount)).alias("reward_amount"),
            pl.when(col("group").is_in(list(cfg.rd_groups)) & col("rd_completion").is_not_null())
            .then(((col("rd_completion") * RD_SCALE) + 0.5).floor() < rd_min_key)
            .alias("no_post_subsidy"),
        )
        .sort("_order")
        .select(
            "unit",
            "group",
            "indicator_part",
            "followup_part",
            "total",
            "rank",
            "reward",
            "reward_amount",
            "rd_completion",
            "no_post_subsidy",
            *(f"rate_{k}" for k in FOLLOWUP_KINDS),
        )
    )
    return out.collect()


def assess_vectorised(
    units: Iterable[UnitInputs], config: AssessmentConfig | None = None
) -> list[dict[str, Any]]:
    """`assess_frame` for records: one dict per unit with the scalar columns and the rates."""
    frames = frames_of(units)
    return assess_frame(*frames, config).to_dicts()
