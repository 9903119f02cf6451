"""What an evaluation means, in plain words for the enterprise and the district: each failing
condition with the figure against its threshold, and the least change that would qualify."""

from __future__ import annotations

from django.utils.translation import gettext as _

__all__ = ["hte_gaps", "tsme_gaps"]


def _pct(x: float | None, places: int = 1) -> str:
    return "—" if x is None else f"{x * 100:.{places}f}%"


def _columns(codes: list[str]) -> str:
    """The missing figures by the names the enterprise's form uses (员工总数, 资产总额…)."""
    from enterprises.models import Enterprise, EnterpriseYear

    labels = {"registered": _("Founded"), "apply_date": _("Application date")}
    for model in (Enterprise, EnterpriseYear):  # a yearly figure's name wins over the file's
        labels.update({f.name: str(f.verbose_name) for f in model._meta.concrete_fields})
    return "、".join(labels.get(code, code) for code in codes)


def _wan(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def hte_gaps(r: dict) -> list[str]:
    """One sentence per condition that fails or is unknown (rules/hte.py output)."""
    out = []
    if r.get("verdict") is None:
        missing = [code.removeprefix("MISSING_") for code in r.get("reasons") or []]
        return [_("Cannot evaluate: figures missing ({columns}).").format(columns=_columns(missing))]
    if r["c1"] == "fail":
        out.append(_("Registered for less than one year on the application date (365 days are needed)."))
    if r["c2"] == "fail":
        out.append(_("No intellectual property yet: at least one item is needed."))
    if r["c3"] == "fail":
        out.append(_("The main technology is not in one of the eight supported high-tech domains."))
    if r["c4"] == "fail":
        out.append(
            _("S&T staff are {ratio} of employees, below 10%: {n} more S&T staff are needed.").format(
                ratio=_pct(r["st_ratio"]), n=r["st_gap"]
            )
        )
    if r["c5"] == "fail":
        if r["rd_ratio"] is not None and r["rd_threshold"] is not None and r["rd_ratio"] < r["rd_threshold"]:
            out.append(
                _(
                    "R&D is {ratio} of sales over the years, below {threshold}: R&D must rise by "
                    "{gap} (10,000 yuan) over the years to reach {threshold}."
                ).format(
                    ratio=_pct(r["rd_ratio"], 2),
                    threshold=_pct(r["rd_threshold"], 0),
                    gap=_wan(r["rd_gap"] or 0),
                )
            )
        if r["domestic_ratio"] is not None and r["domestic_ratio"] < 0.6:
            out.append(
                _("R&D spent in China is {ratio} of all R&D, below 60%.").format(
                    ratio=_pct(r["domestic_ratio"])
                )
            )
    if r["c6"] == "fail":
        out.append(
            _("High-tech products and services are {ratio} of total income, below 60%.").format(
                ratio=_pct(r["ht_ratio"])
            )
        )
    if r["c7"] in ("fail", "unknown"):
        out.append(
            _("Innovation-capability score {low}–{high}; more than 70 is needed.").format(
                low=_wan(r["score_min"]), high=_wan(r["score_max"])
            )
        )
    if r["c8"] == "fail":
        out.append(_("A major safety or quality incident or serious environmental violation was recorded."))
    return out


_TSME_REASONS = {
    "EMPLOYEES_OVER_500": lambda r: _("More than 500 employees."),
    "REVENUE_OVER_20000": lambda r: _("Annual sales above 200 million yuan."),
    "ASSETS_OVER_20000": lambda r: _("Total assets above 200 million yuan."),
    "RESTRICTED_INDUSTRY": lambda r: _("The industry is on the negative list."),
    "INCIDENT": lambda r: _("A major incident or serious dishonesty was recorded."),
    "SCORE_BELOW_60": lambda r: _("Score {total} of 100: {short} more points are needed to reach 60.").format(
        total=r["total"], short=r["points_short"]
    ),
    "STAFF_SCORE_ZERO": lambda r: _("S&T staff are below 10 percent of employees, so the staff score is 0."),
}


def tsme_gaps(r: dict) -> list[str]:
    out = []
    missing = []
    for code in r.get("reasons") or []:
        if code.startswith("MISSING_"):
            missing.append(code.removeprefix("MISSING_"))
        elif code in _TSME_REASONS and not (r.get("eligible") and r.get("route") == "direct"):
            out.append(_TSME_REASONS[code](r))
    if missing:
        out.insert(0, _("Cannot evaluate: figures missing ({columns}).").format(columns=_columns(missing)))
    return out
