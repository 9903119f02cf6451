"""Fonts: the names an official document asks for, with what stands in where they are absent,
and the CJK font file the server draws chart text with.

In the .docx a run names one font per script. The official ones (GB/T 9704: 小标宋 for the
title, 仿宋_GB2312 for the body, 黑体 and 楷体 for headings) are set as the East Asian font
(w:rFonts/@w:eastAsia), Times New Roman as the Latin one. Where the reader's machine lacks a font,
the font table of the file names an alternative (w:altName) and the GB2312 character set, so Word
and LibreOffice substitute a Chinese font of the same family (仿宋 for 仿宋_GB2312 on Windows 10,
Noto Serif CJK on Linux) instead of falling back to a Latin one."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

__all__ = ["FALLBACKS", "OFFICIAL", "FontProfile", "cjk_font", "CjkFont"]


@dataclass(frozen=True)
class FontProfile:
    title: str = "方正小标宋简体"  # 2号 (22 pt)
    body: str = "仿宋_GB2312"  # 3号 (16 pt)
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    latin: str = "Times New Roman"
    page_number: str = "宋体"  # 4号 half-width Arabic numerals


OFFICIAL = FontProfile()

# font → (the alternative named in the font table, family class, pitch): Word tries the
# alternative, then any installed font of that family with the GB2312 character set.
FALLBACKS: dict[str, tuple[str, str]] = {
    "方正小标宋简体": ("宋体", "roman"),
    "仿宋_GB2312": ("仿宋", "modern"),
    "黑体": ("SimHei", "modern"),
    "楷体_GB2312": ("楷体", "modern"),
    "宋体": ("SimSun", "roman"),
}


# ---------------------------------------------------------------------------------------------
# The CJK font for chart images
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CjkFont:
    path: str
    index: int  # the face within a collection (.ttc)


# Where a CJK font is usually found: Debian's fonts-noto-cjk, fonts-wqy-*, fonts-arphic-*,
# fonts-droid-fallback; Windows; macOS. A font bundled with the app (documents/fonts/) and the
# KECHUANG_CJK_FONT setting or environment variable come first.
_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
)
_BUNDLED = Path(__file__).resolve().parent.parent / "fonts"


def _configured() -> list[str]:
    named = getattr(settings, "KECHUANG_CJK_FONT", "") or os.environ.get("KECHUANG_CJK_FONT", "")
    return [named] if named else []


def _bundled() -> list[str]:
    if not _BUNDLED.is_dir():
        return []
    return sorted(str(p) for p in _BUNDLED.iterdir() if p.suffix.lower() in (".otf", ".ttf", ".ttc"))


def _fontconfig() -> list[str]:
    fc = shutil.which("fc-match")
    if fc is None:
        return []
    try:
        out = subprocess.run(  # noqa: S603 — a fixed argument list, no shell
            [fc, "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return [out.stdout.strip()] if out.stdout.strip() else []


def _glyph(font, char: str) -> tuple:
    mask = font.getmask(char)
    return (mask.size, bytes(mask))


def _draws_chinese(path: str) -> CjkFont | None:
    """The face of the file that has Chinese glyphs (the SC face of a Pan-CJK collection when
    there is one), or None."""
    try:
        from PIL import ImageFont
    except ImportError:
        return None
    faces = []
    for index in range(8):
        try:
            font = ImageFont.truetype(path, 24, index=index)
        except OSError:
            break
        faces.append((index, font))
        if not path.lower().endswith(".ttc"):
            break
    drawing = []
    for index, font in faces:
        # A font without the glyph draws its .notdef box for both characters alike.
        if _glyph(font, "中") == _glyph(font, "\ue000"):
            continue
        family = " ".join(font.getname() or ())
        drawing.append((" SC" not in family, "Mono" in family, index))
    if not drawing:
        return None
    return CjkFont(path, min(drawing)[2])


@functools.cache
def cjk_font() -> CjkFont | None:
    """The first usable CJK font, or None (chart text is then not drawable; see charts.py)."""
    for path in [*_configured(), *_bundled(), *_CANDIDATES, *_fontconfig()]:
        if path and Path(path).is_file():
            found = _draws_chinese(path)
            if found is not None:
                return found
    return None
