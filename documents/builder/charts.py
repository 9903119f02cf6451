"""Trend and ranking charts as PNG images for the documents, drawn on the server with Pillow
(one small, well-kept package: no plotting stack, no browser).

Chinese text needs a CJK font file (fonts.cjk_font: Debian's fonts-noto-cjk, a bundled font or
KECHUANG_CJK_FONT). Without Pillow or without such a font no chart is drawn: `chart_problem()`
says why in a sentence the document prints where the chart would be, and the figures behind every
chart are in the document's tables anyway. Images are drawn at twice their size and scaled down
(smooth lines without anti-aliasing support in Pillow's line drawing); PNGs carry no timestamp, so
the same figures give the same bytes."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from documents.builder.fonts import cjk_font

__all__ = ["ChartUnavailable", "bar_chart", "chart_problem", "line_chart", "nice_ticks"]

S = 2  # supersampling factor
WIDTH = 1500
COLORS = ["#c00000", "#1f4e79", "#7f7f7f", "#548235", "#bf8f00"]
GRID = "#d9d9d9"
AXIS = "#404040"
TEXT = "#1a1a1a"


class ChartUnavailable(Exception):
    """No chart can be drawn here; the message is the sentence the document prints instead."""


def chart_problem() -> str | None:
    """None when charts can be drawn, else why not (in the documents' language)."""
    try:
        import PIL  # noqa: F401
    except ImportError:
        return "服务器未安装绘图组件（Pillow），未生成图片，数据见相应表格"
    if cjk_font() is None:
        return "服务器未安装中文字体（如 fonts-noto-cjk），未生成图片，数据见相应表格"
    return None


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2, 2.5 or 5 × 10^k, 0 included."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1.0
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step + 1e-9) * step
    ticks = [round(start, 10)]
    while ticks[-1] < high - 1e-12:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _label(value: float, percent: bool = False) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


class _Canvas:
    def __init__(self, width: int, height: int):
        font = cjk_font()
        problem = chart_problem()
        if problem is not None or font is None:
            raise ChartUnavailable(problem or "")
        from PIL import Image, ImageDraw, ImageFont

        self._font = font
        self._truetype = ImageFont.truetype
        self.size = (width, height)
        self.image = Image.new("RGB", (width * S, height * S), "white")
        self.draw = ImageDraw.Draw(self.image)
        self._cache: dict[int, object] = {}

    def font(self, px: int):
        if px not in self._cache:
            self._cache[px] = self._truetype(self._font.path, px * S, index=self._font.index)
        return self._cache[px]

    def text(self, xy, text: str, px: int = 22, fill: str = TEXT, anchor: str = "la") -> None:
        self.draw.text((xy[0] * S, xy[1] * S), text, font=self.font(px), fill=fill, anchor=anchor)

    def text_width(self, text: str, px: int = 22) -> float:
        return self.draw.textlength(text, font=self.font(px)) / S

    def line(self, points, fill: str, width: float = 2) -> None:
        self.draw.line([(x * S, y * S) for x, y in points], fill=fill, width=max(1, round(width * S)))

    def rect(self, box, fill: str) -> None:
        x0, y0, x1, y1 = box
        self.draw.rectangle([x0 * S, y0 * S, x1 * S, y1 * S], fill=fill)

    def dot(self, xy, r: float, fill: str) -> None:
        x, y = xy
        self.draw.ellipse([(x - r) * S, (y - r) * S, (x + r) * S, (y + r) * S], fill=fill)

    def png(self) -> bytes:
        from PIL import Image

        small = self.image.resize(self.size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        small.save(out, "PNG", optimize=True)
        return out.getvalue()


def _legend(canvas: _Canvas, items: Sequence[tuple[str, str]], right: float, y: float) -> None:
    x = right
    for label, color in reversed(items):
        w = canvas.text_width(label, 20)
        x -= w
        canvas.text((x, y), label, 20, anchor="lm")
        x -= 36
        canvas.line([(x, y), (x + 26, y)], color, 4)
        x -= 24


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    unit: str,
    height: int = 760,
) -> bytes:
    """Lines over the months (this year against last year); None leaves a gap."""
    canvas = _Canvas(WIDTH, height)
    values = [v for _label_, vs in series for v in vs if v is not None]
    ticks = nice_ticks(min(values, default=0.0), max(values, default=1.0))
    left, right, top, bottom = 120, WIDTH - 40, 120, height - 80
    canvas.text((WIDTH / 2, 40), title, 30, anchor="mm")
    canvas.text((left - 12, top - 28), unit, 20, anchor="rm")
    _legend(canvas, [(label, COLORS[i % len(COLORS)]) for i, (label, _v) in enumerate(series)], right, 84)
    lo, hi = ticks[0], ticks[-1]

    def y_of(v: float) -> float:
        return bottom - (v - lo) / (hi - lo) * (bottom - top)

    n = max(len(x_labels), 1)
    step = (right - left) / n

    def x_of(i: int) -> float:
        return left + step * (i + 0.5)

    for t in ticks:
        y = y_of(t)
        canvas.line([(left, y), (right, y)], GRID, 1)
        canvas.text((left - 12, y), _label(t), 20, anchor="rm")
    canvas.line([(left, bottom), (right, bottom)], AXIS, 2)
    canvas.line([(left, top), (left, bottom)], AXIS, 2)
    for i, label in enumerate(x_labels):
        canvas.text((x_of(i), bottom + 14), label, 20, anchor="ma")
    for k, (_name, vs) in enumerate(series):
        color = COLORS[k % len(COLORS)]
        run: list[tuple[float, float]] = []
        for i, v in enumerate(vs):
            if v is None:
                if len(run) > 1:
                    canvas.line(run, color, 4 if k == 0 else 3)
                run = []
                continue
            run.append((x_of(i), y_of(v)))
        if len(run) > 1:
            canvas.line(run, color, 4 if k == 0 else 3)
        for i, v in enumerate(vs):
            if v is not None:
                canvas.dot((x_of(i), y_of(v)), 6 if k == 0 else 4.5, color)
    return canvas.png()


