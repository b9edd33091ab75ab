"""## 检查什么

沿流程图 next 分支的最长路径（从开始到结束，各步 days 之和；退回补正等回路只计一次）
是否超过承诺时限（time_limit.promised；即办按 0 天计；承诺时限为 null 时以法定时限为承诺）。

不能判断的：没有办理时限或时限为 null（原表的“/”）的职权不检查；没有写 days 的步骤按 0 天计（由 F201
报告），回路只计一次，所以最长路径可能少算；走不到结束的流程图（见 F203）不计算。

## 为什么

流程图上各环节的时限加起来超过对外承诺的时限，承诺就无法兑现，群众也无从监督。

## 错误示例

```yaml
time_limit: {statutory: 20, promised: 5, unit: 工作日}
flow:
  steps:
    - {id: accept, name: 受理, post: window, days: 1}
    - {id: review, name: 审查, post: clerk, days: 5}
    - {id: decide, name: 决定, post: chief, days: 2}
```

## 正确示例

```yaml
time_limit: {statutory: 20, promised: 8, unit: 工作日}
flow:
  steps:
    - {id: accept, name: 受理, post: window, days: 1}
    - {id: review, name: 审查, post: clerk, days: 5}
    - {id: decide, name: 决定, post: chief, days: 2}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.domain.flowgraph import longest_path
from powerctl.rules._base import RuleContext, Violation

CODE = "F204"
NAME = "flow-exceeds-time-limit"
SEVERITY = "error"
SUMMARY = "流程最长路径的时限超过承诺时限"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        flow = power.flow
        if flow is None:
            continue
        path = longest_path(flow)
        tl = power.time_limit
        promise = tl.promise if tl is not None else None
        if tl is None or promise is None or path is None or path.days <= promise:
            continue
        which, limit = ("承诺", tl.promised) if tl.promised is not None else ("法定", tl.statutory)
        route = "→".join(flow.steps[i].name for i in path.steps)
        yield Violation.at(
            tl.loc,
            "promised",
            message=(
                f"职权「{power.name}」流程最长路径共 {path.days} 个{tl.unit}，"
                f"超过{which}时限 {tl.shown(limit, tl.unit)}（{route}）"
            ),
            hint="压缩各环节的 days，或在不超过法定时限的前提下调整承诺时限",
        )
