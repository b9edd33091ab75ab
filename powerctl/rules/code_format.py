"""## 检查什么

事项编码（code）是否符合本地区的编码格式：`.powerctl.yaml` 中 `code_profile.pattern` 给出的正则表达式。
没有配置编码格式时不检查。

不能判断的：编码是否与政务服务平台登记的一致、是否重复，只看格式；没有写事项编码的职权不检查。

## 为什么

事项编码要与政务服务平台、上级清单对应；格式不一的编码无法对接和比对。

## 错误示例

```yaml
# .powerctl.yaml：code_profile: {pattern: "^431381-[A-Z]{2}-[0-9]{4}$", description: 冷水江市事项编码}
code: "XK0001"
```

## 正确示例

```yaml
code: "431381-XK-0001"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "N603"
NAME = "code-format"
SEVERITY = "error"
SUMMARY = "事项编码不符合本地区编码格式"


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    profile = ctx.config.code_profile
    if profile is None:
        return
    for power in unit.checked_powers():
        if power.code is not None and not profile.pattern.fullmatch(power.code):
            what = profile.description or "本地区事项编码"
            yield Violation.at(
                power.loc,
                "code",
                message=f"职权「{power.name}」的事项编码「{power.code}」不符合{what}格式",
                hint=f"编码应符合 {profile.pattern.pattern}（在 .powerctl.yaml 的 code_profile 中配置）",
            )
