#!/usr/bin/env python3
"""The 一表 PDF: CPU time and pages of each table PDF, powerctl now against powerctl at each REF, in one run.

    python bench/table_pdf.py [--baseline REF ...] [--powers 50] [--rounds 2] [--keep DIR]

Each tree at a REF (default: 20b1107, the typesetter on powerctl's own PDF writer, and 3b0a8e3, WeasyPrint) is
checked out with `git worktree add` (removed afterwards) and imported from its folder (the same virtualenv: the
same WeasyPrint, Pango, cairo and fonts). Tables measured, for both audiences: a generated
unit of `--powers` powers (bench/generate.py: the example city bureau's powers repeated) and the 41-power
权责清单 with long 责任事项 and 追责情形 (tests/fixtures/quanze/sf-scjgj.yaml). Each table is made once in a
fresh process per tree (after a warm-up PDF: imports, fonts), best CPU time of `--rounds`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_DRIVER = r"""
import json, sys, time
from datetime import date
from pathlib import Path
from powerctl.catalogue.config import Config
from powerctl.check.engine import validate
from powerctl.documents import table, table_pdf
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs, audience_powers
from powerctl.laws.registry import builtin
from powerctl.laws.resolve import LawResolver

rounds, out = int(sys.argv[1]), Path(sys.argv[2])
laws = LawResolver([builtin()], None, date(2026, 11, 22))
result = {}
warm = False
for file in sys.argv[3:]:
    unit = validate([file], Config(root=Path(file).parent)).units[0]
    for audience in ("public", "internal"):
        docs = UnitDocs(unit, audience_powers(unit, audience), audience, laws, {})
        made = table.tables(docs)
        args = (made, unit.name, AUDIENCE_ZH[audience], table.title(docs))
        if not warm:
            table_pdf.pdf_bytes(*args)
            warm = True
        best = float("inf")
        for _ in range(rounds):
            start = time.process_time()
            data = table_pdf.pdf_bytes(*args)
            best = min(best, time.process_time() - start)
        path = out / f"{unit.id}-{audience}.pdf"
        path.write_bytes(data)
        result[f"{unit.id} {audience} ({len(docs.powers)} powers)"] = [best, str(path)]
print(json.dumps(result))
"""


def _pages(path: str) -> int:
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", action="append", help="a git ref to compare with (repeatable)")
    parser.add_argument("--powers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="a folder to keep the PDFs in (before/, now/)")
    args = parser.parse_args()
    refs = args.baseline or ["20b1107", "3b0a8e3"]
    with tempfile.TemporaryDirectory(prefix="table-pdf-bench-") as tmp:
        work = Path(tmp)
        trees = {ref: work / f"tree-{n}" for n, ref in enumerate(refs)}
        try:
            for ref, tree in trees.items():
                subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), ref], check=True)
            data = work / "data"
            gen = [sys.executable, str(ROOT / "bench" / "generate.py"), str(data), "--units", "1"]
            subprocess.run([*gen, "--powers", str(args.powers)], check=True, capture_output=True)
            files = [str(p) for p in sorted(data.glob("*.yaml"))]
            files.append(str(ROOT / "tests" / "fixtures" / "quanze" / "sf-scjgj.yaml"))
            # the old typesetter's print fonts are built once per cache folder: one kept beside the run
            env = {**os.environ, "XDG_CACHE_HOME": str(ROOT / ".cache" / "bench-table-xdg")}
            results = {}
            for name, tree in [*trees.items(), ("now", ROOT)]:
                out = (args.keep or work) / name
                out.mkdir(parents=True, exist_ok=True)
                done = subprocess.run(
                    [sys.executable, "-c", _DRIVER, str(args.rounds), str(out), *files],
                    env={**env, "PYTHONPATH": str(tree), "PYTHONSAFEPATH": "1"},  # not the working directory
                    cwd=work,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results[name] = json.loads(done.stdout.splitlines()[-1])
            heads = " | ".join(f"{ref} CPU s, pages" for ref in refs)
            ratios = " | ".join(f"now / {ref}" for ref in refs)
            print(f"| table | {heads} | now CPU s, pages | {ratios} |")
            print("|---" * (2 + 2 * len(refs)) + "|")
            for key, (now_s, now_path) in results["now"].items():
                cells = [f"{results[r][key][0]:.2f}, {_pages(results[r][key][1])}" for r in refs]
                shares = [f"{now_s / results[r][key][0]:.2f}" for r in refs]
                print(f"| {key} | {' | '.join(cells)} | {now_s:.2f}, {_pages(now_path)} | {' | '.join(shares)} |")
        finally:
            for tree in trees.values():
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


if __name__ == "__main__":
    main()
