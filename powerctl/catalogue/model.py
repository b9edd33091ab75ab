"""The typed catalogue: frozen dataclasses built from schema-valid data, each knowing where it is.

Every object carries a ``Loc`` (its document and path), so a rule can ask for the span
of the object itself (``obj.span``) or of one of its fields (``obj.loc.at("days")``).
Parts of a file that failed the schema are left out of the model (and counted), so
rules only ever see data of the right shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from powerctl.laws.citation import citation_label
from powerctl.source.load import Document
from powerctl.source.span import Path, Span

# Categories whose powers act on no outside party (no 相对人), so 相对人的权利 does not apply.
NO_COUNTERPARTY = frozenset({"内部管理", "重大事项决策"})
ENDED_STATUSES = frozenset({"取消", "废止"})


@dataclass(frozen=True, slots=True)
class Loc:
    doc: Document = field(compare=False, repr=False)
    path: Path

    @property
    def span(self) -> Span:
        return self.doc.span(self.path)

    def at(self, *fields: str | int) -> Span:
        """The span of a field's value; for a field that is absent, the key of its parent."""
        p = (*self.path, *fields)
        if self.doc.has_value(p):
            return self.doc.span(p)
        return self.doc.key_span(self.path)

    def child(self, *fields: str | int) -> Loc:
        return Loc(self.doc, (*self.path, *fields))


@dataclass(frozen=True, slots=True)
class Citation:
    loc: Loc
    law: str  # normal form: no 《》 around it, no spaces
    article: str  # normal form 第N条…, or the text as written when it is not an article reference
    role: str | None
    quote: str | None

    @property
    def text(self) -> str:
        """《中华人民共和国行政许可法》第十二条"""
        return citation_label(self.law, self.article)


@dataclass(frozen=True, slots=True)
class Department:
    loc: Loc
    id: str
    name: str
    duties: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Post:
    loc: Loc
    id: str
    name: str
    department: str | None
    rank: str
    role: str | None = None  # a duty the rules need: 村务监督 报账员 会计 出纳


@dataclass(frozen=True, slots=True)
class Channel:
    loc: Loc
    way: str
    contact: str


NOW = "即办"  # a time limit handled on the spot: shown as written, counted as 0 days

Limit = int | str | None  # days, 即办, or None (none: the list's “/”, “无”)


def limit_days(value: Limit) -> int | None:
    """The days a limit counts: 即办 is 0, none is None."""
    if value is None:
        return None
    return 0 if value == NOW else int(value)


@dataclass(frozen=True, slots=True)
class TimeLimit:
    loc: Loc
    statutory: Limit
    promised: Limit  # None: the statutory limit is the promise
    unit: str
    start: str | None = None  # `from`: what the days count from (自受理之日起)

    @property
    def statutory_days(self) -> int | None:
        return limit_days(self.statutory)

    @property
    def promised_days(self) -> int | None:
        """The days promised as written (None when the list promises nothing of its own)."""
        return limit_days(self.promised)

    @property
    def promise(self) -> int | None:
        """The days a case has: the promised limit, or the statutory one when none is promised; None: no clock."""
        days = self.promised_days
        return days if days is not None else self.statutory_days

    @staticmethod
    def shown(value: Limit, unit: str) -> str:
        """A limit as a list prints it: 20个工作日, 即办, or “/”."""
        if value is None:
            return "/"
        return NOW if value == NOW else f"{value}个{unit}"


@dataclass(frozen=True, slots=True)
class Fee:
    loc: Loc
    charged: bool
    basis: Citation | None
    standard: str | None


@dataclass(frozen=True, slots=True)
class Disclosure:
    loc: Loc
    scope: str
    forms: tuple[str, ...]
    within_days: int | None


@dataclass(frozen=True, slots=True)
class Secrecy:
    loc: Loc
    reason: str | None
    basis: Citation | None


@dataclass(frozen=True, slots=True)
class Risk:
    loc: Loc
    step: str | None
    point: str
    level: str
    measures: tuple[str, ...]
    owner: str | None


@dataclass(frozen=True, slots=True)
class Amount:
    min: float
    max: float
    unit: str


@dataclass(frozen=True, slots=True)
class Discretion:
    loc: Loc
    circumstance: str
    condition: str
    penalty: str
    amount: Amount | None


@dataclass(frozen=True, slots=True)
class Edge:
    loc: Loc
    to: str
    when: str | None


@dataclass(frozen=True, slots=True)
class Step:
    loc: Loc
    id: str
    name: str
    post: str | None
    kind: str
    days: int | None
    does: str | None
    next: tuple[Edge, ...] | None  # None: the following step in the list
    disclosure: Disclosure | None

    @property
    def span(self) -> Span:
        return self.loc.span


@dataclass(frozen=True, slots=True)
class Supervision:
    loc: Loc
    at: str
    by: str
    how: str


