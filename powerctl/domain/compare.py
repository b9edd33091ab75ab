"""对照: one unit's powers against another's (by item code, else normalised name, else shared legal basis)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from powerctl.catalogue.model import Citation, Power, TimeLimit, Unit
from powerctl.laws.citation import parse_article
from powerctl.laws.registry import name_key

_NOT_NAME = re.compile(r"[\s\W_]+")


def normalise_power_name(name: str) -> str:
    return _NOT_NAME.sub("", unicodedata.normalize("NFKC", name))


def citation_key(c: Citation) -> tuple[str, int | None]:
    ref = parse_article(c.article)
    return name_key(c.law), ref.number if ref else None


def basis_text(power: Power) -> list[str]:
    return [c.text for c in power.basis]


@dataclass(frozen=True)
class Pair:
    a: Power
    b: Power
    matched_by: str  # 事项编码 | 名称 | 依据
    differences: dict[str, Any]


@dataclass(frozen=True)
class Comparison:
    a: Unit
    b: Unit
    only_a: list[Power]
    only_b: list[Power]
    pairs: list[Pair]

    def as_dict(self) -> dict[str, Any]:
        def power(p: Power) -> dict[str, Any]:
            return {"power": p.id, "name": p.name, "category": p.category, "basis": basis_text(p)}

        return {
            "a": {"unit": self.a.id, "name": self.a.name},
            "b": {"unit": self.b.id, "name": self.b.name},
            "only_in_b": [power(p) for p in self.only_b],
            "only_in_a": [power(p) for p in self.only_a],
            "matched": [
                {"a": p.a.id, "b": p.b.id, "matched_by": p.matched_by, "differences": p.differences} for p in self.pairs
            ],
        }


def _differences(a: Power, b: Power) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if a.category != b.category:
        out["category"] = {"a": a.category, "b": b.category}
    ka = {citation_key(c): t for c, t in zip(a.basis, basis_text(a), strict=True)}
    kb = {citation_key(c): t for c, t in zip(b.basis, basis_text(b), strict=True)}
    if set(ka) != set(kb):
        out["basis"] = {
            "only_a": [t for k, t in ka.items() if k not in kb],
            "only_b": [t for k, t in kb.items() if k not in ka],
        }
    la, lb = _limit(a.time_limit), _limit(b.time_limit)
    if la != lb:
        out["time_limit"] = {"a": la, "b": lb}
    return out


def compare(a: Unit, b: Unit) -> Comparison:
    left = list(a.powers)
    right = list(b.powers)
    pairs: list[Pair] = []

    def take(how: str, key_a: Any, key_b: Any) -> None:
        index: dict[Any, Power] = {}
        for p in right:
            k = key_b(p)
            if k is not None:
                index.setdefault(k, p)
        for p in list(left):
            k = key_a(p)
            q = index.get(k) if k is not None else None
            if q is not None and q in right:
                pairs.append(Pair(p, q, how, _differences(p, q)))
                left.remove(p)
                right.remove(q)

    take("事项编码", lambda p: p.code, lambda p: p.code)
    take("名称", lambda p: normalise_power_name(p.name), lambda p: normalise_power_name(p.name))
    # Shared legal basis: same category and the largest overlap of the articles specific to the power.
    specific = _specific_citations(a) & _specific_citations(b)
    for p in list(left):
        keys = {citation_key(c) for c in p.basis} & specific
        best: tuple[float, Power] | None = None
        for q in right:
            if q.category != p.category:
                continue
            other = {citation_key(c) for c in q.basis} & specific
            shared = len(keys & other)
            if shared:
                score = shared / len(keys | other)
                if best is None or score > best[0]:
                    best = (score, q)
        if best is not None:
            pairs.append(Pair(p, best[1], "依据", _differences(p, best[1])))
            left.remove(p)
            right.remove(best[1])
    # Names close enough to be the same power written differently (简称, word order), in one category.
    for p in list(left):
        scored = [
            (difflib.SequenceMatcher(None, normalise_power_name(p.name), normalise_power_name(q.name)).ratio(), q)
            for q in right
            if q.category == p.category
        ]
        close = max(scored, key=lambda s: s[0], default=None)
        if close is not None and close[0] >= NAME_SIMILARITY:
            pairs.append(Pair(p, close[1], "名称相近", _differences(p, close[1])))
            left.remove(p)
            right.remove(close[1])
    return Comparison(a, b, left, right, pairs)


# Laws on how powers are exercised, cited by powers of every kind: a shared article of theirs says
# nothing about two powers being the same one.
PROCEDURE_LAWS = frozenset(
    name_key(n)
    for n in (
        "中华人民共和国行政许可法",
        "中华人民共和国行政处罚法",
        "中华人民共和国行政强制法",
        "中华人民共和国行政复议法",
        "中华人民共和国行政诉讼法",
        "中华人民共和国国家赔偿法",
        "中华人民共和国政府信息公开条例",
    )
)
NAME_SIMILARITY = 0.75


def _specific_citations(unit: Unit) -> set[tuple[str, int | None]]:
    """The articles that pin a power down: cited by one power of the unit, not by several, and not an
    article of a procedure law."""
    count: dict[tuple[str, int | None], int] = {}
    for power in unit.powers:
        for key in {citation_key(c) for c in power.basis}:
            count[key] = count.get(key, 0) + 1
    return {k for k, n in count.items() if n == 1 and k[1] is not None and k[0] not in PROCEDURE_LAWS}


def _limit(tl: TimeLimit | None) -> dict[str, Any]:
    if tl is None:
        return {"statutory": None, "promised": None, "unit": None}
    return {"statutory": tl.statutory, "promised": tl.promised, "unit": tl.unit}
