"""## 检查什么

公开范围为“不予公开”的职权，是否写明不公开的理由（secrecy.reason）和涉密依据（secrecy.basis）。

不能判断的：不公开的理由是否成立、涉密依据是否真的规定不公开，只看有没有写（依据的名称、效力和条款由 B102–B105 核
对）；公开范围不是“不予公开”的不检查。

## 为什么

以公开为常态、不公开为例外：不予公开必须有理由和依据，否则应当公开。

## 错误示例

```yaml
disclosure: {scope: 不予公开, forms: [], within_days: 0}
```

## 正确示例

```yaml
disclosure: {scope: 不予公开, forms: [], within_days: 0}
secrecy:
  reason: 涉及国家秘密
  basis: {law: 中华人民共和国保守国家秘密法, article: 第十三条, role: 实施依据}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "D401"
NAME = "undisclosed-without-basis"
SEVERITY = "error"
SUMMARY = "不予公开但没有理由或涉密依据"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        if power.disclosure.scope != "不予公开":
            continue
        sec = power.secrecy
        missing = []
        if sec is None or not sec.reason:
            missing.append("不公开理由（secrecy.reason）")
        if sec is None or sec.basis is None:
            missing.append("涉密依据（secrecy.basis）")
        if missing:
            yield Violation.at(
                power.disclosure.loc,
                "scope",
                message=f"职权「{power.name}」不予公开，但缺少" + "和".join(missing),
                hint="补充 secrecy 的理由和依据；没有依据的，应当公开（scope 改为 社会公开）",
            )
