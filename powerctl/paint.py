"""Painting Graphviz's SVG with cairo: a flowchart's PNG and PDF pages drawn from the one picture (the PDF
pages are written by `pdfwrite` where it can; cairo draws them otherwise).

Graphviz writes SVG with a handful of elements — polygons, polylines, paths of Bézier segments, ellipses and
lines of text that it has already laid out — so they are replayed onto a cairo surface here directly. Text is
drawn as glyphs (cairo's font API, glyphs cached per process), not through a text-layout engine per line:
that took four fifths of the time librsvg spent on a flowchart, and the labels need no shaping (Chinese and
Latin text in one CJK font, lines broken by Graphviz). The font is the working font of the one fontconfig
picks for the family (`fonts`: same outlines, a fixed character set, so PDF subsets are made five times
faster), or that font itself for a picture with a character outside the set. Anything outside the SVG
vocabulary, and any character the font has no glyph for, raises `Unsupported`, and the caller draws that
picture another way (librsvg, `raster`, or Graphviz's cairo renderer), which falls back to other fonts.

One `Painter` per process or thread; it is not thread-safe.
"""

from __future__ import annotations

import ctypes
import math
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from powerctl import pdfwrite
from powerctl.fonts import covers, locate, print_font, working
from powerctl.png import encode_rgba
from powerctl.raster import WRITE, pdf_pages
from powerctl.truetype import FontError, TrueType, load

PNG_DPI = 96.0
_SVG = "{http://www.w3.org/2000/svg}"
_ARGB32 = 0
_OPERATOR_SOURCE = 1
_OPERATOR_OVER = 2
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TRANSFORM = re.compile(r"(scale|rotate|translate)\(([^)]*)\)")
_NAMED = {
    "black": (0.0, 0.0, 0.0),
    "white": (1.0, 1.0, 1.0),
    "red": (1.0, 0.0, 0.0),
    "green": (0.0, 128 / 255, 0.0),
    "blue": (0.0, 0.0, 1.0),
    "gray": (128 / 255, 128 / 255, 128 / 255),
    "grey": (128 / 255, 128 / 255, 128 / 255),
    "lightgrey": (211 / 255, 211 / 255, 211 / 255),
    "lightgray": (211 / 255, 211 / 255, 211 / 255),
}
_SKIPPED = frozenset({"title", "desc", "metadata"})
_UNDRAWN_SHAPE = frozenset({"style", "transform"})  # attributes the painter does not draw
_UNDRAWN_TEXT = frozenset({"style", "transform", "text-decoration", "baseline-shift", "dx", "dy"})
_SEGMENT = re.compile(r"([A-DF-Za-df-z])([^A-DF-Za-df-z]*)")  # a command and its numbers (e: exponents)
_COLOURS: dict[tuple[str | None, str | None], Rgba | None] = {}
_HINT_STYLE_SLIGHT = 2
_HINT_METRICS_OFF = 1

Rgba = tuple[float, float, float, float]


class Unsupported(Exception):
    """The SVG uses something this painter does not draw (or a character the font lacks): use librsvg."""


class PaintError(Exception):
    """cairo could not draw or write the picture."""


class _Glyph(ctypes.Structure):
    _fields_ = [("index", ctypes.c_ulong), ("x", ctypes.c_double), ("y", ctypes.c_double)]


class _Cluster(ctypes.Structure):
    _fields_ = [("num_bytes", ctypes.c_int), ("num_glyphs", ctypes.c_int)]


class _TextExtents(ctypes.Structure):
    _fields_ = [(name, ctypes.c_double) for name in ("x_bearing", "y_bearing", "width", "height", "dx", "dy")]


@dataclass(frozen=True)
class Shape:
    path: tuple[tuple[str, tuple[float, ...]], ...]  # ("M"|"L"|"C"|"Z"|"E", numbers); E: ellipse cx cy rx ry
    fill: Rgba | None
    stroke: Rgba | None
    width: float
    dash: tuple[float, ...]


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    anchor: str
    font: tuple[str, bool, bool]  # family, bold, italic
    size: float
    fill: Rgba
    text: bytes  # UTF-8


Transform = tuple[tuple[str, tuple[float, ...]], ...]  # ("translate"|"scale"|"rotate", numbers), in order


@dataclass(frozen=True)
class Group:
    """Items drawn under one transform: a Graphviz SVG is one group; a page composed of several drawings
    (`powerctl.sheet`) has one per drawing, side by side, never nested."""

    transform: Transform
    items: tuple[Shape | Text, ...]


