"""`powerctl import --update`: the edited cells of an exported workbook written back into the catalogues.

A cell that still shows what was exported changes nothing; an edited one changes exactly its value in the
YAML, spliced in at the value's position, so comments, flows, risks and every other line stay as they were.
A power is found by its id, then its code, then its name. A cell that cannot be read is reported at its
position (FILE:SHEET!F7) and changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from powerctl.domain.workbook import COLUMNS, MARK, CellError, Column, unchanged, value_at
from powerctl.edit.fix import apply_edits
from powerctl.source import office_limits
from powerctl.source.load import Document, load_text, resolve_plain
from powerctl.source.typos import Edit

HEADER_ROW = 3
_PLAIN_UNSAFE = re.compile(r"[:#,\[\]{}&*!|>'\"%@`\n\r\t]|^[-?\s]|\s$")


@dataclass
class FileUpdate:
    file: Path
    text: str  # the new text
    changed: list[str] = field(default_factory=list)  # what was changed, in words


@dataclass
class Updated:
    files: list[FileUpdate]
    problems: list[str]  # FILE:SHEET!CELL：why


def scalar(value: Any) -> str:
    """A value as YAML writes it inside a flow or a block: plain when that reads back the same, else quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    # Plain only when every YAML reader takes it for this text: by 1.2 (powerctl) and by 1.1 (PyYAML and most
    # editors' tools, for which yes, on, =, 1:20 or 2026-01-01 are other things).
    if text and not _PLAIN_UNSAFE.search(text) and resolve_plain(text) == text and _text_in_yaml11(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _text_in_yaml11(text: str) -> bool:
    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == "tag:yaml.org,2002:str")


def flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def _source(doc: Document, line: int) -> str:
    lines = doc.text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _set(doc: Document, path: tuple[str | int, ...], value: Any) -> list[Edit] | None:
    """The edits that make the value at path (creating its key if absent) be `value`; None if not possible."""
    if doc.has_value(path):
        line, column, end_line, end_column = doc.values[path]
        current = value_at_path(doc.data, path)
        if isinstance(current, list) and not (isinstance(value, list) and end_line == line):
            if _source(doc, line)[column - 1 : column] == "-" and isinstance(value, list):
                # A block sequence: its lines replaced by one line per item, at the same indentation.
                lines = doc.text.splitlines()
                last = _last_line(lines, end_line, end_column)
                pad = " " * (column - 1)
                body = "\n".join(f"{pad}- {flow(v)}" for v in value) if value else f"{pad}[]"
                edits = [Edit(line, column, len(lines[line - 1]) - column + 1, body.lstrip(" ") if value else "[]")]
                edits += [Edit(n, 1, len(lines[n - 1]), "\x00") for n in range(line + 1, last + 1)]
                return edits
            return None
        if end_line != line:
            return None
        text = flow(value)
        return [Edit(line, column, end_column - column, text)]
    if not path:
        return None
    parent = path[:-1]
    key = path[-1]
    holder = value_at_path(doc.data, parent)
    if holder is None and len(parent) > 0:
        nested: dict[str, Any] = {str(key): value}
        return _set(doc, parent, nested)
    if not isinstance(holder, dict) or not doc.has_value(parent):
        return None
    pline, pcol, pend, pend_col = doc.values[parent]
    if _source(doc, pline)[pcol - 1 : pcol] == "{" and pend == pline:
        return [Edit(pline, pcol, pend_col - pcol, flow({**holder, str(key): value}))]
    keys = [k for k in holder if doc.keys.get((*parent, k))]
    if not keys:
        return None
    first = doc.keys[(*parent, keys[0])]
    lines = doc.text.splitlines()
    last_line = max(_last_line(lines, doc.values[(*parent, k)][2], doc.values[(*parent, k)][3]) for k in keys)
    last_line = max(last_line, max(doc.keys[(*parent, k)][0] for k in keys))
    pad = " " * (first[1] - 1)
    end = len(lines[last_line - 1])
    return [Edit(last_line, end + 1, 0, f"\n{pad}{key}: {flow(value)}")]


def _last_line(lines: list[str], end_line: int, end_column: int) -> int:
    """The last line a block node occupies: libyaml ends a block where the next token starts, so when only
    indentation comes before its end on that line, the node ended on the line above."""
    if end_line > len(lines):
        return len(lines)
    return end_line - 1 if not lines[end_line - 1][: end_column - 1].strip() else end_line


