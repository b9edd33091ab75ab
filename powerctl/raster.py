"""SVG → PNG and SVG → PDF in-process, with librsvg and cairo through ctypes.

The flowchart's SVG is the one picture; PNG and PDF are drawn from it, so all three agree. librsvg lays
text out with Pango, the same as Graphviz, and cairo embeds font subsets in the PDF. Pixels are encoded by
Pillow at a fast zlib level (libpng's default level spent three times as long as drawing). PDF dates are
fixed afterwards so the same SVG gives the same bytes.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable, Sequence
from functools import partial
from io import BytesIO
from typing import Any

from PIL import Image

PNG_DPI = 96.0
_CAIRO_FORMAT_RGB24 = 1
WRITE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_ubyte), ctypes.c_uint)
_PDF_DATE = re.compile(rb"/(?:CreationDate|ModDate) ?\(((?:D:)?[0-9][^)]*)\)")
_FIXED_DIGITS = b"20000101000000000000"


class RasterError(Exception):
    """librsvg could not read an SVG, or cairo could not draw it."""


class _Rect(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double), ("width", ctypes.c_double), ("height", ctypes.c_double)]


def fix_pdf_dates(data: bytes) -> bytes:
    """PDF creation/modification dates set to a fixed day, same length, so the xref stays valid."""

    def fixed(m: re.Match[bytes]) -> bytes:
        date = m.group(1)
        digits = iter(_FIXED_DIGITS)
        return m.group(0).replace(date, bytes(next(digits) if 48 <= b <= 57 else b for b in date))

    return _PDF_DATE.sub(fixed, data)


class Rasterizer:
    """One per process or thread: `png(svg)`, `pdf([svg, …])` (one page per SVG)."""

    def __init__(self) -> None:
        self._rsvg = ctypes.CDLL("librsvg-2.so.2")
        self._cairo = ctypes.CDLL("libcairo.so.2")
        self._gobject = ctypes.CDLL("libgobject-2.0.so.0")
        r, c = self._rsvg, self._cairo
        r.rsvg_handle_new_from_data.restype = ctypes.c_void_p
        r.rsvg_handle_new_from_data.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
        r.rsvg_handle_set_dpi.argtypes = [ctypes.c_void_p, ctypes.c_double]
        r.rsvg_handle_get_intrinsic_size_in_pixels.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_double),
            ctypes.POINTER(ctypes.c_double),
        ]
        r.rsvg_handle_render_document.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.POINTER(_Rect),
            ctypes.c_void_p,
        ]
        self._gobject.g_object_unref.argtypes = [ctypes.c_void_p]
        c.cairo_image_surface_create.restype = ctypes.c_void_p
        c.cairo_image_surface_create.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        c.cairo_image_surface_get_data.restype = ctypes.c_void_p
        c.cairo_image_surface_get_data.argtypes = [ctypes.c_void_p]
        c.cairo_image_surface_get_stride.argtypes = [ctypes.c_void_p]
        c.cairo_pdf_surface_create_for_stream.restype = ctypes.c_void_p
        c.cairo_pdf_surface_create_for_stream.argtypes = [WRITE, ctypes.c_void_p, ctypes.c_double, ctypes.c_double]
        c.cairo_pdf_surface_set_size.argtypes = [ctypes.c_void_p, ctypes.c_double, ctypes.c_double]
        c.cairo_create.restype = ctypes.c_void_p
        c.cairo_create.argtypes = [ctypes.c_void_p]
        c.cairo_set_source_rgb.argtypes = [ctypes.c_void_p, ctypes.c_double, ctypes.c_double, ctypes.c_double]
        c.cairo_status.argtypes = [ctypes.c_void_p]
        c.cairo_surface_status.argtypes = [ctypes.c_void_p]
        for name in ("cairo_paint", "cairo_show_page", "cairo_destroy"):
            getattr(c, name).argtypes = [ctypes.c_void_p]
        for name in ("cairo_surface_flush", "cairo_surface_finish", "cairo_surface_destroy"):
            getattr(c, name).argtypes = [ctypes.c_void_p]

    def _handle(self, svg: bytes, dpi: float) -> tuple[int, float, float]:
        error = ctypes.c_void_p()
        handle = self._rsvg.rsvg_handle_new_from_data(svg, len(svg), ctypes.byref(error))
        if not handle:
            raise RasterError("librsvg 无法读取 SVG")
        self._rsvg.rsvg_handle_set_dpi(handle, dpi)
        width, height = ctypes.c_double(), ctypes.c_double()
        if not self._rsvg.rsvg_handle_get_intrinsic_size_in_pixels(handle, ctypes.byref(width), ctypes.byref(height)):
            self._gobject.g_object_unref(handle)
            raise RasterError("SVG 没有尺寸")
        return handle, width.value, height.value

    def _draw(self, handle: int, context: int, width: float, height: float) -> None:
        viewport = _Rect(0.0, 0.0, width, height)
        if not self._rsvg.rsvg_handle_render_document(handle, context, ctypes.byref(viewport), None):
            raise RasterError("librsvg 绘制失败")

    def _draw_page(self, handle: int, width: float, height: float, context: int) -> None:
        self._draw(handle, context, width, height)

    def png(self, svg: bytes, dpi: float = PNG_DPI) -> bytes:
        c = self._cairo
        handle, width, height = self._handle(svg, dpi)
        size = (max(1, round(width)), max(1, round(height)))
        surface = c.cairo_image_surface_create(_CAIRO_FORMAT_RGB24, *size)
        context = c.cairo_create(surface)
        try:
            c.cairo_set_source_rgb(context, 1.0, 1.0, 1.0)
            c.cairo_paint(context)
            self._draw(handle, context, float(size[0]), float(size[1]))
            c.cairo_surface_flush(surface)
            if c.cairo_status(context) != 0:
                raise RasterError("cairo 绘制失败")
            stride = c.cairo_image_surface_get_stride(surface)
            pixels = ctypes.string_at(c.cairo_image_surface_get_data(surface), stride * size[1])
        finally:
            c.cairo_destroy(context)
            c.cairo_surface_destroy(surface)
            self._gobject.g_object_unref(handle)
        image = Image.frombuffer("RGB", size, pixels, "raw", "BGRX", stride, 1)
        out = BytesIO()
        image.save(out, format="PNG", compress_level=1, dpi=(dpi, dpi))
        return out.getvalue()

    def pdf(self, svgs: Sequence[bytes]) -> bytes:
        """One PDF page per SVG, at the SVG's own size (points)."""
        handles = [self._handle(svg, 72.0) for svg in svgs]
        try:
            pages = [(w, h, partial(self._draw_page, handle, w, h)) for handle, w, h in handles]
            return pdf_pages(self._cairo, pages, RasterError)
        finally:
            for handle, _, _ in handles:
                self._gobject.g_object_unref(handle)


