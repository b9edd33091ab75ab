"""Word documents that give each power its own key-value table, read as one table of powers.

The commonest 行政权力责任事项梳理表 gives every power a small table of its own, the keys in the left column
(职权名称 | …; 职权类型 | 行政处罚 | 审核转报 | 否; 责任事项 | 一般程序：1.立案责任：…), and many a township's
权力清单 writes the power's name as a paragraph above such a table (1. 对……的处罚, （一）…, bold text). Such a
table is told from an ordinary one only on positive evidence: most of its lines begin with a key the column
synonyms know. All of a document's key-value tables become ONE table with a header row of the keys and one
row per power, so that the importer reads them as it reads any table; every cell keeps its place in the
document (表3第2行第4列, 第12段 for a name paragraph), so every reported position is the original one. A key
the synonyms do not know becomes a column of its own, and so is reported at each of its cells: every
non-empty cell ends up in the catalogue or in the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from powerctl.importer.build import CATEGORIES
from powerctl.importer.columns import field_of, normal_header
from powerctl.importer.sheets import SheetError, Table, damaged_table, word_table
from powerctl.importer.sheets import read_tables as read_sheets
from powerctl.source import office_limits

_KEY_LENGTH = 14  # a key is short: 中央行政许可事项清单序号 has 12 characters
_UNNAMED = "未写项名"  # the header of values whose key cell is empty (a key with no text is no column name)
_TITLE = "表内文字"  # the header of a line across a table that is neither a key nor the power's name
_COLUMN_TITLES = {"项目", "内容", "具体内容", "要素", "事项", "栏目"}  # 项目 | 内容: a table's header over its keys
# Fields whose values are lines: a key merged down over several values gives them all, one a line. Any other
# field takes one value; a second one is a column of its own (法定时限（第2处）), reported, never joined to it.
_LINES = {"basis", "basis_set", "basis_impl", "responsibilities", "accountability", "note"}
_FIXED = (("seq", "序号"), ("name", "职权名称"), ("category", "职权类别"))
# Numbering before a power's name: 1. 1、 （一） 一、 ① 第1项
_NUMBERING = re.compile(
    r"^\s*(?:[0-9０-９]+\s*[.．、]|[（(]\s*[0-9一二三四五六七八九十]+\s*[）)]|[一二三四五六七八九十]+\s*[、.．]"
    r"|[①-⑳]|第[0-9一二三四五六七八九十]+项\s*[：:、]?)\s*"
)
_SECTION = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+[部分类章节])\s*")
_COUNT = re.compile(r"[（(]\s*共?\s*[0-9]+\s*项\s*[）)]|共\s*[0-9]+\s*项|事项|类|[：:]")
_INLINE = re.compile(r"^(?P<key>[^：:\n]{1,20})[：:]\s*(?P<value>.+)$", re.S)  # 职权名称：对……的处罚, in one cell
_NOTE = re.compile(r"^\s*(?:注|说明|备注|附注)\s*[0-9]*\s*[：:]")
_SHORT_CATEGORIES = {c.removeprefix("行政") for c in CATEGORIES} | {"其他", "其他权力"}


@dataclass(frozen=True)
class _Cell:
    text: str
    where: str  # 表3第2行第4列
    column: int  # the grid column it starts at
    continued: bool  # a vertical merge going on: the cell above, again


@dataclass
class _Item:
    key: str  # as written ("" when the key cell is empty)
    values: list[_Cell] = field(default_factory=list)


@dataclass
class _Power:
    table: int
    items: dict[str, _Item]  # by the key's normal form, in the table's order
    name: tuple[str, str] | None  # (text, where) when the name is not an item of the table
    category: tuple[str, str] | None  # the section paragraph above, for a table without a category


def read_tables(path: Path, display: str | None = None) -> list[Table]:
    """The tables of an office file, a Word document's key-value tables read as one table of powers."""
    return read_sheets(path, display, word=word_document)


def word_document(document: Any, display: str) -> Iterator[Table]:
    """The tables of a Word document (python-docx's `Document`) in order: ordinary tables as 表N; the per-power
    key-value tables together as one table, where the first of them is."""
    from docx.oxml.ns import qn

    paragraph = number = 0
    above: tuple[str, str] | None = None  # the last paragraph with text since the previous table
    section: tuple[str, str] | None = None  # the last section title (一、行政处罚（共3项）)
    tables: list[Table | None] = []  # None: where the key-value tables go
    powers: list[_Power] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph += 1
            text = _clean(child.text or "")
            if text and _is_section(text):
                section, above = (text, f"第{paragraph}段"), None
            elif _NOTE.match(text):
                above = None  # 注：…, 说明：… is no power's name
            elif text:
                above = (text, f"第{paragraph}段")
        elif child.tag == qn("w:tbl"):
            number += 1
            with damaged_table(number, display):
                rows = _cells(child, number)
            if _vertical(rows):
                if None not in tables:
                    tables.append(None)
                powers.append(_power(rows, number, above, section))
            else:
                tables.append(word_table(child, number, display))
            above = None
    for table in tables:
        yield table if table is not None else _combined(powers, display)


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _is_section(text: str) -> bool:
    """一、行政许可（共2项）, 第二类 行政处罚: a title over the powers of one category, not a power's name."""
    m = _SECTION.match(text)
    if m is None:
        return False
    rest = _COUNT.sub("", text[m.end() :]).strip()
    return rest in CATEGORIES or rest in _SHORT_CATEGORIES


