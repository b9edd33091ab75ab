"""No formula from data in any workbook (issue 32): a catalogue full of texts a spreadsheet would run (= + - @,
after spaces, tabs or a carriage return, a full-width ＝) gives workbooks where every such text is a string cell,
exactly the text; the only formulas are the ones powerctl writes on purpose, listed here."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from powerctl.source.cells import UNWRITABLE, put, writable
from tests.conftest import CATALOGUES, ROOT, run_cli

HOSTILE = (
    "=1+1+",
    '=HYPERLINK("http://example.invalid","点此")&',
    "+1+",
    "-1+",
    "@SUM(1)+",
    "  =1+1+",
    "\t=1+",
    "\r=1+",
    "＝1+",
    "=cmd|' /C calc'!A0+",
)
# Free text of a catalogue and of its records: names, departments, posts, duties, basis quotes, notes, risks.
FREE = frozenset(
    {"name", "region", "duties", "duty", "quote", "note", "point", "measures", "accountability", "contact", "result"}
)

# Formulas powerctl writes on purpose. In cells: none. In charts (stats and the county summary): references to
# the chart's own sheet; in dropdowns (export): the 内设机构 list's range — neither is made from catalogue text.
DELIBERATE_CELL_FORMULAS: frozenset[str] = frozenset()
_CHART_REFERENCE = re.compile(r"^'(?:汇总|单位×类别)'!\$[A-Z]+\$[0-9]+(?::\$[A-Z]+\$[0-9]+)?$")


def _hostile(data: Any, key: str | None, counter: list[int]) -> Any:
    if isinstance(data, dict):
        return {k: _hostile(v, k, counter) for k, v in data.items()}
    if isinstance(data, list):
        return [_hostile(v, key, counter) for v in data]
    if isinstance(data, str) and key in FREE:
        counter[0] += 1
        return HOSTILE[counter[0] % len(HOSTILE)] + data
    return data


def _repo(folder: Path) -> Path:
    """The shipped catalogues and records with every free text made hostile; every unit named "=…"."""
    shutil.copytree(CATALOGUES, folder / "catalogues")
    shutil.copytree(ROOT / "records", folder / "records")
    (folder / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    counter = [0]
    for path in sorted([*(folder / "catalogues").rglob("*.yaml"), *(folder / "records").rglob("*.yaml")]):
        data = _hostile(yaml.safe_load(path.read_text(encoding="utf-8")), None, counter)
        if "unit" in data and isinstance(data["unit"], dict):
            data["unit"]["name"] = "=1+1+" + data["unit"]["name"].lstrip()
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """Every workbook powerctl writes, from the hostile repository."""
    repo = _repo(tmp_path_factory.mktemp("hostile"))
    (repo / "out").mkdir()
    for args in (
        ("export", "-o", "out/导出.xlsx"),
        ("stats", "-f", "xlsx", "-o", "out/统计.xlsx"),
        ("stats", "--risks", "-f", "xlsx", "-o", "out/风险.xlsx"),
        ("stats", "--records", "-f", "xlsx", "-o", "out/运行.xlsx"),
        ("bundle", "--allow-errors", "-o", "out/bundle"),
    ):
        done = run_cli(*args, cwd=repo, timeout=600)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return repo, sorted((repo / "out").rglob("*.xlsx"))


def test_every_workbook_is_built(workbooks: tuple[Path, list[Path]]) -> None:
    repo, books = workbooks
    names = [p.relative_to(repo / "out").as_posix() for p in books]
    assert len(names) == 4 + 2 * 4, names  # 4 from export and stats; per audience 3 units' 一表 and the county's
    assert sum(n.endswith("/一表/权力清单.xlsx") for n in names) == 6  # public and internal 一表 of 3 units
    assert sum(n.endswith("行政权力目录.xlsx") for n in names) == 2  # the county workbook, for each audience


def test_no_formula_from_data_in_any_workbook(workbooks: tuple[Path, list[Path]]) -> None:
    _, books = workbooks
    hostile_cells = 0
    for path in books:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                xml = zf.read(name).decode("utf-8")
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    assert "<f>" not in xml and "<f " not in xml, (path, name)
                if name.startswith("xl/charts/"):
                    for ref in re.findall(r"<c:f>(.*?)</c:f>", xml):
                        assert _CHART_REFERENCE.match(ref), (path, name, ref)
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        assert cell.value in DELIBERATE_CELL_FORMULAS, (path, sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value.lstrip(" \t\r\n").startswith(("=", "＝", "@", "+")):
                        assert cell.data_type == "s", (path, sheet.title, cell.coordinate)
                        hostile_cells += 1
    assert hostile_cells > 100  # the hostile texts did reach the workbooks


def test_the_text_stays_the_text(workbooks: tuple[Path, list[Path]]) -> None:
    """Not neutralised with a quote: the cell holds the catalogue's text, and export → import --update with no
    edit changes no byte of the catalogues."""
    repo, _ = workbooks
    book = openpyxl.load_workbook(repo / "out" / "导出.xlsx")
    for sheet in book.worksheets:
        data = yaml.safe_load(next((repo / "catalogues").rglob(f"{sheet['B1'].value}.yaml")).read_text("utf-8"))
        assert sheet["A2"].value.startswith(data["unit"]["name"] + "职权目录"), sheet["A2"].value
        assert sheet["A2"].value.startswith("=1+1+") and sheet["A2"].data_type == "s"
    work = repo.parent / "roundtrip"
    shutil.copytree(repo, work, ignore=shutil.ignore_patterns("out"))
    before = {p: p.read_bytes() for p in sorted((work / "catalogues").rglob("*.yaml"))}
    done = run_cli("export", "-o", "目录.xlsx", cwd=work)
    assert done.returncode == 0, done.stderr
    again = run_cli("import", "--update", "目录.xlsx", cwd=work)
    assert again.returncode == 0, again.stdout + again.stderr
    assert {p: p.read_bytes() for p in before} == before


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_string_cell_holding_that_text(text: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    cell = put(sheet, 2, 3, text)
    assert cell.data_type == "s" and cell.value == writable(text)
    assert (writable(text) == text) == (UNWRITABLE.search(text) is None)
    put(sheet, 3, 3, 7)
    put(sheet, 4, 3, None)
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")
    back = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert back is not None
    expected = writable(text)  # byte for byte, a carriage return too
    assert back.cell(2, 3).data_type == "s" or expected == ""
    assert (back.cell(2, 3).value or "") == expected
    assert back.cell(3, 3).value == 7 and back.cell(4, 3).value is None
