"""统一社会信用代码 validation — GB 32100-2015 (national-rules.md §5).

`validate` checks one code, `validate_batch` many at once with numpy (same answers). The outer check character (§5.2, ISO 7064 MOD 31-3) is a hard failure; the inner
GB 11714 organisation-code check (§5.3) is reported as a warning only, as §5.3 recommends.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = ["CHARSET", "WEIGHTS", "check_char", "inner_check_ok", "validate", "validate_batch"]

# §5.2: 31 characters, I O Z S V excluded; value = index.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
# §5.2: weights 3^(i-1) mod 31 for positions 1–17.
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# §5.3: GB 11714 weights for the first 8 characters of the organisation code.
_INNER_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_char(first17: str) -> str:
    """The 18th character for 17 valid leading characters (§5.2: C18 = charset[(31 − Σ mod 31) mod 31])."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate(code: str) -> tuple[bool, str | None]:
    """(True, None) or (False, reason) with reason one of LENGTH, CHARSET, CHECK_DIGIT."""
    if len(code) != 18:
        return False, "LENGTH"
    if any(c not in _VALUE for c in code) or not code[2:8].isdigit():
        return False, "CHARSET"
    if check_char(code[:17]) != code[17]:
        return False, "CHECK_DIGIT"
    return True, None


def inner_check_ok(code: str) -> bool:
    """GB 11714 check of positions 9–17 (§5.3); a failure is a warning, never a rejection."""
    org = code[8:17]
    if len(org) != 9:
        return False
    try:
        total = sum(int(c, 36) * w for c, w in zip(org[:8], _INNER_WEIGHTS, strict=True))
    except ValueError:
        return False
    c9 = 11 - total % 11
    expected = "X" if c9 == 10 else "0" if c9 == 11 else str(c9)
    return org[8] == expected


# Value of each ASCII code point in CHARSET, −1 for the rest; index 128 stands for every code
# point above ASCII, none of which is valid.
_ASCII_VALUE = np.full(129, -1, dtype=np.int8)
for _value, _char in enumerate(CHARSET):
    _ASCII_VALUE[ord(_char)] = _value
_WEIGHTS = np.array(WEIGHTS, dtype=np.int32)


def validate_batch(codes: Iterable[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """`validate` over many codes: (ok, reasons), a bool array and a str array holding "" for a
    valid code, else LENGTH, CHARSET or CHECK_DIGIT as `validate` gives; None counts as ""."""
    codes = ["" if c is None else c for c in codes]
    n = len(codes)
    lengths = np.fromiter(map(len, codes), dtype=np.int64, count=n)
    # Fixed-width UCS-4 (longer codes are cut, but they already fail on LENGTH), one row per code.
    points = np.array(codes, dtype="<U18").view(np.uint32).reshape(n, 18)
    values = _ASCII_VALUE[np.minimum(points, 128)]
    # §5.2: every character in CHARSET, positions 3–8 (registration area code) digits only.
    charset_ok = (values >= 0).all(axis=1) & (values[:, 2:8] < 10).all(axis=1)
    # §5.2: C18 = CHARSET[(31 − Σ value × weight mod 31) mod 31].
    total = values[:, :17].astype(np.int32) @ _WEIGHTS
    check_ok = (31 - total % 31) % 31 == values[:, 17]
    reasons = np.where(
        lengths != 18,
        "LENGTH",
        np.where(~charset_ok, "CHARSET", np.where(~check_ok, "CHECK_DIGIT", "")),
    )
    return reasons == "", reasons
