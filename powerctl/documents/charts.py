"""Bar charts of the 清理情况统计 and the 电子监察 page, drawn here as SVG.

One drawing per chart, used everywhere it appears: inline in the sites (with a <title> for screen readers and
the same numbers in a table beside it), and as a PNG in the DOCX report, drawn from that very SVG by librsvg
(`drawing.pool.picture_png`, the one path of these pictures). The SVG keeps to plain shapes: polygons and lines
of text with their paint as attributes (no CSS classes, no <rect>). Horizontal bars, so that long
Chinese names stay readable; each bar's value is written at its end. Same numbers, same bytes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from powerctl.catalogue.config import DEFAULT_FONT

FONT = DEFAULT_FONT
BAR = "#2f5597"
LATE = "#b91c1c"
TEXT = "#1f2937"
GREY = "#4b5563"  # AA on white (7.6:1)
RULE = "#d1d5db"
LEVEL_COLOURS = {"高": "#b91c1c", "中": "#a16207", "低": "#2f5597"}
_SIZE = 13  # label text, px
_ROW = 26
_TOP = 34  # room for the heading
_AXIS = 24
_PLOT = 360
_LABEL_LIMIT = 16  # characters: longer labels end in …


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # written at the bar's end: "12 项", "93.3%（14/15）"
    colour: str = BAR


@dataclass(frozen=True)
class Chart:
    ident: str  # unique in its page: the id of its <title>
    title: str
    bars: tuple[Bar, ...]
    scale: float | None = None  # the value of a full bar (1.0 for rates); None: the largest value

    @property
    def empty(self) -> bool:
        return not self.bars


def _width(text: str, size: float) -> float:
    """The advance of a line of text, about: wide (CJK) characters one em, others a little over half."""
    return sum(1.05 * size if unicodedata.east_asian_width(ch) in "WF" else 0.62 * size for ch in text)


def _round_up(top: float) -> float:
    """A full bar's value for counts up to `top`: twice a step of 1 to 8 × 10ⁿ, so that the marks at 0, half
    and full are round numbers (5 → 6, 9 → 10, 14 → 16, 230 → 400)."""
    magnitude = 1.0
    while True:
        for m in (1, 2, 3, 4, 5, 6, 8):
            if 2 * m * magnitude >= top:
                return 2 * m * magnitude
        magnitude *= 10


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_LIMIT else text[: _LABEL_LIMIT - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _box(x: float, y: float, w: float, h: float, fill: str) -> str:
    x2, y2 = _number(x + w), _number(y + h)
    xs, ys = _number(x), _number(y)
    return f'<polygon fill="{fill}" stroke="none" points="{xs},{ys} {x2},{ys} {x2},{y2} {xs},{y2}"/>'


def _text(x: float, y: float, text: str, size: float, fill: str, anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" font-family="{FONT}" font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}"{weight}>{escape(text)}</text>'
    )


def svg(chart: Chart) -> str:
    """The chart as a standalone SVG document (px sizes), or "" when it has no bars."""
    if chart.empty:
        return ""
    labels = [_short(b.label) for b in chart.bars]
    label_w = max(_width(t, _SIZE) for t in labels) + 20
    value_w = max(_width(b.text, 12) for b in chart.bars) + 12
    width = round(label_w + _PLOT + value_w + 8)
    height = _TOP + _ROW * len(chart.bars) + _AXIS
    scale = chart.scale if chart.scale is not None else _round_up(max(b.value for b in chart.bars))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}px" height="{height}px" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart.ident}">',
        f'<title id="{chart.ident}">{escape(chart.title)}</title>',
        _box(0, 0, width, height, "#ffffff"),
        _text(4, 20, chart.title, 15, TEXT, bold=True),
    ]
    base = label_w
    bottom = _TOP + _ROW * len(chart.bars)
    for share in (0.0, 0.5, 1.0):
        x = base + _PLOT * share
        parts.append(f'<polyline fill="none" stroke="{RULE}" stroke-width="1" points="{_number(x)},{_TOP - 4} '
                     f'{_number(x)},{bottom}"/>')  # fmt: skip
        mark = f"{share * 100:.0f}%" if chart.scale == 1.0 else _number(scale * share)
        parts.append(_text(x, bottom + 16, mark, 11, GREY, "middle"))
    for i, (bar, label) in enumerate(zip(chart.bars, labels, strict=True)):
        y = _TOP + i * _ROW
        length = _PLOT * max(0.0, min(bar.value / scale, 1.0)) if scale else 0.0
        parts.append(_text(base - 8, y + 17, label, _SIZE, TEXT, "end"))
        if length > 0:
            parts.append(_box(base, y + 4, length, _ROW - 8, bar.colour))
        parts.append(_text(base + length + 6, y + 17, bar.text, 12, TEXT))
    parts.append("</svg>")
    return "".join(parts)


def inline(chart: Chart) -> Markup:
    """The chart for an HTML page (its text escaped as it was drawn)."""
    return Markup(svg(chart))


def counts(ident: str, title: str, values: Sequence[tuple[str, int]], unit: str = "项") -> Chart:
    """Bars of counts, in the order given."""
    return Chart(ident, title, tuple(Bar(label, float(n), f"{n} {unit}") for label, n in values))


def levels(ident: str, title: str, values: Sequence[tuple[str, int]]) -> Chart:
    """Risk points by level, each level in its colour."""
    return Chart(
        ident, title, tuple(Bar(f"{k}风险", float(n), f"{n} 个", LEVEL_COLOURS.get(k, BAR)) for k, n in values)
    )


def rates(ident: str, title: str, values: Sequence[tuple[str, int, int, bool]]) -> Chart:
    """Shares (label, on time, closed, flagged red): a full bar is 100 %; a red one where a case ran late."""
    bars = tuple(
        Bar(label, done / closed, f"{done / closed * 100:.1f}%（{done}/{closed}）", LATE if red else BAR)
        for label, done, closed, red in values
        if closed
    )
    return Chart(ident, title, bars, scale=1.0)
