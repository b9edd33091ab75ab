"""## 检查什么

文件的结构是否符合职权目录格式（schemas/catalogue.schema.json）：必填字段、字段类型、可选值、
编号格式、日期格式、统一社会信用代码校验位，以及单位标识与文件名一致。每处不符合在该值所在的
行列报告一次；缺少字段时指向其上级字段。

## 为什么

格式统一，才能生成一表一图、才能被其他规则检查。常见错误如 `code: 000101` 未加引号，
会被读成数字 101，前导零丢失。

## 错误示例

```yaml
powers:
  - id: XK-001
    code: 000101          # 被读成数字 101
    category: 许可         # 不是规定的职权类别
```

## 正确示例

```yaml
powers:
  - id: XK-001
    code: "000101"
    category: 行政许可
```
"""

CODE = "E003"
NAME = "schema"
SEVERITY = "error"
SUMMARY = "结构不符合职权目录格式"
check = None  # reported by the schema check
