"""Print fonts: the CJK font cut to a fixed character set with TrueType outlines, for the PDFs powerctl writes.

`pdfwrite` embeds a subset of the print font in every flowchart and table PDF, copying TrueType glyphs under
their own ids (`truetype`). The installed Noto Sans CJK is a CFF font of 65,000 glyphs (16 MB of outlines);
the print font holds the glyphs of GB 2312 (every character of GB 2312, the Latin-1 range and the usual
punctuation and symbols) with their outlines converted to TrueType quadratics (cu2qu, within 1/1000 em) and
a family name of its own (`PRINT_FAMILY`), so fontconfig never takes it for the installed font. It is built
once per machine and font (some seconds, by fontTools) and kept in the cache folder. The character set is
fixed, so what a PDF embeds never depends on what else was drawn; a PDF with a character outside it is made
by the fallback path (`drawing.paths`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from powerctl.store.folders import fonts_dir

PRINT_VERSION = "2"  # bump when the character set or the subsetting options change
PRINT_FAMILY = "Powerctl Noto Sans SC"


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


@cache  # fontconfig's answer does not change while we run
def locate(family: str, bold: bool, exact: bool = False) -> tuple[Path, int] | None:
    """The font file and face index fontconfig picks for the family (None if it cannot say; with `exact`, also
    None when what it picks is another family, a fallback)."""
    pattern = f"{family}:weight={200 if bold else 80}"
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{family}\n", pattern],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 3 or not out[0] or not out[1].isdigit():
        return None
    if exact and family.casefold() not in (name.strip().casefold() for name in out[2].split(",")):
        return None
    return Path(out[0]), int(out[1])


def _cut(font: Any) -> None:
    """Keep the glyphs of `charset()`: outlines, metrics, names and layout features (without the glyphs they
    lead to; the options of print fonts built before, so that those stay valid)."""
    from fontTools import subset  # type: ignore[import-untyped]

    options = subset.Options()
    options.layout_features = ["*"]
    options.layout_closure = False  # no glyphs outside the set (locale and vertical forms)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True  # the outlines are converted: no subroutines to keep
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=charset())
    subsetter.subset(font)


def _save(font: Any, target: Path) -> None:
    """Written under a temporary name, then renamed. The source's dates are kept (fontTools would stamp the
    time of the build), so the same font gives the same file, and the same PDFs, on every machine."""
    font.recalcTimestamp = False
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    font.save(str(partial))
    partial.replace(target)


def _target(source: Path, index: int) -> Path:
    import fontTools

    stat = source.stat()
    key = f"print{PRINT_VERSION}|{source.resolve()}|{index}|{stat.st_size}|{stat.st_mtime_ns}|{fontTools.version}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return fonts_dir() / "print" / f"{source.stem}-{index}-{digest}" / f"{source.stem}-{index}.ttf"


def _failed(target: Path) -> Path:
    """Left where a build failed, so that it is not tried (and announced) again on every run."""
    return target.with_name(f"{target.name}.failed")


def _sums(target: Path) -> Path:
    """Beside a print font: the size and SHA-256 of the file as built, checked before every use."""
    return target.with_name(f"{target.name}.sha256")


def _digest(path: Path) -> tuple[int, str]:
    with path.open("rb") as file:
        return os.fstat(file.fileno()).st_size, hashlib.file_digest(file, "sha256").hexdigest()


def _intact(target: Path) -> bool:
    """Whether the print font is there and is the file that was built (its recorded size and SHA-256): a
    truncated, altered or replaced font, or one without its record, is built again, never used."""
    try:
        if target.is_symlink() or not target.is_file():
            return False
        recorded = json.loads(_sums(target).read_text(encoding="utf-8"))
        return isinstance(recorded, dict) and [recorded.get("bytes"), recorded.get("sha256")] == list(_digest(target))
    except (OSError, ValueError):
        return False


def _gave_up(target: Path) -> bool:
    """Whether a build of this font failed before (a marker of ours: anything else there is no marker)."""
    try:
        mark = json.loads(_failed(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(mark, dict) and mark.get("generator") == "powerctl" and isinstance(mark.get("error"), str)


def _give_up(target: Path, exc: Exception) -> None:
    """Remember that this font cannot be built (the fallback path draws, and says so in the manifest)."""
    mark = {"generator": "powerctl", "error": f"{type(exc).__name__}: {exc}"}
    _failed(target).write_text(json.dumps(mark, ensure_ascii=False) + "\n", encoding="utf-8")


def _clear(path: Path) -> None:
    """A damaged entry of the font cache removed (a folder where a file should be included)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _built(source: Path, index: int) -> Path | None:
    """The font file, built on first use (None if the font cannot be read or cut: the fallback path draws).
    A cache file that is not what was built is built again; an OSError of the cache folder (read-only, full,
    a file where a folder should be) is raised: the output never changes silently."""
    try:
        target = _target(source, index)
    except (OSError, ImportError):  # the installed font cannot be read, or no fontTools
        return None
    if _intact(target):
        return target
    if _gave_up(target):
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.with_name(f"{target.name}.lock")
    if lock_path.is_dir() and not lock_path.is_symlink():
        _clear(lock_path)
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it: wait, then use its file
        if _intact(target):
            return target
        for stale in (target, _sums(target), _failed(target)):
            if stale.exists() or stale.is_symlink():
                _clear(stale)
        try:
            font = _cut_font(source, index)
        except OSError:  # the installed font cannot be read: not remembered
            return None
        except Exception as exc:  # a font fontTools cannot cut: remembered, not retried
            _give_up(target, exc)
            return None
        try:
            _save(font, target)
        except OSError:
            raise  # the cache folder's: said, with its path, by the command
        except Exception as exc:  # fontTools cannot write what it cut
            _give_up(target, exc)
            return None
        finally:
            font.close()
        size, sha = _digest(target)
        partial = _sums(target).with_name(f"{_sums(target).name}.{os.getpid()}.part")
        partial.write_text(json.dumps({"bytes": size, "sha256": sha}) + "\n", encoding="utf-8")
        partial.replace(_sums(target))
    return target


