"""电子监察: the internal site's page of how the unit's powers ran (`records/`), beside its catalogue.

Red and yellow cards first (the cases a reviewer must look at), then each power's on-time rate as a bar chart
drawn here as inline SVG (no script, no network; the same numbers are in the table below it, for screen
readers and for print), the steps most often over their days, and for a village the 三签字 and 五必到 counts.
Internal only: the page names cases, and the records behind it hold people's names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from powerctl.documents import charts
from powerctl.domain.operation import PowerCount, UnitOperation, sentence

PAGE = "monitor.html"


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


def chart(powers: list[PowerCount]) -> Markup:
    """Horizontal bars: each power's share of closed cases closed on time (red where a case ran late)."""
    values = [(p.name, p.on_time, p.closed, bool(p.red)) for p in powers]
    return charts.inline(charts.rates("chart-title", "各职权按期办结率（已办结办件中在承诺时限内办结的比例）", values))


def page(op: UnitOperation) -> MonitorPage:
    from powerctl.domain.operation import FLAGGED, promise_words

    flagged = op.flagged
    as_rows = [
        {"case": f.case, "power": f.name, "power_id": f.power, "used": f"{f.used} 个{f.unit}",
         "promised": promise_words(f.promised, f.unit), "state": "未办结" if f.open else "已办结", "over": f.over}
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
