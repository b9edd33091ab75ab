"""The 变更说明 for people: each change of a power as a row of old and new values, written as the 一表 shows
them (citations as 《…》第N条, time limits with their unit, flow steps by name), with the reason and date
the clerk recorded in ``changes``. Pure: from the two versions' data (powerctl.domain.diff) to rows of text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from powerctl.catalogue.model import NOW, TimeLimit
from powerctl.domain.diff import UnitDiff, field_changes
from powerctl.laws.citation import citation_label
from powerctl.source.schema import SchemaChecker

Data = Mapping[str, Any]
MAX_TEXT = 200


@dataclass(frozen=True)
class Row:
    code: str  # 事项编码, or the power's id when it has none
    power: str  # id
    name: str
    kind: str  # 新增 | 删除 | 修改
    field: str  # what changed, in words ("" for a power added or removed)
    old: str
    new: str
    reason: str
    date: str


def _title(path: Sequence[str | int]) -> str:
    title, _ = SchemaChecker.for_catalogues().field_schema(("powers", 0, *path))
    return title or ".".join(str(p) for p in path)


def _citation(value: Any) -> str:
    if isinstance(value, Mapping) and isinstance(value.get("law"), str):
        article = value.get("article")
        return citation_label(value["law"], article if isinstance(article, str | int) else None)
    return show(value)


def show(value: Any, path: Sequence[str] = (), power: Data | None = None) -> str:
    """A value as the 一表 prints it."""
    last = path[-1] if path else ""
    if path and path[0] == "time_limit" and last in ("statutory", "promised") and not isinstance(value, bool):
        if value is None or value == NOW:
            return TimeLimit.shown(value, _unit(power))  # “/” and 即办, as the list writes them
        if isinstance(value, int):
            return _days(value, _unit(power))
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if last == "basis" or path[:1] == ("basis",):
        if isinstance(value, list):
            return "；".join(_citation(c) for c in value) or "（无）"
        return _citation(value)
    if isinstance(value, list):
        return "、".join(show(v) for v in value) or "（无）"
    if isinstance(value, Mapping):
        parts = [f"{_title((*path, str(k)))}：{show(v, (*path, str(k)), power)}" for k, v in value.items()]
        return "；".join(parts)
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _steps(old: Any, new: Any, power: Data) -> list[tuple[str, str, str]]:
    """(what, old, new) for each step added, removed or changed, by the step's name."""

    def by_id(steps: Any) -> dict[str, Mapping[str, Any]]:
        items = steps if isinstance(steps, list) else []
        return {s["id"]: s for s in items if isinstance(s, Mapping) and isinstance(s.get("id"), str)}

    a, b = by_id(old), by_id(new)
    out: list[tuple[str, str, str]] = []
    for sid, step in b.items():
        name = str(step.get("name") or sid)
        if sid not in a:
            out.append(("流程步骤", "", f"增加步骤「{name}」"))
            continue
        for change in field_changes(a[sid], step):
            what = f"步骤「{name}」的{_title(('flow', 'steps', 0, *change.path))}"
            if change.path == ("days",):
                out.append((what, _days(change.old, _unit(power)), _days(change.new, _unit(power))))
            else:
                out.append((what, show(change.old, change.path), show(change.new, change.path)))
    for sid, step in a.items():
        if sid not in b:
            out.append(("流程步骤", f"步骤「{step.get('name') or sid}」", "删去"))
    return out


def _unit(power: Data | None) -> str:
    limit = power.get("time_limit") if isinstance(power, Mapping) else None
    unit = limit.get("unit") if isinstance(limit, Mapping) else None
    return unit if isinstance(unit, str) else "工作日"


def _days(value: Any, unit: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return "即时办理" if value == 0 else f"{value} 个{unit}"
    return show(value)


def _reasons(old: Data | None, new: Data | None) -> dict[str, tuple[str, str]]:
    """The reason and date of each change record added since the old version, by the power it names."""
    before = old.get("changes") if isinstance(old, Mapping) else None
    seen = [c for c in before if isinstance(c, Mapping)] if isinstance(before, list) else []
    after = new.get("changes") if isinstance(new, Mapping) else None
    out: dict[str, list[tuple[str, str]]] = {}
    for entry in after if isinstance(after, list) else []:
        if not isinstance(entry, Mapping) or entry in seen:
            continue
        for pid in entry.get("items") or []:
            out.setdefault(str(pid), []).append((str(entry.get("reason") or ""), str(entry.get("date") or "")))
    return {pid: ("；".join(r for r, _ in v if r), "、".join(d for _, d in v if d)) for pid, v in out.items()}


def _basis_change(old: list[Any], new: list[Any]) -> tuple[str, str]:
    """Only the citations taken out and put in (with their role), not the whole list twice."""

    def labelled(items: list[Any]) -> list[str]:
        return [
            f"{_citation(c)}（{c.get('role')}）" if isinstance(c, Mapping) and c.get("role") else _citation(c)
            for c in items
        ]

    a, b = labelled(old), labelled(new)
    gone = [x for x in a if x not in b]
    came = [x for x in b if x not in a]
    if not gone and not came:  # the same citations in another order
        return "；".join(a), "；".join(b)
    return ("删去 " + "；".join(gone)) if gone else "（无删去）", ("增加 " + "；".join(came)) if came else "（无增加）"


def _powers(data: Data | None) -> dict[str, Data]:
    items = data.get("powers") if isinstance(data, Mapping) else None
    return (
        {p["id"]: p for p in items if isinstance(p, Mapping) and isinstance(p.get("id"), str)}
        if isinstance(items, list)
        else {}
    )


def rows(diff: UnitDiff) -> list[Row]:
    """The unit's changes, a row per power added or removed and per field changed."""
    old, new = _powers(diff.old), _powers(diff.new)
    reasons = _reasons(diff.old, diff.new)
    out: list[Row] = []

    def row(pid: str, power: Data, kind: str, what: str, a: str, b: str) -> None:
        reason, date = reasons.get(pid, ("", ""))
        code = str(power.get("code") or pid)
        out.append(Row(code, pid, str(power.get("name") or pid), kind, what, a, b, reason, date))

    for pid in diff.powers.added:
        row(pid, new[pid], "新增", "", "", show(new[pid].get("category")))
    for pid in diff.powers.removed:
        row(pid, old[pid], "删除", "", show(old[pid].get("category")), "")
    for pid in diff.powers.changed:
        power = new[pid]
        for change in diff.powers.details[pid]:
            if change.path == ("flow", "steps"):
                for what, a, b in _steps(change.old, change.new, power):
                    row(pid, power, "修改", what, a, b)
                continue
            what = _title(change.path)
            if change.path == ("basis",) and isinstance(change.old, list) and isinstance(change.new, list):
                row(pid, power, "修改", what, *_basis_change(change.old, change.new))
                continue
            row(pid, power, "修改", what, show(change.old, change.path, old[pid]), show(change.new, change.path, power))
    return out


@dataclass(frozen=True)
class ChangeNotes:
    """A unit's 变更说明: its rows, and the markdown written beside the DOCX and HTML."""

    unit_name: str
    base: str  # the version compared with
    head: str | None  # the current commit (short), None for a working tree
    day: str  # YYYY-MM-DD the bundle is made for (the documents' date)
    rows: tuple[Row, ...]
    markdown: str
