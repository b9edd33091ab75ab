"""The repository is a boundary: a link found inside it that leads out is a finding at the link, never read, in
every output format; `fix` writes through a link inside the repository and refuses one leaving it; `fix` and
`validate` stay bounded in time and memory on a file of any size."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from powerctl.check.report import Finding, Report
from powerctl.formatters import get
from powerctl.resources import TEMPLATES
from powerctl.source.load import MAX_BYTES
from tests.conftest import run_cli

EXAMPLE = TEMPLATES / "init" / "catalogues" / "example" / "lsj-zjj.yaml"
SECRET = "S3CR3T-TOKEN"
FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
OUTSIDE = "符号链接指向仓库之外"


def _secret_file(path: Path, n: int) -> Path:
    """A file outside the repository whose values the schema's findings would quote, in every format, and whose
    lines the text format would show, if it were read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"schema: {SECRET}-{n}-a\nunit: {{id: {SECRET}-{n}-b, name: {SECRET}-{n}-c}}\npowers: {SECRET}-{n}-d\n",
        encoding="utf-8",
    )
    return path


def _hostile_repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """A repository with links out of it at several depths, to a folder, through a chain and to
    /proc/self/environ, under catalogues/, records/ and laws/; and one link that stays inside. Returns the
    repository and the links that must be reported."""
    outside = tmp_path / "outside"
    secret = _secret_file(outside / "secret.yaml", 1)
    _secret_file(outside / "folder" / "lsj-zjj.yaml", 2)
    repo = tmp_path / "repo"
    cat = repo / "catalogues"
    (cat / "deep" / "er").mkdir(parents=True)
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    (repo / "shared").mkdir()
    shutil.copyfile(EXAMPLE, repo / "shared" / "lsj-zjj.yaml")
    (cat / "lsj-zjj.yaml").symlink_to(Path("..") / "shared" / "lsj-zjj.yaml")  # inside: read, fine
    (cat / "top.yaml").symlink_to(secret)
    (cat / "deep" / "er" / "deeper.yaml").symlink_to(secret)
    (cat / "folder").symlink_to(outside / "folder", target_is_directory=True)
    (repo / "hop2").symlink_to(secret)
    (repo / "hop1").symlink_to(repo / "hop2")
    (cat / "chain.yaml").symlink_to(repo / "hop1")  # inside → inside → outside
    (cat / "env.yaml").symlink_to("/proc/self/environ")
    (repo / "records" / "lsj-zjj").mkdir(parents=True)
    (repo / "records" / "lsj-zjj" / "2026.yaml").symlink_to(secret)
    (repo / "laws").mkdir()
    (repo / "laws" / "local.yaml").symlink_to(secret)
    links = [
        "catalogues/chain.yaml",
        "catalogues/deep/er/deeper.yaml",
        "catalogues/env.yaml",
        "catalogues/folder",
        "catalogues/top.yaml",
        "laws/local.yaml",
        "records/lsj-zjj/2026.yaml",
    ]
    return repo, links


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_link_out_of_the_repository_is_reported_and_never_read(tmp_path: Path, fmt: str) -> None:
    repo, links = _hostile_repo(tmp_path)
    env = {**os.environ, "POWERCTL_BOUNDARY_SECRET": f"{SECRET}-environ"}
    done = run_cli("validate", "--today", "2026-11-30", "-f", fmt, cwd=repo, env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    if fmt == "json":
        report = json.loads(done.stdout)
        refused = sorted(f["file"] for f in report["findings"] if OUTSIDE in f["message"])
        assert refused == links, report["findings"]
        assert all(f["rule"] == "E001" and f["line"] == 1 for f in report["findings"] if OUTSIDE in f["message"])
        # the link that stays inside the repository is read and checked like any file: no finding of its own
        assert report["summary"]["files"] == 1 and report["summary"]["powers"] > 0, report
        assert not [f for f in report["findings"] if f["file"] == "catalogues/lsj-zjj.yaml"]
    elif fmt == "text":
        for link in links:
            assert f"{link}:1:1 E001 错误 {OUTSIDE}" in done.stdout, done.stdout


def test_a_path_given_inside_the_repository_that_leads_out_is_refused(tmp_path: Path) -> None:
    """pre-commit names the changed files: one that is a link out is refused like one found in a walk; the
    catalogues folder itself being a link out is refused too."""
    repo, _ = _hostile_repo(tmp_path)
    done = run_cli("validate", "catalogues/top.yaml", "-f", "text", cwd=repo)
    assert done.returncode == 1 and SECRET not in done.stdout + done.stderr
    assert f"catalogues/top.yaml:1:1 E001 错误 {OUTSIDE}" in done.stdout, done.stdout
    shutil.rmtree(repo / "catalogues")
    (repo / "catalogues").symlink_to(tmp_path / "outside" / "folder", target_is_directory=True)
    whole = run_cli("validate", "-f", "text", cwd=repo)
    assert whole.returncode == 1 and SECRET not in whole.stdout + whole.stderr
    assert f"catalogues:1:1 E001 错误 {OUTSIDE}" in whole.stdout, whole.stdout


def test_a_folder_given_outside_the_repository_is_the_users_choice(tmp_path: Path) -> None:
    """A path given outside the repository is read, and is itself the boundary of the links under it."""
    repo, _ = _hostile_repo(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copyfile(EXAMPLE, other / "lsj-zjj.yaml")
    (other / "out.yaml").symlink_to(tmp_path / "outside" / "secret.yaml")
    done = run_cli("validate", str(other), "-f", "json", cwd=repo)
    report = json.loads(done.stdout)
    assert report["summary"]["files"] == 1 and SECRET not in done.stdout, done.stdout
    refused = [f["file"] for f in report["findings"] if OUTSIDE in f["message"]]
    assert str(other / "out.yaml") in refused and not [f for f in refused if "catalogues" in f], refused


def test_a_config_file_that_leads_out_is_not_read(tmp_path: Path) -> None:
    repo, _ = _hostile_repo(tmp_path)
    (repo / ".powerctl.yaml").unlink()
    (repo / ".powerctl.yaml").symlink_to(tmp_path / "outside" / "secret.yaml")
    done = run_cli("validate", "-f", "text", cwd=repo)
    assert done.returncode == 2 and OUTSIDE in done.stderr, done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_a_law_folder_configured_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    repo, _ = _hostile_repo(tmp_path)
    (repo / ".powerctl.yaml").write_text(f'laws: {{paths: ["{tmp_path / "outside"}"]}}\n', encoding="utf-8")
    done = run_cli("validate", "catalogues/lsj-zjj.yaml", "-f", "text", cwd=repo)
    assert done.returncode == 1 and SECRET not in done.stdout + done.stderr, done.stdout
    assert "本地法规文件夹在仓库之外" in done.stdout, done.stdout


def test_a_link_swapped_to_leave_the_repository_is_not_answered_from_the_cache(tmp_path: Path) -> None:
    """The cache is keyed by the bytes read; the boundary is checked before anything is read: a link that
    pointed inside and now points at the same bytes outside is refused, not served from the cache."""
    repo = tmp_path / "repo"
    (repo / "catalogues").mkdir(parents=True)
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    (repo / "shared").mkdir()
    shutil.copyfile(EXAMPLE, repo / "shared" / "lsj-zjj.yaml")
    twin = tmp_path / "outside" / "lsj-zjj.yaml"
    twin.parent.mkdir()
    shutil.copyfile(EXAMPLE, twin)
    link = repo / "catalogues" / "lsj-zjj.yaml"
    link.symlink_to(repo / "shared" / "lsj-zjj.yaml")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = run_cli("validate", "-f", "json", cwd=repo, env=env)
    assert first.returncode == 0 and json.loads(first.stdout)["summary"]["files"] == 1, first.stdout
    link.unlink()
    link.symlink_to(twin)
    swapped = run_cli("validate", "-f", "json", cwd=repo, env=env)
    found = json.loads(swapped.stdout)["findings"]
    assert swapped.returncode == 1 and [(f["file"], OUTSIDE in f["message"]) for f in found] == [
        ("catalogues/lsj-zjj.yaml", True)
    ], found
    broken = repo / "shared" / "broken.yaml"
    broken.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("promised: 5, unit: 工作日", "promised: 9, unit: 工作日", 1),
        encoding="utf-8",
    )
    link.unlink()
    link.symlink_to(broken)
    again = run_cli("validate", "-f", "json", cwd=repo, env=env)
    assert again.returncode == 1 and [f["rule"] for f in json.loads(again.stdout)["findings"]] == ["T301"]


def test_the_text_format_opens_no_file(tmp_path: Path) -> None:
    """The source line under a finding comes from the report (text read inside the repository while it was
    checked), never from opening the finding's path again: that path may be a link to anywhere."""
    target = _secret_file(tmp_path / "secret.yaml", 3)
    finding = Finding("E001", "yaml-syntax", "error", str(target), 1, 1, 1, 1, "", None, None, "不读取", "")
    assert SECRET not in get("text")(Report([finding], 1, 0), False)
    shown = get("text")(Report([finding], 1, 0, {str(target): {1: "kept line"}}), False)
    assert "   1 | kept line" in shown and SECRET not in shown


def test_an_excerpt_is_cut_and_lines_are_counted_as_yaml_counts_them(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "catalogues").mkdir(parents=True)
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    long = "x" * 10_000
    (repo / "catalogues" / "a.yaml").write_bytes(f"a: 1\r\nb: 2\rc: [{long}\n".encode())
    done = run_cli("validate", "-f", "text", cwd=repo)
    assert done.returncode == 1, done.stdout
    excerpt = [line for line in done.stdout.splitlines() if " | " in line]
    assert excerpt and all(len(line) < 400 for line in excerpt), excerpt
    assert any(line.startswith("     3 | c: [xxx") and line.endswith("…") for line in excerpt), excerpt


# -- fix ------------------------------------------------------------------------------------------------------

MISTAKE = ("{law: 中华人民共和国行政许可法, article: 第十二条", "{law: 行政许可法, article: 12")


def _fix_repo(tmp_path: Path) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    (repo / "catalogues").mkdir(parents=True)
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    text = EXAMPLE.read_text(encoding="utf-8")
    assert MISTAKE[0] in text
    shared = repo / "shared" / "lsj-zjj.yaml"
    shared.parent.mkdir()
    shared.write_text(text.replace(*MISTAKE, 1), encoding="utf-8")
    return repo, shared


def test_fix_writes_through_a_link_inside_the_repository(tmp_path: Path) -> None:
    repo, shared = _fix_repo(tmp_path)
    link = repo / "catalogues" / "lsj-zjj.yaml"
    link.symlink_to(Path("..") / "shared" / "lsj-zjj.yaml")
    done = run_cli("fix", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("..") / "shared" / "lsj-zjj.yaml")
    assert shared.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")


def test_fix_refuses_a_link_leaving_the_repository(tmp_path: Path) -> None:
    repo, shared = _fix_repo(tmp_path)
    outside = tmp_path / "outside.yaml"
    shutil.move(shared, outside)
    before = outside.read_bytes()
    link = repo / "catalogues" / "lsj-zjj.yaml"
    link.symlink_to(outside)
    done = run_cli("fix", cwd=repo)
    assert done.returncode == 1 and OUTSIDE in done.stdout, done.stdout + done.stderr
    assert link.is_symlink() and os.readlink(link) == str(outside) and outside.read_bytes() == before


def _measured(args: list[str], cwd: Path, timeout: float) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """Run powerctl in a fresh intermediate process: its exit, the seconds it took and its peak memory (bytes,
    ru_maxrss of the only child that process waited for)."""
    script = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.monotonic()\n"
        "done = subprocess.run([sys.executable, '-m', 'powerctl', *sys.argv[1:]], capture_output=True, text=True)\n"
        "took = time.monotonic() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
        "print(json.dumps([done.returncode, done.stdout, done.stderr, took, peak]))\n"
    )
    env = {**os.environ, "PYTHONWARNINGS": "error", "PYTHONSAFEPATH": "1"}
    outer = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )
    code, stdout, stderr, took, peak = json.loads(outer.stdout)
    return subprocess.CompletedProcess(args, code, stdout, stderr), took, peak