def print_font(family: str, bold: bool) -> Path | None:
    """The print font of the family's weight (TrueType outlines), built on first use; None if the family is
    not installed as such (fontconfig would substitute another) or the font cannot be built."""
    found = locate(family, bold, exact=True)
    return _built(*found) if found is not None else None


def missing(family: str) -> list[bool]:
    """The weights (bold or not) of the family whose print font is not built yet."""
    out = []
    for bold in (False, True):
        found = locate(family, bold, exact=True)
        try:
            target = _target(*found) if found is not None else None
            if target is not None and not _intact(target) and not _gave_up(target):
                out.append(bold)
        except (OSError, ImportError):
            continue
    return out


def to_build(*families: str) -> list[tuple[str, bool]]:
    """The print fonts of these families not built yet, as `prepare` arguments."""
    return [(family, bold) for family in dict.fromkeys(families) for bold in missing(family)]


def prepare(family: str, bold: bool) -> None:
    """Build one weight's print font now (a task for a worker, so that drawing does not wait)."""
    found = locate(family, bold, exact=True)
    if found is not None:
        _built(*found)


def _cut_font(source: Path, index: int) -> Any:
    """The print font, in memory (saved by `_save`)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(str(source), fontNumber=index, lazy=False)
    if "CFF2" in font or "fvar" in font or ("CFF " not in font and "glyf" not in font):
        raise ValueError("not a static CFF or TrueType font")
    _cut(font)
    if "CFF " in font:
        _to_quadratic(font)
    _rename(font)
    return font


def _to_quadratic(font: Any) -> None:
    """CFF outlines to TrueType ones (cu2qu, within 1/1000 em), and the tables that go with them."""
    from fontTools.pens.cu2quPen import Cu2QuPen  # type: ignore[import-untyped]
    from fontTools.pens.ttGlyphPen import TTGlyphPen  # type: ignore[import-untyped]
    from fontTools.ttLib import newTable

    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = {}
    for name in glyf.glyphOrder:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
        "maxSizeOfInstructions", "maxComponentElements",
    ):  # fmt: skip
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def _rename(font: Any) -> None:
    """The print family's names, so that fontconfig never takes it for the installed font."""
    bold = font["OS/2"].usWeightClass >= 600
    style = "Bold" if bold else "Regular"
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 16):
            record.string = PRINT_FAMILY
        elif record.nameID in (2, 17):
            record.string = style
        elif record.nameID == 4:
            record.string = f"{PRINT_FAMILY} {style}"
        elif record.nameID == 6:
            record.string = f"{PRINT_FAMILY.replace(' ', '')}-{style}"
