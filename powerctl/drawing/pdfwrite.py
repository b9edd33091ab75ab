"""The table PDF's writer (`documents.table_pdf`): pages written as PDF operators, fonts embedded as TrueType
subsets. The flowcharts no longer use it (Graphviz paints them onto cairo, `paths`); it goes once the table PDF
is printed by WeasyPrint.

cairo's PDF surface took about 12 ms per flowchart: a Python callback for each of a thousand small writes,
its own number formatting, a CFF subset and deflate at zlib's default level. A flowchart needs little of
PDF — filled and stroked paths in RGB, with an opacity now and then, and lines of text in one CJK font at
two weights — so the page is written here as PDF operators, and the text in each weight's print font
(`fonts`), whose glyphs are cut out by `truetype` under their own glyph ids (`Identity-H` codes,
`CIDToGIDMap /Identity`). Each page's content is made once and kept, so the unit's 全部流程图.pdf puts
together pages already written, with one subset per weight for all of them.

Text is placed as cairo placed it: each line from its anchor, glyph after glyph by the font's advances, no
kerning (Graphviz measured the line the same way). ToUnicode maps each glyph to the character it was
drawn for, so text extraction gives 行 and not the Kangxi radical that shares its glyph.

`Fallback` is raised for what this writer does not do (a character outside the print font, italics, no
print font built); the fallback path (`paths`) then makes the PDF. `fix_dates` gives a PDF written by
another program (the fallbacks) a fixed date, so that the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from powerctl.drawing.fonts import print_font
from powerctl.drawing.truetype import FontError, TrueType, load

_LEVEL = 6  # zlib's default: the same bytes for the same input every time (ISA-L's deflate was not)
_PDF_DATE = re.compile(rb"/(?:CreationDate|ModDate) ?\(((?:D:)?[0-9][^)]*)\)")
_FIXED_DIGITS = b"20000101000000000000"
_KAPPA = 0.5522847498307936  # a quarter ellipse as one cubic Bézier

FontKey = tuple[str, bool]  # family, bold
FontSource = Callable[[str, bool], "TrueType | None"]


class Fallback(Exception):
    """This writer does not make this PDF: the fallback path does (see the module's docstring)."""


def fix_dates(data: bytes) -> bytes:
    """PDF creation/modification dates set to a fixed day, same length, so the xref stays valid."""

    def fixed(m: re.Match[bytes]) -> bytes:
        date = m.group(1)
        digits = iter(_FIXED_DIGITS)
        return m.group(0).replace(date, bytes(next(digits) if 48 <= b <= 57 else b for b in date))

    return _PDF_DATE.sub(fixed, data)


class PrintFonts:
    """The print font of each family and weight (`fonts.print_font`), read once; None where there is none."""

    def __init__(self) -> None:
        self._loaded: dict[FontKey, TrueType | None] = {}

    def __call__(self, family: str, bold: bool) -> TrueType | None:
        key = (family, bold)
        if key not in self._loaded:
            path = print_font(family, bold)
            try:
                self._loaded[key] = load(path) if path is not None else None
            except (FontError, OSError):
                self._loaded[key] = None
        return self._loaded[key]


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    content: bytes  # the page's operators, uncompressed
    glyphs: dict[FontKey, dict[int, str]]  # per font: glyph id → the character it was drawn for
    alphas: frozenset[tuple[float, float]]  # (fill, stroke) opacities other than (1, 1)


def _n(value: float) -> str:
    """A coordinate: Graphviz writes two decimals, and 1/100 pt is finer than any device."""
    return f"{value:.2f}"


def _m(value: float) -> str:
    """A matrix entry (a scale or a rotation): six significant digits, not two decimals."""
    return f"{value:.6g}"


def _c(value: float) -> str:
    """A colour component, precise to a fraction of one of 255 levels."""
    return f"{value:.4f}"


def resource(key: FontKey) -> str:
    """A font's resource name: the same on every page and in every process, so contents can be reused."""
    family, bold = key
    return f"F{'B' if bold else 'R'}{hashlib.sha1(family.encode('utf-8')).hexdigest()[:6]}"


def _alpha_name(alphas: tuple[float, float]) -> str:
    """Named by the values written (`_c`, four decimals), so two opacities never share a name."""
    return f"A{_c(alphas[0]).replace('.', '')}_{_c(alphas[1]).replace('.', '')}"


def glyph_ids(font: TrueType, text: str, used: dict[int, str]) -> list[int]:
    """The font's glyphs for the text (Fallback for a character it lacks), each noted in `used` with the
    character it was drawn for (the page's ToUnicode)."""
    cmap = font.cmap
    ids = [cmap.get(ord(ch), 0) for ch in text]
    if 0 in ids:
        raise Fallback("a character the print font has no glyph for")
    for gid, ch in zip(ids, text, strict=True):
        used.setdefault(gid, ch)
    return ids


def hex_string(ids: Sequence[int]) -> str:
    """Glyph ids as the two-byte codes of an Identity-H font."""
    return struct.pack(f">{len(ids)}H", *ids).hex()


class _Writer:
    def __init__(self) -> None:
        self.parts: list[bytes] = [b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"]
        self.size = len(self.parts[0])
        self.offsets: list[int] = []

    def reserve(self) -> int:
        self.offsets.append(-1)
        return len(self.offsets)

    def put(self, number: int, body: bytes) -> None:
        self.offsets[number - 1] = self.size
        data = b"%d 0 obj\n%b\nendobj\n" % (number, body)
        self.parts.append(data)
        self.size += len(data)

    def add(self, body: bytes) -> int:
        number = self.reserve()
        self.put(number, body)
        return number

    def stream(self, data: bytes, extra: str = "") -> int:
        packed = zlib.compress(data, _LEVEL)
        head = f"<< /Length {len(packed)} /Filter /FlateDecode{extra} >>\nstream\n".encode("ascii")
        return self.add(head + packed + b"\nendstream")

    def finish(self, root: int, info: int) -> bytes:
        xref = self.size
        rows = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.offsets) + 1)]
        rows.extend(b"%010d 00000 n \n" % offset for offset in self.offsets)
        trailer = b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(self.offsets) + 1,
            root,
            info,
            xref,
        )
        return b"".join(self.parts) + b"".join(rows) + trailer


