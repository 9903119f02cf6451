"""The units of the plan (CONTRACTS.md "Units"): the city, its 10 districts (GB/T 2260), and the
zones ranked beside them in a separate group (codes of our choosing, outside GB/T 2260's range
for Tongren's counties)."""

from __future__ import annotations

CITY_CODE = "520600"

# (code, name, short login, kind)
UNITS: list[tuple[str, str, str, str]] = [
    (CITY_CODE, "铜仁市", "tongren", "city"),
    ("520602", "碧江区", "bijiang", "district"),
    ("520603", "万山区", "wanshan", "district"),
    ("520621", "江口县", "jiangkou", "district"),
    ("520622", "玉屏侗族自治县", "yuping", "district"),
    ("520623", "石阡县", "shiqian", "district"),
    ("520624", "思南县", "sinan", "district"),
    ("520625", "印江土家族苗族自治县", "yinjiang", "district"),
    ("520626", "德江县", "dejiang", "district"),
    ("520627", "沿河土家族自治县", "yanhe", "district"),
    ("520628", "松桃苗族自治县", "songtao", "district"),
    ("520690", "铜仁高新区", "gaoxin", "zone"),
    ("520691", "碧江高新区", "bjgaoxin", "zone"),
    ("520692", "大龙经济开发区", "dalong", "zone"),
]

DISTRICT_CODES = [code for code, _n, _s, kind in UNITS if kind == "district"]
