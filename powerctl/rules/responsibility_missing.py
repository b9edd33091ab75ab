"""## 检查什么

权责清单（`.powerctl.yaml` 写了 `profile: 权责清单`）中，未取消、未废止的行政许可、行政处罚、行政强制、
行政检查职权是否写了责任事项（responsibilities：各环节的 stage 和 duty）和追责情形（accountability）。
缺哪一项就指出哪一项。本规则默认关闭：写了 `profile: 权责清单`，或在 `rules` 中给 G510 设了级别时才检查。

不能判断的：责任事项是否覆盖各环节、追责情形是否与法律规定相符，只看是否写了（不为空）。

## 为什么

权责清单要求“有权必有责、用权受监督”：每项职权在受理、审查、决定、送达、事后监管（处罚为立案、调查取证、
审理、告知、决定、送达、执行）各环节由谁负什么责任，出现哪些情形要追究责任，都要与职权一并列明、一并公开。
只列权力、不列责任，清单就只是“权力清单”，监督和问责无所依据。

## 错误示例

```yaml
# .powerctl.yaml
profile: 权责清单
```

```yaml
powers:
  - id: XK-001
    name: 临时占用、挖掘城市道路许可
    category: 行政许可
    status: 保留
    # 没有 responsibilities 和 accountability
```

## 正确示例

```yaml
powers:
  - id: XK-001
    name: 临时占用、挖掘城市道路许可
    category: 行政许可
    status: 保留
    responsibilities:
      - {stage: 受理, duty: 公示申请条件和材料目录，材料不齐全的一次性告知需要补正的全部内容}
      - {stage: 审查, duty: 审查申请材料，组织现场勘查}
      - {stage: 决定, duty: 在承诺时限内作出准予或者不予许可的决定，不予许可的书面说明理由}
      - {stage: 送达, duty: 依法送达许可决定并公开许可结果}
      - {stage: 事后监管, duty: 检查是否按照批准的位置、面积、期限占用、挖掘}
    accountability:
      - 对符合法定条件的申请不予受理或者不在法定期限内作出决定的
      - 办理许可过程中索取或者收受他人财物、谋取其他利益的
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Power, Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "G510"
NAME = "responsibility-missing"
SEVERITY = "warning"
SUMMARY = "权责清单中行政许可、行政处罚、行政强制、行政检查职权未写责任事项或追责情形（默认关闭）"
PROFILE = "权责清单"  # off unless .powerctl.yaml says `profile: 权责清单` (or gives G510 a level)

CATEGORIES = frozenset({"行政许可", "行政处罚", "行政强制", "行政检查"})

# What each category's 责任事项 usually names, stage by stage: the hint's example.
_STAGES = {
    "行政许可": ("受理", "审查", "决定", "送达", "事后监管"),
    "行政处罚": ("立案", "调查取证", "审理", "告知", "决定", "送达", "执行"),
    "行政强制": ("催告", "决定", "执行", "事后监管"),
    "行政检查": ("检查", "处置", "事后监管"),
}


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        if power.category not in CATEGORIES or power.ended:
            continue
        missing = [key for key in ("responsibilities", "accountability") if not getattr(power, key)]
        if not missing:
            continue
        names = "和".join("责任事项（responsibilities）" if k == "responsibilities" else "追责情形（accountability）"
                         for k in missing)  # fmt: skip
        yield Violation.at(
            power.loc,
            missing[0],
            message=f"{power.category}职权「{power.name}」没有写{names}",
            hint=_hint(power, missing),
        )


def _hint(power: Power, missing: list[str]) -> str:
    parts = []
    if "responsibilities" in missing:
        stages = _STAGES[power.category]
        items = ", ".join(f"{{stage: {s}, duty: …}}" for s in stages)
        parts.append(f"按环节写明责任，例如 responsibilities: [{items}]")
    if "accountability" in missing:
        parts.append("写明应当追究责任的情形，例如 accountability: [不依法履行职责的, 索取或者收受他人财物的]")
    return "；".join(parts)
