"""A flowchart on paper (一图): its title block, chart and legend composed on an A4 or A3 page.

The chart is laid out once at its printed size (step names `STEP_SIZE`, other text `TEXT_SIZE` pt); the blocks
around it are laid out for the width of each paper they are tried on, so they always fill the page's width and
are never scaled. A paper fits when the chart, shrunk to the space left, keeps its smallest text at the
legibility floor (`FLOOR`, step names `STEP_FLOOR`). The notes and the legend stand above and below the chart,
or in a column beside it when that lets the chart print larger (a tall, narrow chart: `_beside`). `auto` tries
A4 portrait, A4 landscape, A3 portrait, A3 landscape in that order; a chart that fits none is continued over
pages (its `splits`, made by `documents.flowchart`, joined by numbered connectors). Everything here is text in,
SVG text out: the layout is the Graphviz engine handed in, and nothing of the catalogue model is imported.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from powerctl.text.cjk import BREAK, display_width, wrap

MM = 72 / 25.4
PAPERS: dict[str, tuple[float, float]] = {"A4": (210 * MM, 297 * MM), "A3": (297 * MM, 420 * MM)}
PAPER_CHOICES = ("auto", "A4", "A3")
MARGIN = 10 * MM  # what office printers print to; the charts need the width
GAP = 10.0  # between the blocks of a page
FLOOR, STEP_FLOOR = 8.0, 9.0  # the smallest text, and the smallest step name, in pt on paper
STEP_SIZE, TEXT_SIZE = 10.5, 9.0  # the chart's fonts as laid out
TITLE_SIZE, BLOCK_SIZE = 14.0, 8.0  # the blocks' fonts, printed as laid out (the floor: room for the chart)
MIN_SCALE = max(STEP_FLOOR / STEP_SIZE, FLOOR / TEXT_SIZE)
MAX_PARTS = 4
# The PNG is the page for a screen or a message (the web page shows the SVG, print takes the PDF): 150 dpi keeps
# the 8 pt floor at 17 px; 200 dpi took 1.8x the pixels, and Pillow's row filters and deflate go by the pixel.
PNG_DPI = 150.0

INK = "#1F2937"
MUTED = "#4B5563"
RULE = "#7F7F7F"
HEAD_FILL = "#EFEFEF"

Layout = Callable[[str], bytes]  # DOT text → Graphviz SVG


@dataclass(frozen=True)
class Part:
    """One page's share of a chart continued over pages: its DOT and the legend entries of its steps."""

    dot: str
    legend: tuple[int, ...]


@dataclass(frozen=True)
class FlowSheet:
    """Everything a flowchart's page shows, as text (made by `powerctl.documents.flowchart.flow_sheet`)."""

    font: str
    title: str
    lines: tuple[str, ...]  # under the title (unit, version, time limits; legal basis)
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # 行使条件, 相对人的权利, 投诉举报途径: heading, items
    chart: str  # the whole flow
    legend: tuple[tuple[str, str], ...]  # (mark, text): what did not fit in the boxes
    splits: tuple[tuple[Part, ...], ...] = ()  # the flow over 2, 3, … pages
    paper: str = "auto"

    def key(self) -> list[str]:
        """What the drawing depends on, for the rebuild record."""
        parts = [p.dot + repr(p.legend) for split in self.splits for p in split]
        return [self.paper, self.font, self.title, repr(self.lines), repr(self.sections), self.chart,
                repr(self.legend), *parts]  # fmt: skip


Placed = tuple[str, float, float, float]  # a Graphviz graph (DOT) at (x, y) pt from the top left, scaled


@dataclass(frozen=True)
class Page:
    """A page (or picture) as Graphviz draws it: its size in pt and the graphs on it. The drawer paints each
    graph onto one cairo surface (PNG, PDF); `compose` makes the same page as one SVG."""

    width: float
    height: float
    placed: tuple[Placed, ...]


