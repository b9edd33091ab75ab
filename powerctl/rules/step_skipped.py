"""## 检查什么

已办结的办件，对它登记的每一个环节，从流程图的开始到该环节的每一条路径都要经过的环节（流程图的必经点，如
法制审核、集体讨论决定、审核），登记中是否都有。例如办件登记了“告知”，而流程图中到“告知”必须先经过“法制审核”，
就要有法制审核的登记；走“不予立案”分支结案的，不要求登记调查取证。开始和结束环节不要求登记。

不能判断的：环节是否办了而没有登记：判断依据只是登记，没有登记的同样报告为没有经过。只检查已办结的办件；没有登记任
何流程图中环节的办件不检查。

## 为什么

跳过法制审核、集体讨论或审核环节，是权力运行中最常见、后果最重的违规；只看结果看不出来，要对照流程图。

## 错误示例

```yaml
# 流程图：shouli → kancha → fuhe（审核）→ jueding
steps:
  - {step: shouli, done: 2026-11-02, by: ck_jb}
  - {step: kancha, done: 2026-11-02, by: szg_jb}
  - {step: jueding, done: 2026-11-03, by: fjz_sz}   # 没有经过审核
```

## 正确示例

```yaml
steps:
  - {step: shouli, done: 2026-11-02, by: ck_jb}
  - {step: kancha, done: 2026-11-02, by: szg_jb}
  - {step: fuhe, done: 2026-11-03, by: szg_gz}
  - {step: jueding, done: 2026-11-03, by: fjz_sz}
```

由登记检查（powerctl/check/records.py 读取 records/，powerctl/domain/cases.py 判断）给出。
"""

CODE = "R804"
NAME = "step-skipped"
SEVERITY = "error"
SUMMARY = "已办结的办件没有经过流程图中的必经环节（如法制审核、集体讨论）"

check = None  # found by the records check (check.records), not by a rule over one catalogue
