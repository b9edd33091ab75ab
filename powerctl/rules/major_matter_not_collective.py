"""## 检查什么

列为“三重一大”事项（major_matter：重大决策、重要人事任免、重大项目安排、大额资金使用）的职权，
流程图中是否有集体讨论决定的步骤（kind: collective，如局党组会议、村民代表大会）。没有流程图时由 F201 报告。

不能判断的：步骤实际是不是集体讨论，只看 kind：名称是“党组会议”但 kind 不是 collective 的不算；集体讨论是否在决定
之前、是否真的召开。

## 为什么

“三重一大”事项必须集体决策，不能由个人或少数人决定，这是防止权力滥用的基本制度。

## 错误示例

```yaml
major_matter: [大额资金使用]
flow:
  steps:
    - {id: decide, name: 局长审批, post: director, kind: decision, days: 1}
```

## 正确示例

```yaml
major_matter: [大额资金使用]
flow:
  steps:
    - {id: meeting, name: 局党组会议集体研究, post: party-group, kind: collective, days: 3}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "G501"
NAME = "major-matter-not-collective"
SEVERITY = "error"
SUMMARY = "三重一大事项没有集体讨论决定环节"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        if not power.major_matter or power.flow is None or not power.flow.steps:
            continue
        if not any(step.kind == "collective" for step in power.flow.steps):
            yield Violation.at(
                power.loc,
                "major_matter",
                message=f"职权「{power.name}」属于三重一大事项（{'、'.join(power.major_matter)}），流程中没有集体讨论决定环节",
                hint="在决定前增加 kind: collective 的步骤（如党组会议、班子会议、村民代表会议），由集体岗位承办",
            )
