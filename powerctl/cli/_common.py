"""What every command shares: ending with a message on stderr and an exit code, reading --today."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import typer


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` to stderr; return the Exit to raise (2: usage, configuration or internal error)."""
    sys.stderr.write(message + "\n")
    return typer.Exit(code)


def parse_day(value: str | None) -> date:
    """The date of a --today option (today when not given); a usage error (exit 2) when it is not YYYY-MM-DD."""
    try:
        return date.fromisoformat(value) if value else date.today()
    except ValueError:
        raise fail(f"--today 应为 YYYY-MM-DD 格式的日期，收到「{value}」") from None


def write_text_atomic(path: Path, text: str) -> None:
    """Replace the file's bytes atomically, keeping its permissions. A symlink (the caller has made sure it
    stays inside the repository) stays a link: its target's bytes are replaced."""
    if path.is_symlink():
        path = path.resolve(strict=True)
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def no_catalogues(paths: Sequence[str]) -> typer.Exit:
    """The message of a run that found no catalogue file at all (an empty repository), exit 2."""
    where = "、".join(paths) or "catalogues"
    return fail(
        f"在 {where} 下没有找到任何单位的职权目录（*.yaml）："
        "用 powerctl import 从 Excel、Word 表格导入，或用 powerctl init 生成示例单位"
    )
