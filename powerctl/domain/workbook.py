"""The editable workbook: which columns it has, how a power's fields are shown in a cell, and how a cell is
read back. `powerctl export` writes with it and `powerctl import --update` reads with it, so a cell nobody
edited reads back as exactly the value that was exported, and changes nothing.

COLUMNS is the one list of the workbook's columns: the header a clerk sees, the YAML path it holds and the
note that says what to type (findings name the column from it). Every field `powerctl import` reads is here.
承办机构 and 主项 are shown by name and read back to the id; a line of a list cell (依据, 责任事项, 追责情形)
left as it was keeps its item exactly as it was.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from powerctl.laws.citation import article_label, law_name
from powerctl.source.schema import enum_values

MARK = "powerctl-workbook@1"  # in the hidden cell A1 of each unit's sheet, with the unit's id beside it
ROLES = ("设定依据", "实施依据")
INSTANT = "即办"  # a time limit handled on the spot
NONE_SHOWN = "/"  # a time limit that is null (the list's “/”, 无)
# The law's name runs to the last 》 before the article (a name may hold 《》 of its own: 湖南省实施《…》办法).
_CITATION = re.compile(
    r"^《(?P<law>.+)》(?P<article>[^（）《》：“]*)（(?P<role>设定依据|实施依据)）(?:：“(?P<quote>.*)”)?$", re.S
)
_NUMBERING = re.compile(r"^\s*(?:\d{1,3}\s*[.．、,，)）]|[（(]\d{1,3}[)）]|[①-⑳])\s*")
_DUTY = re.compile(r"^(?P<stage>[^：:\n]+?)责任[：:](?P<duty>.+)$", re.S)
_NO_LIMIT = frozenset({"/", "／", "无", "—", "-", "－", "——", "\\"})

Cell = str | int  # what a cell shows: text, or a number for the numeric columns


class CellError(ValueError):
    """A cell whose text cannot be read as its column's value: said in a clerk's words."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # a key the power does not have (distinct from a YAML null)


@dataclass(frozen=True)
class Names:
    """What a sheet's names mean: the unit's departments and powers, as (id, name)."""

    departments: tuple[tuple[str, str], ...] = ()
    powers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, data: Any) -> Names:
        unit = data.get("unit") if isinstance(data, Mapping) else None
        listed = unit.get("departments") if isinstance(unit, Mapping) else None
        powers = data.get("powers") if isinstance(data, Mapping) else None
        return cls(_pairs(listed), _pairs(powers))


def _pairs(items: Any) -> tuple[tuple[str, str], ...]:
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            name = item.get("name")
            out.append((item["id"], name if isinstance(name, str) else ""))
    return tuple(out)


@dataclass(frozen=True)
class Column:
    header: str
    path: tuple[str, ...]  # where in the power
    show: Callable[[Any, Names], Cell]  # the field's value (MISSING when absent) → what the cell shows
    read: Callable[[str, Names, Any], Any]  # non-empty cell text, names, current value → the field's value
    options: tuple[str, ...] = ()  # a dropdown's choices
    required: bool = False
    note: str = ""  # what to type: the header's comment in the workbook, and the hint of a finding
    numeric: bool = False  # shown as a number where the value is one
    clearable: bool = field(default=True)  # an emptied cell removes the key


def _text(value: Any, names: Names = Names()) -> Cell:
    return "" if value is None or value is MISSING else str(value)


def _read_text(text: str, names: Names, current: Any) -> Any:
    return text.strip()  # a stray space around a cell's text is not part of the value (nor of the comparison)


def _number(value: Any, names: Names) -> Cell:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _text(value)


def _days(text: str) -> int:
    t = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"[0-9]+(?:\.0+)?", t):
        return int(float(t))
    raise CellError(f"「{text}」不是天数：只写数字，如 20")


def _read_int(text: str, names: Names, current: Any) -> Any:
    return _days(text)


def _limit(value: Any, names: Names) -> Cell:
    if value is None:
        return NONE_SHOWN
    return _number(value, names)


def _read_limit(text: str, names: Names, current: Any) -> Any:
    t = unicodedata.normalize("NFKC", text).strip()
    if t == INSTANT:
        return INSTANT
    if t in _NO_LIMIT or text.strip() in _NO_LIMIT:
        return None
    try:
        return _days(t)
    except CellError:
        raise CellError(f"「{text}」不是时限：写天数（如 20），当场办结写 即办，没有时限写 /") from None