def bar_chart(
    *,
    title: str,
    items: Sequence[tuple[str, float | None]],
    percent: bool = False,
    reference: float | None = None,
    reference_label: str = "",
) -> bytes:
    """Horizontal bars in the order given (a ranking), a value at each bar's end, and an optional
    reference line (the elapsed share of the year against completion rates)."""
    rows = max(len(items), 1)
    bar, gap = 34, 18
    top = 120
    height = top + rows * (bar + gap) + 70
    canvas = _Canvas(WIDTH, height)
    names_w = max([canvas.text_width(name, 20) for name, _v in items] + [60])
    left, right = 40 + names_w + 16, WIDTH - 120
    values = [v for _n, v in items if v is not None]
    if reference is not None:
        values.append(reference)
    ticks = nice_ticks(min(values, default=0.0), max(values, default=1.0))
    lo, hi = ticks[0], ticks[-1]

    def x_of(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (right - left)

    canvas.text((WIDTH / 2, 40), title, 30, anchor="mm")
    bottom = top + rows * (bar + gap)
    for t in ticks:
        x = x_of(t)
        canvas.line([(x, top - 10), (x, bottom)], GRID, 1)
        canvas.text((x, bottom + 12), _label(t, percent), 18, anchor="ma")
    zero = x_of(0.0)
    labels = []
    for i, (name, value) in enumerate(items):
        y = top + i * (bar + gap)
        canvas.text((left - 16, y + bar / 2), name, 20, anchor="rm")
        if value is None:
            labels.append(((zero + 8, y + bar / 2), "无数据", "#7f7f7f"))
            continue
        x = x_of(value)
        canvas.rect((min(zero, x), y, max(zero, x), y + bar), COLORS[1] if value >= 0 else COLORS[0])
        text = _label(value, percent) if percent else f"{value:.2f}"
        labels.append(((max(zero, x) + 8, y + bar / 2), text, TEXT))
    canvas.line([(zero, top - 10), (zero, bottom)], AXIS, 2)
    if reference is not None:
        x = x_of(reference)
        canvas.line([(x, top - 24), (x, bottom)], COLORS[0], 3)
        canvas.text(
            (x, top - 30), f"{reference_label} {_label(reference, percent)}", 20, fill=COLORS[0], anchor="md"
        )
    for xy, text, color in labels:  # over the reference line
        canvas.text(xy, text, 18, fill=color, anchor="lm")
    return canvas.png()
