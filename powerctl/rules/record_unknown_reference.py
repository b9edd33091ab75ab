"""## 检查什么

登记文件所在的 records/<单位标识>/ 是否为目录中的单位；办件、支出、会议登记的职权（power，写 id 或事项编码）
是否在该单位的目录中；环节（step）是否在该职权的流程图中；岗位（by、post）是否在单位的岗位中。

不能判断的：标识存在、但登记错了对象（如写成了另一项存在的职权）。本次检查没有包括、而仓库中有目录文件的单位，其登
记不检查。

## 为什么

登记对不上目录，就无法检查时限、顺序和岗位；往往是目录没有更新，或登记时写错了编号。

## 错误示例

```yaml
cases:
  - {id: XK-2026-0301, power: XK-999, received: 2026-11-02}   # 目录中没有 XK-999
```

## 正确示例

```yaml
cases:
  - {id: XK-2026-0301, power: XK-001, received: 2026-11-02}
```

由登记检查（powerctl/check/records.py 读取 records/，powerctl/domain/cases.py 判断）给出。
"""

CODE = "R807"
NAME = "record-unknown-reference"
SEVERITY = "error"
SUMMARY = "登记中的单位、职权、环节或岗位在目录中不存在"

check = None  # found by the records check (check.records), not by a rule over one catalogue
