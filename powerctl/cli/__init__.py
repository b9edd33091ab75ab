"""The typer application: one module per command; each parses, calls the core, returns an exit code.

Heavy imports live inside the commands so that `--help` starts fast.
"""

from __future__ import annotations

import os
import sys

import typer

from powerctl.cli import bundle as bundle_cmd
from powerctl.cli import compare as compare_cmd
from powerctl.cli import diff as diff_cmd
from powerctl.cli import init as init_cmd
from powerctl.cli import laws as laws_cmd
from powerctl.cli import render as render_cmd
from powerctl.cli import rules as rules_cmd
from powerctl.cli import stats as stats_cmd
from powerctl.cli import validate as validate_cmd

app = typer.Typer(
    name="powerctl",
    help="权力清单（职权目录）校验与“四个一”成果生成工具。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help text: rendering it with rich doubles the start-up time
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("validate", help="校验职权目录：结构与全部规则，每个发现附文件:行:列。")(validate_cmd.command)
app.command("render", help="绘制每项职权的权力运行流程图（SVG、PNG、PDF）。")(render_cmd.command)
app.command("bundle", help="生成“四个一”成果包：一表、一图、一件、一盘（含静态网站）。")(bundle_cmd.command)
app.command("stats", help="清理情况统计：按类别、清理结果、承办机构、风险等级统计职权。")(stats_cmd.command)
app.command("compare", help="对照：比较两个单位的职权目录，找出可能漏报或不一致的职权。")(compare_cmd.command)
app.command("diff", help="比较两个版本的职权目录：哪些单位、职权、字段有变化。")(diff_cmd.command)
app.command("init", help="建立一个新的职权目录仓库：示例单位、配置、本地法规库、pre-commit 和 CI 流水线。")(
    init_cmd.command
)
app.command("rules", help="列出全部规则，或显示一条规则的说明。")(rules_cmd.command)
app.add_typer(laws_cmd.app, name="laws")


def main() -> None:
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("已中断\n")
        raise SystemExit(2) from None
    except Exception as exc:  # never a bare traceback for users; exit 2 as an internal error
        if os.environ.get("POWERCTL_DEBUG"):
            raise
        sys.stderr.write(f"powerctl 内部错误：{type(exc).__name__}: {exc}\n（设置 POWERCTL_DEBUG=1 可查看详细信息）\n")
        raise SystemExit(2) from None
