"""Semantic change between two versions of catalogues: units and powers added, removed, changed (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from powerctl.laws.citation import article_label, law_name

Data = Mapping[str, Any]


@dataclass(frozen=True)
class FieldChange:
    path: tuple[str, ...]  # e.g. ("time_limit", "promised")
    old: Any
    new: Any

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass
class PowerDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # power id → dotted field paths
    details: dict[str, list[FieldChange]] = field(default_factory=dict)


_MISSING = object()


def _normal_citation(value: Any) -> Any:
    if not isinstance(value, Mapping) or not isinstance(value.get("law"), str):
        return value
    out = dict(value)
    out["law"] = law_name(value["law"])
    if isinstance(value.get("article"), str | int) and not isinstance(value.get("article"), bool):
        out["article"] = article_label(value["article"])
    return out


def _normal_power(power: Mapping[str, Any]) -> Mapping[str, Any]:
    """A power with each citation in its normal form: writing 《》 or 第48条 instead of 第四十八条 is no change."""
    out = dict(power)
    if isinstance(power.get("basis"), list):
        out["basis"] = [_normal_citation(c) for c in power["basis"]]
    for field_name in ("fee", "secrecy"):
        part = power.get(field_name)
        if isinstance(part, Mapping) and "basis" in part:
            out[field_name] = {**part, "basis": _normal_citation(part["basis"])}
    return out


def normal_form(data: Data) -> Data:
    """Unit data with every citation in its normal form, for comparing two versions."""
    powers = data.get("powers") if isinstance(data, Mapping) else None
    if not isinstance(powers, list):
        return data
    return {**data, "powers": [_normal_power(p) if isinstance(p, Mapping) else p for p in powers]}


def field_changes(old: Any, new: Any, path: tuple[str, ...] = ()) -> list[FieldChange]:
    """Changed leaves between two mappings; lists and scalars compare whole."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        out: list[FieldChange] = []
        for key in [*old.keys(), *(k for k in new if k not in old)]:
            a, b = old.get(key, _MISSING), new.get(key, _MISSING)
            if a != b:
                out.extend(field_changes(a, b, (*path, str(key))))
        return out
    return [FieldChange(path, None if old is _MISSING else old, None if new is _MISSING else new)]


def _powers(data: Data) -> dict[str, Mapping[str, Any]]:
    powers = data.get("powers") if isinstance(data, Mapping) else None
    out: dict[str, Mapping[str, Any]] = {}
    for p in powers if isinstance(powers, list) else []:
        if isinstance(p, Mapping) and isinstance(p.get("id"), str):
            out.setdefault(p["id"], p)
    return out


def power_changes(old: Data, new: Data) -> PowerDiff:
    a, b = _powers(normal_form(old)), _powers(normal_form(new))
    diff = PowerDiff()
    diff.added = [pid for pid in b if pid not in a]
    diff.removed = [pid for pid in a if pid not in b]
    for pid, power in b.items():
        if pid in a and a[pid] != power:
            changes = field_changes(a[pid], power)
            diff.details[pid] = changes
            diff.changed[pid] = [c.dotted for c in changes]
    return diff


@dataclass(frozen=True)
class UnitDiff:
    unit: str
    status: str  # added | removed | changed
    powers: PowerDiff
    old: Data | None = None  # the unit's data in each version, for the words of the change (change_notes)
    new: Data | None = None


def unit_changes(old: Mapping[str, Data], new: Mapping[str, Data]) -> list[UnitDiff]:
    """Per unit id: what changed between two sets of unit data (only units that changed)."""
    out: list[UnitDiff] = []
    for uid in sorted(set(old) | set(new)):
        if uid not in old:
            out.append(UnitDiff(uid, "added", power_changes({}, new[uid]), None, new[uid]))
        elif uid not in new:
            out.append(UnitDiff(uid, "removed", power_changes(old[uid], {}), old[uid], None))
        elif normal_form(old[uid]) != normal_form(new[uid]):
            diff = power_changes(old[uid], new[uid])
            out.append(UnitDiff(uid, "changed", diff, old[uid], new[uid]))
    return out
