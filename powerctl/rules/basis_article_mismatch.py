"""## 检查什么

行政处罚、行政许可、行政强制类职权的设定依据（role: 设定依据），在已建立的法律文本索引中有现行条文的，条文是否
说的是这项职权：

- 条文中有没有该类职权的内容：行政处罚看罚款、警告、通报批评、没收、吊销、降低资质等级、责令停产停业、拘留等；
  行政许可看许可、批准、审批、核准、登记、同意等（“未经许可”“擅自”是违法行为的描述，不算）；行政强制看查封、
  扣押、冻结、强制、拆除等；
- 职权名称所说的行为（去掉“对”“的”“行为”“处罚”“审批”等每项职权都有的词后剩下的词），是否写在同一部法律的
  另一条中（且那一条有该类职权的内容），而所引的这一条没有。

提示中给出最相符的条款；文本库中有这部法律较早的版本、且所引条款在旧版本中说的正是这项职权时，指出旧文本
的内容和修订后它在哪一条（法律修改后条款序号变了，是目录没有随法律修订的常见原因）。

不能判断的（不报告）：没有建立法律文本索引，或索引中没有这部法律、没有现行文本；实施依据（程序性条款，如
行政处罚法的立案、调查条款）；其他类别的职权；文本库以外的地方性法规、规章和规范性文件。

## 为什么

条款序号还在、法律也有效，但修订后这一条已经是别的内容：这是目录没有随法律修订最常见的缺陷，只核对名称、效力和
条数发现不了，要读条文。例如《中华人民共和国文物保护法》2024 年修订后第六十六条讲的是鼓励民间收藏，在文物保护单位
保护范围内进行建设工程的处罚已在第八十三条。

## 错误示例

```yaml
- id: CF-001
  name: 对盗伐林木的处罚
  category: 行政处罚
  basis:
    - {law: 中华人民共和国森林法, article: 第三十九条, role: 设定依据}   # 第三十九条是禁止性规定，没有罚则
```

## 正确示例

```yaml
- id: CF-001
  name: 对盗伐林木的处罚
  category: 行政处罚
  basis:
    - {law: 中华人民共和国森林法, article: 第七十六条, role: 设定依据}   # 盗伐林木的，……并处……罚款
```

确有理由的，可用行内注释抑制：`# powerctl: disable=B109 -- 理由`。
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "B109"
NAME = "basis-article-mismatch"
SEVERITY = "warning"
SUMMARY = "设定依据的条文没有写这项职权（没有该类职权的内容，或职权所说的行为在另一条）"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    if ctx.laws.index is None:
        return
    for power in unit.powers:
        if power.ended:
            continue
        for citation in power.basis:
            if citation.role != "设定依据":
                continue
            fit = ctx.laws.article_fit(citation.law, citation.article, power.category, power.name)
            if fit is not None:
                yield Violation.at(
                    citation.loc, "article", message=f"职权「{power.name}」的设定依据：{fit.message}", hint=fit.hint
                )
