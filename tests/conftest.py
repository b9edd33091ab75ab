"""Shared helpers: run the CLI in-process or as a real subprocess."""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.browser"]  # the `browser` and `tab` fixtures of the site tests


def loadable(soname: str) -> bool:
    """Whether a shared library can be loaded in this process (libgvc.so.6, libcairo.so.2)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


CATALOGUES = ROOT / "catalogues"

# The tests run the installed powerctl (scripts/bootstrap installs the built wheel), never the checkout's
# source: `python -m powerctl` started from the checkout must not put the checkout first on sys.path.
os.environ["PYTHONSAFEPATH"] = "1"


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**(env if env is not None else os.environ), "PYTHONWARNINGS": "error", "PYTHONSAFEPATH": "1"}
    env.pop("POWERCTL_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "powerctl", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


@dataclass(frozen=True)
class Limited:
    done: subprocess.CompletedProcess[str]
    seconds: float  # wall clock
    cpu: float  # CPU seconds of this run
    peak_kib: int  # the peak resident memory of the test's children so far


def run_limited(*args: str, cwd: Path, memory: int, timeout: float) -> Limited:
    """`powerctl ARGS` in a subprocess limited to MEMORY bytes of address space, measured."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "powerctl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=limit,
    )
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Limited(done, seconds, cpu, after.ru_maxrss)


def findings(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    doc = json.loads(result.stdout)
    items: list[dict[str, Any]] = doc["findings"]
    return items


@pytest.fixture
def cli() -> Any:
    return run_cli


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's ~/.cache/powerctl (law index, validation cache) or its key."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("xdg-state"))  # the cache's signing key


# Graphviz loaded in-process (powerctl.drawing.gvlib)
needs_libgvc = pytest.mark.skipif(
    shutil.which("dot") is None or not loadable("libgvc.so.6"), reason="Graphviz (dot, libgvc.so.6) is not installed"
)
needs_qpdf = pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed (apt-get install qpdf)")
REQUIRE_TOOLS = os.environ.get("POWERCTL_REQUIRE_TOOLS") == "1"


def qpdf_check(path: Path) -> None:
    """The PDF passes `qpdf --check` (skipped where qpdf is not installed)."""
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed (apt-get install qpdf)")
    done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "No syntax or stream encoding errors" in done.stdout, (path, done.stdout)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """With POWERCTL_REQUIRE_TOOLS=1 (CI sets it), a test skipped for a missing tool or corpus fails instead:
    on a machine that bootstrap set up, nothing may be skipped."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if REQUIRE_TOOLS and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"POWERCTL_REQUIRE_TOOLS=1, but the test was skipped: {reason}"


LAW_CORPUS = ROOT.parent / "shared" / "laws" / "lawrefbook"
needs_corpus = pytest.mark.skipif(
    not LAW_CORPUS.is_dir(), reason=f"real LawRefBook corpus not found at {LAW_CORPUS} (see ../shared/laws/README.md)"
)


@pytest.fixture(scope="session")
def units() -> dict[str, Any]:
    """The shipped catalogues, validated once per session: unit id → Unit."""
    from powerctl.catalogue.config import Config
    from powerctl.check.engine import validate

    return {u.id: u for u in validate([str(CATALOGUES)], Config(root=ROOT)).units}


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The real corpus indexed once per session: (a cache folder to use as XDG_CACHE_HOME, IndexStats)."""
    from powerctl.laws.index import build_index

    if not LAW_CORPUS.is_dir():
        pytest.skip(f"real LawRefBook corpus not found at {LAW_CORPUS}")
    cache = tmp_path_factory.mktemp("xdg-real")
    stats = build_index(LAW_CORPUS, cache / "powerctl" / "laws.sqlite3")
    return cache, stats


@pytest.fixture(scope="session")
def real_index(real_build: tuple[Path, Any]) -> Iterator[tuple[Any, Any]]:
    from powerctl.laws.index import LawIndex

    cache, stats = real_build
    index = LawIndex.open(cache / "powerctl" / "laws.sqlite3")
    assert index is not None
    yield index, stats
    index.close()
