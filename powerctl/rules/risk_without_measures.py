"""## 检查什么

等级为高或中的廉政风险点是否写明防控措施（measures）。

不能判断的：防控措施是否具体、有效，只看是否写了至少一条不为空的措施；低风险点不要求措施。

## 为什么

查找风险点是为了防控：只列风险、不定措施，风险防控就落不到实处。

## 错误示例

```yaml
risks:
  - {point: 违规减免罚款, level: 中, owner: deputy}
```

## 正确示例

```yaml
risks:
  - point: 违规减免罚款
    level: 中
    owner: deputy
    measures: [严格执行裁量基准, 减免罚款须集体讨论并记录理由]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "G505"
NAME = "risk-without-measures"
SEVERITY = "error"
SUMMARY = "高、中风险点没有防控措施"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        for risk in power.risks:
            if risk.level in ("高", "中") and not any(m.strip() for m in risk.measures):
                yield Violation.at(
                    risk.loc,
                    "level",
                    message=f"职权「{power.name}」的{risk.level}风险点「{risk.point}」没有防控措施",
                    hint="在 measures 中写明具体措施，如公开标准、集体审议、交叉审核、定期抽查",
                )