def _bool_text(value: Any, names: Names) -> Cell:
    return "" if not isinstance(value, bool) else ("是" if value else "否")


def _read_bool(text: str, names: Names, current: Any) -> Any:
    t = text.strip()
    if t in ("是", "否"):
        return t == "是"
    raise CellError(f"「{text}」应为“是”或“否”")


def _named(pairs: tuple[tuple[str, str], ...], text: str) -> str | None:
    """The id a cell names: by a name only one item has, else by an id."""
    t = text.strip()
    by_name = [i for i, n in pairs if n == t]
    if len(by_name) == 1:
        return by_name[0]
    return t if any(i == t for i, _ in pairs) else None


def _shown_name(pairs: tuple[tuple[str, str], ...], value: Any) -> Cell:
    """An id shown as its name, when that name reads back to this id; else the id itself."""
    if not isinstance(value, str):
        return _text(value)
    name = next((n for i, n in pairs if i == value), "")
    return name if name and _named(pairs, name) == value else value


def _department(value: Any, names: Names) -> Cell:
    return _shown_name(names.departments, value)


def _read_department(text: str, names: Names, current: Any) -> Any:
    found = _named(names.departments, text)
    if found is None:
        known = (
            "、".join(n or i for i, n in names.departments) or "（本单位还没有内设机构，先在目录的 departments 中添加）"
        )
        raise CellError(f"「{text.strip()}」不是本单位的内设机构：可填 {known}")
    return found


def _parent(value: Any, names: Names) -> Cell:
    return _shown_name(names.powers, value)


def _read_parent(text: str, names: Names, current: Any) -> Any:
    found = _named(names.powers, text)
    if found is None:
        raise CellError(f"「{text.strip()}」不是本单位某项职权的名称或职权标识：主项填所属主项的职权名称")
    return found


def _lines(
    show_item: Callable[[Any], str], read_item: Callable[[str], Any], numbered: bool = False
) -> tuple[Callable[[Any, Names], Cell], Callable[[str, Names, Any], Any]]:
    """A list shown one item a line (numbered 1. 2. … when `numbered`), and read back line by line, with or
    without numbers: a line that still shows an item of the current list is that item, unchanged."""

    def show(value: Any, names: Names) -> Cell:
        if not isinstance(value, list):
            return ""
        items = [show_item(v) for v in value]
        return "\n".join(f"{n}.{t}" if numbered else t for n, t in enumerate(items, 1))

    def read(text: str, names: Names, current: Any) -> Any:
        known = {show_item(v): v for v in current} if isinstance(current, list) else {}
        out = []
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            line = line.strip()
            if numbered or line not in known:  # a clerk may number the lines: 1. 2. （1） ①
                line = _NUMBERING.sub("", line, count=1).strip()
            if line:
                out.append(known[line] if line in known else read_item(line))
        return out

    return show, read


def citation_text(c: Any) -> str:
    if not isinstance(c, Mapping):
        return ""
    article = c.get("article")
    line = f"《{law_name(str(c.get('law') or ''))}》{article_label(article) if isinstance(article, str | int) else ''}"
    line += f"（{c.get('role') or ''}）"
    if c.get("quote"):
        line += f"：“{c['quote']}”"
    return line


def read_citation(line: str) -> dict[str, Any]:
    m = _CITATION.match(line.strip())
    if m is None:
        raise CellError(f"「{line}」应写成 《法律法规全称》第N条（设定依据或实施依据），每行一条")
    out: dict[str, Any] = {"law": m.group("law"), "article": m.group("article").strip(), "role": m.group("role")}
    if m.group("quote"):
        out["quote"] = m.group("quote")
    return out


def duty_text(item: Any) -> str:
    """受理责任：…; a line with no stage alone."""
    if not isinstance(item, Mapping):
        return str(item)
    duty = str(item.get("duty") or "")
    return f"{item['stage']}责任：{duty}" if item.get("stage") else duty


def read_duty(line: str) -> dict[str, Any]:
    m = _DUTY.match(line)
    if m is None:
        return {"duty": line}
    return {"stage": m.group("stage").strip(), "duty": m.group("duty").strip()}


def _plain(item: Any) -> str:
    return str(item)


_basis_text, _read_basis = _lines(citation_text, read_citation)
_duties_text, _read_duties = _lines(duty_text, read_duty)
_cases_text, _read_cases = _lines(_plain, _plain, numbered=True)


def _list_text(value: Any, names: Names) -> Cell:
    return "、".join(str(v) for v in value) if isinstance(value, list) else ""


