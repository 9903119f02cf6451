"""Dispatch dashboard (调度看板): the city's headline indicators for the leader and the bureau, a
district league table, the monthly trend against last year, and drill-down to a unit's page and
to the records behind a counted figure. A district sees its own unit's page (its figures beside
the city's).

Figures come from dispatch/figures.py (computed on the whole data set, then limited to the units
the user may read); a missing figure is shown as "no data", never as 0. The page issues a fixed
number of queries, whatever the number of units or indicators (tests/dispatch/test_dashboard.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from dispatch.figures import FigureData, figure_data, record_parts, units_for_user
from kechuang.core.indicators import counters
from kechuang.core.roles import VIEW
from kechuang.core.scope import scope_of
from org.models import UnitKind
from org.units import CITY_CODE
from plan.models import Plan
from rules.dispatch import CUMULATIVE, RATIO
from rules.forecast import meets_target

__all__ = ["urlpatterns"]

WARNING_LABELS = {
    "NEGATIVE_GROWTH": gettext_lazy("Negative growth"),
    "GROWTH_DROP": gettext_lazy("Large growth drop"),
    "BOTTOM_RANK": gettext_lazy("Bottom rank"),
    "BEHIND_SCHEDULE": gettext_lazy("Behind schedule"),
    "AT_RISK": gettext_lazy("Target at risk"),
}
# Colours: red where the plan calls a dispatch meeting on growth (负增长, 排位靠后), amber for the
# rest; a figure's colour is that of its worst warning.
RED = frozenset({"NEGATIVE_GROWTH", "BOTTOM_RANK"})
PER_PAGE = 50
NOISE = Decimal("1e-9")
YEARS = range(2000, 2101)


# ---------------------------------------------------------------------------------------------
# Formatting: rounded for display, None kept as None ("no data")
# ---------------------------------------------------------------------------------------------


def _round(value: float | None, places: int) -> Decimal | None:
    """Half up, after dropping float noise beyond 9 decimals (0.2125 held as 0.21249999999999991
    is 21.3 %, as the figure is, not 21.2 %)."""
    if value is None:
        return None
    exact = Decimal(repr(value)).quantize(NOISE, rounding=ROUND_HALF_UP)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _signed(value: Decimal, signed: bool) -> str:
    """−1.5 with a true minus, +1.5 when asked, and 0 never signed (−0.00 is 0.00)."""
    if value == 0:
        return f"{abs(value):f}"
    text = f"{value:f}".replace("-", "−")
    return f"+{text}" if signed and value > 0 else text


def _percent(fraction: float | None, signed: bool = False) -> str | None:
    if fraction is None:
        return None
    return _signed((_round(fraction, 3) * 100).quantize(Decimal("0.1")), signed) + "%"


def _points(points: float | None, signed: bool = True) -> str | None:
    if points is None:
        return None
    return _("%(value)s pp") % {"value": _signed(_round(points, 2), signed)}


@dataclass
class Row:
    """One unit × indicator as a page shows it."""

    unit: str
    unit_name: str
    code: str
    name: str
    measure: str
    target: Decimal | None
    actual: Decimal | None
    completion: float | None
    completion_text: str | None
    time_progress: float
    bar: str  # completion in % of the bar's width, capped at 100
    marker: str  # time progress in % of the bar's width
    pace: str  # ahead | behind | late | none: completion against time progress
    yoy_text: str | None
    drop_text: str | None
    rank: int | None
    rank_change: int | None
    new_rank: bool
    forecast: Decimal | None
    meets: bool | None
    mape_text: str | None
    mape_months: int
    warnings: list[tuple[str, str, str]]  # (code, label, colour)
    colour: str  # red | amber | "" (no warning)
    counted: bool  # the records behind it can be listed
    source: str | None  # registry | imported, for counted indicators


def _rows(
    data: FigureData,
    month: int,
    figures: list[dict],
    previous: dict[tuple[str, str], dict],
    backtests: dict[tuple[str, str], tuple[float | None, int]],
    shown=None,
) -> dict[tuple[str, str], Row]:
    """The rows of `figures`; with `shown`, a test on (unit, indicator), only those the page shows
    (formatting every unit × indicator was most of the work for a page that shows a few)."""
    out = {}
    for f in figures:
        key = (f["unit"], f["indicator"])
        if shown is not None and not shown(key):
            continue
        info = data.info[f["indicator"]]
        unit = data.units.get(f["unit"])
        ratio = info.kind == RATIO
        completion, tp = f["completion"], f["time_progress"]
        if completion is None:
            pace = "none"
        elif "BEHIND_SCHEDULE" in f["warnings"]:
            pace = "late"
        elif info.kind == CUMULATIVE and completion < tp:
            pace = "behind"
        else:
            pace = "ahead"
        prev_rank = previous.get(key, {}).get("rank")
        mape, months = backtests.get(key, (None, 0))
        warnings = [(w, str(WARNING_LABELS.get(w, w)), "red" if w in RED else "amber") for w in f["warnings"]]
        colour = "red" if any(c == "red" for *_x, c in warnings) else ("amber" if warnings else "")
        out[key] = Row(
            unit=f["unit"],
            unit_name=unit.name if unit else f["unit"],
            code=info.code,
            name=info.name,
            measure=info.measure,
            target=_round(f["target"], info.decimals),
            actual=_round(f["actual"], info.decimals),
            completion=completion,
            completion_text=_percent(completion),
            time_progress=tp,
            bar=f"{max(0.0, min(completion or 0.0, 1.0)) * 100:.1f}",
            marker=f"{tp * 100:.1f}",
            pace=pace,
            yoy_text=_points(f["yoy"]) if ratio else _percent(f["yoy"], signed=True),
            drop_text=_points(f["growth_drop"], signed=False),
            rank=f["rank"],
            rank_change=(prev_rank - f["rank"]) if prev_rank is not None and f["rank"] is not None else None,
            new_rank=f["rank"] is not None and prev_rank is None and month > 1,
            forecast=_round(f["forecast"], info.decimals),
            meets=meets_target(
                f["forecast"], f["target"], direction=info.direction, thresholds=data.thresholds
            ),
            mape_text=_percent(mape),
            mape_months=months,
            warnings=warnings,
            colour=colour,
            counted=info.counted,
            source=data.sources.get((info.code, data.year, month)) if info.counted else None,
        )
    return out


def _empty_row(data: FigureData, unit: str, code: str, month: int) -> Row:
    """A headline indicator with neither target nor figure: shown, with no data."""
    info = data.info[code]
    return _rows(
        data,
        month,
        [
            {
                "unit": unit,
                "indicator": code,
                "target": None,
                "actual": None,
                "completion": None,
                "time_progress": month / 12,
                "yoy": None,
                "growth_drop": None,
                "rank": None,
                "forecast": None,
                "warnings": [],
            }
        ],
        {},
        {},
    )[(unit, info.code)]


# ---------------------------------------------------------------------------------------------
# Period and access
# ---------------------------------------------------------------------------------------------


def _int(value, allowed: range) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number in allowed else None


def _year(request) -> int:
    year = _int(request.GET.get("year"), YEARS)
    if year is None:
        today = timezone.localdate()
        plan_year = (
            Plan.objects.filter(year__lte=today.year).order_by("-year").values_list("year", flat=True).first()
        )
        year = plan_year or today.year
    return year


def _month(request, data: FigureData) -> int:
    month = _int(request.GET.get("month"), range(1, 13))
    if month is not None:
        return month
    latest = data.latest_month()
    if latest is not None:
        return latest
    today = timezone.localdate()
    return 12 if data.year < today.year else max(1, today.month - 1)


def _check_reader(user) -> None:
    """The dashboard is the bureau's, the leader's and the districts'."""
    scope = scope_of(user)
    if not (scope.sees_all(VIEW) or scope.unit_ids):
        raise Http404


