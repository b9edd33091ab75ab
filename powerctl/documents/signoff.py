"""The sign-off under a printed 一表 (编制单位, 审核人, 编制日期, the seal) and the 编制日期 of a unit's documents."""

from __future__ import annotations

from dataclasses import dataclass

from powerctl.catalogue.model import Unit

BLANK_DATE = "　　　　年　　月　　日"  # filled in by hand (ideographic spaces: no format collapses them)
SEAL = "（单位盖章）"


def compiled_day(unit: Unit) -> str | None:
    """The day (ISO) of the catalogue's latest recorded change, if any."""
    return max((c.date[:10] for c in unit.changes if c.date), default=None)


def compiled(unit: Unit) -> str | None:
    """编制日期: the day of the catalogue's latest recorded change, if any (from the catalogue, so that the
    same catalogue gives the same document)."""
    latest = compiled_day(unit)
    if latest is None:
        return None
    year, month, day = latest.split("-")
    return f"{int(year)} 年 {int(month)} 月 {int(day)} 日"


@dataclass(frozen=True)
class SignOff:
    """What is signed under the table: the unit that compiled it, when, who reviewed it, and its seal."""

    unit: str  # 编制单位
    date: str | None  # 编制日期; None: left blank to be filled in by hand

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """(label, value) in reading order; an empty value is a blank line to sign on."""
        return ("编制单位", self.unit), ("审核人", ""), ("编制日期", self.date or BLANK_DATE)

    @property
    def seal(self) -> str:
        return SEAL


def sign_off(unit: Unit) -> SignOff:
    return SignOff(unit.name, compiled(unit))
