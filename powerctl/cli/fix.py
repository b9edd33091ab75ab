"""`powerctl fix`: correct what is safe to correct, in place or shown as a diff; the work is in powerctl.edit.fix."""

from __future__ import annotations

import difflib
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from powerctl.cli._common import fail, write_text_atomic


def command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="目录文件或文件夹；默认为仓库根目录下的 catalogues/", show_default=False),
    ] = None,
    show_diff: Annotated[bool, typer.Option("--diff", help="只显示将要做的修改（统一 diff 格式），不写文件")] = False,
) -> None:
    """Exit 0 when nothing is left that fix could correct; 1 when --diff shows changes or a mistake was
    found that is not safe to correct automatically; 2 on usage errors."""
    from powerctl.check.engine import UsageError, discover
    from powerctl.cli.validate import default_paths, load_repo_config
    from powerctl.edit.fix import fix_bytes
    from powerctl.laws.index import LawIndexError
    from powerctl.laws.resolve import open_resolver
    from powerctl.source.boundary import message
    from powerctl.source.load import MAX_BYTES
    from powerctl.source.schema import SchemaChecker

    config = load_repo_config()
    try:
        given = paths or default_paths(config)
        found = discover(given, skip=[config.root / p for p in config.law_paths], root=config.root)
        laws, _ = open_resolver(config.root, config.law_paths, date.today())
    except (UsageError, LawIndexError) as exc:
        raise fail(str(exc)) from None
    checker = SchemaChecker.for_catalogues(config.categories)
    out = sys.stdout
    status = 0
    touched = 0
    for folder, why in found.unreadable:
        out.write(f"{folder}: 无法读取文件夹：{why}\n")
        status = 1
    for link, target in found.outside:
        out.write(f"{link}: 没有修改：{message(target)}\n")
        status = 1
    limit = MAX_BYTES // 1024 // 1024
    for file in found.files:
        # Read and written where it really is: a link inside the repository stays a link and its target
        # changes (discover has refused every link that leaves the repository).
        path = Path(os.path.realpath(file))
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)  # never more than the loader would read
        except OSError as exc:
            out.write(f"{file}: 无法读取文件：{exc.strerror or type(exc).__name__}\n")
            status = 1
            continue
        if len(raw) > MAX_BYTES:
            out.write(f"{file}: 没有修改：文件超过 {limit} MB 的上限，没有读取（一个文件只放一个单位的职权目录）\n")
            status = 1
            continue
        result = fix_bytes(file, raw, checker, laws)
        if result.unreadable:
            out.write(f"{file}: 没有修改：{result.unreadable}\n")
            status = 1
            continue
        if result.changed:
            touched += 1
            if show_diff:
                out.writelines(
                    difflib.unified_diff(
                        result.original.lstrip("\ufeff").splitlines(keepends=True),
                        result.text.lstrip("\ufeff").splitlines(keepends=True),
                        f"a/{file}",
                        f"b/{file}",
                    )
                )
                status = 1
            else:
                write_text_atomic(path, result.text)
                for change in sorted(result.changes, key=lambda c: c.line):
                    out.write(f"{file}:{change.line}: 已改正：{change.message}\n")
        for p in result.left:
            out.write(f"{file}:{p.span.line}:{p.span.column}: 未能自动修改：{p.message}（{p.hint}）\n")
            status = 1
    verb = "需要修改" if show_diff else "修改了"
    sys.stderr.write(f"检查了 {len(found.files)} 个文件，{verb} {touched} 个\n")
    raise typer.Exit(status)
