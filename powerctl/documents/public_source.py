"""The public 源数据: a projection of a unit's catalogue onto the fields that 一表 and 一图 publish.

Built from the list below, never by copying the catalogue and deleting: a field not named here (廉政风险点
`risks`, 涉密 `secrecy`, 三签字 `signatures`, 五必到 `village_matter`, any field added later) never reaches a
public file. A value under a public field is copied only in the shape the list gives it (scalars where a
scalar is expected, mappings only through their own public fields), so nothing rides along inside a value
of the wrong type. Only the audience's powers are kept, and nothing else names another power: a field that
holds a power's id (`Ref`: a 子项's `parent`, a change record's `items`) keeps only the ids of powers kept, so
a 子项 of a power not published loses its `parent`. A change record shows only its public items, and its free
text (`reason`, which may name the powers it is about) only when every power it lists is public; otherwise
the reason says that it is withheld (the field is required: the public 源数据 stays a valid catalogue, and
the public 变更说明 does not claim that no reason was written).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from datetime import date
from typing import Any

from powerctl.laws.citation import article_label, law_name


@dataclass(frozen=True)
class Record:
    """A mapping with these public fields; `scalar`: a plain scalar is also accepted in its place."""

    fields: Mapping[str, Spec]
    scalar: bool = False


@dataclass(frozen=True)
class Items:
    """A list whose every item is projected by `of`."""

    of: Spec


@dataclass(frozen=True)
class Normal:
    """A scalar published in its normal form (a law's name, an article), as every other output prints it."""

    form: Callable[[Any], str]


@dataclass(frozen=True)
class Ref:
    """A power's id: published only when that power is."""


Spec = Record | Items | Normal | Ref | None  # None: a scalar (text, number, true/false, null)
REF = Ref()

_TEXTS = Items(None)
CITATION = Record({"law": Normal(law_name), "article": Normal(article_label), "role": None, "quote": None})
DISCLOSURE = Record({"scope": None, "forms": _TEXTS, "within_days": None})
CHANNELS = Items(Record({"way": None, "contact": None}))

UNIT = Record(
    {
        "id": None,
        "name": None,
        "region": None,
        "level": None,
        "credit_code": None,
        "departments": Items(Record({"id": None, "name": None, "duties": _TEXTS})),
        "posts": Items(Record({"id": None, "name": None, "department": None, "rank": None, "role": None})),
        "complaint_channels": CHANNELS,
    }
)
FLOW = Record(
    {
        "kind": None,
        "conditions": _TEXTS,
        "steps": Items(
            Record(
                {
                    "id": None,
                    "name": None,
                    "post": None,
                    "kind": None,
                    "days": None,
                    "does": None,
                    "next": Items(Record({"to": None, "when": None}, scalar=True)),
                    "disclosure": DISCLOSURE,
                }
            )
        ),
        "supervision": Items(Record({"at": None, "by": None, "how": None})),
        "rights": _TEXTS,
        "complaint": CHANNELS,
    }
)
POWER = Record(
    {
        "id": None,
        "code": None,
        "name": None,
        "category": None,
        "parent": REF,
        "subject": None,
        "department": None,
        "status": None,
        "basis": Items(CITATION),
        "time_limit": Record({"statutory": None, "promised": None, "unit": None, "from": None}),
        "fee": Record({"charged": None, "basis": CITATION, "standard": None}),
        "disclosure": DISCLOSURE,
        "responsibilities": Items(Record({"stage": None, "duty": None})),
        "accountability": _TEXTS,
        "major_matter": _TEXTS,
        "note": None,  # 备注: printed in 一表, so public
        "discretion": Items(
            Record(
                {
                    "circumstance": None,
                    "condition": None,
                    "penalty": None,
                    "amount": Record({"min": None, "max": None, "unit": None}),
                }
            )
        ),
        "flow": FLOW,
    }
)
CHANGE = Record({"date": None, "items": Items(REF), "kind": None, "reason": None, "reported": None})
WITHHELD = "（变更理由未公开）"  # a change record's reason, when not every power it lists is public

_ABSENT = object()


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | date)


def project(value: Any, spec: Spec, keep: Set[str] = frozenset()) -> Any:
    """`value` cut to `spec`; `_ABSENT` when nothing of it is public (a value of the wrong shape, the id of a
    power not in `keep`)."""
    if spec is None:
        return value if _scalar(value) else _ABSENT
    if isinstance(spec, Ref):
        return value if isinstance(value, str) and value in keep else _ABSENT
    if isinstance(spec, Normal):
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return spec.form(value)
        return value if _scalar(value) else _ABSENT
    if isinstance(spec, Items):
        if not isinstance(value, list):
            return _ABSENT
        items = (project(item, spec.of, keep) for item in value)
        return [item for item in items if item is not _ABSENT]
    if isinstance(value, Mapping):
        out = {}
        for key, field in spec.fields.items():
            if key in value:
                kept = project(value[key], field, keep)
                if kept is not _ABSENT:
                    out[key] = kept
        return out
    return value if spec.scalar and _scalar(value) else _ABSENT


def public_source(data: Mapping[str, Any], keep: Set[str]) -> dict[str, Any]:
    """The unit's public 源数据: the public fields of the powers in `keep`, change records naming only them."""
    out: dict[str, Any] = {}
    if "schema" in data and _scalar(data["schema"]):
        out["schema"] = data["schema"]
    unit = project(data.get("unit"), UNIT)
    if unit is not _ABSENT:
        out["unit"] = unit
    powers = data.get("powers")
    chosen = [p for p in powers if isinstance(p, Mapping) and p.get("id") in keep] if isinstance(powers, list) else []
    out["powers"] = [project(p, POWER, keep) for p in chosen]
    changes = []
    entries = data.get("changes")
    for entry in entries if isinstance(entries, list) else []:
        record = project(entry, CHANGE, keep)
        if not isinstance(record, dict) or not record.get("items"):
            continue  # no public power in it: the record is not published at all
        if record["items"] != entry.get("items") and "reason" in record:  # it also lists a power not published
            record["reason"] = WITHHELD  # (or a malformed item)
        changes.append(record)
    if changes:
        out["changes"] = changes
    return out
