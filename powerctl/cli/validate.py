"""`powerctl validate`: argument parsing and output; the work is in powerctl.engine."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from powerctl.config import Config


class Format(StrEnum):
    text = "text"
    json = "json"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


def _codes(values: list[str] | None) -> frozenset[str]:
    out: set[str] = set()
    for v in values or []:
        out.update(c.strip().upper() for c in v.split(",") if c.strip())
    return frozenset(out)


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(message + "\n")
    return typer.Exit(2)


def load_repo_config() -> Config:
    """The config of the repository around the working directory; exit 2 with its position if broken."""
    from powerctl.config import ConfigError, find_root, load_config

    try:
        return load_config(find_root(Path.cwd()))
    except ConfigError as exc:
        raise _fail(str(exc)) from None


def default_paths(config: Config) -> list[str]:
    """`catalogues/` of the repository root, shown relative to the working directory when inside it."""
    default = config.root / "catalogues"
    if not default.is_dir():
        raise _fail(f"没有指定要检查的路径，且 {default} 不存在：请写出目录文件或文件夹")
    cwd = Path.cwd()
    return [str(default.relative_to(cwd)) if default.is_relative_to(cwd) else str(default)]


def command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="目录文件或文件夹；默认为仓库根目录下的 catalogues/", show_default=False),
    ] = None,
    fmt: Annotated[Format, typer.Option("-f", "--format", help="输出格式")] = Format.text,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="达到该级别的发现使退出码为 1")] = FailOn.error,
    select: Annotated[list[str] | None, typer.Option("--select", help="只运行这些规则（代码或前缀，逗号分隔）")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="不运行这些规则（代码或前缀，逗号分隔）")] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="按这一天判断与日期有关的规则（YYYY-MM-DD），默认为今天")
    ] = None,
) -> None:
    from powerctl.engine import Options, RuleCrash, UsageError, validate
    from powerctl.formatters import get

    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError:
        raise _fail(f"--today 应为 YYYY-MM-DD 格式的日期，收到「{today}」") from None
    config = load_repo_config()
    try:
        result = validate(paths or default_paths(config), config, Options(_codes(select), _codes(ignore), day))
    except UsageError as exc:
        raise _fail(str(exc)) from None
    except RuleCrash as exc:
        raise _fail(f"{exc}\n这是 powerctl 的缺陷，请报告；本次检查结果不可信。") from None
    out = get(fmt.value)(result.report, sys.stdout.isatty())
    sys.stdout.write(out)
    raise typer.Exit(int(result.report.exit_code(fail_on.value)))
