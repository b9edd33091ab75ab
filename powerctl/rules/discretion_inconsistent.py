"""## 检查什么

行政裁量基准各档是否自洽：每档最低额不大于最高额；不同档的幅度不重叠（同一档内按不同违法情形分列的几行可以重叠）（相邻两档的端点相同也算重叠，
即前一档的 max 等于后一档的 min）；情节越重（轻微 < 一般 < 较重 < 严重）幅度不能越低。
“万元”按 10000 元换算后比较，其他单位只与同单位比较。

不能判断的：幅度是否在法定范围内（不核对条文）；没有写 amount 的档、单位不同（如元与倍）的档不比较。不同档次的几行
即使说的是不同的违法情形，也按档次比较幅度。

## 为什么

重叠或倒挂的裁量档次等于没有基准：同样的情节可以罚轻也可以罚重，裁量空间又回到了个人手里。

## 错误示例

```yaml
discretion:
  - {circumstance: 一般, condition: …, penalty: 罚款, amount: {min: 1000, max: 5000, unit: 元}}
  - {circumstance: 较重, condition: …, penalty: 罚款, amount: {min: 5000, max: 10000, unit: 元}}   # 5000 重叠
```

## 正确示例

```yaml
discretion:
  - {circumstance: 一般, condition: …, penalty: 罚款, amount: {min: 1000, max: 5000, unit: 元}}
  - {circumstance: 较重, condition: …, penalty: 罚款, amount: {min: 5001, max: 10000, unit: 元}}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from powerctl.catalogue.model import Discretion, Unit
from powerctl.rules._base import RuleContext, Violation

CODE = "G507"
NAME = "discretion-inconsistent"
SEVERITY = "error"
SUMMARY = "裁量基准幅度重叠、倒挂或不随情节递增"

SEVERITY_ORDER = {"轻微": 0, "一般": 1, "较重": 2, "严重": 3}
_SCALE = {"元": ("元", 1.0), "万元": ("元", 10000.0)}


def _range(d: Discretion) -> tuple[str, float, float] | None:
    if d.amount is None:
        return None
    unit, factor = _SCALE.get(d.amount.unit, (d.amount.unit, 1.0))
    return unit, d.amount.min * factor, d.amount.max * factor


def _fmt(d: Discretion) -> str:
    a = d.amount
    return f"{d.circumstance}（{a.min:g}–{a.max:g} {a.unit}）" if a else d.circumstance


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for power in unit.powers:
        entries = [d for d in power.discretion or () if _range(d) is not None]
        for d in entries:
            a = d.amount
            if a is not None and a.min > a.max:
                yield Violation.at(
                    d.loc,
                    "amount",
                    message=f"职权「{power.name}」裁量基准“{d.circumstance}”档最低额 {a.min:g} 大于最高额 {a.max:g}",
                    hint="交换 min 与 max，或核对法定处罚幅度",
                )
        ordered = sorted(entries, key=lambda d: SEVERITY_ORDER.get(d.circumstance, 99))
        for i, lower in enumerate(ordered):
            lo = _range(lower)
            for higher in ordered[i + 1 :]:
                hi = _range(higher)
                if lo is None or hi is None or lo[0] != hi[0] or lo[1] > lo[2] or hi[1] > hi[2]:
                    continue
                if SEVERITY_ORDER.get(lower.circumstance) == SEVERITY_ORDER.get(higher.circumstance):
                    continue  # rows of one tier (sub-acts of the same circumstance) may overlap
                if hi[1] < lo[1] or hi[2] < lo[2]:
                    message = f"情节更重的{_fmt(higher)}幅度低于{_fmt(lower)}"
                elif hi[1] <= lo[2] and lo[1] <= hi[2]:
                    message = f"{_fmt(higher)}与{_fmt(lower)}幅度重叠"
                else:
                    continue
                yield Violation.at(
                    higher.loc,
                    "amount",
                    message=f"职权「{power.name}」的裁量基准：{message}",
                    hint="各档幅度按情节由轻到重递增且互不重叠：后一档的 min 大于前一档的 max",
                )
