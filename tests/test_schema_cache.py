"""The compiled schema check agrees with jsonschema; the file cache never serves a stale result."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from powerctl.check.engine import discover
from powerctl.source.load import load_file
from powerctl.source.schema import SchemaChecker
from tests.conftest import CATALOGUES, run_cli

CASES = Path(__file__).parent / "rule_cases"
# Every case and example file that loads as a YAML mapping (the others never reach the schema stage).
FILES = [
    f
    for f in discover([str(CASES), str(CATALOGUES)]).files
    if not (d := load_file(Path(f))).problems and isinstance(d.data, dict)
]


@pytest.mark.parametrize("file", FILES, ids=[str(Path(f).relative_to(Path(f).parents[2])) for f in FILES])
def test_quick_check_agrees_with_jsonschema(file: str) -> None:
    doc = load_file(Path(file))
    checker = SchemaChecker.for_catalogues()
    full = list(checker.validator.iter_errors(doc.data))
    assert checker.quick_valid(doc.data) == (not full), [e.message for e in full[:3]]


def test_cache_serves_unchanged_files_and_notices_changes(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    unit = tmp_path / "lsj-cgj.yaml"
    text = (CATALOGUES / "hunan/loudi/lengshuijiang/lsj-cgj.yaml").read_text(encoding="utf-8")
    unit.write_text(text, encoding="utf-8")
    first = run_cli("validate", str(unit), "-f", "json", env=env)
    assert first.returncode == 0
    assert list((tmp_path / "cache" / "powerctl" / "files").rglob("*.msgpack"))
    unit.write_text(text.replace("  level: 县级", "  level: 区级"), encoding="utf-8")
    changed = run_cli("validate", str(unit), "-f", "json", env=env)
    assert changed.returncode == 1
    assert [f["rule"] for f in json.loads(changed.stdout)["findings"]] == ["E003"]
    nocache = run_cli("validate", str(unit), "-f", "json", "--no-cache", env=env)
    assert json.loads(nocache.stdout) == json.loads(changed.stdout)


def test_damaged_cache_entries_are_ignored(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert run_cli("validate", "catalogues", "--ignore", "R8", env=env).returncode == 0
    entries = list((tmp_path / "cache").rglob("*.msgpack"))
    assert entries
    for entry in entries:
        entry.write_bytes(b"not an entry")
    again = run_cli("validate", "catalogues", "--ignore", "R8", "-f", "json", env=env)
    assert again.returncode == 0 and json.loads(again.stdout)["findings"] == []


def test_cached_run_matches_and_follows_config_and_day(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    repo = tmp_path / "repo"
    (repo / "catalogues").mkdir(parents=True)
    text = (CATALOGUES / "hunan/loudi/lengshuijiang/lsj-cgj.yaml").read_text(encoding="utf-8")
    late = text.replace(
        "\nchanges:\n", "\nchanges:\n  - {date: 2026-11-02, items: [CF-001], kind: 调整, reason: 测试}\n", 1
    )
    (repo / "catalogues" / "lsj-cgj.yaml").write_text(late, encoding="utf-8")
    args = ("validate", "-f", "json", "--today", "2026-11-22")
    first = run_cli(*args, cwd=repo, env=env)
    second = run_cli(*args, cwd=repo, env=env)
    assert first.stdout == second.stdout and json.loads(first.stdout)["findings"] == []
    later = run_cli("validate", "-f", "json", "--today", "2026-12-31", cwd=repo, env=env)
    assert [f["rule"] for f in json.loads(later.stdout)["findings"]] == ["C702"]
    (repo / ".powerctl.yaml").write_text("rules: {C702: warning}\n", encoding="utf-8")
    relaxed = run_cli("validate", "-f", "json", "--today", "2026-12-31", cwd=repo, env=env)
    assert [f["severity"] for f in json.loads(relaxed.stdout)["findings"]] == ["warning"]
