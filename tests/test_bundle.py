"""`powerctl bundle`: the four ones per unit — layout, manifest, reproducibility, no leak in public bundles."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.bundle_text import texts as _texts
from tests.conftest import CATALOGUES, needs_qpdf, qpdf_check, run_cli
from tests.pdf_glyphs import broken_glyphs

pytestmark = pytest.mark.skipif(
    shutil.which("dot") is None or shutil.which("rsvg-convert") is None,
    reason="Graphviz (dot) and rsvg-convert are needed to draw the flowcharts of a bundle",
)

SECRET_ID = "ZD-001"  # 内部公开 in lsj-cgj: never in its public bundle


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped catalogues in a git repository of their own, committed once: every manifest names its
    commit, which must not move between two builds (the checkout's HEAD does while someone commits)."""
    repo = tmp_path_factory.mktemp("shipped")
    shutil.copytree(CATALOGUES, repo / "catalogues")
    ident = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    for args in (["init", "-q", "-b", "main"], [*ident, "add", "-A"], [*ident, "commit", "-qm", "shipped"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    return repo


@pytest.fixture(scope="module")
def bundles(shipped: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for audience in ("public", "internal"):
        folder = tmp_path_factory.mktemp(audience)
        result = run_cli("bundle", "catalogues", "-o", str(folder), "--audience", audience, cwd=shipped, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        out[audience] = folder
    return out


def _secret_name() -> str:
    import yaml

    data = yaml.safe_load((CATALOGUES / "hunan/loudi/lengshuijiang/lsj-cgj.yaml").read_text(encoding="utf-8"))
    power = next(p for p in data["powers"] if p["id"] == SECRET_ID)
    assert power["disclosure"]["scope"] != "社会公开"
    return str(power["name"])


def test_source_data(bundles: dict[str, Path]) -> None:
    """The internal archive keeps each catalogue file as it is in git (comments included); the public one
    holds the same data with only the 社会公开 powers."""
    import yaml

    for unit in ("lsj-cgj", "lsj-zhadu", "lsj-zhadu-xxc"):
        kept = CATALOGUES / f"hunan/loudi/lengshuijiang/{unit}.yaml"
        internal = bundles["internal"] / unit / "源数据" / f"{unit}.yaml"
        assert internal.read_bytes() == kept.read_bytes()
        original = yaml.safe_load(kept.read_text(encoding="utf-8"))
        public = yaml.safe_load((bundles["public"] / unit / "源数据" / f"{unit}.yaml").read_text(encoding="utf-8"))
        shown = [p for p in original["powers"] if p.get("disclosure", {}).get("scope") == "社会公开"]
        internal_fields = {"risks", "secrecy", "signatures", "village_matter"}  # never in a public file
        assert public["powers"] == [{k: v for k, v in p.items() if k not in internal_fields} for p in shown]
        assert public["unit"] == original["unit"]
        assert any("risks" in p for p in shown)  # so the projection had something to leave out


def test_layout_and_manifest(bundles: dict[str, Path]) -> None:
    for audience, out in bundles.items():
        units = sorted(p.name for p in out.iterdir() if p.is_dir() and p.name != "全县")
        assert units == ["lsj-cgj", "lsj-zhadu", "lsj-zhadu-xxc"] and (out / "全县" / "manifest.json").is_file()
        assert not [p for p in out.iterdir() if p.name.startswith(".")], "a staging folder was left behind"
        for unit in units:
            folder = out / unit
            for rel in (
                "一表/权力清单.xlsx",
                "一表/权力清单.html",
                "一表/权力清单.pdf",
                "一件/依据文件汇编.docx",
                "一件/依据文件汇编.html",
                "site/index.html",
                f"源数据/{unit}.yaml",
                "一图/全部流程图.pdf",
                f"{unit}-{audience}.zip",
            ):
                assert (folder / rel).is_file(), rel
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            assert (manifest["version"], manifest["unit"], manifest["audience"]) == (1, unit, audience)
            listed = {f["path"]: f for f in manifest["files"]}
            on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"manifest.json"}
            assert set(listed) == on_disk
            for rel, entry in listed.items():
                data = (folder / rel).read_bytes()
                assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
            flow = [f for f in manifest["files"] if f["kind"] == "flowchart" and f["power"]]
            assert flow, "flowcharts carry their power id"
            # Every drawn file names the path that drew it (drawing.paths), and only drawn files do.
            drawn = {rel: entry["drawn_by"] for rel, entry in listed.items() if "drawn_by" in entry}
            expected = {rel for rel in listed if rel.startswith("一图/") and rel.endswith((".svg", ".png", ".pdf"))}
            assert set(drawn) == expected | {"一表/权力清单.pdf"}
            assert drawn["一表/权力清单.pdf"] == "pango"
            assert {how for rel, how in drawn.items() if rel.endswith(".svg")} == {"graphviz"}
            assert {how for rel, how in drawn.items() if rel.endswith(".png")} == {"cairo"}
            charts = {how for rel, how in drawn.items() if rel.startswith("一图/") and rel.endswith(".pdf")}
            assert charts - {drawn["一图/全部流程图.pdf"]} == {"cairo"} and drawn["一图/全部流程图.pdf"] == "pango"
            with zipfile.ZipFile(folder / f"{unit}-{audience}.zip") as zf:
                names = set(zf.namelist())
                assert names == on_disk - {f"{unit}-{audience}.zip"}
                assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@needs_qpdf
def test_every_pdf_passes_qpdf_check(bundles: dict[str, Path]) -> None:
    """Every PDF powerctl writes into a bundle — flowcharts, 全部流程图.pdf, the table — is a valid PDF by qpdf."""
    pdfs = sorted(p for out in bundles.values() for p in out.rglob("*.pdf"))
    assert len(pdfs) > 40
    for path in pdfs:
        qpdf_check(path)


def test_every_glyph_of_every_pdf_has_its_outline(bundles: dict[str, Path]) -> None:
    """No character is missing from a printed page: each glyph of each embedded font subset can be drawn (with
    Noto Sans CJK, cairo 1.16 left 如 and others without their outline: `tests/pdf_glyphs.py`)."""
    pdfs = sorted(p for out in bundles.values() for p in out.rglob("*.pdf"))
    broken = {str(path.relative_to(path.parents[2])): bad for path in pdfs if (bad := broken_glyphs(path))}
    assert not broken, broken


def test_public_bundle_holds_nothing_of_undisclosed_powers(bundles: dict[str, Path]) -> None:
    name = _secret_name()
    public = bundles["public"] / "lsj-cgj"
    for path in sorted(p for p in public.rglob("*") if p.is_file()):
        assert SECRET_ID not in path.name
        text = _texts(path)
        assert name not in text, path
        assert SECRET_ID not in text, path
    internal = bundles["internal"] / "lsj-cgj"
    assert name in (internal / "一表" / "权力清单.html").read_text(encoding="utf-8")
    assert (internal / "一图" / f"{SECRET_ID}.svg").is_file()


def test_same_input_gives_identical_bundles(bundles: dict[str, Path], shipped: Path, tmp_path: Path) -> None:
    again = run_cli("bundle", "catalogues", "-o", str(tmp_path), "--audience", "public", cwd=shipped, timeout=600)
    assert again.returncode == 0, again.stderr
    first = bundles["public"]
    for path in sorted(p for p in first.rglob("*") if p.is_file()):
        rel = path.relative_to(first)
        assert (tmp_path / rel).read_bytes() == path.read_bytes(), rel


def test_errors_refuse_the_bundle_and_failures_keep_the_old_one(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    out = tmp_path / "out"
    assert run_cli("bundle", "-o", str(out), cwd=repo, timeout=600).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["internal", "public"]  # both audiences by default
    before = {p: p.read_bytes() for p in (out / "public" / "lsj-zhadu").rglob("*") if p.is_file()}
    path = repo / "catalogues/hunan/loudi/lengshuijiang/lsj-zhadu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("level: 乡级", "level: 镇级"), encoding="utf-8")
    refused = run_cli("bundle", "-o", str(out), cwd=repo, timeout=600)
    assert refused.returncode == 1 and "E003" in refused.stdout
    assert {p: p.read_bytes() for p in (out / "public" / "lsj-zhadu").rglob("*") if p.is_file()} == before


def test_a_failing_stage_leaves_the_previous_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from powerctl.bundle.build import BundleError, Request, build_unit_bundle
    from powerctl.catalogue.config import Config
    from powerctl.check.engine import validate
    from powerctl.documents import basis
    from powerctl.laws.registry import builtin
    from powerctl.laws.resolve import LawResolver

    units = validate([str(CATALOGUES)], Config(root=CATALOGUES.parent)).units
    unit = next(u for u in units if u.id == "lsj-zhadu")
    laws = LawResolver([builtin()], None, date(2026, 11, 22))
    built = build_unit_bundle(Request(unit, tmp_path, "public", laws, font="WenQuanYi Micro Hei"))
    before = {p: p.read_bytes() for p in built.folder.rglob("*") if p.is_file()}

    def broken(*args: object) -> None:
        raise OSError("磁盘已满")

    monkeypatch.setattr(basis, "write_docx", broken)
    with pytest.raises(BundleError, match="一件"):
        build_unit_bundle(Request(unit, tmp_path, "public", laws, font="WenQuanYi Micro Hei"))
    assert {p: p.read_bytes() for p in built.folder.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lsj-zhadu"]


def test_previous_adds_the_change_note(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    env_git = ["-c", "user.name=t", "-c", "user.email=t@x"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", *env_git, "commit", "-qm", "v1"], cwd=repo, check=True)
    path = repo / "catalogues/hunan/loudi/lengshuijiang/lsj-zhadu.yaml"
    text = path.read_text(encoding="utf-8")
    old = "time_limit: {statutory: 20, promised: 15, unit: 工作日}"
    assert old in text
    path.write_text(text.replace(old, old.replace("promised: 15", "promised: 14"), 1), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("bundle", "-o", str(out), "--previous", "HEAD", "--allow-errors", cwd=repo, timeout=600)
    assert result.returncode == 0, result.stderr
    note = (out / "public" / "lsj-zhadu" / "变更说明.md").read_text(encoding="utf-8")
    assert "修改：承诺时限 | 15 个工作日 | 14 个工作日" in note
    assert (out / "public" / "lsj-zhadu" / "变更说明.docx").is_file()
    assert (out / "public" / "lsj-zhadu" / "变更说明.html").is_file()


CANARIES = ("金丝雀甲", "金丝雀乙", "canary-alpha", "canary-beta")
RISK_CANARIES = ("风险金丝雀丙", "canary-gamma")  # in the risks of a 社会公开 power: internal by nature


def test_canaries_of_undisclosed_powers_never_reach_the_public_bundle(tmp_path: Path) -> None:
    """One 不予公开 and one 内部公开 power carry canary words in every field, and the 廉政风险点 of a 社会公开
    power carry others; none may surface in a public file."""
    import yaml

    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    path = repo / "catalogues/hunan/loudi/lengshuijiang/lsj-cgj.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    secret = next(p for p in data["powers"] if p["id"] == "CF-002")
    internal = next(p for p in data["powers"] if p["id"] == SECRET_ID)
    secret["disclosure"] = {"scope": "不予公开", "forms": [], "within_days": 0}
    secret["secrecy"] = {
        "reason": "涉及执法秘密" + CANARIES[2],
        "basis": {"law": "中华人民共和国保守国家秘密法", "article": "第十三条", "role": "实施依据"},
    }
    renamed: dict[str, str] = {}
    for power, word, latin in ((secret, CANARIES[0], CANARIES[2]), (internal, CANARIES[1], CANARIES[3])):
        power["name"] = f"{power['name']}{word}"
        new_id = f"{power['id']}-{latin}".upper()
        renamed[power["id"]] = new_id
        power["id"] = new_id
        for step in power["flow"]["steps"]:
            step["does"] = f"{step.get('does', '')}{word}"
        for risk in power.get("risks", []):
            risk["point"] = f"{risk['point']}{word}"
    for change in data.get("changes", []):
        change["items"] = [renamed.get(i, i) for i in change["items"]]
    shown = next(p for p in data["powers"] if p["id"] == "CF-001")
    assert shown["disclosure"]["scope"] == "社会公开" and shown["risks"]
    for risk in shown["risks"]:
        risk["point"] = f"{risk['point']}{RISK_CANARIES[0]}"
        risk["measures"] = [*risk.get("measures", []), f"{RISK_CANARIES[1]} {RISK_CANARIES[0]}"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("bundle", "-o", str(out), cwd=repo, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    words = [*CANARIES, *RISK_CANARIES, *(c.upper() for c in (*CANARIES, *RISK_CANARIES))]
    public = out / "public"
    checked = 0
    for file in sorted(p for p in public.rglob("*") if p.is_file()):
        text = file.name + _texts(file)
        for word in words:
            assert word not in text, (file, word)
        checked += 1
    assert checked > 50
    inside = (out / "internal" / "lsj-cgj" / "一表" / "权力清单.html").read_text(encoding="utf-8")
    assert CANARIES[0] in inside and CANARIES[1] in inside
    internal_files = "".join(_texts(p) for p in (out / "internal" / "lsj-cgj").rglob("*") if p.suffix == ".yaml")
    assert all(word in internal_files for word in RISK_CANARIES)  # the words were planted where they belong


def test_a_killed_build_leaves_the_old_bundle(tmp_path: Path) -> None:
    import os
    import signal
    import sys
    import time

    out = tmp_path / "out"
    assert run_cli("bundle", "catalogues", "-o", str(out), "--audience", "public", timeout=600).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    proc = subprocess.Popen(  # --force: the unchanged units would otherwise be kept at once
        [sys.executable, "-m", "powerctl", "bundle", "catalogues", "-o", str(out), "--audience", "public", "--force"],
        cwd=CATALOGUES.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob(".*.building-*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert list(out.glob(".*.building-*")), "the build never started a stage folder"
    time.sleep(0.2)
    assert proc.poll() is None, "the build finished before it could be killed: the test proves nothing"
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL  # killed, not finished
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and ".building-" not in str(p)} == before
    again = run_cli("bundle", "catalogues", "-o", str(out), "--audience", "public", timeout=600)
    assert again.returncode == 0 and not list(out.glob(".*"))


def test_stage_folders_of_running_builds_are_left_alone(tmp_path: Path) -> None:
    """Two bundles into one folder: each removes only stage folders whose process is gone."""
    import os

    from powerctl.bundle.folders import _alive

    assert _alive(str(os.getpid())) and not _alive("x") and not _alive("99999999")
    from powerctl.bundle.folders import MARK

    out = tmp_path / "out"
    live = out / f".lsj-cgj.building-{os.getpid()}-abc"  # pid 99999999 is above any pid_max
    gone = out / ".lsj-cgj.building-99999999-abc"
    for folder in (live, gone):
        folder.mkdir(parents=True)
        (folder / MARK).write_text('{"generator": "powerctl", "name": "lsj-cgj"}', encoding="utf-8")
    assert run_cli("bundle", "catalogues", "-o", str(out), "--audience", "public", timeout=600).returncode == 0
    assert live.is_dir() and not gone.exists()
