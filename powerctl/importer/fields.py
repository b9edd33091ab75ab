"""One data row of an office table → one power's fields; every cell, line and citation not used is reported.

What a row says is written as it says it; what it does not say is left out and named (a column the file does
not have, or a cell left blank), so that validate asks for it and the YAML comment says the truth.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from powerctl.importer.columns import Layout
from powerctl.importer.text import cell_lines, parse_citations, parse_days
from powerctl.source.schema import enum_values

CATEGORIES = enum_values("category")
STATUSES = enum_values("status")
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
_FREE = {"不收费", "无", "否", "免费", "不收取", "无收费", "不收取费用", "0", "0元", "无收费项目", "/", "—", "-"}
_STAGE = re.compile(r"^(?P<stage>[\u4e00-\u9fff]{1,8}?)(?:阶段)?责任[：:]\s*(?P<duty>.+)$", re.S)
# A sentence that leads into the list and is no item of it: 因不履行或不正确履行行政职责，有下列情形的……：
_PREAMBLE = re.compile(r"[：:]\s*$")
PREAMBLE = "追责情形前的引导语，不是一种追责情形，未作为一项写入"
Report = Callable[[int, str, str], None]  # column, text, reason


def category_of(text: str, extra: Sequence[str] = ()) -> str | None:
    t = unicodedata.normalize("NFKC", text).strip()
    for name in (*CATEGORIES, *extra):
        if name in t:
            return name
    for word, name in _CATEGORY_WORDS:
        if word in t:
            return name
    return None


@dataclass
class Row:
    """A power read from one row, with what the file does not say about it."""

    power: dict[str, Any] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)  # fields the file has no column for
    blank: list[str] = field(default_factory=list)  # fields whose cell is empty in this row
    varied: list[str] = field(default_factory=list)  # a 主项's fields its 子项 rows each give differently
    guessed: bool = False  # citation roles inferred (the basis column does not say 设定 or 实施)


def read_row(
    layout: Layout,
    row: list[str],
    category: str | None,
    extra: Sequence[str],
    say: Report,
) -> Row:
    """The power of ``row``; ``say(column, text, reason)`` for each piece not used."""
    out = Row()
    power = out.power

    def has(f: str) -> bool:
        return f in layout.fields.values()

    def cell(f: str) -> tuple[int, str] | None:
        for c, name in layout.fields.items():
            if name == f and c < len(row) and row[c].strip():
                return c, row[c].strip()
        return None

    def gap(f: str, key: str | None = None) -> None:
        (out.blank if has(f) else out.absent).append(key or f)

    found = cell("code")
    if found:
        power["code"] = found[1]
    name = cell("name")
    assert name is not None
    text = name[1].replace("\n", "")  # as written: the name must match the official list character for character
    text = re.sub(r"^\s*[0-9０-９]+[.．、]\s*", "", text).strip()
    if text.endswith(("*", "＊")):
        say(name[0], name[1], "名称后的“*”是原表的注记，已去掉")
        text = text.rstrip("*＊ ")
    power["name"] = text
    found = cell("category")
    chosen = category
    if found:
        chosen = category_of(found[1], extra)
        if chosen is None:
            say(found[0], found[1], "不是职权目录的职权类别")
    if chosen:
        power["category"] = chosen
    else:
        gap("category")
    found = cell("subject")
    if found:
        power["subject"] = found[1]
    found = cell("department")
    if found:
        power["department"] = found[1]  # a name here; write.py turns it into the department's id
    else:
        gap("department")
    found = cell("status")
    if found:
        status = next((s for s in STATUSES if s in found[1]), None)
        if status:
            power["status"] = status
        else:
            say(found[0], found[1], "不是清理结果的可选值")
            gap("status")
    else:
        gap("status")
    basis: list[dict[str, Any]] = []
    for f, role in (("basis_set", "设定依据"), ("basis_impl", "实施依据"), ("basis", None)):
        found = cell(f)
        if not found:
            continue
        parsed = parse_citations(found[1])
        for i, cit in enumerate(parsed.citations):
            entry: dict[str, Any] = {"law": cit.law, "article": cit.article}
            if role is None:
                out.guessed = True
            entry["role"] = role or ("设定依据" if i == 0 and not basis else "实施依据")
            if cit.quote:
                entry["quote"] = cit.quote
            basis.append(entry)
        for piece, why in parsed.unread:  # every piece of the cell not read as a citation, with its reason
            say(found[0], piece, why)
    power["basis"] = basis
    _time(layout, cell, power, out, say)
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
        gap("fee")
    out.absent.append("disclosure")
    found = cell("responsibilities")
    if found:
        items = []
        for line in cell_lines(found[1], "responsibilities"):
            m = _STAGE.match(line)
            items.append({"stage": m.group("stage"), "duty": m.group("duty").strip()} if m else {"duty": line})
        power["responsibilities"] = items
    found = cell("accountability")
    if found:
        lines = cell_lines(found[1], "accountability")
        if len(lines) > 1 and _PREAMBLE.search(lines[0]):
            say(found[0], lines[0], PREAMBLE)
            lines = lines[1:]
        power["accountability"] = lines
    found = cell("note")
    if found:
        power["note"] = found[1]
    found = cell("central_no")
    if found:
        power["x-central-no"] = found[1]
    for c, header in layout.unknown.items():
        if c < len(row) and row[c].strip():
            say(c, row[c].strip(), f"列「{header}」不是职权目录的字段，未导入")
    return out


def _time(layout: Layout, cell: Any, power: dict[str, Any], out: Row, say: Any) -> None:
    """办理时限: days, 即办, or null (“/”、无); 自立案之日起90日 → 90 with ``from``. A cell that reads as none of
    these is reported; a column the file lacks, or a blank cell, is named as such."""
    limits: dict[str, Any] = {}
    units: dict[str, str] = {}
    start: str | None = None
    columns = set(layout.fields.values())
    for f in ("statutory", "promised"):
        found = cell(f)
        if not found:
            (out.blank if f in columns else out.absent).append(f"time_limit.{f}")
            continue
        header = layout.headers.get(found[0], "")
        # A bare number counts in the unit its header names (法定时限（工作日）); else it is not read.
        named = "工作日" if "工作日" in header else "自然日" if ("自然日" in header or "天" in header) else None
        days = parse_days(found[1], named)
        if days is None:
            say(found[0], found[1], "读不出天数和单位（写成“20个工作日”“即办”，没有时限写“/”）")
            continue
        limits[f] = days.days
        if isinstance(days.days, int):
            units[f] = days.unit
        if days.start and start is None:
            start = days.start
        elif days.start and days.start != start:
            say(found[0], days.start, "法定时限与承诺时限的起算不同，只写入了法定时限的起算")
    if len(set(units.values())) > 1:
        found = cell("promised")
        assert found is not None
        say(found[0], found[1], "承诺时限与法定时限的单位不同（工作日与自然日），未写入")
        limits.pop("promised", None)
        out.blank.append("time_limit.promised")
    if not limits:
        return
    limits["unit"] = units.get("statutory") or units.get("promised") or "工作日"
    if start:
        limits["from"] = start
    order = ("statutory", "promised", "unit", "from")
    power["time_limit"] = {k: limits[k] for k in order if k in limits}