def _pdf_name(text: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_+") else f"#{ord(ch):02X}" for ch in text)


def _font(writer: _Writer, font: TrueType, key: FontKey, used: dict[int, str]) -> int:
    """The Type 0 font of one weight, with the subset of the glyphs the pages use."""
    gids = sorted(used)
    digest = hashlib.sha256(f"{font.name}|{key}|{gids}".encode()).digest()
    tag = "".join(chr(65 + b % 26) for b in digest[:6])
    name = _pdf_name(f"{tag}+{font.name}")
    program = font.subset(set(gids))
    file_ = writer.stream(program, f" /Length1 {len(program)}")
    scale = 1000 / font.units
    x0, y0, x1, y1 = (round(v * scale) for v in font.bbox)
    descriptor = writer.add(
        (
            f"<< /Type /FontDescriptor /FontName /{name} /Flags 4 /FontBBox [{x0} {y0} {x1} {y1}] /ItalicAngle 0"
            f" /Ascent {round(font.ascent * scale)} /Descent {round(font.descent * scale)}"
            f" /CapHeight {round(font.ascent * scale)} /StemV {120 if key[1] else 80} /FontFile2 {file_} 0 R >>"
        ).encode("ascii")
    )
    widths = _widths(font)
    runs: list[str] = []
    run: list[int] = []
    for gid in gids:
        if run and gid != run[-1] + 1:
            runs.append(f"{run[0]} [{' '.join(widths[g] for g in run)}]")
            run = []
        run.append(gid)
    if run:
        runs.append(f"{run[0]} [{' '.join(widths[g] for g in run)}]")
    cid_font = writer.add(
        (
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name}"
            " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
            f" /FontDescriptor {descriptor} 0 R /DW 1000 /W [{' '.join(runs)}] /CIDToGIDMap /Identity >>"
        ).encode("ascii")
    )
    to_unicode = writer.stream(_to_unicode(used))
    return writer.add(
        (
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H"
            f" /DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>"
        ).encode("ascii")
    )


@cache
def _widths(font: TrueType) -> list[str]:
    """Each glyph's advance in the thousandths of an em of a PDF's /W array (worked out once per font)."""
    scale = 1000 / font.units
    return [str(round(advance * scale)) for advance in font.advances]


@cache
def _bfchar(gid: int, ch: str) -> str:
    """A ToUnicode line: the glyph's code and the character it was drawn for."""
    return f"<{gid:04X}> <{ch.encode('utf-16-be').hex().upper()}>"


def _to_unicode(used: dict[int, str]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    items = sorted(used.items())
    for start in range(0, len(items), 100):
        block = items[start : start + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines.extend(_bfchar(gid, ch) for gid, ch in block)
        lines.append("endbfchar")
    lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    return "\n".join(lines).encode("ascii")


def document(pages: Sequence[Page], fonts: FontSource, title: str | None = None) -> bytes:
    """A PDF of the pages, one subset per font for all of them (and the title, if given, in its Info)."""
    if not pages:
        raise Fallback("no pages")
    writer = _Writer()
    catalog, tree = writer.reserve(), writer.reserve()
    used: dict[FontKey, dict[int, str]] = {}
    for p in pages:
        for key, glyphs in p.glyphs.items():
            merged = used.setdefault(key, {})
            for gid, ch in glyphs.items():
                merged.setdefault(gid, ch)
    objects: dict[FontKey, int] = {}
    for key in sorted(used):
        font = fonts(*key)
        if font is None:
            raise Fallback("no print font")
        objects[key] = _font(writer, font, key, used[key])
    kids: list[int] = []
    for p in pages:
        content = writer.stream(p.content)
        font_refs = " ".join(f"/{resource(key)} {objects[key]} 0 R" for key in sorted(p.glyphs))
        states = " ".join(
            f"/{_alpha_name(pair)} << /ca {_c(pair[0])} /CA {_c(pair[1])} >>"
            for pair in sorted(p.alphas | {(1.0, 1.0)})
        )
        kids.append(
            writer.add(
                (
                    f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {_n(p.width)} {_n(p.height)}]"
                    f" /Resources << /Font << {font_refs} >> /ExtGState << {states} >> >> /Contents {content} 0 R >>"
                ).encode("ascii")
            )
        )
    writer.put(tree, f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode())
    writer.put(catalog, f"<< /Type /Catalog /Pages {tree} 0 R >>".encode())
    named = f" /Title <FEFF{title.encode('utf-16-be').hex().upper()}>" if title else ""
    info = writer.add(f"<< /Producer (powerctl){named} >>".encode("ascii"))
    return writer.finish(catalog, info)