def pdf_pages(
    cairo: ctypes.CDLL, pages: Sequence[tuple[float, float, Callable[[int], None]]], error: type[Exception]
) -> bytes:
    """A PDF of the pages (width and height in points, and what draws the page on a cairo context), dates
    fixed. `cairo` must have the PDF functions declared (Rasterizer and paint.Painter do)."""
    chunks: list[bytes] = []

    def write(closure: Any, data: Any, length: int) -> int:
        chunks.append(ctypes.string_at(data, length))
        return 0  # CAIRO_STATUS_SUCCESS

    writer = WRITE(write)
    surface = cairo.cairo_pdf_surface_create_for_stream(writer, None, 1.0, 1.0)
    context = cairo.cairo_create(surface)
    try:
        for width, height, draw in pages:
            cairo.cairo_pdf_surface_set_size(surface, width, height)
            draw(context)
            cairo.cairo_show_page(context)
        if cairo.cairo_status(context) != 0:
            raise error("cairo 生成 PDF 失败")
    finally:
        cairo.cairo_destroy(context)
        cairo.cairo_surface_finish(surface)
        status = cairo.cairo_surface_status(surface)
        cairo.cairo_surface_destroy(surface)
    if status != 0:
        raise error("cairo 生成 PDF 失败")
    return fix_pdf_dates(b"".join(chunks))
