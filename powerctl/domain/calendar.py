"""Chinese working days (工作日): public holidays off, 调休 make-up days on, from the chinese-calendar data.

Outside the years the data covers, working days fall back to Monday–Friday, and callers are
told so, because a deadline counted that way may be wrong by the holidays of that year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True)
class Deadline:
    day: date
    approximate: bool  # some day was outside the official calendar: Monday–Friday assumed


def is_workday(day: date) -> tuple[bool, bool]:
    """(whether ``day`` is a working day, whether that was assumed from the weekday)."""
    try:
        return bool(chinese_calendar.is_workday(day)), False
    except NotImplementedError:
        return day.weekday() < 5, True


def working_day_deadline(start: date, days: int) -> Deadline:
    """The ``days``-th working day after ``start`` (the day after ``start`` is the first candidate)."""
    day = start
    counted = 0
    approximate = False
    while counted < days:
        day += timedelta(days=1)
        work, assumed = is_workday(day)
        approximate = approximate or assumed
        if work:
            counted += 1
    return Deadline(day, approximate)
