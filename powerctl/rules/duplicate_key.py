"""## 检查什么

同一个映射中出现了两次相同的键。

不能判断的：两个值中哪一个是想要的（读取时保留第一个）；不同映射中的重复内容，如两项职权的标识相同（见 E006）、名
称相同（见 N602）。

## 为什么

YAML 读取器通常悄悄保留其中一个值，另一处修改就“消失”了；职权目录中这往往是复制粘贴留下的错误。

## 错误示例

```yaml
time_limit:
  promised: 10
  promised: 5
  unit: 工作日
```

## 正确示例

```yaml
time_limit:
  promised: 5
  unit: 工作日
```
"""

CODE = "E002"
NAME = "duplicate-key"
SEVERITY = "error"
SUMMARY = "映射中的键重复"
check = None  # reported by the loader
