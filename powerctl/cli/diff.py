"""`powerctl diff BASE [HEAD]`: which units and powers changed, field by field, between two versions."""

from __future__ import annotations

import json
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from powerctl.cli._common import fail, no_catalogues

if TYPE_CHECKING:
    from powerctl.catalogue.config import Config
    from powerctl.check.gitrefs import Units


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _units(config: Config, version: str | None, tmp: Path) -> Units:
    """The catalogues of a folder, a git ref (its catalogues/), or the working tree (None)."""
    from powerctl.check.gitrefs import GitError, extract, is_ref, read_units
    from powerctl.cli.validate import default_paths

    if version is None:
        return read_units(Path(default_paths(config)[0]))
    if Path(version).is_dir():
        return read_units(Path(version))
    if not is_ref(config.root, version):
        raise fail(f"「{version}」既不是文件夹，也不是 {config.root} 中的 git 版本")
    try:
        extract(config.root, version, tmp)
    except GitError as exc:
        raise fail(str(exc)) from None
    # A file of that version is named as git names it, e.g. HEAD:catalogues/a.yaml, never by the temporary folder.
    return read_units(tmp / "catalogues", lambda file: f"{version}:{Path(file).relative_to(tmp).as_posix()}")


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
        before = _units(config, base, Path(a))
        after = _units(config, head, Path(b))
    unreadable = [*before.unreadable, *after.unreadable]
    if unreadable:
        lines = [f"{file}：读不出单位——{why}" for file, why in unreadable]
        raise fail("\n".join([*lines, "以上文件读不出单位，无法判断它们改了什么：修正或移走后再比较"]))
    if not before.files and not after.files:
        raise no_catalogues([base, head or "catalogues"])
    old, new = before.data, after.data
    diffs = unit_changes(old, new)
    names = {uid: (data.get("unit") or {}).get("name", uid) for uid, data in {**old, **new}.items()}
    if fmt is Format.json:
        sys.stdout.write(json.dumps(as_json(diffs), ensure_ascii=False, indent=2) + "\n")
    elif fmt is Format.markdown:
        sys.stdout.write(as_markdown(diffs, names, base, head))
    else:
        sys.stdout.write(as_text(diffs, names))
