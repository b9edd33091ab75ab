"""The records of a unit checked against its catalogue: the questions behind R801–R809 (DESIGN.md).

Pure: an entry's data (as `source.records` reads it: dates as text or as dates), the unit and the day open
cases are measured to (`--today`) in; what is wrong out, each with the path inside the entry it is about,
so that the caller can give it a position. Days as `case_days` counts them, in the power's
`time_limit.unit`. What a power's flow implies for every case (its edges, the steps every path to a step
passes, its posts) is worked out once per power (`_Plan`), since a county checks 10^5–10^6 cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from powerctl.catalogue.model import Power, Unit
from powerctl.domain.case_days import days, elapsed, explain
from powerctl.domain.flowgraph import edges, must_pass
from powerctl.source.span import Path

NEAR = 0.8  # 黄牌: an open case that has used this share of its promised limit
RED, YELLOW = "红牌", "黄牌"
SUPERVISION = "村务监督"  # the post role that must review an expense (三签字) and attend (五必到)
_SIGNERS = (("handled", "经手人"), ("reviewed", "审核人"), ("approved", "批准人"))


@dataclass(frozen=True)
class CaseProblem:
    code: str
    path: Path  # inside the entry: ("power",), ("steps", 2), ("reviewed", "post") …
    message: str
    hint: str
    power: str | None = None  # the power's id, when the entry names one that exists


@dataclass(frozen=True)
class Measure:
    """What one case's days say: the count R801–R803 and `stats --records` both use."""

    power: Power
    received: date
    closed: date | None
    used: int  # days from received to closed (or --today), in the power's time_limit.unit
    card: str | None  # 红牌 (over the promised limit, closed or open), 黄牌 (open, 80 % or more used), None
    suspended: list[tuple[date, date]]
    late_steps: tuple[tuple[int, str, int, int], ...]  # (place in steps, step id, days taken, days allowed)
    # Each recorded step: (place in steps, its step id, its place in the flow or None, by, the day it was done)
    walk: tuple[tuple[int, object, int | None, object, date | None], ...] = ()


@lru_cache(maxsize=8192)
def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def day(value: object) -> date | None:
    """A date of a record: a date, or text written YYYY-MM-DD; anything else is None (the schema names it)."""
    if type(value) is str:
        return _iso(value)
    return value if isinstance(value, date) else None


def find_power(unit: Unit, ref: object) -> Power | None:
    """The power a record names, by id or by code."""
    if not isinstance(ref, str):
        return None
    return next((p for p in unit.powers if p.id == ref or (p.code is not None and p.code == ref)), None)


def _suspensions(case: Mapping[str, Any]) -> list[tuple[date, date]]:
    out = []
    for item in case.get("suspended") or ():
        if isinstance(item, dict):
            first, last = day(item.get("from")), day(item.get("to"))
            if first is not None and last is not None:
                out.append((first, last))
    return out


def _words(start: date, end: date, unit: str, suspended: list[tuple[date, date]]) -> str:
    said = explain(elapsed(start, end, unit, suspended))
    return f"；{said}" if said else ""


@dataclass
class _Plan:
    """What one power's flow says about every case of it."""

    power: Power
    edges: frozenset[tuple[str, str]]
    steps: str  # the flow's step ids, for a hint
    needed: dict[int, list[int]] = field(default_factory=dict)  # a step → the steps every path to it takes

    needed_all: dict[frozenset[int], list[int]] = field(default_factory=dict)  # by the set of steps taken

    def must_pass(self, last: int) -> list[int]:
        found = self.needed.get(last)
        if found is None:
            assert self.power.flow is not None
            found = self.needed[last] = sorted(must_pass(self.power.flow, {last}))
        return found

    def needed_for(self, reached: frozenset[int]) -> list[int]:
        """Every step on every way to a step in `reached` (most cases take one of a few ways: kept)."""
        found = self.needed_all.get(reached)
        if found is None:
            union: set[int] = set()
            for i in reached:
                union.update(self.must_pass(i))
            found = sorted(union)
            if len(self.needed_all) < 4096:
                self.needed_all[reached] = found
        return found


