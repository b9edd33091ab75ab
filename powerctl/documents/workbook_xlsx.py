"""`powerctl export`: an XLSX a clerk edits in Excel or WPS, one sheet per unit, read back by import --update.

A number (a time limit, 公开时限) is a number cell; every other cell is text (so codes keep their zeros and
Excel turns nothing into a date or a formula); nothing from the data is ever a formula (source.cells.put).
The id column is locked, the others are not; enumerations and 承办机构 are dropdowns; every header has a
comment saying what to type (COLUMNS' notes), required columns are marked ★. Row 1 (hidden) names the
sheet's unit for import --update.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from powerctl.domain.workbook import COLUMNS, MARK, Cell, Names, cell_value
from powerctl.source.cells import put

HEADER_ROW = 3
SPARE_ROWS = 200  # unlocked rows below the powers, with the dropdowns
_WIDTHS = {
    "职权名称": 30,
    "所属主项": 20,
    "承办机构": 16,
    "职权来源依据": 50,
    "收费标准": 24,
    "公开形式": 22,
    "事项编码": 18,
    "起算": 16,
    "责任事项": 50,
    "追责情形": 40,
    "备注": 24,
}
_EDITABLE = Protection(locked=False)


_NOT_IN_TITLE = re.compile(r"[\\/?*\[\]:\x00-\x1f\x7f]")  # what Excel refuses in a sheet's title
TITLE_MAX = 31  # Excel's limit, in UTF-16 code units


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, units: int) -> str:
    while _utf16(text) > units:
        text = text[:-1]
    return text


def sheet_title(name: str, taken: set[str]) -> str:
    """A sheet title Excel accepts for ``name`` (a unit id: data, never trusted), unique in ``taken``.

    A title is not a path, but Excel refuses \\ / ? * [ ] : and control characters, a leading or trailing
    apostrophe, more than 31 characters and the name History; titles differing only in case are the same
    sheet to Excel. The unit's own id stays in the sheet's cell B1, which import --update reads."""
    base = _NOT_IN_TITLE.sub("_", name).strip("'") or "单位"
    if base.casefold() == "history":
        base += "_"
    title, n = _cut(base, TITLE_MAX).rstrip("'"), 2
    while title.casefold() in taken:
        suffix = f"-{n}"
        title, n = _cut(base, TITLE_MAX - len(suffix)).rstrip("'") + suffix, n + 1
    taken.add(title.casefold())
    return title


def _text_cell(sheet: Any, row: int, column: int, value: Cell, editable: bool = True, numeric: bool = False) -> None:
    cell = put(sheet, row, column, value if value != "" else None)  # never a formula, nor a date
    # A numeric column takes what is typed as a number (20) or as text (即办, /); others keep text as typed.
    cell.number_format = "General" if numeric else "@"
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if editable:
        cell.protection = _EDITABLE


_UNIT_PT = 5.25  # Excel's column unit: the default font's digit (Calibri 11: 7 px at 96 dpi)
_COLUMN_PAD_PT = 3.75  # what Excel adds to each column (5 px)
_PRINTED_PT = 841.89 - 2 * 0.4 * 72  # A4 landscape between margins of 0.4"
_TITLE_COLUMNS = 3  # 职权标识, 事项编码, 职权名称: printed on every page, so that a row is known on each


def _print_across(sheet: Any, columns: int) -> None:
    """A4 landscape at the text's own size: the columns spread over as many pages across as they need at 100 %
    in Excel (the first three repeated on each, beside the header), never shrunk onto one page, where 11 pt
    text came out at 2.5 pt. LibreOffice's column unit is wider where Calibri is missing (DejaVu Sans, 7 pt):
    it shrinks them to about 0.8: text of 8.5 pt and more."""

    def width(c: int) -> float:
        held = sheet.column_dimensions[get_column_letter(c)].width
        return (held or 8.43) * _UNIT_PT + _COLUMN_PAD_PT

    title = sum(width(c) for c in range(1, _TITLE_COLUMNS + 1))
    rest = sum(width(c) for c in range(_TITLE_COLUMNS + 1, columns + 1))
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = max(1, math.ceil(rest / (_PRINTED_PT - title) / 0.85))  # Excel at 85-100 %
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_cols = f"A:{get_column_letter(_TITLE_COLUMNS)}"


def workbook_bytes(units: Sequence[tuple[str, str, Mapping[str, Any]]]) -> bytes:
    """(unit id, unit name, the unit's data as loaded) for each unit → the workbook."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    taken: set[str] = set()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F3")
    for unit_id, unit_name, data in units:
        sheet = book.create_sheet(sheet_title(unit_id, taken))
        put(sheet, 1, 1, MARK)
        put(sheet, 1, 2, unit_id)
        sheet.row_dimensions[1].hidden = True
        title = put(sheet, 2, 1, f"{unit_name}职权目录（可编辑：改好后运行 powerctl import --update 本文件）")
        title.font = Font(bold=True, size=14)
        for c, column in enumerate(COLUMNS, 1):
            head = put(sheet, HEADER_ROW, c, ("★" if column.required else "") + column.header)
            head.font = bold
            head.fill = fill
            head.alignment = Alignment(wrap_text=True, vertical="center")
            if column.note or column.required:
                text = ("必填。" if column.required else "") + column.note
                head.comment = Comment(text, "powerctl")
            sheet.column_dimensions[get_column_letter(c)].width = _WIDTHS.get(column.header, 12)
        listed = data.get("powers")
        powers: list[Any] = listed if isinstance(listed, list) else []
        rows = [p for p in powers if isinstance(p, Mapping)]
        names = Names.of(data)
        for r, power in enumerate(rows, HEADER_ROW + 1):
            for c, column in enumerate(COLUMNS, 1):
                value = cell_value(power, column, names)
                _text_cell(sheet, r, c, value, column.path != ("id",), column.numeric)
        last = HEADER_ROW + len(rows) + SPARE_ROWS
        for r in range(HEADER_ROW + len(rows) + 1, last + 1):
            for c, column in enumerate(COLUMNS, 1):
                _text_cell(sheet, r, c, "", column.path != ("id",), column.numeric)
        held = data.get("unit")
        unit: Mapping[str, Any] = held if isinstance(held, Mapping) else {}
        departments = [d for d in unit.get("departments") or [] if isinstance(d, Mapping)]
        side = len(COLUMNS) + 2
        put(sheet, HEADER_ROW, side, "内设机构标识").font = bold
        put(sheet, HEADER_ROW, side + 1, "内设机构名称（承办机构填它）").font = bold
        for r, d in enumerate(departments, HEADER_ROW + 1):
            _text_cell(sheet, r, side, str(d.get("id") or ""), editable=False)
            _text_cell(sheet, r, side + 1, str(d.get("name") or ""), editable=False)
        for c, column in enumerate(COLUMNS, 1):
            options = column.options
            if column.path == ("department",) and departments:
                letter = get_column_letter(side + 1)  # the names: 承办机构 is shown and typed by name
                source = f"=${letter}${HEADER_ROW + 1}:${letter}${HEADER_ROW + len(departments)}"
                check = DataValidation(type="list", formula1=source, allow_blank=True)
            elif options:
                check = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
            else:
                continue
            check.error = "请从下拉列表中选择"
            check.errorTitle = column.header
            letter = get_column_letter(c)
            check.add(f"{letter}{HEADER_ROW + 1}:{letter}{last}")
            sheet.add_data_validation(check)
        sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=4)
        # Printed on A4 landscape, all columns on one page width, the header on every page.
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        _print_across(sheet, side + 1)
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.print_area = f"A2:{get_column_letter(side + 1)}{HEADER_ROW + max(len(rows), len(departments))}"
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False  # widths and heights may still be changed
        sheet.protection.formatRows = False
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
