"""The folders a unit's bundle is built in: a stage folder named after the bundle process, renamed into place
at the end; what a killed build left is removed by the next one."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from contextlib import suppress
from pathlib import Path

_built_for: int | None = None  # in a worker process (`work_for_parent`): the bundle process it works for


def work_for_parent() -> None:
    """Called in a worker process that builds units: its stage folders are named after the bundle process."""
    global _built_for
    _built_for = os.getppid() if multiprocessing.parent_process() is not None else None  # else: this process


def owner() -> int:
    """The process a stage folder is named after: the bundle command's, also when a worker builds the unit.
    When that process is gone (killed), its workers are too (the pool's worker initializer), and the next
    bundle removes what it left; a worker itself, killed, may linger a while as a zombie."""
    return _built_for if _built_for is not None else os.getpid()


def _alive(pid: str) -> bool:
    """Whether the process that made a stage folder still runs (another bundle into the same folder)."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_leftovers(out: Path, unit: str) -> None:
    """Stage folders, old folders and manifests left by a build of this unit that was killed (its process is
    gone); those of a build still running are left alone."""
    for marker in ("building", "old", "manifest"):
        for left in out.glob(f".{unit}.{marker}-*"):
            if not _alive(left.name.split(f"{marker}-", 1)[1].split("-", 1)[0]):
                if left.is_dir():
                    shutil.rmtree(left, ignore_errors=True)
                else:
                    with suppress(OSError):
                        left.unlink()


def publish(stage: Path, target: Path) -> None:
    """The stage folder renamed into place; the previous bundle, if any, moved aside first and removed."""
    old = target.parent / f".{target.name}.old-{owner()}"
    if target.exists():
        target.rename(old)
    stage.rename(target)
    shutil.rmtree(old, ignore_errors=True)
