"""One case (办件) of the records checked against its power: the questions behind R801–R807 (DESIGN.md).

Pure: a case's data (as `source.records` reads it), the unit it belongs to and the day it is measured to
(`--today`, for open cases) in; what is wrong out, each with the field or step it is about, so that the
caller can give it a position. Days as `case_days` counts them, in the power's `time_limit.unit`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from powerctl.catalogue.model import Power, Unit
from powerctl.domain.case_days import Count, elapsed, explain
from powerctl.domain.flowgraph import edges, must_pass

NEAR = 0.8  # 黄牌: an open case that has used this share of its promised limit


@dataclass(frozen=True)
class CaseProblem:
    code: str
    field: str  # the case's field the problem is about (`steps`, `closed`, `power` …)
    step: int | None  # the recorded step's place in `steps`, when about one
    message: str
    hint: str


def find_power(unit: Unit, ref: object) -> Power | None:
    """The power a record names, by id or by code."""
    if not isinstance(ref, str):
        return None
    return next((p for p in unit.powers if p.id == ref or (p.code is not None and p.code == ref)), None)


def _suspensions(case: Mapping[str, Any]) -> list[tuple[date, date]]:
    out = []
    for item in case.get("suspended") or ():
        if isinstance(item, Mapping) and isinstance(item.get("from"), date) and isinstance(item.get("to"), date):
            out.append((item["from"], item["to"]))
    return out


def _words(count: Count) -> str:
    said = explain(count)
    return f"；{said}" if said else ""


def check_case(case: Mapping[str, Any], unit: Unit, today: date) -> Iterator[CaseProblem]:
    """Everything wrong with one case of `unit`."""
    ident = case.get("id", "?")
    power = find_power(unit, case.get("power"))
    if power is None:
        yield CaseProblem(
            "R807", "power", None, f"办件 {ident} 登记的职权「{case.get('power')}」不在单位 {unit.id} 的目录中",
            "写目录中的职权标识（id）或事项编码（code）",
        )  # fmt: skip
        return
    received = case.get("received")
    if not isinstance(received, date):
        return  # the schema says what is missing
    closed = case.get("closed") if isinstance(case.get("closed"), date) else None
    limit = power.time_limit
    suspended = _suspensions(case)
    count = elapsed(received, closed or today, limit.unit, suspended)
    name = f"职权「{power.name}」的办件 {ident} "
    if count.days > limit.promised:
        how = (
            f"受理后第 {count.days} 个{limit.unit}办结"
            if closed
            else f"至 {today.isoformat()} 已用 {count.days} 个{limit.unit}仍未办结"
        )
        yield CaseProblem(
            "R801", "closed" if closed else "received", None,
            f"{name}{how}，承诺 {limit.promised} 个{limit.unit}（红牌）{_words(count)}",
            "登记延期审批或特别程序（suspended）的起止日期；确属超期的，说明原因并按规定问责",
        )  # fmt: skip
    elif closed is None and limit.promised and count.days >= NEAR * limit.promised:
        yield CaseProblem(
            "R802", "received", None,
            f"{name}至 {today.isoformat()} 已用 {count.days} 个{limit.unit}，承诺 {limit.promised} 个{limit.unit}，"
            f"即将到期（黄牌）{_words(count)}",
            "尽快办结；需要特别程序的，登记 suspended",
        )  # fmt: skip
    yield from _steps(case, unit, power, closed, suspended, name)


def _steps(
    case: Mapping[str, Any],
    unit: Unit,
    power: Power,
    closed: date | None,
    suspended: list[tuple[date, date]],
    name: str,
) -> Iterator[CaseProblem]:
    flow = power.flow
    steps = [s for s in case.get("steps") or () if isinstance(s, Mapping)]
    if flow is None or not flow.steps:
        return
    posts = {p.id for p in unit.posts}
    joined = edges(flow)
    previous: str | None = None
    previous_name = ""
    since = case.get("received")
    for k, step in enumerate(steps):
        sid, by, done = step.get("step"), step.get("by"), step.get("done")
        at = flow.index.get(sid) if isinstance(sid, str) else None
        if at is None:
            yield CaseProblem(
                "R807", "steps", k, f"{name}登记的步骤「{sid}」不在该职权的流程图中",
                f"写流程图中的步骤标识：{'、'.join(s.id for s in flow.steps)}",
            )  # fmt: skip
            previous = None
            continue
        flow_step = flow.steps[at]
        if by is not None and by not in posts:
            yield CaseProblem("R807", "steps", k, f"{name}的步骤「{flow_step.name}」登记的岗位「{by}」不在单位的岗位中",
                              "写 unit.posts 中的岗位标识")  # fmt: skip
        elif by is not None and flow_step.post is not None and by != flow_step.post:
            yield CaseProblem(
                "R806", "steps", k,
                f"{name}的步骤「{flow_step.name}」由「{by}」办理，流程图规定由「{flow_step.post}」办理",
                "由流程图规定的岗位办理；岗位调整的，先修改流程图",
            )  # fmt: skip
        if previous is not None and previous != sid and (previous, sid) not in joined:
            yield CaseProblem(
                "R805", "steps", k, f"{name}从步骤「{previous_name}」直接到了「{flow_step.name}」，流程图中没有这一步",
                "按流程图的顺序办理；确需改变流程的，先修改流程图",
            )  # fmt: skip
        if isinstance(done, date) and isinstance(since, date) and flow_step.days is not None:
            took = elapsed(since, done, power.time_limit.unit, suspended)
            if took.days > flow_step.days:
                yield CaseProblem(
                    "R803", "steps", k,
                    f"{name}的步骤「{flow_step.name}」用了 {took.days} 个{power.time_limit.unit}，流程图规定 "
                    f"{flow_step.days} 个{_words(took)}",
                    "该环节按流程图的时限办理，或修改流程图的时限",
                )  # fmt: skip
        if isinstance(done, date):
            since = done
        previous, previous_name = sid, flow_step.name
    known = [flow.index[s["step"]] for s in steps if isinstance(s.get("step"), str) and s["step"] in flow.index]
    if closed is not None and known:
        taken = {s.get("step") for s in steps}
        for i in sorted(must_pass(flow, {known[-1]})):  # every step on the way to where the case ended
            needed = flow.steps[i]
            if needed.kind in ("start", "end") or needed.id in taken:
                continue
            yield CaseProblem(
                "R804", "steps", None, f"{name}已办结，但没有经过流程图中必经的步骤「{needed.name}」",
                f"补登该步骤（{needed.id}）的办理情况；确实跳过的，说明原因并按规定问责",
            )  # fmt: skip
