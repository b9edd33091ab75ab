"""Painting a picture (`picture.Picture`) with cairo: a flowchart's PNG.

Text is drawn as glyphs (cairo's font API, in the face fontconfig gives for the family, glyphs cached per
process), not through a text-layout engine per line: that took four fifths of the time librsvg spent on a
flowchart, and the labels need no shaping (Chinese and Latin text in one CJK font, lines broken by Graphviz).
A character the font has no glyph for raises `Unsupported`, and the fallback path (`paths`) draws the PNG
with Pango's font fallback. cairo is loaded through ctypes: pycairo has no wheels for Linux and would have
to be compiled against cairo's headers on every new machine.

One `Painter` per process or thread; it is not thread-safe.
"""

from __future__ import annotations

import ctypes
import math
import sys
from typing import Any

from powerctl.drawing.picture import Picture, Rgba, Text, Transform, Unsupported, white_backdrop
from powerctl.drawing.png import encode_rgba

PNG_DPI = 96.0
_ARGB32 = 0
_OPERATOR_SOURCE = 1
_OPERATOR_OVER = 2
_HINT_STYLE_SLIGHT = 2
_HINT_METRICS_OFF = 1


class PaintError(Exception):
    """cairo could not draw the picture."""


class _Glyph(ctypes.Structure):
    _fields_ = [("index", ctypes.c_ulong), ("x", ctypes.c_double), ("y", ctypes.c_double)]


class _TextExtents(ctypes.Structure):
    _fields_ = [(name, ctypes.c_double) for name in ("x_bearing", "y_bearing", "width", "height", "dx", "dy")]


def _signatures() -> dict[str, tuple[Any, list[Any]]]:
    p, d, i = ctypes.c_void_p, ctypes.c_double, ctypes.c_int
    glyphs = ctypes.POINTER(_Glyph)
    return {
        "cairo_image_surface_create_for_data": (p, [p, i, i, i, i]),
        "cairo_set_operator": (None, [p, i]),
        "cairo_create": (p, [p]),
        "cairo_destroy": (None, [p]),
        "cairo_status": (i, [p]),
        "cairo_surface_status": (i, [p]),
        "cairo_surface_flush": (None, [p]),
        "cairo_surface_destroy": (None, [p]),
        "cairo_save": (None, [p]),
        "cairo_restore": (None, [p]),
        "cairo_scale": (None, [p, d, d]),
        "cairo_translate": (None, [p, d, d]),
        "cairo_rotate": (None, [p, d]),
        "cairo_set_source_rgba": (None, [p, d, d, d, d]),
        "cairo_paint": (None, [p]),
        "cairo_new_path": (None, [p]),
        "cairo_move_to": (None, [p, d, d]),
        "cairo_line_to": (None, [p, d, d]),
        "cairo_curve_to": (None, [p, d, d, d, d, d, d]),
        "cairo_close_path": (None, [p]),
        "cairo_arc": (None, [p, d, d, d, d, d]),
        "cairo_fill_preserve": (None, [p]),
        "cairo_stroke": (None, [p]),
        "cairo_set_line_width": (None, [p, d]),
        "cairo_set_miter_limit": (None, [p, d]),
        "cairo_set_dash": (None, [p, ctypes.POINTER(d), i, d]),
        "cairo_toy_font_face_create": (p, [ctypes.c_char_p, i, i]),
        "cairo_set_font_face": (None, [p, p]),
        "cairo_set_font_size": (None, [p, d]),
        "cairo_font_options_create": (p, []),
        "cairo_font_options_set_hint_style": (None, [p, i]),
        "cairo_font_options_set_hint_metrics": (None, [p, i]),
        "cairo_set_font_options": (None, [p, p]),
        "cairo_get_scaled_font": (p, [p]),
        "cairo_scaled_font_text_to_glyphs": (
            i,
            [p, d, d, ctypes.c_char_p, i, ctypes.POINTER(glyphs), ctypes.POINTER(i), p, p, p],
        ),
        "cairo_scaled_font_glyph_extents": (None, [p, glyphs, i, ctypes.POINTER(_TextExtents)]),
        "cairo_show_glyphs": (None, [p, glyphs, i]),
        "cairo_glyph_free": (None, [glyphs]),
    }


