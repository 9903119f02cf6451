"""Evaluating enterprises against the national rules (rules/tsme.py, rules/hte.py) from the
figures kechuang holds, storing the result on each file and ranking the pool by closeness.

Data year: eligibility is judged on the previous year's figures (national-rules.md §1.2
"Data year"); an evaluation for year Y uses the figures of Y−1 (and Y−3…Y−1 for the HTE's three
years), with 30 June of Y as the application date for HTE condition 1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import polars as pl
from django.db import transaction

from enterprises.models import (
    Enterprise,
    EnterpriseYear,
    Evaluation,
    EvaluationKind,
    HteCertificate,
    PoolMember,
)
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from rules import hte, tsme

__all__ = [
    "RESTRICTED_INDUSTRY_PREFIXES",
    "enterprise_evaluate",
    "evaluation_inputs",
    "pool_evaluate",
]

# 科技型中小企业 negative list (national-rules.md §1.1 (3), industries that cannot use the R&D
# super-deduction, 财税〔2015〕119号; confidence M): tobacco C16, wholesale and retail F,
# accommodation and catering H, real estate K, leasing and business services L, entertainment R90.
RESTRICTED_INDUSTRY_PREFIXES = ("C16", "F", "H", "K", "L", "R90")
_CHUNK = 900


def _num(value):
    return None if value is None else float(value)


def evaluation_inputs(enterprise_ids: Iterable[int], year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rule inputs for evaluating in `year`: one tech-SME row and one HTE row per enterprise,
    in the column names of CONTRACTS.md ("Evaluation rules")."""
    ids = list(enterprise_ids)
    data_year, apply_date = year - 1, dt.date(year, 6, 30)
    figures: dict[int, dict[int, EnterpriseYear]] = {}
    ents: dict[int, Enterprise] = {}
    valid_hte: set[int] = set()
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        ents.update(Enterprise.objects.in_bulk(chunk))
        for fy in EnterpriseYear.objects.filter(
            enterprise_id__in=chunk, year__range=(data_year - 2, data_year)
        ):
            figures.setdefault(fy.enterprise_id, {})[fy.year] = fy
        valid_hte.update(
            HteCertificate.objects.filter(
                enterprise_id__in=chunk, issued__lte=apply_date, expires__gt=apply_date
            ).values_list("enterprise_id", flat=True)
        )
    tsme_rows, hte_rows = [], []
    for pk in ids:
        ent, years = ents[pk], figures.get(pk, {})
        latest = years.get(data_year)
        y1, y2 = years.get(data_year - 2), years.get(data_year - 1)

        def f(fy, name):
            return _num(getattr(fy, name)) if fy is not None else None

        tsme_rows.append(
            {
                "id": str(pk),
                "employees": f(latest, "employees"),
                "st_staff": f(latest, "st_staff"),
                "revenue": f(latest, "revenue"),
                "total_assets": f(latest, "total_assets"),
                "rd_expense": f(latest, "rd_expense"),
                "total_cost": f(latest, "total_cost"),
                "ip_class1": f(latest, "ip_class1"),
                "ip_class2": f(latest, "ip_class2"),
                "restricted_industry": ent.industry.startswith(RESTRICTED_INDUSTRY_PREFIXES)
                if ent.industry
                else False,
                "incident": False,
                "hte_valid": pk in valid_hte,
                "national_award_top3": False,
                "provincial_rd_institution": False,
                "led_standard": False,
            }
        )
        rd_years = [fy for fy in (y1, y2, latest) if fy is not None and fy.rd_domestic is not None]
        ip_total = (f(latest, "ip_class1") or 0) + (f(latest, "ip_class2") or 0)
        hte_rows.append(
            {
                "id": str(pk),
                "registered": ent.founded.isoformat() if ent.founded else None,
                "apply_date": apply_date.isoformat(),
                "ip_class1": f(latest, "ip_class1"),
                "ip_class2": f(latest, "ip_class2"),
                "ht_domain": ent.ht_domain or "",
                "employees": f(latest, "employees"),
                "st_staff": f(latest, "st_staff"),
                "revenue_1": f(y1, "revenue"),
                "revenue_2": f(y2, "revenue"),
                "revenue_3": f(latest, "revenue"),
                "rd_1": f(y1, "rd_expense"),
                "rd_2": f(y2, "rd_expense"),
                "rd_3": f(latest, "rd_expense"),
                "rd_domestic": sum(float(fy.rd_domestic) for fy in rd_years)
                if latest is not None and rd_years
                else None,
                "ht_income": f(latest, "ht_income"),
                "total_income": f(latest, "total_income"),
                "incident": False,
                "ip_source": "self" if ip_total else None,
                "transfers_1": f(y1, "transformations"),
                "transfers_2": f(y2, "transformations"),
                "transfers_3": f(latest, "transformations"),
                "net_assets_1": f(y1, "net_assets"),
                "net_assets_2": f(y2, "net_assets"),
                "net_assets_3": f(latest, "net_assets"),
            }
        )
    return pl.DataFrame(tsme_rows, infer_schema_length=None), pl.DataFrame(hte_rows, infer_schema_length=None)


