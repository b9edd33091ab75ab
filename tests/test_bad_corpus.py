"""The bad-input corpus (tests/bad/): every file gives its expected finding at its line, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from powerctl.catalogue.config import Config
from powerctl.check.engine import validate
from tests.conftest import findings, run_cli

BAD = Path(__file__).parent / "bad"
EXPECTED: dict[str, list[object]] = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))


def test_corpus_is_complete() -> None:
    files = {p.name for p in BAD.glob("*.yaml")} - {"expected.yaml"}
    assert files == set(EXPECTED) and len(files) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_its_finding(name: str) -> None:
    code, line = EXPECTED[name]
    report = validate([str(BAD / name)], Config(root=BAD)).report
    assert (code, line) in {(f.rule, f.line) for f in report.findings}, [(f.rule, f.line) for f in report.findings]
    assert all(f.line >= 1 and f.column >= 1 for f in report.findings)
    assert int(report.exit_code()) == 1


def test_whole_corpus_through_the_cli() -> None:
    result = run_cli("validate", str(BAD), "-f", "json", "--no-cache", timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert {f["file"].rsplit("/", 1)[-1] for f in findings(result)} >= set(EXPECTED)
