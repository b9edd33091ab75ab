"""Office files read into tables of text cells, each cell knowing where it is (FILE:SHEET!B5).

Merged cells are filled with the merged value in every cell they cover (so a 实施主体 merged over ten rows
belongs to each of them). Numbers that are whole come back without ".0" and codes typed as text keep their
leading zeros; dates come back as YYYY-MM-DD.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from powerctl.source import office_limits
from powerctl.source.office_limits import TooLarge

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".docx")


class SheetError(Exception):
    """A file that cannot be read as a table: said in a clerk's words, with the file."""


@dataclass(frozen=True)
class Table:
    file: str
    name: str  # the sheet's name, 表N for a Word table, "" for a CSV file
    rows: list[list[str]]
    word: bool = False  # a Word table: cells are told as 第R行第C列
    # Where each cell came from, when the table was put together from others (a Word document's per-power
    # key-value tables): 表3第2行第4列, 第12段; "" where a cell has no place of its own.
    origin: tuple[tuple[str, ...], ...] | None = None

    def where(self, row: int, column: int) -> str:
        """The position of a cell (0-based row and column), as the clerk finds it in the file."""
        places = self.origin[row] if self.origin is not None and row < len(self.origin) else ()
        if column < len(places) and places[column]:
            return f"{self.file}:{places[column]}"
        if self.word:
            return f"{self.file}:{self.name}第{row + 1}行第{column + 1}列"
        ref = f"{column_letter(column)}{row + 1}"
        return f"{self.file}:{self.name}!{ref}" if self.name else f"{self.file}:{ref}"


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _xlsx(path: Path, display: str) -> Iterator[Table]:
    import openpyxl

    office_limits.xlsx(path, display)
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise SheetError(f"{display}：无法按 Excel（.xlsx）文件读取（{type(exc).__name__}）") from exc
    for sheet in book.worksheets:
        rows = [[_text(c.value) for c in row] for row in sheet.iter_rows()]
        for merged in sheet.merged_cells.ranges:
            value = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(rows) else ""
            for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(rows[r]))):
                    rows[r][c] = value
        yield Table(display, sheet.title, rows)


def _xls(path: Path, display: str) -> Iterator[Table]:
    import xlrd

    office_limits.file_size(path, display)
    try:
        # on_demand: a sheet at a time; ragged_rows: a row as long as its cells, not padded to the widest
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, ragged_rows=True)
    except Exception as exc:
        raise SheetError(f"{display}：无法按 Excel 97-2003（.xls）文件读取（{exc}）") from exc
    read = 0
    for index in range(book.nsheets):
        try:
            sheet = book.sheet_by_index(index)
        except Exception as exc:
            raise SheetError(f"{display}：无法按 Excel 97-2003（.xls）文件读取（{exc}）") from exc
        where = f"{display}：工作表「{sheet.name}」"
        office_limits.extent(where, sheet.nrows, sheet.ncols)
        office_limits.merges(where, sheet.merged_cells)
        read += sum(sheet.row_len(r) for r in range(sheet.nrows))
        office_limits.cells(display, read)
        rows: list[list[str]] = []
        for r in range(sheet.nrows):
            row = [""] * sheet.ncols
            for c in range(sheet.row_len(r)):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row[c] = _text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                else:
                    row[c] = _text(cell.value)
            rows.append(row)
        for r0, r1, c0, c1 in sheet.merged_cells:
            if r0 >= len(rows) or c0 >= sheet.ncols:
                continue
            value = rows[r0][c0]
            for r in range(r0, min(r1, len(rows))):
                for c in range(c0, min(c1, sheet.ncols)):
                    rows[r][c] = value
        book.unload_sheet(index)
        yield Table(display, sheet.name, rows)


