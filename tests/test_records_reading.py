"""The groundwork of the records check (issue 23): days counted on the Chinese calendar, and records files read
one entry at a time with positions."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from powerctl.domain.case_days import elapsed, explain
from powerctl.source.records import Header, RecordsError, read, read_file

RECORDS = """\
schema: powerctl/records@1
unit: lsj-cgj
cases:
  - id: XK-2026-0001
    power: XK-001
    received: 2026-09-28
    steps:
      - {step: accept, done: 2026-09-28, by: window}
      - {step: review, done: 2026-10-12, by: officer}
    closed: 2026-10-14
    suspended:
      - {from: 2026-10-09, to: 2026-10-12, reason: 专家评审}
  - {id: XK-2026-0002, power: XK-001, received: 2026-11-02}
expenses:
  - {id: ZC-2026-017, power: CW-001, date: 2026-10-10, amount: 12000,
     handled: {name: 张三, post: bzy}, reviewed: {name: 李四, post: jdh}, approved: {name: 王五, post: zr}}
meetings:
  - {id: HY-2026-03, power: ZD-001, date: 2026-10-15, attendees: [{name: 王五, post: zr}]}
"""


def test_working_days_skip_the_national_day_and_count_the_make_up_day() -> None:
    """2026: 国庆节 10 月 1 日至 7 日 off, Saturday 10 月 10 日 a 调休 working day. Naive Monday–Friday
    counting gives 12 working days from 9 月 28 日 to 10 月 14 日; the calendar gives 8."""
    count = elapsed(date(2026, 9, 28), date(2026, 10, 14), "工作日")
    assert count.days == 8 and not count.approximate
    start = date(2026, 9, 28).toordinal()
    naive = sum(1 for n in range(1, 17) if date.fromordinal(start + n).weekday() < 5)
    assert naive == 12
    assert explain(count) == "10 月 1 日至 7 日为法定节假日（国庆节），不计入；10 月 10 日为调休工作日，计入"


def test_2025_joins_the_national_day_and_mid_autumn_and_counts_two_make_up_days() -> None:
    count = elapsed(date(2025, 9, 26), date(2025, 10, 14), "工作日")
    assert count.days == 8
    assert explain(count).startswith("10 月 1 日至 8 日为法定节假日（国庆节、中秋节），不计入；9 月 28 日、10 月 11 日")


def test_suspensions_natural_days_and_years_outside_the_calendar() -> None:
    suspended = elapsed(date(2026, 9, 28), date(2026, 10, 14), "工作日", [(date(2026, 10, 9), date(2026, 10, 12))])
    assert suspended.days == 5 and suspended.suspended == 4
    assert "中止（特别程序）4 天，不计入" in explain(suspended)
    assert elapsed(date(2026, 9, 28), date(2026, 10, 14), "自然日").days == 16
    far = elapsed(date(2099, 9, 28), date(2099, 10, 14), "工作日")
    assert far.approximate and "按周一至周五计算" in explain(far)
    assert elapsed(date(2026, 9, 28), date(2026, 9, 28), "工作日").days == 0


def test_entries_come_one_by_one_with_positions_and_dates() -> None:
    header = Header()
    entries = list(read(io.StringIO(RECORDS), header))
    assert (header.schema, header.unit) == ("powerctl/records@1", "lsj-cgj")
    assert [(e.section, e.index, e.line, e.column) for e in entries] == [
        ("case", 0, 4, 5), ("case", 1, 13, 5), ("expense", 0, 15, 5), ("meeting", 0, 18, 5)
    ]  # fmt: skip
    first = entries[0]
    # Dates stay text, as the catalogue loader keeps them (the records check reads them as days).
    assert first.data["received"] == "2026-09-28" and first.data["steps"][1]["by"] == "officer"
    assert first.fields["closed"] == (10, 13) and first.fields["steps"] == (8, 7)
    assert first.place(("steps", 1, "by")) == (9, 46) and first.place(("steps", 9)) == (8, 7)
    assert entries[2].data["reviewed"] == {"name": "李四", "post": "jdh"} and entries[2].data["amount"] == 12000


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("cases: [\n  - {id: a\n", (2, 3), "YAML 语法错误"),
        ("- a\n- b\n", (1, 1), "最外层应是键值对"),
        ("unit: x\ncases: {id: a}\n", (2, 8), "cases 应是列表"),
        ("unit: x\ncases:\n  - &a {id: a}\n  - *a\n", (4, 5), "别名"),
    ],
)
def test_a_file_not_shaped_as_records_is_named_at_its_place(text: str, where: tuple[int, int], words: str) -> None:
    with pytest.raises(RecordsError) as caught:
        list(read(io.StringIO(text), Header()))
    assert (caught.value.line, caught.value.column) == where and words in str(caught.value)


def test_an_empty_section_and_an_empty_file_have_no_entries(tmp_path: Path) -> None:
    assert list(read(io.StringIO("unit: x\ncases:\n"), Header())) == []
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert list(read_file(empty, Header())) == []


def test_reading_streams_memory_stays_flat_in_the_number_of_cases(tmp_path: Path) -> None:
    """Peak memory reading 20,000 cases is within a few MB of reading 2,000: entries are not kept."""
    case = (
        "  - {id: C%d, power: XK-001, received: 2026-09-28, closed: 2026-10-14,\n"
        "     steps: [{step: accept, done: 2026-09-28, by: window}]}\n"
    )
    peaks = []
    for n in (2_000, 20_000):
        path = tmp_path / f"{n}.yaml"
        path.write_text("unit: x\ncases:\n" + "".join(case % i for i in range(n)), encoding="utf-8")
        code = (
            "import resource, sys\nfrom pathlib import Path\nfrom powerctl.source.records import Header, read_file\n"
            "count = sum(1 for _ in read_file(Path(sys.argv[1]), Header()))\n"
            "print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        )
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
        count, peak = map(int, out.stdout.split())
        assert count == n
        peaks.append(peak)
    assert peaks[1] - peaks[0] < 8 * 1024, peaks  # KB: 18,000 more cases, less than 8 MB more


def test_the_fast_count_agrees_with_the_day_by_day_count() -> None:
    """`days` (prefix sums, what every case is measured with) and `elapsed` (day by day, what a finding's
    words come from) give the same count and the same note, across the calendar's known years and outside
    them, with and without suspensions, in both units."""
    import random
    from datetime import timedelta

    from powerctl.domain.case_days import days

    rng = random.Random(23)
    for n in range(20_000):
        start = date(2001, 1, 1) + timedelta(days=rng.randrange(0, 10_600))
        end = start + timedelta(days=rng.randrange(-3, 70))
        suspensions = []
        for _ in range(n % 3):
            first = start + timedelta(days=rng.randrange(-5, 70))
            suspensions.append((first, first + timedelta(days=rng.randrange(0, 12))))
        unit = "工作日" if n % 4 else "自然日"
        count = elapsed(start, end, unit, suspensions)
        assert days(start, end, unit, suspensions) == (count.days, count.approximate), (start, end, unit)
