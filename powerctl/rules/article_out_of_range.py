"""## 检查什么

引用的条款是否存在：条序号不能超过该法律法规现行文本的条数；引用到款、项时，按法规文本索引中
该条的现行文本核对款（自然段）和项（（一）（二）……）是否存在（没有建立索引、或索引中没有该条现行
文本时，只核对条号）；条款写法要能识别（第十二条、第十二条第二款、第十二条第二款第三项、
第一百三十三条之一，或阿拉伯数字）。

职权状态为取消、废止的不检查（条款已删去可能正是取消的理由）。
不能判断的：条款存在但内容是否相符（见 B109）；法规库没有条数的法规只核对写法。

## 为什么

法律修订后条款常重新编号，沿用旧序号的依据会指向不存在或内容不同的条文。

## 错误示例

```yaml
basis:
  - {law: 中华人民共和国行政许可法, article: 第九十条, role: 实施依据}   # 该法共 83 条
  - {law: 中华人民共和国行政许可法, article: 第十二条第七项, role: 设定依据}   # 第十二条只有六项
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

CODE = "B104"
NAME = "article-out-of-range"
SEVERITY = "error"
SUMMARY = "引用的条款不存在"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    return citation_violations(unit, ctx, CODE)
