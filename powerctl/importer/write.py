"""Imported units written as catalogue YAML (ruamel.yaml), in the layout of the shipped catalogues.

Line 1 is the yaml-language-server modeline, so an editor shows the schema's Chinese help. Small mappings
(a citation, a time limit, a fee) are written in flow style, one per line. What the office file did not
hold is named in a comment above the power or the unit (待补充), and left out, so that validate reports it.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pypinyin import Style, lazy_pinyin
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from powerctl.importer.build import ID_PREFIX, UnitRows
from powerctl.source import pathgate

_FIELD_ZH = {
    "category": "职权类别（category）",
    "department": "承办机构（department）",
    "status": "清理结果（status）",
    "time_limit": "办理时限（time_limit）",
    "time_limit.statutory": "法定时限（time_limit.statutory）",
    "time_limit.promised": "承诺时限（time_limit.promised）",
    "fee": "收费（fee）",
    "disclosure": "公开（disclosure）",
}
_ID = re.compile(r"^[A-Za-z0-9-]+$")


def slug(name: str, fallback: str) -> str:
    """An id from a Chinese name: its pinyin initials (县文化旅游广电局 → xwhlygdj)."""
    letters = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    letters = re.sub(r"[^a-z0-9]", "", letters)
    return letters[:24] or fallback


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _flow(mapping: dict[str, Any]) -> CommentedMap:
    out = CommentedMap(mapping)
    out.fa.set_flow_style()
    return out


def unit_document(unit: UnitRows, unit_id: str, schema_path: str) -> tuple[CommentedMap, str]:
    """The catalogue of one imported unit, and its modeline."""
    dept_ids: dict[str, str] = {}
    taken: set[str] = set()
    departments = CommentedSeq()
    for name in unit.departments:
        dept_ids[name] = _unique(slug(name, "ks"), taken)
        departments.append(_flow({"id": dept_ids[name], "name": name}))
    u = CommentedMap()
    u["id"] = unit_id
    u["name"] = unit.name
    u["departments"] = departments
    u["posts"] = CommentedSeq()
    u["complaint_channels"] = CommentedSeq()
    u.yaml_set_start_comment(
        "待补充：行政区划（region）、行使层级（level）、岗位（posts）、投诉举报途径（complaint_channels）——原表没有",
        indent=2,
    )
    powers = CommentedSeq()
    pids = _power_ids(unit)
    for index, p in enumerate(unit.powers):
        out = CommentedMap()
        out["id"] = pids[index]
        for key in ("code", "name", "category"):
            if key in p:
                out[key] = p[key]
        if index in unit.parents:
            out["parent"] = pids[unit.parents[index]]
        if "subject" in p:
            out["subject"] = p["subject"]
        if "department" in p:
            out["department"] = dept_ids[p["department"]]
        if "status" in p:
            out["status"] = p["status"]
        basis = CommentedSeq(_flow(c) for c in p.get("basis", []))
        out["basis"] = basis
        for key in ("time_limit", "fee"):
            if key in p:
                value = dict(p[key])
                if key == "fee" and "basis" in value:
                    value["basis"] = _flow(value["basis"])
                out[key] = _flow(value) if key == "time_limit" or "basis" not in value else CommentedMap(value)
        if "responsibilities" in p:
            out["responsibilities"] = CommentedSeq(_flow(x) for x in p["responsibilities"])
        for key in ("accountability", "note", "x-central-no"):
            if key in p:
                out[key] = p[key]
        notes = _gaps(p, unit.missing.get(index, []), unit.blank.get(index, []), unit.varied.get(index, []))
        if index in unit.joint:
            notes.append(f"联合实施：原表实施主体为「{unit.joint[index]}」，这一项在其中每个单位的目录中各列一次")
        if index in unit.guessed_roles:
            notes.append("依据的 role 按顺序推定（第一条为设定依据，其余为实施依据），请核对")
        if not p.get("basis"):
            notes.append("原表没有可读出的依据")
        powers.append(out)
        if notes:
            powers.yaml_set_comment_before_after_key(index, before="\n".join(notes), indent=2)
    doc = CommentedMap()
    doc["schema"] = "powerctl/catalogue@1"
    doc["unit"] = u
    doc["powers"] = powers
    return doc, f"# yaml-language-server: $schema={schema_path}\n"


_CLOCKED = {"行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政裁决"}


def _gaps(power: dict[str, Any], absent: list[str], blank: list[str], varied: list[str]) -> list[str]:
    """What to fill in, and why it is not there: the file has no such column, or the row's cell is empty."""
    clock = "time_limit" in power or power.get("category") in _CLOCKED  # 行政检查 and the like need no clock
    notes = []
    for fields, why in (
        (absent, "原表没有这一列"),
        (blank, "原表这一格为空或未能读出"),
        (varied, "原表各子项分别填写（见子项），主项请按需要填写"),
    ):
        shown = [f for f in fields if clock or not f.startswith("time_limit")]
        if "time_limit.statutory" in shown and "time_limit.promised" in shown and "time_limit" not in power:
            shown = [f for f in shown if not f.startswith("time_limit.")] + ["time_limit"]
        if shown:
            notes.append("待补充：" + "、".join(_FIELD_ZH.get(m, m) for m in shown) + "——" + why)
    return notes


def _power_ids(unit: UnitRows) -> list[str]:
    """Each power's id: its code when that is a usable id, else the category's prefix and a number; a 子项
    without a code of its own is its 主项's id and its number among the 子项 (330100-XK-001-1, XK-003-2)."""
    ids: list[str] = []
    usable = [p.get("code") for p in unit.powers]
    usable = [c if isinstance(c, str) and _ID.match(c) and pathgate.problem(c) is None else None for c in usable]
    reserved = {c for c in usable if c is not None}
    taken: set[str] = set()
    counters: dict[str, int] = {}
    children: dict[int, int] = {}
    for index, p in enumerate(unit.powers):
        code = usable[index]
        parent = unit.parents.get(index)
        if code is not None and code not in taken:
            pid = code
        elif parent is not None:
            children[parent] = children.get(parent, 0) + 1
            pid = f"{ids[parent]}-{children[parent]}"
            while pid in taken or pid in reserved:
                children[parent] += 1
                pid = f"{ids[parent]}-{children[parent]}"
        else:
            prefix = ID_PREFIX.get(p.get("category", ""), "ZQ")
            while True:
                counters[prefix] = counters.get(prefix, 0) + 1
                pid = f"{prefix}-{counters[prefix]:03d}"
                if pid not in taken and pid not in reserved:
                    break
        taken.add(pid)
        ids.append(pid)
    return ids


def dump(doc: CommentedMap, modeline: str) -> str:
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(doc, out)
    return modeline + out.getvalue()


def schema_path(target: Path, root: Path) -> str:
    """The modeline's path from the file's folder to the repository's schemas/catalogue.schema.json."""
    rel = os.path.relpath(root / "schemas" / "catalogue.schema.json", target.parent)
    return Path(rel).as_posix()


def unit_ids(units: Sequence[UnitRows], given: str | None) -> list[str]:
    """The id of each unit, which names its file: ``given`` (--unit, checked by the caller) for a single unit,
    else pinyin initials of its name, made unique and passed through the path gate."""
    taken: set[str] = set()
    if given and len(units) == 1:
        return [pathgate.component(given)]
    out = []
    for u in units:
        base = slug(u.name, "unit")
        if pathgate.problem(base) is not None:  # initials that spell a Windows device name: 长欧宁 → con
            base = f"unit-{base}"
        out.append(pathgate.component(_unique(base, taken)))
    return out
