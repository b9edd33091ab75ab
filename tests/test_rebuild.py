"""`bundle` keeps a unit's previous bundle when nothing it depends on changed (powerctl.bundle.rebuild)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import CATALOGUES, run_cli

pytestmark = pytest.mark.skipif(
    shutil.which("dot") is None or shutil.which("git") is None,
    reason="Graphviz (dot) and git are needed: the bundle draws flowcharts and names its source commit",
)

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@x"]
UNITS = ("lsj-cgj", "lsj-zhadu", "lsj-zhadu-xxc")


def _commit(repo: Path, message: str) -> str:
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-qm", message], cwd=repo, check=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()


def _state(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def _bundle(repo: Path, out: Path, *extra: str) -> dict[str, str]:
    """Run `bundle --audience public`; each unit's line of output."""
    result = run_cli("bundle", "-o", str(out), "--audience", "public", *extra, cwd=repo, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = {}
    for unit in UNITS:
        (line,) = [line for line in result.stdout.splitlines() if line.endswith(f"/{unit}/")]
        lines[unit] = line
    return lines


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    _commit(repo, "v1")
    return repo


def test_unchanged_units_are_kept_and_match_a_fresh_build(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _bundle(repo, out)
    assert not any("沿用" in line for line in first.values())
    kept = {unit: _state(out / unit) for unit in UNITS}

    again = _bundle(repo, out)
    assert all("未变，沿用上次的成果包" in line for line in again.values()), again
    assert {unit: _state(out / unit) for unit in UNITS} == kept  # not a file rewritten

    # A commit that changes one unit: only that one is built again; the others are kept, their manifests
    # naming the new commit, and every file of every unit is what a fresh build gives.
    path = repo / "catalogues/hunan/loudi/lengshuijiang/lsj-zhadu.yaml"
    text = path.read_text(encoding="utf-8")
    old = "time_limit: {statutory: 20, promised: 15, unit: 工作日}"
    assert old in text
    path.write_text(text.replace(old, old.replace("promised: 15", "promised: 14"), 1), encoding="utf-8")
    head = _commit(repo, "v2")
    third = _bundle(repo, out)
    assert "沿用" not in third["lsj-zhadu"]
    assert "沿用" in third["lsj-cgj"] and "沿用" in third["lsj-zhadu-xxc"]
    for unit in ("lsj-cgj", "lsj-zhadu-xxc"):
        manifest = json.loads((out / unit / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["source_commit"] == head
    fresh = tmp_path / "fresh"
    _bundle(repo, fresh, "--force")
    for unit in UNITS:
        ours = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / unit).rglob("*") if p.is_file()}
        theirs = {p.relative_to(fresh).as_posix(): p.read_bytes() for p in (fresh / unit).rglob("*") if p.is_file()}
        assert ours == theirs, unit
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # nothing but the bundles


def test_a_touched_or_removed_file_and_force_rebuild(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _bundle(repo, out)
    png = next((out / "lsj-cgj" / "一图").glob("*.png"))
    png.write_bytes(b"not a picture")  # someone edited the published folder
    (out / "lsj-zhadu" / "一表" / "权力清单.pdf").unlink()
    again = _bundle(repo, out)
    assert "沿用" not in again["lsj-cgj"] and "沿用" not in again["lsj-zhadu"]
    assert "沿用" in again["lsj-zhadu-xxc"]
    assert png.read_bytes().startswith(b"\x89PNG")
    assert (out / "lsj-zhadu" / "一表" / "权力清单.pdf").is_file()
    forced = _bundle(repo, out, "--force")
    assert not any("沿用" in line for line in forced.values())


def test_a_changed_template_rebuilds_every_unit(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The toolchain key covers the templates (and the code, libraries, fonts, config, laws and the day), each
    as this run read it."""
    from datetime import date

    from powerctl.bundle import rebuild
    from powerctl.catalogue.config import Config, load_config
    from powerctl.laws.resolve import LawResolver

    def laws(day: date, texts: tuple[tuple[str, str], ...] = ()) -> LawResolver:
        return LawResolver([], None, day, texts)

    templates = tmp_path / "templates"
    shutil.copytree(rebuild.TEMPLATES, templates)
    monkeypatch.setattr(rebuild, "TEMPLATES", templates)
    config = Config(root=repo)
    day = date(2026, 11, 23)
    before = rebuild.toolchain(config, laws(day))
    assert before is not None and before == rebuild.toolchain(config, laws(day))
    assert rebuild.toolchain(config, laws(date(2026, 11, 24))) != before
    assert rebuild.toolchain(config, laws(day, (("laws/local.yaml", "laws: []\n"),))) != before
    page = templates / "documents" / "table.html.j2"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = rebuild.toolchain(config, laws(day))
    assert changed != before
    (repo / ".powerctl.yaml").write_text("fonts: {family: WenQuanYi Micro Hei}\n", encoding="utf-8")
    assert rebuild.toolchain(load_config(repo), laws(day)) != changed


def test_force_records_and_a_fallback_table_is_kept_like_any_other(repo: Path, tmp_path: Path) -> None:
    """--force builds every unit and records them (the next run keeps them); a table with a character
    outside GB 2312 (浉河) is printed by the one path (Pango on cairo), the manifest says so, and the next
    bundle keeps it: the table PDF is reproducible whatever its characters."""
    out = tmp_path / "out"
    forced = _bundle(repo, out, "--force")
    assert not any("沿用" in line for line in forced.values())
    assert all("沿用" in line for line in _bundle(repo, out).values())

    path = repo / "catalogues/hunan/loudi/lengshuijiang/lsj-cgj.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("冷水江市城市管理局", "冷水江市浉河城市管理局", 1), encoding="utf-8")
    _commit(repo, "a rare character")
    other = tmp_path / "other"
    lines = []
    for _ in range(2):
        result = run_cli("bundle", "-o", str(other), "--audience", "public", cwd=repo, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        lines += [line for line in result.stdout.splitlines() if line.endswith("/lsj-cgj/")]
    assert "沿用" not in lines[0] and "沿用" in lines[1]
    manifest = json.loads((other / "lsj-cgj" / "manifest.json").read_text(encoding="utf-8"))
    drawn = {f["path"]: f.get("drawn_by") for f in manifest["files"]}
    assert drawn["一表/权力清单.pdf"] == "pango"
    data = (other / "lsj-cgj" / "一表" / "权力清单.pdf").read_bytes()
    assert data.startswith(b"%PDF") and b"/Producer (cairo" in data


def test_the_key_does_not_depend_on_the_hash_seed(repo: Path) -> None:
    """A config whose ignore entries list several rules (a frozenset inside) gives the same key in every
    process."""
    import os
    import sys

    (repo / ".powerctl.yaml").write_text(
        'ignore:\n  - paths: ["catalogues/历史/**"]\n    rules: [N601, B102, B101, N602]\n    reason: 待清理\n',
        encoding="utf-8",
    )
    code = (
        "from datetime import date\n"
        "from powerctl.bundle import rebuild\n"
        "from powerctl.cli.validate import load_repo_config\n"
        "from powerctl.laws.resolve import open_resolver\n"
        "config = load_repo_config()\n"
        "print(rebuild.toolchain(config, open_resolver(config.root, config.law_paths, date(2026, 11, 23))[0]))\n"
    )
    keys = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], cwd=repo, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        keys.add(done.stdout.strip())
    assert len(keys) == 1 and "None" not in keys


def test_a_unit_built_again_links_the_drawings_that_come_out_the_same(repo: Path, tmp_path: Path) -> None:
    """Only the flowcharts whose picture changed are drawn again; the next day (law status checked on another
    date) every unit is built again but no flowchart and no table PDF is drawn or printed again; what comes
    out is what a fresh build gives."""
    out = tmp_path / "out"
    _bundle(repo, out)
    unit = out / "lsj-zhadu"
    before = {rel: p.read_bytes() for rel in _state(unit) if (p := unit / rel).is_file()}
    inodes = _state(unit)

    path = repo / "catalogues/hunan/loudi/lengshuijiang/lsj-zhadu.yaml"
    text = path.read_text(encoding="utf-8")
    old = "time_limit: {statutory: 20, promised: 15, unit: 工作日}"
    path.write_text(text.replace(old, old.replace("promised: 15", "promised: 14"), 1), encoding="utf-8")
    _commit(repo, "v2")
    _bundle(repo, out)
    drawn = [rel for rel in _state(unit) if rel.startswith("一图/") and rel != "一图/全部流程图.pdf"]
    redrawn = {rel for rel in drawn if _state(unit)[rel][0] != inodes.get(rel, (0, 0))[0]}
    changed = {rel for rel in drawn if (unit / rel).read_bytes() != before.get(rel)}
    assert changed and redrawn == changed and len(redrawn) < len(drawn), (redrawn, changed)

    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    inodes = {name: _state(out / name) for name in UNITS}
    lines = _bundle(repo, out, "--today", tomorrow)
    assert not any("沿用" in line for line in lines.values())  # the day is part of every unit's key
    for name in UNITS:
        now = _state(out / name)
        for rel, (inode, _) in now.items():
            if rel.startswith("一图/") or rel == "一表/权力清单.pdf":
                assert inode == inodes[name][rel][0], (name, rel)  # linked from the previous bundle
        basis = (out / name / "一件" / "依据文件汇编.html").read_text(encoding="utf-8")
        assert f"{tomorrow[:4]}年" in basis
    fresh = tmp_path / "fresh"
    _bundle(repo, fresh, "--force", "--today", tomorrow)
    for name in UNITS:
        ours = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / name).rglob("*") if p.is_file()}
        theirs = {p.relative_to(fresh).as_posix(): p.read_bytes() for p in (fresh / name).rglob("*") if p.is_file()}
        assert ours == theirs, name


def test_a_new_compiled_date_gives_the_book_a_new_cover(repo: Path, tmp_path: Path) -> None:
    """编制日期 on the cover of 全部流程图.pdf is the latest change's day, which no flowchart shows: a change of it
    makes the book again (its charts still linked), as a fresh build gives it."""
    out = tmp_path / "out"
    _bundle(repo, out)
    book = out / "lsj-zhadu" / "一图" / "全部流程图.pdf"
    assert "编制日期：2026 年 4 月 8 日" in subprocess.run(["pdftotext", "-l", "1", str(book), "-"],
                                                        capture_output=True, text=True).stdout  # fmt: skip
    charts = {rel: inode for rel, (inode, _) in _state(out / "lsj-zhadu").items() if rel.startswith("一图/")}
    path = repo / "catalogues/hunan/loudi/lengshuijiang/lsj-zhadu.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - date: 2026-04-08\n", "  - date: 2026-04-09\n", 1), encoding="utf-8")
    _commit(repo, "v2")
    _bundle(repo, out)
    cover = subprocess.run(["pdftotext", "-l", "1", str(book), "-"], capture_output=True, text=True).stdout
    assert "编制日期：2026 年 4 月 9 日" in cover, cover
    now = _state(out / "lsj-zhadu")
    assert all(now[rel][0] == inode for rel, inode in charts.items() if rel != "一图/全部流程图.pdf")
    _bundle(repo, tmp_path / "fresh", "--force")
    assert book.read_bytes() == (tmp_path / "fresh" / "lsj-zhadu" / "一图" / "全部流程图.pdf").read_bytes()


def test_a_kept_bundle_reads_only_the_files_written_since(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose change time is the recorded one has not been written since (the kernel sets it on every write
    and no tool puts it back): it is not read again. One whose change time moved (its times touched, or its bytes
    edited with the modification time put back) is read and compared with the manifest's SHA-256."""
    import hashlib
    import os

    from powerctl.bundle import rebuild

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "out"
    unit = out / "u"
    (unit / "一图").mkdir(parents=True)
    files = {"一图/a.png": b"a" * 100, "一图/b.pdf": b"b" * 50, "index.html": b"<p>x</p>"}
    for rel, data in files.items():
        (unit / rel).write_bytes(data)
    listed = [{"path": r, "bytes": len(d), "sha256": hashlib.sha256(d).hexdigest()} for r, d in files.items()]
    manifest = json.dumps({"files": listed}).encode()
    (unit / "manifest.json").write_bytes(manifest)
    rebuild.record(out, "u", "k", rebuild.snapshot(unit), {}, hashlib.sha256(manifest).hexdigest())

    read: list[str] = []
    real = rebuild.sha256
    monkeypatch.setattr(rebuild, "sha256", lambda path: read.append(path.name) or real(path))
    # Written just before the record: a change in the same tick of the clock would not show, so all are read.
    assert rebuild.current(out, "u", "k") is not None and sorted(read) == ["a.png", "b.pdf", "index.html"]
    read.clear()
    monkeypatch.setattr(rebuild, "RACY_NS", -(10**12))  # as if the record had been made a while after the files
    assert rebuild.current(out, "u", "k") is not None and read == []

    st = (unit / "一图" / "a.png").stat()
    os.utime(unit / "一图" / "a.png", ns=(st.st_atime_ns, st.st_mtime_ns))  # the same times, set again
    assert rebuild.current(out, "u", "k") is not None and read == ["a.png"]

    said: list[str] = []
    path = unit / "一图" / "b.pdf"
    st = path.stat()
    path.write_bytes(b"c" * 50)  # the same size, other bytes, the time put back
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert rebuild.current(out, "u", "k", said.append) is None
    assert said and "一图/b.pdf" in said[0]
