"""export → edit in Excel → import --update: untouched cells change no byte, an edited cell exactly its value."""

from __future__ import annotations

import os
import shutil
import string
from pathlib import Path

import openpyxl
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from powerctl.documents.workbook_xlsx import workbook_bytes
from powerctl.importer.update import update
from powerctl.resources import TEMPLATES
from tests.conftest import CATALOGUES, run_cli

EXAMPLE = TEMPLATES / "init" / "catalogues" / "example" / "lsj-zjj.yaml"


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    return repo


def _files(repo: Path) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted((repo / "catalogues").rglob("*.yaml"))}


def _headers(sheet: object) -> dict[str, int]:
    return {str(c.value).lstrip("★"): c.column for c in sheet[3] if c.value}  # type: ignore[index]


def test_export_then_import_without_edits_changes_no_byte(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    before = _files(repo)
    done = run_cli("export", "-o", "目录.xlsx", cwd=repo)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(repo / "目录.xlsx")
    assert sorted(book.sheetnames) == ["lsj-cgj", "lsj-zhadu", "lsj-zhadu-xxc"]
    sheet = book["lsj-cgj"]
    assert sheet.protection.sheet and sheet.cell(4, 1).protection.locked and not sheet.cell(4, 3).protection.locked
    lists = {str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1 for v in sheet.data_validations.dataValidation}
    h = {name: openpyxl.utils.get_column_letter(c) for name, c in _headers(sheet).items()}
    assert "行政许可" in lists[h["职权类别"]] and "保留" in lists[h["清理结果"]]  # enumerations as dropdowns
    book.save(repo / "目录.xlsx")  # saved again as a spreadsheet program would
    plain = run_cli("import", "目录.xlsx", cwd=repo)  # the exported workbook is read back only by --update
    assert plain.returncode == 2 and "import --update" in plain.stderr
    again = run_cli("import", "--update", "目录.xlsx", cwd=repo)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _files(repo) == before


def test_one_edited_cell_changes_exactly_that_value(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    assert run_cli("export", "-o", "目录.xlsx", cwd=repo).returncode == 0
    path = repo / "catalogues/hunan/loudi/lengshuijiang/lsj-zhadu.yaml"
    before = path.read_text(encoding="utf-8")
    book = openpyxl.load_workbook(repo / "目录.xlsx")
    sheet = book["lsj-zhadu"]
    column = _headers(sheet)["承诺时限"]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "XK-001")
    old = sheet.cell(row, column).value
    sheet.cell(row, column).value = str(int(old) - 1)
    bad = _headers(sheet)["是否收费"]
    sheet.cell(row + 1, bad).value = "可能"
    book.save(repo / "目录.xlsx")
    done = run_cli("import", "--update", "目录.xlsx", cwd=repo)
    assert done.returncode == 1  # the cell that cannot be read is reported, at its position
    letter = openpyxl.utils.get_column_letter(bad)
    assert f"目录.xlsx:lsj-zhadu!{letter}{row + 1}（是否收费）：「可能」应为“是”或“否”" in done.stdout, done.stdout
    assert "没有改动任何目录文件" in done.stdout
    assert path.read_text(encoding="utf-8") == before  # every edited cell of a run or none
    sheet.cell(row + 1, bad).value = "否"
    book.save(repo / "目录.xlsx")
    done = run_cli("import", "--update", "目录.xlsx", cwd=repo)
    assert done.returncode == 0, done.stdout
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1] == changed[0][0].replace(f"promised: {old}", f"promised: {int(old) - 1}")
    data = yaml.safe_load(after)
    assert next(p for p in data["powers"] if p["id"] == "XK-001")["time_limit"]["promised"] == int(old) - 1
    checked = run_cli("validate", "--no-cache", cwd=repo)
    assert checked.returncode == 0, checked.stdout


