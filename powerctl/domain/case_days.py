"""How many days a case (办件) or a step took, counted as the records format says (FORMAT.md, "Records").

Day 0 is the day the case was received (or the previous step was done); each later day up to and including
the end counts once, unless it falls in a suspension (特别程序: from…to, inclusive) or, for 工作日, is not a
working day on the Chinese calendar (statutory holidays off, 调休 make-up days on). Outside the calendar's
known years, Monday–Friday is assumed and the count says so. What the count skipped or took because of the
calendar is kept, so that a finding can say it in words (`explain`).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import chinese_calendar

WORKING, NATURAL = "工作日", "自然日"


@dataclass(frozen=True)
class Count:
    days: int  # the days counted from day 0 to the end
    unit: str  # 工作日 | 自然日
    holidays: tuple[tuple[date, date, str], ...]  # runs of statutory holidays inside (first, last, names)
    make_up: tuple[date, ...]  # weekend days that were 调休 working days, counted
    suspended: int  # days inside a suspension, not counted
    approximate: bool  # a day outside the calendar's known years: Monday–Friday assumed


def _holiday_name(day: date) -> str | None:
    """The statutory holiday a day belongs to, inside the calendar's known years."""
    lo, hi, _ = _known()
    name = chinese_calendar.holidays.get(day) if lo <= day.toordinal() <= hi else None
    return str(name) if name else None


def _is_workday(day: date) -> tuple[bool, bool]:
    """`calendar.is_workday` from the calendar's own tables (its functions check the year on every call)."""
    lo, hi, _ = _known()
    if not lo <= day.toordinal() <= hi:
        return day.weekday() < 5, True
    return day in chinese_calendar.workdays or (day.weekday() < 5 and day not in chinese_calendar.holidays), False


_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def elapsed(start: date, end: date, unit: str, suspensions: Sequence[tuple[date, date]] = ()) -> Count:
    """The days from `start` (day 0) to `end`, as `unit` counts them, suspensions left out."""
    counted = suspended = 0
    holidays: list[tuple[date, date, str]] = []
    make_up: list[date] = []
    approximate = False
    day = start
    while day < end:
        day += timedelta(days=1)
        if any(first <= day <= last for first, last in suspensions):
            suspended += 1
            continue
        if unit != WORKING:
            counted += 1
            continue
        work, assumed = _is_workday(day)
        approximate = approximate or assumed
        if work:
            counted += 1
            if day.weekday() >= 5:
                make_up.append(day)
            continue
        name = _holiday_name(day)
        if name is not None:
            name = _NAMES.get(name, name)
            if holidays and holidays[-1][1] + timedelta(days=1) == day:  # one run (国庆节 and 中秋节 may join)
                first, _, names = holidays[-1]
                holidays[-1] = (first, day, names if name in names.split("、") else f"{names}、{name}")
            else:
                holidays.append((day, day, name))
    return Count(counted, unit, tuple(holidays), tuple(make_up), suspended, approximate)


def _day(d: date) -> str:
    return f"{d.month} 月 {d.day} 日"


def explain(count: Count) -> str:
    """What the calendar did to the count, in words for a finding ("" when nothing)."""
    parts = []
    for first, last, name in count.holidays:
        if first == last:
            span = _day(first)
        elif first.month == last.month:
            span = f"{_day(first)}至 {last.day} 日"
        else:
            span = f"{_day(first)}至{_day(last)}"
        parts.append(f"{span}为法定节假日（{name}），不计入")
    if count.make_up:
        parts.append("、".join(_day(d) for d in count.make_up) + "为调休工作日，计入")
    if count.suspended:
        parts.append(f"中止（特别程序）{count.suspended} 天，不计入")
    if count.approximate:
        parts.append("部分日期超出法定节假日数据的年份，按周一至周五计算")
    return "；".join(parts)


# -- the count alone, fast: what the records check asks of every case ------------------------------------------


@cache
def _known() -> tuple[int, int, array[int]]:
    """The calendar's known days as ordinals (first, last) and the working days up to each (a prefix sum)."""
    first = date(2004, 1, 1)
    year = first.year
    while True:
        try:
            chinese_calendar.is_workday(date(year + 1, 1, 1))
        except NotImplementedError:
            break
        year += 1
    last = date(year, 12, 31)
    prefix = array("l")
    total = 0
    day = first
    while day <= last:
        total += bool(chinese_calendar.is_workday(day))
        prefix.append(total)
        day += timedelta(days=1)
    return first.toordinal(), last.toordinal(), prefix


def _weekdays_to(ordinal: int) -> int:
    """Monday–Friday days among ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    return ordinal // 7 * 5 + min(ordinal % 7, 5)


def _working(after: int, upto: int) -> tuple[int, bool]:
    """Working days among ordinals after+1..upto, and whether any of them was outside the known years."""
    if upto <= after:
        return 0, False
    lo, hi, prefix = _known()
    count, assumed = 0, False
    if after < lo - 1:  # before the known years
        end = min(upto, lo - 1)
        count += _weekdays_to(end) - _weekdays_to(after)
        assumed = True
        after = end
    if upto > hi:  # after them
        start = max(after, hi)
        count += _weekdays_to(upto) - _weekdays_to(start)
        assumed = True
        upto = hi
    if upto > after:
        count += prefix[upto - lo] - (prefix[after - lo] if after >= lo else 0)
    return count, assumed


def _counted(after: int, upto: int, unit: str) -> tuple[int, bool]:
    if unit != WORKING:
        return max(0, upto - after), False
    return _working(after, upto)


def days(start: date, end: date, unit: str, suspensions: Sequence[tuple[date, date]] = ()) -> tuple[int, bool]:
    """`elapsed(...).days` and `.approximate` without the words: prefix sums over the calendar, suspensions
    taken off once each (overlapping ones merged)."""
    after, upto = start.toordinal(), end.toordinal()
    if not suspensions:  # the common case, in a few operations: a county checks 10^6 cases of 5–10 steps
        if unit != WORKING:
            return (upto - after if upto > after else 0), False
        lo, hi, prefix = _known()
        if lo <= after and upto <= hi:
            return (prefix[upto - lo] - prefix[after - lo] if upto > after else 0), False
    counted, assumed = _counted(after, upto, unit)
    if suspensions and upto > after:
        spans = sorted((max(f.toordinal(), after + 1), min(t.toordinal(), upto)) for f, t in suspensions)
        merged: list[list[int]] = []
        for f, t in spans:
            if f > t:
                continue
            if merged and f <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], t)
            else:
                merged.append([f, t])
        for f, t in merged:
            off, _ = _counted(f - 1, t, unit)
            counted -= off
        if assumed:  # only days that counted can have been assumed: not those inside a suspension
            assumed = _outside_unsuspended(after, upto, merged)
    return counted, assumed


def _outside_unsuspended(after: int, upto: int, merged: list[list[int]]) -> bool:
    lo, hi, _ = _known()
    for f, t in ((after + 1, min(upto, lo - 1)), (max(after + 1, hi + 1), upto)):
        if f > t:
            continue
        covered = sum(max(0, min(t, b) - max(f, a) + 1) for a, b in merged)
        if covered < t - f + 1:
            return True
    return False
