"""## 检查什么

变更记录（changes）中的每次变更，是否在变更之日（date）后 20 个工作日内向公开办作出说明（reported）。
变更之日的次日为第 1 天；工作日按国家法定节假日和调休安排计算（调休上班日算工作日，放假日不算）。
尚未说明（没有 reported）的，按 `--today`（默认今天）判断是否已经超期。节假日历不覆盖的年份按周一至周五计算，
并在消息中注明。

不能判断的：reported 的日期是否属实；节假日历不覆盖的年份按周一至周五算出的期限可能与实际不同。日期写法错误的记录
不检查（由 E003 报告）。

## 为什么

权力清单调整后须在 20 个工作日内向公开办说明并更新公开内容，群众看到的清单才是现行的。

## 错误示例

```yaml
changes:
  - {date: 2026-05-06, items: [CF-001], kind: 调整, reason: 依据修改调整幅度, reported: 2026-06-03}
```

## 正确示例

```yaml
changes:
  - {date: 2026-05-06, items: [CF-001], kind: 调整, reason: 依据修改调整幅度, reported: 2026-06-02}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from powerctl.catalogue.model import Unit
from powerctl.domain.calendar import working_day_deadline
from powerctl.rules._base import RuleContext, Violation

CODE = "C702"
NAME = "change-report-overdue"
SEVERITY = "error"
SUMMARY = "变更未在 20 个工作日内向公开办说明"

LIMIT = 20


def check(unit: Unit, ctx: RuleContext) -> Iterator[Violation]:
    for change in unit.changes:
        try:
            changed = date.fromisoformat(change.date)
            reported = date.fromisoformat(change.reported) if change.reported else None
        except ValueError:
            continue  # the schema reports bad dates
        deadline = working_day_deadline(changed, LIMIT)
        note = "（该年份不在节假日历内，按周一至周五计算）" if deadline.approximate else ""
        items = "、".join(change.items)
        if reported is not None and reported > deadline.day:
            yield Violation.at(
                change.loc,
                "reported",
                message=(
                    f"{change.date} 的变更（{items}）于 {change.reported} 才向公开办说明，"
                    f"超过 {LIMIT} 个工作日的期限 {deadline.day.isoformat()}{note}"
                ),
                hint="今后在期限内说明；本次迟报的原因可写入 reason",
            )
        elif reported is None and ctx.today > deadline.day:
            yield Violation.at(
                change.loc,
                "date",
                message=(
                    f"{change.date} 的变更（{items}）尚未向公开办说明，"
                    f"已超过 {LIMIT} 个工作日的期限 {deadline.day.isoformat()}{note}"
                ),
                hint="向公开办说明后，在该条变更记录中写上 reported: 说明日期",
            )