def _period_context(data: FigureData, month: int) -> dict:
    return {
        "year": data.year,
        "month": month,
        "months": range(1, 13),
        "years": range(data.year - 3, max(data.year, timezone.localdate().year) + 1),
        "time_progress": _percent(month / 12),
        "month_marker": f"{month / 12 * 100:.1f}",
    }


def _trend(data: FigureData, trends: dict, unit: str, code: str) -> dict | None:
    """The chart's data (read by dispatch/static/dispatch/charts.js) and its table."""
    info = data.info.get(code)
    if info is None:
        return None
    series = trends.get((unit, code), {})
    years = (data.year, data.year - 1)
    values = {y: [_round(v, info.decimals) for v in series.get(y, [None] * 12)] for y in years}
    labels = [_("M%(month)d") % {"month": m} for m in range(1, 13)]
    chart = {
        "title": info.name,
        "measure": info.measure,
        "months": labels,
        "series": [
            {
                "name": str(y),
                "data": [None if v is None else float(v) for v in values[y]],
                "current": y == data.year,
            }
            for y in years
        ],
    }
    return {
        "title": info.name,
        "measure": info.measure,
        "chart": chart,
        "years": years,
        "table": [(labels[m], [values[y][m] for y in years]) for m in range(12)],
        "has_data": any(v is not None for y in years for v in values[y]),
    }


