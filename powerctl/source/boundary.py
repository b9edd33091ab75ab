"""The repository is a boundary: a symbolic link found inside it that leads out of it is reported, never read.

A catalogue repository is data from anyone who can open a merge request. A link `catalogues/x.yaml →
/proc/self/environ` (or a file holding a token) would otherwise be read, and its lines printed in the
findings of a CI job's log. So every file and folder powerctl finds while walking what it was given (the
catalogues, `records/`, the local law folders, `.powerctl.yaml`) is resolved first; where the real path leaves
the boundary, through a link at any depth or a chain of links, it becomes a finding at the link's own path and
its bytes are never opened. A link to another file inside the repository stays fine.

The boundary of a path given on the command line is the repository root when the path, as written, is inside
it; a path given outside it is the user's own choice, and is its own boundary (links found under it may not
leave it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

HINT = "把链接换成文件本身（复制到仓库中），或删除这个链接；powerctl 不读取仓库之外的文件"


def message(target: str) -> str:
    """The finding's message for a link that leads to `target`, outside the boundary."""
    return f"符号链接指向仓库之外（{target}），不读取"


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@dataclass(frozen=True)
class Boundary:
    """A folder, by its real path, that the real path of everything read below it must stay in."""

    root: str

    @classmethod
    def of(cls, folder: str | Path) -> Boundary:
        return cls(os.path.realpath(folder))

    @classmethod
    def for_given(cls, root: str | Path, given: str) -> Boundary:
        """The boundary of a path given on the command line (see the module's docstring)."""
        if is_inside(root, given):
            return cls.of(root)
        return cls.of(given)

    def contains(self, real: str) -> bool:
        return _within(real, self.root)

    def escape(self, path: str | Path) -> str | None:
        """The real path `path` leads to when that is outside the boundary, else None."""
        real = os.path.realpath(path)
        return None if self.contains(real) else real


def is_inside(root: str | Path, given: str | Path) -> bool:
    """Whether `given`, as written (before any link is followed), is inside `root`."""
    written = os.path.abspath(given)
    return any(_within(written, folder) for folder in {os.path.abspath(root), os.path.realpath(root)})


EXCERPT_CHARS = 300  # of a line shown under a finding: a hostile file may be one line of many megabytes


def excerpts(handle: IO[str], wanted: set[int]) -> dict[int, str]:
    """The numbered lines (1-based) of a text opened with universal newlines (\\r\\n and \\r read as \\n, as
    the YAML parser counts lines), read in one pass, only these kept and each cut to EXCERPT_CHARS."""
    out: dict[int, str] = {}
    last = max(wanted, default=0)
    n = 1
    while n <= last:
        piece = handle.readline(EXCERPT_CHARS + 1)
        if not piece:
            break
        if n in wanted:
            text = piece.rstrip("\n")
            out[n] = text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"
        while not piece.endswith("\n"):  # the rest of a long line, not kept
            piece = handle.readline(1 << 16)
            if not piece:
                break
        n += 1
    return out


def read_lines(path: str, boundary: Boundary, wanted: set[int]) -> dict[int, str]:
    """`excerpts` of a text file inside the boundary; nothing for a file that now leads outside it, cannot be
    read or is not UTF-8."""
    if not wanted or boundary.escape(path) is not None:
        return {}
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return excerpts(handle, wanted)
    except (OSError, UnicodeDecodeError):
        return {}
