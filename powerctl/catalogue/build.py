"""Building the typed catalogue (`model`) from a loaded document: values the schema rejected are left out,
a power missing a required field becomes a `PartialPower`, every object gets its `Loc`."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Mapping
from typing import Any

from powerctl.catalogue.model import (
    Amount,
    Change,
    Channel,
    Citation,
    Department,
    Disclosure,
    Discretion,
    Edge,
    Fee,
    Flow,
    Loc,
    PartialPower,
    Post,
    Power,
    Risk,
    Secrecy,
    Signatures,
    Step,
    Supervision,
    TimeLimit,
    Unit,
)
from powerctl.laws.citation import article_label, law_name
from powerctl.source.load import Document
from powerctl.source.span import Path


def _items(value: Any) -> Iterator[tuple[int, Any]]:
    """(index, item) of a list, skipping items removed for schema errors (indexes stay true)."""
    for i, item in enumerate(value or ()):
        if item is not None:
            yield i, item


def _tuple_str(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _citation(loc: Loc, d: Mapping[str, Any]) -> Citation:
    # Written forms (《…》, 48, 第48条, 第（三）项) mean one citation: the model holds its normal form.
    return Citation(loc, law_name(d["law"]), article_label(d["article"]), d.get("role"), d.get("quote"))


def _disclosure(loc: Loc, d: Mapping[str, Any]) -> Disclosure:
    return Disclosure(loc, d["scope"], _tuple_str(d.get("forms")), d.get("within_days"))


def _channels(loc: Loc, items: Any) -> tuple[Channel, ...]:
    return tuple(Channel(loc.child(i), c["way"], str(c["contact"])) for i, c in _items(items))


def _step(loc: Loc, d: Mapping[str, Any]) -> Step:
    nxt: tuple[Edge, ...] | None = None
    if "next" in d:
        edges = []
        for j, e in _items(d["next"]):
            eloc = loc.child("next", j)
            edges.append(Edge(eloc, e, None) if isinstance(e, str) else Edge(eloc, e["to"], e.get("when")))
        nxt = tuple(edges)
    disc = d.get("disclosure")
    return Step(
        loc,
        d["id"],
        d["name"],
        d.get("post"),
        d.get("kind", "task"),
        d.get("days"),
        d.get("does"),
        nxt,
        _disclosure(loc.child("disclosure"), disc) if disc else None,
    )


def _flow(loc: Loc, d: Mapping[str, Any]) -> Flow:
    complaint = d.get("complaint")
    steps = tuple(_step(loc.child("steps", i), s) for i, s in _items(d.get("steps")))
    index: dict[str, int] = {}
    for i, step in enumerate(steps):
        index.setdefault(step.id, i)
    return Flow(
        loc,
        d.get("kind", "外部"),
        _tuple_str(d.get("conditions")),
        steps,
        tuple(
            Supervision(loc.child("supervision", i), s["at"], s["by"], s["how"])
            for i, s in _items(d.get("supervision"))
        ),
        _tuple_str(d.get("rights")),
        _channels(loc.child("complaint"), complaint) if complaint is not None else None,
        index,
    )


def _time_limit(loc: Loc, tl: Mapping[str, Any]) -> TimeLimit:
    """A time limit; promised and unit are required (a rejected value taken out is no "null": KeyError)."""
    return TimeLimit(loc, tl.get("statutory"), tl["promised"], tl["unit"], tl.get("from"))


def _power(loc: Loc, d: Mapping[str, Any]) -> Power:
    tl = d.get("time_limit")
    fee = d["fee"]
    sec = d.get("secrecy")
    disc = d.get("discretion")
    flow = d.get("flow")
    return Power(
        loc=loc,
        id=d["id"],
        code=d.get("code"),
        name=d["name"],
        category=d["category"],
        parent=d.get("parent"),
        subject=d.get("subject"),
        department=d["department"],
        status=d["status"],
        basis=tuple(_citation(loc.child("basis", i), c) for i, c in _items(d["basis"])),
        time_limit=_time_limit(loc.child("time_limit"), tl) if tl is not None else None,
        fee=Fee(
            loc.child("fee"),
            bool(fee["charged"]),
            _citation(loc.child("fee", "basis"), fee["basis"]) if fee.get("basis") else None,
            fee.get("standard"),
        ),
        disclosure=_disclosure(loc.child("disclosure"), d["disclosure"]),
        secrecy=(
            Secrecy(
                loc.child("secrecy"),
                sec.get("reason"),
                _citation(loc.child("secrecy", "basis"), sec["basis"]) if sec.get("basis") else None,
            )
            if sec is not None
            else None
        ),
        major_matter=_tuple_str(d.get("major_matter")),
        risks=tuple(
            Risk(
                loc.child("risks", i),
                r.get("step"),
                r["point"],
                r["level"],
                _tuple_str(r.get("measures")),
                r.get("owner"),
            )
            for i, r in _items(d.get("risks"))
        ),
        discretion=(
            tuple(
                Discretion(
                    loc.child("discretion", i),
                    x["circumstance"],
                    x["condition"],
                    x["penalty"],
                    (Amount(x["amount"]["min"], x["amount"]["max"], x["amount"]["unit"]) if x.get("amount") else None),
                )
                for i, x in _items(disc)
            )
            if disc is not None
            else None
        ),
        flow=_flow(loc.child("flow"), flow) if flow is not None else None,
        responsibilities=tuple((r.get("stage"), r["duty"]) for _, r in _items(d.get("responsibilities"))),
        accountability=_tuple_str(d.get("accountability")),
        signatures=_signatures(loc.child("signatures"), d.get("signatures")),
        village_matter=d.get("village_matter") if isinstance(d.get("village_matter"), str) else None,
        note=d.get("note") if isinstance(d.get("note"), str) else None,
    )


def _signatures(loc: Loc, d: Any) -> Signatures | None:
    if not isinstance(d, dict):
        return None
    posts = [d.get(k) if isinstance(d.get(k), str) else None for k in ("handled", "reviewed", "approved")]
    return Signatures(loc, *posts)


def _without_bad_values(data: Any, bad_paths: set[Path]) -> Any:
    """A copy of the data with every value the schema rejected taken out.

    A rejected mapping value loses its key (so optional fields fall back to their default and
    required ones make their object unusable); a rejected list item becomes None (so indexes,
    and with them positions, stay true).
    """
    data = copy.deepcopy(data)
    for path in sorted(bad_paths, key=len, reverse=True):
        if not path:
            continue
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
        except (KeyError, IndexError, TypeError):
            continue
        last = path[-1]
        if isinstance(parent, dict) and last in parent:
            del parent[last]
        elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
            parent[last] = None
    return data


_BUILD_ERRORS = (KeyError, TypeError, AttributeError, ValueError)


def _partial(loc: Loc, d: Any) -> PartialPower | None:
    """What the rules can check of a power that cannot be built whole; None without an id and a name."""
    if not isinstance(d, Mapping) or not isinstance(d.get("id"), str) or not isinstance(d.get("name"), str):
        return None

    def text(key: str) -> str | None:
        value = d.get(key)
        return value if isinstance(value, str) else None

    basis: list[Citation] = []
    for i, c in _items(d.get("basis") if isinstance(d.get("basis"), list) else []):
        if isinstance(c, Mapping) and isinstance(c.get("law"), str):  # an article may be missing: its finding says so
            article = c.get("article")
            written = article_label(article) if isinstance(article, str | int) and not isinstance(article, bool) else ""
            basis.append(Citation(loc.child("basis", i), law_name(c["law"]), written, c.get("role"), c.get("quote")))
    limit: TimeLimit | None = None
    with contextlib.suppress(*_BUILD_ERRORS):
        limit = _time_limit(loc.child("time_limit"), d["time_limit"])
    return PartialPower(
        loc,
        d["id"],
        text("code"),
        d["name"],
        text("category"),
        text("parent"),
        text("department"),
        text("status"),
        tuple(basis),
        limit,
    )


def build_unit(doc: Document, bad_paths: set[Path]) -> Unit | None:
    """The model of a schema-checked document; None when its unit part is unusable.

    ``bad_paths`` are the paths of schema problems. Rejected values are taken out first; a
    power that cannot be built without them is left out (its schema finding says why), and
    so is the whole unit when ``unit`` itself cannot be built.
    """
    data = doc.data
    if not isinstance(data, dict):
        return None
    if bad_paths:
        data = _without_bad_values(data, bad_paths)
    u = data.get("unit")
    if not isinstance(u, dict):
        return None
    root = Loc(doc, ())
    uloc = root.child("unit")
    powers_raw = data.get("powers") if isinstance(data.get("powers"), list) else []
    powers: list[Power] = []
    ids: set[str] = set()
    original = doc.data.get("powers")
    for p in original if isinstance(original, list) else []:
        if isinstance(p, dict) and isinstance(p.get("id"), str):
            ids.add(p["id"])
    partial: list[PartialPower] = []
    for i, p in _items(powers_raw):
        try:
            powers.append(_power(root.child("powers", i), p))
        except _BUILD_ERRORS:
            found = _partial(root.child("powers", i), p)
            if found is not None:
                partial.append(found)
    changes: list[Change] = []
    for i, c in _items(data.get("changes") if isinstance(data.get("changes"), list) else []):
        try:
            changes.append(
                Change(
                    root.child("changes", i),
                    c["date"],
                    _tuple_str(c["items"]),
                    c["kind"],
                    c["reason"],
                    c.get("reported"),
                )
            )
        except _BUILD_ERRORS:
            continue
    try:
        return Unit(
            loc=uloc,
            file=doc.file,
            id=u["id"],
            name=u["name"],
            region=u.get("region") or "",  # absent: the schema says so; the rules still run
            level=u.get("level") or "",
            credit_code=u.get("credit_code"),
            departments=tuple(
                Department(uloc.child("departments", i), d["id"], d["name"], _tuple_str(d.get("duties")))
                for i, d in _items(u.get("departments"))
            ),
            posts=tuple(
                Post(uloc.child("posts", i), p["id"], p["name"], p.get("department"), p["rank"], p.get("role"))
                for i, p in _items(u.get("posts"))
            ),
            complaint_channels=_channels(uloc.child("complaint_channels"), u.get("complaint_channels")),
            powers=tuple(powers),
            changes=tuple(changes),
            all_power_ids=frozenset(ids),
            sample=u.get("sample") is True,
            partial_powers=tuple(partial),
        )
    except _BUILD_ERRORS:
        return None
