"""## 检查什么

职权名称中是否使用了法律法规的简称（如“依据《行政许可法》”），或未加解释的机构、事项简称
（如“城管”“环保”“三资”）。简称后紧跟括号说明全称的（如“三资（资金、资产、资源）”，简称加引号的
“三重一大”（……）也一样），或紧跟“即”说明的，视为已解释。

不能判断的：词表以外的简称不能发现。简称只在它自成一词时报告（按分词的词边界）：名称中恰好含有这些字、
却属于别的词的（如“居住建筑”含“住建”、“个人社会保险”含“人社”）不报告，分词分错时也可能漏报。
书名号中以“法”结尾、不在法规库中的名称，都按缺少“中华人民共和国”的国家法律报告。

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
from powerctl.store.words import words

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
    """An explanation right after the abbreviation: 三资（资金、资产、资源）, “三重一大”（…）, “三重一大”即…."""
    rest = name[end:].lstrip("”’」』\"'")
    return rest[:1] in ("（", "(") or rest.startswith(("即", "，即", "是指"))


def _a_word(name: str, start: int, end: int) -> bool:
    """Whether name[start:end] stands as a word (城管/执法), or as a word with one character added (城管局,
    村两委, 低保户), rather than letters of other words (居住/建筑 holds 住建, 个人/社会保险 holds 人社)."""
    spans = words(name)
    cuts = {a for a, _ in spans} | {b for _, b in spans}
    if start in cuts and end in cuts:
        return True
    return any(a <= start and end <= b and (b - a) - (end - start) == 1 for a, b in spans)


def unexplained(name: str) -> list[str]:
    """The abbreviations of `ABBREVIATIONS` that stand as words in ``name`` and are explained nowhere in it
    (explained once, 城管（城市管理）, is explained throughout the name)."""
    out = []
    for abbr in ABBREVIATIONS:
        found = [(m.start(), m.end()) for m in re.finditer(re.escape(abbr), name)]
        if not found or any(_explained(name, end) for _, end in found):
            continue
        if any(_a_word(name, start, end) for start, end in found):
            out.append(abbr)
    return out


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
        for abbr in unexplained(name)[:1]:
            yield Violation.at(
                power.loc,
                "name",
                message=f"职权名称「{name}」含未解释的简称“{abbr}”",
                hint=f"写全称“{ABBREVIATIONS[abbr]}”，或在简称后用括号注明全称",
            )
