#!/usr/bin/env python3
"""Checking records (权力动态运行登记) at a county's scale: cases per second and peak memory.

    python bench/records.py [--cases N ...] [--formats csv yaml] [--peer-cases N]

For each size, generates cases of the shipped 城管局's XK-001 (临时占用、挖掘城市道路许可, promised 5 工作日) and
CF-001 (a penalty in 自然日) spread over 2025–2026, one in ten late, some across 国庆节 and 春节, as an approval
system's CSV export (one row per step), as an XLSX export (sizes that fit one sheet) and as a YAML records
file, and checks each in a fresh process with
`powerctl.check.records` (what `powerctl validate` runs), printing cases per second on one core and the peak
memory (ru_maxrss). The peer, at --peer-cases: the same YAML loaded whole with PyYAML's C loader and the same
checks run on the loaded cases, as a script that reads the file first would do it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SHIPPED = ROOT / "catalogues" / "hunan" / "loudi" / "lengshuijiang" / "lsj-cgj.yaml"
TODAY = date(2026, 11, 30)

XK = [("shenqing", "sqr", 0), ("shouli", "ck_jb", 0), ("kancha", "szg_jb", 2), ("fuhe", "szg_gz", 1),
      ("jueding", "fjz_sz", 1), ("songda", "ck_jb", 0), ("jieshu", "ck_jb", 0)]  # fmt: skip
CF = [("faxian", "zfdd_zfy", 0), ("dengji", "zfdd_zfy", 1), ("lian", "zfdd_ddz", 2), ("diaocha", "zfdd_zfy", 12),
      ("fazhi", "fgg_gz", 4), ("gaozhi", "zfdd_zfy", 4), ("shenli", "fjz_zf", 2), ("jueding", "fjz_zf", 2),
      ("songda", "zfdd_zfy", 5), ("zhixing", "dsr", 10), ("jiean", "zfdd_ddz", 1)]  # fmt: skip


def _workdays(start: date, n: int) -> date:
    from powerctl.domain.calendar import working_day_deadline

    return working_day_deadline(start, n).day if n else start


def cases(n: int, seed: int = 23) -> list[tuple[str, str, date, list[tuple[str, date, str]]]]:
    """(id, power, received, steps) for n cases; deterministic."""
    rng = random.Random(seed)
    first = date(2025, 1, 2).toordinal()
    span = date(2026, 11, 20).toordinal() - first
    out = []
    for i in range(n):
        received = date.fromordinal(first + rng.randrange(span))
        penalty = i % 5 == 4
        plan, natural = (CF, True) if penalty else (XK, False)
        late = rng.random() < 0.1
        steps = []
        day = received
        for k, (step, post, days) in enumerate(plan):
            wait = days + (rng.randrange(2, 6) if late and k == 4 else 0)
            day = day + timedelta(days=wait) if natural else _workdays(day, wait)
            steps.append((step, day, post))
        out.append((f"{'CF' if penalty else 'XK'}-{i:07d}", "CF-001" if penalty else "XK-001", received, steps))
    return out


def _rows(generated: list[tuple[str, str, date, list[tuple[str, date, str]]]]) -> list[list[str]]:
    rows = []
    for ident, power, received, steps in generated:
        closed = steps[-1][1] if steps[-1][1] <= TODAY else ""
        for step, done, by in steps:
            rows.append([ident, power, received.isoformat(), closed and closed.isoformat(), step,
                         done.isoformat() if done <= TODAY else "", by])  # fmt: skip
    return rows


def write(n: int, folder: Path, xlsx: bool) -> dict[str, Path]:
    records = folder / "records" / "lsj-cgj"
    records.mkdir(parents=True, exist_ok=True)
    generated = cases(n)
    csv_path, yaml_path, xlsx_path = records / "导出.csv", records / "2026.yaml", records / "导出.xlsx"
    heading = ["case", "power", "received", "closed", "step", "done", "by"]
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(heading)
        w.writerows(_rows(generated))
    if xlsx:  # one sheet holds at most 1,048,576 rows: about 150,000 cases of 7 steps
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(heading)
        for row in _rows(generated):
            sheet.append(row)
        book.save(xlsx_path)
    with yaml_path.open("w", encoding="utf-8") as fh:
        fh.write("schema: powerctl/records@1\nunit: lsj-cgj\ncases:\n")
        for ident, power, received, steps in generated:
            fh.write(f"  - id: {ident}\n    power: {power}\n    received: {received.isoformat()}\n    steps:\n")
            for step, done, by in steps:
                if done <= TODAY:
                    fh.write(f"      - {{step: {step}, done: {done.isoformat()}, by: {by}}}\n")
            if steps[-1][1] <= TODAY:
                fh.write(f"    closed: {steps[-1][1].isoformat()}\n")
    return {"csv": csv_path, "yaml": yaml_path, "xlsx": xlsx_path}


CHILD = r"""
import json, resource, sys, time
from datetime import date
from pathlib import Path
from powerctl.catalogue.config import Config
from powerctl.check.engine import Options, validate
from powerctl.check.records import RecordsCheck, RecordsFile

