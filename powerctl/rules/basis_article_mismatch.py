"""## 检查什么

行政处罚、行政许可、行政强制类职权的设定依据（role: 设定依据），在已建立的法律文本索引中有现行条文的，只在有
正面证据时报告：同一部法律中另有一条明确规定了职权名称所说的行为（名称去掉“对”“的”“行为”“处罚”“审批”
等每项职权都有的词后剩下的词，大部分写在那一条中），并且

- 所引的这一条没有写这个行为，也没有写这项职权的种类（登记、许可、处罚……），例如法律修订后条款序号变了、
  引用了相邻的条款；或者
- 处罚引用的条款不在该法的“法律责任”（罚则）一章，而该章有一条规定了这个行为的处罚，或者写明“违反本法第X条
  规定”指回所引的条款：所引的是义务或禁止性规定，罚则在另一条；或者
- 许可引用的条款在“法律责任”一章（是罚则），而该法另有一条规定了这项许可。

提示中给出相符的条款；文本库中有这部法律较早的版本、且所引条款在旧版本中说的正是这项职权时，指出旧文本
的内容和修订后它在哪一条。

条文里没有某个词，本身不是证据：真实的条文用清单想不到的说法设定许可（“经……考核合格后使用”）、处罚（“责令
退还非法占用的土地，限期拆除”）。所以“条文中没有处罚的词”不再单独报告。

不能判断的（不报告）：没有建立法律文本索引，或索引中没有这部法律、没有现行文本，或文本早于该法最近一次修改；
同一部法律中没有另一条明确规定这个行为的；所引条款泛指这类职权的（如“市场主体应当依照本条例办理登记”之于
个体工商户登记）；实施依据；行政检查、行政确认等其他类别的职权；取消、废止的职权；文本库以外的地方性法规、
规章和规范性文件。

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
SUMMARY = "设定依据的条文不是设定这项职权的条款（同一部法律中另有一条明确规定了它）"


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
