#!/usr/bin/env python3
"""Where a flowchart's time goes when its SVG, PNG and PDF are drawn: one process, the example catalogues' charts.

    python bench/chart_time.py [--rounds 2] [--peer DIR]

Each phase is timed by wrapping the function that does it (`time.perf_counter`, wall time in this process);
the phases nest (`png` holds the replay onto the image surface, the RGB rows and pypng's deflate; `pdf` holds
its replay, `show_page` and the font subsets written at `finish`), so they do not add up to the total. With
`--peer`, the same run imports powerctl from that checkout too (in a second process), for a comparison.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import collections, sys, time
from pathlib import Path
import cairocffi, png
from PIL import Image
from powerctl.catalogue.config import Config
from powerctl.check.engine import validate
from powerctl.documents.flowchart import DrawOptions, flow_sheet
from powerctl.drawing import sheet
from powerctl.drawing.pool import _Worker

rounds, catalogues = int(sys.argv[1]), Path(sys.argv[2])
units = validate([str(catalogues)], Config(root=catalogues.parent)).units
sheets = [flow_sheet(u, p, DrawOptions(internal=i)) for u in units for p in u.powers if p.flow for i in (False, True)]
worker = _Worker()
spent = collections.Counter()

def timed(name, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - started
    return wrapper

worker.graphviz.draw = timed("Graphviz layout + SVG", worker.graphviz.draw)
worker.graphviz.paint = timed("Graphviz paints the recording", worker.graphviz.paint)
worker._paint = timed("replay onto a surface (PNG and PDF)", worker._paint)
Image.Image.tobytes = timed("PNG: RGB rows (Pillow)", Image.Image.tobytes)
png.Writer.write_packed = timed("PNG: pypng, deflate level 1", png.Writer.write_packed)
cairocffi.Context.show_page = timed("PDF: show_page", cairocffi.Context.show_page)
cairocffi.Surface.finish = timed("PDF: finish (font subsets)", cairocffi.Surface.finish)
draw, png_of, pdf_of = timed("sheet.draw", sheet.draw), timed("png", worker.png), timed("pdf", worker.pdf)
best = {}
for _ in range(rounds + 1):  # the first round warms up (fonts, caches) and is not counted
    spent.clear()
    started = time.perf_counter()
    for flow in sheets:
        worker.recording = True
        drawn = draw(flow, worker.layout)
        png_of(drawn.png, drawn.png_dpi)
        pdf_of(drawn.pages)
        worker.forget()
    spent["total"] = time.perf_counter() - started
    if not best or spent["total"] < best["total"]:
        best = dict(spent)
for name, seconds in sorted(best.items(), key=lambda item: -item[1]):
    print(f"  {name:40} {seconds / len(sheets) * 1000:7.1f} ms a chart")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--peer", type=Path)
    args = parser.parse_args()
    for name, tree in [("this", ROOT)] + ([("peer", args.peer)] if args.peer else []):
        print(f"{name}: {tree}", flush=True)
        env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
        cmd = [sys.executable, "-c", CHILD, str(args.rounds), str(ROOT / "catalogues")]
        subprocess.run(cmd, env=env, check=True)


if __name__ == "__main__":
    main()
