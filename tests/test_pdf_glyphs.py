"""Every character printed: the PDFs' embedded fonts have an outline for every glyph (`tests/pdf_glyphs.py`)."""

from __future__ import annotations

from pathlib import Path

import cairocffi  # type: ignore[import-untyped]

from powerctl.catalogue.config import DEFAULT_FONT
from powerctl.documents import table_pdf
from powerctl.documents.table import Table
from powerctl.drawing import sheet
from powerctl.drawing.paths import Drawer
from tests.conftest import needs_libgvc
from tests.pdf_glyphs import broken_glyphs

# Text of the kind a catalogue holds, 如 (whose outline cairo 1.16 left out of Noto Sans CJK subsets) included.
TEXT = "注：图中带圈序号的环节说明如下；如实记录，如有异议可申请行政复议。依据《中华人民共和国行政许可法》第三十条"


def _chart_pdf(font: str) -> bytes:
    drawer = Drawer()
    legend = sheet.legend_dot(font, (("①", TEXT),), 400)
    drawer.layout(legend)
    pdf, how = drawer.pdf([sheet.Page(420, 120, ((legend, 10, 10, 1.0),))])
    assert how == "cairo"
    return pdf


@needs_libgvc
def test_a_chart_in_the_default_font_has_every_glyph() -> None:
    assert broken_glyphs(_chart_pdf(DEFAULT_FONT)) == []


def test_a_table_in_the_default_font_has_every_glyph(tmp_path: Path) -> None:
    path = tmp_path / "t.pdf"
    made = [Table("t", "测试目录", ("序号", "说明"), (1.0, 6.0), (("1", TEXT),))]
    table_pdf.write(made, "单位", "公开版", "测试", path)
    assert broken_glyphs(path) == []


@needs_libgvc
def test_the_check_sees_what_cairo_drops_from_noto_sans_cjk() -> None:
    """The reason for the default font, and proof that the check above can fail: with this machine's cairo (1.16),
    a PDF in Noto Sans CJK SC lacks the outline of 如; a cairo that subsets it right (1.17.2 and later) passes."""
    broken = broken_glyphs(_chart_pdf("Noto Sans CJK SC"))
    if cairocffi.cairo_version() < 11702:
        assert broken, "cairo 1.16 was expected to drop a glyph of Noto Sans CJK"
    else:
        assert broken == []


@needs_libgvc
def test_the_legend_and_notes_have_their_four_rules() -> None:
    """The boxes round the legend and the notes are whole on paper: Graphviz strokes a table's border on its graph's
    edge and clips its drawing there, so without a pad round the graph the right and bottom rules were lost."""
    import io

    from PIL import Image

    drawer = Drawer()
    flow = sheet.FlowSheet(DEFAULT_FONT, "标题", ("单位",), (("行使条件", ("符合法定条件",)),), "", (("①", TEXT),))
    for dot in (sheet.legend_dot(DEFAULT_FONT, flow.legend, 300), sheet.side_dot(flow, flow.legend, 160, True)):
        size = sheet._piece(dot, drawer.layout(dot))
        png, _ = drawer.png(sheet.Page(size.width, size.height, ((dot, 0, 0, 1.0),)), 144)
        image = Image.open(io.BytesIO(png)).convert("L")
        dark = [[image.getpixel((x, y)) < 160 for x in range(image.width)] for y in range(image.height)]
        columns = [sum(row[x] for row in dark) for x in range(image.width)]
        rows = [sum(row) for row in dark]
        # A rule runs along the whole box: within 4 px of the right edge, and of the bottom edge.
        assert max(columns[-4:]) >= 0.9 * image.height, (dot[:40], columns[-4:], image.height)
        assert max(rows[-4:]) >= 0.9 * image.width, (dot[:40], rows[-4:], image.width)
        drawer.forget()
