"""What a rule receives and what it gives back: a place and a message, nothing more."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from powerctl.catalogue.model import Loc, Unit
from powerctl.source.span import Path, Span

if TYPE_CHECKING:
    from powerctl.catalogue.config import Config
    from powerctl.laws.resolve import LawResolver


@dataclass(frozen=True, slots=True)
class Violation:
    """Where something is wrong and what: the runner stamps code, severity and file."""

    span: Span
    path: Path
    message: str
    hint: str = ""

    @classmethod
    def at(cls, loc: Loc, *fields: str | int, message: str, hint: str = "") -> Violation:
        """At a field of ``loc`` (or at ``loc``'s key when the field is absent)."""
        return cls(loc.at(*fields), (*loc.path, *fields), message, hint)


@dataclass(frozen=True)
class RuleContext:
    """Everything beyond the unit itself a rule may consult."""

    config: Config
    today: date
    laws: LawResolver
    # With --base: each unit's data at the base version, by unit id (C701); None without --base.
    base: Mapping[str, Any] | None = None
    # The file that first used each unit id, for repository-wide uniqueness (files are checked in order).
    first_unit: dict[str, str] = field(default_factory=dict)


Check = Callable[[Unit, RuleContext], Iterator[Violation]]


# Where a citation problem points: the field it is about.
_CITATION_FIELD = {"B102": "law", "B103": "law", "B104": "article", "B105": "law", "B107": "quote"}


# What made a power 取消 or 废止 is often its basis: a repealed law (B103), one no registry knows (B102), an
# article no longer there (B104) or changed (B107). That is the reason for the status, not a mistake in it.
_NOT_ON_ENDED = frozenset({"B102", "B103", "B104", "B107"})


def citation_violations(unit: Unit, ctx: RuleContext, code: str) -> Iterator[Violation]:
    """The problems of one code among all the unit's citations, each at the field it concerns (for a power
    that is 取消 or 废止, only the way the citation is written: B105)."""
    for power, citation in unit.citations():
        if code in _NOT_ON_ENDED and power.ended:
            continue
        for problem in ctx.laws.check(citation.law, citation.article, citation.quote):
            if problem.code == code:
                yield Violation.at(
                    citation.loc,
                    _CITATION_FIELD[code],
                    message=f"职权「{power.name}」的依据：{problem.message}",
                    hint=problem.hint,
                )
