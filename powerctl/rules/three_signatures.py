"""## 检查什么

村级职权写了三签字（signatures）的：经手人（handled）、审核人（reviewed）、批准人（approved）三个岗位是否
都写了，是否有两个是同一岗位，审核人是否为村务监督岗位（unit.posts 中 role: 村务监督 的岗位，即村务监督委员会
主任）。岗位标识不存在的由 E005 报告。

只检查村级单位（unit.level 为 村级）写了 signatures 的职权。不能判断的：岗位是否承担村务监督，只看岗位的 role（名
为“村务监督委员会主任”而没有写 role: 村务监督 的也报告）；签字实际由谁签署（运行记录见 R808）。

## 为什么

村级财务实行“三签字”：每笔支出由经手人签字、村务监督委员会主任审核签字、村委会主任批准签字后才能报账。
少一个签字，或一人签两处，监督就落空；审核人不是村务监督委员会的，就不是民主理财。

## 错误示例

```yaml
posts:
  - {id: baozhang, name: 报账员, department: cwh, rank: 经办人员, role: 报账员}
  - {id: zhuren, name: 村委会主任, department: cwh, rank: 主要领导}
powers:
  - id: NG-001
    signatures: {handled: baozhang, reviewed: zhuren, approved: zhuren}   # 审核人与批准人是同一岗位
```

## 正确示例

```yaml
posts:
  - {id: baozhang, name: 报账员, department: cwh, rank: 经办人员, role: 报账员}
  - {id: jdzr, name: 村务监督委员会主任, department: jwjd, rank: 内设机构负责人, role: 村务监督}
  - {id: zhuren, name: 村委会主任, department: cwh, rank: 主要领导}
powers:
  - id: NG-001
    signatures: {handled: baozhang, reviewed: jdzr, approved: zhuren}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "G508"
NAME = "three-signatures"
SEVERITY = "error"
SUMMARY = "三签字缺少经手、审核或批准岗位，两处为同一岗位，或审核人不是村务监督岗位"

SUPERVISION = "村务监督"
_WHO = {"handled": "经手人", "reviewed": "审核人", "approved": "批准人"}


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    if unit.level != "村级":
        return
    posts = {p.id: p for p in unit.posts}
    for power in unit.powers:
        signed = power.signatures
        if signed is None:
            continue
        label = f"职权「{power.name}」的三签字"
        given = {key: getattr(signed, key) for key in _WHO}
        for key, who in _WHO.items():
            if given[key] is None:
                yield Violation.at(
                    signed.loc,
                    message=f"{label}没有写{who}（{key}）",
                    hint=f"写上{who}的岗位标识，例如 {key}: {_example(key)}",
                )
        keys = [k for k in _WHO if given[k] is not None]
        for i, first in enumerate(keys):
            for second in keys[i + 1 :]:
                if given[first] == given[second]:
                    yield Violation.at(
                        signed.loc,
                        second,
                        message=f"{label}中{_WHO[first]}和{_WHO[second]}是同一岗位「{given[second]}」",
                        hint="三个签字应由三个不同岗位的人签署：经手人、村务监督委员会主任、村委会主任",
                    )
        reviewer = posts.get(given["reviewed"] or "")
        if reviewer is not None and reviewer.role != SUPERVISION:
            yield Violation.at(
                signed.loc,
                "reviewed",
                message=f"{label}的审核人「{reviewer.name}」不是村务监督岗位",
                hint="审核人应为村务监督委员会主任：写 role: 村务监督 的岗位，并在 unit.posts 中给该岗位写上 role",
            )


def _example(key: str) -> str:
    return {"handled": "baozhang", "reviewed": "jdzr", "approved": "zhuren"}[key]
