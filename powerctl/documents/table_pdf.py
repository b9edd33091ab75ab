"""一表 PDF typeset here from the tables themselves, in the print font, as `pdfwrite` pages.

Printing the table's HTML page with Chromium cost about 10 ms of CPU per row, a fifth of a whole bundle.
The page's layout is simple and fixed — A4 landscape, each table on new pages under its heading, columns
of fixed widths, the header repeated on every page, rows kept whole, the unit and the version at the top of
every page and "第 N 页，共 M 页" at the bottom — so it is laid out here with the same measures as the
page's CSS (`templates/documents/table.html.j2`): 9 pt text, 1.35 line height, cells padded 1 mm × 0.9 mm
with 0.6 pt rules, the header on #d9e2f3 and every other row on #f7f9fc. Lines are broken as the page asks
(`line-break: strict`, `overflow-wrap: anywhere`): between CJK characters but never before closing
punctuation or after opening punctuation, at spaces between Latin words, inside a word only if it does
not fit a line alone.

`Fallback` (a character outside the print font, no print font) leaves the table to WeasyPrint (`write`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from powerctl.documents.signoff import SignOff
from powerctl.documents.table import TABLE_FONT, Table
from powerctl.documents.table import pdf_bytes as weasyprint_pdf
from powerctl.drawing import pdfwrite
from powerctl.drawing.paths import TABLE_PDF
from powerctl.drawing.pdfwrite import Fallback, FontKey, Page, PrintFonts
from powerctl.drawing.textwrap_cjk import NO_END, NO_START
from powerctl.drawing.truetype import TrueType

_MM = 72 / 25.4
PAGE = (297 * _MM, 210 * _MM)
_TOP, _SIDE, _BOTTOM = 13 * _MM, 8 * _MM, 14 * _MM
_SIZE = 9.0
_LEAD = 1.35 * _SIZE
_HEAD_LEAD = 1.3 * _SIZE
_PAD_X, _PAD_Y = 0.9 * _MM, 1.0 * _MM
_RULE = 0.6
_HEAD_FILL = "0.8510 0.8863 0.9529"  # #d9e2f3
_EVEN_FILL = "0.9686 0.9765 0.9882"  # #f7f9fc
_GREY = "0.2667"  # #444
_META_GREY = "0.2000"  # #333
# The sign-off under the catalogue table (`.signoff` in the page's CSS): 10.5 pt on 1.5 lines, 5 mm below the
# last row in a block 24 mm high kept whole, with the last row (both on the next page when the rest of this one
# is too short).
_SIGN_SIZE = 10.5
_SIGN_LEAD = 1.5 * _SIGN_SIZE
_SIGN_GAP, _SIGN_HEIGHT, _SIGN_BLANK = 5 * _MM, 24 * _MM, 40 * _MM
_ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")


@dataclass(frozen=True)
class _Font:
    key: FontKey
    face: TrueType


class _Fonts:
    def __init__(self) -> None:
        self.faces: dict[bool, _Font] = {}
        fonts = PrintFonts()
        for bold in (False, True):
            face = fonts(TABLE_FONT, bold)
            if face is None:
                raise Fallback("no print font")
            self.faces[bold] = _Font((TABLE_FONT, bold), face)

    def source(self, family: str, bold: bool) -> TrueType | None:
        return self.faces[bold].face if family == TABLE_FONT else None


def _units(face: TrueType, text: str) -> int:
    """The advance of ``text`` in font units (no kerning: advances add up)."""
    cmap, advances = face.cmap, face.advances
    total = 0
    for ch in text:
        gid = cmap.get(ord(ch))
        if gid is None:
            raise Fallback(f"{ch!r} is not in the print font")
        total += advances[gid]
    return total


def _advance(face: TrueType, text: str, size: float) -> float:
    return _units(face, text) * size / face.units


def _collapse(text: str) -> str:
    """White space as the page's CSS has it (`white-space: normal`): runs of ASCII white space are one space;
    other spaces (U+3000, no-break) are characters like any other."""
    return _ASCII_SPACE.sub(" ", text).strip(" ")


def _atoms(text: str) -> list[str]:
    """Pieces a line may not be broken inside: a Latin word or number, or one CJK character, with closing
    punctuation kept with what comes before and opening punctuation with what follows; spaces alone."""
    atoms: list[str] = []
    for ch in _collapse(text):
        latin = ch.isascii() and ch != " " and ch not in "([{"
        joined = ch in NO_START or atoms[-1][-1] in NO_END or (latin and _latin_end(atoms[-1])) if atoms else False
        if joined:
            atoms[-1] += ch
        else:
            atoms.append(ch)
    return atoms


def _latin_end(atom: str) -> bool:
    """Whether a Latin character may not be broken from the atom before it (a break may follow a hyphen
    or a slash, as in 431381-CF-0001-0004)."""
    last = atom[-1]
    return last.isascii() and last != " " and last not in "([{,.;:?!)]}%-/"


def _lines(text: str, face: TrueType, size: float, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    used = 0  # the advance of `line` in font units, kept as atoms are added (each is measured once)
    space = _units(face, " ")
    for atom in _atoms(text):
        if atom == " ":
            if line:
                line += " "
                used += space
            continue
        trial = line + atom
        trial_used = used + _units(face, atom)
        trailing = len(trial) - len(trial.rstrip(" "))
        if (trial_used - trailing * space) * size / face.units <= width or not line.strip():
            line, used = trial, trial_used
        else:
            lines.append(line.rstrip(" "))
            line, used = atom, _units(face, atom)
        if used * size / face.units > width and len(line) > 1:  # a word longer than the line: anywhere
            widths = list(accumulate(_advance(face, ch, size) for ch in line))
            start = 0
            while widths[-1] - (widths[start - 1] if start else 0.0) > width and len(line) - start > 1:
                base = widths[start - 1] if start else 0.0
                cut = max(start + 1, bisect_right(widths, base + width))  # at least one character a line
                lines.append(line[start:cut])
                start = cut
            line = line[start:]
            used = _units(face, line)
    if line.rstrip(" ") or not lines:
        lines.append(line.rstrip(" "))
    return lines


class _Canvas:
    """One page's operators, y downwards from the top of the page (the page's first operator flips it)."""

    def __init__(self) -> None:
        self.ops: list[str] = [f"1 0 0 -1 0 {PAGE[1]:.2f} cm\n"]
        self.glyphs: dict[FontKey, dict[int, str]] = {}

    def rect(self, x: float, y: float, w: float, h: float, fill: str | None, stroke: bool) -> None:
        if fill is not None:
            self.ops.append(f"{fill} rg {x:.2f} {y:.2f} {w:.2f} {h:.2f} re f\n")
        if stroke:
            self.ops.append(f"0 G {_RULE} w {x:.2f} {y:.2f} {w:.2f} {h:.2f} re S\n")

    def text(
        self, font: _Font, size: float, x: float, baseline: float, text: str, grey: str = "0", spacing: float = 0.0
    ) -> None:
        if not text:
            return
        code = pdfwrite.hex_string(pdfwrite.glyph_ids(font.face, text, self.glyphs.setdefault(font.key, {})))
        tc = f"{spacing:.2f} Tc " if spacing else ""
        reset = " 0 Tc" if spacing else ""
        self.ops.append(
            f"{grey} g BT /{pdfwrite.resource(font.key)} {size:.2f} Tf {tc}1 0 0 -1 {x:.2f} {baseline:.2f} Tm"
            f" <{code}> Tj{reset} ET\n"
        )

    def page(self) -> Page:
        return Page(PAGE[0], PAGE[1], "".join(self.ops).encode("ascii"), self.glyphs, frozenset())


def _baseline(face: TrueType, size: float, lead: float, top: float) -> float:
    """Where a line's baseline falls in a line box of height `lead` starting at `top` (CSS half-leading)."""
    ascent, descent = face.ascent * size / face.units, -face.descent * size / face.units
    return top + (lead - (ascent + descent)) / 2 + ascent


