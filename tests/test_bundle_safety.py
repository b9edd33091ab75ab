"""`bundle` in a hostile world: output folders that are not ours, files altered behind its back, a damaged
font cache, a full disk, refused paths, rejected units and names that cannot be file names (issue 32)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CATALOGUES, run_cli

pytestmark = pytest.mark.skipif(
    shutil.which("dot") is None or shutil.which("git") is None,
    reason="Graphviz (dot) and git are needed: the bundle draws flowcharts and names its source commit",
)

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@x"]
UNITS = ("lsj-cgj", "lsj-zhadu", "lsj-zhadu-xxc")
FOLDER = CATALOGUES.relative_to(CATALOGUES.parent) / "hunan/loudi/lengshuijiang"


def _commit(repo: Path) -> None:
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-qm", "v"], cwd=repo, check=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    _commit(repo)
    return repo


def _bundle(repo: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("bundle", "-o", str(out), "--audience", "public", *extra, cwd=repo, timeout=600)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _edit_in_place(path: Path) -> None:
    """One byte changed, the size and the modification time as they were (an edit meant to go unnoticed)."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    with path.open("r+b") as file:
        file.write(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


# ------------------------------------------------------------------------------------------ folders of others


def test_a_folder_that_is_not_a_bundle_is_refused_and_left_as_it_is(repo: Path) -> None:
    """`bundle -o records` would have replaced records/<unit>/ by the unit's bundle."""
    records = repo / "records" / "lsj-cgj"
    records.mkdir(parents=True)
    (records / "2026-01.yaml").write_text("cases: []\n", encoding="utf-8")
    (repo / "records" / "lsj-zhadu").write_text("a file where a bundle's folder would go\n", encoding="utf-8")
    before = _files(repo / "records")
    result = _bundle(repo, repo / "records")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "records/lsj-cgj" in result.stderr and "「2026-01.yaml」" in result.stderr
    assert "records/lsj-zhadu" in result.stderr and "不是文件夹" in result.stderr
    assert "未删除" in result.stderr and "Traceback" not in result.stderr
    assert _files(repo / "records") == before
    assert sorted(p.name for p in (repo / "records").iterdir()) == ["lsj-cgj", "lsj-zhadu"]  # nothing built


def test_a_file_added_to_a_bundle_is_named_and_kept(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _bundle(repo, out)
    assert first.returncode == 0, first.stderr
    built = {unit: _files(out / unit) for unit in (*UNITS, "全县")}
    added = out / "lsj-zhadu" / "一图" / "说明.txt"
    added.write_text("hand-written note\n", encoding="utf-8")
    (out / "全县" / "site" / "extra.html").write_text("<p>mine</p>\n", encoding="utf-8")
    for extra in ((), ("--force",)):
        result = _bundle(repo, out, *extra)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "「一图/说明.txt」" in result.stderr and "「site/extra.html」" in result.stderr, result.stderr
        assert added.read_text(encoding="utf-8") == "hand-written note\n"
        assert (out / "全县" / "site" / "extra.html").is_file()
    added.unlink()
    (out / "全县" / "site" / "extra.html").unlink()
    assert {unit: _files(out / unit) for unit in (*UNITS, "全县")} == built  # nothing else was touched

    # A bundle made before manifests were marked ("generator") is still recognised as ours.
    path = out / "lsj-cgj" / "manifest.json"
    old = json.loads(path.read_text(encoding="utf-8"))
    old.pop("generator")
    path.write_text(json.dumps(old, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    again = _bundle(repo, out, "--force")
    assert again.returncode == 0, again.stderr
    assert json.loads(path.read_text(encoding="utf-8"))["generator"] == "powerctl"


def test_leftovers_are_removed_only_when_ours(tmp_path: Path) -> None:
    """What a killed build left (its process gone) is removed only if it is a work folder of ours."""
    from powerctl.bundle import folders

    out = tmp_path / "out"
    out.mkdir()
    gone = "99999999"  # above any pid_max: the process is gone
    unmarked = out / f".lsj-cgj.building-{gone}-aaaa"
    unmarked.mkdir()
    (unmarked / "thesis.docx").write_bytes(b"someone's work")
    marked = Path(folders.make_stage(out, "lsj-cgj")).parent
    renamed = marked.with_name(f".lsj-cgj.building-{gone}-bbbb")
    marked.rename(renamed)
    (renamed / "stage" / "half-built.html").write_text("<p>", encoding="utf-8")
    forged = out / f".lsj-cgj.building-{gone}-cccc"  # our marker, but with someone's folder beside it
    forged.mkdir()
    (forged / folders.MARK).write_text('{"generator": "powerctl", "name": "lsj-cgj"}', encoding="utf-8")
    (forged / "old").mkdir()
    (forged / "old" / "photo.jpg").write_bytes(b"\xff\xd8")
    stray = out / f".lsj-cgj.manifest-{gone}"
    stray.write_text("my notes, not a manifest\n", encoding="utf-8")

    folders.clear_leftovers(out, "lsj-cgj")
    assert not renamed.exists()
    assert (unmarked / "thesis.docx").read_bytes() == b"someone's work"
    assert (forged / "old" / "photo.jpg").is_file()
    assert stray.is_file()


# ---------------------------------------------------------------------------------------- reuse, verified


def test_a_file_edited_in_place_is_not_reused(repo: Path, tmp_path: Path) -> None:
    """The same size and modification time, other bytes: neither the bundle nor the drawing is kept; the file
    is named, and what comes out is a fresh build's."""
    out = tmp_path / "out"
    assert _bundle(repo, out).returncode == 0
    _edit_in_place(out / "lsj-cgj" / "一表" / "权力清单.html")
    result = _bundle(repo, out)
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.endswith("/lsj-cgj/")]
    assert "沿用" not in line
    assert "lsj-cgj" in result.stderr and "「一表/权力清单.html」" in result.stderr
    assert sum("沿用" in line for line in result.stdout.splitlines()) == 3  # the other two and the county

    # The next day every unit is built again, linking its drawings: not one that was altered.
    png = next(p for p in sorted((out / "lsj-zhadu" / "一图").glob("*.png")))
    _edit_in_place(png)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    result = _bundle(repo, out, "--today", tomorrow)
    assert result.returncode == 0, result.stderr
    assert f"「一图/{png.name}」" in result.stderr
    fresh = tmp_path / "fresh"
    assert _bundle(repo, fresh, "--force", "--today", tomorrow).returncode == 0
    for unit in UNITS:
        assert _files(out / unit) == _files(fresh / unit), unit


# ----------------------------------------------------------------------------------------- errors of the OS


def _run_here(repo: Path, out: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """`bundle --audience public` in this process with one worker (the work done here, where the monkeypatches
    are): the exit code and what was printed."""
    import click

    from powerctl.cli import bundle as command

    monkeypatch.chdir(repo)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    code = 0
    try:
        command.command(None, out, command.Audience.public, None, False, True, None)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    return code, capsys.readouterr()


def test_a_full_disk_in_a_unit_leaves_no_county_folder(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The county folder lists every unit: it is published only once they all are."""
    from powerctl.bundle import build

    write = build.manifest.write_archive

    def full(stage: Path, target: Path, known: Any) -> Any:
        if target.name.startswith("lsj-zhadu-public"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        return write(stage, target, known)

    monkeypatch.setattr(build.manifest, "write_archive", full)
    out = tmp_path / "out"
    code, said = _run_here(repo, out, monkeypatch, capsys)
    assert code == 2
    assert "磁盘空间已满" in said.err and "lsj-zhadu-public.zip" in said.err and "一盘" in said.err, said.err
    assert not (out / "全县").exists() and not (out / "lsj-zhadu").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no stage left behind


def test_an_error_of_the_os_in_a_worker_stays_an_oserror(tmp_path: Path) -> None:
    """Work handed to another process that the system refuses is raised here as the OSError it was, with its
    path, not folded into a string."""
    from powerctl.drawing.pool import Renderer

    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with Renderer(workers=2) as renderer, pytest.raises(NotADirectoryError) as raised:
        renderer.submit(os.mkdir, str(blocker / "folder")).wait()
    assert raised.value.filename == str(blocker / "folder")


def test_a_cache_folder_that_cannot_be_written_is_named(repo: Path, tmp_path: Path) -> None:
    """A cache that is a file: exit 2 naming the path (the flowcharts are not silently drawn otherwise)."""
    blocker = tmp_path / "cache-file"
    blocker.write_text("", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(blocker)}
    result = run_cli("bundle", "-o", str(tmp_path / "out"), "--audience", "public", cwd=repo, env=env, timeout=600)
    assert result.returncode == 2, result.stdout + result.stderr
    assert str(blocker) in result.stderr and "不是文件夹" in result.stderr, result.stderr
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "lsj-cgj").exists()


def test_an_output_folder_under_a_file_is_named(repo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = _bundle(repo, blocker / "out")
    assert result.returncode == 2, result.stdout + result.stderr
    assert str(blocker / "out") in result.stderr and "不是文件夹" in result.stderr
    assert "内部错误" not in result.stderr


# ------------------------------------------------------------------------------------- units and their names


def test_every_unit_rejected_is_said_and_exits_1(repo: Path, tmp_path: Path) -> None:
    for path in (repo / FOLDER).glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"  id: {path.stem}\n", "  id: BAD ID\n", 1), encoding="utf-8")
    result = _bundle(repo, tmp_path / "out", "--allow-errors")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("未收入成果包：")]
    assert len(lines) == 3 and all("BAD ID" in line for line in lines), result.stderr
    assert "没有一个单位" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_repository_without_units_is_said(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    (repo / "catalogues").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    result = _bundle(repo, tmp_path / "out")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "没有找到任何单位" in result.stderr


@pytest.mark.parametrize("kind", ["unit", "power"])
def test_an_id_that_cannot_be_a_file_name_is_refused(kind: str, repo: Path, tmp_path: Path) -> None:
    """Ids the schema allows but a file system does not (a Windows device name) are refused, nothing written."""
    path = repo / FOLDER / "lsj-cgj.yaml"
    text = path.read_text(encoding="utf-8")
    if kind == "unit":
        path.unlink()
        path = path.with_name("nul.yaml")
        text = text.replace("  id: lsj-cgj\n", "  id: nul\n", 1)
        bad = "nul"
    else:
        power = next(line.split("id: ", 1)[1] for line in text.splitlines() if line.startswith("  - id: "))
        text = text.replace(f"id: {power}\n", "id: CON\n", 1)
        bad = "CON.svg"
    path.write_text(text, encoding="utf-8")
    _commit(repo)
    out = tmp_path / "out"
    result = _bundle(repo, out, "--allow-errors")
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"「{bad}」" in result.stderr and "设备名" in result.stderr, result.stderr
    assert not out.exists() or not any(out.iterdir())
