"""Which catalogue files a run checks: the given files, and the YAML files under the given folders.

The repository is a boundary (`source.boundary`): a link found while walking whose target leaves it is listed
in `Discovered.outside`, to be reported at the link's own path, and is never followed or read.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from powerctl.source.boundary import Boundary

YAML_SUFFIXES = (".yaml", ".yml")
_SKIP_DIRS = frozenset({"node_modules", "__pycache__"})  # anywhere; the local law folders only at the root


class UsageError(Exception):
    """Bad arguments (a path that does not exist, an unknown rule code): exit 2."""


@dataclass(frozen=True)
class Discovered:
    """The catalogue files under the given paths (display paths, sorted), every folder that could not be
    listed, with why, and every link that leads out of the repository, with its real target (a finding each:
    never a silent skip)."""

    files: list[str]
    unreadable: list[tuple[str, str]]
    outside: list[tuple[str, str]] = field(default_factory=list)


def discover(paths: Sequence[str], skip: Sequence[FsPath] = (), root: FsPath | None = None) -> Discovered:
    """Walk the paths: hidden entries, node_modules and __pycache__ are left out, and the folders in `skip`
    (the repository's local law folders). Linked folders are followed while they stay inside the boundary
    (`root`, the repository, for a path given inside it; else the given path itself); a link back into a
    folder being walked is reported, a second way into a folder already walked adds nothing."""
    found: list[str] = []
    unreadable: list[tuple[str, str]] = []
    outside: list[tuple[str, str]] = []
    skipped = {os.path.realpath(s) for s in skip}
    seen: set[tuple[int, int]] = set()
    for given in paths:
        boundary = Boundary.for_given(root, given) if root is not None else Boundary.of(given)
        target = boundary.escape(given)
        if target is not None and os.path.lexists(given):
            outside.append((given, target))
            continue
        p = FsPath(given)
        if p.is_file():
            found.append(given)
        elif p.is_dir():
            _walk(given, boundary, _Found(found, unreadable, outside), skipped, seen)
        else:
            raise UsageError(f"路径不存在：{given}")
    return Discovered(sorted(dict.fromkeys(found)), unreadable, outside)


@dataclass(frozen=True)
class _Found:
    files: list[str]
    unreadable: list[tuple[str, str]]
    outside: list[tuple[str, str]]


def _walk(top: str, boundary: Boundary, out: _Found, skipped: set[str], seen: set[tuple[int, int]]) -> None:
    # (folder, the (device, inode) of the folders above it): depth first, in name order
    stack: list[tuple[str, frozenset[tuple[int, int]]]] = [(top, frozenset())]
    while stack:
        folder, above = stack.pop()
        try:
            st = os.stat(folder)
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            out.unreadable.append((folder, exc.strerror or type(exc).__name__))
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in above:
            out.unreadable.append((folder, "文件夹链接指向它自己的上级文件夹，形成循环"))
            continue
        if ident in seen:
            continue  # reached again through a link: its files are already in the list
        seen.add(ident)
        below = above | {ident}
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            path = os.path.join(folder, name)
            try:
                is_dir = entry.is_dir()  # follows links (a stat: nothing of the target is read)
                is_link = entry.is_symlink()
            except OSError as exc:
                out.unreadable.append((path, exc.strerror or type(exc).__name__))
                continue
            if is_dir and (name in _SKIP_DIRS or os.path.realpath(path) in skipped):
                continue
            if not is_dir and not name.endswith(YAML_SUFFIXES):
                continue
            if is_link and (target := boundary.escape(path)) is not None:
                out.outside.append((path, target))  # never followed, never read
            elif is_dir:
                subfolders.append(path)
            else:
                out.files.append(path)  # a file that cannot be read is reported when it is loaded
        stack.extend((sub, below) for sub in reversed(subfolders))