@dataclass(frozen=True, slots=True)
class Flow:
    loc: Loc
    kind: str
    conditions: tuple[str, ...]
    steps: tuple[Step, ...]
    supervision: tuple[Supervision, ...]
    rights: tuple[str, ...]
    complaint: tuple[Channel, ...] | None
    # Step id → index in steps (the first step with that id).
    index: Mapping[str, int] = field(compare=False, repr=False)

    def successors(self, index: int) -> list[tuple[int, Edge | None]]:
        """The steps that follow step ``index``: its ``next`` targets, else the next in the list."""
        step = self.steps[index]
        if step.next is not None:
            ids = self.index
            return [(ids[e.to], e) for e in step.next if e.to in ids]
        if step.kind == "end" or index + 1 >= len(self.steps):
            return []
        return [(index + 1, None)]

    def is_end(self, index: int) -> bool:
        step = self.steps[index]
        return step.kind == "end" or (step.next is None and index + 1 >= len(self.steps))

    def start_index(self) -> int:
        return next((i for i, s in enumerate(self.steps) if s.kind == "start"), 0)


@dataclass(frozen=True, slots=True)
class Signatures:
    """三签字: the posts that hand, review and approve an expense (each a post id; absent: not written)."""

    loc: Loc
    handled: str | None
    reviewed: str | None
    approved: str | None


@dataclass(frozen=True, slots=True)
class Power:
    loc: Loc
    id: str
    code: str | None
    name: str
    category: str
    parent: str | None
    subject: str | None
    department: str
    status: str
    basis: tuple[Citation, ...]
    time_limit: TimeLimit | None  # required for the categories with a clock (行政许可 …); absent for others
    fee: Fee
    disclosure: Disclosure
    secrecy: Secrecy | None
    major_matter: tuple[str, ...]
    risks: tuple[Risk, ...]
    discretion: tuple[Discretion, ...] | None
    flow: Flow | None
    responsibilities: tuple[tuple[str | None, str], ...]  # (stage or None, duty)
    accountability: tuple[str, ...]
    signatures: Signatures | None = None  # 三签字 (村级 expenditure)
    village_matter: str | None = None  # 五必到: 重大事项 大额资金 工程验收 资源承包 财务清理
    note: str | None = None  # 备注, kept as written

    @property
    def span(self) -> Span:
        return self.loc.span

    @property
    def day_unit(self) -> str:
        """The unit a step's days are in: the time limit's, 工作日 when the power has no time limit."""
        return self.time_limit.unit if self.time_limit is not None else "工作日"

    @property
    def ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def has_counterparty(self) -> bool:
        return self.category not in NO_COUNTERPARTY


@dataclass(frozen=True, slots=True)
class PartialPower:
    """A power that lacks a required field (an imported row without 承办机构, 清理结果, 时限, 收费 or 公开):
    left out of the unit's powers and of every output, but the rules that need only what it has — its
    legal basis, name, category, code and ids, its time limit — still check it (an imported row without
    basis is B101; one without disclosure whose promised limit exceeds the statutory one is T301)."""

    loc: Loc
    id: str
    code: str | None
    name: str
    category: str | None
    parent: str | None
    department: str | None
    status: str | None
    basis: tuple[Citation, ...]
    time_limit: TimeLimit | None = None  # when it has a whole one

    @property
    def span(self) -> Span:
        return self.loc.span

    @property
    def ended(self) -> bool:
        return self.status in ENDED_STATUSES


@dataclass(frozen=True, slots=True)
class Change:
    loc: Loc
    date: str
    items: tuple[str, ...]
    kind: str
    reason: str
    reported: str | None


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit's catalogue (one file). Invalid parts are absent; ``complete`` says whether any were."""

    loc: Loc
    file: str
    id: str
    name: str
    region: str
    level: str
    credit_code: str | None
    departments: tuple[Department, ...]
    posts: tuple[Post, ...]
    complaint_channels: tuple[Channel, ...]
    powers: tuple[Power, ...]
    changes: tuple[Change, ...]
    # Ids of every power in the file, including those left out for schema errors.
    all_power_ids: frozenset[str]
    sample: bool = False  # the example unit of powerctl init, not yet made this unit's own
    partial_powers: tuple[PartialPower, ...] = ()  # powers lacking a required field (checked, never output)

    @property
    def span(self) -> Span:
        return self.loc.span

    @property
    def doc(self) -> Document:
        return self.loc.doc

    def post(self, post_id: str | None) -> Post | None:
        return next((p for p in self.posts if p.id == post_id), None)

    def checked_powers(self) -> tuple[Power | PartialPower, ...]:
        """The powers the basis, name and reference rules check: the whole ones and the partial ones, in
        the order of the file."""
        if not self.partial_powers:
            return self.powers
        return tuple(sorted((*self.powers, *self.partial_powers), key=lambda p: p.loc.path))

    def citations(self) -> Iterator[tuple[Power | PartialPower, Citation]]:
        """Every citation of the unit: legal bases, fee bases and secrecy bases."""
        for partial in self.partial_powers:
            yield from ((partial, c) for c in partial.basis)
        for power in self.powers:
            yield from ((power, c) for c in power.basis)
            if power.fee.basis is not None:
                yield power, power.fee.basis
            if power.secrecy is not None and power.secrecy.basis is not None:
                yield power, power.secrecy.basis
