"""## 检查什么

引用的标识是否存在：职权的承办机构（department）、岗位所属机构、主项（parent）、流程步骤的
承办岗位（post）和下一步（next）、监督环节的步骤（at）和岗位（by）、风险点的步骤（step）和
责任岗位（owner）、三签字（signatures）的岗位、变更记录中的职权（items；已取消、废止、下放、合并的除外）。

不能判断的：标识存在、但引用错了对象（例如写成了另一个存在的岗位）；提示中的“是否应为”只是按写法相近推测。变更类型
为取消、废止、下放、合并的变更记录，其中的职权可能已从文件中删除，不核对。

## 为什么

引用错了，流程图会缺岗位、风险找不到责任人，清单与流程图就对不上。

## 错误示例

```yaml
posts:
  - {id: director, name: 局长, rank: 主要领导}
powers:
  - id: XK-001
    department: approval        # departments 中没有 approval
    flow:
      steps:
        - {id: accept, name: 受理, post: windows}   # posts 中没有 windows
```

## 正确示例

```yaml
departments:
  - {id: approval, name: 行政审批科}
posts:
  - {id: window, name: 窗口受理员, department: approval, rank: 经办人员}
powers:
  - id: XK-001
    department: approval
    flow:
      steps:
        - {id: accept, name: 受理, post: window}
```
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from powerctl.catalogue.model import Loc, Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "E005"
NAME = "unknown-reference"
SEVERITY = "error"
SUMMARY = "引用的机构、岗位、步骤或职权不存在"

# Change kinds after which a power may be gone from the file.
_GONE = frozenset({"取消", "废止", "下放", "合并"})


def _missing(
    value: str | None, known: Iterable[str], loc: Loc, *fields: str | int, what: str, where: str
) -> Iterator[Violation]:
    if value is None:
        return
    options = list(known)
    if value in options:
        return
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.5)
    hint = f"是否应为「{close[0]}」？" if close else ""
    hint += f"可用的{what}：" + ("、".join(options) if options else "（无）")
    yield Violation.at(loc, *fields, message=f"{where}引用的{what}「{value}」不存在", hint=hint)


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    departments = [d.id for d in unit.departments]
    posts = [p.id for p in unit.posts]
    for post in unit.posts:
        yield from _missing(post.department, departments, post.loc, "department", what="机构", where="岗位")
    for partial in unit.partial_powers:
        label = f"职权「{partial.name}」"
        yield from _missing(partial.department, departments, partial.loc, "department", what="机构", where=label)
        if partial.parent is not None:
            yield from _missing(
                partial.parent, sorted(unit.all_power_ids), partial.loc, "parent", what="主项", where=label
            )
    for power in unit.powers:
        label = f"职权「{power.name}」"
        yield from _missing(power.department, departments, power.loc, "department", what="机构", where=label)
        if power.parent is not None:
            yield from _missing(power.parent, sorted(unit.all_power_ids), power.loc, "parent", what="主项", where=label)
        steps = [s.id for s in power.flow.steps] if power.flow else []
        if power.flow is not None:
            for step in power.flow.steps:
                where = f"{label}的步骤「{step.name}」"
                yield from _missing(step.post, posts, step.loc, "post", what="岗位", where=where)
                for edge in step.next or ():
                    yield from _missing(edge.to, steps, edge.loc, "to", what="下一步", where=where)
            for sup in power.flow.supervision:
                yield from _missing(sup.at, steps, sup.loc, "at", what="步骤", where=f"{label}的监督环节")
                yield from _missing(sup.by, posts, sup.loc, "by", what="岗位", where=f"{label}的监督环节")
        for risk in power.risks:
            if risk.step is not None:
                yield from _missing(risk.step, steps, risk.loc, "step", what="步骤", where=f"{label}的风险点")
            yield from _missing(risk.owner, posts, risk.loc, "owner", what="岗位", where=f"{label}的风险点")
        if power.signatures is not None:
            for key in ("handled", "reviewed", "approved"):
                post = getattr(power.signatures, key)
                yield from _missing(post, posts, power.signatures.loc, key, what="岗位", where=f"{label}的三签字")
    ids = sorted(unit.all_power_ids)
    for change in unit.changes:
        if change.kind in _GONE:
            continue
        for i, item in enumerate(change.items):
            yield from _missing(item, ids, change.loc, "items", i, what="职权", where=f"{change.date} 的变更记录")
