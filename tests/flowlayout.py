"""Measures of a flowchart's legibility, read from Graphviz's own layout (its JSON output with the xdot drawing
operations): where every node, text line, edge spline and edge label was put. Nothing here looks at pixels.

- `text_outside`: text lines of a node that leave its shape (a diamond's rhombus, a hexagon, a box, a circle);
- `label_clashes`: edge labels that touch a node, a lane's title, another label or an edge spline;
- `title_crossings`: edges drawn through a lane's title.

A text line's box is the advance width Graphviz measured times the em box (0.88 em above the baseline, 0.12 em
below: the ideographic em box of the CJK font).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from powerctl.drawing.gvlib import Graphviz, GraphvizUnsupported

ASCENT, DESCENT = 0.88, 0.12
TOLERANCE = 0.5  # pt: rounding of Graphviz's coordinates
BRANCH = re.compile(r"w\d+_\d+$")
TITLE = re.compile(r"t\d+$")
TITLE_LINE = re.compile(r"\s*t\d+ \[")  # a lane title's statement in the DOT text

_ENGINE: list[Graphviz | None] = []


def engine() -> Callable[[str], bytes]:
    """DOT → Graphviz's SVG, in-process where it loads (what `sheet.draw` takes as its layout)."""
    gv = Graphviz()
    return lambda dot: bytes(gv.draw(dot, ("svg",))["svg"])


def layout(dot: str) -> dict[str, Any]:
    """Graphviz's layout of ``dot`` as its JSON document (in-process, else a `dot` process)."""
    if not _ENGINE:
        try:
            _ENGINE.append(Graphviz())
        except GraphvizUnsupported:
            _ENGINE.append(None)
    engine = _ENGINE[0]
    if engine is not None:
        data = engine.draw(dot, ("json",))["json"]
    else:
        data = subprocess.run(["dot", "-Tjson"], input=dot.encode(), capture_output=True, check=True).stdout
    result: dict[str, Any] = json.loads(data)
    return result


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, clearance: float = 0.0) -> bool:
        return (
            self.x0 < other.x1 + clearance - TOLERANCE
            and other.x0 < self.x1 + clearance - TOLERANCE
            and self.y0 < other.y1 + clearance - TOLERANCE
            and other.y0 < self.y1 + clearance - TOLERANCE
        )

    def holds(self, x: float, y: float) -> bool:
        t = TOLERANCE
        return self.x0 + t < x < self.x1 - t and self.y0 + t < y < self.y1 - t

    def corners(self) -> list[tuple[float, float]]:
        return [(self.x0, self.y0), (self.x0, self.y1), (self.x1, self.y0), (self.x1, self.y1)]


def union(boxes: Sequence[Box]) -> Box:
    return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes))


def text_boxes(ops: Sequence[dict[str, Any]]) -> list[tuple[Box, str]]:
    """The box of every text line an xdot operation list draws."""
    size = 14.0
    out = []
    for op in ops:
        if op["op"] == "F":
            size = float(op["size"])
        elif op["op"] == "T" and op["text"].strip():
            x, y = op["pt"]
            w = float(op["width"])
            left = {"l": x, "c": x - w / 2, "r": x - w}[op["align"]]
            out.append((Box(left, y - DESCENT * size, left + w, y + ASCENT * size), op["text"]))
    return out


def _visible(obj: dict[str, Any]) -> bool:
    return "pos" in obj and obj.get("style") != "invis" and obj.get("shape") != "point"


