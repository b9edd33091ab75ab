"""Names made from data, outputs that cannot be written, empty repositories and unreadable files (issue 32).

Every file name powerctl makes from data (an imported unit's id, `--unit`, a power's id) passes the path gate;
an output it cannot write is a message naming the path and exit 2; a repository with no catalogue is said so
plainly; `diff` never takes a file it cannot read for a removed unit.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerctl.documents.workbook_xlsx import TITLE_MAX, sheet_title
from tests.conftest import CATALOGUES, run_cli

SHIPPED = CATALOGUES / "hunan" / "loudi" / "lengshuijiang" / "lsj-zhadu.yaml"
NO_CATALOGUE = "没有找到任何单位的职权目录（*.yaml）"
CSV_HEADER = ["主管部门", "事项名称", "职权类别", "设定依据"]
BASIS = "《中华人民共和国行政许可法》第十二条"


def _repo(tmp_path: Path, units: int = 0) -> Path:
    """A catalogue repository (git, branch main): `units` copies of a shipped unit under catalogues/."""
    repo = tmp_path / "repo"
    (repo / "catalogues").mkdir(parents=True)
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    if units:
        (repo / "catalogues" / SHIPPED.name).write_bytes(SHIPPED.read_bytes())
    _git(repo, "init", "-q", "-b", "main")
    return repo


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def _commit(repo: Path, message: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--allow-empty", "-m", message)


def _csv(path: Path, unit_names: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_HEADER)
        for i, name in enumerate(unit_names):
            writer.writerow([name, f"测试许可{i}", "行政许可", BASIS])
    return path


def _tree(root: Path) -> set[str]:
    """Every path under ``root`` (links not followed), relative."""
    out = set()
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            out.add(os.path.relpath(os.path.join(folder, name), root))
    return out


def _unit_file(repo: Path, data: dict[str, object], name: str) -> Path:
    path = repo / "catalogues" / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _shipped() -> dict[str, object]:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# 1. import: --unit, ids made from unit names and codes


@pytest.mark.parametrize(
    "given", ["a/b", "{outside}", "..", ".", "CON", "nul.txt", "-x", "a\u200fb", "a\\b", "x" * 300, "a:b"]
)
def test_import_unit_option_that_is_no_name_is_a_usage_error(tmp_path: Path, given: str) -> None:
    repo = _repo(tmp_path)
    source = _csv(tmp_path / "表.csv", ["某局"])
    before = _tree(tmp_path)
    unit = given.format(outside=tmp_path / "outside")
    done = run_cli("import", str(source), "-o", "out", "--unit", unit, cwd=repo)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "--unit" in done.stderr and "不能用作文件或文件夹名" in done.stderr, done.stderr
    assert "内部错误" not in done.stderr and "Traceback" not in done.stderr
    assert _tree(tmp_path) == before  # nothing written anywhere


def test_import_unit_option_must_be_a_unit_id(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    source = _csv(tmp_path / "表.csv", ["某局"])
    done = run_cli("import", str(source), "-o", "out", "--unit", "城管局", cwd=repo)
    assert done.returncode == 2 and "只能用小写字母、数字和连字符" in done.stderr, done.stderr
    assert not (repo / "out").exists()


def test_import_output_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    source = _csv(tmp_path / "表.csv", ["某局"])
    (repo / "out").write_text("not a folder", encoding="utf-8")
    done = run_cli("import", str(source), "-o", "out", cwd=repo)
    assert done.returncode == 2 and "-o out：这是一个文件，不是文件夹" in done.stderr, done.stderr
    assert (repo / "out").read_text(encoding="utf-8") == "not a folder"


def test_import_ids_from_names_and_codes_are_safe_names(tmp_path: Path) -> None:
    """Pinyin initials that spell a Windows device name (城欧宁局 → conj, 城欧宁 → con) and an item code that is
    one (CON) do not become file names or ids."""
    repo = _repo(tmp_path)
    source = tmp_path / "表.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["主管部门", "事项编码", "事项名称", "职权类别", "设定依据"])
        writer.writerow(["城欧宁", "CON", "测试许可", "行政许可", BASIS])
        writer.writerow(["城欧宁", "-12", "测试许可二", "行政许可", BASIS])
    done = run_cli("import", str(source), "-o", "out", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in (repo / "out").iterdir()) == ["unit-con.yaml"]
    data = yaml.safe_load((repo / "out" / "unit-con.yaml").read_text(encoding="utf-8"))
    assert data["unit"]["id"] == "unit-con"
    assert [p["id"] for p in data["powers"]] == ["XK-001", "XK-002"]
    assert [p["code"] for p in data["powers"]] == ["CON", "-12"]  # the codes kept as written


def test_import_never_writes_through_a_link_in_the_output_folder(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    source = _csv(tmp_path / "表.csv", ["某局"])
    (repo / "out").mkdir()
    (repo / "out" / "mj.yaml").symlink_to(tmp_path / "elsewhere.yaml")  # dangling: exists() says no
    done = run_cli("import", str(source), "-o", "out", cwd=repo)
    assert done.returncode == 2 and "mj.yaml" in done.stderr, done.stdout + done.stderr
    assert not (tmp_path / "elsewhere.yaml").exists()


HOSTILE = [
    "a/b",
    "../../逃出",
    "{root}/绝对路径",
    "..",
    "CON",
    "nul.txt",
    "COM1",
    "-rf",
    "a\x00b",
    "\u202eexe.yaml",
    "零\u200b宽",
    "x" * 400,
    "a\\b",
    "。",
    " ",
]
_hostile = st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=40))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=st.one_of(st.none(), _hostile), names=st.lists(_hostile, min_size=1, max_size=3))
def test_import_never_writes_outside_its_output_folder(unit: str | None, names: list[str]) -> None:
    """Property: whatever --unit and the unit names in the file, nothing is written outside -o, no traceback,
    exit 0 (or 1: cells not used) or 2 (refused)."""
    from typer.testing import CliRunner

    from powerctl.cli.app import app

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo = root / "repo"
        (repo / "catalogues").mkdir(parents=True)
        (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
        names = [n.replace("{root}", tmp).replace("\x00", "") or "某局" for n in names]  # a CSV cell holds no NUL
        source = _csv(root / "表.csv", names)
        args = ["import", str(source), "-o", "out"]
        if unit is not None:
            args += ["--unit", unit.replace("{root}", tmp)]
        before = _tree(root)
        here = os.getcwd()
        os.chdir(repo)
        try:
            result = CliRunner().invoke(app, args)
        finally:
            os.chdir(here)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code in (0, 1, 2), result.output
        assert "Traceback" not in result.output
        new = _tree(root) - before
        assert all(p == "repo/out" or p.startswith("repo/out/") for p in new), new
        for path in (repo / "out").iterdir() if (repo / "out").is_dir() else []:
            assert path.is_file() and not path.is_symlink() and path.suffix == ".yaml"


# 2. render and export: ids that name files and sheets


@pytest.mark.parametrize("power_id", ["NUL", "AUX", "COM1", "A" * 300])
def test_render_refuses_power_ids_that_are_no_file_names(tmp_path: Path, power_id: str) -> None:
    """The schema lets these through (letters, digits, hyphens); render must not trust it."""
    repo = _repo(tmp_path, units=1)
    data = _shipped()
    powers = data["powers"]
    assert isinstance(powers, list)
    powers[0]["id"] = power_id
    _unit_file(repo, data, "lsj-zhadu")
    done = run_cli("render", "-o", "out", "--format", "svg", cwd=repo)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "不能用作文件或文件夹名" in done.stderr and "catalogues/lsj-zhadu.yaml" in done.stderr, done.stderr
    assert "内部错误" not in done.stderr
    assert not (repo / "out").exists()  # nothing drawn


def test_render_draws_under_the_output_folder_with_safe_ids(tmp_path: Path) -> None:
    repo = _repo(tmp_path, units=1)
    done = run_cli("render", "-o", "out", "--format", "svg", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    drawn = sorted(p.relative_to(repo / "out").as_posix() for p in (repo / "out").rglob("*.svg"))
    assert drawn and all(p.startswith("lsj-zhadu/") for p in drawn)


def test_export_unit_ids_that_are_no_sheet_titles(tmp_path: Path) -> None:
    """Export reads files without the schema, so any id reaches it: the sheet's title is made safe and unique,
    the id itself is kept in B1 for import --update."""
    repo = _repo(tmp_path)
    ids = ["a/b", "A/B", "x[1]:?*\\y", "'history'", "很长的单位标识" * 6]
    for n, uid in enumerate(ids):
        data = _shipped()
        unit = data["unit"]
        assert isinstance(unit, dict)
        unit["id"] = uid
        _unit_file(repo, data, f"u{n}")
    done = run_cli("export", "-o", "目录.xlsx", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    book = openpyxl.load_workbook(repo / "目录.xlsx")
    assert sorted(str(ws["B1"].value) for ws in book.worksheets) == sorted(ids)
    titles = [ws.title for ws in book.worksheets]
    assert len({t.casefold() for t in titles}) == len(ids)
    for title in titles:
        assert len(title) <= TITLE_MAX and not set(title) & set("\\/?*[]:") and title[0] != "'"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=50), min_size=1, max_size=6))
def test_sheet_titles_are_always_accepted_and_unique(names: list[str]) -> None:
    import warnings

    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.workbook.child import INVALID_TITLE_REGEX

    taken: set[str] = set()
    titles = [sheet_title(n, taken) for n in names]
    assert len({t.casefold() for t in titles}) == len(titles)
    book = openpyxl.Workbook()
    for title in titles:
        assert 0 < len(title.encode("utf-16-le")) // 2 <= TITLE_MAX
        assert not INVALID_TITLE_REGEX.search(title) and "\\" not in title
        assert not ILLEGAL_CHARACTERS_RE.search(title)
        assert not title.startswith("'") and not title.endswith("'") and title.casefold() != "history"
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert book.create_sheet(title).title == title  # openpyxl neither renames nor warns


# 3. outputs that cannot be written


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("render", "-o", "afile", "--format", "svg"), "afile/lsj-zhadu"),
        (("export", "-o", "folder.xlsx"), "folder.xlsx"),
        (("export", "-o", "afile/x.xlsx"), "afile/x.xlsx"),
        (("stats", "-o", "afile/x.txt"), "afile/x.txt"),
        (("stats", "-f", "xlsx", "-o", "folder.xlsx"), "folder.xlsx"),
        (("stats", "--risks", "-f", "xlsx", "-o", "afile/r.xlsx"), "afile/r.xlsx"),
        (("stats", "--records", "-o", "folder.xlsx"), "folder.xlsx"),
        (("import", "表.csv", "-o", "afile/sub"), "afile/sub"),
    ],
)
def test_output_that_cannot_be_written_names_the_path(tmp_path: Path, args: tuple[str, ...], shown: str) -> None:
    repo = _repo(tmp_path, units=1)
    _csv(repo / "表.csv", ["某局"])
    (repo / "afile").write_text("a file where a folder is wanted", encoding="utf-8")
    (repo / "folder.xlsx").mkdir()  # a folder where a file is wanted
    done = run_cli(*args, cwd=repo)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"「{shown}」" in done.stderr and "无法读写" in done.stderr, done.stderr
    assert "内部错误" not in done.stderr and "Traceback" not in done.stderr


def test_read_only_output_names_the_path(tmp_path: Path) -> None:
    """Tests run as root, where chmod stops nothing: the refusal is made by hand, as the system would."""
    repo = _repo(tmp_path, units=1)
    code = (
        "import errno, pathlib, sys\n"
        "def refuse(self, *a, **k):\n"
        "    raise PermissionError(errno.EACCES, 'Permission denied', str(self))\n"
        "pathlib.Path.write_bytes = refuse\n"
        "from powerctl.cli import main\n"
        "sys.argv = ['powerctl', 'export', '-o', '只读.xlsx']\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    env.pop("POWERCTL_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == "无法读写 「只读.xlsx」：没有权限（请检查文件夹的读写权限）"


def test_cache_folder_that_is_a_file_names_the_path(tmp_path: Path) -> None:
    repo = _repo(tmp_path, units=1)
    (tmp_path / "cachefile").write_text("", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cachefile" / "cache")}
    done = run_cli("render", "-o", "out", "--format", "svg", cwd=repo, env=env)
    assert done.returncode in (0, 2), done.stdout + done.stderr
    assert "内部错误" not in done.stderr and "Traceback" not in done.stderr
    if done.returncode == 2:
        assert "cachefile" in done.stderr and "无法读写" in done.stderr


# 4. a repository with no catalogue


@pytest.mark.parametrize(
    "args",
    [
        ("validate",),
        ("render", "-o", "out", "--format", "svg"),
        ("export", "-o", "x.xlsx"),
        ("stats",),
        ("stats", "--records"),
        ("stats", "-f", "xlsx", "-o", "s.xlsx"),
        ("compare", "a", "b"),
        ("diff", "HEAD"),
    ],
)
def test_empty_repository_is_said_plainly(tmp_path: Path, args: tuple[str, ...]) -> None:
    repo = _repo(tmp_path)
    _commit(repo, "empty")
    done = run_cli(*args, cwd=repo)
    assert done.returncode == 2, done.stdout + done.stderr
    assert NO_CATALOGUE in done.stderr, done.stderr
    assert "内部错误" not in done.stderr
    assert sorted(p.name for p in repo.iterdir()) == [".git", ".powerctl.yaml", "catalogues"]  # nothing written


def test_empty_folder_given_is_said_plainly(tmp_path: Path) -> None:
    repo = _repo(tmp_path, units=1)
    (repo / "空").mkdir()
    done = run_cli("validate", "空", cwd=repo)
    assert done.returncode == 2 and f"在 空 下{NO_CATALOGUE}" in done.stderr, done.stderr


def test_stats_when_no_file_gives_a_unit(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "catalogues" / "broken.yaml").write_text("unit: [\n", encoding="utf-8")
    done = run_cli("stats", cwd=repo)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "1 个目录文件都读不出单位" in done.stderr and "内部错误" not in done.stderr, done.stderr


# 5. diff: a file that cannot be read is no removed unit


def _unreadable(path: Path, how: str) -> None:
    path.unlink()
    if how == "fifo":
        os.mkfifo(path)
    elif how == "dangling link":
        path.symlink_to(path.parent / "gone.yaml")
    elif how == "folder":
        path.mkdir()
    else:
        path.write_bytes("unit: 城管局\n".encode("utf-16"))


@pytest.mark.parametrize("how", ["fifo", "dangling link", "folder", "not utf-8"])
def test_diff_working_tree_file_that_cannot_be_read(tmp_path: Path, how: str) -> None:
    repo = _repo(tmp_path, units=1)
    _commit(repo, "units")
    _unreadable(repo / "catalogues" / SHIPPED.name, how)
    done = run_cli("diff", "HEAD", cwd=repo, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"catalogues/{SHIPPED.name}：读不出单位" in done.stderr, done.stderr
    assert "删除" not in done.stdout + done.stderr and "内部错误" not in done.stderr


def test_diff_file_at_a_ref_that_cannot_be_read(tmp_path: Path) -> None:
    repo = _repo(tmp_path, units=1)
    good = (repo / "catalogues" / SHIPPED.name).read_bytes()
    (repo / "catalogues" / SHIPPED.name).write_bytes(b"\xff\xfe\x00garbage")
    _commit(repo, "broken")
    (repo / "catalogues" / SHIPPED.name).write_bytes(good)
    done = run_cli("diff", "HEAD", cwd=repo)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"HEAD:catalogues/{SHIPPED.name}：读不出单位" in done.stderr, done.stderr
    assert "新增" not in done.stdout and "内部错误" not in done.stderr


def test_diff_from_an_empty_first_commit(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _git(repo, "commit", "-q", "--allow-empty", "-m", "empty")  # an empty tree, which git archives as a lone header
    (repo / "catalogues" / SHIPPED.name).write_bytes(SHIPPED.read_bytes())
    done = run_cli("diff", "HEAD", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "lsj-zhadu" in done.stdout and "新增单位" in done.stdout


def test_validate_does_not_wait_on_a_fifo(tmp_path: Path) -> None:
    repo = _repo(tmp_path, units=1)
    os.mkfifo(repo / "catalogues" / "pipe.yaml")
    done = run_cli("validate", "--no-cache", "-f", "json", cwd=repo, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "catalogues/pipe.yaml" in done.stdout and "不是普通文件" in done.stdout
