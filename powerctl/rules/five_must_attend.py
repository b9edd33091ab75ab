"""## 检查什么

写了五必到事项（village_matter：重大事项、大额资金、工程验收、资源承包、财务清理）的职权，流程图中每个集体决策
（kind: collective）和决定（kind: decision）环节，是否都有一条由村务监督岗位（unit.posts 中 role: 村务监督）
承担的监督制约环节（flow.supervision 中 at 为该环节）。

写了 village_matter 的职权都检查（不限于村级单位），没有流程图的不检查。不能判断的：岗位是否承担村务监督，只看岗位
的 role（没有写 role: 村务监督 的监督岗位不算）；监督员实际是否到场（运行记录见 R809）。

## 为什么

“五必到”要求村务监督委员会成员必须到场监督研究村级重大事项、使用大额资金、验收村组工程、承包集体资源和清理
村级财务。流程图没有写明监督员在哪个环节到场，到场就无从检查（运行记录中的会议由 R809 检查）。

## 错误示例

```yaml
village_matter: 工程验收
flow:
  steps:
    - {id: yanshou, name: 竣工验收, post: yszz, kind: collective, days: 5}
  supervision:
    - {at: yanshou, by: dlzx, how: 镇代理服务中心审核}     # 不是村务监督岗位
```

## 正确示例

```yaml
village_matter: 工程验收
flow:
  steps:
    - {id: yanshou, name: 竣工验收, post: yszz, kind: collective, days: 5}
  supervision:
    - {at: yanshou, by: jdzr, how: 村务监督委员会主任到场监督验收}   # jdzr 的 role 为 村务监督
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "G509"
NAME = "five-must-attend"
SEVERITY = "error"
SUMMARY = "五必到事项的集体决策或决定环节没有村务监督岗位的监督"

SUPERVISION = "村务监督"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    watchers = {p.id for p in unit.posts if p.role == SUPERVISION}
    for power in unit.powers:
        if power.village_matter is None or power.flow is None:
            continue
        watched = {s.at for s in power.flow.supervision if s.by in watchers}
        for step in power.flow.steps:
            if step.kind in ("collective", "decision") and step.id not in watched:
                yield Violation.at(
                    step.loc,
                    "id",
                    message=(
                        f"职权「{power.name}」属于五必到事项（{power.village_matter}），"
                        f"环节「{step.name}」没有村务监督员到场监督"
                    ),
                    hint=(
                        f"在 flow.supervision 中加上 {{at: {step.id}, by: 村务监督岗位, "
                        "how: 村务监督委员会成员到场监督}，该岗位在 unit.posts 中写 role: 村务监督"
                    ),
                )
