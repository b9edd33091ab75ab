"""## 检查什么

文件是否为 UTF-8 编码（可带 BOM）。不是时指出第一个无法读取的位置，并说明可能的编码（常见为 GBK）。
文本中是否有不可见的控制字符（如双引号字符串里的 `\x07`）：它们在屏幕上看不见，却会让流程图、
Excel 和 Word 文件无法生成。

不能判断的：能按 UTF-8 读取、但文字本身已是乱码的文件（如编码转换过两次）；提示中的编码是按第一个出错位置附近的字
节推测的，不一定准确。直接写在文件中（不是用转义写出）的控制字符由 YAML 读取器拒绝，按 E001 报告。

## 为什么

用 Windows 记事本或 WPS 另存的文件常是 GBK 编码，在其他电脑和系统上会变成乱码。
从网页、PDF 或旧系统复制的文字有时带着控制字符。

## 错误示例

```text
用 GBK 编码保存的 lsj-cgj.yaml
name: "城市\x07管理局"
```

## 正确示例

```text
用 UTF-8 编码保存的 lsj-cgj.yaml（可用 iconv -f GB18030 -t UTF-8 转换）
```
"""

CODE = "E004"
NAME = "encoding"
SEVERITY = "error"
SUMMARY = "文件不是 UTF-8 编码，或文本含控制字符"
check = None  # reported by the loader
