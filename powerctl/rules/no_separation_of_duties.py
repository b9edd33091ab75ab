"""## 检查什么

决定步骤（kind: decision）和集体讨论步骤（kind: collective）的承办岗位，是否同时是监督该步骤的岗位
（flow.supervision 中 at 为该步骤、by 为同一岗位）。

不能判断的：不同岗位之间是否真的独立（如监督岗位是承办岗位的下级），只比较岗位标识是否相同；kind 为 task 的步骤不
检查。

## 为什么

决策权、执行权、监督权相互制约：自己监督自己等于没有监督。

## 错误示例

```yaml
steps:
  - {id: decide, name: 决定, post: deputy, kind: decision, days: 1}
supervision:
  - {at: decide, by: deputy, how: 分管领导自查}
```

## 正确示例

```yaml
steps:
  - {id: decide, name: 决定, post: deputy, kind: decision, days: 1}
supervision:
  - {at: decide, by: inspector, how: 派驻纪检监察组全程监督}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "G503"
NAME = "no-separation-of-duties"
SEVERITY = "error"
SUMMARY = "决定环节的承办岗位同时监督该环节"

DECIDING = frozenset({"decision", "collective"})


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        if power.flow is None:
            continue
        deciders = {s.id: s for s in power.flow.steps if s.kind in DECIDING and s.post}
        for sup in power.flow.supervision:
            step = deciders.get(sup.at)
            if step is not None and step.post == sup.by:
                post = unit.post(sup.by)
                who = post.name if post else sup.by
                yield Violation.at(
                    sup.loc,
                    "by",
                    message=f"职权「{power.name}」的步骤「{step.name}」由「{who}」决定，又由其监督",
                    hint="监督岗位应独立于决定岗位，如派驻纪检监察组、法制审核岗位",
                )
