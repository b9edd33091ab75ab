"""## 检查什么

同一单位中是否有两项职权名称相同（忽略空白）。

不能判断的：写法不同的重复（名称只去掉空白后逐字比较，标点不同就发现不了）；两项是否真是同一项职权：名称相同而状态
不同的（如已取消的旧项与新增的一项）也报告。

## 为什么

重名的职权让群众和审核人员分不清是哪一项，通常是重复录入或子项没有写清楚。

## 错误示例

```yaml
- {id: CF-001, name: 对擅自占用城市道路的处罚}
- {id: CF-007, name: 对擅自占用城市道路的处罚}
```

## 正确示例

```yaml
- {id: CF-001, name: 对擅自占用城市道路的处罚}
- {id: CF-007, name: 对擅自挖掘城市道路的处罚}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from powerctl.catalogue.model import PartialPower, Power, Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "N602"
NAME = "duplicate-power-name"
SEVERITY = "warning"
SUMMARY = "同一单位中职权名称重复"

_SPACE = re.compile(r"\s+")


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    first: dict[str, Power | PartialPower] = {}
    for power in unit.checked_powers():
        key = _SPACE.sub("", power.name)
        other = first.setdefault(key, power)
        if other is not power:
            yield Violation.at(
                power.loc,
                "name",
                message=f"职权名称「{power.name}」与 {other.id}（第 {other.loc.at('name').line} 行）重复",
                hint="合并为一项，或把名称写具体（例如区分子项）",
            )
