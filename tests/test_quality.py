"""The code base keeps its own standards: ruff and mypy --strict are clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_ruff() -> None:
    beside = Path(sys.executable).with_name("ruff")
    ruff = str(beside) if beside.is_file() else (shutil.which("ruff") or "ruff")
    result = _run(ruff, "check", "powerctl", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr
    result = _run(ruff, "format", "--check", "powerctl", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
