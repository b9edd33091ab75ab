"""## 检查什么

承诺时限（time_limit.promised）是否超过法定时限（time_limit.statutory）。即办按 0 天计；
法定时限或承诺时限为 null（原表的“/”“无”）时不检查。缺少其他必填字段（如公开、收费）的职权
也检查：只要两个时限都在。

不能判断的：法定时限是否与法律规定相符（不核对条文）；实际办理是否超过承诺时限（见 R801）。

## 为什么

承诺时限是在法定时限内向群众作出的提速承诺，只能短于或等于法定时限。

## 错误示例

```yaml
time_limit: {statutory: 20, promised: 30, unit: 工作日}
```

## 正确示例

```yaml
time_limit: {statutory: 20, promised: 10, unit: 工作日}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "T301"
NAME = "promised-exceeds-statutory"
SEVERITY = "error"
SUMMARY = "承诺时限超过法定时限"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.checked_powers():
        tl = power.time_limit
        if tl is None:
            continue
        statutory, promised = tl.statutory_days, tl.promised_days
        if statutory is not None and promised is not None and promised > statutory:
            yield Violation.at(
                tl.loc,
                "promised",
                message=(
                    f"职权「{power.name}」承诺时限 {tl.shown(tl.promised, tl.unit)}超过法定时限 "
                    f"{tl.shown(tl.statutory, tl.unit)}"
                ),
                hint=(
                    "法定时限为即办，承诺时限也应写 即办"
                    if tl.statutory == "即办"
                    else f"把 promised 改为不超过 {statutory} 的天数"
                ),
            )
