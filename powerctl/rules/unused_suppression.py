"""## 检查什么

行内抑制注释 `# powerctl: disable=CODE -- 理由` 是否真的抑制了本行或下一行的某条发现，以及是否写了理由。
没有用上的抑制注释要删除，没有理由的要补上理由。

不能判断的：规则本次没有运行时（用 `--select`、`--ignore` 排除、在 `.powerctl.yaml` 中设为 off 或按路径忽略，
或文件读取失败），它的抑制注释是否还有用：这时不报告。理由只看有没有写，不判断是否充分。

## 为什么

抑制注释是对规则的例外说明；问题修好后留下的旧注释会悄悄掩盖将来的新问题。

## 错误示例

```yaml
    basis: []   # powerctl: disable=B101
```

## 正确示例

```yaml
    basis: []   # powerctl: disable=B101 -- 依据待市法制办确认，2026 年底前补齐
```
"""

CODE = "S901"
NAME = "unused-suppression"
SEVERITY = "warning"
SUMMARY = "抑制注释未被使用或没有理由"
check = None  # reported by the engine after suppressions are applied
