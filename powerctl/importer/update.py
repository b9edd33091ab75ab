"""`powerctl import --update`: the edited cells of an exported workbook written back into the catalogues.

A cell that still shows what was exported changes nothing; an edited one changes exactly its value in the
YAML, spliced in at the value's position (importer.splice), so comments, flows, risks and every other line
stay as they were. A power is found by its id, then its code, then its name.

Every edited cell of a run is written, or none: a cell that cannot be read, a value the schema would refuse,
a place that cannot be rewritten safely — each is reported at its cell (FILE:SHEET!F7, the column, why), and
then no file is written at all. Before anything is written each changed file is loaded again and compared
with what the cells asked for, so what is written is exactly the edits.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from powerctl.domain.workbook import COLUMNS, MARK, CellError, Column, Names, unchanged, value_at
from powerctl.importer.splice import DELETE, Unsplicable, finish, power_edits, value_at_path
from powerctl.source import office_limits
from powerctl.source.load import CONTROL_CHARS, Document, load_text
from powerctl.source.schema import SchemaChecker

HEADER_ROW = 3
_MAPPINGS = ("time_limit", "fee", "disclosure")  # fields whose keys are separate columns


@dataclass
class FileUpdate:
    file: Path
    text: str  # the new text
    changed: list[str] = field(default_factory=list)  # what was changed, in words


@dataclass
class Updated:
    files: list[FileUpdate]  # empty whenever there is a problem: all or nothing
    problems: list[str]  # FILE:SHEET!CELL（column）：why


@dataclass
class _Cell:
    at: str  # FILE:SHEET!F7
    column: Column
    said: str  # the change in words


@dataclass
class _Unit:
    file: Path
    text: str
    doc: Document
    names: Names
    wanted: dict[int, dict[tuple[str, ...], Any]] = field(default_factory=dict)  # power → path → value/DELETE
    cells: dict[int, dict[tuple[str, ...], _Cell]] = field(default_factory=dict)
    rows: dict[int, str] = field(default_factory=dict)  # power → the row that edits it


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def update(
    workbook: Path, catalogues: Mapping[str, Path], display: str, extra_categories: Sequence[str] = ()
) -> Updated:
    """The catalogue files changed by the workbook's edited cells (unit id → its file in `catalogues`)."""
    import openpyxl

    office_limits.xlsx(workbook, display)  # measured before openpyxl reads it whole
    book = openpyxl.load_workbook(workbook, data_only=True)
    problems: list[str] = []
    units: dict[Path, _Unit] = {}
    for sheet in book.worksheets:
        if sheet["A1"].value != MARK:
            problems.append(f"{display}:{sheet.title}：不是 powerctl export 导出的工作表（第一行没有它的标记），未读取")
            continue
        uid = _text(sheet["B1"].value)
        target = catalogues.get(uid)
        if target is None:
            problems.append(f"{display}:{sheet.title}!B1：目录中没有单位「{uid}」")
            continue
        unit = units.get(target)
        if unit is None:
            text = target.read_text(encoding="utf-8")
            doc = load_text(str(target), text)
            if doc.problems or not isinstance(doc.data, dict):
                problems.append(f"{display}:{sheet.title}：{target} 有语法错误，先修正再导回")
                continue
            unit = units[target] = _Unit(target, text, doc, Names.of(doc.data))
        _read_sheet(sheet, unit, f"{display}:{sheet.title}", problems)
    checker = SchemaChecker.for_catalogues(extra_categories)
    files = []
    for unit in units.values():
        written = _write(unit, checker, problems)
        if written is not None:
            files.append(written)
    return Updated([] if problems else files, problems)


def _read_sheet(sheet: Any, unit: _Unit, where: str, problems: list[str]) -> None:
    from powerctl.importer.sheets import column_letter

    header = {_text(c.value).lstrip("★"): c.column - 1 for c in sheet[HEADER_ROW] if c.value}
    columns = [(header[col.header], col) for col in COLUMNS if col.header in header]
    listed = unit.doc.data.get("powers")
    powers: list[Any] = listed if isinstance(listed, list) else []
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        cells = {c: _text(row[c].value) if c < len(row) else "" for c, _ in columns}
        if not any(cells.values()):
            continue
        index = _find(powers, cells, columns)
        if index is None:
            problems.append(f"{where}!A{row[0].row}：目录中没有这项职权（新职权请用 powerctl import 导入），未导入")
            continue
        here = f"{where}!{row[0].row}行"
        if index in unit.rows:
            problems.append(f"{here}：与 {unit.rows[index]} 是同一项职权（{powers[index].get('id')}），只保留一行")
            continue
        unit.rows[index] = here
        power = powers[index]
        for c, column in columns:
            current = value_at(power, column.path)
            if unchanged(column, current, cells[c], unit.names):
                continue
            at = f"{where}!{column_letter(c)}{row[0].row}"
            if column.path == ("id",):
                problems.append(f"{at}（{column.header}）：职权标识不能在表中修改，未改")
                continue
            hidden = CONTROL_CHARS.search(cells[c])
            if hidden is not None:  # YAML cannot hold it: the loader would refuse the file
                problems.append(
                    f"{at}（{column.header}）：含有不可见的控制字符 U+{ord(hidden.group()):04X}，删去后再导回"
                )
                continue
            if cells[c].strip() == "":
                if not column.clearable:
                    problems.append(f"{at}（{column.header}）：必填，不能清空")
                    continue
                value = DELETE
            else:
                try:
                    value = column.read(cells[c], unit.names, current)
                except CellError as exc:
                    problems.append(f"{at}（{column.header}）：{exc}")
                    continue
                if value == current and type(value) is type(current):
                    continue  # written otherwise, meaning the same (an id where the name is shown)
                if column.path == ("parent",) and value == power.get("id"):
                    problems.append(f"{at}（{column.header}）：一项职权不能是它自己的主项")
                    continue
            shown = str(column.show(current, unit.names))
            unit.wanted.setdefault(index, {})[column.path] = value
            unit.cells.setdefault(index, {})[column.path] = _Cell(
                at, column, f"{power.get('id')} {column.header}：{shown or '（无）'} → {cells[c].strip() or '（清空）'}"
            )


