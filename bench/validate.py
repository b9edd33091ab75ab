"""Benchmark `powerctl validate` on a synthetic set: cold and warm cache, against the floor and a peer.

    python bench/validate.py [--units N] [--powers M]

Prints seconds and ratios, all measured in this run: reading the bytes (floor, in this process and in a
new Python process), a bare C YAML parse (PyYAML's libyaml event stream), check-jsonschema with
powerctl's schema (peer, when installed), and `powerctl validate` with an empty cache (cold; one process
per core, and with -j 1), again on the unchanged files (warm: each file's load and schema stage from the
cache, found by the hash of its bytes; the rules run again), and with --no-cache.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--powers", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "catalogues"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "generate.py"),
                str(data),
                "--units",
                str(args.units),
                "--powers",
                str(args.powers),
            ],
            check=True,
        )
        files = sorted(data.glob("*.yaml"))
        size = sum(f.stat().st_size for f in files)
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")

        started = time.perf_counter()
        for f in files:
            f.read_bytes()
        floor_read = time.perf_counter() - started
        started = time.perf_counter()
        for f in files:
            for _ in yaml.parse(f.read_bytes(), Loader=yaml.CBaseLoader):
                pass
        floor_parse = time.perf_counter() - started

        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        reader = "import sys\nfor name in sys.argv[1:]:\n    open(name, 'rb').read()\n"
        floor_process = timed([sys.executable, "-c", reader, *map(str, files)], env)
        powerctl = [sys.executable, "-m", "powerctl", "validate", str(data), "-f", "json"]
        cold_one = timed([*powerctl, "--no-cache", "-j", "1"], env)
        cold = timed(powerctl, env)
        warm = timed(powerctl, env)  # every file's load and schema stage from the cache; the rules run again
        again = timed(powerctl, env)
        no_cache = timed([*powerctl, "--no-cache"], env)
        peer = None
        if shutil.which("check-jsonschema"):
            schema = str(ROOT / "schemas" / "catalogue.schema.json")
            peer = timed(["check-jsonschema", "--schemafile", schema, *map(str, files)], env)

    print(f"files: {len(files)}, powers: {args.units * args.powers}, {size / 1e6:.1f} MB")
    cores = os.cpu_count() or 1
    print(f"floor: read bytes (in-process) {floor_read:7.2f} s")
    print(f"floor: a Python process reading every file {floor_process:7.2f} s")
    print(f"floor: libyaml event parse     {floor_parse:7.2f} s")
    print(f"powerctl validate, cold, -j 1  {cold_one:7.2f} s")
    print(f"powerctl validate, cold, {cores} processes {cold:7.2f} s   (-j 1 / parallel = {cold_one / cold:.2f}×)")
    print(f"powerctl validate, warm cache  {warm:7.2f} s   (cold / warm = {cold / warm:.1f}×)")
    print(
        f"powerctl validate, repeated    {again:7.2f} s   (--no-cache / repeated = {no_cache / again:.1f}×; "
        f"repeated / reading process = {again / floor_process:.0f}×)"
    )
    print(f"powerctl validate, --no-cache  {no_cache:7.2f} s")
    if peer is not None:
        print(
            f"check-jsonschema (peer)        {peer:7.2f} s   (powerctl cold / peer = {cold / peer:.2f}, goal ≤ 0.25; "
            f"with -j 1: {cold_one / peer:.2f})"
        )
    else:
        print("check-jsonschema not installed: peer not measured (pip install check-jsonschema)")


if __name__ == "__main__":
    main()
