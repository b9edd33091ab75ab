"""全部流程图.pdf: a unit's flowcharts in one PDF for print — a cover, the contents, then every page of every chart.

The cover and the contents are laid out here and drawn by Pango on a cairo PDF surface with the 一表 PDF's
set-up (`table_pdf.Setter`: the family fontconfig gives, sizes in points, the creation date SOURCE_DATE_EPOCH or
a fixed day). The charts' own PDFs, as the bundle wrote them (or linked them from the previous bundle), are then
joined to it as they are by pikepdf: no chart is laid out or drawn again. The contents give each chart's paper
and orientation and its first page, read from its PDF. The book is on one paper: A3 if any chart is on A3 (an A4
chart's page is then placed on an A3 page of its orientation, √2 larger), else A4. The same charts give the same
bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from powerctl.documents.table_pdf import Setter, Text
from powerctl.drawing.paths import DrawError
from powerctl.drawing.sheet import MARGIN, paper_size
from powerctl.text.cjk import BREAK

DRAWN_BY = "pango"  # what manifest.json's `drawn_by` says of 全部流程图.pdf

SIZE = 10.0  # pt, the contents
PAD = (3.0, 4.0)  # a cell's padding, vertical and horizontal (pt)
NUMBER_W, PAPER_W, PAGE_W = 36.0, 64.0, 44.0  # the contents' narrow columns (pt); the title takes the rest
INK = (0x1F / 255, 0x29 / 255, 0x37 / 255)
MUTED = (0x4B / 255, 0x55 / 255, 0x63 / 255)
HEAD_FILL = (0xEF / 255, 0xEF / 255, 0xEF / 255)
_TRIED = (("A4", False), ("A4", True), ("A3", False), ("A3", True))
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Chart:
    """A chart as the contents list it: its title, its paper and orientation, its number of pages."""

    title: str
    paper: str
    landscape: bool
    pages: int


def paper_of(width: float, height: float) -> tuple[str, bool] | None:
    """The paper and orientation of a page `width` × `height` pt, if it is A4 or A3."""
    for paper, landscape in _TRIED:
        w, h = paper_size(paper, landscape)
        if abs(w - width) < 1 and abs(h - height) < 1:
            return paper, landscape
    return None


def _plain(text: str) -> str:
    return _SPACE.sub(" ", text.replace(BREAK, "")).strip()


def _open(title: str, data: bytes) -> Any:
    import pikepdf

    try:
        doc = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        raise DrawError(f"流程图「{_plain(title)}」的 PDF 无法读取（{exc}），请重新生成（bundle --force）") from None
    box = pikepdf.Rectangle(doc.pages[0].mediabox) if len(doc.pages) else pikepdf.Rectangle(0, 0, 0, 0)
    if paper_of(box.width, box.height) is None:
        doc.close()
        raise DrawError(
            f"流程图「{_plain(title)}」的 PDF 纸张不是 A4 或 A3（{box.width:.0f}×{box.height:.0f} 磅），"
            "请重新生成（bundle --force）"
        )
    return doc


def _chart(title: str, doc: Any) -> Chart:
    import pikepdf

    box = pikepdf.Rectangle(doc.pages[0].mediabox)
    paper, landscape = paper_of(box.width, box.height) or ("A4", False)
    return Chart(_plain(title), paper, landscape, len(doc.pages))


# -- the cover and the contents ----------------------------------------------------------------------


def _cover(setter: Setter, unit: str, date: str | None, count: int) -> list[tuple[Any, ...]]:
    """The unit, 权力运行流程图, how many charts and the 编制日期, centred from 30 % of the page down."""
    width = setter.width - 2 * MARGIN
    lines: list[tuple[Text, tuple[float, float, float], float]] = [
        (setter.text(_plain(unit), width, 22.0, True, "c"), INK, 12.0),
        (setter.text("权力运行流程图", width, 20.0, True, "c"), INK, 56.0),
        (setter.text(f"共 {count} 项职权的运行流程图", width, 12.0, align="c"), MUTED, 8.0),
    ]
    if date:
        lines.append((setter.text(f"编制日期：{_plain(date)}", width, 12.0, align="c"), MUTED, 8.0))
    page: list[tuple[Any, ...]] = []
    y = setter.height * 0.3
    for text, colour, after in lines:
        page.append(("text", text, MARGIN, y, colour))
        y += text.height + after
    return page


class _Contents:
    """The contents' pages: a heading, the header row on every page, a row per chart (long titles wrapped)."""

    def __init__(self, setter: Setter) -> None:
        self.setter = setter
        self.width = setter.width - 2 * MARGIN
        title_w = self.width - NUMBER_W - PAPER_W - PAGE_W
        self.columns = [(MARGIN, NUMBER_W), (MARGIN + NUMBER_W, title_w), (MARGIN + NUMBER_W + title_w, PAPER_W),
                        (MARGIN + self.width - PAGE_W, PAGE_W)]  # fmt: skip
        self.aligns = ("c", "l", "c", "c")
        self.pages: list[list[tuple[Any, ...]]] = []
        self.y = 0.0

    def _texts(self, cells: Sequence[str], bold: bool = False) -> list[Text]:
        return [
            self.setter.text(cell, w - 2 * PAD[1], SIZE, bold, align)
            for cell, (_, w), align in zip(cells, self.columns, self.aligns, strict=True)
        ]

    def _row(self, texts: Sequence[Text], fill: tuple[float, float, float] | None = None) -> None:
        height = max(t.height for t in texts) + 2 * PAD[0]
        page = self.pages[-1]
        for text, (x, w) in zip(texts, self.columns, strict=True):
            if fill is not None:
                page.append(("fill", x, self.y, w, height, fill))
            page.append(("box", x, self.y, w, height))
            if text.text:
                page.append(("text", text, x + PAD[1], self.y + PAD[0], INK))
        self.y += height

    def _page(self) -> None:
        """A new page: the heading (continued after the first page) and the header row."""
        first = not self.pages
        self.pages.append([])
        heading = self.setter.text("目　录" if first else "目　录（续）", self.width, 16.0, True, "c")
        self.pages[-1].append(("text", heading, MARGIN, MARGIN, INK))
        self.y = MARGIN + heading.height + 8.0
        self._row(self._texts(("序号", "职权名称", "原图纸张", "页码"), bold=True), HEAD_FILL)

    def lay_out(self, charts: Sequence[Chart]) -> None:
        """Every chart a row, the pages broken where the next row would pass the bottom margin; the page
        numbers follow from the number of contents pages (a page number never changes a row's height)."""
        titles = [self.setter.text(c.title, self.columns[1][1] - 2 * PAD[1], SIZE) for c in charts]
        self._page()
        top, bottom = self.y, self.setter.height - MARGIN
        breaks, y = set(), top
        for n, title in enumerate(titles):
            height = title.height + 2 * PAD[0]
            if y > top and y + height > bottom:
                breaks.add(n)
                y = top
            y += height
        page = 2 + len(breaks) + 1  # the cover, the contents, then the first chart
        for n, (chart, title) in enumerate(zip(charts, titles, strict=True)):
            if n in breaks:
                self._page()
            number, _, paper, first = self._texts((str(n + 1), "", f"{chart.paper}{'横' if chart.landscape else '竖'}",
                                                   str(page)))  # fmt: skip
            self._row([number, title, paper, first])
            page += chart.pages
        if not charts:
            self._row(self._texts(("", "（无）", "", "")))


