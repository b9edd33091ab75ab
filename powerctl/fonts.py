"""Working fonts: the CJK font cut down to a fixed character set, so each PDF embeds its subset quickly.

cairo makes a font subset for every PDF, and to do so it reads the whole CFF table of the font: about 16 MB
for Noto Sans CJK (65,000 glyphs), which was most of the time spent on a flowchart's PDF. The working font
is the same font with the glyphs of GB 2312 (every character of GB 2312, the Latin-1 range and the usual
punctuation and symbols) — outlines, hints and metrics unchanged — so the subsets, and the pictures, are
the same, five times faster. It is built once per machine and font (a few seconds) and kept in the cache
folder. The character set is fixed, so what a picture embeds never depends on what else was drawn; a
picture using a character outside it is drawn with the installed font instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from powerctl.cache import fonts_dir

VERSION = "1"  # bump when the character set or the subsetting options change


@cache
def charset() -> frozenset[int]:
    """GB 2312 (both its symbol rows and its 6,763 hanzi), Latin-1, and common punctuation and symbols."""
    points: set[int] = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for low, high in ((0x2000, 0x206F), (0x2100, 0x21FF), (0x2460, 0x24FF), (0x2500, 0x26FF), (0x3000, 0x303F)):
        points.update(range(low, high + 1))
    points.update(range(0xFF01, 0xFFEF))
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                points.update(map(ord, bytes((first, second)).decode("gb2312")))
    return frozenset(points)


def covers(text: str) -> bool:
    points = charset()
    return all(ord(ch) in points for ch in text)


def locate(family: str, bold: bool) -> tuple[Path, int] | None:
    """The font file and face index fontconfig picks for the family (None if it cannot say)."""
    pattern = f"{family}:weight={200 if bold else 80}"
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n", pattern], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 2 or not out[0] or not out[1].isdigit():
        return None
    return Path(out[0]), int(out[1])


def _build(source: Path, index: int, target: Path) -> None:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    with TTFont(str(source), fontNumber=index, lazy=True) as font:
        _subset(font, target)


def _subset(font: Any, target: Path) -> None:
    from fontTools import subset  # type: ignore[import-untyped]

    options = subset.Options()
    options.layout_features = []  # the painter places glyphs itself
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = True
    options.desubroutinize = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=charset())
    subsetter.subset(font)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    font.save(str(partial))
    partial.replace(target)


def _target(source: Path, index: int) -> Path:
    import fontTools

    stat = source.stat()
    key = f"{VERSION}|{source.resolve()}|{index}|{stat.st_size}|{stat.st_mtime_ns}|{fontTools.version}"
    return fonts_dir() / f"{source.stem}-{index}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.otf"


def working(source: Path, index: int) -> Path | None:
    """The working font of one installed font face, built on first use (None if that fails)."""
    try:
        target = _target(source, index)
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with (target.parent / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it: wait, then use its file
            if not target.is_file():
                _build(source, index, target)
        return target
    except Exception:  # no fontTools, an unreadable font, a full disk: draw with the installed font
        return None


def missing(family: str) -> list[bool]:
    """The weights (bold or not) of the family whose working font is not built yet."""
    out = []
    for bold in (False, True):
        found = locate(family, bold)
        try:
            if found is not None and not _target(*found).is_file():
                out.append(bold)
        except (OSError, ImportError):
            continue
    return out


def prepare(family: str, bold: bool) -> None:
    """Build one weight's working font now (a task for a worker, so that drawing does not wait for it)."""
    found = locate(family, bold)
    if found is not None:
        working(*found)