def _new_power(power: Mapping[str, Any], wanted: Mapping[tuple[str, ...], Any]) -> dict[str, Any]:
    """The power with the cells' values: a field of several columns (时限, 收费, 公开) changed together, and
    removed when every one of its columns was emptied."""
    new = copy.deepcopy(dict(power))
    for path, value in wanted.items():
        top = path[0]
        if len(path) == 1:
            if value is DELETE:
                new.pop(top, None)
            else:
                new[top] = value
            continue
        held = new.get(top)
        mapping = dict(held) if isinstance(held, Mapping) else {}
        if value is DELETE:
            mapping.pop(path[1], None)
        else:
            mapping[path[1]] = value
        if mapping:
            new[top] = mapping
        else:
            new.pop(top, None)
    return new


def _write(unit: _Unit, checker: SchemaChecker, problems: list[str]) -> FileUpdate | None:
    """The unit's file with every wanted change, checked: loaded again it holds exactly the changes, and the
    schema finds nothing new at a changed power. None when nothing changes or something is refused."""
    if not unit.wanted:
        return None
    powers = unit.doc.data["powers"]
    expected = copy.deepcopy(unit.doc.data)
    edits = []
    refused = False
    lines = unit.text.splitlines()
    for index, wanted in unit.wanted.items():
        new = _new_power(powers[index], wanted)
        expected["powers"][index] = new
        try:
            edits += power_edits(unit.doc, index, new, lines)
        except Unsplicable:
            refused = True
            for cell in unit.cells[index].values():
                problems.append(f"{cell.at}（{cell.column.header}）：目录中这一项的写法无法自动改写，请在 YAML 中修改")
    if refused:
        return None
    text = finish(unit.text, edits)
    again = load_text(str(unit.file), text)
    if again.problems or again.data != expected:
        told = len(problems)
        for index, new in enumerate(expected["powers"]):
            got = value_at_path(again.data, ("powers", index))
            if index in unit.cells and got != new:
                for cell in unit.cells[index].values():
                    problems.append(
                        f"{cell.at}（{cell.column.header}）：改写后读回的内容与表中不一致，请在 YAML 中修改"
                    )
        if len(problems) == told:
            problems.append(f"{unit.file}：改写后读回的内容与表中不一致，未写入")
        return None
    before = {(p.path, p.message) for p in checker.problems(unit.doc)}
    bad = False
    for p in checker.problems(again):
        if (p.path, p.message) in before:
            continue
        at = p.path[1] if len(p.path) > 1 and p.path[0] == "powers" else None
        power = at if isinstance(at, int) else None
        cells = unit.cells.get(power, {}) if power is not None else {}
        inside = p.path[2:]
        named = [c for path, c in cells.items() if _related(path, inside)] or list(cells.values())
        for cell in named:
            problems.append(f"{cell.at}（{cell.column.header}）：{p.message}" + (f"（{p.hint}）" if p.hint else ""))
        bad = True
        if not named:
            problems.append(f"{unit.file}：{p.message}")
    if bad:
        return None
    said = [c.said for index in unit.cells for c in unit.cells[index].values()]
    return FileUpdate(unit.file, text, said)


def _related(path: tuple[str, ...], inside: tuple[Any, ...]) -> bool:
    n = min(len(path), len(inside))
    return tuple(path[:n]) == tuple(inside[:n])


def _find(powers: list[Any], cells: dict[int, str], columns: list[tuple[int, Column]]) -> int | None:
    """The power a row is about: by id, then code, then name."""
    for path in (("id",), ("code",), ("name",)):
        col = next((c for c, column in columns if column.path == path), None)
        if col is None or not cells.get(col):
            continue
        for i, p in enumerate(powers):
            if isinstance(p, Mapping) and _text(p.get(path[0])) == cells[col]:
                return i
    return None
