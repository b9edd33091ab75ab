"""The fonts embedded in a PDF, read back with fontTools: every glyph of every subset has its outline.

cairo 1.16 (Debian 12) subsets the CFF outlines of Noto Sans CJK wrongly for some glyphs (如 among them: a
subroutine its charstring calls is left out of the subset), and every PDF viewer then draws nothing there, while
the text layer (pdftotext) still has the character. A test that looks only at the text cannot see it; this does.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from fontTools.cffLib import CFFFontSet
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont


def broken_glyphs(pdf: Path | bytes) -> list[str]:
    """Every embedded glyph that cannot be drawn, or whose outline is empty where the font has one: 'font glyph'."""
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    out: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as doc:
        for obj in doc.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/FontDescriptor":
                continue
            name = str(obj.get("/FontName", "?"))
            if "/FontFile3" in obj:
                out += [f"{name} {glyph}" for glyph in _cff(obj.FontFile3.read_bytes())]
            elif "/FontFile2" in obj:
                out += [f"{name} {glyph}" for glyph in _truetype(obj.FontFile2.read_bytes())]
    return out


def _cff(data: bytes) -> list[str]:
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(data), None)
    top = fonts[fonts.fontNames[0]]
    bad = []
    for glyph in top.CharStrings.keys():  # noqa: SIM118 (CharStrings iterates by index)
        pen = RecordingPen()
        try:
            top.CharStrings[glyph].draw(pen)
        except Exception:  # a charstring that calls a subroutine the subset lacks, or runs off its end
            bad.append(glyph)
    return bad


def _truetype(data: bytes) -> list[str]:
    font = TTFont(io.BytesIO(data))
    glyphs = font.getGlyphSet()
    bad = []
    for glyph in font.getGlyphOrder():
        try:
            glyphs[glyph].draw(RecordingPen())
        except Exception:
            bad.append(glyph)
    return bad
