"""The worker processes of a command, one per core, kept for several calls: a bundle draws its flowcharts
(`drawing.pool.Renderer`), prints its table PDFs and builds whole units in them. Workers start clean (spawn:
without the parent's threads or half-initialised libraries), collect cycles rarely (`gcpolicy`) and die with
their parent. With one worker, the work is done in this process instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Self

from powerctl import gcpolicy

_PR_SET_PDEATHSIG = 1


def _init_worker(parent: int) -> None:
    """Collect cycles rarely, and die with the parent (Linux): a killed bundle must not leave workers writing
    into its stage."""
    gcpolicy.relax()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before the signal was asked for
        os._exit(1)


class Workers:
    """A pool of worker processes, started on first use and ended when the `with` block ends."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=_init_worker, initargs=(os.getpid(),)
            )
        return self._pool

    def call(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """A task with a result (a module-level function, picklable arguments and result) for the worker
        processes; with one worker, done here before this returns."""
        if self.workers > 1:
            return self._executor().submit(function, *args)
        done: Future[Any] = Future()
        try:
            done.set_result(function(*args))
        except Exception as exc:
            done.set_exception(exc)
        return done