def nodes(graph: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for obj in graph.get("objects", []):
        if "nodes" not in obj and _visible(obj):
            yield obj


def node_box(node: dict[str, Any]) -> Box:
    x, y = (float(v) for v in node["pos"].split(","))
    w, h = float(node["width"]) * 36, float(node["height"]) * 36
    return Box(x - w, y - h, x + w, y + h)


def _polygons(node: dict[str, Any]) -> list[list[tuple[float, float]]]:
    return [[(float(x), float(y)) for x, y in op["points"]] for op in node.get("_draw_", []) if op["op"] in "pP"]


def _area(poly: Sequence[tuple[float, float]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(poly, [*poly[1:], poly[0]], strict=True))) / 2


def _inside_convex(poly: Sequence[tuple[float, float]], x: float, y: float) -> bool:
    """Whether (x, y) is inside the convex polygon (or within TOLERANCE of its outline)."""
    sign = 0.0
    for (x0, y0), (x1, y1) in zip(poly, [*poly[1:], poly[0]], strict=True):
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 or 1.0
        cross = ((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0)) / length  # signed distance to the side
        if abs(cross) <= TOLERANCE:
            continue
        if sign == 0.0:
            sign = cross
        elif (cross > 0) != (sign > 0):
            return False
    return True


def text_outside(node: dict[str, Any]) -> list[str]:
    """The text lines of ``node`` that are not wholly inside its outline."""
    shape = node.get("shape", "ellipse")
    x, y = (float(v) for v in node["pos"].split(","))
    rx, ry = float(node["width"]) * 36, float(node["height"]) * 36
    polygons = _polygons(node)
    bad = []
    for box, text in text_boxes(node.get("_ldraw_", [])):
        corners = box.corners()
        if shape in ("circle", "ellipse", "oval", "doublecircle"):
            ok = all(((cx - x) / (rx + TOLERANCE)) ** 2 + ((cy - y) / (ry + TOLERANCE)) ** 2 <= 1 for cx, cy in corners)
        elif shape in ("box", "rect", "rectangle", "square", "plaintext", "plain", "none") or not polygons:
            ok = all(node_box(node).x0 - TOLERANCE <= cx <= node_box(node).x1 + TOLERANCE for cx, _ in corners) and all(
                node_box(node).y0 - TOLERANCE <= cy <= node_box(node).y1 + TOLERANCE for _, cy in corners
            )
        else:  # diamond, hexagon …: the innermost outline drawn
            poly = min(polygons, key=_area)
            ok = all(_inside_convex(poly, cx, cy) for cx, cy in corners)
        if not ok:
            bad.append(text)
    return bad


def _bezier(points: Sequence[Sequence[float]], samples: int = 24) -> Iterator[tuple[float, float]]:
    """Points along a piecewise cubic Bezier (xdot's `b`/`B` operation)."""
    pts = [(float(p[0]), float(p[1])) for p in points]
    for k in range(0, len(pts) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts[k : k + 4]
        for n in range(samples + 1):
            t = n / samples
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            yield a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3


def _edge_points(edge: dict[str, Any]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for op in edge.get("_draw_", []):
        if op["op"] in "bB":
            out.extend(_bezier(op["points"]))
    for op in edge.get("_hdraw_", []) + edge.get("_tdraw_", []):
        if op["op"] in "pP":
            poly = [(float(x), float(y)) for x, y in op["points"]]
            out.extend(poly)
            cx, cy = sum(p[0] for p in poly) / len(poly), sum(p[1] for p in poly) / len(poly)
            out.append((cx, cy))
    return out


def _label_ops(edge: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for key in ("_ldraw_", "_tldraw_", "_hldraw_") for op in edge.get(key, [])]


@dataclass(frozen=True)
class Clash:
    label: str
    what: str  # "node", "title", "label", "edge"
    other: str


def is_branch_label(node: dict[str, Any]) -> bool:
    """A node that carries an edge's label (`documents.flowchart` draws a branch's words as a node on its edge)."""
    return bool(BRANCH.match(node["name"]))


def label_clashes(graph: dict[str, Any]) -> list[Clash]:
    """Every edge label that overlaps a node, a lane's title, another edge label or an edge (its own included)."""
    names = {obj["_gvid"]: obj["name"] for obj in graph.get("objects", []) if "nodes" not in obj}
    edges = graph.get("edges", [])
    labels: list[tuple[int, Box, str]] = []
    for k, edge in enumerate(edges):
        boxes = text_boxes(_label_ops(edge))
        if boxes:
            labels.append((k, union([b for b, _ in boxes]), "".join(t for _, t in boxes)))
    for node in nodes(graph):
        if is_branch_label(node):
            boxes = text_boxes(node.get("_ldraw_", []))
            labels.append((-1, union([b for b, _ in boxes]), "".join(t for _, t in boxes)))
    obstacles = [(node_box(n), "node", n["name"]) for n in nodes(graph) if not is_branch_label(n)]
    for obj in graph.get("objects", []):
        if "nodes" in obj:
            obstacles.extend((b, "title", t) for b, t in text_boxes(obj.get("_ldraw_", [])))
    splines = [(k, _edge_points(e)) for k, e in enumerate(edges) if e.get("style") != "invis"]
    out = []
    for n, (k, box, text) in enumerate(labels):
        for other, what, name in obstacles:
            if box.overlaps(other):
                out.append(Clash(text, what, name))
        for _, other, name in labels[n + 1 :]:
            if box.overlaps(other):
                out.append(Clash(text, "label", name))
        for j, points in splines:
            if any(box.holds(x, y) for x, y in points):
                e = edges[j]
                mine = " (its own)" if j == k else ""
                out.append(Clash(text, "edge", f"{names.get(e['tail'])}->{names.get(e['head'])}{mine}"))
    return out


def bb(graph: dict[str, Any]) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in graph["bb"].split(","))
    return x1 - x0, y1 - y0


def is_lane_title(node: dict[str, Any]) -> bool:
    """A lane's title: a node beside the lane's first step (`documents.flowchart`), or the lane's own label."""
    return bool(TITLE.match(node["name"]))


def title_crossings(graph: dict[str, Any]) -> list[tuple[str, str]]:
    """Every edge drawn through a lane's title: (the title's text, the edge)."""
    names = {obj["_gvid"]: obj["name"] for obj in graph.get("objects", []) if "nodes" not in obj}
    titles = [t for obj in graph.get("objects", []) if "nodes" in obj for t in text_boxes(obj.get("_ldraw_", []))]
    titles += [t for node in nodes(graph) if is_lane_title(node) for t in text_boxes(node.get("_ldraw_", []))]
    out = []
    for edge in graph.get("edges", []):
        if edge.get("style") == "invis":
            continue
        points = _edge_points(edge)
        for box, text in titles:
            if any(box.holds(x, y) for x, y in points):
                out.append((text, f"{names.get(edge['tail'])}->{names.get(edge['head'])}"))
    return out


def empty_bands(graph: dict[str, Any]) -> list[str]:
    """Lane blocks that span a rank holding nothing of theirs (a block stretched over ranks between its steps by a
    node far from them: it pushes the blocks beside it aside). A rank is a row of node centres (rankdir=TB)."""
    objects = graph.get("objects", [])
    rows = sorted({round(float(o["pos"].split(",")[1])) for o in nodes(graph)})
    out = []
    for cluster in objects:
        if not str(cluster.get("name", "")).startswith("cluster_lane"):
            continue
        held = {round(float(objects[i]["pos"].split(",")[1])) for i in cluster.get("nodes", []) if "pos" in objects[i]}
        inside = [y for y in rows if min(held) <= y <= max(held)]
        if len(inside) > len(held):
            out.append(str(cluster["name"]))
    return out
