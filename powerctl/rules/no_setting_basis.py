"""## 检查什么

行政许可、行政处罚、行政强制类职权的依据中是否至少有一条设定依据（role: 设定依据），
而不是只有实施依据。（完全没有依据时由 B101 报告。）

职权状态为取消、废止的不检查。
不能判断的：标为设定依据的条款是否真的设定了这项职权（见 B109）。

## 为什么

许可、处罚、强制实行法定原则：必须指明哪一部法律法规设定了这项权力，实施依据只说明如何执行。

## 错误示例

```yaml
category: 行政处罚
basis:
  - {law: 中华人民共和国行政处罚法, article: 第五十一条, role: 实施依据}
```

## 正确示例

```yaml
category: 行政处罚
basis:
  - {law: 城市道路管理条例, article: 第四十二条, role: 设定依据}
  - {law: 中华人民共和国行政处罚法, article: 第五十一条, role: 实施依据}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "B108"
NAME = "no-setting-basis"
SEVERITY = "warning"
SUMMARY = "许可、处罚、强制只有实施依据，没有设定依据"

NEEDS_SETTING = frozenset({"行政许可", "行政处罚", "行政强制"})


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.checked_powers():
        if power.category not in NEEDS_SETTING or not power.basis or power.ended:
            continue
        if not any(c.role == "设定依据" for c in power.basis):
            yield Violation.at(
                power.loc,
                "basis",
                message=f"{power.category}「{power.name}」只有实施依据，没有设定依据",
                hint="找出设定这项权力的法律法规条款，写为 role: 设定依据",
            )