def _cells(tbl: Any, number: int) -> list[list[_Cell]]:
    """The cells of a Word table as written (a cell spanning columns once), row by row; a cell continuing a
    vertical merge has the text of the cell it continues."""
    rows: list[list[_Cell]] = []
    above: dict[int, str] = {}  # grid column → the text of the last cell over it
    for r, tr in enumerate(tbl.tr_lst):
        column = tr.grid_before
        row: list[_Cell] = []
        for tc in tr.tc_lst:
            continued = tc.vMerge == "continue"
            text = above.get(column, "") if continued else _clean("\n".join(p.text for p in tc.p_lst))
            row.append(_Cell(text, f"表{number}第{r + 1}行第{column + 1}列", column, continued))
            span = max(1, tc.grid_span)
            for c in range(column, column + span):
                above[c] = text
            column += span
        rows.append(row)
    return rows


def _key(text: str) -> str | None:
    """The field a key cell names (职权名称 → name), None for text that is not a key."""
    if not text or len(normal_header(text)) > _KEY_LENGTH:
        return None
    return field_of(text)


def _inline(cell: _Cell) -> tuple[str, _Cell] | None:
    """A key and its value written in one cell across the table (职权名称：对……的处罚): the key, and the value
    as a cell of its own at the same place."""
    m = _INLINE.match(cell.text)
    if m is None or _key(m["key"]) is None:
        return None
    return m["key"], replace(cell, text=m["value"].strip())


def _vertical(rows: list[list[_Cell]]) -> bool:
    """Positive evidence of a key-value table: at least two lines, and three in five, start with a known key
    (key | value rows, a key alone over its value, 职权名称：… in one cell); no row is a header of three keys
    side by side."""
    keyed = lines = 0
    for r, row in enumerate(rows):
        cells = [c for c in row if c.text]
        if not cells:
            continue
        run = 0
        for c in row:
            run = run + 1 if _key(c.text) else 0
            if run >= 3:
                return False  # 序号 | 事项名称 | 事项类型 …: an ordinary table's header
        if len(row) >= 2:
            lines += 1
            keyed += _key(row[0].text) is not None
        elif _key(row[0].text) and r + 1 < len(rows) and len(rows[r + 1]) == 1 and not _key(rows[r + 1][0].text):
            lines += 1  # a key alone on its line, over its value
            keyed += 1
        elif _inline(row[0]):
            lines += 1
            keyed += 1
    return keyed >= 2 and keyed * 5 >= lines * 3


def _power(
    rows: list[list[_Cell]], number: int, above: tuple[str, str] | None, section: tuple[str, str] | None
) -> _Power:
    items: dict[str, _Item] = {}
    titles: list[_Cell] = []
    last_key: dict[int, str] = {}  # grid column → the key last written there (a key cell left empty below it)

    def add(key: str, value: _Cell | None) -> None:
        norm = normal_header(key) or key
        item = items.setdefault(norm, _Item(key))
        if value is not None and value.text and not value.continued:
            item.values.append(value)

    skip = -1
    top = next((row for row in rows if any(c.text for c in row)), [])
    for r, row in enumerate(rows):
        if r == skip or not any(c.text for c in row):
            continue
        if row is top and len(row) > 1 and all(c.text in _COLUMN_TITLES for c in row if c.text):
            continue  # the table's own header: 项目 | 内容
        if len(row) == 1:
            cell = row[0]
            if cell.continued:
                continue
            below = rows[r + 1] if r + 1 < len(rows) else []
            if _key(cell.text) and len(below) == 1 and not _key(below[0].text):
                add(cell.text, below[0])  # the key on its own line, the value on the next
                skip = r + 1
            elif _key(cell.text):
                add(cell.text, None)
            elif (inline := _inline(cell)) is not None:
                add(*inline)
            else:
                titles.append(cell)
            continue
        i = 0
        while i < len(row):
            cell = row[i]
            if i + 1 < len(row) and _key(cell.text) and _key(row[i + 1].text):
                i += 1  # a key over a group: 办理时限 beside 法定时限 | … and 承诺时限 | …
                continue
            value = row[i + 1] if i + 1 < len(row) else None
            if value is None and cell.text and not _key(cell.text):
                add("", cell)  # a last cell with no key before it
            else:
                key = cell.text or last_key.get(cell.column, "")
                last_key[cell.column] = key
                add(key, value)
            i += 2
    name: tuple[str, str] | None = None
    named = any(_key(item.key) == "name" and item.values for item in items.values())
    if not named:
        if titles and len(top) == 1 and titles[0] is top[0]:
            name = (titles.pop(0).text, top[0].where)  # the name across the table's first line
        elif above is not None:
            name = above
        if name is not None:
            name = (_NUMBERING.sub("", name[0], count=1).strip() or name[0], name[1])
    for cell in titles:
        add(_TITLE, cell)
    has_category = any(_key(item.key) == "category" and item.values for item in items.values())
    return _Power(number, items, name, None if has_category else section)


