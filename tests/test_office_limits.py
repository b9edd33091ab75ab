"""Office files measured before they are parsed: a hostile workbook, Word file or CSV is refused quickly, with
the limit and the measured value, exit 2, in bounded memory (issue 32)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import xlwt
from openpyxl.utils import get_column_letter as letter

from powerctl.source import office_limits
from tests import office_files
from tests.conftest import CATALOGUES, run_limited

_GIB = 1024**3
_MEMORY = 3 * _GIB // 2  # address space a refusing `import` may use (1.5 GB)
_SECONDS = 20

_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="职权目录" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
_SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
_HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>事项名称</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>职权类别</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>宅基地审批</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>行政许可</t></is></c></row>'
)


def _xlsx(path: Path, sheet_body: str, extra: str = "", bomb: int = 0) -> Path:
    """A minimal workbook written with zipfile: one sheet of `sheet_body` rows, `extra` after sheetData;
    `bomb` bytes of spaces deflated into the sheet's XML before its end."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write((_SHEET_HEAD + f"<sheetData>{sheet_body}</sheetData>{extra}").encode())
            block = b" " * (1024 * 1024)
            for _ in range(bomb // len(block)):
                out.write(block)
            out.write(b"</worksheet>")
    return path


def _run(repo: Path, *files: Path) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """`powerctl import FILES` limited to 1.5 GB of address space: the result, seconds, peak memory (KiB)."""
    run = run_limited("import", *map(str, files), "-o", "out", cwd=repo, memory=_MEMORY, timeout=120)
    return run.done, run.seconds, run.peak_kib


def _refused(repo: Path, path: Path, *words: str) -> str:
    done, seconds, peak = _run(repo, path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr
    assert path.name in done.stderr and "超过上限" in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr
    assert seconds < _SECONDS, seconds
    assert peak * 1024 < _MEMORY, peak
    return done.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    return folder


def test_a_sparse_cell_at_the_last_row_and_column(repo: Path) -> None:
    path = _xlsx(repo / "稀疏.xlsx", _HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    said = _refused(repo, path, "工作表「职权目录」", "1048576 行 × 16384 列", f"{office_limits.MAX_ROWS} 行")
    assert "请删去空行空列后另存再导入" in said


def test_a_merge_over_the_whole_sheet(repo: Path) -> None:
    path = _xlsx(repo / "合并.xlsx", _HEADER_ROW, '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    _refused(repo, path, "工作表「职权目录」", "A1:XFD1048576", "1048576 行 × 16384 列")


def test_many_merges_each_small(repo: Path) -> None:
    spots = [(3 + i // 400, 1 + 2 * (i % 400)) for i in range(office_limits.MAX_MERGED + 1)]
    merges = "".join(f'<mergeCell ref="{letter(c)}{r}:{letter(c + 1)}{r}"/>' for r, c in spots)
    path = _xlsx(repo / "多处合并.xlsx", _HEADER_ROW, f"<mergeCells>{merges}</mergeCells>")
    _refused(repo, path, f"合并单元格 {office_limits.MAX_MERGED + 1} 处")


def test_a_deflate_bomb_in_the_sheet(repo: Path) -> None:
    path = _xlsx(repo / "炸弹.xlsx", _HEADER_ROW, bomb=1024 * 1024 * 1024)
    assert path.stat().st_size < 4 * 1024 * 1024  # 1 GiB of XML in a few MB
    _refused(repo, path, "xl/worksheets/sheet1.xml", "压缩比")


def test_members_inflating_past_the_package_limit(repo: Path) -> None:
    path = _xlsx(repo / "大包.xlsx", _HEADER_ROW)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as zf:  # stored: no ratio, only size
        for n in range(office_limits.MAX_UNPACKED_BYTES // (16 * 1024 * 1024) + 1):
            zf.writestr(f"xl/media/image{n}.bin", b"\0" * (16 * 1024 * 1024))
    path.write_bytes(path.read_bytes())  # the same file, just read back
    done = _refused(repo, path)
    assert "文件有" in done or "解压后共" in done


def test_a_million_cells_of_a_small_file(repo: Path) -> None:
    rows = "".join(
        f'<row r="{r}">' + "".join(f"<c><v>{r * 100 + c}</v></c>" for c in range(100)) + "</row>"
        for r in range(3, 3 + 10_001)
    )
    path = _xlsx(repo / "单元格.xlsx", _HEADER_ROW + rows)
    _refused(repo, path, f"单元格超过上限 {office_limits.MAX_CELLS} 个")


def test_an_old_excel_sheet_with_a_far_cell_and_a_wide_merge(repo: Path) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("职权目录")
    sheet.write(0, 0, "事项名称")
    sheet.write(65535, 255, "远处")
    book.save(str(repo / "远处.xls"))
    _refused(repo, repo / "远处.xls", "工作表「职权目录」", "65536 行 × 256 列")
    book = xlwt.Workbook()
    sheet = book.add_sheet("职权目录")
    sheet.write(0, 0, "事项名称")
    for r in range(1, 60_001):
        sheet.write_merge(r, r, 0, 1, "合并")
        sheet.write_merge(r, r, 2, 3, "合并")
    book.save(str(repo / "合并.xls"))
    _refused(repo, repo / "合并.xls", "合并单元格 120000 处", f"{office_limits.MAX_MERGED} 处")


def test_a_word_cell_spanning_a_billion_columns(repo: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "事项名称", "职权类别"
    document.save(str(repo / "跨列.docx"))
    with zipfile.ZipFile(repo / "跨列.docx") as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    body = parts["word/document.xml"].decode()
    parts["word/document.xml"] = body.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="1000000000"/>', 1).encode()
    with zipfile.ZipFile(repo / "跨列.docx", "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    _refused(repo, repo / "跨列.docx", "表1", "1000000000 列")


def test_a_word_document_of_a_deflate_bomb(repo: Path) -> None:
    source = office_files.city_docx(repo)
    with zipfile.ZipFile(source) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    path = repo / "炸弹.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, data in parts.items():
            if name == "word/document.xml":
                with out.open(name, "w", force_zip64=True) as member:
                    member.write(data.replace(b"</w:body>", b""))
                    for _ in range(1024):
                        member.write(b" " * (1024 * 1024))
                    member.write(b"</w:body></w:document>")
            else:
                out.writestr(name, data)
    _refused(repo, path, "word/document.xml", "压缩比")


def test_a_csv_of_a_million_columns_and_one_long_field(repo: Path) -> None:
    wide = repo / "宽.csv"
    wide.write_text("事项名称,职权类别" + "," * 1_000_000 + "\n", encoding="utf-8")
    _refused(repo, wide, f"{office_limits.MAX_COLUMNS} 列", "1000002 列")
    long = repo / "长.csv"
    long.write_text("事项名称,职权类别\n" + "甲" * 200_000 + ",行政许可\n", encoding="utf-8")
    done, _, _ = _run(repo, long)
    assert done.returncode == 2 and "长.csv：第 2 行无法按 CSV 读取" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_over_the_size_limit(repo: Path) -> None:
    big = repo / "大.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write("事项名称,职权类别\n")
        line = "宅基地审批" * 20 + ",行政许可\n"
        for _ in range(office_limits.MAX_FILE_BYTES // len(line.encode()) + 1):
            out.write(line)
    _refused(repo, big, "文件有", f"{office_limits.MAX_FILE_BYTES // office_limits.MIB}.0 MB")


def test_real_office_files_are_well_inside_the_limits(tmp_path: Path) -> None:
    for made in (
        office_files.district_xlsx(tmp_path),
        office_files.directory_xlsx(tmp_path),
        office_files.city_docx(tmp_path),
    ):
        (office_limits.docx if made.suffix == ".docx" else office_limits.xlsx)(made, made.name)


def test_import_update_measures_the_workbook_too(repo: Path) -> None:
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    shutil.copytree(CATALOGUES, repo / "catalogues")
    path = _xlsx(repo / "导回.xlsx", _HEADER_ROW, '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    done = run_limited("import", "--update", str(path), cwd=repo, memory=_MEMORY, timeout=60).done
    assert done.returncode == 2 and "A1:XFD1048576" in done.stderr and "超过上限" in done.stderr, done.stderr
