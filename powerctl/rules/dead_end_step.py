"""## 检查什么

流程图中除结束步骤外，每一步是否都有路径走到结束（kind 为 end 的步骤，或没有 next 的最后一步）。

不能判断的：回路（如退回补正）会不会反复走下去：只要有一条路径能走到结束就不报告；next 指向不存在的步骤时这条连线
不计（由 E005 报告）。

## 为什么

走不到结束的步骤意味着办理会“卡”在那里：申请人得不到结果，流程也无法计算时限。

## 错误示例

```yaml
steps:
  - {id: accept, name: 受理, post: window, days: 1, next: [review]}
  - {id: review, name: 审查, post: clerk, days: 5, next: [accept]}   # 只能回到受理
  - {id: done, name: 办结, kind: end}
```

## 正确示例

```yaml
steps:
  - {id: accept, name: 受理, post: window, days: 1, next: [review]}
  - {id: review, name: 审查, post: clerk, days: 5, next: [done]}
  - {id: done, name: 办结, kind: end}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.domain.flowgraph import can_reach_end
from powerctl.rules._base import RuleContext, Violation

CODE = "F203"
NAME = "dead-end-step"
SEVERITY = "error"
SUMMARY = "流程步骤无法走到结束"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        flow = power.flow
        if flow is None or not flow.steps:
            continue
        ok = can_reach_end(flow)
        for i, step in enumerate(flow.steps):
            if i not in ok:
                field = "next" if step.next is not None else "id"
                yield Violation.at(
                    step.loc,
                    field,
                    message=f"职权「{power.name}」的步骤「{step.name}」没有路径走到结束",
                    hint="让 next 最终指向一个 kind: end 的步骤；结束步骤请写 kind: end",
                )