def _headline_codes(data: FigureData) -> list[str]:
    return [code for code, info in data.info.items() if not info.reference]


def _figures(data: FigureData, month: int):
    figures = data.figures(month)
    previous = {(f["unit"], f["indicator"]): f for f in data.figures(month - 1)} if month > 1 else {}
    return figures, previous


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


@require_safe
@login_required
def dashboard(request):
    """The city's page for the bureau and the leader; a district goes to its own unit's page."""
    _check_reader(request.user)
    scope = scope_of(request.user)
    if not scope.sees_all(VIEW):
        own = units_for_user(request.user).exclude(kind=UnitKind.CITY).order_by("order").first()
        if own is None:
            raise Http404
        url = reverse("dispatch_unit", args=[own.code])
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    data = figure_data(_year(request), years_back=2)
    month = _month(request, data)
    figures, previous = _figures(data, month)
    headline_codes = _headline_codes(data)
    with_rank = {f["indicator"] for f in figures if f["rank"] is not None}
    ranked = [c for c in headline_codes if c in with_rank]
    indicator = request.GET.get("indicator")
    if indicator not in data.info:
        indicator = ranked[0] if ranked else (headline_codes[0] if headline_codes else None)
    # Only the rows shown: the city's headline figures and the league of one indicator.
    on_top = set(headline_codes)
    rows = _rows(
        data,
        month,
        figures,
        previous,
        data.backtests(),
        shown=lambda key: key[1] == indicator or (key[0] == CITY_CODE and key[1] in on_top),
    )
    headline = [rows.get((CITY_CODE, c)) or _empty_row(data, CITY_CODE, c, month) for c in headline_codes]

    def league(kind: str) -> list[Row]:
        members = [u for u, info in data.units.items() if info.kind == kind]
        listed = [rows.get((u, indicator)) or _empty_row(data, u, indicator, month) for u in members]
        return sorted(listed, key=lambda r: (r.rank is None, r.rank or 0))

    trends = data.trends([CITY_CODE])
    context = {
        **_period_context(data, month),
        "headline_rows": [(r, None) for r in headline],
        "indicator": indicator,
        "indicator_name": data.info[indicator].name if indicator else "",
        "indicators": [(c, data.info[c].name) for c in headline_codes],
        "districts": league(UnitKind.DISTRICT) if indicator else [],
        "zones": league(UnitKind.ZONE) if indicator else [],
        "trend": _trend(data, trends, CITY_CODE, indicator) if indicator else None,
        "unit": data.units.get(CITY_CODE),
    }
    return render(request, "dispatch/dashboard.html", context)