@dataclass(frozen=True)
class Picture:
    width: float  # points
    height: float
    view: tuple[float, float]  # viewBox width and height
    groups: tuple[Group, ...]
    common: bool  # every character is in the working fonts' set (powerctl.fonts)


def _colour(value: str | None, opacity: str | None) -> Rgba | None:
    """An SVG paint as RGBA (None: no paint); a flowchart uses a handful, so each is worked out once."""
    key = (value, opacity)
    if key not in _COLOURS:
        _COLOURS[key] = _parse_colour(value, opacity)
    return _COLOURS[key]


def _parse_colour(value: str | None, opacity: str | None) -> Rgba | None:
    if value is None or value in ("none", "transparent"):
        return None
    value = value.strip().lower()
    if value.startswith("#") and len(value) in (4, 7):
        digits = value[1:] if len(value) == 7 else "".join(ch * 2 for ch in value[1:])
        try:
            rgb = tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
        except ValueError:
            raise Unsupported(f"colour {value}") from None
    elif value in _NAMED:
        rgb = _NAMED[value]
    else:
        raise Unsupported(f"colour {value}")
    alpha = float(opacity) if opacity is not None else 1.0
    return (rgb[0], rgb[1], rgb[2], alpha)


def _numbers(text: str) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text)]


def _points(text: str, close: bool) -> tuple[tuple[str, tuple[float, ...]], ...]:
    values = _numbers(text)
    if len(values) < 4 or len(values) % 2:
        raise Unsupported("points")
    ops: list[tuple[str, tuple[float, ...]]] = [("M", (values[0], values[1]))]
    ops.extend(("L", (values[i], values[i + 1])) for i in range(2, len(values), 2))
    if close:
        ops.append(("Z", ()))
    return tuple(ops)


def _path(text: str) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """Absolute M, L, C and Z, with implicit repetition — what Graphviz writes."""
    ops: list[tuple[str, tuple[float, ...]]] = []
    arity = {"M": 2, "L": 2, "C": 6, "Z": 0}
    if text.strip() and _SEGMENT.match(text.strip()) is None:
        raise Unsupported("path")
    for command, args in _SEGMENT.findall(text):
        size = arity.get(command)
        if size is None:
            raise Unsupported("relative path" if command in "mlcz" else "path")
        numbers = [float(n) for n in _NUMBER.findall(args)]
        if _NUMBER.sub("", args).replace(",", "").strip():
            raise Unsupported("path")
        if size == 0:
            if numbers:
                raise Unsupported("path")
            ops.append(("Z", ()))
            continue
        if not numbers or len(numbers) % size:
            raise Unsupported("path")
        for i in range(0, len(numbers), size):
            # After a moveto, further pairs are linetos (SVG's rule).
            ops.append(("L" if command == "M" and i else command, tuple(numbers[i : i + size])))
    if not ops or ops[0][0] != "M":
        raise Unsupported("path")
    return tuple(ops)


