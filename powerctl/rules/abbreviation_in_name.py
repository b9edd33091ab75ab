"""## 检查什么

职权名称中是否使用了法律法规的简称（如“依据《行政许可法》”），或未加解释的机构、事项简称
（如“城管”“环保”“三资”）。简称后紧跟括号说明全称的（如“三资（资金、资产、资源）”）视为已解释。

不能判断的：名称中的字是不是简称：简称按固定的词表逐字查找，不看词的边界，名称中恰好含有这些字的（如“居住建筑”含
“住建”、“个人社会保险”含“人社”）也会报告；词表以外的简称不能发现。书名号中以“法”结尾、不在法规库中的名称，都按缺少
“中华人民共和国”的国家法律报告。

## 为什么

清单对外公布，名称必须是完整规范的表述：法律法规名称不得使用简称，群众看不懂的简称要写全。

## 错误示例

```yaml
name: 对违反《城乡规划法》的违法建设的强制拆除
name: 城管执法检查
```

## 正确示例

```yaml
name: 对违反《中华人民共和国城乡规划法》的违法建设的强制拆除
name: 城市管理行政执法检查
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from powerctl.catalogue.model import Unit
from powerctl.laws.registry import PREFIX, builtin
from powerctl.rules._base import RuleContext, Violation

CODE = "N601"
NAME = "abbreviation-in-name"
SEVERITY = "warning"
SUMMARY = "职权名称含法律简称或未解释的简称"

# Abbreviations common in catalogues, with what they stand for.
ABBREVIATIONS: dict[str, str] = {
    "城管": "城市管理",
    "环保": "环境保护",
    "安监": "安全生产监督管理",
    "质监": "质量技术监督",
    "食药监": "食品药品监督管理",
    "人社": "人力资源和社会保障",
    "住建": "住房和城乡建设",
    "发改": "发展和改革",
    "计生": "计划生育",
    "综治": "社会治安综合治理",
    "三资": "资金、资产、资源",
    "两委": "村党组织委员会和村民委员会",
    "低保": "最低生活保障",
    "五保": "五保供养（特困人员救助供养）",
    "三重一大": "重大决策、重要人事任免、重大项目安排和大额资金使用",
}


@cache
def _short_law_names() -> dict[str, str]:
    return {short: law.name for short, law in builtin().short_names().items()}


_QUOTED = re.compile(r"《([^》]+)》")
# A national law cited without 中华人民共和国: ends in 法, but is no local 办法 or regional title.
_NATIONAL_LAW_SHORT = re.compile(r"^(?!中华人民共和国)(?!.*(?:办法|省|市|自治区|县))[^《》]{2,14}法$")


def _explained(name: str, end: int) -> bool:
    return name[end : end + 1] in ("（", "(")


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    shorts = _short_law_names()
    for power in unit.checked_powers():
        name = power.name
        for m in _QUOTED.finditer(name):
            title = m.group(1)
            full = shorts.get(title)
            if full is None and _NATIONAL_LAW_SHORT.match(title):
                full = PREFIX + title  # a national law written without its prefix
            if full is not None and full != title:
                yield Violation.at(
                    power.loc,
                    "name",
                    message=f"职权名称「{name}」使用了法律简称《{title}》",
                    hint=f"法律法规名称不得使用简称：写作《{full}》",
                )
        for abbr, full in ABBREVIATIONS.items():
            # Explained once (城管（城市管理）) is explained throughout the name.
            ends = [m.end() for m in re.finditer(re.escape(abbr), name)]
            if ends and not any(_explained(name, end) for end in ends):
                yield Violation.at(
                    power.loc,
                    "name",
                    message=f"职权名称「{name}」含未解释的简称“{abbr}”",
                    hint=f"写全称“{full}”，或在简称后用括号注明全称",
                )
                break
