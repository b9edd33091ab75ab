"""The editable workbook: which columns it has, how a power's fields are shown in a cell, and how a cell is
read back. `powerctl export` writes with it and `powerctl import --update` reads with it, so a cell nobody
edited reads back as exactly the value that was exported, and changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from powerctl.laws.citation import article_label, law_name
from powerctl.source.schema import enum_values

MARK = "powerctl-workbook@1"  # in the hidden cell A1 of each unit's sheet, with the unit's id beside it
ROLES = ("设定依据", "实施依据")
# The law's name runs to the last 》 before the article (a name may hold 《》 of its own: 湖南省实施《…》办法).
_CITATION = re.compile(
    r"^《(?P<law>.+)》(?P<article>[^（）《》：“]*)（(?P<role>设定依据|实施依据)）(?:：“(?P<quote>.*)”)?$"
)


class CellError(ValueError):
    """A cell whose text cannot be read as its column's value: said in a clerk's words."""


@dataclass(frozen=True)
class Column:
    header: str
    path: tuple[str, ...]  # where in the power
    show: Callable[[Any], str]  # the field's value (None when absent) → cell text
    read: Callable[[str], Any]  # cell text → the field's value (None: absent)
    options: tuple[str, ...] = ()  # a dropdown's choices
    required: bool = False
    note: str = ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _read_text(text: str) -> Any:
    text = text.strip()  # a stray space around a cell's text is not part of the value (nor of the comparison)
    return text if text != "" else None


def _int_text(value: Any) -> str:
    return "" if value is None or isinstance(value, bool) else str(value)


def _read_int(text: str) -> Any:
    t = unicodedata.normalize("NFKC", text).strip()
    if t == "":
        return None
    if not re.fullmatch(r"[0-9]+", t):
        raise CellError(f"「{text}」不是天数：只写数字，如 20")
    return int(t)


def _bool_text(value: Any) -> str:
    return "" if value is None else ("是" if value else "否")


def _read_bool(text: str) -> Any:
    t = text.strip()
    if t == "":
        return None
    if t in ("是", "否"):
        return t == "是"
    raise CellError(f"「{text}」应为“是”或“否”")


def _list_text(value: Any) -> str:
    return "、".join(str(v) for v in value) if isinstance(value, list) else ""


def _read_list(text: str) -> Any:
    return [p.strip() for p in re.split(r"[、；;\n]+", text) if p.strip()]


def citation_text(c: Any) -> str:
    if not isinstance(c, Mapping):
        return ""
    article = c.get("article")
    line = f"《{law_name(str(c.get('law') or ''))}》{article_label(article) if isinstance(article, str | int) else ''}"
    line += f"（{c.get('role') or ''}）"
    if c.get("quote"):
        line += f"：“{c['quote']}”"
    return line


def _basis_text(value: Any) -> str:
    return "\n".join(citation_text(c) for c in value) if isinstance(value, list) else ""


def read_citation(line: str) -> dict[str, Any]:
    m = _CITATION.match(line.strip())
    if m is None:
        raise CellError(f"「{line}」应写成 《法律法规全称》第N条（设定依据或实施依据），每行一条")
    out: dict[str, Any] = {"law": m.group("law"), "article": m.group("article").strip(), "role": m.group("role")}
    if m.group("quote"):
        out["quote"] = m.group("quote")
    return out


def _read_basis(text: str) -> Any:
    return [read_citation(line) for line in text.splitlines() if line.strip()]


CATEGORIES = enum_values("category")
STATUSES = enum_values("status")
SCOPES = enum_values("scope")
TIME_UNITS = enum_values("timeUnit")

COLUMNS: tuple[Column, ...] = (
    Column("职权标识", ("id",), _text, _read_text, required=True, note="不要修改：导回时按它对应到目录中的职权"),
    Column("事项编码", ("code",), _text, _read_text),
    Column("职权名称", ("name",), _text, _read_text, required=True, note="全称，不用简称"),
    Column("职权类别", ("category",), _text, _read_text, CATEGORIES, required=True),
    Column("承办机构", ("department",), _text, _read_text, required=True, note="写内设机构的标识，见本表右侧"),
    Column("清理结果", ("status",), _text, _read_text, STATUSES, required=True),
    Column(
        "职权来源依据", ("basis",), _basis_text, _read_basis, required=True,
        note="每行一条：《法律法规全称》第N条（设定依据）或（实施依据）；引文写在冒号后的引号中",
    ),
    Column("法定时限", ("time_limit", "statutory"), _int_text, _read_int, note="天数；没有法定时限时留空"),
    Column("承诺时限", ("time_limit", "promised"), _int_text, _read_int, required=True, note="天数"),
    Column("时限单位", ("time_limit", "unit"), _text, _read_text, TIME_UNITS, required=True),
    Column("是否收费", ("fee", "charged"), _bool_text, _read_bool, ("是", "否"), required=True),
    Column("收费标准", ("fee", "standard"), _text, _read_text),
    Column("公开范围", ("disclosure", "scope"), _text, _read_text, SCOPES, required=True),
    Column("公开形式", ("disclosure", "forms"), _list_text, _read_list, note="用顿号分隔，如 政府网站、公示栏"),
    Column("公开时限", ("disclosure", "within_days"), _int_text, _read_int, note="天数"),
)  # fmt: skip


def value_at(power: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = power
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def cell_text(power: Mapping[str, Any], column: Column) -> str:
    return column.show(value_at(power, column.path))


def _tidy(text: str) -> str:
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n"))


def unchanged(column: Column, current: Any, text: str) -> bool:
    """Whether a cell still says what the workbook showed for the current value (an untouched cell)."""
    return _tidy(text) == _tidy(column.show(current))
