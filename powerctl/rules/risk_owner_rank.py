"""## 检查什么

廉政风险点的责任岗位（owner）级别是否与风险等级相符：高风险由主要领导负责，
中风险由分管领导负责，低风险由内设机构负责人负责。

不能判断的：风险等级定得是否恰当，只比较责任岗位的 rank 与风险等级：级别高于要求的（如低风险由主要领导负责）也报告。
责任岗位不存在的由 E005 报告。

## 为什么

风险等级越高，防控责任越要落到更高层级的领导，才能真正管得住。

## 错误示例

```yaml
risks:
  - {point: 违规审批, level: 高, measures: [集体审议], owner: section-chief}   # 内设机构负责人
```

## 正确示例

```yaml
risks:
  - {point: 违规审批, level: 高, measures: [集体审议], owner: director}        # 主要领导
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "G504"
NAME = "risk-owner-rank"
SEVERITY = "warning"
SUMMARY = "风险点责任岗位的级别与风险等级不符"

OWNER_RANK = {"高": "主要领导", "中": "分管领导", "低": "内设机构负责人"}


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        for risk in power.risks:
            post = unit.post(risk.owner)
            want = OWNER_RANK.get(risk.level)
            if post is None or want is None or post.rank == want:
                continue
            yield Violation.at(
                risk.loc,
                "owner",
                message=(
                    f"职权「{power.name}」的{risk.level}风险点「{risk.point}」由{post.rank}「{post.name}」负责，"
                    f"应由{want}负责"
                ),
                hint="高风险由主要领导、中风险由分管领导、低风险由内设机构负责人负责",
            )
