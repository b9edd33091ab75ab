"""Time building the law index from a LawRefBook corpus and looking laws up in it.

Usage: python bench/laws_index.py [CORPUS] [--lookups N]
CORPUS defaults to ../shared/laws/lawrefbook next to the repository.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from powerctl.laws.index import LawIndex, build_index

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "laws" / "lawrefbook"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--lookups", type=int, default=1000)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {platform.machine()}, nproc {cpus}, {platform.system()} {platform.release()}")
    print(f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}")
    print(f"corpus: {args.corpus}")

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "laws.sqlite3"
        started = time.perf_counter()
        stats = build_index(args.corpus, db)
        build = time.perf_counter() - started
        size = db.stat().st_size / 1e6
        print(
            f"build_index: {build:.1f} s wall ({stats.files} files, {stats.laws} laws, {stats.versions} versions, "
            f"{stats.articles} articles, {len(stats.skipped)} skipped), index {size:.0f} MB"
        )

        index = LawIndex.open(db)
        assert index is not None
        with index:
            titles = list(index.names())
            rng = random.Random(0)
            # Real names in the forms a catalogue uses: full title, without 中华人民共和国, in 《》.
            forms = [t for title in titles for t in (title, title.removeprefix("中华人民共和国"), f"《{title}》")]
            sample = [rng.choice(forms) for _ in range(args.lookups)]
            timings: list[float] = []
            for name in sample:
                t0 = time.perf_counter()
                found = index.lookup(name)
                timings.append(time.perf_counter() - t0)
                assert found is not None, name
            ms = [t * 1000 for t in timings]
            print(
                f"lookup ×{len(ms)}: mean {statistics.fmean(ms):.3f} ms, p95 {percentile(ms, 0.95):.3f} ms, "
                f"max {max(ms):.3f} ms"
            )

            article_ms: list[float] = []
            for name in sample[:200]:
                t0 = time.perf_counter()
                index.article(name, 1)
                article_ms.append((time.perf_counter() - t0) * 1000)
            print(f"article ×{len(article_ms)}: mean {statistics.fmean(article_ms):.3f} ms")

            for words in ("行政许可", "罚款", "行政许可 罚款", "人民政府"):
                t0 = time.perf_counter()
                hits = index.search(words)
                print(f"search {words!r}: {len(hits)} hits in {(time.perf_counter() - t0) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
