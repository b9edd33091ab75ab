"""`powerctl diff BASE [HEAD]`: which units and powers changed, field by field, between two versions."""

from __future__ import annotations

import json
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from powerctl.cli._common import fail

if TYPE_CHECKING:
    from powerctl.catalogue.config import Config


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _units(config: Config, version: str | None, tmp: Path) -> dict[str, Any]:
    """Unit data by id for a folder, a git ref (its catalogues/), or the working tree (None)."""
    from powerctl.check.gitrefs import GitError, extract, is_ref, unit_data
    from powerctl.cli.validate import default_paths

    if version is None:
        folder = Path(default_paths(config)[0])
    elif Path(version).is_dir():
        folder = Path(version)
    elif is_ref(config.root, version):
        try:
            extract(config.root, version, tmp)
        except GitError as exc:
            raise fail(str(exc)) from None
        folder = tmp / "catalogues"
    else:
        raise fail(f"「{version}」既不是文件夹，也不是 {config.root} 中的 git 版本")
    return unit_data(folder)


def command(
    base: Annotated[str, typer.Argument(help="旧版本：git 版本（提交、分支、标签）或文件夹")],
    head: Annotated[str | None, typer.Argument(help="新版本；默认为工作区的 catalogues/")] = None,
    fmt: Annotated[
        Format, typer.Option("-f", "--format", help="输出格式；markdown 适合作为合并请求评论")
    ] = Format.text,
) -> None:
    from powerctl.cli.validate import load_repo_config
    from powerctl.domain.diff import unit_changes
    from powerctl.domain.diff_report import as_json, as_markdown, as_text

    config = load_repo_config()
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        old = _units(config, base, Path(a))
        new = _units(config, head, Path(b))
    diffs = unit_changes(old, new)
    names = {uid: (data.get("unit") or {}).get("name", uid) for uid, data in {**old, **new}.items()}
    if fmt is Format.json:
        sys.stdout.write(json.dumps(as_json(diffs), ensure_ascii=False, indent=2) + "\n")
    elif fmt is Format.markdown:
        sys.stdout.write(as_markdown(diffs, names, base, head))
    else:
        sys.stdout.write(as_text(diffs, names))
