"""## 检查什么

设定依据（role: 设定依据）的效力层级能否设定该类职权：

- 行政许可：只能由法律、行政法规（含国务院决定）、地方性法规设定，省级人民政府规章可设定临时性许可
  （《中华人民共和国行政许可法》第十四条至第十七条）；部门规章、规范性文件不得设定。
- 行政处罚：规范性文件不得设定；部门规章、地方政府规章只能设定警告、通报批评和一定数额的罚款
  （《中华人民共和国行政处罚法》第十条至第十六条），裁量基准中出现其他处罚种类（没收、暂扣、吊销、
  责令停产停业、拘留等）即报告。
- 行政强制：措施只能由法律、行政法规、地方性法规设定（《中华人民共和国行政强制法》第十条、第十一条）。

司法解释不能设定上述职权。效力层级来自法规库；查不到的依据由 B102 报告，这里不判断。

职权状态为取消、废止的不检查：层级不够正是取消的理由。
不能判断的：法规库没有效力层级的依据；条文内容是否真的设定了这项职权（见 B109）。

## 为什么

低层级文件越权设定许可、处罚、强制，是清权确权中要清理的“无合法依据”职权的主要来源。

## 错误示例

```yaml
category: 行政许可
basis:
  - {law: 某某县户外广告管理办法, article: 第六条, role: 设定依据}   # 登记为规范性文件
```

## 正确示例

```yaml
category: 行政许可
basis:
  - {law: 城市市容和环境卫生管理条例, article: 第十一条, role: 设定依据}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from powerctl.catalogue.model import Power, Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "B106"
NAME = "basis-level-too-low"
SEVERITY = "error"
SUMMARY = "设定依据的效力层级不能设定此类职权"

LAW_LEVELS = frozenset({"宪法", "法律", "行政法规", "地方性法规", "自治条例和单行条例"})
MAY_SET: dict[str, frozenset[str]] = {
    "行政许可": LAW_LEVELS | {"地方政府规章"},
    "行政处罚": LAW_LEVELS | {"部门规章", "地方政府规章"},
    "行政强制": LAW_LEVELS,
}
RULES = frozenset({"部门规章", "地方政府规章"})
# Penalties a 规章 may not set: anything beyond 警告, 通报批评 and fines.
_BEYOND_RULES = re.compile(r"没收|暂扣|吊销|降低资质|责令停产|责令停业|责令关闭|限制开展|限制从业|拘留")
_WHY = {
    "行政许可": "行政许可只能由法律、行政法规、地方性法规设定（省级政府规章可设临时性许可）",
    "行政处罚": "规范性文件不得设定行政处罚",
    "行政强制": "行政强制措施只能由法律、行政法规、地方性法规设定",
}


def _rule_penalty_beyond(power: Power) -> str | None:
    for d in power.discretion or ():
        m = _BEYOND_RULES.search(d.penalty)
        if m:
            return m.group(0)
    return None


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        allowed = MAY_SET.get(power.category)
        if allowed is None or power.ended:  # a basis too low to set the power is why it was cancelled
            continue
        for citation in power.basis:
            if citation.role != "设定依据":
                continue
            found = ctx.laws.resolve(citation.law)
            if found is None or not found.law.level:
                continue
            level = found.law.level
            if level not in allowed:
                yield Violation.at(
                    citation.loc,
                    "law",
                    message=(
                        f"职权「{power.name}」以{level}《{found.law.name}》为设定依据，"
                        f"但{level}不能设定{power.category}"
                    ),
                    hint=_WHY[power.category] + "；找到上位法的设定依据，或把这一条改为实施依据",
                )
            elif power.category == "行政处罚" and level in RULES:
                beyond = _rule_penalty_beyond(power)
                if beyond is not None:
                    yield Violation.at(
                        citation.loc,
                        "law",
                        message=(
                            f"职权「{power.name}」以{level}为设定依据，但裁量基准中有“{beyond}”，"
                            "规章只能设定警告、通报批评和一定数额的罚款"
                        ),
                        hint="补充法律、法规中设定该处罚种类的条款作为设定依据",
                    )
