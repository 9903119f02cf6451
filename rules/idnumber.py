"""公民身份号码 validation — GB 11643-1999 (national-rules.md §6).

`validate` checks one number, `validate_batch` many at once with numpy (same answers, proved by
the tests). An 18-character number is a 6-digit address code (GB/T 2260 county of household
registration), the birth date YYYYMMDD, a 3-digit sequence (odd = male) and a check character
from ISO 7064 MOD 11-2. A lowercase `x` is accepted and normalised to `X`.

The address code never changes when divisions are re-coded, so people registered in Tongren
before the 2011 reform carry the old 铜仁地区 5222xx codes (§7). `tongren_district` maps both the
old and the current codes to today's district, never rejecting an old one.

Reasons, in the order they are checked: LENGTH, CHARSET, REGION (no such province code), BIRTH_DATE
(not a calendar date, before 1900 or after `today`), CHECK_DIGIT.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np

__all__ = [
    "CHECK_CHARS",
    "OLD_TONGREN",
    "PROVINCES",
    "WEIGHTS",
    "birth_date",
    "check_char",
    "is_male",
    "mask",
    "normalise",
    "tongren_district",
    "validate",
    "validate_batch",
]

# §6: weights 2^(18−i) mod 11 for positions 1–17; check character "10X98765432"[Σ mod 11].
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

# GB/T 2260 province-level codes (the first two digits); 71 台湾, 81 香港, 82 澳门 and 83 for the
# residence permits of Taiwan residents, which use the same number format.
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)

# §7: the 铜仁地区 codes before 国函〔2011〕131号 and the current district each maps to. 522201
# (县级铜仁市) also covered three townships now in 万山区; the ID alone cannot tell them apart, so
# it maps to 碧江区, the larger successor.
OLD_TONGREN = {
    "522200": "520600",
    "522201": "520602",
    "522230": "520603",
    "522222": "520621",
    "522223": "520622",
    "522224": "520623",
    "522225": "520624",
    "522226": "520625",
    "522227": "520626",
    "522228": "520627",
    "522229": "520628",
}
CURRENT_TONGREN = frozenset({"520600", "520602", "520603", *(f"5206{n}" for n in range(21, 29))})

_MIN_BIRTH = 19000101


def normalise(code: str | None) -> str:
    """Trimmed, with a lowercase check character `x` made `X` (§6)."""
    code = (code or "").strip()
    return code[:-1] + "X" if code.endswith("x") else code


def check_char(first17: str) -> str:
    """The 18th character for 17 digits: "10X98765432"[Σ dᵢ·wᵢ mod 11]."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _today_int(today: dt.date | None) -> int:
    today = today or dt.date.today()
    return today.year * 10000 + today.month * 100 + today.day


def validate(code: str | None, *, today: dt.date | None = None) -> tuple[bool, str | None]:
    """(True, None) or (False, reason); see the module docstring for the reasons."""
    code = normalise(code)
    if len(code) != 18:
        return False, "LENGTH"
    if not (code[:17].isascii() and code[:17].isdigit()) or code[17] not in "0123456789X":
        return False, "CHARSET"
    if int(code[:2]) not in PROVINCES:
        return False, "REGION"
    born = int(code[6:14])
    try:
        dt.date(born // 10000, born // 100 % 100, born % 100)
    except ValueError:
        return False, "BIRTH_DATE"
    if not _MIN_BIRTH <= born <= _today_int(today):
        return False, "BIRTH_DATE"
    if check_char(code[:17]) != code[17]:
        return False, "CHECK_DIGIT"
    return True, None


def tongren_district(code: str | None) -> str | None:
    """The current GB/T 2260 code of the Tongren district the number was issued in (old 5222xx
    codes mapped to today's districts), or None for a number from elsewhere."""
    area = normalise(code)[:6]
    if area in CURRENT_TONGREN:
        return area
    return OLD_TONGREN.get(area)


def birth_date(code: str) -> dt.date:
    code = normalise(code)
    return dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))


def is_male(code: str) -> bool:
    """§6: the sequence number is odd for a man, even for a woman."""
    return int(normalise(code)[16]) % 2 == 1


def mask(code: str | None) -> str:
    """The first 4 and last 4 characters, the rest as stars (security.md #28):
    520602199001010015 → 5206**********0015. A short value is starred whole."""
    code = normalise(code)
    if len(code) < 10:
        return "*" * len(code)
    return code[:4] + "*" * (len(code) - 8) + code[-4:]


# numpy twins -------------------------------------------------------------------------------

_WEIGHTS = np.array(WEIGHTS, dtype=np.int64)
_CHECK_VALUES = np.array([ord(c) for c in CHECK_CHARS], dtype=np.uint32)
_PROVINCE_OK = np.zeros(100, dtype=bool)
_PROVINCE_OK[list(PROVINCES)] = True
_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def validate_batch(
    codes: Iterable[str | None], *, today: dt.date | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """`validate` over many numbers: (ok, reasons), a bool array and a str array holding "" for a
    valid number, else the reason `validate` gives. None counts as ""."""
    codes = [normalise(c) for c in codes]
    n = len(codes)
    if n == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype="<U11")
    lengths = np.fromiter(map(len, codes), dtype=np.int64, count=n)
    # Fixed-width UCS-4, one row per number (longer ones are cut, but they fail on LENGTH).
    points = np.array(codes, dtype="<U18").view(np.uint32).reshape(n, 18).astype(np.int64)
    digits = points - ord("0")
    is_digit = (digits >= 0) & (digits <= 9)
    charset_ok = is_digit[:, :17].all(axis=1) & (is_digit[:, 17] | (points[:, 17] == ord("X")))
    d = np.where(is_digit, digits, 0)
    province = d[:, 0] * 10 + d[:, 1]
    region_ok = _PROVINCE_OK[province]
    year = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
    month = d[:, 10] * 10 + d[:, 11]
    day = d[:, 12] * 10 + d[:, 13]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    days = np.where((month == 2) & ~leap, 28, _DAYS[np.clip(month, 0, 12)])
    born = year * 10000 + month * 100 + day
    date_ok = month_ok & (day >= 1) & (day <= days) & (born >= _MIN_BIRTH) & (born <= _today_int(today))
    total = (d[:, :17] * _WEIGHTS).sum(axis=1)
    check_ok = _CHECK_VALUES[total % 11] == points[:, 17]
    reasons = np.select(
        [lengths != 18, ~charset_ok, ~region_ok, ~date_ok, ~check_ok],
        ["LENGTH", "CHARSET", "REGION", "BIRTH_DATE", "CHECK_DIGIT"],
        default="",
    )
    return reasons == "", reasons
