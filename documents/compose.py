"""Compose each kind of document from its snapshot (and the staff's narrative) — nothing else:
no database read, so a stored snapshot always gives the same document.

The text is Chinese written into the code: these are official documents of a Chinese bureau,
issued in Chinese whatever language a user browses the site in, so their wording is not a
translatable interface string (the site's own labels are, in locale/). Every figure comes from
the snapshot (dispatch_figures rows and the workflow's records); where a record kind is not
kept yet the text says so instead of showing a number."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from documents.builder.charts import ChartUnavailable, bar_chart, chart_problem, line_chart
from documents.builder.content import (
    INTEGER,
    NUMBER,
    PERCENT,
    POINTS,
    TEXT,
    Cell,
    Column,
    Content,
    Figure,
    Heading,
    Imprint,
    Masthead,
    Para,
    Table,
    decimal_text,
)
from documents.snapshot import digest

__all__ = [
    "BRIEF_NAME",
    "SERIES",
    "KIND_NAMES",
    "NARRATIVE_SLOTS",
    "WARNING_NAMES",
    "compose",
    "title_of",
    "unit_table_title",
    "CITY_TABLE_TITLE",
]

KIND_NAMES = {
    "monthly": "工作动态（一月一报汇总）",
    "bulletin": "通报",
    "quarterly": "季度调度报告",
    "half-year": "半年小结",
    "annual": "年度总结",
}
# The staff's paragraphs each kind takes: (key, heading in the document).
NARRATIVE_SLOTS = {
    "monthly": [("work", "重点工作进展"), ("next", "下步工作")],
    "bulletin": [("requirements", "有关要求")],
    "quarterly": [("work", "主要工作开展情况"), ("problems", "存在的问题"), ("next", "下步工作打算")],
    "half-year": [("work", "主要工作开展情况"), ("problems", "存在的问题"), ("next", "下半年工作打算")],
    "annual": [("work", "主要工作开展情况"), ("problems", "存在的问题"), ("next", "下一年度工作打算")],
}
WARNING_NAMES = {
    "NEGATIVE_GROWTH": "负增长",
    "GROWTH_DROP": "增速回落幅度较大",
    "BOTTOM_RANK": "增速排位靠后",
    "BEHIND_SCHEDULE": "进度滞后",
    "AT_RISK": "年底目标有风险",
}
CITY_TABLE_TITLE = "全市主要指标完成情况"
KIND_LABEL = {"cumulative": "累计", "stock": "月末数", "ratio": "比值"}
MAX_TREND_CHARTS = 6
MAX_RANK_CHARTS = 2


def unit_table_title(indicator_name: str) -> str:
    return f"各区（县）、园区{indicator_name}完成情况"


# ---------------------------------------------------------------------------------------------
# Reading the snapshot
# ---------------------------------------------------------------------------------------------


@dataclass
class Ctx:
    snap: dict
    narrative: dict
    units: dict = field(default_factory=dict)
    inds: dict = field(default_factory=dict)
    city: str | None = None
    rows: dict = field(default_factory=dict)  # (unit, indicator) -> figure row

    @classmethod
    def of(cls, snap: dict, narrative: dict | None) -> Ctx:
        ctx = cls(snap, {k: v for k, v in (narrative or {}).items() if isinstance(v, str) and v.strip()})
        ctx.units = {u["code"]: u for u in snap["units"]}
        ctx.inds = {i["code"]: i for i in snap["indicators"]}
        ctx.city = next((u["code"] for u in snap["units"] if u["kind"] == "city"), None)
        ctx.rows = {(r["unit"], r["indicator"]): r for r in snap["figures"]}
        return ctx

    @property
    def year(self) -> int:
        return self.snap["year"]

    @property
    def month(self) -> int:
        return self.snap["month"]

    @property
    def date(self) -> dt.date:
        return dt.date.fromisoformat(self.snap["date"])

    def unit_name(self, code: str) -> str:
        return self.units.get(code, {}).get("name", code)

    def ind_name(self, code: str) -> str:
        return self.inds.get(code, {}).get("name", code)

    def city_rows(self) -> list[dict]:
        return [r for r in self.snap["figures"] if r["unit"] == self.city]

    def unit_rows(self, indicator: str) -> list[dict]:
        return [r for r in self.snap["figures"] if r["indicator"] == indicator and r["unit"] != self.city]

    def record(self, name: str) -> dict:
        return self.snap["records"].get(name) or {"available": False, "rows": []}


def period(month: int) -> str:
    return "1月" if month == 1 else f"1—{month}月"


def cn_date(day: dt.date | str) -> str:
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日"


def _num(value: float, decimals: int) -> str:
    return decimal_text(value, decimals)


def _plain(value: float, decimals: int) -> str:
    """A target as written in the plan: 316, 8.62, 0.5 (no trailing zeros)."""
    text = decimal_text(value, decimals)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _pct(value: float, decimals: int = 1) -> str:
    return decimal_text(value * 100, decimals) + "%"


def _warnings_text(codes) -> str:
    return "、".join(WARNING_NAMES.get(c, c) for c in codes or [])


def prune(table: Table) -> Table:
    """The table without the figure columns that hold no figure at all (a target column where
    no unit has a target)."""

    def raw(value):
        return value.value if isinstance(value, Cell) else value

    keep = [
        i
        for i, col in enumerate(table.columns)
        if col.kind == TEXT or any(raw(row[i]) is not None for row in table.rows)
    ]
    table.columns = [table.columns[i] for i in keep]
    table.rows = [[row[i] for i in keep] for row in table.rows]
    return table


def _decimals(ind: dict) -> int:
    return int(ind.get("decimals", 2))


def _growth_text(ind: dict, yoy: float | None) -> str:
    if yoy is None:
        return ""
    if ind["kind"] == "ratio":  # percentage points
        if abs(yoy) < 0.005:
            return "与上年同期持平"
        return f"同比{'提高' if yoy > 0 else '下降'}{decimal_text(abs(yoy), 2)}个百分点"
    if abs(yoy) < 0.0005:
        return "与上年同期持平"
    return f"同比{'增长' if yoy > 0 else '下降'}{_pct(abs(yoy))}"


def indicator_sentence(ctx: Ctx, row: dict) -> str:
    """One indicator's standing in words: actual, share of the target against the elapsed share
    of the year, growth — each clause only where the figure exists."""
    ind = ctx.inds[row["indicator"]]
    name, measure, d = ind["name"], ind["measure"], _decimals(ind)
    actual, target = row["actual"], row["target"]
    if actual is None:
        return f"{name}暂无数据"
    verb = {"cumulative": "完成", "stock": "达", "ratio": "为"}.get(ind["kind"], "为")
    parts = [f"{name}{verb}{_num(actual, d)}{measure}"]
    if target is not None and row["completion"] is not None:
        if ind["kind"] == "cumulative":
            gap = row["completion"] - row["time_progress"]
            pace = "快于" if gap >= 0 else "慢于"
            parts.append(
                f"为年度目标{_plain(target, d)}{measure}的{_pct(row['completion'])}，"
                f"{pace}时序进度{decimal_text(abs(gap) * 100, 1)}个百分点"
            )
        else:
            parts.append(f"年度目标{_plain(target, d)}{measure}，完成率{_pct(row['completion'])}")
    growth = _growth_text(ind, row["yoy"])
    if growth:
        target_growth = ctx.snap["plan"].get("target_growth", {}).get(row["indicator"]) or {}
        if target_growth.get("growth") is not None:
            growth += f"（目标增长{_pct(target_growth['growth'])}）"
        elif target_growth.get("growth_pp") is not None:
            growth += f"（目标提高{decimal_text(target_growth['growth_pp'], 2)}个百分点）"
        parts.append(growth)
    return "，".join(parts)


# ---------------------------------------------------------------------------------------------
# Sections shared by the kinds
# ---------------------------------------------------------------------------------------------


def _yoy_cell(ind: dict, yoy):
    return Cell(yoy, POINTS, 2) if ind["kind"] == "ratio" else Cell(yoy, PERCENT, 1)


def city_table(ctx: Ctx) -> Table:
    """Every city row of the figures; the elapsed share of the year (时序进度), the same for
    every row, is in the title."""
    p = period(ctx.month)
    rows = ctx.city_rows()
    time_progress = next((r["time_progress"] for r in rows if r["time_progress"] is not None), ctx.month / 12)
    columns = [
        Column("指标（计量单位）"),
        Column("年度目标", NUMBER),
        Column(f"{p}完成", NUMBER),
        Column("完成率", PERCENT, 1),
        Column("同比", PERCENT, 1),
        Column("全年预计", NUMBER),
        Column("预警"),
    ]
    body = []
    for r in rows:
        ind = ctx.inds[r["indicator"]]
        d = _decimals(ind)
        body.append(
            [
                f"{ind['name']}（{ind['measure']}）" + ("（参考）" if ind["reference"] else ""),
                Cell(r["target"], NUMBER, d),
                Cell(r["actual"], NUMBER, d),
                r["completion"],
                _yoy_cell(ind, r["yoy"]),
                Cell(r["forecast"], NUMBER, d),
                _warnings_text(r["warnings"]),
            ]
        )
    note = (
        f"数据截至{cn_date(ctx.date)}；累计指标为{p}累计数，存量指标为月末数；"
        "比值指标的同比为增减百分点；“—”表示无数据；全市合计为10个区（县）之和，不含园区。"
    )
    title = f"{CITY_TABLE_TITLE}（{ctx.year}年{p}，时序进度{_pct(time_progress)}）"
    return Table(title, columns, body, sheet="全市指标", note=note)


def unit_table(ctx: Ctx, code: str, *, by_rank: bool = False) -> Table | None:
    """One indicator for every district and zone; target and completion columns only where a
    unit has a target."""
    ind = ctx.inds[code]
    rows = ctx.unit_rows(code)
    if not any(r["target"] is not None or r["actual"] is not None for r in rows):
        return None
    d = _decimals(ind)
    ratio = ind["kind"] == "ratio"
    if by_rank:
        groups = {u["code"]: u["kind"] for u in ctx.snap["units"]}
        rows = sorted(
            rows,
            key=lambda r: (groups.get(r["unit"]) != "district", r["rank"] is None, r["rank"] or 0),
        )
    targets = any(r["target"] is not None for r in rows)
    spec = [
        (Column("单位"), lambda r: ctx.unit_name(r["unit"])),
        *(
            [
                (Column("年度目标", NUMBER), lambda r: Cell(r["target"], NUMBER, d)),
            ]
            if targets
            else []
        ),
        (Column(f"{period(ctx.month)}完成", NUMBER), lambda r: Cell(r["actual"], NUMBER, d)),
        *([(Column("完成率", PERCENT, 1), lambda r: r["completion"])] if targets else []),
        (Column("同比", POINTS if ratio else PERCENT, 2 if ratio else 1), lambda r: r["yoy"]),
        (Column("增速回落", POINTS, 1), lambda r: r["growth_drop"]),
        (Column("排位", INTEGER), lambda r: r["rank"]),
        (Column("全年预计", NUMBER), lambda r: Cell(r["forecast"], NUMBER, d)),
        (Column("预警"), lambda r: _warnings_text(r["warnings"])),
    ]
    columns = [c for c, _get in spec]
    body = [[get(r) for _c, get in spec] for r in rows]
    note = (
        f"计量单位：{ind['measure']}。"
        + ("同比为增减百分点；" if ratio else "")
        + "增速回落为百分点。排位为同比增速在区（县）中的位次，园区单独排位。"
        + ("" if targets else "未分解到区（县）、园区的年度目标不列。")
    )
    return Table(unit_table_title(ind["name"]), columns, body, sheet=ind["name"][:31], note=note)


def indicators_section(ctx: Ctx, blocks: list) -> None:
    p = period(ctx.month)
    stats, registry, missing = [], [], []
    for r in ctx.city_rows():
        ind = ctx.inds[r["indicator"]]
        if ind["reference"]:
            continue
        if r["actual"] is None:
            missing.append(ind["name"])
            continue
        (stats if ind["source"] in ("reported", "computed") else registry).append(indicator_sentence(ctx, r))
    if not stats and not registry:
        blocks.append(Para(f"{p}全市各项指标暂无数据。"))
    if stats:
        blocks.append(Para(f"{p}，全市" + "；".join(stats) + "。"))
    if registry:
        blocks.append(Para("从各业务登记情况看，" + "；".join(registry) + "。"))
    if missing and (stats or registry):
        blocks.append(Para("、".join(missing) + "暂无数据。"))
    blocks.append(city_table(ctx))


def units_section(ctx: Ctx, blocks: list, *, by_rank: bool = False) -> None:
    tables = [t for t in (unit_table(ctx, code, by_rank=by_rank) for code in ctx.inds) if t is not None]
    if not tables:
        blocks.append(Para("各区（县）、园区暂无指标数据。"))
        return
    blocks.append(
        Para(
            "各区（县）、园区主要指标完成情况见下表"
            + ("（按同比增速排位，园区单独排位）" if by_rank else "")
            + "。"
        )
    )
    blocks.extend(tables)


def _disposal(ctx: Ctx, kept: dict | None) -> str:
    if kept is None:
        return "尚无处置记录"
    parts = [kept["status_label"]]
    if kept.get("meeting"):
        m = kept["meeting"]
        parts.append(f"{cn_date(m['held_on'])}{m['title']}")
    if kept.get("escalation"):
        e = kept["escalation"]
        parts.append(f"{cn_date(e['sent_on'])}{e['kind_label']}：{e['subject']}")
    if kept.get("orders"):
        parts.append("督办单" + "、".join(f"{o['number']}（{o['status_label']}）" for o in kept["orders"]))
    if kept.get("note"):
        parts.append(kept["note"])
    return "；".join(parts)


def warnings_section(ctx: Ctx, blocks: list) -> None:
    """The warnings the figures raise at the month, and what the kept warning records say was
    done about each (status, dispatch meeting, escalation, follow-up orders)."""
    flagged = [r for r in ctx.snap["figures"] if r["warnings"]]
    kept_rec = ctx.record("warnings")
    kept = {(w["unit"], w["indicator"]): w for w in kept_rec["rows"] if w["month"] == ctx.month}
    p = period(ctx.month)
    if not flagged:
        blocks.append(Para(f"按{p}数据，各单位各项指标均未触发预警。"))
    else:
        counts = Counter(c for r in flagged for c in r["warnings"])
        units = list(dict.fromkeys(r["unit"] for r in flagged))
        detail = "，".join(
            f"{WARNING_NAMES.get(c, c)}{n}项" for c, n in sorted(counts.items(), key=lambda x: -x[1])
        )
        blocks.append(
            Para(
                f"按{p}数据，共有{len(units)}个单位（含全市）的{len(flagged)}项指标触发预警，"
                f"其中{detail}（一项指标可同时触发多类预警）。"
            )
        )
        rows = []
        for unit in units:
            mine = [r for r in flagged if r["unit"] == unit]
            what = "；".join(
                f"{ctx.ind_name(r['indicator'])}（{_warnings_text(r['warnings'])}）" for r in mine
            )
            if not kept_rec["available"]:
                done = "—"
            else:
                notes = [
                    f"{ctx.ind_name(r['indicator'])}：{_disposal(ctx, kept[(unit, r['indicator'])])}"
                    for r in mine
                    if (unit, r["indicator"]) in kept
                ]
                done = "；".join(notes) if notes else "尚无处置记录"
            rows.append([ctx.unit_name(unit), len(mine), what, done])
        note = "" if kept_rec["available"] else "预警处置记录模块尚未启用，处置情况暂无记录。"
        blocks.append(
            Table(
                f"{p}预警及处置情况",
                [Column("单位"), Column("预警指标数", INTEGER), Column("预警指标及类型"), Column("处置情况")],
                rows,
                sheet="预警及处置",
                note=note,
            )
        )
    if kept_rec["available"] and len(ctx.snap["months"]) > 1:
        statuses = Counter(w["status_label"] for w in kept_rec["rows"])
        if kept_rec["rows"]:
            detail = "，".join(f"{k}{n}条" for k, n in statuses.most_common())
            blocks.append(Para(f"本期共记录预警{len(kept_rec['rows'])}条，其中{detail}。"))


def meetings_section(ctx: Ctx, blocks: list) -> None:
    meetings, escalations = ctx.record("meetings"), ctx.record("escalations")
    if not meetings["available"]:
        blocks.append(Para("调度会记录模块尚未启用，暂无数据。"))
    elif not meetings["rows"]:
        blocks.append(Para("本期未召开调度会。"))
    else:
        rows = [
            [
                cn_date(m["held_on"]),
                m["title"],
                m["chair"],
                "、".join(ctx.unit_name(u) for u in m["units"]),
                m["status_label"],
                m["decisions"],
            ]
            for m in meetings["rows"]
        ]
        blocks.append(Para(f"本期召开（计划召开）调度会{len(rows)}次。"))
        blocks.append(
            Table(
                "调度会召开情况",
                [
                    Column("日期"),
                    Column("会议"),
                    Column("主持"),
                    Column("涉及单位"),
                    Column("状态"),
                    Column("议定事项"),
                ],
                rows,
                sheet="调度会",
            )
        )
    if escalations["available"] and escalations["rows"]:
        rows = [
            [cn_date(e["sent_on"]), e["kind_label"], ctx.unit_name(e["unit"]), e["subject"], e["recipient"]]
            for e in escalations["rows"]
        ]
        blocks.append(Para(f"本期书面专题报告及通报共{len(rows)}件。"))
        blocks.append(
            Table(
                "专题报告及通报情况",
                [Column("日期"), Column("类型"), Column("单位"), Column("事由"), Column("报送")],
                rows,
                sheet="专题报告及通报",
            )
        )


def items_section(ctx: Ctx, blocks: list) -> None:
    items = ctx.record("items")
    if not items["available"]:
        blocks.append(Para("重点任务督办模块尚未启用，暂无数据。"))
        return
    counts = items.get("counts") or {}
    total = sum(counts.values())
    day = cn_date(ctx.date)
    if total == 0:
        blocks.append(Para(f"截至{day}，系统中暂无{ctx.year}年重点任务督办事项。"))
        return
    blocks.append(
        Para(
            f"截至{day}，{ctx.year}年重点任务督办事项共{total}项，已完成{counts.get('done', 0)}项，"
            f"推进中{counts.get('in_progress', 0)}项，未启动{counts.get('not_started', 0)}项，"
            f"逾期未完成{counts.get('lagging', 0)}项。"
        )
    )
    if not items["rows"]:
        return
    rows = [
        [
            i["item"],
            i["text"][:60] + ("……" if len(i["text"]) > 60 else ""),
            ctx.unit_name(i["unit"]),
            "、".join(x for x in (i["section"], i["person"]) if x) or "—",
            cn_date(i["deadline"]) if i["deadline"] else "—",
            i["days_overdue"],
            i["latest_update"] or "无进展报告",
        ]
        for i in items["rows"]
    ]
    blocks.append(
        Table(
            "重点任务逾期事项",
            [
                Column("事项"),
                Column("内容"),
                Column("责任单位"),
                Column("责任科室/责任人"),
                Column("完成时限"),
                Column("逾期天数", INTEGER),
                Column("最新进展"),
            ],
            rows,
            sheet="逾期事项",
        )
    )


def orders_section(ctx: Ctx, blocks: list) -> None:
    orders = ctx.record("orders")
    if not orders["available"]:
        return
    if not orders["rows"]:
        total = sum((orders.get("counts") or {}).values())
        if total:
            blocks.append(Para(f"本年度共下发督办单{total}份，无逾期未回复的督办单。"))
        return
    rows = [
        [
            o["number"],
            ctx.unit_name(o["unit"]),
            o["subject"],
            cn_date(o["due"]),
            o["days_overdue"],
            o["status_label"],
        ]
        for o in orders["rows"]
    ]
    blocks.append(Para(f"逾期未回复的督办单{len(rows)}份。"))
    blocks.append(
        Table(
            "逾期未回复督办单",
            [
                Column("编号"),
                Column("单位"),
                Column("督办事项"),
                Column("回复时限"),
                Column("逾期天数", INTEGER),
                Column("状态"),
            ],
            rows,
            sheet="逾期督办单",
        )
    )


STATE_TEXT = {"late": "逾期报送", "missing": "逾期未报送", "on_time": "按时报送", "pending": "未到报送时限"}


def timeliness_section(ctx: Ctx, blocks: list, *, months: list[int]) -> list[dict]:
    """Late and missing monthly reports of the months; returns them."""
    rec = ctx.record("timeliness")
    if not rec["available"]:
        blocks.append(Para("一月一报模块尚未启用，暂无报送记录。"))
        return []
    rows = [t for t in rec["rows"] if t["month"] in months]
    counts = Counter(t["state"] for t in rows)
    label = f"{months[0]}月" if len(months) == 1 else f"{months[0]}—{months[-1]}月"
    blocks.append(
        Para(
            f"{label}一月一报应报{len(rows)}份，按时报送{counts.get('on_time', 0)}份，"
            f"逾期报送{counts.get('late', 0)}份，逾期未报送{counts.get('missing', 0)}份，"
            f"未到报送时限{counts.get('pending', 0)}份（统计截至{cn_date(ctx.date)}）。"
        )
    )
    bad = [t for t in rows if t["state"] in ("late", "missing")]
    if bad:
        table_rows = []
        for unit in dict.fromkeys(t["unit"] for t in bad):
            mine = [t for t in bad if t["unit"] == unit]
            late = [f"{t['month']}月（逾期{t['days_late']}天）" for t in mine if t["state"] == "late"]
            missing = [f"{t['month']}月" for t in mine if t["state"] == "missing"]
            table_rows.append(
                [
                    ctx.unit_name(unit),
                    "、".join(late) or "—",
                    "、".join(missing) or "—",
                    max(t["days_late"] for t in mine),
                ]
            )
        blocks.append(
            Table(
                f"{label}一月一报逾期情况",
                [Column("单位"), Column("逾期报送"), Column("逾期未报送"), Column("最长逾期天数", INTEGER)],
                table_rows,
                sheet="报送逾期",
                note=f"报送时限为次月{_due_day(bad)}日；逾期未报送的天数计至{cn_date(ctx.date)}。",
            )
        )
    return bad


def _due_day(rows: list[dict]) -> str:
    days = sorted({dt.date.fromisoformat(t["due"]).day for t in rows})
    return "、".join(str(d) for d in days)


def narrative(ctx: Ctx, key: str, blocks: list, heading: str | None = None, level: int = 1) -> bool:
    text = ctx.narrative.get(key, "").strip()
    if not text:
        return False
    if heading:
        blocks.append(Heading(level, heading))
    for line in text.splitlines():
        if line.strip():
            blocks.append(Para(line.strip()))
    return True


def _slot_heading(kind: str, key: str) -> str:
    return dict(NARRATIVE_SLOTS[kind])[key]


# ---------------------------------------------------------------------------------------------
# Trends, rankings, forecasts, assessment (quarterly, half-year, annual)
# ---------------------------------------------------------------------------------------------


def _chart(make, title: str) -> Figure:
    problem = chart_problem()
    if problem is not None:
        return Figure(title, None, problem)
    try:
        return Figure(title, make())
    except ChartUnavailable as exc:
        return Figure(title, None, str(exc))


def trends_section(ctx: Ctx, blocks: list) -> None:
    series = ctx.snap["series"]
    chosen = [
        code
        for code in ctx.inds
        if code in series
        and not ctx.inds[code]["reference"]
        and any(v is not None for v in series[code]["actual"][: ctx.month])
    ][:MAX_TREND_CHARTS]
    if not chosen:
        blocks.append(Para("全市主要指标暂无逐月数据。"))
        return
    blocks.append(Para(f"全市主要指标{ctx.year}年逐月运行情况如下（与上年同期对比）。"))
    this, last = f"{ctx.year}年", f"{ctx.year - 1}年"
    for code in chosen:
        ind, s = ctx.inds[code], series[code]
        d = _decimals(ind)
        label = "逐月累计" if ind["kind"] == "cumulative" else "逐月"
        title = f"全市{ind['name']}{label}情况"
        months = list(range(1, ctx.month + 1))
        blocks.append(
            _chart(
                lambda ind=ind, s=s, title=title: line_chart(
                    title=title,
                    x_labels=[f"{m}月" for m in range(1, 13)],
                    series=[(this, s["actual"][: ctx.month] + [None] * (12 - ctx.month)), (last, s["last"])],
                    unit=ind["measure"],
                ),
                title,
            )
        )
        ratio = ind["kind"] == "ratio"
        blocks.append(
            Table(
                f"{title}（{ind['measure']}）",
                [
                    Column("月份"),
                    Column(this, NUMBER, d),
                    Column(f"{last}同期", NUMBER, d),
                    Column(
                        "同比（百分点）" if ratio else "同比", POINTS if ratio else PERCENT, 2 if ratio else 1
                    ),
                    Column("完成率", PERCENT, 1),
                ],
                [
                    [f"{m}月", s["actual"][m - 1], s["last"][m - 1], s["yoy"][m - 1], s["completion"][m - 1]]
                    for m in months
                ],
                sheet=f"趋势-{ind['name']}"[:31],
            )
        )


def ranking_charts(ctx: Ctx, blocks: list) -> None:
    """Bars of the districts' growth, best first, against the city's growth."""
    made = 0
    for code, ind in ctx.inds.items():
        if made >= MAX_RANK_CHARTS or ind["reference"] or ind["source"] not in ("reported", "computed"):
            continue
        rows = [
            r
            for r in ctx.unit_rows(code)
            if ctx.units.get(r["unit"], {}).get("kind") == "district" and r["yoy"] is not None
        ]
        if len(rows) < 2:
            continue
        rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, -r["yoy"]))
        city = ctx.rows.get((ctx.city, code), {}).get("yoy")
        ratio = ind["kind"] == "ratio"
        title = f"各区（县）{ind['name']}同比{'增减（百分点）' if ratio else '增速'}排位"
        blocks.append(
            _chart(
                lambda rows=rows, title=title, city=city, ratio=ratio: bar_chart(
                    title=title,
                    items=[(ctx.unit_name(r["unit"]), r["yoy"]) for r in rows],
                    percent=not ratio,
                    reference=city,
                    reference_label="全市",
                ),
                title,
            )
        )
        made += 1


def forecast_section(ctx: Ctx, blocks: list) -> None:
    rows = []
    sentences = []
    for r in ctx.city_rows():
        ind = ctx.inds[r["indicator"]]
        if ind["reference"] or r["target"] is None or r["forecast"] is None:
            continue
        d = _decimals(ind)
        share = r["forecast"] / r["target"] if r["target"] else None
        gap = r["target"] - r["forecast"]
        rows.append(
            [
                ind["name"],
                ind["measure"],
                Cell(r["target"], NUMBER, d),
                Cell(r["forecast"], NUMBER, d),
                share,
                Cell(max(gap, 0.0), NUMBER, d),
            ]
        )
        if gap > 0:
            sentences.append(
                f"{ind['name']}预计全年{_num(r['forecast'], d)}{ind['measure']}，较目标差{_num(gap, d)}{ind['measure']}"
            )
    if not rows:
        blocks.append(Para("暂无可预判的指标。"))
        return
    if sentences:
        blocks.append(Para("按目前进度测算，" + "；".join(sentences) + "，完成全年目标存在压力。"))
    else:
        blocks.append(Para("按目前进度测算，全市有年度目标的各项指标预计均可完成。"))
    at_risk = Counter(
        r["unit"] for r in ctx.snap["figures"] if r["unit"] != ctx.city and "AT_RISK" in (r["warnings"] or [])
    )
    if at_risk:
        names = "、".join(
            f"{ctx.unit_name(u)}（{n}项）" for u, n in sorted(at_risk.items(), key=lambda x: (-x[1], x[0]))
        )
        blocks.append(Para(f"预计难以完成年度目标的指标较多的单位有：{names}。"))
    blocks.append(
        Table(
            "全市主要指标全年预判",
            [
                Column("指标"),
                Column("单位"),
                Column("年度目标", NUMBER),
                Column("全年预计", NUMBER),
                Column("预计完成率", PERCENT, 1),
                Column("预计缺口", NUMBER),
            ],
            rows,
            sheet="全年预判",
            note="全年预计：累计指标按上年同期进度推算（无上年数据时按月均推算），存量及比值指标取当前水平。",
        )
    )


GROUP_NAMES = {"district": "区（县）", "zone": "园区"}


def assessment_section(ctx: Ctx, blocks: list) -> None:
    rec = ctx.record("assessment")
    reward = ctx.snap["plan"].get("reward") or {}
    top_n, minimum = reward.get("top_n"), reward.get("min_amount_wan")
    if top_n and minimum is not None:
        blocks.append(
            Para(
                f"按照年度工作要点，对真抓实干科技创新前{top_n}名的区（县、自治县）、高新区、开发区，"
                f"给予不低于{minimum:g}万元的科研项目经费专项补助。"
            )
        )
    if not rec.get("available"):
        blocks.append(Para("考核模块尚未启用，暂无考核结果。"))
        return
    run = rec.get("run")
    if run is None:
        blocks.append(Para(f"{ctx.year}年度考核尚未计算，暂无考核结果。"))
        return
    rows = rec["rows"]
    rewarded = [r for r in rows if r["reward"]]
    head = f"{ctx.year}年度考核（按{run['as_of_month']}月数据、截至{cn_date(run['as_of'])}督办情况，{cn_date(run['computed_on'])}计算）"
    if rewarded:
        names = "、".join(
            f"{ctx.unit_name(r['unit'])}（{GROUP_NAMES.get(r['group'], r['group'])}第{r['rank']}名"
            + (f"，奖补{r['reward_amount']:g}万元" if r["reward_amount"] is not None else "")
            + "）"
            for r in rewarded
        )
        blocks.append(Para(f"{head}，拟予奖补的单位为：{names}。"))
    else:
        blocks.append(Para(f"{head}，无拟予奖补的单位。"))
    lost = [ctx.unit_name(r["unit"]) for r in rows if r["no_post_subsidy"]]
    if lost:
        blocks.append(Para(f"全社会研发投入指导服务不到位、不予研发服务后补助的单位：{'、'.join(lost)}。"))
    blocks.append(
        Table(
            f"{ctx.year}年度考核结果",
            [
                Column("组别"),
                Column("排名", INTEGER),
                Column("单位"),
                Column("指标得分", NUMBER, 2),
                Column("督办得分", NUMBER, 2),
                Column("总分", NUMBER, 2),
                Column("奖补（万元）", NUMBER, 2),
            ],
            [
                [
                    GROUP_NAMES.get(r["group"], r["group"]),
                    r["rank"],
                    ctx.unit_name(r["unit"]),
                    r["indicator_part"],
                    r["followup_part"],
                    r["total"],
                    r["reward_amount"] if r["reward"] else None,
                ]
                for r in rows
            ],
            sheet="考核结果",
        )
    )


# ---------------------------------------------------------------------------------------------
# The kinds
# ---------------------------------------------------------------------------------------------


QUARTERS = "一二三四"


def title_of(kind: str, year: int, month: int) -> str:
    if kind == "monthly":
        return f"{year}年{month}月全市科技创新工作动态"
    if kind == "bulletin":
        return f"关于{year}年{period(month)}科技创新重点工作\n未按时按量按期完成情况的通报"
    if kind == "quarterly":
        return f"{year}年第{QUARTERS[(month - 1) // 3]}季度全市科技创新\n指标调度报告"
    if kind == "half-year":
        return f"{year}年{'上' if month <= 6 else '下'}半年全市科技创新工作小结"
    return f"{year}年全市科技创新工作总结"


def _monthly(ctx: Ctx, blocks: list) -> None:
    p = period(ctx.month)
    blocks.append(Para(f"现将{ctx.year}年{p}全市科技创新重点指标运行和重点工作推进情况汇总如下。"))
    blocks.append(Heading(1, "主要指标运行情况"))
    indicators_section(ctx, blocks)
    narrative(ctx, "work", blocks, _slot_heading("monthly", "work"))
    blocks.append(Heading(1, "各区（县）、园区指标完成情况"))
    units_section(ctx, blocks)
    blocks.append(Heading(1, "预警及处置情况"))
    warnings_section(ctx, blocks)
    blocks.append(Heading(1, "重点任务逾期事项"))
    items_section(ctx, blocks)
    blocks.append(Heading(1, "一月一报报送情况"))
    timeliness_section(ctx, blocks, months=[ctx.month])
    narrative(ctx, "next", blocks, _slot_heading("monthly", "next"))


def _bulletin(ctx: Ctx, blocks: list) -> None:
    p = period(ctx.month)
    rule = ctx.snap["plan"].get("bulletin_rule") or ""
    plan_title = ctx.snap["plan"].get("title") or ""
    basis = f"根据《{plan_title}》“{rule}”的要求，" if rule and plan_title else ""
    blocks.append(
        Para(
            f"{basis}现将{ctx.year}年{p}各区（县）、园区未按时、未按量、未按期完成科技创新重点工作的情况通报如下"
            f"（数据截至{cn_date(ctx.date)}）。"
        )
    )
    blocks.append(Heading(1, "未按时报送情况"))
    late = timeliness_section(ctx, blocks, months=list(range(1, ctx.month + 1)))
    if late:
        per_unit = Counter(t["unit"] for t in late)
        blocks.append(
            Para(
                "逾期报送或未报送的单位："
                + "、".join(
                    f"{ctx.unit_name(u)}（{n}次）"
                    for u, n in sorted(per_unit.items(), key=lambda x: (-x[1], x[0]))
                )
                + "。"
            )
        )
    blocks.append(Heading(1, "未按量完成情况"))
    behind = [
        r
        for r in ctx.snap["figures"]
        if r["unit"] != ctx.city and ({"BEHIND_SCHEDULE", "NEGATIVE_GROWTH"} & set(r["warnings"] or []))
    ]
    if not behind:
        blocks.append(Para(f"按{p}数据，各单位有年度目标的指标均未明显滞后于时序进度，且未出现负增长。"))
    else:
        units = {r["unit"] for r in behind}
        blocks.append(
            Para(
                f"按{p}数据，{len(units)}个单位的{len(behind)}项指标完成进度滞后于时序进度10个百分点以上或出现负增长。"
            )
        )
        rows = []
        for r in behind:
            ind = ctx.inds[r["indicator"]]
            d = _decimals(ind)
            gap = None
            if r["completion"] is not None and r["time_progress"] is not None:
                gap = (r["time_progress"] - r["completion"]) * 100
            rows.append(
                [
                    ctx.unit_name(r["unit"]),
                    ind["name"],
                    Cell(r["target"], NUMBER, d),
                    Cell(r["actual"], NUMBER, d),
                    r["completion"],
                    Cell(gap, POINTS, 1),
                    _yoy_cell(ind, r["yoy"]),
                ]
            )
        time_progress = next(
            (r["time_progress"] for r in behind if r["time_progress"] is not None), ctx.month / 12
        )
        blocks.append(
            prune(
                Table(
                    f"指标完成进度滞后或负增长情况（时序进度{_pct(time_progress)}）",
                    [
                        Column("单位"),
                        Column("指标"),
                        Column("年度目标", NUMBER),
                        Column(f"{p}完成", NUMBER),
                        Column("完成率", PERCENT, 1),
                        Column("滞后（百分点）", POINTS, 1),
                        Column("同比", PERCENT, 1),
                    ],
                    rows,
                    sheet="未按量完成",
                    note="比值指标的同比为增减百分点；全部为“—”的列不列出。",
                )
            )
        )
    blocks.append(Heading(1, "未按期完成情况"))
    items_section(ctx, blocks)
    orders_section(ctx, blocks)
    narrative(ctx, "requirements", blocks, _slot_heading("bulletin", "requirements"))


def _summary(kind: str):
    def compose_summary(ctx: Ctx, blocks: list) -> None:
        label = {
            "quarterly": f"第{QUARTERS[(ctx.month - 1) // 3]}季度",
            "half-year": "上半年" if ctx.month <= 6 else "下半年",
            "annual": "全年" if ctx.month == 12 else period(ctx.month),
        }[kind]
        blocks.append(
            Para(
                f"按照季度调度、半年小结、年度总结运行调度机制，现将{ctx.year}年{label}全市科技创新指标运行、"
                f"预警调度和重点任务推进情况报告如下（数据为{period(ctx.month)}，截至{cn_date(ctx.date)}）。"
            )
        )
        blocks.append(Heading(1, "主要指标运行情况"))
        indicators_section(ctx, blocks)
        blocks.append(Heading(2, "指标运行趋势"))
        trends_section(ctx, blocks)
        narrative(ctx, "work", blocks, _slot_heading(kind, "work"))
        blocks.append(Heading(1, "各区（县）、园区排位情况"))
        ranking_charts(ctx, blocks)
        units_section(ctx, blocks, by_rank=True)
        blocks.append(Heading(1, "年底预研预判"))
        forecast_section(ctx, blocks)
        blocks.append(Heading(1, "预警及调度情况"))
        warnings_section(ctx, blocks)
        meetings_section(ctx, blocks)
        blocks.append(Heading(1, "重点任务推进情况"))
        items_section(ctx, blocks)
        orders_section(ctx, blocks)
        blocks.append(Heading(1, "一月一报报送情况"))
        timeliness_section(ctx, blocks, months=ctx.snap["months"])
        blocks.append(Heading(1, "考核情况"))
        assessment_section(ctx, blocks)
        narrative(ctx, "problems", blocks, _slot_heading(kind, "problems"))
        narrative(ctx, "next", blocks, _slot_heading(kind, "next"))

    return compose_summary


COMPOSERS = {
    "monthly": _monthly,
    "bulletin": _bulletin,
    "quarterly": _summary("quarterly"),
    "half-year": _summary("half-year"),
    "annual": _summary("annual"),
}
ADDRESSEES = {"bulletin": "各区（县）科技主管部门，各园区管委会"}

# The masthead: the monthly bulletin is a 简报 (its own name in red, numbered by issue within the
# year); the others are documents of the bureau (机关名称+文件) numbered 铜科通〔2023〕3号 (通报)
# or 铜科报〔2023〕3号 (reports and summaries), the number given when the document is issued.
BRIEF_NAME = "科技创新工作动态"
SERIES = {"monthly": "期", "bulletin": "通", "quarterly": "报", "half-year": "报", "annual": "报"}
BLANK_NUMBER = "\u3000\u3000"  # a draft's number is left blank, to be filled when issued


def abbreviation(issuer: str) -> str:
    """The issuer's short form in document numbers: 铜仁市科学技术局 → 铜科."""
    if "科学技术局" in issuer or "科技局" in issuer:
        return issuer[:1] + "科"
    return issuer[:2]


