"""权力运行统计: how the powers of a unit ran, counted from its records (`stats --records`, the internal site's
电子监察 page).

Counted per power and per department, as each case goes by (memory flat in the number of cases): cases,
closed, on time (closed within the promised limit), 黄牌 (open, 80 % or more of the limit used), 红牌 (late,
closed or open), the average and the longest days of closed cases, and the steps most often over their days.
The cases with a card are kept as a list, the most overdue first, at most `FLAGGED` per unit.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from powerctl.catalogue.model import NOW, Unit
from powerctl.domain.cases import RED, YELLOW, Measure

FLAGGED = 200  # cases with a card listed per unit (all are counted)


@dataclass
class StepCount:
    step: str
    name: str
    times: int = 0  # cases in which the step took longer than the flow gives it
    excess: int = 0  # days over, summed

    def as_dict(self) -> dict[str, Any]:
        return {"step": self.step, "name": self.name, "times": self.times, "excess_days": self.excess}


@dataclass
class Count:
    """Cases of one power, one department or a whole unit."""

    cases: int = 0
    closed: int = 0
    on_time: int = 0
    yellow: int = 0
    red: int = 0
    days: int = 0  # of the closed cases, summed
    longest: int = 0
    longest_case: str = ""
    units: set[str] = field(default_factory=set)  # the day units of its closed cases: days add up only in one

    def add(self, m: Measure, ident: str) -> None:
        self.cases += 1
        if m.card == RED:
            self.red += 1
        elif m.card == YELLOW:
            self.yellow += 1
        if m.closed is not None:
            self.closed += 1
            self.days += m.used
            self.units.add(m.power.day_unit)
            if m.card != RED:
                self.on_time += 1
            if m.used > self.longest or not self.longest_case:
                self.longest, self.longest_case = m.used, ident

    @property
    def on_time_rate(self) -> float | None:
        """Closed on time among the closed cases (None when none is closed)."""
        return round(self.on_time / self.closed, 4) if self.closed else None

    @property
    def days_unit(self) -> str | None:
        """工作日 or 自然日 when every closed case counts in it; None when they are mixed (or none closed)."""
        return next(iter(self.units)) if len(self.units) == 1 else None

    @property
    def average(self) -> float | None:
        """Average days of the closed cases, when they count days alike."""
        return round(self.days / self.closed, 1) if self.closed and self.days_unit else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "closed": self.closed,
            "open": self.cases - self.closed,
            "on_time": self.on_time,
            "on_time_rate": self.on_time_rate,
            "yellow": self.yellow,
            "red": self.red,
            "days_unit": self.days_unit,
            "average_days": self.average,
            "longest_days": self.longest if self.closed and self.days_unit else None,
            "longest_case": (self.longest_case or None) if self.days_unit else None,
        }


@dataclass
class PowerCount(Count):
    power: str = ""
    name: str = ""
    department: str = ""
    unit: str = ""  # 工作日 | 自然日
    promised: int | None = None  # the days a case has (即办 0); None: no clock
    steps: dict[str, StepCount] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        worst = sorted(self.steps.values(), key=lambda s: (-s.times, -s.excess, s.step))
        return {
            "power": self.power,
            "name": self.name,
            "department": self.department,
            "unit": self.unit,
            "promised": self.promised,
            **super().as_dict(),
            "overdue_steps": [s.as_dict() for s in worst],
        }


@dataclass(frozen=True, order=True)
class Flagged:
    """A case with a card, for the lists: ordered by how far over (then by id)."""

    over: int  # days past the promised limit (negative for a 黄牌: days left)
    case: str
    power: str
    name: str
    card: str
    used: int
    promised: int
    unit: str
    open: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case, "power": self.power, "name": self.name, "card": self.card, "days": self.used,
            "promised": self.promised, "unit": self.unit, "open": self.open,
        }  # fmt: skip


@dataclass
class UnitOperation:
    unit: str
    name: str
    today: date
    total: Count = field(default_factory=Count)
    powers: dict[str, PowerCount] = field(default_factory=dict)
    departments: dict[str, Count] = field(default_factory=dict)
    _flagged: list[Flagged] = field(default_factory=list)  # a heap of the most overdue, at most FLAGGED
    expenses: int = 0
    expenses_unsigned: int = 0  # with an R808
    meetings: int = 0
    meetings_unattended: int = 0  # with an R809

    @classmethod
    def of(cls, unit: Unit, today: date) -> UnitOperation:
        return cls(unit.id, unit.name, today)

    def add(self, m: Measure, ident: str, department: str) -> None:
        power = m.power
        count = self.powers.get(power.id)
        if count is None:
            limit = power.time_limit
            count = self.powers[power.id] = PowerCount(
                power=power.id, name=power.name, department=department, unit=power.day_unit,
                promised=limit.promise if limit is not None else None,
            )  # fmt: skip
        count.add(m, ident)
        self.departments.setdefault(department, Count()).add(m, ident)
        self.total.add(m, ident)
        flow = power.flow
        for _, step, took, allowed in m.late_steps:
            name = flow.steps[flow.index[step]].name if flow is not None else step
            s = count.steps.setdefault(step, StepCount(step, name))
            s.times += 1
            s.excess += took - allowed
        if m.card is not None:
            promise = power.time_limit.promise if power.time_limit is not None else None
            assert promise is not None  # a card is given only against a limit
            flagged = Flagged(
                m.used - promise, ident, power.id, power.name, m.card, m.used, promise, power.day_unit,
                m.closed is None,
            )  # fmt: skip
            if len(self._flagged) < FLAGGED:
                heapq.heappush(self._flagged, flagged)
            else:
                heapq.heappushpop(self._flagged, flagged)

    @property
    def flagged(self) -> list[Flagged]:
        """The cases with a card, most overdue first."""
        return sorted(self._flagged, key=lambda f: (-f.over, f.case))

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "today": self.today.isoformat(),
            **self.total.as_dict(),
            "powers": [p.as_dict() for p in sorted(self.powers.values(), key=lambda p: p.power)],
            "departments": [{"department": d, **c.as_dict()} for d, c in sorted(self.departments.items())],
            "flagged": [f.as_dict() for f in self.flagged],
            "expenses": {"count": self.expenses, "signatures_missing": self.expenses_unsigned},
            "meetings": {"count": self.meetings, "supervisor_absent": self.meetings_unattended},
        }


def department_name(unit: Unit, department: str) -> str:
    return next((d.name for d in unit.departments if d.id == department), department)


def totals(units: Mapping[str, UnitOperation]) -> Count:
    """All the units' cases together (the flagged lists and steps stay per unit)."""
    out = Count()
    for op in units.values():
        t = op.total
        out.cases += t.cases
        out.closed += t.closed
        out.on_time += t.on_time
        out.yellow += t.yellow
        out.red += t.red
        out.days += t.days
        out.units |= t.units
        if t.longest > out.longest or (t.closed and not out.longest_case):
            out.longest, out.longest_case = t.longest, t.longest_case
    return out


