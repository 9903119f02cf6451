"""Heading numbers of an official document (GB/T 9704—2012 §7.3.3): 一、 （一） 1. （1）, each
level counted within the one above it. The numbers are text in the heading, as officials type
them, not Word list numbering, so they survive copying into any other document."""

from __future__ import annotations

__all__ = ["HeadingCounter", "cn_number", "heading_label"]

_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 99 → 九十九 (1–99)."""
    if not 1 <= n <= 99:
        raise ValueError(f"heading numbers run from 1 to 99, not {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def heading_label(level: int, n: int) -> str:
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"official documents have four heading levels, not {level}")


class HeadingCounter:
    """Hands out the next label of a level; a heading restarts the count of the levels below."""

    def __init__(self) -> None:
        self.counts = [0, 0, 0, 0]

    def next(self, level: int) -> str:
        if not 1 <= level <= 4:
            raise ValueError(f"official documents have four heading levels, not {level}")
        self.counts[level - 1] += 1
        for deeper in range(level, 4):
            self.counts[deeper] = 0
        return heading_label(level, self.counts[level - 1])
