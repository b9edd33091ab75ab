"""## 检查什么

标识是否重复：单位标识在整个仓库中、职权标识在一个单位中、机构和岗位标识在一个单位中、
步骤标识在一张流程图中，都必须唯一。

不能判断的：本次没有检查的文件中的单位标识（只在本次检查的文件之间比较，读取失败的文件不参与）；标识不同而内容重复
的职权（名称相同的见 N602）。

## 为什么

标识用于文件名、链接、变更对比和引用；重复的标识会让流程图互相覆盖、变更记录指向不明。

## 错误示例

```yaml
powers:
  - id: CF-001
    name: 对擅自占用城市道路的处罚
  - id: CF-001
    name: 对擅自挖掘城市道路的处罚
```

## 正确示例

```yaml
powers:
  - id: CF-001
    name: 对擅自占用城市道路的处罚
  - id: CF-002
    name: 对擅自挖掘城市道路的处罚
```
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from powerctl.catalogue.model import Loc, Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "E006"
NAME = "duplicate-id"
SEVERITY = "error"
SUMMARY = "单位、职权、机构、岗位或步骤标识重复"


def _dups(items: Iterable[tuple[str, Loc]], what: str, scope: str) -> Iterator[Violation]:
    first: dict[str, Loc] = {}
    for ident, loc in items:
        if ident in first:
            line = first[ident].at("id").line
            yield Violation.at(
                loc,
                "id",
                message=f"{what}标识「{ident}」在{scope}中重复（第一次出现在第 {line} 行）",
                hint=f"给每个{what}一个不同的标识；标识一经发布不要再改",
            )
        else:
            first[ident] = loc


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    owner = ctx.first_unit.get(unit.id)
    if owner is not None and owner != unit.file:
        yield Violation.at(
            unit.loc,
            "id",
            message=f"单位标识「{unit.id}」在仓库中重复，已用于 {owner}",
            hint="单位标识等于文件名且在仓库中唯一：重命名其中一个文件并修改 unit.id",
        )
    yield from _dups(((d.id, d.loc) for d in unit.departments), "机构", "本单位")
    yield from _dups(((p.id, p.loc) for p in unit.posts), "岗位", "本单位")
    yield from _dups(((p.id, p.loc) for p in unit.checked_powers()), "职权", "本单位")
    for power in unit.powers:
        if power.flow is not None:
            yield from _dups(((s.id, s.loc) for s in power.flow.steps), "步骤", f"职权「{power.name}」的流程图")
