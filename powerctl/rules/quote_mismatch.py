"""## 检查什么

依据中的引文（quote）是否出现在该条的现行文本中。比较时忽略标点、空白和全角半角差别；
引文中的省略号（……）把引文分成几段，各段须按顺序出现。只有建立了法律文本索引
（powerctl laws index）且索引中的文本不早于该法最近一次修改时才检查。

职权状态为取消、废止的不检查（条文修改可能正是取消的理由）。
不能判断的：索引中没有该条现行文本，或文本早于该法最近一次修改时。

## 为什么

引文是给群众和审核人员看的依据原文；抄错或沿用修改前的旧文本，会误导对职权范围的理解。

## 错误示例

```yaml
- law: 中华人民共和国行政许可法
  article: 第十二条
  role: 设定依据
  quote: 下列事项应当设定行政许可
```

## 正确示例

```yaml
- law: 中华人民共和国行政许可法
  article: 第十二条
  role: 设定依据
  quote: 下列事项可以设定行政许可
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation, citation_violations

CODE = "B107"
NAME = "quote-mismatch"
SEVERITY = "warning"
SUMMARY = "引文与条文现行文本不一致"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    return citation_violations(unit, ctx, CODE)
