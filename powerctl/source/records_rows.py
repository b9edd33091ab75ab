"""Records exported by an approval system as a table (CSV or XLSX): one row per step, the case's fields repeated
on each row (FORMAT.md, "Records"), read one case at a time into the same entries as a YAML records file.

Columns are found by their heading, in English as FORMAT.md names them or in the Chinese an export uses:
case 办件编号, power 职权, received 受理日期, closed 办结日期, step 环节, done 完成日期, by 办理岗位.
The rows of one case follow each other, as exports are sorted; memory stays that of one case. Dates may be
written 2026-09-28, 2026/9/28, 2026.9.28 or 2026年9月28日 (or be Excel dates); they become 2026-09-28, and
anything else is kept as written for the schema check to name. A value's place is its row and column.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from powerctl.source import office_limits
from powerctl.source.records import Entry, Place, RecordsError
from powerctl.source.span import Path as DataPath

COLUMNS: dict[str, tuple[str, ...]] = {
    "case": ("case", "办件编号", "办件号", "办件", "案件编号", "受理编号"),
    "power": ("power", "职权", "职权编码", "事项编码", "职权标识", "事项"),
    "received": ("received", "受理日期", "立案日期", "受理时间"),
    "closed": ("closed", "办结日期", "结案日期", "办结时间"),
    "step": ("step", "环节", "办理环节", "步骤", "环节标识"),
    "done": ("done", "完成日期", "环节完成日期", "办理日期", "完成时间"),
    "by": ("by", "办理岗位", "岗位", "承办岗位"),
}
REQUIRED = ("case", "power", "received", "step")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$")


def _date(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            return value  # written as the format asks: the schema checks the rest
        value = value.strip()
        if not value:
            return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        m = _DATE.match(value)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return datetime.date(y, mo, d).isoformat()
            except ValueError:
                return value
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is str:
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _heading(row: Sequence[Any], line: int) -> dict[str, int]:
    """Which column holds each field; RecordsError naming what is missing."""
    names = [(_text(v) or "").lower() for v in row]
    where: dict[str, int] = {}
    for field, aliases in COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases:
                where[field] = i
                break
    missing = [f for f in REQUIRED if f not in where]
    if missing:
        wanted = "、".join(f"{f}（{COLUMNS[f][1]}）" for f in missing)
        raise RecordsError(
            f"表格第一行（表头）缺少列：{wanted}；登记表应有 case、power、received、closed、step、done、by 列", line, 1
        )
    return where


def _blank(row: Sequence[Any]) -> bool:
    """Cells empty, or only spaces."""
    if row and type(row[0]) is str and row[0] and not row[0].isspace():
        return False  # the common row: its first cell has text
    return not any(v is not None and (not isinstance(v, str) or (v and not v.isspace())) for v in row)


def _cases(rows: Iterator[Sequence[Any]], last_line: Callable[[], int]) -> Iterator[Entry]:
    """Entries from rows, the first of which that is not blank is the heading; `last_line()` is the line the
    row just read ends on (a CSV field may hold line breaks)."""
    heading: dict[str, int] | None = None
    group: list[tuple[int, Sequence[Any]]] = []
    current: str | None = None
    index = 0
    col = 0
    ended = 0
    for row in rows:
        line, ended = ended + 1, last_line()
        if heading is None:
            if not _blank(row):
                heading = _heading(row, line)
                col = heading["case"]
            continue
        if _blank(row):
            continue
        ident = _text(row[col]) if col < len(row) else None
        if group and ident != current:
            yield _entry(group, heading, index)
            index += 1
            group = []
        current = ident
        group.append((line, row))
    if group:
        assert heading is not None
        yield _entry(group, heading, index)


_CASE_FIELDS = (("case", "id", _text), ("power", "power", _text), ("received", "received", _date),
                ("closed", "closed", _date))  # fmt: skip
_STEP_FIELDS = (("step", _text), ("done", _date), ("by", _text))


def _entry(group: list[tuple[int, Sequence[Any]]], heading: dict[str, int], index: int) -> Entry:
    first_line, first = group[0]
    width = len(first)
    data: dict[str, Any] = {}
    for field, key, read in _CASE_FIELDS:
        i = heading.get(field)
        if i is not None and i < width and (value := read(first[i])) is not None:
            data[key] = value
    columns = [(field, read, heading[field]) for field, read in _STEP_FIELDS if field in heading]
    steps: list[dict[str, Any]] = []
    for _, row in group:
        step: dict[str, Any] = {}
        size = len(row)
        for field, read, i in columns:
            if i < size:
                value = row[i]
                plain = type(value) is str and value and not value[0].isspace() and not value[-1].isspace()
                if plain and (read is _text or (len(value) == 10 and value[4] == "-" and value[7] == "-")):
                    step[field] = value  # text as written (the common cell): nothing to read
                    continue
                value = read(value)
                if value is not None:
                    step[field] = value
        steps.append(step)
    data["steps"] = steps

    def places() -> tuple[dict[DataPath, Place], dict[DataPath, Place]]:
        """Each value's row and column (made only for an entry with a finding)."""
        values: dict[DataPath, Place] = {(): (first_line, 1), ("steps",): (first_line, 1)}
        keys: dict[DataPath, Place] = {}
        for field, key, _ in _CASE_FIELDS:
            if key in data:
                values[(key,)] = keys[(key,)] = (first_line, heading[field] + 1)
        for k, (line, _) in enumerate(group):
            values[("steps", k)] = keys[("steps", k)] = (line, 1)
            for field in steps[k]:
                values[("steps", k, field)] = keys[("steps", k, field)] = (line, heading[field] + 1)
        return values, keys

    return Entry("case", index, data, first_line, 1, group[-1][0], _make=places)


def read_csv(path: Path) -> Iterator[Entry]:
    """The cases of a CSV file (UTF-8, with or without the BOM Excel writes)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            yield from _cases(reader, lambda: reader.line_num)
        except csv.Error as exc:
            raise RecordsError(f"CSV 格式错误：{exc}", reader.line_num, 1) from None


def read_xlsx(path: Path) -> Iterator[Entry]:
    """The cases of the first sheet of an XLSX workbook (read row by row), measured first with the records'
    limits (`office_limits.RECORDS`): a workbook over them is a RecordsError naming the limit and the value."""
    from openpyxl import load_workbook

    try:
        office_limits.xlsx(path, "登记表", office_limits.RECORDS)
    except office_limits.TooLarge as exc:
        hint = "从审批系统导出时可按年度或月份分成几个文件，放在同一个 records/<单位标识>/ 文件夹中"
        raise RecordsError(str(exc), 1, 1, hint) from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or mislabelled workbook: openpyxl raises many kinds
        raise RecordsError(f"无法作为 Excel 工作簿（.xlsx）打开：{type(exc).__name__}", 1, 1) from None
    try:
        sheet = book.worksheets[0]
        # Rows as long as their cells, not padded to the <dimension> the file declares: a workbook may declare
        # A1:XFD1048576 and hold three rows (measured above by its cells, not by what it declares).
        sheet.reset_dimensions()
        read = 0

        def rows() -> Iterator[Sequence[Any]]:
            nonlocal read
            for row in sheet.iter_rows(values_only=True):
                read += 1
                yield row

        yield from _cases(rows(), lambda: read)
    finally:
        book.close()
