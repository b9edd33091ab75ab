"""## 检查什么

登记的每次会议（meetings），所研究的职权写了五必到事项（village_matter）的，到会人员中是否有村务监督岗位
（unit.posts 中 role: 村务监督）的人。

只检查写了 village_matter 的职权的会议。不能判断的：监督员是否真的到场，只看登记：是否为监督员只看到会人员岗位的
role，没有写岗位、或岗位没有写 role: 村务监督 的不算。

## 为什么

“五必到”要求村务监督委员会成员必须到场监督研究重大事项、使用大额资金、验收工程、承包集体资源和清理财务；
会议记录中没有监督员，决定就缺少监督。

## 错误示例

```yaml
# 目录：ZD-002 village_matter: 工程验收
meetings:
  - {id: HY-2026-05, power: ZD-002, date: 2026-10-20, topic: 村道硬化工程竣工验收,
     attendees: [{name: 王五, post: shuji}, {name: 赵六, post: fuzhuren}]}
```

## 正确示例

```yaml
meetings:
  - {id: HY-2026-05, power: ZD-002, date: 2026-10-20, topic: 村道硬化工程竣工验收,
     attendees: [{name: 王五, post: shuji}, {name: 李四, post: jdzr}]}
```

由登记检查（powerctl/check/records.py 读取 records/，powerctl/domain/cases.py 判断）给出。
"""

CODE = "R809"
NAME = "supervisor-absent"
SEVERITY = "error"
SUMMARY = "五必到：研究五必到事项的会议没有村务监督员到场"

check = None  # found by the records check (check.records), not by a rule over one catalogue
