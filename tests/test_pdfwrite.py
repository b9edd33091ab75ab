"""Flowchart PDFs written directly (`drawing.pdfwrite`) with TrueType subsets cut by `drawing.truetype`."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from PIL import Image

from powerctl.drawing.fonts import print_font
from powerctl.drawing.paint import Painter
from powerctl.drawing.paths import Drawer
from powerctl.drawing.picture import parse
from powerctl.drawing.truetype import FontError, TrueType, checksum
from tests.conftest import loadable
from tests.test_paint import _svg, _svg_of
from tests.test_render_engine import _dots, _sheets

FAMILY = "Noto Sans CJK SC"
needs_font = pytest.mark.skipif(
    shutil.which("fc-match") is None or not loadable("libcairo.so.2"), reason="fontconfig or cairo is not installed"
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None, reason="poppler-utils is not installed"
)


def _print_font() -> Path:
    path = print_font(FAMILY, False)
    if path is None:
        pytest.skip(f"{FAMILY} is not installed (fonts-noto-cjk), so there is no print font")
    return path


def _font_programs(pdf: bytes) -> list[bytes]:
    out = []
    for m in re.finditer(rb"<< /Length (\d+) /Filter /FlateDecode /Length1 (\d+) >>\nstream\n", pdf):
        program = zlib.decompress(pdf[m.end() : m.end() + int(m.group(1))])
        assert len(program) == int(m.group(2))
        out.append(program)
    return out


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


@needs_font
@needs_poppler
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_written_pdf_draws_what_the_painter_paints(tmp_path: Path) -> None:
    """The written page, rendered by poppler, is the painter's picture of the same SVG (two renderers of one
    picture); TrueType subsets of the print font; the same bytes every time; the merged PDF shares one subset
    per weight."""
    _print_font()
    svg = _svg_of(_dots()[1])
    drawer = Drawer()
    written, how = drawer.pdf([svg])
    assert how == "pdfwrite" and written == Drawer().pdf([svg])[0]
    assert b"/CreationDate" not in written  # nothing of the time of the build

    path = tmp_path / "written.pdf"
    path.write_bytes(written)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout
    assert "时限" in text  # the chart alone: its boxes hold the time limits
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(path), str(tmp_path / "written")], check=True)
    pictures = [
        Image.open(tmp_path / "written.png").convert("L"),
        Image.open(io.BytesIO(Painter().png(parse(svg), 72.0))).convert("L"),
    ]
    assert pictures[0].size == pictures[1].size
    small = (pictures[0].size[0] // 4, pictures[0].size[1] // 4)
    a, b = (p.resize(small).tobytes() for p in pictures)
    assert sum(1 for x, y in zip(a, b, strict=True) if abs(x - y) > 24) < 0.005 * small[0] * small[1]

    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("CID TrueType" in row and row.split()[-5:-2] == ["yes", "yes", "yes"] for row in rows)

    merged, _ = drawer.pdf([svg, svg, svg])
    assert merged.count(b"/Type /Page ") == 3 and len(_font_programs(merged)) == len(rows)
    (tmp_path / "merged.pdf").write_bytes(merged)
    text = subprocess.run(["pdftotext", str(tmp_path / "merged.pdf"), "-"], capture_output=True, text=True).stdout
    assert text.count("\f") == 3


@needs_font
@needs_poppler
def test_text_extracts_as_drawn_and_opacity_is_kept(tmp_path: Path) -> None:
    """行 comes back as 行 (not the Kangxi radical ⾏ that shares its glyph); text anchored in the middle and
    at the end is placed by the font's advances; a half-transparent fill gets its graphics state."""
    _print_font()
    body = (
        '<polygon fill="#ff0000" fill-opacity="0.5" stroke="none" points="10,-10 190,-10 190,-90 10,-90 10,-10"/>\n'
        '<text text-anchor="middle" x="100" y="-60" font-family="Noto Sans CJK SC" font-size="14.00">行政 许可</text>\n'
        '<text text-anchor="end" x="190" y="-30" font-family="Noto Sans CJK SC" font-weight="bold"'
        ' font-size="10.00">行末</text>\n'
    )
    pdf, how = Drawer().pdf([_svg(body)])
    assert how == "pdfwrite"
    assert b"/ca 0.5000" in pdf and b"CIDFontType2" in pdf
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout
    assert "行政 许可" in text and "行末" in text and "\u2f8f" not in text
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True).stdout
    word = re.compile(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<')
    ends = {m.group(3): float(m.group(2)) for m in word.finditer(bbox)}
    assert abs(ends["行末"] - 190) < 1  # the end anchor: the line ends at x = 190 (the page is 200 pt wide)


@needs_font
@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert (librsvg2-bin) is not installed")
def test_what_the_writer_does_not_do_is_made_by_the_fallback() -> None:
    """A character outside the print font's set (浉 is not in GB 2312) and italic text go to rsvg-convert."""
    start = '<text x="10" y="-50" font-family="Noto Sans CJK SC" font-size="12"'
    for text in (f"{start}>浉河</text>", f'{start} font-style="italic">行政</text>'):
        pdf, how = Drawer().pdf([_svg(text)])
        assert how == "rsvg-convert"
        assert pdf.startswith(b"%PDF") and b"CIDFontType2" not in pdf and b"cairo" in pdf


@needs_font
@pytest.mark.skipif(shutil.which("dot") is None or not loadable("libgvc.so.6"), reason="Graphviz (libgvc) is missing")
def test_the_merged_pdf_takes_the_pages_the_drawing_left(tmp_path: Path) -> None:
    """Pages left by the workers that drew the flowcharts make the same merged PDF as pages made again; a page
    left for another picture (a stale file) is not used."""
    from powerctl.drawing.pool import Job, Renderer

    _print_font()
    pages = tmp_path / "pages"
    pages.mkdir()
    sheets = _sheets()[:4]
    with Renderer(workers=2) as renderer:
        renderer.draw([Job(f, tmp_path / f"p{i}", pages) for i, f in enumerate(sheets)], ["svg", "png", "pdf"])
        assert sorted(p.name for p in pages.iterdir()) == [f"p{i}.json" for i in range(4)]
        charts = [(f, f"p{i}") for i, f in enumerate(sheets)]
        (pages / "p0.json").write_bytes((pages / "p1.json").read_bytes())  # p1's pages under p0's name
        (pages / "p2.json").write_bytes(b"{not json")  # a corrupt entry is a miss
        cover = ("某单位", None)
        renderer.merge_pdf(charts, tmp_path / "with.pdf", cover, pages).wait()
        renderer.merge_pdf(charts, tmp_path / "without.pdf", cover).wait()
    assert (tmp_path / "with.pdf").read_bytes() == (tmp_path / "without.pdf").read_bytes()
    chart_pages = sum((tmp_path / f"p{i}.pdf").read_bytes().count(b"/Type /Page ") for i in range(4))
    assert (tmp_path / "with.pdf").read_bytes().count(b"/Type /Page ") == 2 + chart_pages  # cover, contents
