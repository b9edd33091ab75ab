"""对照: one unit's powers against another's (by item code, else normalised name, else shared legal basis)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from powerctl.laws.citation import parse_article
from powerctl.laws.registry import name_key
from powerctl.model import Citation, Power, Unit

_NOT_NAME = re.compile(r"[\s\W_]+")


def normalise_power_name(name: str) -> str:
    return _NOT_NAME.sub("", unicodedata.normalize("NFKC", name))


def citation_key(c: Citation) -> tuple[str, int | None]:
    ref = parse_article(c.article)
    return name_key(c.law), ref.number if ref else None


def basis_text(power: Power) -> list[str]:
    return [f"《{c.law}》{c.article if isinstance(c.article, str) else f'第{c.article}条'}" for c in power.basis]


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
    ta, tb = a.time_limit, b.time_limit
    if (ta.statutory, ta.promised, ta.unit) != (tb.statutory, tb.promised, tb.unit):
        out["time_limit"] = {
            "a": {"statutory": ta.statutory, "promised": ta.promised, "unit": ta.unit},
            "b": {"statutory": tb.statutory, "promised": tb.promised, "unit": tb.unit},
        }
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
    # Shared legal basis: same category and the largest overlap of cited articles.
    for p in list(left):
        keys = {citation_key(c) for c in p.basis}
        best: tuple[float, Power] | None = None
        for q in right:
            if q.category != p.category:
                continue
            other = {citation_key(c) for c in q.basis}
            shared = len(keys & other)
            if shared:
                score = shared / len(keys | other)
                if best is None or score > best[0]:
                    best = (score, q)
        if best is not None:
            pairs.append(Pair(p, best[1], "依据", _differences(p, best[1])))
            left.remove(p)
            right.remove(best[1])
    return Comparison(a, b, left, right, pairs)