def _combined(powers: list[_Power], display: str) -> Table:
    """One table: a header row of the keys, one row per power, each cell with the place it came from."""
    defaults: dict[tuple[str, str | int], str] = {(f, 0): h for f, h in _FIXED}
    headers: dict[tuple[str, str | int], str] = {}  # column: (field, rank) or ("", the key's normal form)
    placed: list[dict[tuple[str, str | int], list[_Cell]]] = []
    for power in powers:
        cells: dict[tuple[str, str | int], list[_Cell]] = {}
        for norm, item in power.items.items():
            f = _key(item.key) if item.key else None
            column: tuple[str, str | int]
            if f is not None:  # a second key of the same field (事项名称 beside 职权名称) is a column of its own
                column = (f, sum(1 for g, _ in cells if g == f))
            else:
                column = ("", norm if normal_header(item.key) else _UNNAMED)
            headers.setdefault(column, item.key if normal_header(item.key) else _UNNAMED)
            values = item.values if f is None or f in _LINES else item.values[:1]
            cells.setdefault(column, []).extend(values)
            for i, extra in enumerate(item.values[len(values) :], 2):  # a field of one value written twice
                again: tuple[str, str | int] = ("", f"{norm}（第{i}处）")
                headers.setdefault(again, f"{item.key}（第{i}处）")
                cells[again] = [extra]
        if power.name is not None:
            cells[("name", 0)] = [_Cell(power.name[0], power.name[1], 0, False)]
        if power.category is not None and not cells.get(("category", 0)):
            cells[("category", 0)] = [_Cell(power.category[0], power.category[1], 0, False)]
        placed.append(cells)
    # The fixed columns, then each field's first column, then the rest: the importer reads a field from its
    # first column and reports the others as columns it does not know.
    order = [*defaults, *(c for c in headers if c not in defaults and c[0] and c[1] == 0)]
    order += [c for c in headers if c not in order]
    # A column per key written: keys that differ from table to table must not make a table of every power by
    # every key that the document's own tables never spanned.
    if len(order) > office_limits.MAX_COLUMNS or len(order) * (len(powers) + 1) > office_limits.MAX_GRID_CELLS:
        raise SheetError(
            f"{display}：每项职权一张的表格共写了 {len(order)} 种不同的项名（{len(powers)} 项职权），超过上限"
            f"（{office_limits.MAX_COLUMNS} 种、共 {office_limits.MAX_GRID_CELLS} 格）；"
            "请把同一内容的项名写得一致后再导入"
        )
    rows = [[headers.get(c) or defaults[c] for c in order]]
    origin: list[tuple[str, ...]] = [tuple("" for _ in order)]
    for i, (power, cells) in enumerate(zip(powers, placed, strict=True), 1):
        row: list[str] = []
        where: list[str] = []
        for c in order:
            found = cells.get(c, [])
            if c == ("seq", 0) and not found:
                row.append(str(i))  # the power's place among the tables: a row with one cell is still a power
                where.append(f"表{power.table}")
                continue
            row.append("\n".join(v.text for v in found))
            where.append(_places(found))
        rows.append(row)
        origin.append(tuple(where))
    first, last = powers[0].table, powers[-1].table
    name = f"表{first}" if first == last else f"表{first}至表{last}"
    return Table(display, name, rows, word=True, origin=tuple(origin))


def _places(cells: list[_Cell]) -> str:
    """表3第5行第2列, or 表3第5行第2列、第6行第2列 for a value written over several rows."""
    if not cells:
        return ""
    first = cells[0].where
    table = first[: first.index("第")]
    rest = [c.where[len(table) :] if c.where.startswith(table + "第") else c.where for c in cells[1:]]
    return "、".join([first, *rest])