def front(charts: Sequence[Chart], unit: str, date: str | None, font: str, paper: str) -> bytes:
    """The cover and the contents pages, on `paper` portrait."""
    stream = io.BytesIO()
    setter = Setter(stream, f"{_plain(unit)} 权力运行流程图", paper_size(paper, False), font)
    contents = _Contents(setter)
    contents.lay_out(charts)
    setter.draw([_cover(setter, unit, date, len(charts)), *contents.pages])
    return stream.getvalue()


# -- the book --------------------------------------------------------------------------------------


def _join(front_pdf: bytes, charts: Sequence[Any], paper: str) -> bytes:
    """The front pages, then every page of each chart's PDF as it is; on A3, an A4 page is placed on an A3 page
    of the same orientation, √2 larger."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(front_pdf)) as doc:
        for chart in charts:
            for page in chart.pages:
                box = pikepdf.Rectangle(page.mediabox)
                known = paper_of(box.width, box.height)
                if paper == "A3" and known is not None and known[0] == "A4":
                    big = paper_size("A3", known[1])
                    doc.add_blank_page(page_size=big)
                    # placed by hand under a fixed name: `add_overlay` names the form at random
                    form, name = doc.copy_foreign(page.as_form_xobject()), pikepdf.Name("/Chart")
                    doc.pages[-1].add_resource(form, pikepdf.Name.XObject, name)
                    place = doc.pages[-1].calc_form_xobject_placement(
                        form, name, pikepdf.Rectangle(0, 0, *big), allow_expand=True
                    )
                    doc.pages[-1].contents_add(doc.make_stream(place))
                else:
                    doc.pages.append(page)
        doc.save(out, deterministic_id=True)
    return out.getvalue()


def book(charts: Sequence[tuple[str, bytes]], unit: str, date: str | None, font: str) -> bytes:
    """全部流程图.pdf from each chart's title and PDF; DrawError naming a chart whose PDF cannot be used."""
    docs: list[Any] = []
    try:
        for title, data in charts:
            docs.append(_open(title, data))
        listed = [_chart(title, doc) for (title, _), doc in zip(charts, docs, strict=True)]
        paper = "A3" if any(c.paper == "A3" for c in listed) else "A4"
        return _join(front(listed, unit, date, font, paper), docs, paper)
    finally:
        for doc in docs:
            doc.close()


def write(charts: Sequence[tuple[str, Path]], unit: str, date: str | None, font: str, target: Path) -> dict[str, str]:
    """全部流程图.pdf at `target` from the charts' PDF files (title, path), in order; which path made it, for the
    manifest (`drawn_by`). Run in a worker (`Renderer.submit`) once the charts are drawn."""
    data = book([(title, path.read_bytes()) for title, path in charts], unit, date, font)
    target.unlink(missing_ok=True)  # a new file, never written through a link
    target.write_bytes(data)
    return {str(target): DRAWN_BY}
