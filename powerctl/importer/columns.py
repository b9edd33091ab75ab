"""Which row of a table is its header, and what each column holds, by the names offices give them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from powerctl.importer.sheets import Table

# Field → the header texts seen in published lists (compared without spaces and punctuation).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "code": ("事项编码", "职权编码", "权力编码", "编码", "基本编码", "事项代码", "实施编码"),
    "name": (
        "事项名称",
        "职权名称",
        "权力名称",
        "权责事项名称",
        "权责事项",
        "权力事项名称",
        "项目名称",
        "名称",
        "主项名称",
        "主项",
        "主项目名称",
        "主项目",
    ),
    "sub": ("子项名称", "子项", "子项目", "子项目名称", "子项事项名称"),
    "category": ("权力类型", "职权类型", "事项类型", "职权类别", "权力类别", "事项类别", "类别", "类型", "权责类别"),
    "owner": ("主管部门", "区级主管部门", "县级主管部门", "市级主管部门", "责任单位", "部门", "单位"),
    "subject": ("实施主体", "实施机关", "行使主体", "法定主体", "办理主体", "实施部门", "行使部门"),
    "department": ("承办机构", "承办科室", "承办股室", "承办机构（科室）", "内设机构", "责任科室", "承办单位"),
    "basis_set": ("设定依据",),
    "basis_impl": ("实施依据",),
    "basis": (
        "职权来源依据",
        "法定依据",
        "行使依据",
        "设定和实施依据",
        "依据",
        "职权依据",
        "法律依据",
        "实施（设定）依据",
    ),
    "statutory": ("法定时限", "法定期限", "法定办结时限", "办理时限", "办理期限", "时限", "法定"),
    "promised": ("承诺时限", "承诺期限", "承诺办结时限", "承诺"),
    "fee": (
        "收费标准与依据",
        "收费依据及标准",
        "收费标准及依据",
        "收费依据和标准",
        "收费标准",
        "收费情况",
        "是否收费",
        "收费",
    ),
    "responsibilities": ("责任事项", "责任事项内容"),
    "accountability": ("追责情形", "问责依据", "追责依据", "追责情形及依据"),
    "status": ("清理结果", "处理意见", "调整情况", "状态", "清理意见"),
    "note": ("备注", "说明"),
    "central_no": ("中央行政许可事项清单序号", "国家清单序号", "省级清单序号"),
}
_LOOKUP: dict[str, str] = {}
for _field, _names in SYNONYMS.items():
    for _n in _names:
        _LOOKUP.setdefault(re.sub(r"[\s\W_]+", "", _n), _field)
REQUIRED = ("name",)
MAX_HEADER_ROW = 30


def normal_header(text: str) -> str:
    """A header without spaces, punctuation and bracketed notes: 中央行政许可事项清单(2022年版)序号 → …清单序号."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"[（(][^）)]*[）)]", "", t)
    return re.sub(r"[\s\W_]+", "", t)


def field_of(header: str) -> str | None:
    key = normal_header(header)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    raw = re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", header))
    found: str | None = _LOOKUP.get(raw)
    if found is None and key.endswith("依据") and not any(w in key for w in ("追责", "问责", "收费", "责任")):
        found = "basis"  # 法律法规依据, 法规依据, 政策法规依据 (a township's list): the legal basis
    return found


@dataclass(frozen=True)
class Layout:
    header_rows: tuple[int, ...]  # 0-based rows that make up the header (two for a two-level header)
    fields: dict[int, str]  # column → field
    headers: dict[int, str]  # column → the header text as written (the lower level of a two-level header)
    unknown: dict[int, str]  # columns whose header names nothing powerctl knows

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1


def map_row(row: list[str]) -> dict[int, str]:
    out: dict[int, str] = {}
    for c, text in enumerate(row):
        f = field_of(text)
        if f is not None and f not in out.values():
            out[c] = f
    return out


def find_layout(table: Table) -> Layout | None:
    """The first row (within the first rows) whose cells name a power's name and at least one more field;
    with the row below when that row splits headers (办理时限 → 法定时限 | 承诺时限): merged in a sheet (the
    upper text repeated over the columns it spans) or, in CSV, the upper text once and blanks after it."""
    for r, row in enumerate(table.rows[:MAX_HEADER_ROW]):
        fields = map_row(row)
        if ("name" not in fields.values() and "sub" not in fields.values()) or len(fields) < 2:
            continue
        if "name" not in fields.values():  # only 子项名称: it names the power
            fields = {c: "name" if f == "sub" else f for c, f in fields.items()}
        rows: tuple[int, ...] = (r,)
        headers = {c: text for c, text in enumerate(row) if text}
        below = table.rows[r + 1] if r + 1 < len(table.rows) else []
        lower = {c: t for c, t in enumerate(below) if t and (c >= len(row) or t != row[c])}
        groups = {c: _group(row, c) for c in lower}
        sub = {c: f for c, f in map_row(below).items() if c in lower}
        # A name below is a header too when it stands under the name's own heading (职权名称 → 主项名称 | 子项名称);
        # anywhere else a name in the next row is the first power's.
        names_under_name = all(fields.get(c) == "name" for c, f in sub.items() if f == "name")
        if sub and names_under_name and all(g is not None for g in groups.values()):
            rows = (r, r + 1)
            for c, f in sub.items():
                fields = {k: v for k, v in fields.items() if v != f}
                fields[c] = f
            for c, text in lower.items():
                if c not in sub:
                    fields.pop(c, None)
                    headers[c] = f"{groups[c]}／{text}"
                else:
                    headers[c] = text
            covered = {c for c in range(len(row)) if _group(row, c) in set(groups.values()) and c not in lower}
            for c in covered:  # 办理时限 over 法定|承诺 names no column of its own once split
                fields.pop(c, None)
        unknown = {c: t for c, t in headers.items() if c not in fields and t and normal_header(t)}
        return Layout(rows, dict(sorted(fields.items())), headers, unknown)
    return None


def _group(row: list[str], c: int) -> str | None:
    """The upper header over column c when it spans more than one column: the same text in a neighbouring
    column (a merged cell read back), or its text in the nearest column to the left with blanks up to c (CSV)."""
    text = _at(row, c)
    if text:
        return text if text in (_at(row, c - 1), _at(row, c + 1)) or _at(row, c + 1) == "" else None
    k = c - 1
    while k >= 0 and not row[k]:
        k -= 1
    return row[k] if k >= 0 and k < len(row) else None


def _at(row: list[str], c: int) -> str | None:
    return row[c] if 0 <= c < len(row) else None
