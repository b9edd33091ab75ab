#!/usr/bin/env python3
"""What the county folder (全县/: index site, workbook, 清理情况统计) adds to a bundle, at a county's scale.

    python bench/county.py [--units 100] [--powers 50] [--baseline REF] [--rounds N]

Generates a county of `--units` units × `--powers` powers (bench/generate.py), then:
- builds the county folder of each audience alone, in this process (`powerctl.bundle.county.build_county`):
  its own cost, which `bundle` spends in a worker beside the units';
- with --baseline: bundles the county cold (both audiences) by powerctl as it was at REF (before the county
  folder) and as it is now, alternating, best of `--rounds`; then again after one unit's file changed. The
  ratio now / before is what the county folder adds to the bundle's time (goal for the cold bundle: ≤ 1.10).
"""

from __future__ import annotations

import argparse
import os
import runpy
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
_RUN = runpy.run_path(str(BENCH / "run"), run_name="bench_run")  # bench/run's helpers, not its main
run, baseline_python, busy_cpu = _RUN["run"], _RUN["baseline_python"], _RUN["busy_cpu"]

_FONTS = (
    "try:\n    from powerctl.drawing import fonts\nexcept ImportError:\n    fonts = None\n"
    "for bold in (False, True) if fonts else ():\n    fonts.prepare('Noto Sans CJK SC', bold)\n"
)


def county_alone(data: Path, out: Path) -> None:
    from powerctl.bundle.county import CountyRequest, build_county
    from powerctl.catalogue.config import Config
    from powerctl.check.engine import Options, validate

    files = sorted(str(p) for p in data.glob("*.yaml"))
    result = validate(files, Config(root=data), Options(cache=False, today=date(2026, 12, 1), records=False))
    assert result.laws is not None
    powers = sum(len(u.powers) for u in result.units)
    for audience in ("public", "internal"):
        start = time.perf_counter()
        made = build_county(CountyRequest(tuple(result.units), out / audience, audience, result.laws))
        seconds = time.perf_counter() - start
        sizes = {p.relative_to(made.folder).as_posix(): p.stat().st_size for p in made.folder.rglob("*") if p.is_file()}
        print(
            f"county folder alone, {audience}: {seconds:.2f} s in one process ({len(result.units)} units, {powers} "
            f"powers; index.html {sizes['site/index.html'] / 1e6:.1f} MB, workbook "
            f"{sizes['一表/全县行政权力目录.xlsx'] / 1e6:.1f} MB, report {sizes['清理情况统计.docx'] / 1e3:.0f} KB)",
            flush=True,
        )


def before_after(ref: str, data: Path, tmp: Path, rounds: int) -> None:
    pythons = {"before": baseline_python(ref), "now": sys.executable}
    first = sorted(data.glob("*.yaml"))[0]
    original = first.read_text(encoding="utf-8")
    times: dict[tuple[str, str], list[float]] = {}
    for name, py in pythons.items():
        run(py, "-c", _FONTS, env={**os.environ, "XDG_CACHE_HOME": str(tmp / f"cache-{name}")}, quiet=True)
    for _ in range(rounds):
        for name, py in pythons.items():
            env = {**os.environ, "XDG_CACHE_HOME": str(tmp / f"cache-{name}")}
            for sub in ("files", "bundles"):
                shutil.rmtree(tmp / f"cache-{name}" / "powerctl" / sub, ignore_errors=True)
            out = tmp / f"out-{name}"
            shutil.rmtree(out, ignore_errors=True)
            first.write_text(original, encoding="utf-8")
            cpu = busy_cpu()
            cold = run(py, "-m", "powerctl", "bundle", str(data), "-o", str(out), env=env, quiet=True)
            cpu = busy_cpu() - cpu
            first.write_text(original.replace("（第1项）", "（第1项，修订）", 1), encoding="utf-8")
            again = run(py, "-m", "powerctl", "bundle", str(data), "-o", str(out), env=env, quiet=True)
            times.setdefault((name, "cold"), []).append(cold)
            times.setdefault((name, "again"), []).append(again)
            print(f"{name:>6}: cold {cold:6.1f} s ({cpu:.0f} s CPU), one unit changed {again:5.1f} s", flush=True)
    first.write_text(original, encoding="utf-8")
    for case, label in (("cold", "cold bundle, both audiences"), ("again", "again after one unit's file changed")):
        b, n = min(times[("before", case)]), min(times[("now", case)])
        print(f"{label:<40} before ({ref}) {b:6.1f} s   now {n:6.1f} s   now/before {n / b:5.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--powers", type=int, default=50)
    parser.add_argument("--baseline", metavar="REF", help="powerctl before the county folder, e.g. d56d780")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        data = tmp / "catalogues"
        run(sys.executable, str(BENCH / "generate.py"), str(data), "--units", str(args.units), "--powers",
            str(args.powers), quiet=True)  # fmt: skip
        print(f"== county ({args.units} units × {args.powers} powers) ==", flush=True)
        county_alone(data, tmp / "alone")
        if args.baseline:
            before_after(args.baseline, data, tmp, args.rounds)


if __name__ == "__main__":
    main()
