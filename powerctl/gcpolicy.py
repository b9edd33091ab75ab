"""The cyclic garbage collector's thresholds for powerctl's processes.

powerctl builds millions of short-lived containers (one dict or list per YAML mapping or sequence, tuples for
every painted shape), almost all freed by reference counting. With CPython's default thresholds (700, 10, 10)
the collector walks the young generation every 700 net allocations and the whole heap every 70,000, finding
next to nothing: measured in one process with the two settings alternated, 17 % of a cold `validate` and 7 %
of drawing a flowchart went to it. Raised thresholds keep collection for the rare cycle, and the memory
benchmark (`bench/run`) keeps watch on peak memory.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 100)


def relax() -> None:
    """Collect cycles rarely in this process (each process, workers included, calls this once at start)."""
    gc.set_threshold(*THRESHOLDS)
