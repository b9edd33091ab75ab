"""Records workbooks measured before they are read (issue 32): a hostile XLSX under records/<unit>/ is a finding
(E001 at line 1, naming the limit and the value measured), in bounded time and memory; a workbook that declares
a huge dimension is read by its cells, not padded to what it declares."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from powerctl.source import office_limits
from tests.conftest import CATALOGUES, run_limited
from tests.test_office_limits import _ROOT_RELS, _TYPES, _WORKBOOK, _WORKBOOK_RELS

_MEMORY = 3 * 1024**3 // 2  # address space `validate` may use (1.5 GB)
_SECONDS = 20
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'


def _row(r: int, *texts: str) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{t}</t></is></c>' for i, t in enumerate(texts))
    return f'<row r="{r}">{cells}</row>'


# A case of the shipped 城管局 that is not in its catalogue: R-rules name it, so it shows the rows were read.
_ROWS = _row(1, "办件编号", "职权编码", "受理日期", "办理环节")
_ROWS += _row(2, "X-1", "NO-SUCH-POWER", "2026-10-09", "shouli")


_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _book(path: Path, rows: str, before: str = "", bomb: int = 0, strings: int = 0) -> Path:
    """A records workbook written with zipfile: `before` ahead of sheetData (a <dimension>), `bomb` bytes of
    spaces deflated into the sheet's XML, shared strings of `strings` bytes (each string different)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    types, relations = _TYPES, _WORKBOOK_RELS
    if strings:
        types = types.replace(
            "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_STRINGS}"/></Types>'
        )
        relations = relations.replace(
            "</Relationships>",
            f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{_STRINGS_TYPE}"/></Relationships>',
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", relations)
        if strings:
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
                out.write(f'<?xml version="1.0"?><sst xmlns="{_MAIN}">'.encode())
                written, n = 0, 0
                while written <= strings:
                    chunk = "".join(f"<si><t>{i:x}</t></si>" for i in range(n, n + 100_000)).encode()
                    out.write(chunk)
                    written, n = written + len(chunk), n + 100_000
                out.write(b"</sst>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(f"{_HEAD}{before}<sheetData>{rows}</sheetData>".encode())
            block = b" " * (1024 * 1024)
            for _ in range(bomb // len(block)):
                out.write(block)
            out.write(b"</worksheet>")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    (folder / "catalogues").mkdir(parents=True)
    (folder / ".powerctl.yaml").write_text("rules: {}\n", encoding="utf-8")
    shutil.copy(CATALOGUES / "hunan/loudi/lengshuijiang/lsj-cgj.yaml", folder / "catalogues")
    return folder


def _validate(repo: Path) -> tuple[int, list[dict[str, Any]], float]:
    """`powerctl validate` in a subprocess limited to 1.5 GB of address space: exit code, findings, CPU seconds."""
    run = run_limited("validate", "--today", "2026-11-30", "-f", "json", cwd=repo, memory=_MEMORY, timeout=300)
    done = run.done
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr
    assert not done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)["findings"], run.cpu


def _refused(repo: Path, *words: str) -> str:
    code, found, cpu = _validate(repo)
    assert code == 1
    (finding,) = [f for f in found if f["file"].endswith(".xlsx")]
    assert (finding["rule"], finding["line"], finding["column"]) == ("E001", 1, 1), finding
    assert "登记表" in finding["message"] and "超过上限" in finding["message"], finding
    assert "分成几个文件" in finding["hint"], finding
    for word in words:
        assert word in finding["message"], finding
    assert cpu < _SECONDS, cpu
    return str(finding["message"])


def test_a_sparse_cell_at_the_last_row_and_column(repo: Path) -> None:
    _book(repo / "records/lsj-cgj/稀疏.xlsx", _ROWS + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    said = _refused(repo, "1048576 行 × 16384 列", f"{office_limits.RECORDS_MAX_COLUMNS} 列")
    assert said.endswith("请删去空行空列后另存再检查")


def test_a_deflate_bomb(repo: Path) -> None:
    path = _book(repo / "records/lsj-cgj/炸弹.xlsx", _ROWS, bomb=1024 * 1024 * 1024)
    assert path.stat().st_size < 4 * 1024 * 1024
    _refused(repo, "xl/worksheets/sheet1.xml", "压缩比", f"{office_limits.MAX_RATIO}:1")


def test_shared_strings_read_whole_over_their_limit(repo: Path) -> None:
    """Shared strings are read into memory whole, not streamed as a sheet is: millions of short strings, each
    different (so no bomb by ratio), stay under the package's size but not under the part's."""
    _book(repo / "records/lsj-cgj/字符串.xlsx", _ROWS, strings=office_limits.RECORDS_MAX_PART_BYTES)
    _refused(repo, "xl/sharedStrings.xml", f"{office_limits.RECORDS_MAX_PART_BYTES // office_limits.MIB}.0 MB")


def test_too_many_rows(repo: Path) -> None:
    rows = office_limits.RECORDS_MAX_ROWS
    _book(repo / "records/lsj-cgj/多行.xlsx", _ROWS + f'<row r="{rows + 1}"><c r="A{rows + 1}"><v>1</v></c></row>')
    _refused(repo, f"{rows + 1} 行 × 4 列", f"{rows} 行")


def _cases_read(repo: Path) -> None:
    code, found, cpu = _validate(repo)
    assert code == 1 and cpu < _SECONDS, cpu
    ours = [f for f in found if f["file"].endswith(".xlsx")]
    assert ours and all(f["rule"] != "E001" and f["line"] == 2 for f in ours), ours


def test_a_huge_declared_dimension_over_three_rows_is_read_by_its_cells(repo: Path) -> None:
    _book(repo / "records/lsj-cgj/声明.xlsx", _ROWS + _row(3, "X-1", "NO-SUCH-POWER", "2026-10-09", "jueding"),
          '<dimension ref="A1:XFD1048576"/>')  # fmt: skip
    _cases_read(repo)


def test_a_huge_declared_dimension_over_many_empty_rows_is_not_padded(repo: Path) -> None:
    """Each row as long as its cells: padded to the 16384 columns declared, 300,000 empty rows take minutes."""
    empty = "".join(f'<row r="{r}"/>' for r in range(3, 300_003))
    _book(repo / "records/lsj-cgj/声明.xlsx", _ROWS + empty, '<dimension ref="A1:XFD1048576"/>')
    _cases_read(repo)


def test_limits_of_records_are_larger_than_of_imports() -> None:
    assert office_limits.RECORDS.rows >= 10 * office_limits.IMPORT.rows >= 10**6
    assert office_limits.RECORDS.columns == 200 and office_limits.RECORDS.again == "再检查"
