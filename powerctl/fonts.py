"""Working fonts: the CJK font cut down to a fixed character set, so each PDF embeds its subset quickly.

cairo makes a font subset for every PDF, and to do so it reads the whole CFF table of the font: about 16 MB
for Noto Sans CJK (65,000 glyphs), which was most of the time spent on a flowchart's PDF. The working font
is the same font with the glyphs of GB 2312 (every character of GB 2312, the Latin-1 range and the usual
punctuation and symbols) — outlines, hints and metrics unchanged — so the subsets, and the pictures, are
the same, five times faster. It is built once per machine and font (a few seconds) and kept in the cache
folder. The character set is fixed, so what a picture embeds never depends on what else was drawn; a
picture using a character outside it is drawn with the installed font instead.

Print fonts do the same for Chromium, which prints the catalogue table. Chromium's PDF writer (Skia) embeds
only TrueType outlines: from the installed CFF font it wrote every glyph as a Type 3 procedure, which was a
third of its CPU and most of the PDF's size. The print font is the same character set, layout features
kept, with its outlines converted to TrueType quadratics (within 1/1000 em) and a family name of its own
(`PRINT_FAMILY`), which only the Chromium we start can see (`print_config`). The table's page asks for it
first when printed by Chromium, and the installed font takes every character outside the set.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import os
import subprocess
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from powerctl.cache import fonts_dir

VERSION = "1"  # bump when the character set or the subsetting options change
PRINT_VERSION = "2"  # the same for print fonts
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


def covers(text: str) -> bool:
    return charset().issuperset(map(ord, text))


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


def _build(source: Path, index: int, target: Path) -> None:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    with TTFont(str(source), fontNumber=index, lazy=True) as font:
        _subset(font, target)


def _subset(font: Any, target: Path) -> None:
    _cut(font, printing=False)
    _save(font, target)


def _cut(font: Any, printing: bool) -> None:
    """Keep the glyphs of `charset()`: outlines, metrics and names; hints for the painter; layout features
    (without the glyphs they lead to) for Chromium, which shapes text with them."""
    from fontTools import subset  # type: ignore[import-untyped]

    options = subset.Options()
    if printing:
        options.layout_features = ["*"]  # punctuation spacing, kerning
        options.layout_closure = False  # no glyphs outside the set (locale and vertical forms)
    else:
        options.layout_features = []  # the painter places glyphs itself
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = not printing
    options.desubroutinize = printing  # the outlines are converted: no subroutines to keep
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


def _target(source: Path, index: int, printing: bool = False) -> Path:
    import fontTools

    stat = source.stat()
    version = f"print{PRINT_VERSION}" if printing else VERSION
    key = f"{version}|{source.resolve()}|{index}|{stat.st_size}|{stat.st_mtime_ns}|{fontTools.version}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    if printing:  # a folder of its own: fontconfig is shown this build only, never an older one
        return fonts_dir() / "print" / f"{source.stem}-{index}-{digest}" / f"{source.stem}-{index}.ttf"
    return fonts_dir() / f"{source.stem}-{index}-{digest}.otf"


def _failed(target: Path) -> Path:
    """Left where a build failed, so that it is not tried (and announced) again on every run."""
    return target.with_name(f"{target.name}.failed")


def _built(source: Path, index: int, printing: bool) -> Path | None:
    """The font file, built on first use (None if that fails)."""
    try:
        target = _target(source, index, printing)
        if target.is_file():
            return target
        if _failed(target).exists():
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.with_name(f"{target.name}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it: wait, then use its file
            if not target.is_file():
                try:
                    (_build_print if printing else _build)(source, index, target)
                except Exception as exc:  # a font fontTools cannot cut: remembered, not retried
                    _failed(target).write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")
                    raise
        return target
    except Exception:  # no fontTools, an unreadable font, a full disk: the installed font is used
        return None


def working(source: Path, index: int) -> Path | None:
    """The working font of one installed font face, built on first use (None if that fails)."""
    return _built(source, index, printing=False)


def print_font(family: str, bold: bool) -> Path | None:
    """The print font of the family's weight (TrueType outlines), built on first use; None if the family is
    not installed as such (fontconfig would substitute another) or the font cannot be built."""
    found = locate(family, bold, exact=True)
    return _built(*found, printing=True) if found is not None else None


def missing(family: str, printing: bool = False) -> list[bool]:
    """The weights (bold or not) of the family whose working (or print) font is not built yet."""
    out = []
    for bold in (False, True):
        found = locate(family, bold, exact=printing)
        try:
            target = _target(*found, printing) if found is not None else None
            if target is not None and not target.is_file() and not _failed(target).exists():
                out.append(bold)
        except (OSError, ImportError):
            continue
    return out


def to_build(family: str, print_family: str | None = None) -> list[tuple[str, bool, bool]]:
    """The fonts not built yet, as `prepare` arguments: the family's working fonts (flowchart pictures) and
    print fonts (flowchart PDFs, `pdfwrite`), and the print fonts of `print_family` (the table's font, when
    Chromium prints it)."""
    tasks = [(family, bold, False) for bold in missing(family)]
    for printed in dict.fromkeys(name for name in (family, print_family) if name is not None):
        tasks += [(printed, bold, True) for bold in missing(printed, printing=True)]
    return tasks


def prepare(family: str, bold: bool, printing: bool = False) -> None:
    """Build one weight's working (or print) font now (a task for a worker, so that drawing does not wait)."""
    found = locate(family, bold, exact=printing)
    if found is not None:
        _built(*found, printing)


