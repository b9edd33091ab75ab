"""Every formatter's output, byte for byte, against a golden file: the same findings (three rule cases: a
missing legal basis, YAML syntax errors, a flowchart missing its elements) in each format.

After a deliberate change of a format, run with POWERCTL_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

GOLDEN = Path(__file__).parent / "golden" / "formatters"
CASES = ROOT / "tests" / "rule_cases"
INPUTS = ("b101/fail", "e001/fail", "f201/fail")
FORMATS = {"text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "gitlab": "json", "github": "txt"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_formatter_output_is_the_golden_file(fmt: str) -> None:
    done = run_cli("validate", *INPUTS, "--today", "2026-11-30", "--no-cache", "-f", fmt, cwd=CASES)
    assert done.returncode == 1, done.stderr
    golden = GOLDEN / f"findings.{fmt}.{FORMATS[fmt]}"
    if os.environ.get("POWERCTL_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(done.stdout, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run with POWERCTL_UPDATE_GOLDEN=1 and review it"
    assert done.stdout == golden.read_text(encoding="utf-8")


def test_every_golden_file_is_a_format() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(f"findings.{f}.{e}" for f, e in FORMATS.items())
