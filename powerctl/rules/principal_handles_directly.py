"""## 检查什么

涉及重要人事任免、重大项目安排、大额资金使用的职权（major_matter），主要领导岗位（rank: 主要领导）
是否直接承办了集体讨论以外的步骤。主要领导只能出现在集体讨论步骤（kind: collective）中或作为监督者。

不能判断的：岗位的实际承担者是谁，只看承办岗位的 rank：集体讨论以外的步骤由主要领导岗位承办的都报告，kind 为
supervision 的步骤也在内（作为监督者请写在 flow.supervision 中）。只涉及重大决策的不检查。

## 为什么

主要负责人“四个不直接分管”：不直接分管人事、财务、工程项目和物资采购等，末位表态，
由分管领导和内设机构具体承办，以形成相互制约。

## 错误示例

```yaml
major_matter: [大额资金使用]
flow:
  steps:
    - {id: approve, name: 审批付款, post: director, kind: task, days: 1}   # director 的 rank 是 主要领导
```

## 正确示例

```yaml
major_matter: [大额资金使用]
flow:
  steps:
    - {id: review, name: 审核付款, post: deputy-finance, kind: task, days: 1}
    - {id: meeting, name: 党组会议研究, post: party-group, kind: collective, days: 3}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "G502"
NAME = "principal-handles-directly"
SEVERITY = "error"
SUMMARY = "主要领导直接承办人事、资金、项目事项的具体环节"

SENSITIVE = frozenset({"重要人事任免", "重大项目安排", "大额资金使用"})


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        matters = SENSITIVE.intersection(power.major_matter)
        if not matters or power.flow is None:
            continue
        for step in power.flow.steps:
            post = unit.post(step.post)
            if post is None or post.rank != "主要领导" or step.kind == "collective":
                continue
            yield Violation.at(
                step.loc,
                "post",
                message=(
                    f"职权「{power.name}」涉及{'、'.join(sorted(matters))}，"
                    f"主要领导「{post.name}」直接承办了步骤「{step.name}」"
                ),
                hint="改由分管领导或内设机构负责人承办；主要领导在集体讨论中末位表态，或作为监督者",
            )
