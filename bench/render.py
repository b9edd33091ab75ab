"""Benchmark: draw 1,000 flowcharts and print diagrams per second.

    python bench/render.py [N]

Measures powerctl's renderer (a worker process per core, Graphviz loaded in-process) against peers run on
the same DOT texts in the same run: one `dot` process per diagram (one and all cores at a time), and
`dot -O` runs of 50 diagrams (fast, but not stable from run to run on Graphviz 2.43). Then checks that
powerctl's output does not depend on what else a worker drew: the same diagrams in reverse order, drawn
again, must give the same bytes. Last, all three formats (SVG + PNG + PDF) per second.
The DOT texts are the example catalogues' flowcharts, repeated with distinct targets.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from powerctl.catalogue.config import Config  # noqa: E402
from powerctl.check.engine import validate  # noqa: E402
from powerctl.documents.flowchart import DrawOptions, flow_dot, flow_sheet  # noqa: E402
from powerctl.drawing.gvlib import Graphviz  # noqa: E402
from powerctl.drawing.pool import Job, Renderer  # noqa: E402

CORES = os.cpu_count() or 1


def digests(folder: Path, suffix: str) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob(f"*.{suffix}")}


def rate(count: int, started: float) -> float:
    return count / (time.perf_counter() - started)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    units = validate([str(ROOT / "catalogues")], Config(root=ROOT)).units
    pairs = [(u, p, DrawOptions(internal=i)) for u in units for p in u.powers if p.flow for i in (False, True)]
    dots = [flow_dot(*pair) for pair in pairs]
    sheets = [flow_sheet(*pair) for pair in pairs]
    texts = [dots[i % len(dots)] for i in range(n)]
    pages = [sheets[i % len(sheets)] for i in range(n)]
    version = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False).stderr.strip()
    print(f"machine: {platform.machine()}, {CORES} cores, Python {platform.python_version()}, {version}")
    print(f"diagrams: {n} (from {len(dots)} example flowcharts, public and internal)")
    with tempfile.TemporaryDirectory() as tmp, Renderer() as renderer:
        out = Path(tmp)
        renderer.draw([Job(sheets[0], out / "warm" / "w")], ["svg"])  # start the workers outside the timing
        renderer.draw([Job(t, out / "warm" / f"w{i}") for i, t in enumerate(sheets * CORES)], ["svg"])

        # A flowchart's SVG is its page: the chart, the title block and the legend, laid out for the paper.
        started = time.perf_counter()
        renderer.draw([Job(t, out / "ours" / f"d{i}") for i, t in enumerate(pages)], ["svg"])
        ours = rate(n, started)

        jobs = [Job(t, out / "again" / f"d{i}") for i, t in enumerate(pages)]
        renderer.draw(jobs[::-1], ["svg"])
        same = digests(out / "ours", "svg") == digests(out / "again", "svg")

        def lone(i: int) -> None:
            target = out / "lone" / f"d{i}.svg"
            subprocess.run(["dot", "-Tsvg", "-o", str(target)], input=texts[i], text=True, check=True)

        (out / "lone").mkdir()
        sample = range(max(CORES, n // 5))
        started = time.perf_counter()
        for i in sample:
            lone(i)
        one_core = rate(len(sample), started)
        started = time.perf_counter()
        with ThreadPoolExecutor(CORES) as pool:
            list(pool.map(lone, sample))
        all_cores = rate(len(sample), started)
        gv = Graphviz()  # the chart alone, laid out in-process, against the lone `dot` runs
        lone_same = all((out / "lone" / f"d{i}.svg").read_bytes() == gv.draw(texts[i], ("svg",))["svg"] for i in sample)

        batch = out / "batch"
        batch.mkdir()
        for i, t in enumerate(texts):
            (batch / f"{i}.dot").write_text(t, encoding="utf-8")
        names = [f"{i}.dot" for i in range(n)]
        started = time.perf_counter()
        procs: list[subprocess.Popen[bytes]] = []
        for k in range(0, n, 50):
            procs.append(subprocess.Popen(["dot", "-Tsvg", "-O", *names[k : k + 50]], cwd=batch))
            if len(procs) >= CORES:
                procs.pop(0).wait()
        for p in procs:
            p.wait()
        batched = rate(n, started)

        few = texts[: max(CORES, n // 10)]
        started = time.perf_counter()
        renderer.draw([Job(t, out / "all" / f"d{i}") for i, t in enumerate(pages[: len(few)])], ["svg", "png", "pdf"])
        three = rate(len(few), started)

    print(f"powerctl render, page SVG ({CORES} workers, Graphviz in-process): {ours:7.1f} SVG/s  (goal ≥ 150)")
    for label, value in (
        ("peer: one dot process per diagram, one at a time:    ", one_core),
        (f"peer: one dot process per diagram, {CORES} at a time:      ", all_cores),
        ("peer: dot -O, 50 diagrams per process (unstable):    ", batched),
    ):
        print(f"{label} {value:7.1f} SVG/s  (powerctl ×{ours / value:.2f})")
    print(f"same bytes when drawn again in another order: {'yes' if same else 'NO'}")
    print(f"same bytes as a lone `dot -Tsvg` run:          {'yes' if lone_same else 'NO'}")
    print(f"powerctl render, SVG + PNG + PDF:              {three:7.1f} diagrams/s")
    if not (same and lone_same):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
