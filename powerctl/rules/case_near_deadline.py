"""## 检查什么

未办结（没有 closed）的办件，到 `--today` 已用的天数达到承诺时限的 80% 及以上、尚未超期时，给出黄牌提醒。
天数的算法与 R801 相同。

不能判断的：没有登记的中止、延期；没有写 closed 的办件按未办结计算；承诺时限按现在的目录计算。
承诺时限为 0 或 即办 的办件不给黄牌（当日未办结的，次日即为红牌，见 R801）；
没有办理时限或时限为 null（原表的“/”）的职权不亮牌。

## 为什么

电子监察在临近时限时亮黄灯，提醒承办岗位抓紧办理，避免超期。

## 错误示例

```yaml
# 目录：XK-001 承诺 5 个工作日；--today 2026-11-30
cases:
  - {id: XK-2026-0201, power: XK-001, received: 2026-11-24}   # 已用 4 个工作日
```

## 正确示例

```yaml
cases:
  - {id: XK-2026-0202, power: XK-001, received: 2026-11-27}   # 已用 1 个工作日
```

由登记检查（powerctl/check/records.py 读取 records/，powerctl/domain/cases.py 判断）给出。
"""

CODE = "R802"
NAME = "case-near-deadline"
SEVERITY = "warning"
SUMMARY = "黄牌：未办结的办件已用去承诺时限的 80% 以上"

check = None  # found by the records check (check.records), not by a rule over one catalogue
