"""Every rule has a pass case and a fail case: catalogue folders under tests/rule_cases/<code>/{pass,fail}/.

A folder is validated in one run. A pass folder must be clean (no finding of any code). In a fail
folder, each line where a finding is expected ends with a comment ``# expect: CODE[, CODE…]`` (read from
the raw bytes, so GBK files can carry one); the marker may precede a ``# powerctl: disable=…`` directive
on the same line, since that directive has to end the line. A folder holding a `.powerctl.yaml` is
validated with that config (e.g. the code profile N603 checks against); others with the defaults.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import cast

import pytest

from powerctl.catalogue.config import CONFIG_NAME, Config, load_config
from powerctl.check.engine import Options, discover, validate
from powerctl.check.report import ExitCode, Report, Severity
from powerctl.laws.index import build_index
from powerctl.rules import REGISTRY
from powerctl.source.load import load_file

CASES = Path(__file__).parent / "rule_cases"
TODAY = date(2026, 11, 22)  # date-dependent rules (C702) judge every case as of this day
CORPUS = Path(__file__).parent / "fixtures" / "lawcorpus"
MARKER = re.compile(r"#\s*expect:\s*([A-Z]\d{3}(?:\s*,\s*[A-Z]\d{3})*)")

Place = tuple[str, int]  # (file relative to the case folder, 1-based line)


@pytest.fixture(scope="module")
def _cache_with_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder whose law index holds the fixture corpus, so B107 can compare quotes."""
    cache = tmp_path_factory.mktemp("cache")
    build_index(CORPUS, cache / "powerctl" / "laws.sqlite3")
    return cache


@pytest.fixture(autouse=True)
def _law_index(_cache_with_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(_cache_with_index))


def _run(folder: Path) -> Report:
    assert folder.is_dir(), f"missing case folder {folder.relative_to(CASES.parent)}"
    if any(p.is_symlink() for p in folder.rglob("*")):
        # A case folder is a repository of its own, and a link out of a repository is never read: the
        # records cases link the catalogue they share (_records/), so they run on a copy holding it as a file.
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "case"
            shutil.copytree(folder, copy, symlinks=False)
            report = _run(copy)
        report.findings = [replace(f, file=str(folder / Path(f.file).relative_to(copy))) for f in report.findings]
        return report
    config = load_config(folder) if (folder / CONFIG_NAME).is_file() else Config(root=folder)
    # A `base/` folder beside pass/ and fail/ is the version the case is compared with (C701, as --base).
    base_folder = folder.parent / "base"
    base = None
    if base_folder.is_dir():
        base = {}
        for file in discover([str(base_folder)]).files:
            data = load_file(Path(file)).data
            base[data["unit"]["id"]] = data
    report = validate([str(folder)], config, Options(today=TODAY, base=base)).report
    assert report.files > 0, f"no catalogue files in {folder}"
    return report


def _rel(folder: Path, file: str) -> str:
    return Path(file).relative_to(folder).as_posix()


def _markers(folder: Path) -> dict[str, set[Place]]:
    """Expected finding places by code, from `# expect:` comments."""
    expected: dict[str, set[Place]] = {}
    for file in discover([str(folder)], root=CASES).files:  # the shared catalogues are linked from _records/
        for n, raw in enumerate(Path(file).read_bytes().splitlines(), start=1):
            if m := MARKER.search(raw.decode("latin-1")):
                for code in m.group(1).split(","):
                    expected.setdefault(code.strip(), set()).add((_rel(folder, file), n))
    return expected


def test_every_case_folder_names_a_rule() -> None:
    # `_records` holds what the records cases share (linked from their folders)
    folders = [d for d in CASES.iterdir() if d.is_dir() and not d.name.startswith("_")]
    stray = sorted(d.name for d in folders if d.name.upper() not in REGISTRY)
    assert not stray, f"case folders for unknown rule codes: {stray}"


@pytest.mark.parametrize("code", list(REGISTRY), ids=list(REGISTRY))
def test_pass_case_is_clean(code: str) -> None:
    report = _run(CASES / code.lower() / "pass")
    assert [f"{f.file}:{f.line}:{f.column}: {f.rule} {f.message}" for f in report.sorted()] == []
    assert report.exit_code("info") == ExitCode.CLEAN


@pytest.mark.parametrize("code", list(REGISTRY), ids=list(REGISTRY))
def test_fail_case_matches_markers(code: str) -> None:
    folder = CASES / code.lower() / "fail"
    report = _run(folder)
    expected = _markers(folder)
    assert expected.get(code), f"{folder} has no `# expect: {code}` marker"
    assert all(f.line >= 1 and f.column >= 1 for f in report.findings)
    for checked in {code, *expected}:  # codes marked besides the folder's own are checked too
        found = {(_rel(folder, f.file), f.line) for f in report.findings if f.rule == checked}
        assert sorted(found) == sorted(expected.get(checked, set())), f"{checked} findings vs. markers"
    severity = cast(Severity, REGISTRY[code].severity)
    assert {f.severity for f in report.findings if f.rule == code} == {severity}
    assert report.exit_code(severity) == ExitCode.FINDINGS
    if severity == "error":
        assert report.exit_code() == ExitCode.FINDINGS
