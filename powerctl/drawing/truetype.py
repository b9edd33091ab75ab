"""TrueType fonts read and cut down for embedding in a PDF, with no font library at run time.

`pdfwrite` embeds, in every flowchart PDF, the glyphs it uses of the print font (`fonts`: the working
character set with TrueType outlines). Cutting a TrueType font is copying bytes: each glyph is a slice of
the `glyf` table, and glyph ids are kept, so the PDF's character codes are the font's own glyph ids and a
page's content does not depend on which other pages share the font. What a PDF viewer needs of the font
(PDF 32000-1, 9.9) is written: `head`, `hhea`, `maxp`, `hmtx`, `loca`, `glyf`, with an empty `cmap` and
a `post` without names; the table checksums are those of the OpenType specification.
"""

from __future__ import annotations

import contextlib
import struct
import sys
from array import array
from functools import cache
from itertools import accumulate
from pathlib import Path

_NEEDED = (b"head", b"hhea", b"maxp", b"hmtx", b"loca", b"glyf", b"cmap")
_COMPONENT_WORDS = 0x0001  # ARG_1_AND_2_ARE_WORDS
_COMPONENT_SCALE = 0x0008
_COMPONENT_MORE = 0x0020
_COMPONENT_XY_SCALE = 0x0040
_COMPONENT_2X2 = 0x0080
_CHECKSUM_MAGIC = 0xB1B0AFBA
# A cmap that maps no character (the PDF gives glyph ids): one format 4 subtable, the final segment only.
_EMPTY_CMAP = struct.pack(">HHHHI", 0, 1, 3, 1, 12) + struct.pack(">12H", 4, 24, 0, 2, 2, 0, 0, 0xFFFF, 0, 0xFFFF, 1, 0)


class FontError(Exception):
    """Not a TrueType font this module can cut (no glyf outlines, a table missing or out of bounds)."""


def _words(data: bytes | bytearray | memoryview, code: str) -> array[int]:
    """Big-endian unsigned 16- ("H") or 32-bit ("I") words."""
    words = array(code, bytes(data))
    if sys.byteorder == "little":
        words.byteswap()
    return words


def checksum(data: bytes | bytearray) -> int:
    """The OpenType table checksum: the sum of big-endian 32-bit words, the last one zero-padded."""
    padded = bytes(data) + b"\0" * (-len(data) % 4)
    return sum(_words(padded, "I")) & 0xFFFFFFFF