@pytest.fixture(scope="module")
def huge_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository holding one 200 MB catalogue: the example's powers repeated."""
    repo = tmp_path_factory.mktemp("huge") / "repo"
    (repo / "catalogues").mkdir(parents=True)
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    text = EXAMPLE.read_text(encoding="utf-8")
    head, powers = text.split("powers:\n", 1)
    block = powers.encode("utf-8")
    with (repo / "catalogues" / "lsj-zjj.yaml").open("wb") as out:
        out.write(head.encode("utf-8") + b"powers:\n")
        written = 0
        while written < 200 * 1024 * 1024:
            out.write(block)
            written += len(block)
    return repo


@pytest.mark.parametrize("command", [["fix"], ["fix", "--diff"], ["validate", "--no-cache", "-f", "text"]])
def test_a_200_mb_catalogue_is_refused_in_bounded_time_and_memory(huge_repo: Path, command: list[str]) -> None:
    start = time.monotonic()
    done, took, peak = _measured(command, huge_repo, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{MAX_BYTES // 1024 // 1024} MB" in done.stdout, done.stdout  # the limit is said
    assert took < 20 and time.monotonic() - start < 30, took
    assert peak < 400 * 1024 * 1024, peak
    assert (huge_repo / "catalogues" / "lsj-zjj.yaml").stat().st_size > 200 * 1024 * 1024  # untouched


def test_a_link_out_of_the_repository_at_the_base_version_is_left_out_not_a_crash(tmp_path: Path) -> None:
    """`validate --base REF` where REF holds a link leading out: that file is not taken from the version, the
    rest is compared, and nothing of the link's target is read."""
    repo = tmp_path / "repo"
    (repo / "catalogues").mkdir(parents=True)
    shutil.copy(EXAMPLE, repo / "catalogues" / "lsj-zjj.yaml")
    secret = _secret_file(tmp_path / "outside" / "secret.yaml", 9)
    (repo / "catalogues" / "leak.yaml").symlink_to(secret)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(repo)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (repo / "catalogues" / "leak.yaml").unlink()
    done = run_cli("validate", "--base", "HEAD", "-f", "json", "--no-cache", cwd=repo)
    assert "内部错误" not in done.stderr and done.returncode in (0, 1), done.stdout + done.stderr
    assert SECRET not in done.stdout + done.stderr
