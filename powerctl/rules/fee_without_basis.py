"""## 检查什么

收费的职权（fee.charged 为 true）是否写明收费依据（fee.basis）。

不能判断的：收费依据是否有效、是否真的规定了这项收费，收费标准是否与依据相符；只看 charged 为 true 时有没有写
fee.basis（依据的名称、效力和条款由 B102–B105 核对）。

## 为什么

行政事业性收费必须有法律法规或经批准的收费文件作依据；没有依据的收费属于乱收费。

## 错误示例

```yaml
fee:
  charged: true
  standard: 每平方米每日 1 元
```

## 正确示例

```yaml
fee:
  charged: true
  basis: {law: 城市道路管理条例, article: 第三十七条, role: 实施依据}
  standard: 按省物价部门核定的标准收取占道费
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "T302"
NAME = "fee-without-basis"
SEVERITY = "error"
SUMMARY = "收费没有依据"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        fee = power.fee
        if fee.charged and fee.basis is None:
            yield Violation.at(
                fee.loc,
                "charged",
                message=f"职权「{power.name}」收费但没有写明收费依据",
                hint=(
                    "在 fee.basis 写明收费依据（法律法规全称和条款）、在 fee.standard 写收费标准；"
                    "不收费的写 charged: false"
                ),
            )
