"""一表 PDF: the tables laid out by powerctl and drawn by Pango on a cairo PDF surface.

One path, no fallback. The layout is ours: the columns as wide as their text needs (`widths`), one Pango layout
per cell (wrapped at its column's width, the CJK font fontconfig gives), the rows placed down A4 landscape pages
at 8 pt with the header repeated on every page, and a row taller than what is left of a page cut between two of
its lines and continued on the next page (so that a long 责任事项 no longer pushes one row onto a page of its own).
The PDF is the libraries': Pango shapes the text, cairo writes the file and subsets the fonts; nothing here writes
PDF objects or fonts. The same tables give the same bytes: the title and the creation date (SOURCE_DATE_EPOCH, else
a fixed day) are set, nothing of the run is written.

The columns are as wide as their text needs (`widths`): each gets at least what its heading and its
unbreakable words need (a category such as 行政许可 on one line, 431381- of a code), and the rest of the page goes
where it takes the most lines off the rows, so that the cells of a row end at about the same line. A column with
little text (an empty 责任岗位) is narrow instead of holding a fixed share of the page. Measured on a 41-power
权责清单 with long 责任事项 and 追责情形 (tests/fixtures/quanze): 12 pages or fewer, against 76 from the fixed
widths and whole rows of the typesetter before.
"""

from __future__ import annotations

import io
import os
import re
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from powerctl.documents import colwidths
from powerctl.documents.table import TABLE_FONT, Table
from powerctl.drawing.paths import chinese_families

DRAWN_BY = "pango"  # what manifest.json's `drawn_by` says of the table PDF

SIZE = 8.0  # pt, the body and header text (the legibility floor of DESIGN.md)
LEAD = 1.15  # the distance of two lines' baselines, in ems
_MM = 72 / 25.4
PAGE_MM = (297.0, 210.0)
_MARGINS_MM = (10.0, 7.0, 9.0, 7.0)  # top, right, bottom, left
_PAD_MM = (0.4, 0.6)  # vertical, horizontal
_TEXT_MM = PAGE_MM[0] - _MARGINS_MM[1] - _MARGINS_MM[3]

_TITLE_PT = 13.0
_SIGN_PT = 10.5
_SIGN_MM = (4.0, 22.0)  # the sign-off: its distance from the table, its height
_BLANK_MM = 40.0  # the line 审核人 signs on
_MIN_LINES = 2  # a row is cut where a page ends only if this many of its lines stay on the page
_SHORT_ROW = 9  # and a row of up to this many lines only if a third of it stays
_FIXED_DAY = "2000-01-01T00:00:00Z"  # the creation date without SOURCE_DATE_EPOCH (as the XLSX's)
_HEAD_FILL = (0xD9 / 255, 0xE2 / 255, 0xF3 / 255)
_ZEBRA = (0xF7 / 255, 0xF9 / 255, 0xFC / 255)
_GREY = (0x44 / 255,) * 3
_RULE_PT = 0.5


def widths(table: Table) -> list[float]:
    """Each column's share of the page's width (`colwidths.widths` at 8 pt across A4 landscape)."""
    return colwidths.widths(table, _TEXT_MM, SIZE, _PAD_MM[1], whole=True)  # Pango keeps `UNBROKEN` whole


# -- the pages -------------------------------------------------------------------------------------

_SPACE = re.compile(r"[^\S\n\u3000]+")  # white space but line breaks and the ideographic space


