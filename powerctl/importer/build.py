"""Rows of office tables → units and powers as catalogue data; every cell not mapped is reported.

What a file says is written; what it does not say is left out and listed (``absent``: no column for it;
``blank``: its cell is empty), so that validate names each gap. Nothing is invented: a time limit that does not
read as days, a category that is none of the catalogue's, a column powerctl does not know — each is reported at
its cell with its header. A 主项 with 子项 rows is one power for the 主项 and one per 子项 (``parents``); a power
of several 实施主体 (A、B) is a power of each (``joint``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from powerctl.importer.columns import Layout, find_layout, map_row
from powerctl.importer.fields import CATEGORIES, STATUSES, Row, category_of, read_row
from powerctl.importer.sheets import Table

__all__ = ["CATEGORIES", "ID_PREFIX", "STATUSES", "Imported", "UnitRows", "Unmapped", "build", "category_of"]

ID_PREFIX = {
    "行政许可": "XK",
    "行政处罚": "CF",
    "行政强制": "QZ",
    "行政征收": "ZS",
    "行政给付": "JF",
    "行政检查": "JC",
    "行政确认": "QR",
    "行政奖励": "JL",
    "行政裁决": "CJ",
    "其他行政权力": "QT",
    "公共服务": "GG",
    "重大事项决策": "JZ",
    "内部管理": "NB",
}
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+|[0-9]+)[、.．]|^第[一二三四五六七八九十]+[部分类章节]|[（(]共"
    r"|^\s*(?:共|合计|小计)\s*[:：]?\s*[0-9零一二三四五六七八九十百]+\s*[项条个]"
)
_FOOTNOTE = re.compile(r"^\s*(?:注|备注|说明|附注|填表说明)\s*[0-9０-９]*[：:．.、]")
_NO_SUB = {"", "/", "／", "无", "—", "-", "——"}  # a 子项 cell that names no 子项
_JOINT = re.compile(r"[、，,；;\n]+")
INHERITED = ("category", "owner", "subject", "department", "status")  # what a 子项 takes from its 主项's own row


@dataclass(frozen=True)
class Unmapped:
    where: str  # FILE:SHEET!B5
    header: str
    text: str
    reason: str


@dataclass
class UnitRows:
    name: str  # from the grouping column, or given
    powers: list[dict[str, Any]] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)  # names, in the order they appear
    missing: dict[int, list[str]] = field(default_factory=dict)  # power index → fields the file has no column for
    blank: dict[int, list[str]] = field(default_factory=dict)  # power index → fields whose cell is empty
    varied: dict[int, list[str]] = field(default_factory=dict)  # 主项 index → fields its 子项 each give
    guessed_roles: set[int] = field(default_factory=set)  # power indexes whose citation roles were inferred
    parents: dict[int, int] = field(default_factory=dict)  # 子项's index → its 主项's index
    joint: dict[int, str] = field(default_factory=dict)  # power index → the 实施主体 cell naming several units


@dataclass
class Imported:
    units: list[UnitRows]
    unmapped: list[Unmapped]
    citations: int = 0
    tables: int = 0


def _single(row: list[str]) -> tuple[int, str] | None:
    """The one text of a row that holds one (a merged title across the table, or one cell), with its column."""
    texts = {t for t in row if t}
    if len(texts) != 1:
        return None
    text = texts.pop()
    return row.index(text), text


class _Builder:
    def __init__(self, extra_categories: Sequence[str]) -> None:
        self.extra = tuple(extra_categories)
        self.units: dict[str, UnitRows] = {}
        self.unmapped: list[Unmapped] = []
        self.told: set[Unmapped] = set()
        self.citations = 0

    def report(self, table: Table, r: int, c: int, header: str, text: str, reason: str) -> None:
        said = Unmapped(table.where(r, c), header, text, reason)
        if said not in self.told:  # a 主项's cell read again for each of its 子项 is told once
            self.told.add(said)
            self.unmapped.append(said)

    def table(self, table: Table, default_unit: str) -> bool:
        layout = find_layout(table)
        if layout is None:
            return False
        heading = {v: k for k, v in layout.fields.items()}
        header_fields = set(layout.fields.values())
        category = category_of(table.name, self.extra) if table.name else None
        name_col, sub_col = heading["name"], heading.get("sub")
        pending: list[int] = []
        for r in range(layout.first_data_row, len(table.rows)):
            row = table.rows[r]
            if not any(row):
                continue
            if set(map_row(row).values()) >= header_fields - {"seq"} and len(header_fields) > 2:
                continue  # the header again (a Word table repeats it on every page)
            name = _at(row, name_col)
            sub = _at(row, sub_col)
            single = _single(row)
            across = single is not None and len(row) > 1 and all(t == single[1] for t in row)  # merged across
            marked = single is not None and (across or _SECTION.search(single[1]) or _FOOTNOTE.match(single[1]))
            if pending and sub not in _NO_SUB and name in ("", _at(table.rows[pending[0]], name_col)) and not marked:
                pending.append(r)  # a 子项 row: under its 主项 (merged: the same name; CSV: a blank)
                continue
            lone = single is not None and (single[0] != name_col or marked)
            if name and not lone:
                self.group(table, layout, pending, category, default_unit)
                pending = [r]
                continue
            self.group(table, layout, pending, category, default_unit)
            pending = []
            if single is not None:
                c, title = single
                titled = across or _SECTION.search(title) or c <= min(layout.fields)  # a title: first column
                found = category_of(title, self.extra) if titled and not _FOOTNOTE.match(title) else None
                if found is not None:
                    category = found
                elif _FOOTNOTE.match(title):
                    self.report(table, r, c, "（表下注释）", title, "表下的注释，不是职权，未导入")
                elif _SECTION.search(title):
                    self.report(table, r, c, "（分节标题）", title, "分节标题中没有职权类别，未使用")
                else:
                    self.report(
                        table, r, c, layout.headers.get(c, ""), title, "这一行只有一格文字、没有职权名称，未导入"
                    )
                continue
            for c, t in enumerate(row):
                if t:
                    self.report(table, r, c, layout.headers.get(c, ""), t, "这一行没有职权名称，未导入")
        self.group(table, layout, pending, category, default_unit)
        return True

    def group(self, table: Table, layout: Layout, rs: list[int], category: str | None, default_unit: str) -> None:
        """A row, or a 主项 and its 子项 rows: one power, or one for the 主项 and one per 子项 (``parent``)."""
        if not rs:
            return
        heading = {v: k for k, v in layout.fields.items()}
        name_col, sub_col = heading["name"], heading.get("sub")
        rows = table.rows
        head = rows[rs[0]]
        width = max(len(rows[r]) for r in rs)

        def at(r: int, c: int) -> str:
            return _at(rows[r], c)

        def read(row: list[str], r: int, inherited: Collection[int] = ()) -> Row:
            """A cell a 子项 takes from its 主项 is told at the 主项's row, where the file has it (once)."""

            def say(c: int, text: str, reason: str) -> None:
                self.report(table, rs[0] if c in inherited else r, c, layout.headers.get(c, ""), text, reason)

            return read_row(layout, row, category, self.extra, say)

        if len(rs) == 1 and _at(head, sub_col) in (*_NO_SUB, _at(head, name_col)):
            self.place(layout, head, [(read(head, rs[0]), None)], default_unit)
            return
        own = _at(head, sub_col) in _NO_SUB  # the 主项's own row, its 子项 below it
        if own:
            main_row, children = head, rs[1:]
            keep = {heading[f] for f in INHERITED if f in heading and at(rs[0], heading[f])}
        else:  # every row a 子项: the cells they share (merged, or CSV's blanks under the first) are the 主项's
            main_row, children = [""] * width, rs
            keep = {
                c
                for c in range(width)
                if c not in (name_col, sub_col) and at(rs[0], c) and all(at(r, c) in ("", at(rs[0], c)) for r in rs)
            }
            for c in keep:
                main_row[c] = at(rs[0], c)
            main_row[name_col] = at(rs[0], name_col)
        main = read(main_row, rs[0])
        if not own:  # what the 子项 rows give each for itself is no gap of the 主项
            varied = {f for c, f in layout.fields.items() if c not in keep and any(at(r, c) for r in rs)}
            main.varied = [f for f in main.blank if f.removeprefix("time_limit.") in varied]
            main.blank = [f for f in main.blank if f not in main.varied]
        reads: list[tuple[Row, int | None]] = [(main, None)]
        code_col = heading.get("code")
        for r in children:
            row = [at(r, c) for c in range(width)]
            inherited = set()  # the 主项's cells a 子项 row leaves blank (CSV): told at the 主项's row
            for c in keep:
                if c == code_col and not own:
                    row[c] = ""  # one code is the 主项's, not each 子项's
                elif not row[c]:
                    row[c] = at(rs[0], c)
                    inherited.add(c)
            row[name_col] = at(r, sub_col) if sub_col is not None else ""
            reads.append((read(row, r, inherited), 0))
        self.place(layout, main_row, reads, default_unit)

    def place(self, layout: Layout, row: list[str], reads: list[tuple[Row, int | None]], default_unit: str) -> None:
        """The powers of one row or group into their unit (by 主管部门, else 实施主体), or into each of several
        实施主体 (A、B): the same power in each catalogue."""
        heading = {v: k for k, v in layout.fields.items()}
        col = heading.get("owner", heading.get("subject"))
        text = _at(row, col)
        names = [text or default_unit]
        joint = None
        if "owner" not in heading and text:
            parts = [p.strip() for p in _JOINT.split(text) if p.strip()]
            if len(parts) > 1:
                names, joint = list(dict.fromkeys(parts)), text
        for name in names:
            unit = self.units.setdefault(name, UnitRows(name))
            first = len(unit.powers)
            for read, parent in reads:
                power = copy.deepcopy(read.power)
                if power.get("subject") == name or joint is not None:
                    power.pop("subject", None)
                if "department" in power and power["department"] not in unit.departments:
                    unit.departments.append(power["department"])
                index = len(unit.powers)
                unit.powers.append(power)
                if read.absent:
                    unit.missing[index] = list(read.absent)
                if read.blank:
                    unit.blank[index] = list(read.blank)
                if read.varied:
                    unit.varied[index] = list(read.varied)
                if read.guessed and len(power["basis"]) > 1:
                    unit.guessed_roles.add(index)
                if parent is not None:
                    unit.parents[index] = first + parent
                if joint is not None:
                    unit.joint[index] = joint
                if name == names[0]:
                    self.citations += len(power["basis"])


def _at(row: list[str], c: int | None) -> str:
    return row[c].strip() if c is not None and 0 <= c < len(row) else ""


def build(tables: Iterable[Table], default_unit: str, extra_categories: Sequence[str] = ()) -> Imported:
    """Units (grouped by the 主管部门/实施机关 column when there is one) and their powers."""
    builder = _Builder(extra_categories)
    count = 0
    for table in tables:
        if builder.table(table, default_unit):
            count += 1
        elif any(any(row) for row in table.rows):
            first = next(r for r, row in enumerate(table.rows) if any(row))
            builder.report(table, first, 0, "", "", "找不到表头（没有“事项名称”或“职权名称”等列），整张表未导入")
    return Imported(list(builder.units.values()), builder.unmapped, builder.citations, count)