def decode_text(raw: bytes, display: str) -> str:
    """A CSV file's text: UTF-8 (with or without BOM), else GB18030 (which covers GBK), as Excel on a
    Chinese Windows saves it."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise SheetError(f"{display}：不是 UTF-8 也不是 GBK 编码的文本，无法读取") from exc


def _csv(path: Path, display: str) -> Iterator[Table]:
    office_limits.file_size(path, display)
    text = decode_text(path.read_bytes(), display)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[str]] = []
    widest = 0
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for row in reader:
            widest = max(widest, len(row))
            office_limits.extent(display, len(rows) + 1, widest)
            rows.append([_text(c) for c in row])
    except csv.Error as exc:
        raise SheetError(f"{display}：第 {reader.line_num} 行无法按 CSV 读取（{exc}）") from None
    yield Table(display, "", rows)


# Reads a Word document's body (python-docx's `Document`) into tables; the plain reading is `word_tables`.
WordReader = Callable[[Any, str], Iterator[Table]]


def _docx(path: Path, display: str, reader: WordReader | None = None) -> Iterator[Table]:
    import docx

    office_limits.docx(path, display)
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise SheetError(f"{display}：无法按 Word（.docx）文件读取（{type(exc).__name__}）") from exc
    yield from (reader or word_tables)(document, display)


def word_tables(document: Any, display: str) -> Iterator[Table]:
    """Each table of a Word document's body, in order, as 表N."""
    for number, tbl in enumerate(document.element.body.tbl_lst, 1):
        yield word_table(tbl, number, display)


def word_table(tbl: Any, number: int, display: str) -> Table:
    """One Word table (a python-docx `CT_Tbl`), the document's 表`number`."""
    with damaged_table(number, display):
        return Table(display, f"表{number}", word_rows(tbl), word=True)


@contextmanager
def damaged_table(number: int, display: str) -> Iterator[None]:
    """A damaged attribute (gridSpan="x" …) that python-docx cannot read, said as the table it is in."""
    from docx.exceptions import PythonDocxError

    try:
        yield
    except (ValueError, PythonDocxError):
        raise SheetError(
            f"{display}：表{number}的行列格式已损坏，无法读取；请用 Word 或 WPS 打开后另存再导入"
        ) from None


def word_rows(tbl: Any) -> list[list[str]]:
    """A Word table (a python-docx `CT_Tbl`) as rows of text, one per grid column, in one pass.

    A cell spanning columns (gridSpan) gives its text to each grid column it spans; a cell continuing a
    vertical merge (vMerge) takes the text of the cell above it at the same grid column, as a merged cell of a
    sheet does; the grid columns a row leaves empty at its start (gridBefore) are empty texts, so each cell
    stays under its own heading. python-docx's `row.cells` gives the same texts (without the gridBefore
    columns), but finds a merged cell's text by recursing up the rows one by one: a merge a thousand rows long
    runs out of stack, and the cost grows with the square of the rows.
    """
    rows: list[list[str]] = []
    above: list[str] = []  # the texts of the row above, by grid column
    for tr in tbl.tr_lst:
        row = [""] * tr.grid_before
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                at = len(row)
                text = above[at] if at < len(above) else ""
            else:
                text = _text("\n".join(p.text for p in tc.p_lst))  # what python-docx's cell.text gives
            row.extend([text] * max(1, tc.grid_span))
        rows.append(row)
        above = row
    return rows


def read_tables(path: Path, display: str | None = None, word: WordReader | None = None) -> list[Table]:
    """The tables of an office file; a Word document's through `word` when given (the per-power key-value
    tables of importer.vertical), else one table per Word table."""
    shown = display or str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SheetError(f"{shown}：文件不存在")
    try:
        if suffix in (".xlsx", ".xlsm"):
            return list(_xlsx(path, shown))
        if suffix == ".xls":
            return list(_xls(path, shown))
        if suffix == ".csv":
            return list(_csv(path, shown))
        if suffix == ".docx":
            return list(_docx(path, shown, word))
    except OSError as exc:
        raise SheetError(f"{shown}：无法读取文件（{exc.strerror or type(exc).__name__}）") from exc
    except TooLarge as exc:
        raise SheetError(str(exc)) from None
    if suffix == ".doc":
        raise SheetError(f"{shown}：是 Word 97-2003（.doc）文件，请先用 Word 或 WPS 另存为 .docx")
    raise SheetError(f"{shown}：不认识的文件类型，可读取 " + "、".join(SUFFIXES))