class Records:
    """The checks of one unit's records, with what they need worked out once."""

    def __init__(self, unit: Unit, today: date, seen: Callable[[Measure, str], None] | None = None) -> None:
        self.unit = unit
        self.today = today
        self.seen = seen  # told of every case measured, with its id (stats --records)
        self.posts = {p.id: p for p in unit.posts}
        self._powers: dict[str, Power | None] = {}
        self._plans: dict[str, _Plan] = {}

    def power(self, ref: object) -> Power | None:
        if not isinstance(ref, str):
            return None
        if ref not in self._powers:
            self._powers[ref] = find_power(self.unit, ref)
        return self._powers[ref]

    def _plan(self, power: Power) -> _Plan:
        plan = self._plans.get(power.id)
        if plan is None:
            assert power.flow is not None
            ids = "、".join(s.id for s in power.flow.steps)
            plan = self._plans[power.id] = _Plan(power, frozenset(edges(power.flow)), ids)
        return plan

    def _unknown_power(self, what: str, entry: Mapping[str, Any]) -> CaseProblem:
        ident, ref = entry.get("id", "?"), entry.get("power")
        return CaseProblem(
            "R807", ("power",), f"{what} {ident} 登记的职权「{ref}」不在单位 {self.unit.id} 的目录中",
            "写目录中的职权标识（id）或事项编码（code）",
        )  # fmt: skip

    # -- 办件 ------------------------------------------------------------------------------------------
    def measure(self, case: Mapping[str, Any]) -> Measure | None:
        """How long one case took or has taken, its card and its steps over their days; None when it names no
        power of the unit or has no day received (R807 or the schema says so)."""
        power = self.power(case.get("power"))
        received = day(case.get("received"))
        if power is None or received is None:
            return None
        closed = day(case.get("closed"))
        unit = power.day_unit
        promise = power.time_limit.promise if power.time_limit is not None else None
        suspended = _suspensions(case)
        used, _ = days(received, closed or self.today, unit, suspended)
        card = None  # also with no clock: a power without a time limit, or “/” for both limits
        if promise is not None and used > promise:
            card = RED
        elif promise and closed is None and used >= NEAR * promise:
            card = YELLOW
        late: list[tuple[int, str, int, int]] = []
        walk: list[tuple[int, object, int | None, object, date | None]] = []
        flow = power.flow
        if flow is not None:
            since = received
            index, steps = flow.index, flow.steps
            for k, step in enumerate(case.get("steps") or ()):
                if not isinstance(step, dict):
                    continue
                sid = step.get("step")
                at = index.get(sid) if isinstance(sid, str) else None
                done = day(step.get("done"))
                walk.append((k, sid, at, step.get("by"), done))
                if at is None:
                    continue
                allowed = steps[at].days
                if done is not None and allowed is not None:
                    took, _ = days(since, done, unit, suspended)
                    if took > allowed:
                        late.append((k, steps[at].id, took, allowed))
                if done is not None:
                    since = done
        return Measure(power, received, closed, used, card, suspended, tuple(late), tuple(walk))

    def case(self, case: Mapping[str, Any]) -> Iterator[CaseProblem]:
        """Everything wrong with one case (办件): R801–R807."""
        if self.power(case.get("power")) is None:
            yield self._unknown_power("办件", case)
            return
        m = self.measure(case)
        if m is None:
            return  # the schema says what is missing
        if self.seen is not None:
            self.seen(m, str(case.get("id", "?")))
        unit = m.power.day_unit
        promised = _promised(m.power)
        end = m.closed or self.today
        name = f"职权「{m.power.name}」的办件 {case.get('id', '?')} "
        words = _words(m.received, end, unit, m.suspended) if m.card else ""
        if m.card == RED:
            how = (
                f"受理后第 {m.used} 个{unit}办结"
                if m.closed
                else f"至 {self.today.isoformat()} 已用 {m.used} 个{unit}仍未办结"
            )
            yield CaseProblem(
                "R801", ("closed",) if m.closed else ("received",),
                f"{name}{how}，{promised}（红牌）{words}",
                "登记延期审批或特别程序（suspended）的起止日期；确属超期的，说明原因并按规定问责", m.power.id,
            )  # fmt: skip
        elif m.card == YELLOW:
            yield CaseProblem(
                "R802", ("received",),
                f"{name}至 {self.today.isoformat()} 已用 {m.used} 个{unit}，"
                f"{promised}，即将到期（黄牌）{words}",
                "尽快办结；需要特别程序的，登记 suspended", m.power.id,
            )  # fmt: skip
        if m.power.flow is not None and m.power.flow.steps:
            yield from self._steps(case, m, name)

    def _steps(self, case: Mapping[str, Any], m: Measure, name: str) -> Iterator[CaseProblem]:
        power = m.power
        flow = power.flow
        assert flow is not None
        plan = self._plan(power)
        unit = power.day_unit
        late = {k: (took, allowed) for k, _, took, allowed in m.late_steps}
        previous: str | None = None
        previous_name = ""
        since = m.received
        taken: set[str] = set()
        reached: set[int] = set()  # the flow's steps the case recorded
        for k, sid, at, by, done in m.walk:
            if at is None:
                yield CaseProblem(
                    "R807", ("steps", k, "step"), f"{name}登记的环节「{sid}」不在该职权的流程图中",
                    f"写流程图中的环节标识：{plan.steps}", power.id,
                )  # fmt: skip
                previous = None
                continue
            assert isinstance(sid, str)
            taken.add(sid)
            reached.add(at)
            flow_step = flow.steps[at]
            if by is not None and by not in self.posts:
                yield CaseProblem(
                    "R807", ("steps", k, "by"), f"{name}的环节「{flow_step.name}」登记的岗位「{by}」不在单位的岗位中",
                    "写 unit.posts 中的岗位标识", power.id,
                )  # fmt: skip
            elif by is not None and flow_step.post is not None and by != flow_step.post:
                yield CaseProblem(
                    "R806", ("steps", k, "by"),
                    f"{name}的环节「{flow_step.name}」由「{by}」办理，流程图规定由「{flow_step.post}」办理",
                    "由流程图规定的岗位办理；岗位调整的，先修改流程图", power.id,
                )  # fmt: skip
            if previous is not None and previous != sid and (previous, sid) not in plan.edges:
                yield CaseProblem(
                    "R805", ("steps", k, "step"),
                    f"{name}从环节「{previous_name}」直接到了「{flow_step.name}」，流程图中没有这一步",
                    "按流程图的顺序办理；确需改变流程的，先修改流程图", power.id,
                )  # fmt: skip
            if k in late and done is not None:
                took, allowed = late[k]
                yield CaseProblem(
                    "R803", ("steps", k, "done"),
                    f"{name}的环节「{flow_step.name}」用了 {took} 个{unit}，流程图规定 {allowed} 个"
                    f"{_words(since, done, unit, m.suspended)}",
                    "该环节按流程图的时限办理，或修改流程图的时限", power.id,
                )  # fmt: skip
            if done is not None:
                since = done
            previous, previous_name = sid, flow_step.name
        if m.closed is None or not reached:
            return
        for i in plan.needed_for(frozenset(reached)):  # every step on every way to a step the case took
            needed = flow.steps[i]
            if needed.kind in ("start", "end") or needed.id in taken:
                continue
            yield CaseProblem(
                "R804", ("steps",), f"{name}已办结，但没有经过流程图中必经的环节「{needed.name}」",
                f"补登该环节（{needed.id}）的办理情况；确实跳过的，说明原因并按规定问责", power.id,
            )  # fmt: skip

    # -- 三签字 ----------------------------------------------------------------------------------------
    def expense(self, expense: Mapping[str, Any]) -> Iterator[CaseProblem]:
        """R808 (and R807 for what it names) of one expense."""
        power = self.power(expense.get("power"))
        if power is None:
            yield self._unknown_power("支出", expense)
            return
        label = f"支出 {expense.get('id', '?')}（职权「{power.name}」）"
        signed: dict[str, tuple[str, str]] = {}
        for key, who in _SIGNERS:
            person = expense.get(key)
            if not isinstance(person, dict) or not person.get("name"):
                yield CaseProblem(
                    "R808", (key,) if key in expense else (), f"{label}缺少{who}签字（{key}）",
                    f"三签字：经手人、审核人（村务监督委员会主任）、批准人（村委会主任）都签字后才能报账；补登 {key}",
                    power.id,
                )  # fmt: skip
                continue
            post = person.get("post")
            if isinstance(post, str) and post not in self.posts:
                yield CaseProblem(
                    "R807", (key, "post"), f"{label}的{who}岗位「{post}」不在单位的岗位中",
                    "写 unit.posts 中的岗位标识", power.id,
                )  # fmt: skip
            signed[key] = (str(person["name"]), post if isinstance(post, str) else "")
        keys = [k for k, _ in _SIGNERS if k in signed]
        whos = dict(_SIGNERS)
        for i, first in enumerate(keys):
            for second in keys[i + 1 :]:
                if signed[first][0] == signed[second][0]:
                    yield CaseProblem(
                        "R808", (second, "name"),
                        f"{label}的{whos[first]}和{whos[second]}是同一人「{signed[second][0]}」",
                        "三个签字应由三个不同的人签署", power.id,
                    )  # fmt: skip
        if "reviewed" in signed:
            post = self.posts.get(signed["reviewed"][1])
            if post is not None and post.role != SUPERVISION:
                yield CaseProblem(
                    "R808", ("reviewed", "post"),
                    f"{label}的审核人「{signed['reviewed'][0]}」的岗位「{post.name}」不是村务监督岗位",
                    "审核人应为村务监督委员会主任（unit.posts 中 role: 村务监督 的岗位）", power.id,
                )  # fmt: skip

    # -- 五必到 ----------------------------------------------------------------------------------------
    def meeting(self, meeting: Mapping[str, Any]) -> Iterator[CaseProblem]:
        """R809 (and R807 for what it names) of one meeting."""
        power = self.power(meeting.get("power"))
        if power is None:
            yield self._unknown_power("会议", meeting)
            return
        attendees = [a for a in meeting.get("attendees") or () if isinstance(a, dict)]
        for k, person in enumerate(meeting.get("attendees") or ()):
            post = person.get("post") if isinstance(person, dict) else None
            if isinstance(post, str) and post not in self.posts:
                yield CaseProblem(
                    "R807", ("attendees", k, "post"),
                    f"会议 {meeting.get('id', '?')} 的到会人员「{person.get('name')}」的岗位「{post}」不在单位的岗位中",
                    "写 unit.posts 中的岗位标识", power.id,
                )  # fmt: skip
        if power.village_matter is None:
            return
        present = any(
            (p := self.posts.get(str(a.get("post")))) is not None and p.role == SUPERVISION for a in attendees
        )
        if not present:
            yield CaseProblem(
                "R809", ("attendees",),
                f"会议 {meeting.get('id', '?')} 研究五必到事项（{power.village_matter}，职权「{power.name}」），"
                "到会人员中没有村务监督员",
                "五必到：村务监督委员会成员必须到场监督；补登到会的监督员（岗位为 role: 村务监督），未到场的应重新召开",
                power.id,
            )  # fmt: skip


def _promised(power: Power) -> str:
    """The limit a case is held to, in words: 承诺 5 个工作日 / 承诺即办 / 法定 20 个工作日 (none promised)."""
    tl = power.time_limit
    if tl is None:
        return ""
    which, limit = ("承诺", tl.promised) if tl.promised is not None else ("法定", tl.statutory)
    return f"{which}即办" if limit == "即办" else f"{which} {limit} 个{tl.unit}"