_TEXT = st.text(
    alphabet=string.ascii_letters + string.digits + " :#,[]{}'\"-=?!&*|>%@`" + "职权审批许可（）、：，", max_size=12
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=_TEXT.filter(lambda s: s.strip() != ""),
    code=st.one_of(st.none(), _TEXT.filter(lambda s: s.strip() != "")),
    promised=st.integers(min_value=0, max_value=400),
    statutory=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
    standard=st.one_of(st.none(), _TEXT.filter(lambda s: s.strip() != "")),
    forms=st.lists(st.sampled_from(["政府网站", "公示栏", "窗口"]), max_size=3),
    renamed=_TEXT.filter(lambda s: s.strip() != ""),
)
@example(name="08a", code=None, promised=0, statutory=None, standard=None, forms=[], renamed="0")
def test_any_catalogue_round_trips_byte_for_byte(
    tmp_path: Path,
    renamed: str,
    name: str,
    code: str | None,
    promised: int,
    statutory: int | None,
    standard: str | None,
    forms: list[str],
) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    power = data["powers"][0]
    power["name"] = name
    power.pop("code", None)
    if code is not None:
        power["code"] = code
    power["time_limit"] = {"statutory": statutory, "promised": promised, "unit": "自然日"}
    power["fee"] = {"charged": standard is not None, **({"standard": standard} if standard is not None else {})}
    power["disclosure"]["forms"] = forms
    folder = tmp_path / "cats"
    folder.mkdir(exist_ok=True)
    path = folder / "lsj-zjj.yaml"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096)
    # PyYAML writes YAML 1.1: a name such as 08 (no number there) goes unquoted, and YAML 1.2, which catalogues are
    # read as, makes it the number 8: a file that is not the catalogue meant (validate names it, E003).
    from ruamel.yaml import YAML

    assume(YAML(typ="safe", pure=True).load(text) == yaml.safe_load(text))
    path.write_text(text, encoding="utf-8")
    workbook = folder / "w.xlsx"
    workbook.write_bytes(workbook_bytes([("lsj-zjj", data["unit"]["name"], yaml.safe_load(text))]))
    book = openpyxl.load_workbook(workbook)
    book.save(workbook)
    result = update(workbook, {"lsj-zjj": path}, "w.xlsx")
    assert result.problems == [] and result.files == [], (result.problems, [f.changed for f in result.files])
    # An edited name is written so that YAML reads back exactly that text, and nothing else moves.
    sheet = book["lsj-zjj"]
    sheet.cell(4, 3).value = renamed
    sheet.cell(4, 3).data_type = "s"  # text, as the exported cell is (a leading "=" is not a formula)
    book.save(workbook)
    result = update(workbook, {"lsj-zjj": path}, "w.xlsx")
    expected = yaml.safe_load(text)
    if renamed.strip() != name.strip():
        expected["powers"][0]["name"] = renamed.strip()
        assert len(result.files) == 1 and yaml.safe_load(result.files[0].text) == expected, result.problems


def test_cells_of_one_mapping_edited_together_and_text_over_lines(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "catalogues").mkdir(parents=True)
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "{law: 中华人民共和国建筑法, article: 第七条, role: 设定依据}",
        "{law: 湖南省实施《城市道路管理条例》办法, article: 第五条, role: 设定依据}",
        1,
    )
    path = repo / "catalogues" / "lsj-zjj.yaml"
    path.write_text(text, encoding="utf-8")
    assert run_cli("export", "-o", "w.xlsx", cwd=repo).returncode == 0
    book = openpyxl.load_workbook(repo / "w.xlsx")
    sheet = book["lsj-zjj"]
    h = _headers(sheet)
    for header, value in (("法定时限", "10"), ("承诺时限", "3"), ("是否收费", "是"), ("收费标准", "第一行\n第二行")):
        sheet.cell(4, h[header]).value = value
    basis = sheet.cell(4, h["职权来源依据"]).value
    sheet.cell(4, h["职权来源依据"]).value = basis.replace("第十二条", "第十三条")
    book.save(repo / "w.xlsx")
    done = run_cli("import", "--update", "w.xlsx", cwd=repo)
    assert done.returncode == 0, done.stdout
    power = yaml.safe_load(path.read_text(encoding="utf-8"))["powers"][0]
    assert power["time_limit"] == {"statutory": 10, "promised": 3, "unit": "工作日"}
    assert power["fee"] == {"charged": True, "standard": "第一行\n第二行"}
    assert power["basis"][0]["law"] == "湖南省实施《城市道路管理条例》办法"
    assert power["basis"][1]["article"] == "第十三条"


def test_import_update_writes_through_a_link_inside_the_repository(tmp_path: Path) -> None:
    """A catalogue kept as a link to a file elsewhere in the repository stays a link after import --update."""
    repo = _repo(tmp_path)
    real = repo / "catalogues/hunan/loudi/lengshuijiang/lsj-zhadu.yaml"
    kept = repo / "shared" / "lsj-zhadu.yaml"
    kept.parent.mkdir()
    real.rename(kept)
    real.symlink_to(os.path.relpath(kept, real.parent))
    assert run_cli("export", "-o", "目录.xlsx", cwd=repo).returncode == 0
    book = openpyxl.load_workbook(repo / "目录.xlsx")
    sheet = book["lsj-zhadu"]
    column = _headers(sheet)["承诺时限"]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "XK-001")
    sheet.cell(row, column).value = str(int(sheet.cell(row, column).value) - 1)
    book.save(repo / "目录.xlsx")
    done = run_cli("import", "--update", "目录.xlsx", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert real.is_symlink() and real.resolve() == kept.resolve()
    assert kept.read_bytes() != b"" and "promised:" in kept.read_text(encoding="utf-8")


def test_a_hostile_cell_is_named_short_and_visible(tmp_path: Path) -> None:
    """A message quoting a workbook's cell shows invisible marks as escapes and cuts a huge value."""
    repo = _repo(tmp_path)
    assert run_cli("export", "-o", "目录.xlsx", cwd=repo).returncode == 0
    book = openpyxl.load_workbook(repo / "目录.xlsx")
    book["lsj-zhadu"]["B1"].value = "x\u202e" + "长" * 30000
    book.save(repo / "目录.xlsx")
    done = run_cli("import", "--update", "目录.xlsx", cwd=repo)
    assert done.returncode == 1, done.stdout + done.stderr
    line = next(ln for ln in done.stdout.splitlines() if "B1" in ln)
    assert "\u202e" not in done.stdout and "\\u202e" in line and len(line) < 500