def reference_of(kind: str, issuer: str, year: int, serial: int | None) -> str:
    """The document number: 铜科通〔2023〕3号, or 2023年第6期 for the monthly bulletin; the
    number blank where `serial` is None (a draft)."""
    n = BLANK_NUMBER if serial is None else str(serial)
    if SERIES[kind] == "期":
        return f"{year}年第{n}期"
    return f"{abbreviation(issuer)}{SERIES[kind]}〔{year}〕{n}号"


def masthead_of(kind: str, issuer: str, day: dt.date, reference: str) -> Masthead:
    if SERIES[kind] == "期":
        return Masthead(BRIEF_NAME, reference, left=f"{issuer}编", right=cn_date(day))
    return Masthead(f"{issuer}文件", reference)


def compose(snapshot: dict, narrative_texts: dict | None = None, reference: str = "") -> Content:
    """The document of a snapshot and the staff's narrative; `reference` is the number it was
    issued under (a draft has none: the number is left blank)."""
    ctx = Ctx.of(snapshot, narrative_texts)
    kind = snapshot["kind"]
    as_of = dt.datetime.fromisoformat(snapshot["as_of"])
    issuer = snapshot["plan"]["issuer"]
    reference = reference or reference_of(kind, issuer, ctx.date.year, None)
    content = Content(
        title=title_of(kind, ctx.year, ctx.month),
        issuer=issuer,
        date=ctx.date,
        masthead=masthead_of(kind, issuer, ctx.date, reference),
        imprint=Imprint(f"{issuer}办公室", ctx.date) if issuer else None,
        addressee=ADDRESSEES.get(kind, ""),
        subject=f"{KIND_NAMES[kind]}：{ctx.year}年{period(ctx.month)}",
        keywords=f"数据版本 {digest(snapshot)}",
        created=as_of.replace(tzinfo=None)
        if as_of.tzinfo is None
        else as_of.astimezone(dt.UTC).replace(tzinfo=None),
    )
    COMPOSERS[kind](ctx, content.blocks)
    return content
