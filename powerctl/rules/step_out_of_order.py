"""## 检查什么

办件中前后相邻的两个环节，在流程图中是否有从前一个到后一个的连线（next）。同一环节连续登记两次（如补正后
再次受理）不算。

不能判断的：实际的办理顺序，只比较登记中前后相邻的两条（按登记的先后，不按日期）：中间漏登一个环节，也报告为不相连。
登记的环节不在流程图中（R807）时，它前后的两条不比较。

## 为什么

颠倒顺序（先决定后审核）或跳步，说明办件没有按公开的流程运行。

## 错误示例

```yaml
steps:
  - {step: shouli, done: 2026-11-02, by: ck_jb}
  - {step: fuhe, done: 2026-11-03, by: szg_gz}     # 流程图中受理之后是勘查
```

## 正确示例

```yaml
steps:
  - {step: shouli, done: 2026-11-02, by: ck_jb}
  - {step: kancha, done: 2026-11-02, by: szg_jb}
  - {step: fuhe, done: 2026-11-03, by: szg_gz}
```

由登记检查（powerctl/check/records.py 读取 records/，powerctl/domain/cases.py 判断）给出。
"""

CODE = "R805"
NAME = "step-out-of-order"
SEVERITY = "error"
SUMMARY = "前后登记的两个环节在流程图中不相连（未按流程顺序办理）"

check = None  # found by the records check (check.records), not by a rule over one catalogue
