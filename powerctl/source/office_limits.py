"""Office files measured before they are parsed: the limits, in one place, and the measures.

A spreadsheet library reads a whole workbook into memory and makes a cell object for every cell a sheet spans, and
for every cell a merged range covers; a 2 KB file declaring one cell at XFD1048576, or a merge of A1:XFD1048576, or
a package whose members inflate to gigabytes, would take minutes and gigabytes. So every office file is measured
first — its size; a package's members (uncompressed sizes and ratio, from the zip's directory, which `zipfile`
holds each member to while reading); a sheet's cells, the rectangle they span and its merged ranges, counted while
streaming its XML (expat, no tree; the declared <dimension> is not what openpyxl builds from, so the cells
themselves are measured); a Word file's tables, rows and the grid columns of each row the same way; an old Excel
file's rows × columns and merged ranges; a CSV file's size, rows and widest row — and refused over a limit with a
message that states the limit and the value measured. The limits are generous for real lists (a county's: thousands
of rows, at most a hundred columns, a few MB). A records workbook (records/<unit>/*.xlsx), read a row at a time,
is measured the same way against its own, larger limits (`RECORDS`).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.parsers import expat

MIB = 1024 * 1024
MAX_FILE_BYTES = 32 * MIB  # an office file as stored
MAX_UNPACKED_BYTES = 256 * MIB  # all members of an XLSX or DOCX package, uncompressed
MAX_MEMBERS = 10_000  # members of a package
MAX_RATIO = 200  # uncompressed : compressed, for a member over RATIO_FROM bytes
RATIO_FROM = 4 * MIB
MAX_ROWS = 100_000  # rows a sheet or a Word table spans
MAX_COLUMNS = 1_000  # columns a sheet or a Word table's row spans
MAX_GRID_CELLS = 2_000_000  # rows × columns a sheet spans: every one becomes a cell when read
MAX_CELLS = 1_000_000  # cells written in one file
MAX_MERGED = 100_000  # merged ranges in one sheet
MAX_MERGED_AREA = 2_000_000  # cells covered by the merged ranges of one sheet
MAX_TABLES = 10_000  # tables in one Word file

# Records workbooks (records/<unit>/*.xlsx) are read a row at a time, never whole: a county's cases run to a
# million rows of a few columns, and the package of so many rows inflates past what an imported list may.
RECORDS_MAX_FILE_BYTES = 256 * MIB
RECORDS_MAX_UNPACKED_BYTES = 1024 * MIB
RECORDS_MAX_ROWS = 2_000_000
RECORDS_MAX_COLUMNS = 200
RECORDS_MAX_CELLS = 50_000_000
RECORDS_MAX_PART_BYTES = 128 * MIB  # a part read whole (shared strings, styles …), not streamed as a sheet is


@dataclass(frozen=True)
class Limits:
    """What an office file may hold, and what the clerk does after fixing one over a limit."""

    file_bytes: int = MAX_FILE_BYTES
    unpacked_bytes: int = MAX_UNPACKED_BYTES
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS
    grid_cells: int = MAX_GRID_CELLS
    cells: int = MAX_CELLS
    part_bytes: int = MAX_UNPACKED_BYTES  # any part of an XLSX package but its worksheets, uncompressed
    again: str = "再导入"  # "…另存再导入"


IMPORT = Limits()
RECORDS = Limits(
    file_bytes=RECORDS_MAX_FILE_BYTES,
    unpacked_bytes=RECORDS_MAX_UNPACKED_BYTES,
    rows=RECORDS_MAX_ROWS,
    columns=RECORDS_MAX_COLUMNS,
    grid_cells=RECORDS_MAX_ROWS * RECORDS_MAX_COLUMNS,  # rows are read one at a time: no grid is built
    cells=RECORDS_MAX_CELLS,
    part_bytes=RECORDS_MAX_PART_BYTES,
    again="再检查",
)

_CHUNK = 64 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


class TooLarge(Exception):
    """An office file over a limit: the file, what was measured, the limit and what to do, in a clerk's words."""


def _size(value: int) -> str:
    return f"{value / MIB:.1f} MB" if value >= MIB else f"{value} 字节"


