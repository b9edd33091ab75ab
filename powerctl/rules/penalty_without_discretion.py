"""## 检查什么

行政处罚类职权（状态为取消、废止的除外）是否有行政裁量基准（discretion）。

不能判断的：裁量基准是否覆盖了各种违法情形、幅度是否在法定范围内（不核对条文），只看是否写了 discretion；各档是否
自洽见 G507。

## 为什么

同案不同罚是执法中最常见的廉政风险；裁量基准把法定处罚幅度细化为与情节对应的档次。

## 错误示例

```yaml
category: 行政处罚
# 没有 discretion
```

## 正确示例

```yaml
category: 行政处罚
discretion:
  - {circumstance: 轻微, condition: 占道面积不足 5 平方米且及时改正, penalty: 警告}
  - {circumstance: 一般, condition: 占道面积 5 至 20 平方米, penalty: 罚款, amount: {min: 500, max: 5000, unit: 元}}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "G506"
NAME = "penalty-without-discretion"
SEVERITY = "error"
SUMMARY = "行政处罚没有裁量基准"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        if power.category == "行政处罚" and not power.ended and not power.discretion:
            yield Violation.at(
                power.loc,
                "discretion",
                message=f"行政处罚「{power.name}」没有行政裁量基准",
                hint="在 discretion 中按 轻微、一般、较重、严重 列出情节、条件、处罚种类和幅度",
            )
