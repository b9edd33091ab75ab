"""Words for a semantic diff (powerctl.diff): text for a terminal, markdown for a PR comment or 变更说明, json."""

from __future__ import annotations

import json
from typing import Any

from powerctl.diff import FieldChange, UnitDiff
from powerctl.schema import SchemaChecker


def _field_title(change: FieldChange) -> str:
    title, _ = SchemaChecker.for_catalogues().field_schema(("powers", 0, *change.path))
    return title or change.dotted


def _title(change: FieldChange) -> str:
    return SchemaChecker.for_catalogues().power_field(change.dotted)


def _value(value: Any) -> str:
    if value is None:
        return "（无）"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def as_json(diffs: list[UnitDiff]) -> dict[str, Any]:
    return {
        "units": [
            {
                "unit": d.unit,
                "status": d.status,
                "added": d.powers.added,
                "removed": d.powers.removed,
                "changed": [
                    {
                        "power": pid,
                        "fields": [
                            {"field": c.dotted, "title": _field_title(c), "old": c.old, "new": c.new}
                            for c in d.powers.details[pid]
                        ],
                    }
                    for pid in d.powers.changed
                ],
            }
            for d in diffs
        ]
    }


_STATUS = {"added": "新增单位", "removed": "删除单位", "changed": "有变更"}


def as_text(diffs: list[UnitDiff], names: dict[str, str]) -> str:
    if not diffs:
        return "没有变更\n"
    out = []
    for d in diffs:
        out.append(f"{names.get(d.unit, d.unit)}（{d.unit}）：{_STATUS[d.status]}")
        out += [f"  + 新增职权 {pid}" for pid in d.powers.added]
        out += [f"  - 删除职权 {pid}" for pid in d.powers.removed]
        for pid in d.powers.changed:
            out.append(f"  ~ 修改职权 {pid}")
            out += [f"      {_title(c)}：{_value(c.old)} → {_value(c.new)}" for c in d.powers.details[pid]]
    return "\n".join(out) + "\n"


def as_markdown(diffs: list[UnitDiff], names: dict[str, str], base: str, head: str | None) -> str:
    out = [f"## 权力清单变更：{base} → {head or '工作区'}", ""]
    if not diffs:
        return "\n".join([*out, "没有变更。", ""])
    out += ["| 单位 | 状态 | 新增 | 删除 | 修改 |", "|---|---|---:|---:|---:|"]
    for d in diffs:
        p = d.powers
        counts = f"{len(p.added)} | {len(p.removed)} | {len(p.changed)}"
        out.append(f"| {names.get(d.unit, d.unit)} | {_STATUS[d.status]} | {counts} |")
    for d in diffs:
        out += ["", f"### {names.get(d.unit, d.unit)}（`{d.unit}`）", ""]
        out += [f"- 新增职权 `{pid}`" for pid in d.powers.added]
        out += [f"- 删除职权 `{pid}`" for pid in d.powers.removed]
        for pid in d.powers.changed:
            out.append(f"- 修改职权 `{pid}`")
            for c in d.powers.details[pid]:
                out.append(f"  - {_title(c)}：{_value(c.old)} → {_value(c.new)}")
    return "\n".join(out) + "\n"
