"""A repeated validate over unchanged files is replayed from its record; any change runs it again."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from powerctl import quickrun
from tests.conftest import CATALOGUES, run_cli


def _age(root: Path) -> None:
    """Every file and folder a minute old: recent ones are never recorded (racy stamps)."""
    old = time.time() - 60
    for path in [root, *root.rglob("*")]:
        os.utime(path, (old, old))


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    bad = next((repo / "catalogues").rglob("lsj-cgj.yaml"))
    text = bad.read_text(encoding="utf-8")
    bad.write_text(text.replace("basis:", "basis_x:", 1), encoding="utf-8")  # a finding: exit 1
    _age(repo)
    return repo


def _replayed(repo: Path, *args: str) -> bool:
    """Whether the last record for this command line would be replayed now."""
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        return quickrun.lookup(["validate", *args]) is not None
    finally:
        os.chdir(cwd)


def test_replay_gives_the_same_output_and_exit_code(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    first = run_cli("validate", "-f", "json", cwd=repo)
    assert first.returncode == 1 and first.stdout
    assert _replayed(repo, "-f", "json")
    second = run_cli("validate", "-f", "json", cwd=repo)
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)


def test_a_change_anywhere_it_depends_on_runs_again(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    run_cli("validate", cwd=repo)
    assert _replayed(repo)

    unit = next((repo / "catalogues").rglob("lsj-zhadu.yaml"))
    unit.write_text(unit.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not _replayed(repo)
    _age(repo)
    run_cli("validate", cwd=repo)
    assert _replayed(repo)

    (repo / "catalogues" / "new").mkdir()  # a new folder (and later file) changes the parent's time
    assert not _replayed(repo)
    _age(repo)
    run_cli("validate", cwd=repo)
    assert _replayed(repo)

    (repo / ".powerctl.yaml").write_text("levels: {B101: off}\n", encoding="utf-8")
    assert not _replayed(repo)


def test_recent_changes_and_other_command_lines_are_not_recorded(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    unit = next((repo / "catalogues").rglob("lsj-zhadu.yaml"))
    unit.write_text(unit.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # just now
    run_cli("validate", cwd=repo)
    assert not _replayed(repo)
    _age(repo)
    for args in (["--no-cache"], ["-o", "json=out.json"]):
        run_cli("validate", *args, cwd=repo)
        assert not _replayed(repo, *args)
    assert not quickrun.eligible(["validate", "--base", "main"])
    assert not quickrun.eligible(["stats"])
    assert quickrun.eligible(["validate", "catalogues", "-f", "json"])