def _collapse(text: str, lined: bool) -> str:
    """A cell's text as printed: white space one space (as in HTML); in a lined column each line break kept."""
    if lined:
        return "\n".join(_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _SPACE.sub(" ", text.replace("\n", " ")).strip()


def _pt(mm: float) -> float:
    return mm * _MM


@lru_cache(maxsize=1)
def family() -> str:
    """The family the tables are set in: the page's first choice if installed, else another family that
    covers Chinese (fontconfig, as for the flowcharts); fontconfig sets a character the family lacks in
    whatever font has it."""
    found = chinese_families()
    if TABLE_FONT in found or not found:
        return TABLE_FONT
    sans = sorted(f for f in found if "Sans" in f and "Mono" not in f)
    return (sans or sorted(found))[0]


def created() -> str:
    """The PDF's creation date: SOURCE_DATE_EPOCH if set (reproducible builds), else a fixed day."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        try:
            return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, ValueError, OSError):
            pass
    return _FIXED_DAY


@lru_cache(maxsize=1)
def _libraries() -> tuple[Any, Any, Any]:
    """cairocffi, pangocffi and pangocairocffi, imported when a PDF is first made. pangocffi builds its
    bindings from C declarations as it is imported: it reads them without closing the files (a ResourceWarning,
    not ours to show) and puts its own folder on sys.path (taken off again)."""
    path = list(sys.path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        import cairocffi  # type: ignore[import-untyped]
        import pangocairocffi
        import pangocffi
    sys.path[:] = path
    return cairocffi, pangocffi, pangocairocffi


@dataclass
class Text:
    """One Pango layout (a cell, a heading): its text and where each of its lines lies."""

    text: str
    layout: Any
    lines: list[tuple[float, float, int]]  # per line: top, bottom (pt below the layout's top), first byte
    shift: float = 0.0  # how far above its line box Pango draws a line (the font's line height is taller)

    @property
    def height(self) -> float:
        return self.lines[-1][1] if self.text else 0.0

    def fit(self, limit: float) -> int:
        """How many of the lines end above `limit` (pt below the layout's top)."""
        return sum(bottom <= limit + 1e-6 for _, bottom, _ in self.lines) if self.text else 0

    def cut(self, limit: float) -> tuple[str, str]:
        """The text of the lines that end above `limit`, and the rest (to continue on the next page)."""
        kept = self.fit(limit)
        if kept >= len(self.lines) or not self.text:
            return self.text, ""
        data = self.text.encode()
        at = self.lines[kept][2]
        return data[:at].decode().rstrip("\n"), data[at:].decode()


class Setter:
    """Pango on one cairo PDF surface: each text a layout, measured, and the pages drawn at the end. The pages
    are A4 landscape in `family()` unless `page` (width, height in pt) and `font` (a family) say otherwise."""

    def __init__(
        self, stream: io.BytesIO, title: str, page: tuple[float, float] | None = None, font: str | None = None
    ) -> None:
        cairocffi, pangocffi, pangocairocffi = _libraries()
        self._cairo, self._pangocairo, self._pango = cairocffi, pangocairocffi, pangocffi
        self.width, self.height = page or (_pt(PAGE_MM[0]), _pt(PAGE_MM[1]))
        self.family = font or family()
        self.surface = cairocffi.PDFSurface(stream, self.width, self.height)
        self.surface.set_metadata(cairocffi.PDF_METADATA_TITLE, title)
        self.surface.set_metadata(cairocffi.PDF_METADATA_CREATE_DATE, created())
        self.cr = cairocffi.Context(self.surface)
        self.context = pangocairocffi.create_context(self.cr)
        pangocairocffi.set_resolution(self.context, 72)  # font sizes in points, as the page
        pangocffi.pango.pango_context_set_round_glyph_positions(self.context.pointer, False)
        self._fonts: dict[tuple[float, bool], Any] = {}
        self._spacing: dict[tuple[float, bool], float] = {}

    def _font(self, size: float, bold: bool) -> Any:
        key = (size, bold)
        if key not in self._fonts:
            font = self._pango.FontDescription()
            font.family = f"{self.family},serif"
            font.size = self._pango.units_from_double(size)
            font.weight = self._pango.Weight.BOLD if bold else self._pango.Weight.NORMAL
            self._fonts[key] = font
            probe = self._make("国", None, font, 0.0, "l")
            # lines a lead apart: Pango spaces lines by a factor of the font's line height
            self._spacing[key] = LEAD * size / self._pango.units_to_double(probe.get_size()[1])
        return self._fonts[key]

    def _make(self, text: str, width: float | None, font: Any, spacing: float, align: str) -> Any:
        pango = self._pango
        layout = pango.Layout(self.context)
        layout.font_description = font
        if width is not None:
            layout.width = pango.units_from_double(max(width, 1.0))
            layout.wrap = pango.WrapMode.WORD_CHAR
        layout.alignment = {"c": pango.Alignment.CENTER, "r": pango.Alignment.RIGHT}.get(align, pango.Alignment.LEFT)
        if spacing:
            pango.pango.pango_layout_set_line_spacing(layout.pointer, spacing)
        layout.text = text
        if width is not None and not text.isascii():  # 45个 | 工作日 each kept whole
            attributes = pango.AttrList()
            for found in colwidths.UNBROKEN.finditer(text):
                whole = pango.Attribute.from_pointer(pango.pango.pango_attr_allow_breaks_new(False))
                # Pango counts UTF-8 bytes
                whole.start_index = len(text[: found.start()].encode("utf-8"))
                whole.end_index = whole.start_index + len(found.group().encode("utf-8"))
                attributes.insert(whole)
            layout.attributes = attributes
        return layout

    def text(self, text: str, width: float, size: float = SIZE, bold: bool = False, align: str = "l") -> Text:
        font = self._font(size, bold)
        layout = self._make(text, width, font, self._spacing[(size, bold)], align)
        # Each line a lead tall, as a CSS line box: the font's own line height (taller) is centred on it.
        lines: list[tuple[float, float, int]] = []
        units, lead = self._pango.units_to_double, LEAD * size
        where = layout.get_iter()
        while True:
            top, bottom = where.get_line_yrange()
            lines.append((units(top), units(top) + lead, where.get_index()))
            if not where.next_line():
                break
        return Text(text, layout, lines, (units(bottom - top) - lead) / 2)

    def draw(self, pages: list[list[tuple[Any, ...]]]) -> None:
        cr = self.cr
        cr.set_line_width(_RULE_PT)
        for page in pages:
            for kind, *args in page:
                if kind == "fill":
                    x, y, w, h, rgb = args
                    cr.set_source_rgb(*rgb)
                    cr.rectangle(x, y, w, h)
                    cr.fill()
                elif kind == "box":
                    cr.set_source_rgb(0, 0, 0)
                    cr.rectangle(*args)
                    cr.stroke()
                elif kind == "rule":
                    x1, y1, x2 = args
                    cr.set_source_rgb(0, 0, 0)
                    cr.move_to(x1, y1)
                    cr.line_to(x2, y1)
                    cr.stroke()
                else:
                    text, x, y, rgb = args
                    cr.set_source_rgb(*rgb)
                    cr.move_to(x, y - text.shift)
                    self._pangocairo.show_layout(cr, text.layout)
            cr.show_page()
        self.surface.finish()


@dataclass
class _Book:
    """The pages being laid out: what each page draws, in order (cells, then the running head and foot)."""

    setter: Setter
    pages: list[list[tuple[Any, ...]]] = field(default_factory=list)
    continued: dict[int, str] = field(default_factory=dict)  # page (from 0) → the row its first row goes on with

    @property
    def page(self) -> list[tuple[Any, ...]]:
        return self.pages[-1]

    def cell(self, x: float, y: float, w: float, h: float, text: Text, fill: Any = None, middle: bool = False) -> None:
        pad_y, pad_x = _pt(_PAD_MM[0]), _pt(_PAD_MM[1])
        if fill is not None:
            self.page.append(("fill", x, y, w, h, fill))
        self.page.append(("box", x, y, w, h))
        if text.text:
            top = y + (h - text.height) / 2 if middle else y + pad_y
            self.page.append(("text", text, x + pad_x, top, (0, 0, 0)))


_Column = tuple[float, float]  # x, width (pt)
_NAMED = 24  # characters of a power's name in a page's foot


class _Layout:
    """One table on its pages: title, header repeated on every page, rows cut between lines at a page's end."""

    def __init__(self, book: _Book, table: Table, label: str, first: bool) -> None:
        self.book, self.setter, self.table = book, book.setter, table
        self.left, self.top = _pt(_MARGINS_MM[3]), _pt(_MARGINS_MM[0])
        self.bottom = self.setter.height - _pt(_MARGINS_MM[2])
        self.full = self.setter.width - self.left - _pt(_MARGINS_MM[1])
        self.pad_y, self.pad_x = _pt(_PAD_MM[0]), _pt(_PAD_MM[1])
        self.columns: list[_Column] = []
        x = self.left
        for share in widths(table):
            self.columns.append((x, share * self.full))
            x += share * self.full
        self.head = self._header()
        self.head_height = max((dy + h for _, dy, _, h, _ in self.head), default=0.0)
        book.pages.append([])
        title = self.setter.text(table.title, self.full, _TITLE_PT, True, "c")
        book.page.append(("text", title, self.left, self.top, (0, 0, 0)))
        self.y = self.top + title.height + _pt(1.0)
        count = f"{label}　共 {len(table.body)} {'项' if first else '条'}"
        meta = self.setter.text(count, self.full, align="r")
        book.page.append(("text", meta, self.left, self.y, (0.2, 0.2, 0.2)))
        self.y += meta.height + _pt(1.5)
        self._put_header()

    def _header(self) -> list[tuple[float, float, float, float, Text]]:
        """The header's cells: x, y below the header's top, width, height, text."""
        table, made = self.table, []
        need = [0.0, 0.0]
        spanning = [0.0]
        for level, cells in enumerate((table.top, table.bottom)):
            for h in cells:
                x = self.columns[h.column][0]
                w = sum(width for _, width in self.columns[h.column : h.column + h.colspan])
                text = self.setter.text(h.label, w - 2 * self.pad_x, bold=True, align="c")
                made.append((level, h.rowspan, x, w, text))
                height = text.height + 2 * self.pad_y
                if h.rowspan > 1:
                    spanning.append(height)
                else:
                    need[level] = max(need[level], height)
        depth = table.header_rows
        heights = need[:depth]
        lacking = max(0.0, max(spanning) - sum(heights))
        heights = [h + lacking / depth for h in heights]
        return [
            (x, sum(heights[:level]), w, sum(heights[level : level + rowspan]), text)
            for level, rowspan, x, w, text in made
        ]

    def _put_header(self) -> None:
        for x, dy, w, h, text in self.head:
            self.book.cell(x, self.y + dy, w, h, text, _HEAD_FILL, middle=True)
        self.y += self.head_height
        self.fresh = True  # no row on this page yet

    def _next_page(self) -> None:
        self.book.pages.append([])
        self.y = self.top
        self._put_header()

    def _cells(self, texts: Sequence[str], columns: Sequence[_Column], aligns: Sequence[str]) -> list[Text]:
        return [
            self.setter.text(text, w - 2 * self.pad_x, align=align)
            for text, (_, w), align in zip(texts, columns, aligns, strict=True)
        ]

    def rows(self, tail: float) -> None:
        """The body, the last row keeping `tail` points below it on its page (the sign-off)."""
        table = self.table
        if table.body:
            columns, aligns = self.columns, table.aligns
            body = [
                [_collapse(cell, lined) for cell, lined in zip(row, table.lined, strict=True)] for row in table.body
            ]
        else:  # one cell across the table
            columns, aligns, body = [(self.left, self.full)], ["c"], [["无"]]
        for i, row in enumerate(body):
            self._row(
                self._cells(row, columns, aligns),
                columns,
                aligns,
                _ZEBRA if i % 2 else None,
                tail if i == len(body) - 1 else 0.0,
            )

    def _row(
        self, cells: list[Text], columns: Sequence[_Column], aligns: Sequence[str], fill: Any, tail: float
    ) -> None:
        """One row; cut where a page ends, its rest on the next page under the 序号 again."""
        row = [_collapse(t.text, False) for t in cells]
        while True:
            height = max(t.height for t in cells) + 2 * self.pad_y
            room = self.bottom - self.y
            if height + tail <= room:
                self._put(cells, columns, height, fill)
                return
            limit = room - 2 * self.pad_y  # the text this page has room for, below the row's top
            if height <= room:  # the row fits, what must follow it not: its last line goes over with that
                limit = min(limit, max(t.lines[-1][0] for t in cells if t.text) - 1e-3)
            kept = max(t.fit(limit) for t in cells)
            most = max(len(t.lines) for t in cells)
            if kept == 0 and self.fresh:  # nothing fits even on an empty page: the row as it is
                self._put(cells, columns, height, fill)
                return
            if not self.fresh and kept < min(_MIN_LINES, most):  # too little of it here: all on the next page
                self._next_page()
                continue
            if not self.fresh and most <= _SHORT_ROW and kept * 3 < most:
                # A short row of which only its first few lines would stay here: all on the next page (two lines at a
                # page's foot and seven on the next read as two rows; a long row is cut, to keep the pages few).
                self._next_page()
                continue
            pieces = [t.cut(limit) for t in cells]
            done = self._cells([head for head, _ in pieces], columns, aligns)
            self._put(done, columns, max(t.height for t in done) + 2 * self.pad_y, fill)
            named = dict(zip(self.table.columns, row, strict=True)) if len(row) == len(self.table.columns) else {}
            rests = [
                rest or (head if named and self.table.columns[n] == "序号" else "")
                for n, (head, rest) in enumerate(pieces)
            ]
            cells = self._cells(rests, columns, aligns)
            self._next_page()
            if named.get("序号"):  # the foot of the page says which power its first row goes on with
                name = named.get("职权名称", "")
                name = name if len(name) <= _NAMED else name[: _NAMED - 1] + "…"
                self.book.continued[len(self.book.pages) - 1] = (
                    f"本页首行续上页第 {named['序号']} 项{('：' + name) if name else ''}"
                )

    def _put(self, cells: list[Text], columns: Sequence[_Column], height: float, fill: Any) -> None:
        for text, (x, w) in zip(cells, columns, strict=True):
            self.book.cell(x, self.y, w, height, text, fill)
        self.y += height
        self.fresh = False

    def sign(self) -> None:
        """The sign-off under the table (the last row made room for it on its page)."""
        signoff = self.table.signoff
        if signoff is None:
            return
        y = self.y + _pt(_SIGN_MM[0])
        third = self.full / 3
        for n, (name, value) in enumerate(signoff.fields):
            x = self.left + n * third
            text = self.setter.text(f"{name}：{value}", third, _SIGN_PT)
            self.book.page.append(("text", text, x, y, (0, 0, 0)))
            if not value:  # a line to sign on
                start = x + self.setter._pango.units_to_double(text.layout.get_size()[0]) + 1
                self.book.page.append(("rule", start, y + text.height, start + _pt(_BLANK_MM)))
        seal = self.setter.text(signoff.seal, self.full, _SIGN_PT)
        self.book.page.append(("text", seal, self.left, y + seal.height * 1.2 + _pt(1.0), (0, 0, 0)))


def pdf_bytes(tables: Sequence[Table], unit: str, label: str, title: str) -> bytes:
    """The tables as a PDF; the same tables give the same bytes (no time of the run in the file)."""
    stream = io.BytesIO()
    setter = Setter(stream, title)
    book = _Book(setter)
    tail = _pt(sum(_SIGN_MM))
    for n, table in enumerate(tables):
        placed = _Layout(book, table, label, n == 0)
        placed.rows(tail if table.signoff is not None else 0.0)
        placed.sign()
    full = setter.width - _pt(_MARGINS_MM[1] + _MARGINS_MM[3])
    left = _pt(_MARGINS_MM[3])
    head = setter.text(_collapse(unit, False), full)
    side = setter.text(label, full, SIZE, align="r")
    for number, page in enumerate(book.pages, 1):
        bottom = setter.height - _pt(_MARGINS_MM[2]) + _pt(2.5)
        if number - 1 in book.continued:
            going = setter.text(book.continued[number - 1], full / 2 - _pt(15), SIZE)
            page.append(("text", going, left, bottom, _GREY))
        page.append(("text", head, left, _pt(4.0), _GREY))
        page.append(("text", side, left, _pt(4.0), _GREY))
        foot = setter.text(f"第 {number} 页，共 {len(book.pages)} 页", full, SIZE, align="c")
        page.append(("text", foot, left, bottom, (0, 0, 0)))
    setter.draw(book.pages)
    return stream.getvalue()


def write(tables: Sequence[Table], unit: str, label: str, title: str, path: Path) -> dict[str, str]:
    """The table PDF at `path`; which path made it, for the manifest (`drawn_by`)."""
    data = pdf_bytes(tables, unit, label, title)
    path.unlink(missing_ok=True)  # a new file, never written through a link
    path.write_bytes(data)
    return {str(path): DRAWN_BY}
