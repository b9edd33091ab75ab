"""The TrueType subsets `drawing.truetype` cuts for the table PDF (`documents.table_pdf` types with `drawing.pdfwrite`
and the print fonts of `drawing.fonts`). The flowcharts no longer use them; the three modules and this file go
when the table PDF is printed by WeasyPrint."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from powerctl.drawing.fonts import print_font
from powerctl.drawing.truetype import FontError, TrueType, checksum
from tests.conftest import loadable

FAMILY = "Noto Sans CJK SC"
needs_font = pytest.mark.skipif(
    shutil.which("fc-match") is None or not loadable("libcairo.so.2"), reason="fontconfig or cairo is not installed"
)


def _print_font() -> Path:
    path = print_font(FAMILY, False)
    if path is None:
        pytest.skip(f"{FAMILY} is not installed (fonts-noto-cjk), so there is no print font")
    return path


def _tiny_font(tmp_path: Path) -> Path:
    """A TrueType font with a composite glyph (B is A twice) and a character outside the BMP."""
    square = TTGlyphPen(None)
    square.moveTo((100, 0))
    square.lineTo((100, 500))
    square.lineTo((400, 500))
    square.lineTo((400, 0))
    square.closePath()
    a = square.glyph()
    composite = TTGlyphPen({"A": a})
    composite.addComponent("A", (1, 0, 0, 1, 0, 0))
    composite.addComponent("A", (1, 0, 0, 1, 500, 0))
    b = composite.glyph()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "A", "B", "C"])
    builder.setupCharacterMap({0x41: "A", 0x42: "B", 0x20000: "C"})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "A": a, "B": b, "C": a})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 100), "B": (1000, 100), "C": (600, 100)})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Tiny", "styleName": "Regular", "psName": "Tiny-Regular"})
    builder.setupOS2()
    builder.setupPost()
    path = tmp_path / "tiny.ttf"
    builder.save(str(path))
    return path


def test_subset_keeps_composite_parts_and_valid_checksums(tmp_path: Path) -> None:
    font = TrueType(_tiny_font(tmp_path))
    assert font.name == "Tiny-Regular"
    assert font.cmap == {0x41: 1, 0x42: 2, 0x20000: 3}  # format 12 read, the character beyond the BMP too
    assert font.advances == [500, 500, 1000, 600]
    program = font.subset({2})
    assert checksum(program) == 0xB1B0AFBA  # head's checkSumAdjustment makes the whole file add up
    cut = TTFont(io.BytesIO(program), checkChecksums=2)  # every table's checksum checked
    glyf = cut["glyf"]
    order = cut.getGlyphOrder()
    assert len(order) == 3  # glyph ids kept: .notdef, A (a part of B), B
    assert glyf[order[2]].isComposite() and glyf[order[1]].numberOfContours == 1
    assert cut["hmtx"][order[2]] == (1000, 100)


@needs_font
def test_subset_of_the_print_font_is_the_source_glyphs() -> None:
    path = _print_font()
    font = TrueType(path)
    source = TTFont(str(path))
    assert font.cmap == {code: source.getGlyphID(name) for code, name in source.getBestCmap().items()}
    ids = {font.cmap[ord(ch)] for ch in "行政处罚流程图ABC123（）"}
    cut = TTFont(io.BytesIO(font.subset(ids)), checkChecksums=2)
    order, source_order = cut.getGlyphOrder(), source.getGlyphOrder()
    for gid in ids:
        mine, theirs = cut["glyf"][order[gid]], source["glyf"][source_order[gid]]
        assert mine.getCoordinates(cut["glyf"])[0] == theirs.getCoordinates(source["glyf"])[0]
        assert cut["hmtx"][order[gid]] == source["hmtx"][source_order[gid]]
    assert all(cut["glyf"][order[g]].numberOfContours == 0 for g in range(1, max(ids)) if g not in ids)


def test_fonts_that_cannot_be_cut_are_refused(tmp_path: Path) -> None:
    otf = tmp_path / "cff.otf"
    otf.write_bytes(b"OTTO" + b"\0" * 64)
    with pytest.raises(FontError):
        TrueType(otf)
    truncated = tmp_path / "short.ttf"
    truncated.write_bytes(_tiny_font(tmp_path).read_bytes()[:200])
    with pytest.raises(FontError):
        TrueType(truncated)