class TrueType:
    """One font file's glyphs, advances and character map."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes()
        if data[:4] not in (b"\x00\x01\x00\x00", b"true") or len(data) < 12:
            raise FontError(f"{path.name}: 不是 TrueType 字体")
        count = struct.unpack_from(">H", data, 4)[0]
        tables: dict[bytes, bytes] = {}
        for i in range(count):
            if 12 + 16 * (i + 1) > len(data):
                raise FontError(f"{path.name}: 表目录不完整")
            tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            if offset + length > len(data):
                raise FontError(f"{path.name}: 表 {tag!r} 越界")
            tables[tag] = data[offset : offset + length]
        missing = [tag.decode() for tag in _NEEDED if tag not in tables]
        if missing:
            raise FontError(f"{path.name}: 缺少 {'、'.join(missing)} 表")
        head, hhea, maxp = tables[b"head"], tables[b"hhea"], tables[b"maxp"]
        self.units: int
        self.bbox: tuple[int, int, int, int]
        self.ascent: int
        self.descent: int
        self.count: int
        try:
            self.units = struct.unpack_from(">H", head, 18)[0]
            self.bbox = struct.unpack_from(">4h", head, 36)
            long_loca = struct.unpack_from(">h", head, 50)[0] == 1
            self.ascent, self.descent = struct.unpack_from(">hh", hhea, 4)
            metrics = struct.unpack_from(">H", hhea, 34)[0]
            self.count = struct.unpack_from(">H", maxp, 4)[0]
        except struct.error:
            raise FontError(f"{path.name}: head、hhea 或 maxp 表太短") from None
        if not self.units or not metrics or len(tables[b"hmtx"]) < 4 * metrics:
            raise FontError(f"{path.name}: 度量表不完整")
        loca = tables[b"loca"]
        size = 4 if long_loca else 2
        if len(loca) < size * (self.count + 1):
            raise FontError(f"{path.name}: loca 表太短")
        offsets = _words(loca[: size * (self.count + 1)], "I" if long_loca else "H")
        self._loca = list(offsets) if long_loca else [2 * value for value in offsets]
        self._glyf = tables[b"glyf"]
        if any(a > b for a, b in zip(self._loca, self._loca[1:], strict=False)) or self._loca[-1] > len(self._glyf):
            raise FontError(f"{path.name}: loca 表无效")
        hmtx = tables[b"hmtx"]
        self._hmtx = hmtx
        pairs = _words(hmtx[: 4 * metrics], "H")
        last = pairs[2 * (metrics - 1)]
        self.advances: list[int] = list(pairs[0::2]) + [last] * max(0, self.count - metrics)
        self._metrics = metrics
        self._pieces: dict[int, tuple[bytes, int, bytes, tuple[int, ...]]] = {}
        self._tables = tables
        self.cmap: dict[int, int] = {c: g for c, g in _best_cmap(tables[b"cmap"]).items() if g < self.count}
        self.name = _postscript_name(tables.get(b"name", b"")) or path.stem

    def glyph(self, gid: int) -> bytes:
        return self._glyf[self._loca[gid] : self._loca[gid + 1]]

    def _piece(self, gid: int) -> tuple[bytes, int, bytes, tuple[int, ...]]:
        """A glyph as the subset keeps it: its data padded to four bytes (so checksums add up), their
        checksum, its horizontal metrics, and the glyphs it is made of."""
        piece = self._pieces.get(gid)
        if piece is None:
            data = self.glyph(gid)
            data += b"\0" * (-len(data) % 4)
            piece = (data, checksum(data), self._hmetric(gid), tuple(self._components(gid)))
            self._pieces[gid] = piece
        return piece

    def _components(self, gid: int) -> list[int]:
        data = self.glyph(gid)
        if len(data) < 10 or struct.unpack_from(">h", data, 0)[0] >= 0:
            return []
        out: list[int] = []
        at = 10
        while at + 4 <= len(data):
            flags, component = struct.unpack_from(">HH", data, at)
            out.append(component)
            at += 4 + (4 if flags & _COMPONENT_WORDS else 2)
            if flags & _COMPONENT_SCALE:
                at += 2
            elif flags & _COMPONENT_XY_SCALE:
                at += 4
            elif flags & _COMPONENT_2X2:
                at += 8
            if not flags & _COMPONENT_MORE:
                break
        return [c for c in out if c < self.count]

    def _hmetric(self, gid: int) -> bytes:
        if gid < self._metrics:
            return self._hmtx[4 * gid : 4 * gid + 4]
        lsb_at = 4 * self._metrics + 2 * (gid - self._metrics)
        lsb = self._hmtx[lsb_at : lsb_at + 2].ljust(2, b"\0")
        return struct.pack(">H", self.advances[gid]) + lsb

    def subset(self, gids: set[int]) -> bytes:
        """A font with these glyphs (and .notdef, and the parts of composite glyphs), under their own ids."""
        keep = {g for g in gids if 0 <= g < self.count} | {0}
        todo = list(keep)
        while todo:
            for component in self._piece(todo.pop())[3]:
                if component not in keep:
                    keep.add(component)
                    todo.append(component)
        top = max(keep) + 1
        ordered = sorted(keep)
        pieces = [self._piece(gid) for gid in ordered]
        lengths = [0] * top
        hmtx = bytearray(4 * top)
        for gid, (data, _, metric, _) in zip(ordered, pieces, strict=True):
            lengths[gid] = len(data)
            hmtx[4 * gid : 4 * gid + 4] = metric
        offsets = array("I", accumulate(lengths, initial=0))  # loca: each glyph's start, then the end
        glyf_sum = sum(piece[1] for piece in pieces)
        hmtx_sum = sum(int.from_bytes(piece[2], "big") for piece in pieces)
        loca_sum = sum(offsets)
        if sys.byteorder == "little":
            offsets.byteswap()
        head = bytearray(self._tables[b"head"])
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set below
        head[50:52] = struct.pack(">h", 1)  # long offsets in loca
        hhea = bytearray(self._tables[b"hhea"])
        hhea[34:36] = struct.pack(">H", top)
        maxp = bytearray(self._tables[b"maxp"])
        maxp[4:6] = struct.pack(">H", top)
        post = struct.pack(">I", 0x00030000) + self._tables.get(b"post", b"")[4:32].ljust(28, b"\0")
        tables = {
            b"cmap": (_EMPTY_CMAP, None),
            b"glyf": (b"".join(piece[0] for piece in pieces), glyf_sum),
            b"head": (bytes(head), None),
            b"hhea": (bytes(hhea), None),
            b"hmtx": (bytes(hmtx), hmtx_sum),
            b"loca": (offsets.tobytes(), loca_sum),
            b"maxp": (bytes(maxp), None),
            b"post": (post, None),
        }
        return _font_file(tables)


def _font_file(tables: dict[bytes, tuple[bytes, int | None]]) -> bytes:
    """The font file of the tables (each with its checksum, if already known)."""
    count = len(tables)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, 16 * power, power.bit_length() - 1, 16 * (count - power))
    directory = bytearray()
    body = bytearray()
    offset = 12 + 16 * count
    total = 0
    for tag in sorted(tables):
        data, known = tables[tag]
        sum_ = checksum(data) if known is None else known & 0xFFFFFFFF
        total += sum_
        directory += struct.pack(">4sIII", tag, sum_, offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + directory + body)
    adjustment = (_CHECKSUM_MAGIC - (checksum(header + directory) + total)) & 0xFFFFFFFF
    head_at = struct.unpack_from(">I", directory, 16 * sorted(tables).index(b"head") + 8)[0]
    font[head_at + 8 : head_at + 12] = struct.pack(">I", adjustment)
    return bytes(font)


def _postscript_name(data: bytes) -> str | None:
    """Name 6 of the `name` table (Windows or Macintosh), in the printable ASCII a PostScript name has."""
    try:
        count, strings = struct.unpack_from(">HH", data, 2)
        for i in range(count):
            platform, _, _, name_id, length, offset = struct.unpack_from(">6H", data, 6 + 12 * i)
            if name_id != 6 or platform not in (1, 3):
                continue
            raw = data[strings + offset : strings + offset + length]
            text = raw.decode("utf-16-be" if platform == 3 else "latin-1", errors="replace")
            text = "".join(ch for ch in text if 33 <= ord(ch) < 127 and ch not in "[](){}<>/%")
            if text:
                return text[:63]
    except struct.error:
        pass
    return None


def _best_cmap(data: bytes) -> dict[int, int]:
    """Unicode code point → glyph id, from the Windows Unicode subtable (full repertoire first), else the
    Unicode platform's."""
    try:
        count = struct.unpack_from(">H", data, 2)[0]
        found: dict[tuple[int, int], int] = {}
        for i in range(count):
            platform, encoding, offset = struct.unpack_from(">HHI", data, 4 + 8 * i)
            found[(platform, encoding)] = offset
        for key in ((3, 10), (0, 4), (3, 1), (0, 3), (0, 6), (0, 2), (0, 1), (0, 0)):
            if key in found:
                with contextlib.suppress(FontError, struct.error):  # a format not read here: the next one
                    return _subtable(data, found[key])
    except struct.error:
        pass
    raise FontError("字体没有可用的 Unicode cmap")


