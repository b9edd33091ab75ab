"""## 检查什么

文件能否按 YAML 1.2 读取：语法错误、制表符缩进、一个文件里写了多个文档（`---`）、嵌套过深、
别名展开过多（“YAML 炸弹”）、文件过大或无法读取，都在出错的行和列报告。

## 为什么

读不出来的文件，其余所有检查都无从谈起；审核人员需要知道错在哪一行。

## 错误示例

```yaml
unit:
        name: 冷水江市城市管理局      # 用了 Tab 缩进
```

## 正确示例

```yaml
unit:
  name: 冷水江市城市管理局      # 用空格缩进
```
"""

CODE = "E001"
NAME = "yaml-syntax"
SEVERITY = "error"
SUMMARY = "文件不是合法的 YAML 1.2"
check = None  # reported by the loader
