"""Benchmark: flowcharts drawn per second and the bundle, this code against a peer (the code before), in one run.

    python bench/render.py [N] [--peer DIR] [--units U] [--powers M] [--no-bundle] [--peer-first]

For this tree and for the peer (another checkout of powerctl, e.g. `git worktree add /tmp/draw-peer 20b1107`),
each in its own Python process with PYTHONPATH set to that tree:

- SVG per second: N flowchart pages (default 1,000, the example catalogues' charts repeated) drawn as SVG by a
  worker process per core; then drawn again in reverse order, which must give the same bytes;
- SVG + PNG + PDF: charts per second with all three formats (N / 10 charts);
- a cold bundle of a generated county (`bench/generate.py`, default 100 units × 50 powers, both audiences) into an
  empty folder, a peer's print fonts built beforehand (code before issue 35; once per machine, not timed);
- an incremental bundle: one unit's file changed, bundled again into the same folder.

Ratios are this tree's figure against the peer's (rates: this / peer; times: this / peer).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORES = os.cpu_count() or 1

CHILD = """
import hashlib, json, os, sys, tempfile, time
from pathlib import Path
from powerctl.catalogue.config import Config
from powerctl.check.engine import validate
from powerctl.documents.flowchart import DrawOptions, flow_sheet
from powerctl.drawing.pool import Job, Renderer

n, catalogues = int(sys.argv[1]), Path(sys.argv[2])
units = validate([str(catalogues)], Config(root=catalogues.parent)).units
sheets = [flow_sheet(u, p, DrawOptions(internal=i)) for u in units for p in u.powers if p.flow for i in (False, True)]
pages = [sheets[i % len(sheets)] for i in range(n)]

def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.svg")}

with tempfile.TemporaryDirectory() as tmp, Renderer() as renderer:
    out = Path(tmp)
    renderer.draw([Job(s, out / "warm" / f"w{i}") for i, s in enumerate(sheets)], ["svg", "png", "pdf"])
    started = time.perf_counter()
    renderer.draw([Job(s, out / "svg" / f"d{i}") for i, s in enumerate(pages)], ["svg"])
    svg = n / (time.perf_counter() - started)
    renderer.draw([Job(s, out / "again" / f"d{i}") for i, s in enumerate(pages)][::-1], ["svg"])
    same = digests(out / "svg") == digests(out / "again")
    few = pages[: max(os.cpu_count() or 1, n // 10)]
    started = time.perf_counter()
    renderer.draw([Job(s, out / "all" / f"d{i}") for i, s in enumerate(few)], ["svg", "png", "pdf"])
    three = len(few) / (time.perf_counter() - started)
print(json.dumps({"svg": svg, "three": three, "same": same}))
"""

PREPARE = (
    "try:\n    from powerctl.drawing import fonts\nexcept ImportError:\n    fonts = None\n"
    "for bold in (False, True) if fonts else ():\n    fonts.prepare('Noto Sans CJK SC', bold)\n"
)


def _env(tree: Path, cache: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "XDG_CACHE_HOME": str(cache), "PYTHONHASHSEED": "0"}


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: findings, the bundle is still made
        raise SystemExit(f"{' '.join(cmd[:4])} …: exit {done.returncode}\n{done.stderr[-2000:]}")
    return seconds


def rates(tree: Path, n: int, cache: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(n), str(ROOT / "catalogues")],
        env=_env(tree, cache),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bundles(tree: Path, data: Path, work: Path, cache: Path) -> tuple[float, float]:
    """A cold bundle of `data` (copied, so that each tree changes its own copy), then an incremental one."""
    county = work / "catalogues"
    shutil.copytree(data, county)
    env = _env(tree, cache)
    subprocess.run([sys.executable, "-c", PREPARE], env=env, check=True, capture_output=True)
    bundle = [sys.executable, "-m", "powerctl", "bundle", str(county), "-o", str(work / "out"), "--today", "2026-11-30"]
    cold = _timed(bundle, env)
    first = sorted(county.glob("*.yaml"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("（第1项）", "（第1项，修订）", 1), encoding="utf-8")
    again = _timed(bundle, env)
    return cold, again


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--peer", type=Path, default=Path("/tmp/draw-peer"))
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--powers", type=int, default=50)
    parser.add_argument("--no-bundle", action="store_true")
    parser.add_argument("--peer-first", action="store_true", help="measure the peer first (the load may drift)")
    args = parser.parse_args()
    if not (args.peer / "powerctl").is_dir():
        raise SystemExit(f"no peer at {args.peer}: git worktree add {args.peer} <commit>")
    version = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False).stderr.strip()
    print(f"machine: {platform.machine()}, {CORES} cores, Python {platform.python_version()}, {version}")
    peer_commit = subprocess.run(["git", "-C", str(args.peer), "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, check=False).stdout.strip()  # fmt: skip
    print(f"peer: {args.peer} ({peer_commit}); {args.n} diagrams from the example catalogues", flush=True)
    trees = {"this": ROOT, "peer": args.peer}
    if args.peer_first:
        trees = {"peer": args.peer, "this": ROOT}
    with tempfile.TemporaryDirectory(prefix="powerctl-bench-") as tmp:
        figures: dict[str, dict[str, float]] = {}
        for name, tree in trees.items():
            figures[name] = rates(tree, args.n, Path(tmp) / f"cache-{name}")
            print(f"{name}: {json.dumps(figures[name])}", flush=True)
        if not args.no_bundle:
            data = Path(tmp) / "data"
            size = ["--units", str(args.units), "--powers", str(args.powers)]
            subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(data), *size], check=True)
            for name, tree in trees.items():
                cold, again = bundles(tree, data, Path(tmp) / f"bundle-{name}", Path(tmp) / f"cache-{name}")
                figures[name].update(cold=cold, again=again)
                print(f"{name}: cold bundle {cold:.1f} s, incremental {again:.1f} s", flush=True)
    this, peer = figures["this"], figures["peer"]
    print(f"\n{'':44} {'this':>9} {'peer':>9} {'this/peer':>9}")
    rows = [
        ("SVG per second (goal ≥ 150)", "svg", "{:9.1f}"),
        ("SVG + PNG + PDF, charts/s (goal ≥ 20)", "three", "{:9.1f}"),
    ]
    if "cold" in this:
        size = f"{args.units} × {args.powers}"
        rows += [(f"cold bundle {size}, s (goal ≤ 1.5× peer)", "cold", "{:9.1f}"),
                 ("incremental bundle, s (goal ≤ 1.0× peer)", "again", "{:9.1f}")]  # fmt: skip
    for label, key, fmt in rows:
        print(f"{label:44} {fmt.format(this[key])} {fmt.format(peer[key])} {this[key] / peer[key]:9.2f}")
    print(f"same bytes when drawn again in another order: this {'yes' if this['same'] else 'NO'}, "
          f"peer {'yes' if peer['same'] else 'NO'}")  # fmt: skip
    if not this["same"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
