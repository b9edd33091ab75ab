"""Process-parallel validation gives the same report as checking one file after another."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from powerctl.catalogue.config import Config
from powerctl.check import engine
from powerctl.check.engine import Options, RuleCrash, validate
from powerctl.rules import REGISTRY, RuleSpec
from tests.conftest import CATALOGUES, ROOT, findings, run_cli

BAD = ROOT / "tests" / "bad"


def _mixed_repo(tmp_path: Path) -> Path:
    """The examples, the bad-input corpus, and a unit id used twice (in two folders)."""
    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    shutil.copytree(BAD, repo / "catalogues" / "bad", ignore=shutil.ignore_patterns("expected.yaml"))
    example = next((repo / "catalogues").rglob("lsj-cgj.yaml"))
    (repo / "catalogues" / "zz").mkdir()
    shutil.copy(example, repo / "catalogues" / "zz" / "lsj-cgj.yaml")
    return repo


def test_parallel_report_equals_the_sequential_one(tmp_path: Path) -> None:
    repo = _mixed_repo(tmp_path)
    one = run_cli("validate", "-f", "json", "--no-cache", "-j", "1", cwd=repo)
    two = run_cli("validate", "-f", "json", "--no-cache", "-j", "3", cwd=repo)
    assert one.returncode == two.returncode == 1, two.stderr
    assert "Traceback" not in two.stderr
    assert one.stdout == two.stdout
    dup = [f for f in findings(two) if f["rule"] == "E006" and "在仓库中重复" in f["message"]]
    assert [f["file"].split("catalogues/")[1] for f in dup] == ["zz/lsj-cgj.yaml"]
    assert {f["rule"] for f in findings(two)} >= {"E001", "E002", "E004", "E006"}


def test_small_runs_stay_in_one_process(tmp_path: Path) -> None:
    files = [str(p) for p in sorted(CATALOGUES.rglob("*.yaml"))]
    assert engine._workers(files, Options(keep=False), 0) == 1  # a few small files: not worth a process
    assert engine._workers(files, Options(keep=False), 2) == 2  # asked for
    assert engine._workers(files, Options(keep=True), 2) == 1  # units are wanted back: in this process


def test_a_rule_crash_in_a_worker_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(unit: Any, ctx: Any) -> Any:
        raise RuntimeError("boom")

    spec = REGISTRY["B101"]
    monkeypatch.setitem(REGISTRY, "B101", RuleSpec(spec.code, spec.name, spec.severity, spec.summary, spec.doc, boom))
    files = [str(p) for p in sorted(CATALOGUES.rglob("*.yaml"))]
    engine._start_worker(Config(root=ROOT), Options(keep=False))
    try:
        sent = engine._check_in_worker(files)
    finally:
        engine._worker_checker = None
    assert isinstance(sent, tuple) and sent[0] == "B101"
    crash = RuleCrash.from_message(*sent)
    assert crash.code == "B101" and "boom" in str(crash)
    with pytest.raises(RuleCrash, match="B101"):
        validate([str(CATALOGUES)], Config(root=ROOT), Options(keep=False))
