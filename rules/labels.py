"""Chinese header labels accepted for the evaluation inputs (CONTRACTS.md: "with the English column
names below or their Chinese labels"), as `aliases` for kechuang.tabular.read_table.

Spreadsheets often carry the unit in the header, so each label is also accepted followed by its
unit in ASCII or full-width brackets, e.g. 销售收入(万元) and 销售收入（万元）.
"""

from __future__ import annotations

__all__ = ["HTE_ALIASES", "TSME_ALIASES"]

_YEAR_WORDS = {1: "第一年", 2: "第二年", 3: "第三年"}


def _labels(*names: str, unit: str = "") -> tuple[str, ...]:
    if not unit:
        return names
    return tuple(f"{name}{suffix}" for name in names for suffix in ("", f"({unit})", f"（{unit}）"))


def _yearly(column: str, names: tuple[str, ...], unit: str = "") -> dict[str, tuple[str, ...]]:
    """revenue_1 ← 第一年销售收入 / 销售收入1 / 销售收入_1, and so on for years 1–3."""
    return {
        f"{column}_{year}": _labels(
            *(f"{word}{name}" for name in names),
            *(f"{name}{year}" for name in names),
            *(f"{name}_{year}" for name in names),
            unit=unit,
        )
        for year, word in _YEAR_WORDS.items()
    }


_COMMON = {
    "id": ("编号", "序号", "企业编号", "ID"),
    "employees": _labels("职工总数", "从业人员", "从业人员数", "职工人数", unit="人"),
    "st_staff": _labels("科技人员", "科技人员数", unit="人"),
    "ip_class1": _labels(
        "I类知识产权", "Ⅰ类知识产权", "一类知识产权", "I类知识产权数", "Ⅰ类知识产权数", unit="件"
    ),
    "ip_class2": _labels(
        "II类知识产权", "Ⅱ类知识产权", "二类知识产权", "II类知识产权数", "Ⅱ类知识产权数", unit="件"
    ),
}

TSME_ALIASES: dict[str, tuple[str, ...]] = {
    **_COMMON,
    "revenue": _labels("销售收入", "年销售收入", "销售收入总额", "营业收入", unit="万元"),
    "total_assets": _labels("资产总额", unit="万元"),
    "rd_expense": _labels("研发费用", "研发费用总额", "研究开发费用", unit="万元"),
    "total_cost": _labels("成本费用总额", "成本费用支出总额", unit="万元"),
    "restricted_industry": ("限制类行业", "禁止限制淘汰类", "负面清单行业"),
    "incident": ("重大事故或失信", "重大事故", "严重失信"),
    "hte_valid": ("有效高新技术企业", "高新技术企业", "高企有效"),
    "national_award_top3": ("国家级科技奖励前三", "国家科技奖前三"),
    "provincial_rd_institution": ("省部级以上研发机构", "省部级研发机构"),
    "led_standard": ("主导制定标准", "牵头制定标准"),
}

HTE_ALIASES: dict[str, tuple[str, ...]] = {
    **_COMMON,
    "registered": ("注册日期", "成立日期", "注册时间"),
    "apply_date": ("申报日期", "申请日期"),
    "ht_domain": ("技术领域", "高新技术领域"),
    **_yearly("revenue", ("销售收入",), unit="万元"),
    **_yearly("rd", ("研发费用",), unit="万元"),
    "rd_domestic": _labels("境内研发费用", unit="万元"),
    "ht_income": _labels(
        "高新技术产品（服务）收入", "高新技术产品(服务)收入", "高新技术产品收入", unit="万元"
    ),
    "total_income": _labels("总收入", "同期总收入", unit="万元"),
    "incident": ("重大安全质量事故或环境违法", "重大事故"),
    "tech_grade": ("技术先进程度",),
    "support_grade": ("核心支持作用",),
    "ip_source": ("知识产权获得方式",),
    "standard_bonus": ("参与编制标准",),
    **_yearly("transfers", ("成果转化数",), unit="项"),
    "rd_mgmt": ("研发组织管理水平",),
    **_yearly("net_assets", ("净资产",), unit="万元"),
}
