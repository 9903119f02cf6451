"""The units of the plan (CONTRACTS.md "Units"): the city, its 10 districts (GB/T 2260), and the
zones ranked beside them in a separate group.

Zones are parks, not administrative divisions (national-rules.md §7): their codes are the host
district's GB/T 2260 code plus a suffix, so they can never be mistaken for a GB/T 2260 code.
碧江高新区 and 铜仁高新区 are one zone under two names (CONTRACTS.md lists them with a slash;
§7 finds no source for a separate 碧江高新区)."""

from __future__ import annotations

CITY_CODE = "520600"

# (code, name, short login, kind, host district for zones)
UNITS: list[tuple[str, str, str, str, str | None]] = [
    (CITY_CODE, "铜仁市", "tongren", "city", None),
    ("520602", "碧江区", "bijiang", "district", None),
    ("520603", "万山区", "wanshan", "district", None),
    ("520621", "江口县", "jiangkou", "district", None),
    ("520622", "玉屏侗族自治县", "yuping", "district", None),
    ("520623", "石阡县", "shiqian", "district", None),
    ("520624", "思南县", "sinan", "district", None),
    ("520625", "印江土家族苗族自治县", "yinjiang", "district", None),
    ("520626", "德江县", "dejiang", "district", None),
    ("520627", "沿河土家族自治县", "yanhe", "district", None),
    ("520628", "松桃苗族自治县", "songtao", "district", None),
    ("520602-GX", "铜仁高新区(碧江高新区)", "gaoxin", "zone", "520602"),
    ("520622-DL", "大龙经济开发区", "dalong", "zone", "520622"),
]

DISTRICT_CODES = [code for code, _n, _s, kind, _h in UNITS if kind == "district"]
ZONE_CODES = [code for code, _n, _s, kind, _h in UNITS if kind == "zone"]
