"""Graphviz's SVG read back as a picture: the few drawing operations it is made of.

Graphviz writes SVG with a handful of elements — polygons, polylines, paths of Bézier segments, ellipses and
lines of text that it has already laid out — and a page of a flowchart sheet (`sheet`) puts several such
drawings side by side, each under one transform. `parse` turns that into a `Picture` of groups of shapes and
lines of text, which the painter (`paint`, PNG) and the PDF writer (`pdfwrite`) replay. Anything outside
that vocabulary raises `Unsupported`, and the picture is drawn by the fallback path (`paths`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TRANSFORM = re.compile(r"(scale|rotate|translate)\(([^)]*)\)")
Rgba = tuple[float, float, float, float]
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


class Unsupported(Exception):
    """The SVG uses something the painter and the PDF writer do not draw: the fallback path draws it."""


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
    (`powerctl.drawing.sheet`) has one per drawing, side by side, never nested."""

    transform: Transform
    items: tuple[Shape | Text, ...]


@dataclass(frozen=True)
class Picture:
    width: float  # points
    height: float
    view: tuple[float, float]  # viewBox width and height
    groups: tuple[Group, ...]


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


def white_backdrop(item: Shape | Text) -> bool:
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
    return Picture(width, height, (view[2], view[3]), tuple(groups))


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
