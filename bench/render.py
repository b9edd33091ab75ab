"""Benchmark: draw 1,000 flowcharts and print diagrams per second.

    python bench/render.py [N]

Measures powerctl's renderer (one `dot` process per diagram, all cores) against two peers run
on the same DOT texts in the same run: one `dot` process per diagram on one core, and all
diagrams in `dot -O` runs of 50 (fast, but not stable from run to run on Graphviz 2.43).
The DOT texts are the example catalogues' flowcharts, repeated with distinct targets.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from powerctl.config import Config  # noqa: E402
from powerctl.engine import validate  # noqa: E402
from powerctl.graph import DrawOptions, flow_dot  # noqa: E402
from powerctl.render import Job, render  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    units = validate([str(ROOT / "catalogues")], Config(root=ROOT)).units
    dots = [flow_dot(u, p, DrawOptions(internal=False)) for u in units for p in u.powers if p.flow]
    texts = [dots[i % len(dots)] for i in range(n)]
    version = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False).stderr.strip()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {version}")
    print(f"diagrams: {n} (from {len(dots)} example flowcharts)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        render([Job(t, out / "powerctl" / f"d{i}") for i, t in enumerate(texts)], ["svg"])
        ours = n / (time.perf_counter() - started)

        single = out / "single"
        single.mkdir()
        sample = texts[: max(1, n // 5)]
        started = time.perf_counter()
        for i, t in enumerate(sample):
            subprocess.run(["dot", "-Tsvg", "-o", str(single / f"{i}.svg")], input=t, text=True, check=True)
        one_core = len(sample) / (time.perf_counter() - started)

        batch = out / "batch"
        batch.mkdir()
        for i, t in enumerate(texts):
            (batch / f"{i}.dot").write_text(t, encoding="utf-8")
        started = time.perf_counter()
        names = [f"{i}.dot" for i in range(n)]
        procs = []
        for k in range(0, n, 50):
            procs.append(subprocess.Popen(["dot", "-Tsvg", "-O", *names[k : k + 50]], cwd=batch))
            if len(procs) >= (os.cpu_count() or 1):
                procs.pop(0).wait()
        for p in procs:
            p.wait()
        batched = n / (time.perf_counter() - started)

    print(f"powerctl render (one dot per diagram, {os.cpu_count()} at a time): {ours:7.1f} SVG/s")
    for label, rate in (
        ("peer: one dot per diagram, one at a time:       ", one_core),
        ("peer: dot -O batches of 50, all cores (unstable):", batched),
    ):
        print(f"{label} {rate:7.1f} SVG/s  (powerctl ×{ours / rate:.2f})")


if __name__ == "__main__":
    main()