class Painter:
    """`png(svg, dpi)`: the picture's pixels, drawn with cairo."""

    def __init__(self) -> None:
        if sys.byteorder != "little":
            raise OSError("the PNG path relies on cairo's little-endian pixel layout")
        self._c = c = ctypes.CDLL("libcairo.so.2")
        for name, (restype, argtypes) in _signatures().items():
            function = getattr(c, name)
            function.restype = restype
            function.argtypes = argtypes
        self._faces: dict[tuple[str, bool, bool], int] = {}
        self._pixels = (ctypes.c_ubyte * 0)()
        self._current: tuple[int, float] | None = None  # the font face and size last set on the context
        self._options = c.cairo_font_options_create()
        c.cairo_font_options_set_hint_metrics(self._options, _HINT_METRICS_OFF)
        c.cairo_font_options_set_hint_style(self._options, _HINT_STYLE_SLIGHT)

    def _face(self, font: tuple[str, bool, bool]) -> int:
        """cairo's face for a family and style, as fontconfig picks it."""
        face = self._faces.get(font)
        if face is None:
            family, bold, italic = font
            face = self._faces[font] = self._c.cairo_toy_font_face_create(
                family.encode("utf-8"), 1 if italic else 0, int(bold)
            )
        return face

    def _draw(self, cr: int, picture: Picture, scale: float, swap: bool) -> None:
        """Replay a picture; `swap` exchanges red and blue (PNG byte order from cairo's ARGB words)."""
        c = self._c
        c.cairo_save(cr)
        c.cairo_scale(cr, scale * picture.width / picture.view[0], scale * picture.height / picture.view[1])
        c.cairo_set_miter_limit(cr, 4.0)  # SVG's default
        c.cairo_set_font_options(cr, self._options)
        self._current = None

        def source(rgba: Rgba) -> None:
            r, g, b, a = rgba
            c.cairo_set_source_rgba(cr, *((b, g, r, a) if swap else (r, g, b, a)))

        first = True
        for group in picture.groups:
            c.cairo_save(cr)
            self._transform(cr, group.transform)
            items = group.items
            if first and swap and items and white_backdrop(items[0]):
                items = items[1:]  # Graphviz's white page: the pixels are white already
            first = False
            for item in items:
                if isinstance(item, Text):
                    source(item.fill)
                    self._show(cr, item)
                    continue
                c.cairo_new_path(cr)
                for op, v in item.path:
                    if op == "M":
                        c.cairo_move_to(cr, v[0], v[1])
                    elif op == "L":
                        c.cairo_line_to(cr, v[0], v[1])
                    elif op == "C":
                        c.cairo_curve_to(cr, *v)
                    elif op == "Z":
                        c.cairo_close_path(cr)
                    else:  # ellipse: a unit circle, scaled
                        c.cairo_save(cr)
                        c.cairo_translate(cr, v[0], v[1])
                        c.cairo_scale(cr, v[2] or 1e-9, v[3] or 1e-9)
                        c.cairo_arc(cr, 0.0, 0.0, 1.0, 0.0, 2 * math.pi)
                        c.cairo_restore(cr)
                if item.fill is not None:
                    source(item.fill)
                    c.cairo_fill_preserve(cr)
                if item.stroke is not None and item.width > 0:
                    source(item.stroke)
                    c.cairo_set_line_width(cr, item.width)
                    dashes = (ctypes.c_double * len(item.dash))(*item.dash)
                    c.cairo_set_dash(cr, dashes, len(item.dash), 0.0)
                    c.cairo_stroke(cr)
                c.cairo_new_path(cr)
            c.cairo_restore(cr)
            self._current = None  # the restore brought back the font set before the group
        c.cairo_restore(cr)
        if c.cairo_status(cr) != 0:
            raise PaintError("cairo 绘制失败")

    def _transform(self, cr: int, transform: Transform) -> None:
        c = self._c
        for name, args in transform:
            if name == "translate" and args:
                c.cairo_translate(cr, args[0], args[1] if len(args) > 1 else 0.0)
            elif name == "scale" and args:
                c.cairo_scale(cr, args[0], args[1] if len(args) > 1 else args[0])
            elif name == "rotate" and args:
                c.cairo_rotate(cr, math.radians(args[0]))

    def _show(self, cr: int, item: Text) -> None:
        """One line of text as glyphs, from its anchor."""
        c = self._c
        face = self._face(item.font)
        if self._current != (face, item.size):
            c.cairo_set_font_face(cr, face)
            c.cairo_set_font_size(cr, item.size)
            self._current = (face, item.size)
        font = c.cairo_get_scaled_font(cr)
        glyphs = ctypes.POINTER(_Glyph)()
        count = ctypes.c_int()
        start = item.anchor == "start"
        status = c.cairo_scaled_font_text_to_glyphs(
            font,
            item.x if start else 0.0,
            item.y if start else 0.0,
            item.text,
            len(item.text),
            ctypes.byref(glyphs),
            ctypes.byref(count),
            None,
            None,
            None,
        )
        if status != 0:
            raise Unsupported("text")
        try:
            n = count.value
            if any(glyphs[k].index == 0 for k in range(n)):
                raise Unsupported("a character the font has no glyph for")
            if not start:
                extents = _TextExtents()
                c.cairo_scaled_font_glyph_extents(font, glyphs, n, ctypes.byref(extents))
                c.cairo_save(cr)
                c.cairo_translate(cr, item.x - (extents.dx / 2 if item.anchor == "middle" else extents.dx), item.y)
            c.cairo_show_glyphs(cr, glyphs, n)
            if not start:
                c.cairo_restore(cr)
        finally:
            c.cairo_glyph_free(glyphs)

    def png(self, picture: Picture, dpi: float = PNG_DPI) -> bytes:
        c = self._c
        scale = dpi / 72.0
        width, height = max(1, round(picture.width * scale)), max(1, round(picture.height * scale))
        stride = width * 4  # ARGB32 rows need no padding
        if len(self._pixels) < stride * height:
            # Kept between pictures: a fresh surface of several million pixels costs as many page faults.
            self._pixels = (ctypes.c_ubyte * (stride * height))()
        surface = c.cairo_image_surface_create_for_data(self._pixels, _ARGB32, width, height, stride)
        cr = c.cairo_create(surface)
        try:
            c.cairo_set_operator(cr, _OPERATOR_SOURCE)
            c.cairo_set_source_rgba(cr, 1.0, 1.0, 1.0, 1.0)
            c.cairo_paint(cr)
            c.cairo_set_operator(cr, _OPERATOR_OVER)
            self._draw(cr, picture, scale, swap=True)
            c.cairo_surface_flush(surface)
            if c.cairo_surface_status(surface) != 0:
                raise PaintError("cairo 绘制失败")
            return encode_rgba(memoryview(self._pixels).cast("B"), width, height, stride, dpi)
        finally:
            c.cairo_destroy(cr)
            c.cairo_surface_destroy(surface)
