"""Words for a semantic diff (`domain.diff`): text for a terminal, markdown for a PR comment or 变更说明, json."""

from __future__ import annotations

from typing import Any

from powerctl.domain.change_notes import Row, rows
from powerctl.domain.diff import FieldChange, UnitDiff
from powerctl.source.schema import SchemaChecker


def _field_title(change: FieldChange) -> str:
    title, _ = SchemaChecker.for_catalogues().field_schema(("powers", 0, *change.path))
    return title or change.dotted


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


COLUMNS = ("事项编码", "职权名称", "变更类型", "原内容", "新内容", "变更理由", "变更日期")


def _power_line(rows: list[Row], pid: str) -> str:
    name = next((r.name for r in rows if r.power == pid), "")
    return f"{pid} {name}".strip()


def _reason(rows: list[Row]) -> str:
    first = rows[0] if rows else None
    if first is None or not first.reason:
        return "（变更记录中没有写理由）"
    return first.reason + (f"（{first.date}）" if first.date else "")


def as_text(diffs: list[UnitDiff], names: dict[str, str]) -> str:
    if not diffs:
        return "没有变更\n"
    out = []
    for d in diffs:
        out.append(f"{names.get(d.unit, d.unit)}（{d.unit}）：{_STATUS[d.status]}")
        table = rows(d)
        out += [f"  + 新增职权 {_power_line(table, pid)}" for pid in d.powers.added]
        out += [f"  - 删除职权 {_power_line(table, pid)}" for pid in d.powers.removed]
        for pid in d.powers.changed:
            mine = [r for r in table if r.power == pid and r.kind == "修改"]
            out.append(f"  ~ 修改职权 {_power_line(table, pid)}")
            out += [f"      {r.field}：{r.old or '（无）'} → {r.new or '（无）'}" for r in mine]
            out.append(f"      变更理由：{_reason(mine)}")
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "（无）"


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
        table = rows(d)
        if not table:
            continue
        out += [f"| {' | '.join(COLUMNS)} |", "|---|---|---|---|---|---|---|"]
        for r in table:
            kind = f"{r.kind}：{r.field}" if r.field else r.kind
            cells = (r.code, r.name, kind, r.old, r.new, r.reason or "（未写）", r.date or "（未写）")
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(out) + "\n"