def file_size(path: Path, display: str, limits: Limits = IMPORT) -> None:
    """The file as stored, at most `limits.file_bytes`."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise TooLarge(
            f"{display}：文件有 {_size(size)}，超过上限 {_size(limits.file_bytes)}；"
            f"请把表格拆成几个较小的文件{limits.again}"
        )


def package(zf: zipfile.ZipFile, display: str, limits: Limits = IMPORT) -> None:
    """A zip package's members by the zip's directory: how many, their uncompressed sizes and ratio."""
    members = zf.infolist()
    if len(members) > MAX_MEMBERS:
        raise TooLarge(f"{display}：压缩包内有 {len(members)} 个部件，超过上限 {MAX_MEMBERS}，不像办公文件")
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise TooLarge(
                f"{display}：部件「{info.filename}」压缩前 {_size(info.file_size)}、"
                f"压缩后 {_size(info.compress_size)}，"
                f"压缩比 {ratio:.0f}:1，超过上限 {MAX_RATIO}:1（疑为压缩炸弹）；"
                f"请用 Excel 或 WPS 打开后另存{limits.again}"
            )
    if total > limits.unpacked_bytes:
        raise TooLarge(
            f"{display}：解压后共 {_size(total)}，超过上限 {_size(limits.unpacked_bytes)}；"
            f"请删去空行空列、图片等多余内容后另存{limits.again}"
        )


def _cell(ref: str) -> tuple[int, int] | None:
    """A cell reference (B5, $XFD$1048576) → (row, column), 1-based; None when it is not one."""
    found = _REF.fullmatch(ref.strip())
    if found is None:
        return None
    column = 0
    for letter in found.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(found.group(2)), column


def _span(ref: str) -> tuple[int, int, int, int] | None:
    """A range (A1:XFD1048576, or one cell) → (first row, first column, last row, last column)."""
    ends = [_cell(part) for part in ref.split(":", 1)]
    if any(end is None for end in ends):
        return None
    (r0, c0), (r1, c1) = ends[0], ends[-1]  # type: ignore[misc]
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def _stream(
    source: IO[bytes], start: Callable[[str, dict[str, str]], None], end: Callable[[str], None] | None = None
) -> None:
    """Feed an XML stream to expat a chunk at a time, calling `start` with each element's name and attributes
    (names as "namespace local"), and `end` with each element's name; no tree is built."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    while chunk := source.read(_CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _extent(where: str, rows: int, columns: int, what: str, limits: Limits = IMPORT) -> None:
    """Cells reaching to row `rows` and column `columns`: every cell of that rectangle is made when read."""
    if rows > limits.rows or columns > limits.columns or rows * columns > limits.grid_cells:
        raise TooLarge(
            f"{where}{what}占了 {rows} 行 × {columns} 列，超过上限（{limits.rows} 行、{limits.columns} 列、"
            f"共 {limits.grid_cells} 个单元格）；请删去空行空列后另存{limits.again}"
        )


def _merges(where: str, count: int, area: int, limits: Limits = IMPORT) -> None:
    if count > MAX_MERGED or area > MAX_MERGED_AREA:
        raise TooLarge(
            f"{where}：合并单元格 {count} 处、共覆盖 {area} 个单元格，超过上限（{MAX_MERGED} 处、"
            f"共覆盖 {MAX_MERGED_AREA} 个）；请取消多余的合并后另存{limits.again}"
        )


class _Sheet:
    """One worksheet's XML, counted: its declared dimension, extent, cells and merged ranges."""

    def __init__(self, where: str, cells_before: int, limits: Limits) -> None:
        self.where = where
        self.limits = limits
        self.cells = cells_before
        self.row = 0
        self.column = 0
        self.rows = 0
        self.columns = 0
        self.merged = 0
        self.merged_area = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if not name.startswith(_MAIN):
            return
        local = name[len(_MAIN) + 1 :]
        if local == "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column = 0
        elif local == "c":
            at = _cell(attrs.get("r", ""))
            self.row, self.column = at if at is not None else (max(self.row, 1), self.column + 1)
            self.cells += 1
            if self.cells > self.limits.cells:
                raise TooLarge(
                    f"{self.where}：文件中的单元格超过上限 {self.limits.cells} 个；"
                    f"请删去多余的内容或拆成几个文件{self.limits.again}"
                )
            if self.row > self.rows or self.column > self.columns:
                self.rows, self.columns = max(self.rows, self.row), max(self.columns, self.column)
                _extent(self.where, self.rows, self.columns, "的单元格", self.limits)
        elif local == "mergeCell":
            ref = attrs.get("ref", "")
            span = _span(ref)
            if span is None:
                return
            r0, c0, r1, c1 = span
            self.merged += 1
            self.merged_area += (r1 - r0 + 1) * (c1 - c0 + 1)
            _extent(self.where, r1, c1, f"的合并单元格 {ref}", self.limits)
            _merges(self.where, self.merged, self.merged_area, self.limits)


