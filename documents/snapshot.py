"""The data version of a document: everything it shows, read once and stored with it as JSON.

A document is composed from its snapshot only (documents/compose.py), never from the live
tables, so regenerating it later gives the same figures even after actuals were corrected. The
snapshot's digest (SHA-256 of its canonical JSON, the moment of reading left out) names the data
version: two documents with the same digest were made from the same data, and a fresh snapshot
with another digest means the data changed since.

The figures are those of `dispatch_figures` (CONTRACTS.md, the same rows as `kechuang dispatch
status --json`), read as the system (unscoped): documents cover every unit."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections.abc import Callable

from django.utils import timezone

from documents import records

__all__ = [
    "SNAPSHOT_VERSION",
    "KINDS_WITH_TRENDS",
    "canonical",
    "collect",
    "digest",
    "period_months",
    "sign",
    "signature_state",
]

SNAPSHOT_VERSION = 1
KINDS_WITH_TRENDS = ("quarterly", "half-year", "annual")
Progress = Callable[[str, int, int], None]


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def period_months(kind: str, month: int) -> list[int]:
    """The months a document covers: the month itself (monthly bulletin), the year to date
    (通报, annual summary), the quarter or the half-year up to the month."""
    if kind == "monthly":
        return [month]
    if kind == "quarterly":
        start = (month - 1) // 3 * 3 + 1
        return list(range(start, month + 1))
    if kind == "half-year":
        return list(range(1 if month <= 6 else 7, month + 1))
    return list(range(1, month + 1))


def canonical(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(snapshot: dict) -> str:
    """SHA-256 of the snapshot's content without the moment it was read."""
    content = {k: v for k, v in snapshot.items() if k not in ("as_of", "version")}
    return hashlib.sha256(canonical(content)).hexdigest()


def sign(snapshot: dict, key: bytes) -> str:
    """HMAC-SM3 over the whole snapshot's canonical JSON (security.md item 30, switch 2)."""
    from kechuang.core.crypto import hmac_sm3

    return hmac_sm3(key, canonical(snapshot)).hex()


def signature_state(snapshot: dict, mac: str) -> str:
    """ "off" (no KECHUANG_SNAPSHOT_KEY: nothing is checked), "unsigned" (made before the switch
    was turned on), "ok", or "altered" (the snapshot or its signature changed since)."""
    import hmac

    from kechuang.core.crypto import snapshot_key

    key = snapshot_key()
    if key is None:
        return "off"
    if not mac:
        return "unsigned"
    return "ok" if hmac.compare_digest(sign(snapshot, key), mac) else "altered"


def _monthly_figures(year: int, months: list[int]) -> Callable[[int], list[dict]]:
    """figures(month) for one year: through the dispatch app's loaded-once figure data where it
    has it (the same computation `dispatch_figures` runs), else `dispatch_figures` per month."""
    try:
        from dispatch.figures import figure_data
    except ImportError:
        figure_data = None
    if figure_data is not None:
        data = figure_data(year)
        return data.figures
    from dispatch.figures import dispatch_figures

    return lambda month: dispatch_figures(year, month)


def _reference():
    from org.models import Unit
    from plan.models import Indicator

    units = [
        {"code": code, "name": name, "kind": kind}
        for code, name, kind in Unit.objects.order_by("order", "code").values_list("code", "name", "kind")
    ]
    indicators = [
        {
            "code": r[0],
            "name": r[1],
            "measure": r[2],
            "kind": r[3],
            "source": r[4],
            "decimals": r[5],
            "reference": r[6],
        }
        for r in Indicator.objects.order_by("order", "code").values_list(
            "code", "name", "measure", "kind", "source", "decimals", "reference"
        )
    ]
    return units, indicators


def _plan(year: int, units: list[dict]) -> dict:
    from plan.models import Plan, Target

    plan = Plan.objects.filter(year=year).order_by("-updated").first()
    city = next((u for u in units if u["kind"] == "city"), None)
    issuer = plan.issuer if plan is not None else (f"{city['name']}科学技术局" if city else "")
    rules = (plan.rules or {}) if plan is not None else {}
    growth = {}
    if city is not None:
        for code, g, pp in Target.objects.filter(year=year, unit__code=city["code"]).values_list(
            "indicator__code", "growth", "growth_pp"
        ):
            if g is not None or pp is not None:
                growth[code] = {
                    "growth": None if g is None else float(g),
                    "growth_pp": None if pp is None else float(pp),
                }
    triggers = {t.get("code"): t.get("text", "") for t in rules.get("triggers", []) if isinstance(t, dict)}
    return {
        "title": plan.title if plan is not None else "",
        "issuer": issuer,
        "reward": rules.get("reward") or {},
        "bulletin_rule": triggers.get("NOT_DELIVERED", ""),
        "target_growth": growth,
    }


def collect(
    kind: str, year: int, month: int, *, as_of: dt.datetime | None = None, progress: Progress | None = None
) -> dict:
    """Read everything the document of `kind` for (year, month) shows. `as_of` is the recorded
    moment (now by default); key-task items, orders and report timeliness are judged on its date."""
    progress = progress or _no_progress
    as_of = as_of or timezone.now()
    day = timezone.localdate(as_of) if timezone.is_aware(as_of) else as_of.date()
    months = period_months(kind, month)
    trends = kind in KINDS_WITH_TRENDS
    steps = 3 + (month + 12 if trends else 0)
    done = 0

    def step(phase: str) -> None:
        nonlocal done
        done += 1
        progress(phase, done, steps)

    units, indicators = _reference()
    plan = _plan(year, units)
    this_year = _monthly_figures(year, months)
    figures = this_year(month)
    step("figures")

    series: dict[str, dict] = {}
    if trends:
        city = next((u["code"] for u in units if u["kind"] == "city"), None)
        for m in range(1, month + 1):
            rows = figures if m == month else this_year(m)
            for r in rows:
                if r["unit"] != city:
                    continue
                s = series.setdefault(r["indicator"], _empty_series())
                s["actual"][m - 1] = r["actual"]
                s["yoy"][m - 1] = r["yoy"]
                s["completion"][m - 1] = r["completion"]
            step("trends")
        last_year = _monthly_figures(year - 1, list(range(1, 13)))
        for m in range(1, 13):
            for r in last_year(m):
                if r["unit"] == city:
                    series.setdefault(r["indicator"], _empty_series())["last"][m - 1] = r["actual"]
            step("trends")

    rec = {
        "warnings": records.warnings_of(year, months),
        "timeliness": records.timeliness_of(
            year, list(range(1, month + 1)) if kind == "bulletin" else months, day
        ),
        "items": records.items_of(year, day),
        "orders": records.orders_of(year, day),
        "meetings": records.meetings_of(year, months),
        "escalations": records.escalations_of(year, months),
        "assessment": records.assessment_of(year)
        if kind in KINDS_WITH_TRENDS
        else {"available": False, "run": None, "rows": []},
    }
    step("records")
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "kind": kind,
        "year": year,
        "month": month,
        "months": months,
        "as_of": as_of.isoformat(),
        "date": day.isoformat(),
        "period_end": dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat(),
        "units": units,
        "indicators": indicators,
        "plan": plan,
        "figures": figures,
        "series": series,
        "records": rec,
    }
    # JSON round trip: what is stored is what composes (tuples become lists, keys strings).
    snapshot = json.loads(canonical(snapshot))
    step("snapshot")
    return snapshot


def _empty_series() -> dict:
    return {"actual": [None] * 12, "yoy": [None] * 12, "completion": [None] * 12, "last": [None] * 12}
