"""## 检查什么

权力运行流程图是否具备七个要素：行使条件（conditions）、承办岗位（每个办理步骤的 post）、
运行程序（steps）、办理时限（每个办理步骤的 days）、监督制约环节（supervision）、相对人的权利
（rights；内部管理、重大事项决策类不要求）、投诉举报途径和方式（flow.complaint 或
unit.complaint_channels）。状态为取消、废止的职权不要求流程图。逐项指出缺少的要素。

不能判断的：各要素写得是否充分、是否属实，只看有没有写；kind 为 start、end、supervision 的步骤不要求承办岗位和办理
时限。

## 为什么

流程图要让群众看得懂“谁来办、怎么办、多久办完、谁来监督、不服怎么办、向哪里投诉”；
缺一项，权力运行就有一段不透明。

## 错误示例

```yaml
flow:
  steps:
    - {id: accept, name: 受理, post: window, days: 1}
    - {id: decide, name: 决定, post: director}    # 缺 days
  # 缺 conditions、supervision、rights
```

## 正确示例

```yaml
flow:
  conditions: [申请材料齐全、符合法定形式]
  steps:
    - {id: accept, name: 受理, post: window, days: 1}
    - {id: decide, name: 决定, post: director, days: 3}
  supervision:
    - {at: decide, by: inspector, how: 纪检监察员全程监督}
  rights: [陈述权, 申辩权, 申请行政复议, 提起行政诉讼]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "F201"
NAME = "missing-flow-element"
SEVERITY = "error"
SUMMARY = "流程图缺少七要素之一"

# Step kinds that are work someone does, so they need a post and a time.
WORK_KINDS = frozenset({"task", "decision", "collective"})


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        if power.ended:
            continue
        flow = power.flow
        label = f"职权「{power.name}」"
        if flow is None:
            yield Violation.at(
                power.loc,
                "flow",
                message=f"{label}没有权力运行流程图",
                hint="添加 flow：行使条件、承办岗位、运行程序、办理时限、监督制约环节、相对人的权利、投诉举报途径",
            )
            continue
        if not flow.conditions:
            yield Violation.at(
                flow.loc,
                "conditions",
                message=f"{label}的流程图缺少要素“行使条件”",
                hint="在 flow.conditions 中列出办理条件",
            )
        if not flow.steps:
            yield Violation.at(
                flow.loc,
                "steps",
                message=f"{label}的流程图缺少要素“运行程序”",
                hint="在 flow.steps 中列出办理步骤",
            )
        for step in flow.steps:
            if step.kind not in WORK_KINDS:
                continue
            if step.post is None:
                yield Violation.at(
                    step.loc,
                    "post",
                    message=f"{label}的步骤「{step.name}」缺少要素“承办岗位”",
                    hint="为该步骤写明 post（unit.posts 中的岗位）",
                )
            if step.days is None:
                yield Violation.at(
                    step.loc,
                    "days",
                    message=f"{label}的步骤「{step.name}」缺少要素“办理时限”",
                    hint=f"为该步骤写明 days（单位：{power.day_unit}；即时办结写 0）",
                )
        if not flow.supervision:
            yield Violation.at(
                flow.loc,
                "supervision",
                message=f"{label}的流程图缺少要素“监督制约环节”",
                hint="在 flow.supervision 中写明在哪一步（at）、由哪个岗位（by）、如何（how）监督",
            )
        if power.has_counterparty and not flow.rights:
            yield Violation.at(
                flow.loc,
                "rights",
                message=f"{label}的流程图缺少要素“相对人的权利”",
                hint="在 flow.rights 中列出陈述权、申辩权、听证权、申请行政复议、提起行政诉讼等",
            )
        channels = flow.complaint if flow.complaint is not None else unit.complaint_channels
        if not channels:
            yield Violation.at(
                flow.loc,
                "complaint",
                message=f"{label}的流程图缺少要素“投诉举报途径和方式”",
                hint="在 unit.complaint_channels 或 flow.complaint 中写明投诉电话、信箱、网站等",
            )
