"""Click's and typer's own words (help headings, usage errors) in Chinese, as every other message is.

Both look their strings up through `gettext` at call time, by the name `_` (and `ngettext`) in each module;
`install` puts a lookup in this table there. A string not in the table stays as it is.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

WORDS: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option: {name}": "没有选项：{name}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值不对：{message}",
    "Invalid value: {message}": "值不对：{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 后面不能跟值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Aborted!": "已中止。",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "unknown error": "未知错误",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是数字。",
    "{value!r} is not a valid boolean.": "{value!r} 不是有效的是/否值。",
    "{value} is not in the range {range}.": "{value} 不在 {range} 范围内。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
}
PLURALS: dict[str, str] = {
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Did you mean {possibility}?": "是否应为 {possibility}？",
    "(Possible options: {possibilities})": "（可用的选项：{possibilities}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面要跟一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 后面要跟 {nargs} 个值。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 之中。",
}
_MODULES = ("click.core", "click.exceptions", "click.parser", "click.formatting", "click.decorators", "click.types")


def gettext(message: str) -> str:
    return WORDS.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return PLURALS.get(chosen, chosen)


def install() -> None:
    names: dict[str, Callable[..., str]] = {"_": gettext, "ngettext": ngettext}
    for name in (*_MODULES, "typer.core"):
        module = importlib.import_module(name)
        for attr, fn in names.items():
            if hasattr(module, attr):
                setattr(module, attr, fn)
