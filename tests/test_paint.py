"""The cairo painter of Graphviz's SVG (powerctl.drawing.paint) and its PNG encoder (powerctl.drawing.png)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

from powerctl.drawing.paint import Painter
from powerctl.drawing.paths import Drawer
from powerctl.drawing.picture import Unsupported, parse
from powerctl.drawing.png import encode_rgba
from powerctl.drawing.pool import Job, Renderer
from powerctl.drawing.sheet import FlowSheet
from tests.conftest import loadable, qpdf_check
from tests.test_render_engine import _dots

needs_cairo = pytest.mark.skipif(not loadable("libcairo.so.2"), reason="libcairo.so.2 is not installed")

HEADER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    '<svg width="200pt" height="100pt" viewBox="0.00 0.00 200.00 100.00" xmlns="http://www.w3.org/2000/svg">\n'
    '<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(0 100)">\n'
)


def _svg(body: str) -> bytes:
    return (HEADER + body + "\n</g>\n</svg>\n").encode("utf-8")


def _svg_of(dot: str) -> bytes:
    return subprocess.run(["dot", "-Tsvg"], input=dot.encode(), capture_output=True, check=True).stdout


def test_png_encoder_round_trips_through_pillow() -> None:
    width, height, stride = 3, 2, 16  # stride wider than a row, as cairo may make it
    rows = [bytes([10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255]), bytes([255, 0, 0, 255] * 3)]
    pixels = b"".join(row + b"\xee" * (stride - len(row)) for row in rows)
    png = encode_rgba(memoryview(pixels), width, height, stride, 96.0)
    image = Image.open(io.BytesIO(png))
    assert image.size == (3, 2) and image.mode == "RGBA"
    assert image.getpixel((1, 0)) == (40, 50, 60, 255) and image.getpixel((2, 1)) == (255, 0, 0, 255)
    assert round(image.info["dpi"][0]) == 96
    zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8])  # a valid zlib stream


def test_parse_reads_graphviz_vocabulary() -> None:
    picture = parse(
        _svg(
            '<title>g</title><polygon fill="#ff0000" stroke="transparent" points="0,0 10,0 10,-10 0,0"/>'
            '<path fill="none" stroke="black" stroke-width="2" stroke-dasharray="5,2" '
            'd="M1,-1C2,-2 3,-3 4,-4 5,-5 6,-6 7,-7"/>'
            '<ellipse fill="white" stroke="black" cx="50" cy="-50" rx="10" ry="5"/>'
            '<text text-anchor="middle" x="100" y="-50" font-family="Noto Sans CJK SC" font-weight="bold" '
            'font-size="13.00" fill="#1f2937">  行政&#45;许可 &amp; 审批 </text>'
        )
    )
    assert picture.width == 200 and picture.view == (200, 100)
    (group,) = picture.groups
    polygon, path, ellipse, text = group.items
    assert polygon.fill == (1.0, 0.0, 0.0, 1.0) and polygon.stroke is None  # type: ignore[union-attr]
    assert [op for op, _ in path.path] == ["M", "C", "C"] and path.dash == (5.0, 2.0)  # type: ignore[union-attr]
    assert ellipse.path == (("E", (50.0, -50.0, 10.0, 5.0)),)  # type: ignore[union-attr]
    assert text.text.decode() == "行政-许可 & 审批" and text.font == ("Noto Sans CJK SC", True, False)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "body",
    [
        '<image href="x.png" width="10" height="10"/>',
        '<polygon fill="url(#g)" stroke="black" points="0,0 1,1 2,0"/>',
        '<path fill="none" stroke="black" d="m1,1 c1,1 2,2 3,3"/>',
        '<text x="0" y="0" font-size="10">a<tspan>b</tspan></text>',
        '<text x="0" y="0" font-size="10" text-decoration="underline">a</text>',
        '<polygon fill="chartreuse" stroke="black" points="0,0 1,1 2,0"/>',
    ],
)
def test_parse_refuses_what_it_cannot_draw(body: str) -> None:
    with pytest.raises(Unsupported):
        parse(_svg(body))


def test_parse_refuses_broken_xml() -> None:
    with pytest.raises(Unsupported):
        parse(b"<svg")


@needs_cairo
def test_png_colours_are_in_png_order() -> None:
    """The painter swaps red and blue so cairo's ARGB words are PNG's RGBA bytes."""
    svg = _svg('<polygon fill="#ff8000" stroke="transparent" points="0,0 200,0 200,-100 0,-100 0,0"/>')
    image = Image.open(io.BytesIO(Painter().png(parse(svg))))
    assert image.size == (267, 133)
    assert image.getpixel((100, 60)) == (255, 128, 0, 255)


@needs_cairo
def test_a_character_the_font_lacks_is_left_to_the_fallback() -> None:
    smile = '<text text-anchor="start" x="10" y="-50" font-family="Noto Sans CJK SC" font-size="12">\U0001f600</text>'
    svg = _svg(smile)
    with pytest.raises(Unsupported):
        Painter().png(parse(svg))


@pytest.mark.skipif(shutil.which("dot") is None or not loadable("libcairo.so.2"), reason="Graphviz or cairo missing")
def test_painted_flowchart_is_the_graphviz_picture(tmp_path: Path) -> None:
    """Same size as the SVG at 96 dpi, text present in the PDF, same bytes every time, and close to
    Graphviz's own cairo drawing of the same layout."""
    dot = _dots()[1]
    svg = _svg_of(dot)
    painter = Painter()
    png = painter.png(parse(svg))
    assert png == Painter().png(parse(svg))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    points = float(svg.split(b'<svg width="', 1)[1].split(b"pt", 1)[0])
    assert image.size[0] == round(points * 96 / 72)
    reference = Image.open(
        io.BytesIO(subprocess.run(["dot", "-Tpng"], input=dot.encode(), capture_output=True, check=True).stdout)
    ).convert("RGB")
    # Graphviz rounds its canvas a pixel differently; compare the common area, scaled down to forgive
    # anti-aliasing and hinting: the pictures must agree almost everywhere.
    box = (0, 0, min(image.size[0], reference.size[0]), min(image.size[1], reference.size[1]))
    small = (box[2] // 8, box[3] // 8)
    a = image.crop(box).resize(small).convert("L")
    b = reference.crop(box).resize(small).convert("L")
    differing = sum(1 for x, y in zip(a.tobytes(), b.tobytes(), strict=True) if abs(x - y) > 40)
    assert differing < 0.02 * small[0] * small[1], differing

    drawer = Drawer()
    pdf, how = drawer.pdf([svg, svg])
    assert how == "pdfwrite" and pdf.startswith(b"%PDF") and b"/CreationDate" not in pdf  # no date of the build
    assert (pdf, how) == drawer.pdf([svg, svg]) == Drawer().pdf([svg, svg])
    if shutil.which("pdftotext"):
        (tmp_path / "a.pdf").write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True).stdout
        first = re.search(rb"<text [^>]*>([^<]+)</text>", svg)  # the first lane's heading
        assert first is not None and first.group(1).decode()[:4] in text.replace("\n", "")
        assert text.count("\f") == 2