@dataclass(frozen=True)
class Table:
    """One table of the statistics, as the text, markdown and workbook outputs all show it."""

    title: str
    header: tuple[str, ...]
    rows: Sequence[Sequence[object]]
    widths: tuple[int, ...]  # column widths in the workbook (characters)


def _rate(c: Count) -> str:
    return f"{c.on_time_rate * 100:.1f}%" if c.on_time_rate is not None else "—"


def _avg(c: Count) -> str:
    if c.average is None:
        return "—（时限单位不同）" if len(c.units) > 1 else "—"
    return f"{c.average} 个{c.days_unit}"


def tables(units: list[UnitOperation]) -> list[Table]:
    """按职权, 按承办机构, 红牌黄牌, 超时环节 and, for villages, 三签字与五必到."""
    by_power = [
        [op.name, f"{p.name}（{p.power}）", p.department, _promise(p), p.cases, p.closed, p.on_time,
         _rate(p), p.yellow, p.red, _avg(p), f"{p.longest}（{p.longest_case}）" if p.closed else "—"]
        for op in units for p in sorted(op.powers.values(), key=lambda p: p.power)
    ]  # fmt: skip
    by_department = [
        [op.name, d, c.cases, c.closed, c.on_time, _rate(c), c.yellow, c.red, _avg(c)]
        for op in units
        for d, c in sorted(op.departments.items())
    ]
    flagged = [
        [op.name, f.case, f"{f.name}（{f.power}）", f.card, f"{f.used} 个{f.unit}", promise_words(f.promised, f.unit),
         "未办结" if f.open else "已办结"]
        for op in units for f in op.flagged
    ]  # fmt: skip
    steps = [
        [op.name, f"{p.name}（{p.power}）", f"{s.name}（{s.step}）", s.times, s.excess]
        for op in units
        for p in sorted(op.powers.values(), key=lambda p: p.power)
        for s in sorted(p.steps.values(), key=lambda s: (-s.times, -s.excess, s.step))
    ]
    out = [
        Table("权力运行情况统计（按职权）",
              ("单位", "职权", "承办机构", "承诺时限", "办件", "办结", "按期办结", "按期率", "黄牌", "红牌", "平均用时",
               "最长用时（办件）"), by_power, (24, 36, 18, 14, 8, 8, 10, 10, 8, 8, 10, 26)),
        Table("权力运行情况统计（按承办机构）",
              ("单位", "承办机构", "办件", "办结", "按期办结", "按期率", "黄牌", "红牌", "平均用时"),
              by_department, (24, 24, 8, 8, 10, 10, 8, 8, 10)),
        Table("红牌、黄牌办件", ("单位", "办件编号", "职权", "警示", "已用时间", "承诺时限", "状态"),
              flagged, (24, 22, 40, 8, 14, 14, 10)),
        Table("超过环节时限的环节", ("单位", "职权", "环节", "超时次数", "超出天数合计"), steps, (24, 40, 28, 10, 14)),
    ]  # fmt: skip
    village = [
        [op.name, op.expenses, op.expenses_unsigned, op.meetings, op.meetings_unattended]
        for op in units
        if op.expenses or op.meetings
    ]
    if village:
        out.append(
            Table(
                "三签字与五必到",
                ("单位", "支出笔数", "签字不全", "五必到会议", "监督员缺席"),
                village,
                (24, 10, 10, 12, 12),
            )
        )
    return out


def sentence(op: UnitOperation | Count, name: str) -> str:
    """One line for a unit or the total: 办件 N 件，按期办结率 …，红牌 …，黄牌 …。"""
    c = op.total if isinstance(op, UnitOperation) else op
    return (
        f"{name}：办件 {c.cases} 件，办结 {c.closed} 件，按期办结率 {_rate(c)}，红牌 {c.red} 件，黄牌 {c.yellow} 件"
        + (f"，平均用时 {_avg(c)}。" if c.average is not None else "。")
    )


def promise_words(days: int | None, unit: str) -> str:
    """The days a case has, as the list writes them: 5 个工作日, 即办 (0 days), “/” (no clock)."""
    if days is None:
        return "/"
    return NOW if days == 0 else f"{days} 个{unit}"


def _promise(p: PowerCount) -> str:
    return promise_words(p.promised, p.unit)
