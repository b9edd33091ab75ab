"""## 检查什么

流程图中每一步是否都能从开始步骤（第一个 kind 为 start 的步骤，没有时为第一步）沿 next 走到。
没有写 next 的步骤接着列表中的下一步；kind 为 end 的步骤结束流程。

不能判断的：连线本身是否合理，只看能否走到；next 指向不存在的步骤时这条连线不计（由 E005 报告），其后的步骤可能因
此一并报告。

## 为什么

走不到的步骤要么是多余的，要么是 next 写错了，流程图会画出一个孤立的方框。

## 错误示例

```yaml
steps:
  - {id: start, name: 申请, kind: start, next: [decide]}
  - {id: review, name: 审查, post: clerk, days: 5}     # 没有任何步骤指向它
  - {id: decide, name: 决定, post: chief, days: 2, kind: end}
```

## 正确示例

```yaml
steps:
  - {id: start, name: 申请, kind: start, next: [review]}
  - {id: review, name: 审查, post: clerk, days: 5}
  - {id: decide, name: 决定, post: chief, days: 2, kind: end}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.domain.flowgraph import reachable_from_start
from powerctl.rules._base import RuleContext, Violation

CODE = "F202"
NAME = "unreachable-step"
SEVERITY = "error"
SUMMARY = "流程步骤从开始无法到达"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        flow = power.flow
        if flow is None or not flow.steps:
            continue
        seen = reachable_from_start(flow)
        start = flow.steps[flow.start_index()].name
        for i, step in enumerate(flow.steps):
            if i not in seen:
                yield Violation.at(
                    step.loc,
                    "id",
                    message=f"职权「{power.name}」的步骤「{step.name}」从开始步骤「{start}」无法到达",
                    hint="在前面某一步的 next 中指向它，或删除这一步",
                )
