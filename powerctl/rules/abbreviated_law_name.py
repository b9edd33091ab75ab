"""## 检查什么

依据中的法律法规名称是否为全称：用简称（如“行政许可法”）或省略“中华人民共和国”的，
报告并在提示中给出全称。

取消、废止的职权也检查：名称写法与职权状态无关。
不能判断的：法规库中没有登记的简称。

## 为什么

法律法规名称不得使用简称；全称才能无歧义地对应到一部法律。

## 错误示例

```yaml
basis:
  - {law: 行政许可法, article: 第十二条, role: 设定依据}
```

## 正确示例

```yaml
basis:
  - {law: 中华人民共和国行政许可法, article: 第十二条, role: 设定依据}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation, citation_violations

CODE = "B105"
NAME = "abbreviated-law-name"
SEVERITY = "error"
SUMMARY = "依据使用了法律法规简称"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    return citation_violations(unit, ctx, CODE)