def _hte_closeness(row: dict) -> float | None:
    """0 qualifies; otherwise the failing conditions plus the relative R&D and staff shortfalls,
    so among firms failing one condition the nearest comes first."""
    if row["verdict"] is None:
        return None
    if row["verdict"] == "eligible":
        return 0.0
    if row["verdict"] == "likely":
        return 0.5
    fails = sum(row[c] == "fail" for c in hte.CONDITIONS)
    rd_short = (
        (row["rd_threshold"] - row["rd_ratio"]) / row["rd_threshold"]
        if row["c5"] == "fail" and row["rd_ratio"] is not None
        else 0
    )
    st_short = (
        max(0.0, 0.10 - row["st_ratio"]) / 0.10 if row["c4"] == "fail" and row["st_ratio"] is not None else 0
    )
    return round(fails + max(0.0, rd_short) + st_short, 6)


def _tsme_closeness(row: dict) -> float | None:
    if row["eligible"] is None:
        return None
    return (
        0.0
        if row["eligible"]
        else round((row["points_short"] or 0) / tsme.PASS_TOTAL + (row["staff_score"] == 0), 6)
    )


def _store(ids: list[int], year: int, tsme_out: pl.DataFrame, hte_out: pl.DataFrame) -> int:
    Evaluation.objects.filter(enterprise_id__in=ids, year=year).delete()
    rows = []
    for kind, frame, verdict, closeness in (
        (
            EvaluationKind.TSME,
            tsme_out,
            lambda r: "" if r["eligible"] is None else ("eligible" if r["eligible"] else "ineligible"),
            _tsme_closeness,
        ),
        (EvaluationKind.HTE, hte_out, lambda r: r["verdict"] or "", _hte_closeness),
    ):
        for r in frame.iter_rows(named=True):
            result = {k: (list(v) if isinstance(v, tuple) else v) for k, v in r.items() if k != "id"}
            rows.append(
                Evaluation(
                    enterprise_id=int(r["id"]),
                    year=year,
                    kind=kind,
                    verdict=verdict(r),
                    closeness=closeness(r),
                    result=result,
                )
            )
    Evaluation.objects.bulk_create(rows, batch_size=500)
    return len(rows)


@transaction.atomic
def pool_evaluate(*, actor, year: int, progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Evaluate every member of the year's pool in one vectorised pass and store the results."""
    ids = list(PoolMember.objects.filter(year=year).values_list("enterprise_id", flat=True))
    if progress:
        progress("load", 0, len(ids))
    tsme_in, hte_in = evaluation_inputs(ids, year)
    if progress:
        progress("evaluate", len(ids) // 2, len(ids))
    tsme_out = tsme.evaluate_frame(tsme_in) if ids else pl.DataFrame()
    hte_out = hte.evaluate_frame(hte_in) if ids else pl.DataFrame()
    stored = _store(ids, year, tsme_out, hte_out) if ids else 0
    summary = {
        "members": len(ids),
        "hte_eligible": int((hte_out["verdict"] == "eligible").sum()) if ids else 0,
        "hte_likely": int((hte_out["verdict"] == "likely").sum()) if ids else 0,
        "tsme_eligible": int(tsme_out["eligible"].fill_null(False).sum()) if ids else 0,
        "stored": stored,
    }
    record_event(EventAction.WORKFLOW, actor=actor, message=f"pool {year} evaluated", data=summary)
    if progress:
        progress("evaluate", len(ids), len(ids))
    return summary


@transaction.atomic
def enterprise_evaluate(*, actor, enterprise: Enterprise, year: int) -> dict[str, Evaluation]:
    """Evaluate one enterprise (its self-evaluation, or a district's check) on the per-record
    path, which gives the same answers as the batch."""
    tsme_in, hte_in = evaluation_inputs([enterprise.pk], year)
    t = tsme.evaluate(tsme_in.row(0, named=True))
    h = hte.evaluate(hte_in.row(0, named=True))
    tsme_out = pl.DataFrame([{"id": str(enterprise.pk), **t.__dict__}], infer_schema_length=None)
    hte_out = pl.DataFrame([{"id": str(enterprise.pk), **h.__dict__}], infer_schema_length=None)
    _store([enterprise.pk], year, tsme_out, hte_out)
    record_event(EventAction.WORKFLOW, actor=actor, obj=enterprise, message=f"evaluated for {year}")
    return {e.kind: e for e in Evaluation.objects.filter(enterprise=enterprise, year=year)}