@dataclass(frozen=True)
class Drawn:
    """A laid-out flowchart: the SVG for the web (natural size), the PDF pages (paper size), the PNG's picture."""

    web: bytes
    pages: tuple[Page, ...]
    png: Page  # the page for a one-page chart, else the web picture
    png_dpi: float
    paper: str
    landscape: bool
    smallest: float  # pt on paper
    note: str | None  # why the chart needs A3 or several pages, in words for the clerk


@dataclass
class _Piece:
    dot: str
    width: float
    height: float
    body: str = field(repr=False)  # the <g> of the drawing, its transform left out
    transform: str = ""


_SIZE = re.compile(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"')
_GROUP = re.compile(r'<g id="graph0" class="graph" transform="([^"]*)">')
_ID = re.compile(r' id="')


def _piece(dot: str, svg: bytes) -> _Piece:
    size = _SIZE.search(svg)
    text = svg.decode("utf-8")
    group = _GROUP.search(text)
    if size is None or group is None:
        raise ValueError("not a Graphviz SVG")
    end = text.rindex("</svg>")
    body = text[group.end() : end]
    return _Piece(dot, float(size.group(1)), float(size.group(2)), body, group.group(1))


def compose(width: float, height: float, placed: Sequence[tuple[_Piece, float, float, float]]) -> bytes:
    """One SVG of `width` × `height` pt with each piece at (x, y), scaled: a top-level group per piece (ids
    made unique). Text composed from Graphviz's SVG, never read back to be drawn."""
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<svg width="{width:.2f}pt" height="{height:.2f}pt" viewBox="0.00 0.00 {width:.2f} {height:.2f}" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        f'<polygon fill="white" stroke="transparent" points="0,0 0,{height:.2f} {width:.2f},{height:.2f} '
        f'{width:.2f},0 0,0"/>\n'
    ]
    for n, (piece, x, y, scale) in enumerate(placed):
        body = _ID.sub(f' id="p{n}_', piece.body)
        out.append(
            f'<g id="p{n}" class="graph" transform="translate({x:.2f} {y:.2f}) scale({scale:.6g} {scale:.6g}) '
            f'{piece.transform}">{body}\n'
        )
    out.append("</svg>\n")
    return "".join(out).encode("utf-8")


def _esc(text: str) -> str:
    text = " ".join(str(text).replace(BREAK, "").split()).replace("\\", "\\\\")
    return html.escape(text, quote=True).replace("[", "&#91;").replace("]", "&#93;") or "&#160;"


def _columns(width: float, size: float) -> int:
    """Display columns (a hanzi is two) of text at `size` pt that fit in `width` pt."""
    return max(8, int(2 * width / size) - 1)


@lru_cache(maxsize=4096)  # a unit's notes, channels and legend lines recur at each paper width tried
def _lines(text: str, width: float, size: float, bold: bool = False) -> str:
    lines = [_esc(line) for line in wrap(text, _columns(width, size))] or ["&#160;"]
    if bold:
        lines = [f"<B>{line}</B>" for line in lines]
    return '<BR ALIGN="LEFT"/>'.join(lines) + '<BR ALIGN="LEFT"/>'


def _graph(font: str, label: str) -> str:
    return (
        "digraph block {\n"
        f'  graph [margin=0, pad=0.02, bgcolor="white", fontname="{_esc(font)}"];\n'
        f'  node [shape=plaintext, margin=0, fontname="{_esc(font)}", fontcolor="{INK}"];\n'
        f"  b [label=<{label}>];\n}}\n"
    )


