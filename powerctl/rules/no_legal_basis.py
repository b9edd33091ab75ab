"""## 检查什么

职权（状态为取消、废止的除外）是否至少有一条职权来源依据（basis）。

不能判断的：依据是否真的设定了这项职权（见 B109）；只看有没有写依据。主项本身没写依据、依据写在其子项上
（原表把条款写在子项行）时不报：主项的依据就是子项的依据。

## 为什么

清权确权的首要原则：凡无合法依据的职权，予以废止。没有依据的职权应当清理，而不是继续保留在清单中。

## 错误示例

```yaml
- id: QT-009
  name: 户外活动备案
  status: 保留
  basis: []
```

## 正确示例

```yaml
- id: QT-009
  name: 户外活动备案
  status: 废止          # 无合法依据，予以废止
  basis: []
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "B101"
NAME = "no-legal-basis"
SEVERITY = "error"
SUMMARY = "职权没有法律依据（建议废止）"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    powers = list(unit.checked_powers())
    backed = {p.parent for p in powers if p.parent and p.basis}  # 主项 whose 子项 carry the basis
    for power in powers:
        if not power.basis and not power.ended and power.id not in backed:
            yield Violation.at(
                power.loc,
                "basis",
                message=f"职权「{power.name}」没有法律依据，建议废止",
                hint="补充设定依据或实施依据（法律法规全称和条款）；确无合法依据的，将 status 改为 取消 或 废止",
            )
