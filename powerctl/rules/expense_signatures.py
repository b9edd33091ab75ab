"""## 检查什么

登记的每笔支出（expenses）是否有经手人（handled）、审核人（reviewed）、批准人（approved）三个签字，三人是否
各不相同，审核人的岗位是否为村务监督岗位（unit.posts 中 role: 村务监督，即村务监督委员会主任）。

不能判断的：签字的是不是同一个人，只按姓名比较：同名的两个人也报告，同一人写法不同则发现不了。是否为村务监督岗位只
看岗位的 role；审核人没有写岗位或岗位不存在的不判断。

## 为什么

村级财务“三签字”：少一个签字，或一人签两处，监督就落空；审核人不是村务监督委员会的，就不是民主理财。

## 错误示例

```yaml
expenses:
  - {id: ZC-2026-017, power: NG-001, date: 2026-10-10, amount: 12000,
     handled: {name: 张三, post: baozhang}, reviewed: {name: 王五, post: shuji}, approved: {name: 王五, post: shuji}}
```

## 正确示例

```yaml
expenses:
  - {id: ZC-2026-017, power: NG-001, date: 2026-10-10, amount: 12000,
     handled: {name: 张三, post: baozhang}, reviewed: {name: 李四, post: jdzr}, approved: {name: 王五, post: shuji}}
```

由登记检查（powerctl/check/records.py 读取 records/，powerctl/domain/cases.py 判断）给出。
"""

CODE = "R808"
NAME = "expense-signatures"
SEVERITY = "error"
SUMMARY = "三签字：支出缺少经手人、审核人或批准人签字，两处为同一人，或审核人不是村务监督岗位"

check = None  # found by the records check (check.records), not by a rule over one catalogue