def _collapse(text: str) -> str:
    """SVG's default white-space handling, as librsvg does it."""
    text = text.replace("\n", "").replace("\r", "").replace("\t", " ").strip(" ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _shape(element: ET.Element, tag: str) -> Shape:
    get = element.get
    if not _UNDRAWN_SHAPE.isdisjoint(element.attrib):
        raise Unsupported(f"{tag} with style or transform")
    if tag == "polygon":
        path = _points(get("points", ""), True)
    elif tag == "polyline":
        path = _points(get("points", ""), False)
    elif tag == "path":
        path = _path(get("d", ""))
    else:  # ellipse
        values = [float(get(name, "0")) for name in ("cx", "cy", "rx", "ry")]
        path = (("E", tuple(values)),)
    dash = tuple(_numbers(get("stroke-dasharray", ""))) if get("stroke-dasharray") not in (None, "none") else ()
    if any(d < 0 for d in dash) or (dash and not any(dash)):
        raise Unsupported("dash")
    return Shape(
        path,
        _colour(get("fill", "black"), get("fill-opacity")),
        _colour(get("stroke"), get("stroke-opacity")),
        float(get("stroke-width", "1")),
        dash,
    )


def _text(element: ET.Element) -> Text | None:
    get = element.get
    if len(element) or not _UNDRAWN_TEXT.isdisjoint(element.attrib):
        raise Unsupported("text with children or decoration")
    content = _collapse(element.text or "")
    if not content:
        return None
    weight = get("font-weight", "normal")
    bold = weight == "bold" or weight == "bolder" or (weight.isdigit() and int(weight) >= 600)
    italic = get("font-style", "normal") in ("italic", "oblique")
    anchor = get("text-anchor", "start")
    if anchor not in ("start", "middle", "end"):
        raise Unsupported("text-anchor")
    family = (get("font-family") or "sans-serif").split(",")[0].strip().strip("'\"")
    fill = _colour(get("fill", "black"), get("fill-opacity"))
    if fill is None:
        return None
    return Text(
        float(get("x", "0")),
        float(get("y", "0")),
        anchor,
        (family, bold, italic),
        float(get("font-size", "14")),
        fill,
        content.encode("utf-8"),
    )


def _white_backdrop(item: Shape | Text) -> bool:
    return isinstance(item, Shape) and item.fill == (1.0, 1.0, 1.0, 1.0) and item.stroke is None


def _length(value: str | None) -> float:
    if value is None:
        raise Unsupported("size")
    match = re.fullmatch(r"\s*([0-9.]+)\s*(pt|px)?\s*", value)
    if match is None:
        raise Unsupported("size unit")
    number = float(match.group(1))
    return number if match.group(2) in (None, "pt") else number * 0.75


def parse(svg: bytes) -> Picture:
    """The drawing operations of a Graphviz SVG; Unsupported if it holds anything else."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise Unsupported(f"XML: {exc}") from None
    if root.tag != f"{_SVG}svg":
        raise Unsupported("not svg")
    width, height = _length(root.get("width")), _length(root.get("height"))
    view = _numbers(root.get("viewBox", ""))
    if len(view) != 4 or view[0] or view[1] or view[2] <= 0 or view[3] <= 0 or width <= 0 or height <= 0:
        raise Unsupported("viewBox")
    groups: list[Group] = []
    loose: list[Shape | Text] = []  # items outside any transformed group, in order

    def flush() -> None:
        if loose:
            groups.append(Group((), tuple(loose)))
            loose.clear()

    for child in root:
        if _tag(child) == "g" and child.get("transform") is not None:
            flush()
            transform = tuple(
                (name, tuple(_numbers(args))) for name, args in _TRANSFORM.findall(child.get("transform", ""))
            )
            items: list[Shape | Text] = []
            _collect(child, items, inside=True)
            groups.append(Group(transform, tuple(items)))
        else:
            _collect(child, loose, inside=False)
    flush()
    common = all(
        covers(item.text.decode("utf-8")) for group in groups for item in group.items if isinstance(item, Text)
    )
    return Picture(width, height, (view[2], view[3]), tuple(groups), common)


def _tag(element: ET.Element) -> str:
    return element.tag[len(_SVG) :] if element.tag.startswith(_SVG) else element.tag


def _collect(top: ET.Element, items: list[Shape | Text], inside: bool) -> None:
    """The drawing operations of an element and everything in it (`inside`: the element is a top-level group
    whose own transform is already taken); any other transform is Unsupported."""
    for element in top.iter():
        tag = _tag(element)
        if tag in _SKIPPED:
            continue
        if tag == "g" or tag == "a":
            if element.get("transform") is not None and (element is not top or not inside):
                raise Unsupported("nested transforms")
            continue
        if tag in ("polygon", "polyline", "path", "ellipse"):
            items.append(_shape(element, tag))
        elif tag == "text":
            text = _text(element)
            if text is not None:
                items.append(text)
        else:
            raise Unsupported(f"element {tag}")


class Painter:
    """`png(svg)` and `pdf([svg, …])` (one page per SVG), drawn with cairo."""

    def __init__(self) -> None:
        if sys.byteorder != "little":
            raise OSError("the PNG path relies on cairo's little-endian pixel layout")
        self._c = c = ctypes.CDLL("libcairo.so.2")
        p, d, i = ctypes.c_void_p, ctypes.c_double, ctypes.c_int
        signatures: dict[str, tuple[Any, list[Any]]] = {
            "cairo_image_surface_create_for_data": (p, [p, i, i, i, i]),
            "cairo_set_operator": (None, [p, i]),
            "cairo_pdf_surface_create_for_stream": (p, [WRITE, p, d, d]),
            "cairo_pdf_surface_set_size": (None, [p, d, d]),
            "cairo_create": (p, [p]),
            "cairo_destroy": (None, [p]),
            "cairo_status": (i, [p]),
            "cairo_surface_status": (i, [p]),
            "cairo_surface_flush": (None, [p]),
            "cairo_surface_finish": (None, [p]),
            "cairo_surface_destroy": (None, [p]),
            "cairo_show_page": (None, [p]),
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
            "cairo_font_face_destroy": (None, [p]),
            "cairo_set_font_face": (None, [p, p]),
            "cairo_set_font_size": (None, [p, d]),
            "cairo_font_options_create": (p, []),
            "cairo_font_options_set_hint_style": (None, [p, i]),
            "cairo_font_options_set_hint_metrics": (None, [p, i]),
            "cairo_set_font_options": (None, [p, p]),
            "cairo_get_scaled_font": (p, [p]),
            "cairo_scaled_font_text_to_glyphs": (
                i,
                [
                    p,
                    d,
                    d,
                    ctypes.c_char_p,
                    i,
                    ctypes.POINTER(ctypes.POINTER(_Glyph)),
                    ctypes.POINTER(i),
                    ctypes.POINTER(ctypes.POINTER(_Cluster)),
                    ctypes.POINTER(i),
                    ctypes.POINTER(i),
                ],
            ),
            "cairo_show_text_glyphs": (
                None,
                [p, ctypes.c_char_p, i, ctypes.POINTER(_Glyph), i, ctypes.POINTER(_Cluster), i, i],
            ),
            "cairo_text_cluster_free": (None, [ctypes.POINTER(_Cluster)]),
            "cairo_ft_font_face_create_for_ft_face": (p, [p, i]),
            "cairo_scaled_font_glyph_extents": (None, [p, ctypes.POINTER(_Glyph), i, ctypes.POINTER(_TextExtents)]),
            "cairo_show_glyphs": (None, [p, ctypes.POINTER(_Glyph), i]),
            "cairo_glyph_free": (None, [ctypes.POINTER(_Glyph)]),
        }
        for name, (restype, argtypes) in signatures.items():
            function = getattr(c, name)
            function.restype = restype
            function.argtypes = argtypes
        self._faces: dict[tuple[str, bool, bool, bool], int] = {}
        self._ft: tuple[ctypes.c_void_p, ctypes.CDLL] | None = None
        self._ft_faces: list[ctypes.c_void_p] = []
        self._pixels = (ctypes.c_ubyte * 0)()
        self._parsed: dict[bytes, Picture] = {}  # the last few SVGs: a flowchart's PNG and PDF come from one
        self._pages: dict[bytes, pdfwrite.Page] = {}  # and their PDF pages: the merged PDF finds them here
        self._print_fonts: dict[tuple[str, bool], TrueType | None] = {}
        self._clusters = False  # text clusters are passed to cairo for PDF (its ToUnicode), not for pixels
        self._current: tuple[int, float] | None = None  # the font face and size last set on the context
        self._options = c.cairo_font_options_create()
        c.cairo_font_options_set_hint_metrics(self._options, _HINT_METRICS_OFF)
        c.cairo_font_options_set_hint_style(self._options, _HINT_STYLE_SLIGHT)

    def _face(self, font: tuple[str, bool, bool], common: bool) -> int:
        """cairo's face for a family and style: the working font when the picture's characters are all in its
        set (smaller PDF subsets, made faster), else the installed font as fontconfig picks it."""
        key = (*font, common)
        face = self._faces.get(key)
        if face is None:
            family, bold, italic = font
            face = self._working_face(family, bold) if common and not italic else None
            if face is None:
                face = self._c.cairo_toy_font_face_create(family.encode("utf-8"), 1 if italic else 0, int(bold))
            self._faces[key] = face
        return face

    def _working_face(self, family: str, bold: bool) -> int | None:
        found = locate(family, bold)
        path = working(*found) if found is not None else None
        if path is None:
            return None
        ft = self._freetype()
        if ft is None:
            return None
        library, load = ft
        face = ctypes.c_void_p()
        if load.FT_New_Face(library, str(path).encode(), 0, ctypes.byref(face)) != 0:
            return None
        self._ft_faces.append(face)  # FreeType faces live as long as the painter (cairo refers to them)
        created: int = self._c.cairo_ft_font_face_create_for_ft_face(face, 0)
        return created

    def _freetype(self) -> tuple[ctypes.c_void_p, ctypes.CDLL] | None:
        if self._ft is None:
            try:
                lib = ctypes.CDLL("libfreetype.so.6")
            except OSError:
                return None
            lib.FT_Init_FreeType.argtypes = [ctypes.c_void_p]
            lib.FT_New_Face.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_long, ctypes.c_void_p]
            library = ctypes.c_void_p()
            if lib.FT_Init_FreeType(ctypes.byref(library)) != 0:
                return None
            self._ft = (library, lib)
        return self._ft

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
            if first and swap and items and _white_backdrop(items[0]):
                items = items[1:]  # Graphviz's white page: the pixels are white already
            first = False
            for item in items:
                if isinstance(item, Text):
                    source(item.fill)
                    self._show(cr, item, picture.common)
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

    def _show(self, cr: int, item: Text, common: bool) -> None:
        """One line of text as glyphs. For PDF the text goes alongside (its ToUnicode comes from it: a reverse
        lookup would turn 行 into the Kangxi radical ⾏, which shares its glyph)."""
        c = self._c
        face = self._face(item.font, common)
        if self._current != (face, item.size):
            c.cairo_set_font_face(cr, face)
            c.cairo_set_font_size(cr, item.size)
            self._current = (face, item.size)
        font = c.cairo_get_scaled_font(cr)
        glyphs = ctypes.POINTER(_Glyph)()
        count = ctypes.c_int()
        clusters = ctypes.POINTER(_Cluster)()
        n_clusters = ctypes.c_int()
        flags = ctypes.c_int()
        start = item.anchor == "start"
        status = c.cairo_scaled_font_text_to_glyphs(
            font,
            item.x if start else 0.0,
            item.y if start else 0.0,
            item.text,
            len(item.text),
            ctypes.byref(glyphs),
            ctypes.byref(count),
            ctypes.byref(clusters) if self._clusters else None,
            ctypes.byref(n_clusters) if self._clusters else None,
            ctypes.byref(flags) if self._clusters else None,
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
            if self._clusters:
                c.cairo_show_text_glyphs(
                    cr, item.text, len(item.text), glyphs, n, clusters, n_clusters.value, flags.value
                )
            else:
                c.cairo_show_glyphs(cr, glyphs, n)
            if not start:
                c.cairo_restore(cr)
        finally:
            c.cairo_glyph_free(glyphs)
            if self._clusters:
                c.cairo_text_cluster_free(clusters)

    def _picture(self, svg: bytes) -> Picture:
        picture = self._parsed.get(svg)
        if picture is None:
            picture = parse(svg)
            _keep(self._parsed, svg, picture)
        return picture

    def _page(self, svg: bytes) -> pdfwrite.Page:
        page = self._pages.get(svg)
        if page is None:
            page = pdfwrite.page(self._picture(svg), self._print_font)
            _keep(self._pages, svg, page)
        return page

    def _print_font(self, family: str, bold: bool) -> TrueType | None:
        """The family's print font (TrueType outlines, `fonts`), read once; None if there is none."""
        key = (family, bold)
        if key not in self._print_fonts:
            path = print_font(family, bold)
            try:
                self._print_fonts[key] = load(path) if path is not None else None
            except (FontError, OSError):
                self._print_fonts[key] = None
        return self._print_fonts[key]

    def png(self, svg: bytes, dpi: float = PNG_DPI) -> bytes:
        picture = self._picture(svg)
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
            self._clusters = False
            self._draw(cr, picture, scale, swap=True)
            c.cairo_surface_flush(surface)
            if c.cairo_surface_status(surface) != 0:
                raise PaintError("cairo 绘制失败")
            return encode_rgba(memoryview(self._pixels).cast("B"), width, height, stride, dpi)
        finally:
            c.cairo_destroy(cr)
            c.cairo_surface_destroy(surface)

    def pdf(self, svgs: Sequence[bytes]) -> bytes:
        """One page per SVG, at the SVG's own size (points): written by `pdfwrite`, or drawn by cairo where
        that falls back. Every SVG is parsed before anything is drawn; pages already written here are not
        made again."""
        try:
            made = [self._page(svg) for svg in svgs]
            return pdfwrite.document(made, self._print_font)
        except pdfwrite.Fallback:
            pass
        pictures = [self._picture(svg) for svg in svgs]
        self._clusters = True
        pages = [(pic.width, pic.height, partial(self._draw, picture=pic, scale=1.0, swap=False)) for pic in pictures]
        return pdf_pages(self._c, pages, PaintError)


def _keep(cache: dict[bytes, Any], svg: bytes, value: Any) -> None:
    """Remember the last 64 (a unit's merged PDF finds half its pages here)."""
    if len(cache) >= 64:
        cache.pop(next(iter(cache)))
    cache[svg] = value
