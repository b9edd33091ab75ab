"""清理情况统计: counts of powers by category, status, department and risk level (pure, from the model)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from powerctl.catalogue.model import Power, Unit
from powerctl.source.schema import enum_values

STATUS_ORDER = enum_values("status")
CATEGORY_ORDER = enum_values("category")
RISK_ORDER = ("高", "中", "低")


def _ordered(counter: Counter[str], order: Sequence[str]) -> dict[str, int]:
    known = {k: counter[k] for k in order if counter[k]}
    rest = {k: v for k, v in sorted(counter.items()) if k not in known and v}
    return {**known, **rest}


@dataclass
class Counts:
    """The counts of one unit, or of all units together."""

    total: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    by_department: Counter[str] = field(default_factory=Counter)
    by_risk_level: Counter[str] = field(default_factory=Counter)  # risk points, not powers
    without_basis: list[str] = field(default_factory=list)

    def add(self, unit: Unit, power: Power) -> None:
        departments = {d.id: d.name for d in unit.departments}
        self.total += 1
        self.by_category[power.category] += 1
        self.by_status[power.status] += 1
        self.by_department[departments.get(power.department, power.department)] += 1
        self.by_risk_level.update(r.level for r in power.risks)
        if not power.basis and not power.ended:
            self.without_basis.append(f"{unit.id}/{power.id}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_category": _ordered(self.by_category, CATEGORY_ORDER),
            "by_status": _ordered(self.by_status, STATUS_ORDER),
            "by_department": dict(sorted(self.by_department.items(), key=lambda kv: (-kv[1], kv[0]))),
            "by_risk_level": _ordered(self.by_risk_level, RISK_ORDER),
            "without_basis": list(self.without_basis),
        }

    def sentence(self, risks: bool = True) -> str:
        """The wording of a 清权确权 report: 共梳理行政权力N项，其中保留X项、取消Y项……; `risks`: with the
        廉政风险点 (internal: a public text never counts them)."""
        status = "、".join(f"{k}{v}项" for k, v in _ordered(self.by_status, STATUS_ORDER).items())
        category = "、".join(f"{k}{v}项" for k, v in _ordered(self.by_category, CATEGORY_ORDER).items())
        levels = "、".join(f"{k}风险{v}个" for k, v in _ordered(self.by_risk_level, RISK_ORDER).items())
        text = f"共梳理职权{self.total}项"
        if status:
            text += f"，其中{status}"
        if category:
            text += f"；按类别分，{category}"
        if risks:
            text += f"；查找廉政风险点{sum(self.by_risk_level.values())}个" + (f"（{levels}）" if levels else "")
        if self.without_basis:
            text += f"；无法律依据、建议废止的{len(self.without_basis)}项"
        return text + "。"


@dataclass
class UnitCounts:
    unit: Unit
    counts: Counts


@dataclass
class Stats:
    units: list[UnitCounts]
    total: Counts

    def as_dict(self) -> dict[str, Any]:
        return {
            "units": [
                {"unit": u.unit.id, "name": u.unit.name, **u.counts.as_dict(), "summary": u.counts.sentence()}
                for u in self.units
            ],
            "total": {**self.total.as_dict(), "summary": self.total.sentence()},
        }


def compute(units: Iterable[Unit], select: Callable[[Unit], Iterable[Power]] | None = None) -> Stats:
    """The counts of each unit (by id) and of all together; `select`: the powers of a unit to count (an
    audience's), all of them by default."""
    per_unit: list[UnitCounts] = []
    total = Counts()
    for unit in sorted(units, key=lambda u: u.id):
        counts = Counts()
        for power in select(unit) if select is not None else unit.powers:
            counts.add(unit, power)
            total.add(unit, power)
        per_unit.append(UnitCounts(unit, counts))
    return Stats(per_unit, total)


@dataclass(frozen=True)
class MatrixRow:
    """One unit's powers by category (or the total row): the 清理情况 table of units × categories."""

    unit: str  # the unit's id ("" for the total)
    name: str
    counts: tuple[int, ...]  # by category, in the order of `Matrix.categories`
    total: int


@dataclass(frozen=True)
class Matrix:
    categories: tuple[str, ...]  # those any unit has: the schema's order, then any other
    rows: tuple[MatrixRow, ...]  # a row per unit, by unit id
    total: MatrixRow


def by_category(stats: Stats) -> Matrix:
    """Units × categories, with the total row."""
    held = set(stats.total.by_category)
    columns = tuple([c for c in CATEGORY_ORDER if c in held] + sorted(held.difference(CATEGORY_ORDER)))
    rows = tuple(
        MatrixRow(u.unit.id, u.unit.name, tuple(u.counts.by_category[c] for c in columns), u.counts.total)
        for u in stats.units
    )
    t = stats.total
    return Matrix(columns, rows, MatrixRow("", "合计", tuple(t.by_category[c] for c in columns), t.total))


@dataclass(frozen=True)
class RiskRow:
    """One row of the 廉政风险等级目录."""

    unit: str
    power: str
    category: str
    basis: str
    point: str
    level: str
    measures: str
    owner: str


def risk_catalogue(units: Iterable[Unit]) -> list[RiskRow]:
    rows: list[RiskRow] = []
    for unit in sorted(units, key=lambda u: u.id):
        for power in unit.powers:
            basis = "；".join(c.text for c in power.basis)
            for risk in power.risks:
                owner = unit.post(risk.owner)
                rows.append(
                    RiskRow(
                        unit.name,
                        power.name,
                        power.category,
                        basis,
                        risk.point,
                        risk.level,
                        "；".join(risk.measures),
                        owner.name if owner else (risk.owner or ""),
                    )
                )
    order = {level: i for i, level in enumerate(RISK_ORDER)}
    return sorted(rows, key=lambda r: (r.unit, order.get(r.level, 9), r.power))