def head_dot(sheet: FlowSheet, width: float, continued: str | None = None, notes: bool = True) -> str:
    """The title block for a page `width` pt wide: the title, the lines under it and, on the first page, the
    three notes side by side with columns as wide as their text needs (`continued`: a later page's line;
    `notes=False`: the notes stand beside the chart, `side_dot`)."""
    pad = 4.0
    title = _lines(sheet.title, width - 2 * pad, TITLE_SIZE, bold=True).replace('<BR ALIGN="LEFT"/>', "<BR/>")
    rows = [f'<TR><TD ALIGN="CENTER" WIDTH="{width:.0f}"><FONT POINT-SIZE="{TITLE_SIZE:g}">{title}</FONT></TD></TR>']
    lines = (continued,) if continued else sheet.lines
    for line in lines:
        text = _lines(line, width - 2 * pad, BLOCK_SIZE).replace('<BR ALIGN="LEFT"/>', "<BR/>")
        rows.append(f'<TR><TD ALIGN="CENTER"><FONT POINT-SIZE="{BLOCK_SIZE:g}" COLOR="{MUTED}">{text}</FONT></TD></TR>')
    if not continued and sheet.sections and notes:
        rows.append(f"<TR><TD>{_notes(sheet.sections, width)}</TD></TR>")
    table = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{pad:g}">{"".join(rows)}</TABLE>'
    return _graph(sheet.font, table)


def _notes(sections: Sequence[tuple[str, Sequence[str]]], width: float, stacked: bool = False) -> str:
    """行使条件, 相对人的权利, 投诉举报途径 as a table `width` pt wide: side by side, each column's share of the
    width by the text it holds (at least a fifth), or one under another (`stacked`, beside the chart)."""
    pad = 4.0
    if stacked:
        widths = [width - 2 * pad - 2] * len(sections)
    else:
        inner = width - 2 * pad * len(sections) - (len(sections) + 1)  # cell padding and rules
        need = [max(8.0, sum(display_width(item) + 2 for item in items) or 8.0) for _, items in sections]
        shares = [max(inner / 5, inner * n / sum(need)) for n in need]
        widths = [share * inner / sum(shares) for share in shares]
    heads = [
        f'<TD ALIGN="LEFT" BGCOLOR="{HEAD_FILL}" WIDTH="{w:.0f}"><FONT POINT-SIZE="{BLOCK_SIZE:g}"><B>{_esc(h)}</B>'
        "</FONT></TD>"
        for (h, _), w in zip(sections, widths, strict=True)
    ]
    bodies = [
        f'<TD ALIGN="LEFT" BALIGN="LEFT" VALIGN="TOP"><FONT POINT-SIZE="{BLOCK_SIZE:g}">'
        + ("".join(_lines(f"· {item}", w, BLOCK_SIZE) for item in items) if items else "（无）")
        + "</FONT></TD>"
        for (_, items), w in zip(sections, widths, strict=True)
    ]
    pairs = zip(heads, bodies, strict=True)
    rows = (
        "".join(f"<TR>{h}</TR><TR>{b}</TR>" for h, b in pairs)
        if stacked
        else f"<TR>{''.join(heads)}</TR><TR>{''.join(bodies)}</TR>"
    )
    return f'<TABLE BORDER="1" COLOR="{RULE}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="{pad:g}">{rows}</TABLE>'


