"""The pull-request workflow: diff and --base on a real git repository, the working-day calendar, CI formats."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft4Validator

from powerctl.domain.calendar import is_workday, working_day_deadline
from tests.conftest import CATALOGUES, ROOT, run_cli

CGJ = "catalogues/hunan/loudi/lengshuijiang/lsj-cgj.yaml"
SARIF_SCHEMA = ROOT / ".cache" / "sarif-schema" / "sarif-2.1.0.json"
OLD_LIMIT = "time_limit: {statutory: 90, promised: 60, unit: 自然日}"
NEW_LIMIT = "time_limit: {statutory: 90, promised: 60, unit: 自然日}".replace("60", "59")


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@x"
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    path = repo / CGJ
    text = path.read_text(encoding="utf-8")
    at = text.index(OLD_LIMIT, text.index("- id: CF-001"))  # CF-001's limits
    path.write_text(text[:at] + NEW_LIMIT + text[at + len(OLD_LIMIT) :], encoding="utf-8")
    _git(repo, "commit", "-qam", "shorten CF-001")
    return repo


def test_diff_shows_that_power_and_field_only(repo: Path) -> None:
    result = run_cli("diff", "HEAD~1", "HEAD", "-f", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    units = json.loads(result.stdout)["units"]
    assert units == [
        {
            "unit": "lsj-cgj",
            "status": "changed",
            "added": [],
            "removed": [],
            "changed": [
                {
                    "power": "CF-001",
                    "fields": [{"field": "time_limit.promised", "title": "承诺时限", "old": 60, "new": 59}],
                }
            ],
        }
    ]
    md = run_cli("diff", "HEAD~1", "-f", "markdown", cwd=repo)
    assert md.returncode == 0 and "| 冷水江市城市管理局 | 有变更 | 0 | 0 | 1 |" in md.stdout
    folders = run_cli("diff", str(CATALOGUES), str(repo / "catalogues"), cwd=repo)
    assert "承诺时限：60 个自然日 → 59 个自然日" in folders.stdout


def test_base_reports_c701_until_a_change_is_recorded(repo: Path) -> None:
    result = run_cli("validate", "--base", "HEAD~1", "-f", "json", cwd=repo)
    found = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["power"]) for f in found] == [("C701", "CF-001")]
    assert result.returncode == 1
    path = repo / CGJ
    text = path.read_text(encoding="utf-8")
    entry = "\nchanges:\n  - {date: 2026-11-20, items: [CF-001], kind: 调整, reason: 压缩承诺时限}\n"
    path.write_text(text.replace("\nchanges:\n", entry, 1), encoding="utf-8")
    cleared = run_cli("validate", "--base", "HEAD~1", "-f", "json", "--today", "2026-11-22", cwd=repo)
    assert json.loads(cleared.stdout)["findings"] == [] and cleared.returncode == 0


def test_base_must_be_a_ref(repo: Path) -> None:
    result = run_cli("validate", "--base", "no-such-ref", cwd=repo)
    assert result.returncode == 2 and "no-such-ref" in result.stderr


def test_working_days_follow_the_real_calendar() -> None:
    # Labour Day 2026: 1–5 May off; Saturday 9 May a make-up working day.
    assert not is_workday(date(2026, 5, 4))[0] and is_workday(date(2026, 5, 9))[0]
    on_time = working_day_deadline(date(2026, 4, 20), 20)
    assert on_time.day >= date(2026, 5, 19) and not on_time.approximate
    late = working_day_deadline(date(2026, 5, 6), 20)
    assert late.day < date(2026, 6, 3)
    # Plain weekdays get both wrong.
    days, d = 0, date(2026, 4, 20)
    while days < 20:
        d = date.fromordinal(d.toordinal() + 1)
        days += d.weekday() < 5
    assert d < date(2026, 5, 19)
    assert working_day_deadline(date(2099, 1, 1), 20).approximate


def test_github_annotations_inside_actions(tmp_path: Path) -> None:
    bad = tmp_path / "lsj-cgj.yaml"
    bad.write_text((ROOT / CGJ).read_text(encoding="utf-8").replace(OLD_LIMIT, OLD_LIMIT.replace("60", "91")))
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    result = run_cli("validate", str(bad), env=env)
    assert result.returncode == 1
    line = next(x for x in result.stdout.splitlines() if x.startswith("::error "))
    assert f"file={bad}" in line and ",line=" in line and ",col=" in line and "title=T301" in line


def _bad_file(tmp_path: Path) -> Path:
    bad = tmp_path / "lsj-cgj.yaml"
    text = (ROOT / CGJ).read_text(encoding="utf-8").replace(OLD_LIMIT, OLD_LIMIT.replace("60", "91"))
    bad.write_text(text.replace("name: 冷水江市城市管理局", "name: 冷水江市城管局\n  name: 重复", 1), encoding="utf-8")
    return bad


@pytest.mark.skipif(not SARIF_SCHEMA.is_file(), reason=f"SARIF 2.1.0 schema not fetched to {SARIF_SCHEMA} (bootstrap)")
def test_sarif_validates_against_the_schema(tmp_path: Path) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    for target in (_bad_file(tmp_path), ROOT / CGJ):
        out = tmp_path / "out.sarif"
        result = run_cli("validate", str(target), "-f", "text", "-o", f"sarif={out}")
        assert result.returncode in (0, 1)
        doc = json.loads(out.read_text(encoding="utf-8"))
        errors = sorted(Draft4Validator(schema).iter_errors(doc), key=str)
        assert not errors, errors[0].message
        assert len(doc["runs"][0]["tool"]["driver"]["rules"]) >= 30


def test_several_outputs_in_one_run(tmp_path: Path) -> None:
    bad = _bad_file(tmp_path)
    files = {name: tmp_path / f"out.{name}" for name in ("json", "gitlab", "junit", "sarif")}
    args = [arg for name, path in files.items() for arg in ("-o", f"{name}={path}")]
    result = run_cli("validate", str(bad), "-f", "text", *args)
    assert result.returncode == 1
    findings = json.loads(files["json"].read_text(encoding="utf-8"))["findings"]
    gitlab = json.loads(files["gitlab"].read_text(encoding="utf-8"))
    assert len(gitlab) == len(findings) and all(i["location"]["positions"]["begin"]["line"] >= 1 for i in gitlab)
    junit = ET.fromstring(files["junit"].read_text(encoding="utf-8"))
    assert int(junit.get("failures", "0")) == len(findings)
    assert run_cli("validate", str(bad), "-o", "xml=out.xml").returncode == 2


def test_init_scaffolds_a_repository_that_validates(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "new"
    repo.mkdir()
    _git(repo, "init", "-q")
    made = run_cli("init", cwd=repo)
    assert made.returncode == 0, made.stderr
    for name in (".powerctl.yaml", ".pre-commit-config.yaml", ".gitlab-ci.yml", ".github/workflows/powerctl.yml"):
        assert yaml.safe_load((repo / name).read_text(encoding="utf-8")), name
    assert list((repo / "laws").glob("*.yaml")) and list((repo / "catalogues").rglob("*.yaml"))
    checked = run_cli("validate", cwd=repo)
    assert checked.returncode == 0, checked.stdout
    again = run_cli("init", cwd=repo)
    assert again.returncode == 2 and ".powerctl.yaml" in again.stderr


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "powerctl-validate" and hooks[0]["entry"] == "powerctl validate"
