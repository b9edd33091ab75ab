"""Catalogue versions from git: a ref's tree extracted to a folder, and the files changed since a ref."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path
from typing import Any


class GitError(Exception):
    """A git command failed: the message says which and why (exit code 2)."""


def _git(root: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"无法运行 git：{exc}") from exc
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args)} 失败：{proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout


def is_ref(root: Path, ref: str) -> bool:
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        return False
    return True


def extract(root: Path, ref: str, dest: Path) -> Path:
    """The tree of ``ref`` written under ``dest``; returns ``dest``."""
    data = _git(root, "archive", "--format=tar", ref)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def changed_files(root: Path, ref: str) -> list[Path]:
    """Files that differ between ``ref`` and the working tree (including untracked ones), absolute."""
    names = _git(root, "diff", "--name-only", "-z", ref, "--").decode("utf-8").split("\0")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z").decode("utf-8").split("\0")
    return sorted({(root / n).resolve() for n in [*names, *untracked] if n})


def unit_data(folder: Path) -> dict[str, Any]:
    """The loaded data of every catalogue file under ``folder``, by unit id (the first file wins)."""
    from powerctl.check.engine import discover
    from powerctl.source.load import load_file

    units: dict[str, Any] = {}
    for file in discover([str(folder)]).files if folder.is_dir() else []:
        data = load_file(Path(file)).data
        unit = data.get("unit") if isinstance(data, dict) else None
        if isinstance(unit, dict) and isinstance(unit.get("id"), str):
            units.setdefault(unit["id"], data)
    return units


def head_commit(root: Path) -> str | None:
    """The commit the working tree is on, or None outside git."""
    try:
        return _git(root, "rev-parse", "HEAD").decode().strip() or None
    except GitError:
        return None
