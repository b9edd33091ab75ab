"""## 检查什么

（仅在 `powerctl validate --base 版本` 时检查。）与该版本相比，新增、删除或修改了的职权，
是否在本次修改中新增了一条变更记录（changes），其 items 列出该职权的标识。

不能判断的：变更记录写得是否确实，只看该版本之后新增或改动过的记录的 items 中有没有这项职权（改动已有的记录也算新
记录）。该版本中没有的单位（如改了标识），其全部职权都按新增对待。

## 为什么

权力清单的每一次调整都要留痕、要说明：改了什么、为什么改、何时向公开办说明。

## 错误示例

```yaml
# 与上一版相比把 CF-001 的承诺时限由 10 改为 5，但 changes 中没有新的记录
```

## 正确示例

```yaml
changes:
  - {date: 2026-11-20, items: [CF-001], kind: 调整, reason: 优化流程，承诺时限由10个工作日压缩为5个工作日}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from powerctl.catalogue.model import Loc, Unit
from powerctl.domain.diff import power_changes
from powerctl.rules._base import RuleContext, Violation

CODE = "C701"
NAME = "change-not-recorded"
SEVERITY = "error"
SUMMARY = "职权有变更但没有新的变更记录"


def _new_entries(unit: Unit, base: dict[str, Any]) -> set[str]:
    """Power ids named by change entries that the base version did not have."""
    old_changes = base.get("changes")
    old: list[Any] = old_changes if isinstance(old_changes, list) else []
    data = unit.doc.data if isinstance(unit.doc.data, dict) else {}
    new_changes = data.get("changes")
    raw: list[Any] = new_changes if isinstance(new_changes, list) else []
    named: set[str] = set()
    for entry, change in zip(raw, unit.changes, strict=False):
        if entry not in old:
            named.update(change.items)
    return named


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    if ctx.base is None:
        return
    base = ctx.base.get(unit.id)
    if base is None:
        base = {}  # a new unit: every power is new
    recorded = _new_entries(unit, base)
    data = unit.doc.data if isinstance(unit.doc.data, dict) else {}
    diff = power_changes(base, data)
    for power in unit.powers:
        fields = diff.changed.get(power.id)
        if power.id in diff.added:
            what = "新增"
            where = "id"
        elif fields:
            from powerctl.source.schema import (
                SchemaChecker,  # only when there is something to say: it is slow to import
            )

            describe = SchemaChecker.for_catalogues().power_field
            what = "修改了" + "、".join(describe(f) for f in fields)
            where = fields[0].split(".")[0]
        else:
            continue
        if power.id not in recorded:
            yield Violation.at(
                power.loc,
                where,
                message=f"职权「{power.name}」{what}，但没有新的变更记录",
                hint=f"在 changes 中新增一条：date、items: [{power.id}]、kind、reason（报公开办后补 reported）",
            )
    for removed in diff.removed:
        if removed not in recorded:
            yield Violation.at(
                Loc(unit.doc, ()),
                "powers",
                message=f"职权 {removed} 已从目录中删除，但没有新的变更记录",
                hint=f"在 changes 中新增一条：items: [{removed}]、kind: 取消（或 合并、下放）、reason",
            )
