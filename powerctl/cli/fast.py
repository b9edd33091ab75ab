"""What `powerctl`, `powerctl --help`, `powerctl --version` and `powerctl rules [CODE]` answer without importing
typer or the rules (they must start in well under 0.15 s): the table of commands, the top help, the version and
the rule list."""

from __future__ import annotations

import sys

DESCRIPTION = "权力清单（职权目录）校验与“四个一”成果生成工具。"

# name → help, in the order `--help` lists them; `laws` is a group with its own subcommands
COMMANDS: tuple[tuple[str, str], ...] = (
    ("validate", "校验职权目录：结构与全部规则，每个发现附文件:行:列。"),
    ("fix", "自动改正能安全改正的错误：全角标点和数字、缩进、是/否、法规名称和条款写法。"),
    ("import", "从 Excel、CSV、Word 表格导入职权目录：找出表头、依据、时限，逐个报告未能对应的单元格。"),
    ("export", "导出为可在 Excel、WPS 中编辑的工作簿（每个单位一张表，带下拉选项），改好后用 import --update 读回。"),
    ("render", "绘制每项职权的权力运行流程图（SVG、PNG、PDF）。"),
    ("bundle", "生成“四个一”成果包：一表、一图、一件、一盘（含静态网站）。"),
    ("stats", "清理情况统计：按类别、清理结果、承办机构、风险等级统计职权。"),
    ("compare", "对照：比较两个单位的职权目录，找出可能漏报或不一致的职权。"),
    ("diff", "比较两个版本的职权目录：哪些单位、职权、字段有变化。"),
    ("init", "建立一个新的职权目录仓库：示例单位、配置、本地法规库、pre-commit 和 CI 流水线。"),
    ("doctor", "检查本机环境：每个命令需要的软件是否齐全，缺少的怎样安装。"),
    ("rules", "列出全部规则，或显示一条规则的说明。"),
    ("laws", "法律法规库：建立文本索引、核对引用、查看条文、全文检索。"),
)


def top_help() -> str:
    """The same text typer prints for `powerctl --help` (a test compares them)."""
    width = max(len(name) for name, _ in COMMANDS)
    lines = [
        "用法： powerctl [OPTIONS] COMMAND [ARGS]...",
        "",
        f"  {DESCRIPTION}",
        "",
        "选项:",
        "  -V, --version  显示版本号并退出。",
        "  -h, --help     显示本帮助并退出。",
        "",
        "命令:",
        *(f"  {name:<{width}}  {text}" for name, text in COMMANDS),
    ]
    return "\n".join(lines) + "\n"


def show_rules(code: str | None) -> int:
    """`powerctl rules [CODE]`: the list, or one rule's documentation; the exit code."""
    from powerctl.rules import REGISTRY, lookup

    if code is None:
        listed = list(REGISTRY.values())
        width = max(len(r.name) for r in listed)
        for r in listed:
            sys.stdout.write(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {r.summary}\n")
        if any(r.profile for r in listed):
            sys.stdout.write(
                "\n标明“默认关闭”的规则只属于某类清单：在 .powerctl.yaml 写 profile"
                "（如 profile: 权责清单）开启，或在 rules 中给它设级别\n"
            )
        return 0
    found = lookup(code)
    if found is None:
        sys.stderr.write(f"没有规则「{code}」；运行 powerctl rules 查看全部规则\n")
        return 2
    sys.stdout.write(f"# {found.code} {found.name}（{found.severity}）：{found.summary}\n\n")
    if found.profile:
        sys.stdout.write(
            f"默认关闭：只用于{found.profile}。在 .powerctl.yaml 写 `profile: {found.profile}` 开启，"
            f"或用 `rules: {{{found.code}: {found.severity}}}` 单独开启。\n\n"
        )
    sys.stdout.write(f"{found.doc}\n")
    return 0


VERSION_HELP = "显示版本号并退出。"


def version() -> str:
    """`powerctl 0.1.0`: the installed distribution's version."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return f"powerctl {installed('powerctl')}"
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "powerctl （版本未知：未安装）"


def answer(argv: list[str]) -> int | None:
    """An exit code when the command line is one of the fast ones, else None."""
    if argv in ([], ["--help"], ["-h"]):
        sys.stdout.write(top_help())
        return 0
    if argv in (["--version"], ["-V"]):
        sys.stdout.write(version() + "\n")
        return 0
    if argv[:1] == ["rules"] and len(argv) <= 2 and not any(a.startswith("-") for a in argv[1:]):
        return show_rules(argv[1] if len(argv) == 2 else None)
    return None
