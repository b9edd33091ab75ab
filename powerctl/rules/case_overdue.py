"""## 检查什么

登记的每个办件（records/ 中的 cases）从受理日（第 0 天）到办结日用了多少天；未办结的算到 `--today`（默认今天）。
职权的时限单位是工作日时，按国家公布的法定节假日和调休安排计算：节假日不计，调休上班的周末计入；超出已公布
年份的日期按周一至周五计算并在发现中说明。中止（suspended，听证、专家评审、补正等特别程序）的日子不计。
超过目录中的承诺时限（time_limit.promised）即为红牌。承诺时限为 即办 的按 0 天计：受理当日办结的按期，
晚一天即为红牌；承诺时限为 null 的以法定时限为准。

不能判断的：没有登记的延期、中止（只扣除 suspended 中登记的日子）；没有写 closed 的办件按未办结计算。承诺时限按现
在的目录计算，不是受理时的目录。没有办理时限（如行政检查）或两个时限都是 null（原表的“/”）的职权没有时钟，不亮牌。

## 为什么

电子监察以承诺时限为准：超期办件要说明原因、按规定问责。按周一至周五粗算会把国庆、春节前后的办件算错——
有的实际已超期却显示正常，有的实际按期却显示超期。

## 错误示例

```yaml
# 目录：XK-001 承诺 5 个工作日
cases:
  - id: XK-2026-0101
    power: XK-001
    received: 2026-09-25      # 周五受理
    closed: 2026-10-12        # 9 月 28、29、30 日，10 月 8、9 日，10 日（调休），12 日：第 7 个工作日办结
```

## 正确示例

```yaml
cases:
  - id: XK-2026-0102
    power: XK-001
    received: 2026-09-30
    closed: 2026-10-09        # 国庆节、中秋节放假不计：第 2 个工作日办结
```

由登记检查（powerctl/check/records.py 读取 records/，powerctl/domain/cases.py 判断）给出。
"""

CODE = "R801"
NAME = "case-overdue"
SEVERITY = "error"
SUMMARY = "红牌：办件超过承诺时限（工作日按国家法定节假日和调休计算，中止期间不计）"

check = None  # found by the records check (check.records), not by a rule over one catalogue