@require_safe
@login_required
def unit_page(request, code: str):
    """One unit's figures, trend and warnings; for a district or zone, beside the city's."""
    _check_reader(request.user)
    unit = units_for_user(request.user).filter(code=code).first()
    if unit is None:
        raise Http404
    data = figure_data(_year(request), years_back=2)
    month = _month(request, data)
    figures, previous = _figures(data, month)
    # Only the rows shown: this unit's and the city's beside them.
    rows = _rows(
        data, month, figures, previous, data.backtests(), shown=lambda key: key[0] in (code, CITY_CODE)
    )
    headline_codes = set(_headline_codes(data))
    codes = [c for c in data.info if (code, c) in rows or c in headline_codes]
    mine = [rows.get((code, c)) or _empty_row(data, code, c, month) for c in codes]
    city = {c: rows.get((CITY_CODE, c)) for c in codes} if code != CITY_CODE else {}
    indicator = request.GET.get("indicator")
    if indicator not in data.info:
        indicator = next((r.code for r in mine if r.actual is not None), codes[0] if codes else None)
    trends = data.trends([code])
    warned = [r for r in mine if r.warnings]
    context = {
        **_period_context(data, month),
        "unit": unit,
        "is_city": code == CITY_CODE,
        "not_city": code != CITY_CODE,
        "rows": [(r, city.get(r.code)) for r in mine],
        "warned": warned,
        "indicator": indicator,
        "indicators": [(c, data.info[c].name) for c in codes],
        "trend": _trend(data, trends, code, indicator) if indicator else None,
        "bureau": scope_of(request.user).sees_all(VIEW),
    }
    return render(request, "dispatch/dashboard_unit.html", context)


class _Chain:
    """Several querysets read as one list, for the paginator: (counter, record) pairs."""

    def __init__(self, parts):
        self.parts = parts
        self._counts = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [rows.count() for _c, rows in self.parts]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice):
        start, stop = window.start or 0, window.stop
        out, offset = [], 0
        for (counter, rows), n in zip(self.parts, self.counts(), strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, n)
            if lo < hi:
                out += [(counter, r) for r in rows[lo:hi]]
            offset += n
        return out


def _prepared(counter, rows):
    """Rows with their unit code and the related objects their labels need, in date order."""
    unit_path = counter.unit
    related = unit_path.rsplit("__", 1)[0] if "__" in unit_path else None
    qs = rows.annotate(_kc_unit=F(unit_path)).order_by(counter.date, "pk")
    return qs.select_related(related) if related else qs


@require_safe
@login_required
def records_page(request, code: str, indicator: str):
    """The records behind a counted figure (`Counter.rows`), those in the user's scope."""
    _check_reader(request.user)
    unit = units_for_user(request.user).filter(code=code).first()
    counter = counters().get(indicator)
    if unit is None or counter is None:
        raise Http404
    data = figure_data(_year(request))
    month = _month(request, data)
    figure = next((f for f in data.figures(month) if (f["unit"], f["indicator"]) == (code, indicator)), None)
    behind = record_parts(counter, data.year, month, code)
    listed = _Chain([(c, _prepared(c, rows.for_user(request.user))) for c, rows in behind])
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    items = []
    for part, record in page.object_list:
        amount = getattr(part, "amount", None)
        url = getattr(record, "get_absolute_url", None)
        items.append(
            {
                "label": str(record),
                "url": url() if callable(url) else None,
                "unit": data.units[record._kc_unit].name
                if record._kc_unit in data.units
                else record._kc_unit,
                "date": _date_of(record, part.date),
                "amount": getattr(record, amount) if amount else None,
            }
        )
    info = data.info[indicator]
    context = {
        **_period_context(data, month),
        "unit": unit,
        "info": info,
        "figure": _round(figure["actual"], info.decimals) if figure else None,
        "source": data.sources.get((indicator, data.year, month)),
        "page": page,
        "items": items,
        "listed": listed.count(),
        "partial": listed.count() < sum(rows.count() for _c, rows in behind),
        "amount_label": _amount_label(counter),
    }
    return render(request, "dispatch/dashboard_records.html", context)


def _date_of(record, path: str):
    value = record
    for name in path.split("__"):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value.date() if isinstance(value, dt.datetime) else value


def _amount_label(counter) -> str | None:
    parts = getattr(counter, "parts", None) or (counter,)
    return _("Amount (10,000 yuan)") if any(getattr(p, "amount", None) for p in parts) else None


urlpatterns = [
    path("dispatch/", dashboard, name="dispatch_dashboard"),
    path("dispatch/units/<str:code>/", unit_page, name="dispatch_unit"),
    path("dispatch/units/<str:code>/records/<str:indicator>/", records_page, name="dispatch_records"),
]
