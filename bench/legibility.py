"""Legibility of the flowcharts on paper: for every chart of a catalogue set, the paper it needs, the smallest
text at that paper size, and how tangled it is.

    python bench/legibility.py [PATHS...]     (default: catalogues/ and tests/rule_cases/)

For each chart: its natural size (pt, as Graphviz lays it out), the scale that fits it on A4 and on A3 (either
orientation, 15 mm margins), the smallest text there in pt (the smallest font in the drawing times the scale),
and the paper a chart can take at the legibility floor (8 pt for any text, 9 pt for step names): A4, A3, or
"split" (fits neither). Tangle: edge crossings (edges drawn as splines, sampled, segment pairs tested) and the
total edge length in pt. The summary prints how many charts take A4, A3 or need splitting, the median
smallest text on A4, and the crossings and edge length summed: the figures a layout change must improve.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from powerctl.catalogue.config import Config  # noqa: E402
from powerctl.check.engine import Options, validate  # noqa: E402
from powerctl.documents.flowchart import DrawOptions, flow_dot, flow_sheet  # noqa: E402
from powerctl.drawing import sheet  # noqa: E402
from powerctl.drawing.gvlib import Graphviz  # noqa: E402

MM = 72 / 25.4
MARGIN = 15 * MM
PAPERS = {"A4": (210 * MM, 297 * MM), "A3": (297 * MM, 420 * MM)}
FLOOR, STEP_FLOOR = 8.0, 9.0


def fit(width: float, height: float, paper: str) -> float:
    """The scale that fits a chart on the paper (portrait or landscape, whichever is larger), never above 1."""
    w, h = PAPERS[paper]
    best = 0.0
    for pw, ph in ((w, h), (h, w)):
        best = max(best, min((pw - 2 * MARGIN) / width, (ph - 2 * MARGIN) / height))
    return min(best, 1.0)


def _points(draw: list[dict]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for op in draw:
        if op.get("op") in ("b", "B") and "points" in op:
            pts = op["points"]
            # cubic Bézier pieces: sample each at 8 points
            for i in range(0, len(pts) - 3, 3):
                p0, p1, p2, p3 = pts[i : i + 4]
                for k in range(8 + 1):
                    t = k / 8
                    a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t**2 * (1 - t), t**3
                    out.append(
                        (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])
                    )
    return out


def _cross(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float]) -> bool:
    def orient(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    return o1 * o2 < 0 and o3 * o4 < 0


def tangle(layout: dict) -> tuple[int, float]:
    """Edge crossings and total edge length of a `dot -Tjson` layout."""
    polylines = [_points(e.get("_draw_", [])) for e in layout.get("edges", [])]
    length = sum(sum(((q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2) ** 0.5 for p, q in pairwise(pl)) for pl in polylines)
    crossings = 0
    for i, a in enumerate(polylines):
        for b in polylines[i + 1 :]:
            if not a or not b:
                continue
            hit = False
            for p, q in pairwise(a):
                for r, s in pairwise(b):
                    if _cross(p, q, r, s):
                        hit = True
                        break
                if hit:
                    break
            crossings += hit
    return crossings, length


def measure(dot_text: str) -> dict[str, float | int | str]:
    done = subprocess.run(["dot", "-Tjson"], input=dot_text.encode(), capture_output=True, check=True)
    layout = json.loads(done.stdout)
    x0, y0, x1, y1 = (float(v) for v in layout["bb"].split(","))
    width, height = x1 - x0, y1 - y0
    sizes = []
    step_sizes = []
    for obj in [*layout.get("objects", []), *layout.get("edges", [])]:
        is_step = str(obj.get("name", "")).startswith("s")
        for key in ("_ldraw_", "_hldraw_", "_tldraw_", "_draw_", "_tdraw_", "_hdraw_"):
            for op in obj.get(key, []):
                if op.get("op") == "F":
                    sizes.append(float(op["size"]))
                    if is_step and key == "_ldraw_":
                        step_sizes.append(float(op["size"]))
    smallest = min(sizes) if sizes else 14.0
    step_smallest = max(step_sizes) if step_sizes else smallest  # a step's name is its largest text
    out: dict[str, float | int | str] = {"width": width, "height": height, "font": smallest}
    paper = "split"
    for name in ("A4", "A3"):
        scale = fit(width, height, name)
        out[f"{name}_text"] = round(smallest * scale, 1)
        if paper == "split" and smallest * scale >= FLOOR and step_smallest * scale >= STEP_FLOOR:
            paper = name
    out["paper"] = paper
    out["crossings"], out["edge_length"] = tangle(layout)
    return out


def main(argv: list[str]) -> None:
    paths = argv or [str(ROOT / "catalogues"), str(ROOT / "tests" / "rule_cases")]
    result = validate(paths, Config(root=ROOT), Options(cache=False, keep=True))
    gv = Graphviz()
    rows = []
    for unit in result.units:
        for power in unit.powers:
            if power.flow is None or not power.flow.steps:
                continue
            opts = DrawOptions(internal=False)
            m = measure(flow_dot(unit, power, opts))  # the chart alone: its crossings and edge length
            drawn = sheet.draw(flow_sheet(unit, power, opts), lambda dot: bytes(gv.draw(dot, ("svg",))["svg"]))
            m["paper"] = (
                drawn.paper
                + ("横" if drawn.landscape else "")
                + (f"×{len(drawn.pages)}" if len(drawn.pages) > 1 else "")
            )
            m["printed"] = round(drawn.smallest, 1)
            rows.append((unit.id, power.id, m))
    print(f"{'单位':<16} {'职权':<8} {'chart pt':>12} {'paper':>8} {'min pt':>7} {'cross':>6} {'edges pt':>9}")
    for uid, pid, m in rows:
        size = f"{m['width']:.0f}×{m['height']:.0f}"
        print(
            f"{uid:<16} {pid:<8} {size:>12} {m['paper']:>8} {m['printed']:>7} {m['crossings']:>6} "
            f"{m['edge_length']:>9.0f}"
        )
    papers = [str(m["paper"]) for *_, m in rows]
    printed = [float(m["printed"]) for *_, m in rows]
    a4 = sum(1 for p in papers if p.startswith("A4") and "×" not in p)
    a3 = sum(1 for p in papers if p.startswith("A3") and "×" not in p)
    print(
        f"\n{len(rows)} charts: A4 {a4}, A3 {a3}, over several pages {len(rows) - a4 - a3}; "
        f"smallest text on paper: median {statistics.median(printed):.1f} pt, worst {min(printed):.1f} pt; "
        f"crossings {sum(int(m['crossings']) for *_, m in rows)}, "
        f"edge length {sum(float(m['edge_length']) for *_, m in rows):.0f} pt"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
