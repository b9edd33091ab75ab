"""## 检查什么

引用的法律法规能否在法规库中找到：依次查本仓库的本地法规库（laws/*.yaml）、powerctl 内置法规库、
法律文本索引（powerctl laws index 建立）。都找不到时报告，并列出查过的法规库。
找不到不等于无效：可能是地方性法规、规章或规范性文件尚未登记。

职权状态为取消、废止的不检查：依据查不到，往往正是清理它的理由。
不能判断的：法规库以外的文件是否存在、是否有效。

## 为什么

依据能被核对，才能确认它存在、现行有效、条款正确。查不到的依据需要人工核实。

## 错误示例

```yaml
basis:
  - {law: 某某县城市管理办法, article: 第五条, role: 实施依据}
```

## 正确示例

```yaml
# laws/local.yaml 中登记该文件：
laws:
  - {name: 某某县城市管理办法, level: 规范性文件, status: 有效, articles: 30}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation, citation_violations

CODE = "B102"
NAME = "unknown-law"
SEVERITY = "warning"
SUMMARY = "引用的法律法规不在任何法规库中"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    return citation_violations(unit, ctx, CODE)