def _set_field(doc: Document, index: int, top: str, leaves: Mapping[tuple[str, ...], Any]) -> list[Edit] | None:
    """The edits for one field of a power: a value (leaves {(): v}) or some keys of a mapping field."""
    path: tuple[str | int, ...] = ("powers", index, top)
    if () in leaves:
        return _set(doc, path, leaves[()])
    current = value_at_path(doc.data, path)
    merged: dict[str, Any] = dict(current) if isinstance(current, Mapping) else {}
    for leaf, value in leaves.items():
        merged[leaf[0]] = value
    if current is None or not doc.has_value(path):
        return _set(doc, path, merged)
    line, _, end_line, end_column = doc.values[path]
    if _last_line(doc.text.splitlines(), end_line, end_column) == line or end_line == line:
        return _set(doc, path, merged)  # a flow mapping on one line: written again whole
    if not isinstance(current, Mapping):
        return None
    edits: list[Edit] = []
    missing = {k: v for k, v in merged.items() if k not in current}
    for key, value in merged.items():
        if key in current and current[key] != value:
            change = _set(doc, (*path, key), value)
            if change is None:
                return None
            edits.extend(change)
    if missing:
        keys = [k for k in current if doc.keys.get((*path, k))]
        if not keys:
            return None
        lines = doc.text.splitlines()
        last = max(_last_line(lines, doc.values[(*path, k)][2], doc.values[(*path, k)][3]) for k in keys)
        last = max(last, max(doc.keys[(*path, k)][0] for k in keys))
        pad = " " * (doc.keys[(*path, keys[0])][1] - 1)
        added = "".join(f"\n{pad}{k}: {flow(v)}" for k, v in missing.items())
        edits.append(Edit(last, len(lines[last - 1]) + 1, 0, added))
    return edits


def value_at_path(data: Any, path: tuple[str | int, ...]) -> Any:
    node = data
    for part in path:
        if isinstance(node, dict) and isinstance(part, str):
            if part not in node:
                return None
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int):
            if part >= len(node):
                return None
            node = node[part]
        else:
            return None
    return node


def _finish(text: str) -> str:
    """Drop the lines an edit emptied (a block sequence rewritten as fewer lines)."""
    return "".join(line for line in text.splitlines(keepends=True) if line.rstrip("\r\n") != "\x00")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def update(workbook: Path, catalogues: Mapping[str, Path], display: str) -> Updated:
    """The catalogue files changed by the workbook's edited cells (unit id → its file in `catalogues`)."""
    import openpyxl

    from powerctl.importer.sheets import column_letter

    office_limits.xlsx(workbook, display)  # measured before openpyxl reads it whole
    book = openpyxl.load_workbook(workbook, data_only=True)
    files: list[FileUpdate] = []
    problems: list[str] = []
    for sheet in book.worksheets:
        if sheet["A1"].value != MARK:
            problems.append(f"{display}:{sheet.title}：不是 powerctl export 导出的工作表，未读取")
            continue
        uid = _text(sheet["B1"].value)
        target = catalogues.get(uid)
        if target is None:
            problems.append(f"{display}:{sheet.title}!B1：目录中没有单位「{uid}」")
            continue
        text = target.read_text(encoding="utf-8")
        doc = load_text(str(target), text)
        if doc.problems or not isinstance(doc.data, dict):
            problems.append(f"{display}:{sheet.title}：{target} 有语法错误，先修正再导回")
            continue
        header = {_text(c.value).lstrip("★"): c.column - 1 for c in sheet[HEADER_ROW] if c.value}
        columns: list[tuple[int, Column]] = [(header[col.header], col) for col in COLUMNS if col.header in header]
        listed = doc.data.get("powers")
        powers: list[Any] = listed if isinstance(listed, list) else []
        edits: list[Edit] = []
        said: list[str] = []
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
            cells = {c: _text(row[c].value) if c < len(row) else "" for c, _ in columns}
            if not any(cells.values()):
                continue
            where = f"{display}:{sheet.title}!{column_letter(0)}{row[0].row}"
            index = _find(powers, cells, columns)
            if index is None:
                problems.append(f"{where}：目录中没有这项职权（新职权请用 powerctl import 导入），未导入")
                continue
            power = powers[index]
            wanted: dict[tuple[str, ...], Any] = {}
            told: dict[tuple[str, ...], tuple[str, str]] = {}
            for c, column in columns:
                current = value_at(power, column.path)
                if unchanged(column, current, cells[c]):
                    continue
                at = f"{display}:{sheet.title}!{column_letter(c)}{row[0].row}"
                if column.path == ("id",):
                    problems.append(f"{at}：职权标识不能在表中修改，未改")
                    continue
                try:
                    value = column.read(cells[c])
                except CellError as exc:
                    problems.append(f"{at}（{column.header}）：{exc}，未改")
                    continue
                if value is None:
                    problems.append(f"{at}（{column.header}）：清空单元格不会删除目录中的内容，未改")
                    continue
                wanted[column.path] = value
                told[column.path] = (
                    at,
                    f"{power.get('id')} {column.header}：{column.show(current) or '（无）'} → {cells[c]}",
                )
            # One edit per field of the power: the cells of one mapping (时限, 收费, 公开) change it together.
            for top in dict.fromkeys(path[0] for path in wanted):
                leaves = {path[1:]: v for path, v in wanted.items() if path[0] == top}
                change = _set_field(doc, index, top, leaves)
                paths = [path for path in wanted if path[0] == top]
                if change is None:
                    for path in paths:
                        problems.append(f"{told[path][0]}：这一处的写法无法自动改写，请在 YAML 中修改")
                    continue
                edits.extend(change)
                said.extend(told[path][1] for path in paths)
        if edits:
            new = _finish(apply_edits(text, edits))
            files.append(FileUpdate(target, new, said))
    return Updated(files, problems)


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
