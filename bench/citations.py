#!/usr/bin/env python3
"""False alarms and recall of the meaning rules (B101–B109) on real citations.

    python bench/citations.py [--corpus ../shared/laws/lawrefbook] [--index FILE] [-v]

Indexes the LawRefBook corpus into a temporary cache (or uses --index, an index built by the code under test),
then validates tests/citations/real.yaml (real, correct 设定依据 citations) and tests/citations/mismatch.yaml
(real mistakes) as catalogues, as `powerctl validate` does (tests/citation_corpus.py), and prints:

- per B rule, its findings on the correct citations (each one a false alarm) and the mismatches it caught;
- recall: the share of mismatches some B rule caught, by kind of mistake;
- the same correct citations on powers whose status is 取消 and 废止: errors there (there must be none).

It runs on older powerctl too (it uses only `validate`), which is how bench/README.md's "before" was measured.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "laws" / "lawrefbook")
    parser.add_argument("--index", type=Path, help="an index already built (laws.sqlite3) instead of a new one")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every false alarm and every miss")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        target = cache / "powerctl" / "laws.sqlite3"
        target.parent.mkdir(parents=True)
        if args.index is not None:
            target.symlink_to(args.index.resolve())
        else:
            from powerctl.laws.index import build_index

            started = time.perf_counter()
            build_index(args.corpus, target)
            print(f"index built in {time.perf_counter() - started:.1f} s")
        os.environ["XDG_CACHE_HOME"] = str(cache)
        from tests.citation_corpus import B_RULES, load, score

        real, wrong = load("real"), load("mismatch")
        started = time.perf_counter()
        on_real, on_wrong = score(real), score(wrong)
        ended = {status: score(real, status) for status in ("取消", "废止")}
        seconds = time.perf_counter() - started

    for s in (on_real, on_wrong, *ended.values()):
        if s.schema:
            print("the generated catalogue is not valid:", *s.schema[:5], sep="\n  ")
            return 2
    print(f"{len(real)} correct citations, {len(wrong)} mismatches; checked in {seconds:.1f} s\n")
    print("rule   false alarms (correct)   caught (mismatches)")
    false_total = 0
    for rule in B_RULES:
        false = len(on_real.flagged(rule))
        false_total += false
        print(f"{rule}   {false:>5} of {len(real):<5}          {len(on_wrong.flagged(rule)):>5} of {len(wrong)}")
    caught = on_wrong.flagged()
    alarms = on_real.flagged()
    print(
        f"\nany B rule: false alarms on {len(alarms)} of {len(real)} correct citations ({len(alarms) / len(real):.1%})"
    )
    print(f"recall: {len(caught)} of {len(wrong)} mismatches caught ({len(caught) / len(wrong):.1%})")
    kinds = Counter(e["kind"] for e in wrong)
    got = Counter(wrong[i]["kind"] for i in caught)
    print("  by kind: " + ", ".join(f"{k} {got[k]}/{n}" for k, n in sorted(kinds.items())))
    by_category = Counter(real[i]["category"] for i in alarms)
    if by_category:
        print("  false alarms by category: " + ", ".join(f"{k} {n}" for k, n in by_category.most_common()))
    for status, s in ended.items():
        errors = [f for f in s.findings if f["severity"] == "error"]
        print(f"status {status}: {len(s.findings)} B findings, {len(errors)} errors")
    if args.verbose:
        print("\nfalse alarms:")
        for f in on_real.findings:
            e = real[f["power"]]
            print(f"  {f['rule']} {e['name']} ← 《{e['law']}》{e['article']}: {f['message']}")
        print("\nmissed:")
        for i, e in enumerate(wrong):
            if i not in caught:
                print(f"  [{e['kind']}] {e['name']} ← 《{e['law']}》{e['article']} (fits {e['fits']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
