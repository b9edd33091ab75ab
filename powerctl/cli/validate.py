"""`powerctl validate`: argument parsing and output; the work is in powerctl.check.engine."""

from __future__ import annotations

import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from powerctl.cli._common import fail, no_catalogues, parse_day

if TYPE_CHECKING:
    from powerctl.catalogue.config import Config
    from powerctl.check.engine import Options


class Format(StrEnum):
    auto = "auto"
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    gitlab = "gitlab"
    junit = "junit"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


def _codes(values: list[str] | None) -> frozenset[str]:
    out: set[str] = set()
    for v in values or []:
        out.update(c.strip().upper() for c in v.split(",") if c.strip())
    return frozenset(out)


def load_repo_config() -> Config:
    """The config of the repository around the working directory; exit 2 with its position if broken."""
    from powerctl.catalogue.config import ConfigError, find_root, load_config

    try:
        return load_config(find_root(Path.cwd()))
    except ConfigError as exc:
        raise fail(str(exc)) from None


def default_paths(config: Config) -> list[str]:
    """`catalogues/` of the repository root, shown relative to the working directory when inside it."""
    default = config.root / "catalogues"
    if not default.is_dir():
        raise fail(f"没有指定要检查的路径，且 {default} 不存在：请写出目录文件或文件夹")
    cwd = Path.cwd()
    return [str(default.relative_to(cwd)) if default.is_relative_to(cwd) else str(default)]


def command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="目录文件或文件夹；默认为仓库根目录下的 catalogues/", show_default=False),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("-f", "--format", help="输出格式；auto 在 GitHub Actions 中为 github，否则为 text")
    ] = Format.auto,
    outputs: Annotated[
        list[str] | None,
        typer.Option("-o", "--output", help="另外写一个文件，格式为 FORMAT=FILE，如 sarif=powerctl.sarif；可重复"),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="不使用缓存，重新读取每个文件")] = False,
    base: Annotated[
        str | None, typer.Option("--base", help="只检查自该 git 版本以来改动的文件，并检查变更是否登记（C701）")
    ] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="达到该级别的发现使退出码为 1")] = FailOn.error,
    select: Annotated[list[str] | None, typer.Option("--select", help="只运行这些规则（代码或前缀，逗号分隔）")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="不运行这些规则（代码或前缀，逗号分隔）")] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="按这一天判断与日期有关的规则（YYYY-MM-DD），默认为今天")
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="并行检查的进程数；默认等于 CPU 核数（文件少时只用一个进程）")
    ] = 0,
) -> None:
    from powerctl.check.engine import Options, RuleCrash, UsageError, validate
    from powerctl.formatters import get

    day = parse_day(today)
    files = _outputs(outputs or [])
    config = load_repo_config()
    targets = paths or default_paths(config)
    try:
        with tempfile.TemporaryDirectory(prefix="powerctl-base-") as tmp:
            options = Options(_codes(select), _codes(ignore), day, cache=not no_cache, keep=False)
            if base is not None:
                options = _with_base(options, config, base, targets, Path(tmp))
            result = validate(targets, config, options, jobs=max(0, jobs))
    except UsageError as exc:
        raise fail(str(exc)) from None
    except RuleCrash as exc:
        raise fail(f"{exc}\n这是 powerctl 的缺陷，请报告；本次检查结果不可信。") from None
    if not result.report.files and not result.report.findings:
        raise no_catalogues(targets)  # an empty repository is no pass
    name = fmt.value
    if name == "auto":
        name = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    text = get(name)(result.report, sys.stdout.isatty())
    sys.stdout.write(text)
    for out_name, path in files:
        try:
            path.write_text(get(out_name)(result.report, False), encoding="utf-8")
        except OSError as exc:
            raise fail(f"无法写入 {path}：{exc.strerror}") from None
    code = int(result.report.exit_code(fail_on.value))
    raise typer.Exit(code)


def _outputs(specs: list[str]) -> list[tuple[str, Path]]:
    from powerctl.formatters import NAMES

    out = []
    for spec in specs:
        name, sep, file = spec.partition("=")
        if not sep or not file or name not in NAMES:
            raise fail(f"-o 应写成 FORMAT=FILE（FORMAT 为 {'、'.join(NAMES)}），收到「{spec}」")
        out.append((name, Path(file)))
    return out


def _with_base(options: Options, config: Config, ref: str, targets: list[str], tmp: Path) -> Options:
    """Options for --base: the base version's units by id, and only the changed files reported."""
    from dataclasses import replace

    from powerctl.check.engine import UsageError
    from powerctl.check.gitrefs import GitError, changed_files, extract, is_ref, unit_data

    root = config.root
    if not is_ref(root, ref):
        raise UsageError(f"--base：「{ref}」不是 {root} 中的 git 版本（提交、分支或标签）")
    try:
        extract(root, ref, tmp)
        changed = {str(p) for p in changed_files(root, ref)}
    except GitError as exc:
        raise UsageError(str(exc)) from exc
    base: dict[str, Any] = {}
    for target in targets:
        resolved = Path(target).resolve()
        if resolved.is_relative_to(root.resolve()):
            for uid, data in unit_data(tmp / resolved.relative_to(root.resolve())).items():
                base.setdefault(uid, data)
    return replace(options, base=base, only_files=frozenset(changed))
