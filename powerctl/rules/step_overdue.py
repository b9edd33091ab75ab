"""## 检查什么

办件的每个环节从上一个环节的完成日（第一个环节从受理日）到本环节完成日用了多少天，是否超过流程图中该环节的
时限（steps[].days）。天数的算法与 R801 相同，单位为职权的时限单位。

不能判断的：没有登记的环节用了多少天：每个环节从上一条登记的完成日算起，中间漏登的环节的用时算进下一个登记的环节，
可能报告错环节。流程图中没有写 days 的环节、没有写 done 的登记不检查。

## 为什么

流程图给每个环节规定了时限，超期往往卡在某一个环节；找出是哪个环节，才能找到是哪个岗位。

## 错误示例

```yaml
# 流程图：kancha（勘查）days: 2
steps:
  - {step: shouli, done: 2026-11-02, by: ck_jb}
  - {step: kancha, done: 2026-11-05, by: szg_jb}   # 用了 3 个工作日
```

## 正确示例

```yaml
steps:
  - {step: shouli, done: 2026-11-02, by: ck_jb}
  - {step: kancha, done: 2026-11-04, by: szg_jb}   # 用了 2 个工作日
```

由登记检查（powerctl/check/records.py 读取 records/，powerctl/domain/cases.py 判断）给出。
"""

CODE = "R803"
NAME = "step-overdue"
SEVERITY = "warning"
SUMMARY = "办理环节用时超过流程图规定的该环节时限"

check = None  # found by the records check (check.records), not by a rule over one catalogue
