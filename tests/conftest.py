"""Shared helpers: run the CLI in-process or as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "catalogues"


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "error"}
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


def findings(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    doc = json.loads(result.stdout)
    items: list[dict[str, Any]] = doc["findings"]
    return items


@pytest.fixture
def cli() -> Any:
    return run_cli