@pytest.mark.skipif(not loadable("libgvc.so.6") or not shutil.which("rsvg-convert"), reason="libgvc or rsvg-convert")
def test_the_pool_falls_back_to_rsvg_convert_for_what_the_painter_refuses(tmp_path: Path) -> None:
    """A character outside the font and the print font: the PNG and both PDFs are made by the fallback,
    which says so, and they are real files."""
    dot = 'digraph { a [label="\U0001f600 笑脸", fontname="Noto Sans CJK SC"] }'
    flow = FlowSheet(font="Noto Sans CJK SC", title="笑脸", lines=(), sections=(), chart=dot, legend=())
    with Renderer(workers=1) as renderer:
        drawn = renderer.draw([Job(flow, tmp_path / "smile")], ["svg", "png", "pdf"]).drawn
        merged = renderer.merge_pdf([(flow, "smile")], tmp_path / "all.pdf", ("某单位", None)).wait().drawn
    assert {Path(f).name: how for f, how in drawn.items()} == {
        "smile.svg": "graphviz", "smile.png": "rsvg-convert", "smile.pdf": "rsvg-convert"
    }  # fmt: skip
    assert merged == {str(tmp_path / "all.pdf"): "rsvg-convert"}
    with Image.open(tmp_path / "smile.png") as image:
        assert image.format == "PNG" and image.size[0] > 20
    assert (tmp_path / "all.pdf").read_bytes().startswith(b"%PDF")
    qpdf_check(tmp_path / "all.pdf")
    qpdf_check(tmp_path / "smile.pdf")
    assert b"/CreationDate (D:2000" in (tmp_path / "smile.pdf").read_bytes()  # the fallback's date, fixed


