"""电子监察: the internal site's page of how the unit's powers ran (`records/`), beside its catalogue.

Red and yellow cards first (the cases a reviewer must look at), then each power's on-time rate as a bar chart
drawn here as inline SVG (no script, no network; the same numbers are in the table below it, for screen
readers and for print), the steps most often over their days, and for a village the 三签字 and 五必到 counts.
Internal only: the page names cases, and the records behind it hold people's names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from powerctl.domain.operation import PowerCount, UnitOperation, sentence

PAGE = "monitor.html"
_BAR = 320  # px: a rate of 100 %
_ROW = 26
_LABEL = 300


@dataclass(frozen=True)
class MonitorPage:
    summary: str
    red: list[dict[str, Any]]
    yellow: list[dict[str, Any]]
    chart: Markup
    powers: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    expenses: tuple[int, int]
    meetings: tuple[int, int]
    today: str
    listed_all: bool  # the flagged lists hold every flagged case (not only the most overdue)


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chart(powers: list[PowerCount]) -> Markup:
    """Horizontal bars: each power's share of closed cases closed on time."""
    shown = [p for p in powers if p.closed]
    if not shown:
        return Markup("")
    height = _ROW * len(shown) + 40
    width = _LABEL + _BAR + 120
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" role="img" aria-labelledby="chart-title" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        '<title id="chart-title">各职权按期办结率（已办结办件中在承诺时限内办结的比例）</title>',
    ]
    for x, label in ((0, "0%"), (_BAR // 2, "50%"), (_BAR, "100%")):
        parts.append(f'<line x1="{_LABEL + x}" y1="4" x2="{_LABEL + x}" y2="{height - 24}" class="grid"/>')
        parts.append(f'<text x="{_LABEL + x}" y="{height - 8}" class="axis">{label}</text>')
    for i, p in enumerate(shown):
        y = 8 + i * _ROW
        rate = p.on_time_rate or 0.0
        name = escape(_short(p.name))
        parts.append(f'<text x="{_LABEL - 8}" y="{y + 15}" class="label">{name}</text>')
        parts.append(f'<rect x="{_LABEL}" y="{y + 2}" width="{round(_BAR * rate, 1)}" height="{_ROW - 8}" '
                     f'class="{"bar-late" if p.red else "bar"}"/>')  # fmt: skip
        parts.append(
            f'<text x="{_LABEL + round(_BAR * rate) + 6}" y="{y + 15}" class="value">'
            f"{rate * 100:.1f}%（{p.on_time}/{p.closed}）</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def page(op: UnitOperation) -> MonitorPage:
    from powerctl.domain.operation import FLAGGED

    flagged = op.flagged
    as_rows = [
        {"case": f.case, "power": f.name, "power_id": f.power, "used": f"{f.used} 个{f.unit}",
         "promised": f"{f.promised} 个{f.unit}", "state": "未办结" if f.open else "已办结", "over": f.over}
        for f in flagged
    ]  # fmt: skip
    powers = sorted(op.powers.values(), key=lambda p: p.power)
    return MonitorPage(
        summary=sentence(op, op.name),
        red=[r for r, f in zip(as_rows, flagged, strict=True) if f.card == "红牌"],
        yellow=[r for r, f in zip(as_rows, flagged, strict=True) if f.card == "黄牌"],
        chart=chart(powers),
        powers=[{"id": p.power, "name": p.name, "department": p.department, **p.as_dict()} for p in powers],
        steps=[
            {"power": p.name, "step": s.name, "times": s.times, "excess": s.excess, "unit": p.unit}
            for p in powers
            for s in sorted(p.steps.values(), key=lambda s: (-s.times, -s.excess, s.step))
        ],
        expenses=(op.expenses, op.expenses_unsigned),
        meetings=(op.meetings, op.meetings_unattended),
        today=op.today.isoformat(),
        listed_all=op.total.red + op.total.yellow <= FLAGGED,
    )