def _legend_table(entries: Sequence[tuple[str, str]], width: float, columns: int) -> str:
    pad = 2.0
    cell = (width - 12) / columns
    mark_w = 2 * BLOCK_SIZE
    text_w = cell - mark_w - 4 * pad

    def entry(mark: str, text: str) -> str:
        return (
            f'<TD ALIGN="RIGHT" VALIGN="TOP" WIDTH="{mark_w:.0f}"><FONT POINT-SIZE="{BLOCK_SIZE:g}"><B>{_esc(mark)}'
            f'</B></FONT></TD><TD ALIGN="LEFT" BALIGN="LEFT" VALIGN="TOP" WIDTH="{text_w:.0f}">'
            f'<FONT POINT-SIZE="{BLOCK_SIZE:g}" COLOR="{INK}">{_lines(text, text_w, BLOCK_SIZE)}</FONT></TD>'
        )

    rows_n = -(-len(entries) // columns)
    rows = []
    for r in range(rows_n):
        cells = [entries[r + c * rows_n] for c in range(columns) if r + c * rows_n < len(entries)]
        rows.append("<TR>" + "".join(entry(m, t) for m, t in cells) + "</TR>")
    heading = (
        f'<TR><TD ALIGN="LEFT" COLSPAN="{2 * columns}"><FONT POINT-SIZE="{BLOCK_SIZE:g}" COLOR="{MUTED}">'
        "<B>注：</B>图中带圈序号的环节说明如下</FONT></TD></TR>"
    )
    return (
        f'<TABLE BORDER="1" COLOR="{RULE}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{pad:g}">'
        f"{heading}{''.join(rows)}</TABLE>"
    )


def legend_dot(font: str, entries: Sequence[tuple[str, str]], width: float) -> str:
    """The numbered notes under the chart, in one column (two on a page wider than A4 portrait)."""
    columns = 2 if width > PAPERS["A4"][0] and len(entries) > 3 else 1
    return _graph(font, _legend_table(entries, width, columns))


def side_dot(sheet: FlowSheet, entries: Sequence[tuple[str, str]], width: float, first: bool) -> str:
    """The column beside a narrow chart: on the first page the three notes one under another, then the legend."""
    blocks = [_notes(sheet.sections, width, stacked=True)] if first and sheet.sections else []
    if entries:
        blocks.append(_legend_table(entries, width, 1))
    rows = "".join(f'<TR><TD ALIGN="LEFT">{block}</TD></TR>' for block in blocks)
    return _graph(sheet.font, f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>')


def footer_dot(font: str, text: str) -> str:
    return _graph(font, f'<FONT POINT-SIZE="{BLOCK_SIZE:g}" COLOR="{MUTED}">{_esc(text)}</FONT>')


_TRIED = (("A4", False), ("A4", True), ("A3", False), ("A3", True))  # paper, landscape: in the order tried


def paper_size(paper: str, landscape: bool) -> tuple[float, float]:
    w, h = PAPERS[paper]
    return (h, w) if landscape else (w, h)


class _Pieces(dict[str, _Piece]):
    """Graphviz drawings of one sheet, each laid out once."""

    def __init__(self, layout: Layout) -> None:
        super().__init__()
        self._layout = layout

    def __call__(self, dot: str) -> _Piece:
        return self.get(dot) or self.setdefault(dot, _piece(dot, self._layout(dot)))


def _plan(width: float, height: float, placed: Sequence[tuple[_Piece, float, float, float]]) -> Page:
    return Page(width, height, tuple((piece.dot, x, y, scale) for piece, x, y, scale in placed))


def page_svg(page: Page, layout: Layout) -> bytes:
    """A page as one SVG (for a machine without the in-process path, whose fallback draws SVG)."""
    pieces = _Pieces(layout)
    return compose(page.width, page.height, [(pieces(dot), x, y, scale) for dot, x, y, scale in page.placed])


@dataclass(frozen=True)
class _Row:
    """The chart on a page: one graph, or its parts side by side in columns (`GAP` apart)."""

    parts: tuple[_Piece, ...]

    @property
    def width(self) -> float:
        return sum(p.width for p in self.parts) + GAP * (len(self.parts) - 1)

    @property
    def height(self) -> float:
        return max(p.height for p in self.parts)

    def at(self, x: float, y: float, scale: float) -> list[tuple[_Piece, float, float, float]]:
        out = []
        for part in self.parts:
            out.append((part, x, y, scale))
            x += (part.width + GAP) * scale
        return out


def _page(
    sheet: FlowSheet,
    pieces: _Pieces,
    paper: str,
    landscape: bool,
    charts: Sequence[str],
    legend: Sequence[int],
    number: tuple[int, int] | None,
) -> tuple[Page, float]:
    """One page and the scale of its chart (the page is made whether or not the scale is legible): the notes above
    the chart and the legend under it, or both beside it when the chart would otherwise print below the floor and
    that leaves it more room (a tall, narrow chart)."""
    pw, ph = paper_size(paper, landscape)
    width = pw - 2 * MARGIN
    first = number is None or number[0] == 1
    continued = None if first else f"（续）第 {number[0]} 页，共 {number[1]} 页" if number else None
    notes = [sheet.legend[i] for i in legend]
    foot = pieces(footer_dot(sheet.font, f"第 {number[0]} 页，共 {number[1]} 页")) if number else None
    bottom = ph - MARGIN - (foot.height + GAP if foot else 0)
    body = _Row(tuple(pieces(dot) for dot in charts))
    head = pieces(head_dot(sheet, width, continued))
    key = pieces(legend_dot(sheet.font, notes, width)) if notes else None
    room = bottom - MARGIN - head.height - GAP - (key.height + GAP if key else 0)
    scale = min(1.0, width / body.width, max(room, 1.0) / body.height)
    placed = [(head, MARGIN + (width - head.width) / 2, MARGIN, 1.0)]
    y = MARGIN + head.height + GAP
    placed.extend(body.at(MARGIN + (width - body.width * scale) / 2, y, scale))
    if key:
        placed.append((key, MARGIN + (width - key.width) / 2, y + body.height * scale + GAP, 1.0))
    # The notes and legend beside the chart, if that lets it print legibly, or larger where it is shrunk and leaves
    # much of the page's width empty (a tall, narrow chart).
    if not _fits(scale) or (scale < 1 and body.width * scale < NARROW * width):
        beside = _beside(sheet, pieces, width, bottom, body, notes, first, continued)
        if beside is not None and beside[1] > scale + 1e-9:
            placed, scale = beside
    if foot:
        placed.append((foot, MARGIN + (width - foot.width) / 2, ph - MARGIN - foot.height, 1.0))
    return _plan(pw, ph, placed), scale


NARROW = 0.7  # a chart shrunk to less than this share of the page's width tries the column beside it
SIDE = (0.22, 0.36, 0.5)  # the narrowest column beside the chart, then wider ones, as shares of the page's width


def _beside(
    sheet: FlowSheet,
    pieces: _Pieces,
    width: float,
    bottom: float,
    body: _Row,
    notes: Sequence[tuple[str, str]],
    first: bool,
    continued: str | None,
) -> tuple[list[tuple[_Piece, float, float, float]], float] | None:
    """The title over the chart, the notes and legend in a column at its right: the placements and the chart's
    scale, or None if the column does not fit the page."""
    if not notes and not (first and sheet.sections):
        return None
    if not _fits(min(1.0, ((1 - SIDE[0]) * width - GAP) / body.width, (bottom - MARGIN) / body.height)):
        return None  # not legible beside even the narrowest column
    head = pieces(head_dot(sheet, width, continued, notes=False))
    top = MARGIN + head.height + GAP
    room = bottom - top
    # The column as narrow as lets the chart take the page's height, if its text then still fits the page.
    fit = width - GAP - body.width * min(1.0, room / body.height)
    for column in sorted({max(fit, SIDE[0] * width), *(share * width for share in SIDE[1:])}):
        side = pieces(side_dot(sheet, notes, round(column), first))
        if side.height <= room:
            left = width - side.width - GAP
            scale = min(1.0, left / body.width, max(room, 1.0) / body.height)
            placed = [
                (head, MARGIN + (width - head.width) / 2, MARGIN, 1.0),
                *body.at(MARGIN + (left - body.width * scale) / 2, top, scale),
                (side, MARGIN + width - side.width, top, 1.0),
            ]
            return placed, scale
    return None


def _fits(scale: float) -> bool:
    return scale >= MIN_SCALE - 1e-9


def draw(sheet: FlowSheet, layout: Layout) -> Drawn:
    """Lay the sheet out on the paper it asks for (`auto`: the smallest that keeps the floor): the chart in one
    column, else in two or three columns side by side on the same page (its `splits`, joined by numbered
    connectors), A4 before A3; a chart that fits no page so is continued over pages."""
    pieces = _Pieces(layout)
    candidates = [(p, o) for p, o in _TRIED if sheet.paper in ("auto", p)]
    everything = tuple(range(len(sheet.legend)))
    columns = [(sheet.chart,), *(tuple(part.dot for part in split) for split in sheet.splits[:2])]

    def alone(paper: str, landscape: bool, charts: Sequence[str]) -> float:  # the bare page: a bound
        pw, ph = paper_size(paper, landscape)
        row = _Row(tuple(pieces(dot) for dot in charts))
        return min(1.0, (pw - 2 * MARGIN) / row.width, (ph - 2 * MARGIN) / row.height)

    for paper in dict.fromkeys(p for p, _ in candidates):
        for charts in columns:
            for landscape in (o for p, o in candidates if p == paper):
                if not _fits(alone(paper, landscape, charts)):
                    continue  # not even the chart alone: the blocks around it are not laid out for this paper
                page, scale = _page(sheet, pieces, paper, landscape, charts, everything, None)
                if _fits(scale):
                    note = _why(sheet, pieces, paper, candidates)
                    if len(charts) > 1:
                        cols = f"流程较长，分 {len(charts)} 栏排在同一页，以接续符号 A B … 相连"
                        note = f"{note}；{cols}" if note else cols
                    return _done(sheet, pieces, (page,), paper, landscape, scale, note)
    # No paper holds the chart legibly on one page: over pages, on the largest paper allowed.
    paper = "A3" if any(p == "A3" for p, _ in candidates) else "A4"
    for split in sheet.splits:
        for landscape in (False, True):
            made = [
                _page(sheet, pieces, paper, landscape, (part.dot,), part.legend, (n, len(split)))
                for n, part in enumerate(split, 1)
            ]
            smallest = min(scale for _, scale in made)
            if _fits(smallest):
                note = f"一页{paper}纸放不下（字号将小于 {FLOOR:g} 磅），分 {len(split)} 页，以接续符号 A B … 相连"
                return _done(sheet, pieces, tuple(p for p, _ in made), paper, landscape, smallest, note)
    paper, landscape = max(candidates, key=lambda c: alone(c[0], c[1], (sheet.chart,)))
    page, scale = _page(sheet, pieces, paper, landscape, (sheet.chart,), everything, None)
    note = f"环节太多，分 {MAX_PARTS} 页仍放不下，已缩小：最小字号 {scale * TEXT_SIZE:.1f} 磅"
    return _done(sheet, pieces, (page,), paper, landscape, scale, note)


def _why(sheet: FlowSheet, pieces: _Pieces, paper: str, candidates: Sequence[tuple[str, bool]]) -> str | None:
    if paper != "A3" or not any(p == "A4" for p, _ in candidates):
        return None
    chart = pieces(sheet.chart)
    return (
        f"A4 纸放不下：流程图 {chart.width / MM:.0f}×{chart.height / MM:.0f} 毫米，"
        f"缩到 A4 时最小字号低于 {FLOOR:g} 磅，改用 A3"
    )


def _done(
    sheet: FlowSheet,
    pieces: _Pieces,
    pages: tuple[Page, ...],
    paper: str,
    landscape: bool,
    scale: float,
    note: str | None,
) -> Drawn:
    width = paper_size(paper, landscape)[0] - 2 * MARGIN
    chart = pieces(sheet.chart)
    wide = max(width, chart.width)
    head = pieces(head_dot(sheet, wide))
    key = pieces(legend_dot(sheet.font, sheet.legend, wide)) if sheet.legend else None
    placed = [(head, (wide - head.width) / 2, 0.0, 1.0), (chart, (wide - chart.width) / 2, head.height + GAP, 1.0)]
    height = head.height + GAP + chart.height
    if key:
        placed.append((key, (wide - key.width) / 2, height + GAP, 1.0))
        height += GAP + key.height
    web = compose(wide, height, placed)
    if len(pages) == 1:
        png, dpi = pages[0], PNG_DPI
    else:
        png, dpi = _plan(wide, height, placed), PNG_DPI * min(1.0, width / wide)
    smallest = scale * TEXT_SIZE
    return Drawn(web, pages, png, dpi, paper, landscape, smallest, note)
