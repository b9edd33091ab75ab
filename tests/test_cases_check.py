"""The questions behind R801–R807 asked of planted cases of the shipped XK-001 (临时占用、挖掘城市道路许可:
promised 5 工作日; 申请 → 受理 → 勘查 → 审核 → 决定 → 送达 or 不予许可, or 补正): each planted case gives its code,
the clean ones nothing.
The whole check, with positions and files, is tests/test_records_check.py."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from powerctl.catalogue.model import Unit
from powerctl.domain.cases import CaseProblem, Records
from powerctl.domain.flowgraph import must_pass

TODAY = date(2026, 11, 30)
RUN = [  # the whole flow, each step by its post
    ("shenqing", "sqr"), ("shouli", "ck_jb"), ("kancha", "szg_jb"), ("fuhe", "szg_gz"), ("jueding", "fjz_sz"),
    ("songda", "ck_jb"), ("jieshu", "ck_jb"),
]  # fmt: skip


def _case(received: date, closed: date | None, steps: list[tuple[str, str]] | None = None, **more: Any) -> Any:
    done = closed or received
    return {
        "id": "XK-2026-0001", "power": "XK-001", "received": received, "closed": closed,
        "steps": [{"step": s, "by": by, "done": received if s in ("shenqing", "shouli") else done}
                  for s, by in (RUN if steps is None else steps)],
        **more,
    }  # fmt: skip


def _check(case: Any, unit: Unit, today: date) -> list[CaseProblem]:
    return list(Records(unit, today).case(case))


def _codes(unit: Unit, case: Any) -> list[str]:
    return [p.code for p in _check(case, unit, TODAY)]


@pytest.fixture(scope="module")
def cgj(units: dict[str, Unit]) -> Unit:
    return units["lsj-cgj"]


def test_late_only_on_the_real_calendar(cgj: Unit) -> None:
    """Received Friday 09-25, closed Monday 10-12: the calendar counts 09-28, 09-29, 09-30, 10-08, 10-09 and
    Saturday 10-10 (调休), then 10-12: 7 working days, late; the message names the holiday."""
    problems = list(_check(_case(date(2026, 9, 25), date(2026, 10, 12)), cgj, TODAY))
    overdue = [p for p in problems if p.code == "R801"]
    assert overdue and "国庆节" in overdue[0].message and "承诺 5 个工作日" in overdue[0].message


def test_on_time_only_on_the_real_calendar(cgj: Unit) -> None:
    """Received 09-30, closed 10-09: Monday–Friday counting gives 7 (late), the calendar 2 (10-08, 10-09)."""
    assert _codes(cgj, _case(date(2026, 9, 30), date(2026, 10, 9))) == []


def test_a_suspension_decides(cgj: Unit) -> None:
    late = _case(date(2026, 11, 2), date(2026, 11, 13))  # 9 working days
    assert "R801" in _codes(cgj, late)
    suspended = {"suspended": [{"from": date(2026, 11, 4), "to": date(2026, 11, 10), "reason": "专家评审"}]}
    assert "R801" not in _codes(cgj, {**late, **suspended})  # 11-03, 11-11, 11-12, 11-13: 4 days


def test_open_cases_get_yellow_then_red(cgj: Unit) -> None:
    steps = RUN[:3]
    assert _codes(cgj, _case(date(2026, 11, 24), None, steps)) == ["R802"]  # 4 of 5 days used by 11-30
    assert _codes(cgj, _case(date(2026, 11, 20), None, steps)) == ["R801"]  # 6 days: red
    assert _codes(cgj, _case(date(2026, 11, 27), None, steps)) == []


def test_skipped_out_of_order_and_wrong_post(cgj: Unit) -> None:
    skipped = [s for s in RUN if s[0] != "fuhe"]
    codes = _codes(cgj, _case(date(2026, 11, 2), date(2026, 11, 3), skipped))
    assert "R804" in codes and "R805" in codes  # 审核 never done; 勘查 → 决定 is no edge of the flow
    said = [p.message for p in _check(_case(date(2026, 11, 2), date(2026, 11, 3), skipped), cgj, TODAY)]
    assert any("必经的环节「审核」" in m for m in said) and any("直接到了「" in m for m in said), said
    wrong = [(s, "ck_jb" if s == "jueding" else by) for s, by in RUN]
    assert _codes(cgj, _case(date(2026, 11, 2), date(2026, 11, 3), wrong)) == ["R806"]


def test_unknown_power_step_or_post(cgj: Unit) -> None:
    assert _codes(cgj, {**_case(date(2026, 11, 2), date(2026, 11, 3)), "power": "XK-999"}) == ["R807"]
    odd = [*RUN[:2], ("nosuch", "ck_jb"), *RUN[2:]]
    assert "R807" in _codes(cgj, _case(date(2026, 11, 2), date(2026, 11, 3), odd))
    stranger = [(s, "nobody" if s == "kancha" else by) for s, by in RUN]
    assert _codes(cgj, _case(date(2026, 11, 2), date(2026, 11, 3), stranger)) == ["R807"]


def test_a_step_that_took_longer_than_the_flow_gives(cgj: Unit) -> None:
    steps = [{"step": s, "by": by, "done": date(2026, 11, 2)} for s, by in RUN]
    steps[2]["done"] = date(2026, 11, 5)  # 勘查: 3 working days, the flow gives 2
    for later in steps[3:]:
        later["done"] = date(2026, 11, 5)
    case = {"id": "X", "power": "XK-001", "received": date(2026, 11, 2), "closed": date(2026, 11, 5), "steps": steps}
    assert _codes(cgj, case) == ["R803"]


def test_the_steps_every_path_to_the_decision_takes(cgj: Unit) -> None:
    power = next(p for p in cgj.powers if p.id == "XK-001")
    assert power.flow is not None
    flow = power.flow
    to_end = {flow.steps[i].id for i in must_pass(flow, {flow.index["jieshu"]})}
    assert to_end == {"shenqing", "shouli", "kancha", "fuhe", "jueding", "jieshu"}  # 送达 or 不予许可: neither
    assert {flow.steps[i].id for i in must_pass(flow)} == {"shenqing", "shouli"}  # two ends: 补正 ends early
