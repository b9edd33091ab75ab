"""Catalogue versions from git: a ref's tree extracted to a folder, and the files changed since a ref."""

from __future__ import annotations

import io
import subprocess
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
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


def _inside(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """tarfile's "data" filter, except that a member it refuses (a link at that version pointing outside the
    repository, an absolute path) is left out rather than stopping the whole version: it is never written."""
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None


def extract(root: Path, ref: str, dest: Path) -> Path:
    """The tree of ``ref`` written under ``dest``; returns ``dest``."""
    if not _git(root, "ls-tree", "-z", ref):
        return dest  # an empty tree: git archive gives a lone header that tarfile cannot read
    data = _git(root, "archive", "--format=tar", ref)
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            tar.extractall(dest, filter=_inside)
    except tarfile.TarError as exc:
        raise GitError(f"无法取出 {ref} 版本的文件：{exc}") from exc
    return dest


def changed_files(root: Path, ref: str) -> list[Path]:
    """Files that differ between ``ref`` and the working tree (including untracked ones), absolute."""
    names = _git(root, "diff", "--name-only", "-z", ref, "--").decode("utf-8").split("\0")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z").decode("utf-8").split("\0")
    return sorted({(root / n).resolve() for n in [*names, *untracked] if n})


@dataclass
class Units:
    """The catalogue files of one version: their data by unit id, how many files there were, and each file
    or folder that could not be read as a unit, with why (never taken for a unit that is gone)."""

    data: dict[str, Any] = field(default_factory=dict)
    files: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def read_units(folder: Path, shown: Callable[[str], str] = str) -> Units:
    """Every catalogue file under ``folder``; ``shown`` turns a path into the one a message names."""
    from powerctl.check.engine import YAML_SUFFIXES, discover
    from powerctl.source.load import load_file

    out = Units()
    if not folder.is_dir():
        return out
    found = discover([str(folder)])
    out.unreadable.extend((shown(f), why) for f, why in found.unreadable)
    for file in found.files:
        out.files += 1
        doc = load_file(Path(file), shown(file))
        unit = doc.data.get("unit") if isinstance(doc.data, dict) else None
        if isinstance(unit, dict) and isinstance(unit.get("id"), str):
            out.data.setdefault(unit["id"], doc.data)
        else:
            why = doc.problems[0].message if doc.problems else "没有单位标识（unit.id）"
            out.unreadable.append((shown(file), why))
    # A folder named like a catalogue file with none inside: where a unit's file was, nothing can be read.
    for sub in sorted(p for suffix in YAML_SUFFIXES for p in folder.rglob(f"*{suffix}")):
        hidden = any(part.startswith(".") for part in sub.relative_to(folder).parts)
        if hidden or not sub.is_dir() or any(Path(f).is_relative_to(sub) for f in found.files):
            continue
        out.unreadable.append((shown(str(sub)), "是一个文件夹，不是目录文件"))
    return out


def unit_data(folder: Path) -> dict[str, Any]:
    """The loaded data of every catalogue file under ``folder``, by unit id (the first file wins)."""
    return read_units(folder).data


def head_commit(root: Path) -> str | None:
    """The commit the working tree is on, or None outside git."""
    try:
        return _git(root, "rev-parse", "HEAD").decode().strip() or None
    except GitError:
        return None
