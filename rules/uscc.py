"""统一社会信用代码 validation — GB 32100-2015 (national-rules.md §5).

Per-record path. The outer check character (§5.2, ISO 7064 MOD 31-3) is a hard failure; the inner
GB 11714 organisation-code check (§5.3) is reported as a warning only, as §5.3 recommends.
"""

from __future__ import annotations

__all__ = ["CHARSET", "WEIGHTS", "check_char", "inner_check_ok", "validate"]

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