def _subtable(data: bytes, at: int) -> dict[int, int]:
    fmt = struct.unpack_from(">H", data, at)[0]
    out: dict[int, int] = {}
    if fmt == 12:
        groups = struct.unpack_from(">I", data, at + 12)[0]
        for i in range(groups):
            start, end, first = struct.unpack_from(">III", data, at + 16 + 12 * i)
            out.update(zip(range(start, end + 1), range(first, first + end - start + 1), strict=True))
        return out
    if fmt != 4:
        raise FontError(f"cmap 子表格式 {fmt} 不支持")
    segments = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, at + 14)
    starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, at + 16 + 4 * segments)
    ranges_at = at + 16 + 6 * segments
    ranges = struct.unpack_from(f">{segments}H", data, ranges_at)
    for i in range(segments):
        for code in range(starts[i], min(ends[i], 0xFFFE) + 1):
            if ranges[i] == 0:
                gid = (code + deltas[i]) & 0xFFFF
            else:
                gid = struct.unpack_from(">H", data, ranges_at + 2 * i + ranges[i] + 2 * (code - starts[i]))[0]
                gid = (gid + deltas[i]) & 0xFFFF if gid else 0
            if gid:
                out[code] = gid
    return out


@cache
def load(path: Path) -> TrueType:
    """The font at `path`, read once per process (FontError if it cannot be cut)."""
    return TrueType(path)