def test_print_font_charset_is_gb2312_and_more() -> None:
    from powerctl.drawing.fonts import charset

    points = charset()
    assert len(points) > 7000
    assert set(map(ord, "行政许可：第5项（事项编码 431381-XK-0001）《中华人民共和国行政许可法》①→")) <= points
    assert ord("喆") not in points and 0x1F600 not in points


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig (fc-match) is not installed")
def test_a_pdf_is_the_same_whatever_was_drawn_before(tmp_path: Path) -> None:
    """A PDF written with the print font is the same whatever else the drawer made before it; a picture with
    a character outside the print font goes to the fallback; both keep their text."""
    common = _svg(
        '<text text-anchor="start" x="10" y="-50" font-family="Noto Sans CJK SC" font-size="12">行政许可</text>'
    )
    rare = _svg(
        '<text text-anchor="middle" x="100" y="-50" font-family="Noto Sans CJK SC" font-size="12">张喆审批</text>'
    )
    drawer = Drawer()
    alone, how = drawer.pdf([common])
    assert how == "pdfwrite"
    rare_pdf, rare_how = drawer.pdf([rare])
    assert rare_how == "rsvg-convert"
    assert Drawer().pdf([common])[0] == alone == drawer.pdf([common])[0]
    if shutil.which("pdftotext"):
        for name, pdf in (("common", alone), ("rare", rare_pdf)):
            (tmp_path / f"{name}.pdf").write_bytes(pdf)
        read = {
            n: subprocess.run(["pdftotext", str(tmp_path / f"{n}.pdf"), "-"], capture_output=True, text=True).stdout
            for n in ("common", "rare")
        }
        assert "行政许可" in read["common"] and "张喆审批" in read["rare"]


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig (fc-match) is not installed")
def test_a_font_that_cannot_be_cut_is_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed build leaves a note, so the next run neither retries it nor announces it; a family that
    fontconfig only substitutes gets no print font."""
    from powerctl.drawing import fonts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    found = fonts.locate("Noto Sans CJK SC", False, exact=True)
    assert found is not None

    def broken(*args: object) -> None:
        raise ValueError("not a font we can cut")

    monkeypatch.setattr(fonts, "_cut_font", broken)
    assert fonts.missing("Noto Sans CJK SC") == [False, True]
    fonts.prepare("Noto Sans CJK SC", False)
    assert fonts.missing("Noto Sans CJK SC") == [True]
    assert "not a font we can cut" in fonts._failed(fonts._target(*found)).read_text(encoding="utf-8")
    assert fonts.locate("No Such Family 不存在", False, exact=True) is None
    assert fonts.missing("No Such Family 不存在") == []


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig (fc-match) is not installed")
def test_a_print_font_is_the_same_file_whenever_it_is_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No build time inside: the PDFs embed subsets of the print font's tables, dates included."""
    from powerctl.drawing import fonts

    found = fonts.locate("Noto Sans CJK SC", False, exact=True)
    assert found is not None
    built = []
    for name in ("one", "two"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / name))
        fonts.prepare("Noto Sans CJK SC", False)
        path = fonts._target(*found)
        assert path.is_file(), fonts._failed(path).read_text(encoding="utf-8") if fonts._failed(path).exists() else ""
        built.append(path.read_bytes())
    assert built[0] == built[1] and len(built[0]) > 1_000_000


@needs_cairo
def test_pixels_kept_between_pictures_do_not_show_through() -> None:
    """The painter reuses its pixel buffer: a small picture after a large dark one is what a fresh painter
    draws."""
    dark = (
        b'<svg width="400pt" height="300pt" viewBox="0.00 0.00 400.00 300.00" xmlns="http://www.w3.org/2000/svg">'
        b'<polygon fill="#000000" stroke="transparent" points="0,0 400,0 400,300 0,300 0,0"/></svg>'
    )
    small = _svg('<polygon fill="#ff0000" stroke="black" points="10,-10 50,-10 50,-50 10,-10"/>')
    painter = Painter()
    painter.png(parse(dark))
    assert painter.png(parse(small)) == Painter().png(parse(small))