@dataclass
class _Cell:
    x: float
    width: float
    lines: list[str]
    align: str
    font: _Font
    lead: float
    grey: str = "0"


class _Layout:
    def __init__(self, fonts: _Fonts, unit: str, label: str) -> None:
        self.fonts = fonts
        self.unit = _collapse(unit)
        self.label = _collapse(label)
        self.pages: list[_Canvas] = []
        self.canvas = _Canvas()
        self.y = _TOP
        self.width = PAGE[0] - 2 * _SIDE
        self.header_end = _TOP  # where the table's header ends on this page: a row never waits for an emptier one

    def new_page(self) -> None:
        self.pages.append(self.canvas)
        self.canvas = _Canvas()
        self.y = _TOP

    def cells(self, table: Table, texts: Sequence[str], spans: Sequence[tuple[int, int]], head: bool) -> list[_Cell]:
        total = sum(table.widths)
        edges = [_SIDE]
        for w in table.widths:
            edges.append(edges[-1] + self.width * w / total)
        font = self.fonts.faces[head]
        lead = _HEAD_LEAD if head else _LEAD
        out = []
        for text, (first, span) in zip(texts, spans, strict=True):
            x, right = edges[first], edges[first + span]
            width = right - x - 2 * _PAD_X
            if not head and table.lined[first]:  # `white-space: pre-line`: each line break starts a line
                lines = [line for part in text.split("\n") for line in _lines(part, font.face, _SIZE, width)]
            else:
                lines = _lines(text, font.face, _SIZE, width)
            align = "c" if head else table.aligns[first]
            out.append(_Cell(x, right - x, lines, align, font, lead))
        return out

    def draw_cells(self, cells: list[_Cell], top: float, heights: list[float], fill: str | None) -> None:
        c = self.canvas
        for cell, h in zip(cells, heights, strict=True):
            c.rect(cell.x, top, cell.width, h, fill, False)
        for cell, h in zip(cells, heights, strict=True):
            block = len(cell.lines) * cell.lead
            line_top = top + max(_PAD_Y, (h - block) / 2)
            for line in cell.lines:
                size = _SIZE
                if cell.align == "c":
                    x = cell.x + (cell.width - _advance(cell.font.face, line, size)) / 2
                else:
                    x = cell.x + _PAD_X
                c.text(cell.font, size, x, _baseline(cell.font.face, size, cell.lead, line_top), line, cell.grey)
                line_top += cell.lead
        for cell, h in zip(cells, heights, strict=True):
            c.rect(cell.x, top, cell.width, h, None, True)

    def header(self, table: Table) -> None:
        self._header(table)
        self.header_end = self.y

    def _header(self, table: Table) -> None:
        top_cells = self.cells(table, [h.label for h in table.top], [(h.column, h.colspan) for h in table.top], True)
        bottom = table.bottom
        if not bottom:
            h = max(len(cell.lines) * _HEAD_LEAD for cell in top_cells) + 2 * _PAD_Y
            self.draw_cells(top_cells, self.y, [h] * len(top_cells), _HEAD_FILL)
            self.y += h
            return
        low = self.cells(table, [h.label for h in bottom], [(h.column, 1) for h in bottom], True)
        need = [len(cell.lines) * _HEAD_LEAD + 2 * _PAD_Y for cell in top_cells]
        first = max((n for n, h in zip(need, table.top, strict=True) if h.rowspan == 1), default=0.0)
        second = max(len(cell.lines) * _HEAD_LEAD + 2 * _PAD_Y for cell in low)
        whole = max((n for n, h in zip(need, table.top, strict=True) if h.rowspan > 1), default=0.0)
        second = max(second, whole - first)
        heights = [first if h.rowspan == 1 else first + second for h in table.top]
        self.draw_cells(top_cells, self.y, heights, _HEAD_FILL)
        self.draw_cells(low, self.y + first, [second] * len(low), _HEAD_FILL)
        self.y += first + second

    def heading(self, table: Table, count: str) -> None:
        bold, regular = self.fonts.faces[True], self.fonts.faces[False]
        spacing = 0.05 * 16  # letter-spacing: 0.05em
        lead = 16 * 1.35
        # Letter spacing adds at most 5 % to a line of 16 pt characters: lines measured against 1/1.05 of the page.
        for line in _lines(table.title, bold.face, 16, self.width / 1.05):
            line_width = _advance(bold.face, line, 16) + spacing * len(line)
            x = _SIDE + (self.width - line_width) / 2
            self.canvas.text(bold, 16, x, _baseline(bold.face, 16, lead, self.y), line, spacing=spacing)
            self.y += lead
        self.y += 2 * _MM
        meta = _collapse(f"{self.label}　{count}")
        x = _SIDE + self.width - _advance(regular.face, meta, _SIZE)
        self.canvas.text(regular, _SIZE, x, _baseline(regular.face, _SIZE, _LEAD, self.y), meta, _META_GREY)
        self.y += _LEAD + 2 * _MM

    def table(self, table: Table, first: bool) -> None:
        if not first:
            self.new_page()
        self.heading(table, f"共 {len(table.body)} {'项' if first else '条'}")
        self.header(table)
        bottom = PAGE[1] - _BOTTOM
        spans = [(i, 1) for i in range(len(table.columns))]
        rows = [(self.cells(table, list(row), spans, False), i % 2 == 1) for i, row in enumerate(table.body)]
        if not table.body:
            empty = self.cells(table, ["无"], [(0, len(table.columns))], False)
            empty[0].align, empty[0].grey = "c", _GREY
            rows = [(empty, False)]
        signed = _SIGN_GAP + _SIGN_HEIGHT if table.signoff is not None else 0.0
        for n, (cells, even) in enumerate(rows, 1):
            while cells:
                h = max(len(cell.lines) * cell.lead for cell in cells) + 2 * _PAD_Y
                # The last row goes over with the sign-off rather than leave it alone on a page (when both fit).
                keep = signed if n == len(rows) and self.header_end + h + signed <= bottom else 0.0
                if self.y + h + keep > bottom and self.y > self.header_end:
                    self.new_page()
                    self.header(table)
                    continue
                room = bottom - self.y
                if h <= room:
                    self.draw_cells(cells, self.y, [h] * len(cells), _EVEN_FILL if even else None)
                    self.y += h
                    break
                # Taller than a whole page: as many lines as fit, the rest on the next page.
                fit = max(1, int((room - 2 * _PAD_Y) // _LEAD))
                head = [_Cell(c.x, c.width, c.lines[:fit], c.align, c.font, c.lead, c.grey) for c in cells]
                self.draw_cells(head, self.y, [room] * len(head), _EVEN_FILL if even else None)
                cells = [_Cell(c.x, c.width, c.lines[fit:], c.align, c.font, c.lead, c.grey) for c in cells]
                self.new_page()
                self.header(table)
        if table.signoff is not None:
            self.signoff(table.signoff)

    def signoff(self, signoff: SignOff) -> None:
        """编制单位, 审核人 (a line to sign on) and 编制日期 across the page, each over a third; the seal's
        place under 编制单位. Whole under the last row (the row is taken over with it when they do not fit), alone
        on the next page only when the last row with it would not fit a page."""
        if self.y + _SIGN_GAP + _SIGN_HEIGHT > PAGE[1] - _BOTTOM:
            self.new_page()
        else:
            self.y += _SIGN_GAP
        font, third = self.fonts.faces[False], self.width / 3
        texts = [_lines(f"{label}：{value}", font.face, _SIGN_SIZE, third) for label, value in signoff.fields]
        for i, ((_, value), lines) in enumerate(zip(signoff.fields, texts, strict=True)):
            x = _SIDE + i * third
            for k, line in enumerate(lines):  # a long name wraps inside its third, as the page's inline block
                self.canvas.text(
                    font, _SIGN_SIZE, x, _baseline(font.face, _SIGN_SIZE, _SIGN_LEAD, self.y + k * _SIGN_LEAD), line
                )
            if not value:
                start = x + _advance(font.face, lines[-1], _SIGN_SIZE)
                rule, end = self.y + len(lines) * _SIGN_LEAD - 1.0, start + _SIGN_BLANK
                self.canvas.ops.append(f"0 G {_RULE} w {start:.2f} {rule:.2f} m {end:.2f} {rule:.2f} l S\n")
        top = self.y + max(map(len, texts)) * _SIGN_LEAD + 1 * _MM
        self.canvas.text(font, _SIGN_SIZE, _SIDE, _baseline(font.face, _SIGN_SIZE, _SIGN_LEAD, top), signoff.seal)
        self.y += _SIGN_HEIGHT

    def run(self, tables: Sequence[Table]) -> list[Page]:
        for i, table in enumerate(tables):
            self.table(table, i == 0)
        self.pages.append(self.canvas)
        regular = self.fonts.faces[False]
        out = []
        for number, canvas in enumerate(self.pages, 1):
            body = canvas.ops[1:]  # the running head goes first, so that text is read in page order
            del canvas.ops[1:]
            canvas.text(regular, 8, _SIDE, _TOP - 4 * _MM, self.unit, _GREY)
            label_x = PAGE[0] - _SIDE - _advance(regular.face, self.label, 8)
            canvas.text(regular, 8, label_x, _TOP - 4 * _MM, self.label, _GREY)
            canvas.ops.extend(body)
            footer = f"第 {number} 页，共 {len(self.pages)} 页"
            x = (PAGE[0] - _advance(regular.face, footer, 9)) / 2
            canvas.text(regular, 9, x, PAGE[1] - _BOTTOM + 6 * _MM, footer)
            out.append(canvas.page())
        return out


def pdf_bytes(tables: Sequence[Table], unit: str, label: str, title: str) -> bytes:
    """The tables as a PDF; Fallback where this typesetter cannot set them (then the page is printed)."""
    fonts = _Fonts()
    pages = _Layout(fonts, unit, label).run(tables)
    return pdfwrite.document(pages, fonts.source, title)


def write(tables: Sequence[Table], unit: str, label: str, title: str, path: Path, page: str) -> dict[str, str]:
    """The table PDF's one choice of path: typeset the tables to `path`, or, where that cannot be done (a
    character outside the print font, no print font), print the HTML `page` by WeasyPrint. Which path made
    it, for the manifest (`drawing.paths.TABLE_PDF`)."""
    try:
        data, how = pdf_bytes(tables, unit, label, title), TABLE_PDF[0]
    except Fallback:
        data, how = weasyprint_pdf(page), TABLE_PDF[1]
    path.unlink(missing_ok=True)  # a new file, never written through a link
    path.write_bytes(data)
    return {str(path): how}
