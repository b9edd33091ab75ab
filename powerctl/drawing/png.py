"""PNG encoding of cairo pixels without a per-pixel pass in Python.

A flowchart is several million pixels, and a general encoder spends most of its time choosing a filter for
every row (Pillow's adaptive filtering took twice as long as drawing). Flowcharts are large flat areas, for
which the "none" filter and zlib's fastest level compress about as well, at a fraction of the cost. (ISA-L's
deflate is seven times faster again, but gave other bytes for the same input depending on what the process
had done before, and a bundle must be the same file every time.) The rows arrive as cairo draws them; the
painter swaps red and blue while drawing so that, on a little-endian machine, cairo's premultiplied ARGB32
words are already PNG's R, G, B, A bytes (every pixel is opaque: the picture starts on a white page).
"""

from __future__ import annotations

import struct
import zlib

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGBA = 6


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def encode_rgba(pixels: memoryview, width: int, height: int, stride: int, dpi: float) -> bytes:
    """An 8-bit RGBA PNG of rows of `width` R, G, B, A bytes, `stride` bytes apart."""
    row = width * 4
    parts: list[bytes | memoryview] = []
    for start in range(0, height * stride, stride):
        parts.append(b"\0")  # filter type 0 (none)
        parts.append(pixels[start : start + row])
    data = zlib.compress(b"".join(parts), 1)
    per_metre = round(dpi / 0.0254)
    return b"".join(
        (
            _SIGNATURE,
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, _RGBA, 0, 0, 0)),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", data),
            _chunk(b"IEND", b""),
        )
    )
