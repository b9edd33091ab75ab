"""Rows of office tables → units and powers as catalogue data; every cell not mapped is reported.

What a file says is written; what it does not say is left out and listed (``missing``), so that validate
names each gap. Nothing is invented: a time limit that does not read as days, a category that is none of
the catalogue's, a column powerctl does not know — each is reported at its cell with its header.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from powerctl.importer.columns import Layout, find_layout, map_row
from powerctl.importer.sheets import Table
from powerctl.importer.text import parse_citations, parse_days
from powerctl.source.schema import enum_values

CATEGORIES = enum_values("category")
# Short forms in tables and section titles (一、行政许可事项; 类型: 处罚).
_CATEGORY_WORDS = (
    ("其他行政权力", "其他行政权力"),
    ("其他权力", "其他行政权力"),
    ("许可", "行政许可"),
    ("处罚", "行政处罚"),
    ("强制", "行政强制"),
    ("征收", "行政征收"),
    ("给付", "行政给付"),
    ("检查", "行政检查"),
    ("确认", "行政确认"),
    ("奖励", "行政奖励"),
    ("裁决", "行政裁决"),
    ("公共服务", "公共服务"),
    ("其他", "其他行政权力"),
)
STATUSES = enum_values("status")
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
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+|[0-9]+)[、.．]|^第[一二三四五六七八九十]+[部分类章节]")
_FREE = {"不收费", "无", "否", "免费", "不收取", "无收费", "不收取费用", "0", "0元", "无收费项目", "/", "—", "-"}
_STAGE = re.compile(r"^(?P<stage>[\u4e00-\u9fff]{1,8}?)(?:阶段)?责任[：:]\s*(?P<duty>.+)$", re.S)
_NUMBERED = re.compile(r"(?:^|\n)\s*(?:[0-9]+[.．、]|[（(][0-9一二三四五六七八九十]+[）)])\s*")


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
    missing: dict[int, list[str]] = field(default_factory=dict)  # power index → fields the file does not hold
    guessed_roles: set[int] = field(default_factory=set)  # power indexes whose citation roles were inferred


@dataclass
class Imported:
    units: list[UnitRows]
    unmapped: list[Unmapped]
    citations: int = 0
    tables: int = 0


def category_of(text: str, extra: Sequence[str] = ()) -> str | None:
    t = unicodedata.normalize("NFKC", text).strip()
    for name in (*CATEGORIES, *extra):
        if name in t:
            return name
    for word, name in _CATEGORY_WORDS:
        if word in t:
            return name
    return None


def _section(row: list[str], layout: Layout) -> str | None:
    """A row that is one text across the table (a merged title) or one cell: a section title."""
    texts = {t for t in row if t}
    if len(texts) != 1:
        return None
    text = texts.pop()
    filled = sum(1 for t in row if t)
    return text if filled == len([t for t in row]) or filled == 1 or _SECTION.match(text) else None


def _lines(text: str) -> list[str]:
    parts = _NUMBERED.split(text) if _NUMBERED.search(text) else re.split(r"[；;\n]+", text)
    return [p.strip(" ；;。\n") for p in parts if p.strip(" ；;。\n")]


class _Builder:
    def __init__(self, extra_categories: Sequence[str]) -> None:
        self.extra = tuple(extra_categories)
        self.units: dict[str, UnitRows] = {}
        self.unmapped: list[Unmapped] = []
        self.citations = 0

    def report(self, table: Table, r: int, c: int, header: str, text: str, reason: str) -> None:
        self.unmapped.append(Unmapped(table.where(r, c), header, text, reason))

    def table(self, table: Table, default_unit: str) -> bool:
        layout = find_layout(table)
        if layout is None:
            return False
        heading = {v: k for k, v in layout.fields.items()}
        header_fields = set(layout.fields.values())
        group = heading.get("owner")
        if group is None and "subject" in heading:
            group = heading["subject"]
        category = category_of(table.name, self.extra) if table.name else None
        for r in range(layout.first_data_row, len(table.rows)):
            row = table.rows[r]
            if not any(row):
                continue
            if set(map_row(row).values()) >= header_fields - {"seq"} and len(header_fields) > 2:
                continue  # the header again (a Word table repeats it on every page)
            title = _section(row, layout)
            if title is not None:
                found = category_of(title, self.extra)
                if found is not None:
                    category = found
                else:
                    self.report(table, r, 0, "（分节标题）", title, "分节标题中没有职权类别，未使用")
                continue
            name_col = heading["name"]
            name = row[name_col].strip() if name_col < len(row) else ""
            if not name:
                cells = [(c, t) for c, t in enumerate(row) if t]
                for c, t in cells:
                    self.report(table, r, c, layout.headers.get(c, ""), t, "这一行没有职权名称，未导入")
                continue
            owner = row[group].strip() if group is not None and group < len(row) and row[group].strip() else ""
            unit = self.units.setdefault(owner or default_unit, UnitRows(owner or default_unit))
            self.row(table, layout, r, row, unit, category)
        return True

    def row(self, table: Table, layout: Layout, r: int, row: list[str], unit: UnitRows, category: str | None) -> None:
        power: dict[str, Any] = {}
        missing: list[str] = []
        basis: list[dict[str, Any]] = []
        guessed = False

        def cell(f: str) -> tuple[int, str] | None:
            for c, name in layout.fields.items():
                if name == f and c < len(row) and row[c].strip():
                    return c, row[c].strip()
            return None

        found = cell("code")
        if found:
            power["code"] = found[1]
        name = cell("name")
        assert name is not None
        text = name[1].replace("\n", "")  # as written: the name must match the official list character for character
        text = re.sub(r"^\s*[0-9０-９]+[.．、]\s*", "", text).strip()
        if text.endswith(("*", "＊")):
            self.report(table, r, name[0], layout.headers.get(name[0], ""), name[1], "名称后的“*”是原表的注记，已去掉")
            text = text.rstrip("*＊ ")
        power["name"] = text
        found = cell("category")
        chosen = category
        if found:
            chosen = category_of(found[1], self.extra)
            if chosen is None:
                self.report(table, r, found[0], layout.headers.get(found[0], ""), found[1], "不是职权目录的职权类别")
        if chosen:
            power["category"] = chosen
        else:
            missing.append("category")
        found = cell("subject")
        if found and found[1] != unit.name:
            power["subject"] = found[1]
        found = cell("department")
        if found:
            if found[1] not in unit.departments:
                unit.departments.append(found[1])
            power["department"] = found[1]  # a name here; write.py turns it into the department's id
        else:
            missing.append("department")
        found = cell("status")
        if found:
            status = next((s for s in STATUSES if s in found[1]), None)
            if status:
                power["status"] = status
            else:
                self.report(table, r, found[0], layout.headers.get(found[0], ""), found[1], "不是清理结果的可选值")
                missing.append("status")
        else:
            missing.append("status")
        for f, role in (("basis_set", "设定依据"), ("basis_impl", "实施依据"), ("basis", None)):
            found = cell(f)
            if not found:
                continue
            parsed = parse_citations(found[1])
            for i, cit in enumerate(parsed.citations):
                entry: dict[str, Any] = {"law": cit.law, "article": cit.article}
                if role is None:
                    guessed = True
                entry["role"] = role or ("设定依据" if i == 0 and not basis else "实施依据")
                if cit.quote:
                    entry["quote"] = cit.quote
                basis.append(entry)
            for piece, why in parsed.unread:  # every piece of the cell not read as a citation, with its reason
                self.report(table, r, found[0], layout.headers.get(found[0], ""), piece, why)
        power["basis"] = basis
        self.citations += len(basis)
        self._time(table, layout, r, cell, power, missing)
        found = cell("fee")
        if found:
            t = unicodedata.normalize("NFKC", found[1]).strip()
            if t in _FREE or t.startswith(("不收费", "免费", "不收取")):
                power["fee"] = {"charged": False}
            else:
                fee: dict[str, Any] = {"charged": True, "standard": found[1]}
                cited = parse_citations(found[1]).citations
                if cited:
                    fee["basis"] = {"law": cited[0].law, "article": cited[0].article, "role": "实施依据"}
                power["fee"] = fee
        else:
            missing.append("fee")
        missing.append("disclosure")
        found = cell("responsibilities")
        if found:
            items = []
            for line in _lines(found[1]):
                m = _STAGE.match(line)
                items.append({"stage": m.group("stage"), "duty": m.group("duty").strip()} if m else None)
            if items and all(items):
                power["responsibilities"] = items
            else:
                self.report(
                    table, r, found[0], layout.headers.get(found[0], ""), found[1], "读不出“某某责任：……”的分项"
                )
        found = cell("accountability")
        if found:
            power["accountability"] = _lines(found[1])
        found = cell("note")
        if found:
            power["x-note"] = found[1]
        found = cell("central_no")
        if found:
            power["x-central-no"] = found[1]
        for c, header in layout.unknown.items():
            if c < len(row) and row[c].strip():
                self.report(table, r, c, header, row[c].strip(), f"列「{header}」不是职权目录的字段，未导入")
        index = len(unit.powers)
        unit.powers.append(power)
        if missing:
            unit.missing[index] = missing
        if guessed and len(basis) > 1:
            unit.guessed_roles.add(index)

    def _time(self, table: Table, layout: Layout, r: int, cell: Any, power: dict[str, Any], missing: list[str]) -> None:
        limits: dict[str, Any] = {}
        units: dict[str, str] = {}
        for f in ("statutory", "promised"):
            found = cell(f)
            if not found:
                continue
            header = layout.headers.get(found[0], "")
            # A bare number counts in the unit its header names (法定时限（工作日）); else it is not read.
            named = "工作日" if "工作日" in header else "自然日" if ("自然日" in header or "天" in header) else None
            days = parse_days(found[1], named)
            if days is None:
                self.report(table, r, found[0], header, found[1], "读不出天数和单位（写成“20个工作日”）")
                continue
            limits[f] = days.days
            if days.days:
                units[f] = days.unit
        if len(set(units.values())) > 1:
            found = cell("promised")
            assert found is not None
            header = layout.headers.get(found[0], "")
            self.report(table, r, found[0], header, found[1], "承诺时限与法定时限的单位不同（工作日与自然日），未写入")
            limits.pop("promised", None)
        unit_name = units.get("statutory") or units.get("promised") or "工作日"
        if "promised" not in limits and limits.get("statutory") is not None:
            missing.append("time_limit.promised")
        if not limits:
            missing.append("time_limit")
            return
        limits.setdefault("statutory", None)
        limits["unit"] = unit_name
        power["time_limit"] = limits


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
