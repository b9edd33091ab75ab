"""## 检查什么

引用的法律法规是否现行有效：已废止的、或尚未施行的（施行日期在今天之后，可用 `--today` 指定日期），都不能作为依据。

职权状态为取消、废止的不检查：依据已废止，正是取消这项职权的理由，不是错误。
不能判断的：法规库和法律文本索引都没有记载的修改、废止（以法规库记载的状态为准）。

## 为什么

法律废止后，依据它设定的职权就失去了来源；清理时“已失效的法律法规不再作为依据”。
例如《中华人民共和国环境噪声污染防治法》已于 2022 年 6 月 5 日废止，由《中华人民共和国噪声污染防治法》取代。

## 错误示例

```yaml
basis:
  - {law: 中华人民共和国环境噪声污染防治法, article: 第三十条, role: 设定依据}
```

## 正确示例

```yaml
basis:
  - {law: 中华人民共和国噪声污染防治法, article: 第七十七条, role: 设定依据}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation, citation_violations

CODE = "B103"
NAME = "law-not-in-force"
SEVERITY = "error"
SUMMARY = "引用的法律法规已废止或尚未生效"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    return citation_violations(unit, ctx, CODE)