def _build_print(source: Path, index: int, target: Path) -> None:
    from fontTools.ttLib import TTFont

    with TTFont(str(source), fontNumber=index, lazy=False) as font:
        if "CFF2" in font or "fvar" in font or ("CFF " not in font and "glyf" not in font):
            raise ValueError("not a static CFF or TrueType font")
        _cut(font, printing=True)
        if "CFF " in font:
            _to_quadratic(font)
        _rename(font)
        _save(font, target)


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


def _system_config() -> str:
    """The fontconfig file this machine uses (as fontconfig itself names it: $FONTCONFIG_FILE or its default)."""
    try:
        lib = ctypes.CDLL("libfontconfig.so.1")
        lib.FcConfigFilename.restype = ctypes.c_void_p
        lib.FcConfigFilename.argtypes = [ctypes.c_char_p]
        lib.FcStrFree.argtypes = [ctypes.c_void_p]
        found = lib.FcConfigFilename(None)
        if found:
            try:
                return os.fsdecode(ctypes.string_at(found))
            finally:
                lib.FcStrFree(found)
    except (OSError, AttributeError):
        pass
    return os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"


def print_config(family: str) -> Path | None:
    """A fontconfig file that adds the family's print fonts to the system's fonts (None until both weights
    are built): for the Chromium this process starts, as $FONTCONFIG_FILE."""
    try:
        found = [locate(family, bold, exact=True) for bold in (False, True)]
        paths = [_target(*face, printing=True) for face in found if face is not None]
    except (OSError, ImportError):
        return None
    if len(paths) != 2 or not all(p.is_file() for p in paths):
        return None
    folder = paths[0].parent.parent  # beside the fonts' own folders, which are all fontconfig scans
    system = _system_config()
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{escape(system)}</include>\n'
        + "".join(f"  <dir>{escape(str(p))}</dir>\n" for p in sorted({p.parent for p in paths}))
        + f"  <cachedir>{escape(str(folder / 'fontconfig'))}</cachedir>\n</fontconfig>\n"
    )
    config = folder / f"fonts-{hashlib.sha256(text.encode()).hexdigest()[:12]}.conf"
    try:
        if not config.is_file():
            partial = config.with_name(f"{config.name}.{os.getpid()}.part")
            partial.write_text(text, encoding="utf-8")
            partial.replace(config)
    except OSError:  # a cache folder that cannot be written: Chromium prints with the installed font
        return None
    return config
