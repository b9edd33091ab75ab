"""## 检查什么

办件每个环节登记的办理岗位（by）是否为流程图中该环节的承办岗位（post）。

不能判断的：代理、授权办理是否合规；没有登记 by 的环节、流程图中没有写承办岗位的环节不检查，岗位标识不存在的由
R807 报告。

## 为什么

“谁来办”是流程图的要素之一；由别的岗位代办、越权办理，分离制衡就失效了。岗位确实调整的，应先修改目录。

## 错误示例

```yaml
# 流程图：jueding 由 fjz_sz（分管副局长）决定
steps:
  - {step: jueding, done: 2026-11-03, by: ck_jb}   # 窗口人员作出决定
```

## 正确示例

```yaml
steps:
  - {step: jueding, done: 2026-11-03, by: fjz_sz}
```

由登记检查（powerctl/check/records.py 读取 records/，powerctl/domain/cases.py 判断）给出。
"""

CODE = "R806"
NAME = "step-wrong-post"
SEVERITY = "warning"
SUMMARY = "办理环节的岗位与流程图规定的承办岗位不同"

check = None  # found by the records check (check.records), not by a rule over one catalogue