shipped, path, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
unit = validate([str(shipped)], Config(root=shipped.parent), Options(records=False)).units[0]
today = date(2026, 11, 30)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.process_time()
found = cases = 0
if mode == "stream":
    for f in RecordsCheck({unit.id: unit}, today).check(RecordsFile(str(path), unit.id)):
        found += 1
else:  # the peer: load the whole file, then check each case
    import yaml
    from powerctl.domain.cases import Records
    records = Records(unit, today)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    for case in data["cases"]:
        found += sum(1 for _ in records.case(case))
seconds = time.process_time() - start
# VmHWM, the peak of this process's own memory: ru_maxrss would start at the parent's size when forked.
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "found": found, "start_kb": before, "peak_kb": hwm}))
"""


def measure(path: Path, mode: str = "stream") -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(SHIPPED), str(path), mode],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONSAFEPATH": "1"},
    )  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "yaml", "xlsx"], choices=["csv", "yaml", "xlsx"])
    parser.add_argument("--peer-cases", type=int, default=100_000, help="0: no peer")
    args = parser.parse_args()
    print(f"records check, one core (CPU time), Python {sys.version.split()[0]}")
    print(f"{'format':6} {'cases':>10} {'cases/s':>10} {'peak MB':>9} {'findings':>9}")
    peaks: dict[str, list[tuple[int, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="powerctl-bench-records-") as tmp:
        for n in args.cases:
            xlsx = "xlsx" in args.formats and n * 11 < 1_048_576
            files = write(n, Path(tmp) / str(n), xlsx)
            for fmt in args.formats:
                if fmt == "xlsx" and not xlsx:
                    continue
                r = measure(files[fmt])
                peak = r["peak_kb"] / 1024
                peaks.setdefault(fmt, []).append((n, peak))
                print(f"{fmt:6} {n:>10,} {n / r['seconds']:>10,.0f} {peak:>9.1f} {int(r['found']):>9,}", flush=True)
            if n == args.peer_cases and "yaml" in args.formats:
                r = measure(files["yaml"], "peer")
                print(f"peer: the YAML loaded whole (CSafeLoader), {n:,} cases: {n / r['seconds']:,.0f} cases/s, "
                      f"peak {r['peak_kb'] / 1024:.1f} MB", flush=True)  # fmt: skip
    for fmt, sizes in peaks.items():
        if len(sizes) > 1:
            (n0, p0), (n1, p1) = sizes[0], sizes[-1]
            print(f"{fmt}: peak memory at {n1:,} cases is {p1 / p0:.2f}× that at {n0:,} ({n1 / n0:.0f}× the cases)")


if __name__ == "__main__":
    main()