def _attributes(zf: zipfile.ZipFile, member: str, wanted: str) -> Iterator[dict[str, str]]:
    """The attributes of every `wanted` element ("namespace local") of a small XML member."""
    found: list[dict[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == wanted:
            found.append(attrs)

    with zf.open(member) as source:
        _stream(source, start)
    yield from found


def _member(target: str) -> str:
    """A relationship's target in xl/_rels/workbook.xml.rels as the member of the package it names."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")


def _sheets(zf: zipfile.ZipFile) -> tuple[list[tuple[str, str]], set[str]]:
    """(sheet name, member) of each worksheet, named as the workbook names them (members under xl/worksheets/
    the workbook does not name are measured too); and the members a reader streams, not reads whole: the
    worksheets the workbook names, unless one is also its shared strings."""
    names = set(zf.namelist())
    out: list[tuple[str, str]] = []
    shared: set[str] = set()
    try:
        relations = list(_attributes(zf, "xl/_rels/workbook.xml.rels", f"{_RELS} Relationship"))
        targets = {a.get("Id", ""): a.get("Target", "") for a in relations}
        shared = {_member(a.get("Target", "")) for a in relations if a.get("Type", "").endswith("/sharedStrings")}
        for sheet in _attributes(zf, "xl/workbook.xml", f"{_MAIN} sheet"):
            member = _member(targets.get(sheet.get(f"{_OFFICE_RELS} id", ""), ""))
            if member in names:
                out.append((sheet.get("name", member), member))
    except (KeyError, expat.ExpatError):
        pass  # left to the spreadsheet library, which says the file is damaged
    named = {member for _, member in out}
    out += [(m, m) for m in sorted(names) if m.startswith("xl/worksheets/") and m.endswith(".xml") and m not in named]
    return out, named - shared


def _open_package(path: Path, display: str, limits: Limits = IMPORT) -> zipfile.ZipFile | None:
    file_size(path, display, limits)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError):
        return None  # not a zip: the library that reads it says so
    package(zf, display, limits)
    return zf


def xlsx(path: Path, display: str, limits: Limits = IMPORT) -> None:
    """An XLSX workbook measured: file, package, then each worksheet streamed."""
    zf = _open_package(path, display, limits)
    if zf is None:
        return
    with zf:
        sheets, streamed = _sheets(zf)
        for info in zf.infolist():
            if info.filename not in streamed and info.file_size > limits.part_bytes:
                raise TooLarge(
                    f"{display}：部件「{info.filename}」解压后 {_size(info.file_size)}，超过上限 "
                    f"{_size(limits.part_bytes)}（这一部件要整个读入内存）；请删去多余内容后另存{limits.again}"
                )
        cells = 0
        for name, member in sheets:
            sheet = _Sheet(f"{display}：工作表「{name}」", cells, limits)
            try:
                with zf.open(member) as source:
                    _stream(source, sheet.start)
            except (expat.ExpatError, zipfile.BadZipFile, EOFError, ValueError):
                return  # damaged: the spreadsheet library says so
            cells = sheet.cells


class _Word:
    """A Word document's body, counted: tables, the rows of each, and the grid columns each row spans."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.tables = 0
        self.cells = 0
        self.rows: list[int] = []  # rows of each open table (tables may hold tables)
        self.width = 0  # grid columns of the current row

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if not name.startswith(_WORD):
            return
        local = name[len(_WORD) + 1 :]
        if local == "tbl":
            self.tables += 1
            self.rows.append(0)
            if self.tables > MAX_TABLES:
                raise TooLarge(f"{self.display}：表格超过上限 {MAX_TABLES} 个；请拆成几个文件再导入")
            return
        if not self.rows:
            return
        if local == "tr":
            self.rows[-1] += 1
            self.width = 0
            _extent(f"{self.display}：表{self.tables}", self.rows[-1], 1, "")
        elif local in ("tc", "gridSpan", "gridBefore", "gridAfter"):
            value = attrs.get(f"{_WORD} val", "1")
            span = 1 if local == "tc" else (int(value) if value.isdigit() else 1) - (local == "gridSpan")
            self.width += span
            self.cells += span
            _extent(f"{self.display}：表{self.tables}", self.rows[-1], self.width, "")
            if self.cells > MAX_CELLS:
                raise TooLarge(f"{self.display}：表格中的单元格超过上限 {MAX_CELLS} 个；请拆成几个文件再导入")

    def end(self, name: str) -> None:
        if name == f"{_WORD} tbl" and self.rows:
            self.rows.pop()


def docx(path: Path, display: str) -> None:
    """A Word document measured: file, package, then its body streamed (tables, rows, cells)."""
    zf = _open_package(path, display)
    if zf is None:
        return
    with zf:
        body = "word/document.xml"
        try:
            for a in _attributes(zf, "_rels/.rels", f"{_RELS} Relationship"):
                if a.get("Type", "").endswith("/officeDocument"):
                    body = a.get("Target", body).lstrip("/")
            word = _Word(display)
            with zf.open(body) as source:
                _stream(source, word.start, word.end)
        except (KeyError, expat.ExpatError, zipfile.BadZipFile, EOFError, ValueError):
            return  # damaged: python-docx says so


def extent(where: str, rows: int, columns: int) -> None:
    """A table of `rows` rows, its widest `columns` wide (an old Excel sheet's nrows × ncols, a CSV file's rows
    as they are read)."""
    _extent(where, rows, columns, "")


def cells(where: str, count: int) -> None:
    if count > MAX_CELLS:
        raise TooLarge(f"{where}：单元格超过上限 {MAX_CELLS} 个；请删去多余的内容或拆成几个文件再导入")


def merges(where: str, merged: list[tuple[int, int, int, int]]) -> None:
    """An old Excel sheet's merged ranges (xlrd: (r0, r1, c0, c1), ends exclusive)."""
    _merges(where, len(merged), sum((r1 - r0) * (c1 - c0) for r0, r1, c0, c1 in merged))