def _read_list(text: str, names: Names, current: Any) -> Any:
    return [p.strip() for p in re.split(r"[、；;\n]+", text) if p.strip()]


CATEGORIES = enum_values("category")
STATUSES = enum_values("status")
SCOPES = enum_values("scope")
TIME_UNITS = enum_values("timeUnit")
_CLOCK = "行政许可、行政处罚、行政强制、行政征收、行政给付、行政裁决必填"

COLUMNS: tuple[Column, ...] = (
    Column(
        "职权标识", ("id",), _text, _read_text, required=True, clearable=False,
        note="不要修改：导回时按它对应到目录中的职权",
    ),
    Column("事项编码", ("code",), _text, _read_text, note="政务服务事项编码，照原样填写"),
    Column("职权名称", ("name",), _text, _read_text, required=True, clearable=False, note="全称，不用简称"),
    Column(
        "所属主项", ("parent",), _parent, _read_parent,
        note="本项是子项时，填所属主项的职权名称；不是子项时留空",
    ),
    Column(
        "职权类别", ("category",), _text, _read_text, CATEGORIES, required=True, clearable=False,
        note="从下拉列表中选择",
    ),
    Column(
        "承办机构", ("department",), _department, _read_department, required=True, clearable=False,
        note="从下拉列表中选择内设机构的名称（见本表右侧）",
    ),
    Column(
        "清理结果", ("status",), _text, _read_text, STATUSES, required=True, clearable=False,
        note="从下拉列表中选择",
    ),
    Column(
        "职权来源依据", ("basis",), _basis_text, _read_basis, required=True, clearable=False,
        note="每行一条：《法律法规全称》第N条（设定依据）或（实施依据）；引文写在冒号后的引号中",
    ),
    Column(
        "法定时限", ("time_limit", "statutory"), _limit, _read_limit, numeric=True,
        note="天数，如 20；当场办结写 即办；没有法定时限写 /",
    ),
    Column(
        "承诺时限", ("time_limit", "promised"), _limit, _read_limit, numeric=True,
        note=f"天数，如 10；当场办结写 即办；写 / 表示以法定时限为承诺；{_CLOCK}",
    ),
    Column("时限单位", ("time_limit", "unit"), _text, _read_text, TIME_UNITS, note=f"工作日或自然日；{_CLOCK}"),
    Column("起算", ("time_limit", "from"), _text, _read_text, note="时限从何时起算，如 自受理之日起；可留空"),
    Column(
        "是否收费", ("fee", "charged"), _bool_text, _read_bool, ("是", "否"), required=True, clearable=False,
        note="从下拉列表中选择",
    ),
    Column("收费标准", ("fee", "standard"), _text, _read_text, note="收费时填写，如 每件50元"),
    Column(
        "公开范围", ("disclosure", "scope"), _text, _read_text, SCOPES, required=True, clearable=False,
        note="从下拉列表中选择",
    ),
    Column(
        "公开形式", ("disclosure", "forms"), _list_text, _read_list,
        note="用顿号分隔，如 政府网站、公示栏；不予公开时可留空",
    ),
    Column(
        "公开时限", ("disclosure", "within_days"), _number, _read_int, numeric=True,
        note="天数，如 20；不予公开时可留空",
    ),
    Column(
        "责任事项", ("responsibilities",), _duties_text, _read_duties,
        note="每行一条，如 受理责任：依法受理申请；没有环节的一条照写，如 其他法律法规规章文件规定应履行的责任",
    ),
    Column("追责情形", ("accountability",), _cases_text, _read_cases, note="每行一条，可编号：1.不依法履行职责的"),
    Column("备注", ("note",), _text, _read_text, note="照原表写，一表中显示"),
)  # fmt: skip


def column_of(path: Sequence[str | int]) -> Column | None:
    """The workbook column that holds a power's field (path inside the power), if the workbook has one."""
    return next((c for c in COLUMNS if tuple(path[: len(c.path)]) == c.path), None)


def value_at(power: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The value at path, or MISSING when a key on the way is absent."""
    node: Any = power
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return MISSING
        node = node[part]
    return node


def cell_value(power: Mapping[str, Any], column: Column, names: Names) -> Cell:
    return column.show(value_at(power, column.path), names)


def _tidy(text: str) -> str:
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n"))


def unchanged(column: Column, current: Any, text: str, names: Names) -> bool:
    """Whether a cell still says what the workbook showed for the current value (an untouched cell)."""
    return _tidy(text) == _tidy(str(column.show(current, names)))
