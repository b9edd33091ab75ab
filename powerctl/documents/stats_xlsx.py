"""The 清理情况统计 and the 廉政风险等级目录 as XLSX workbooks (openpyxl)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from powerctl.domain.operation import Table
from powerctl.domain.stats import Matrix, RiskRow, Stats, by_category
from powerctl.source.cells import put

FONT = "宋体"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _lines(ws: Worksheet, lines: Sequence[str]) -> None:
    """One line of text a row, in column A (the 说明 sheets)."""
    ws.column_dimensions["A"].width = 120
    for r, line in enumerate(lines, start=1):
        cell = put(ws, r, 1, line)
        cell.font = Font(name=FONT, size=11)
        cell.alignment = _WRAP


def _table(
    ws: Worksheet, title: str, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[int]
) -> None:
    put(ws, 1, 1, title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(name=FONT, size=16, bold=True)
    ws["A1"].alignment = _CENTRE
    ws.row_dimensions[1].height = 30
    for c, head in enumerate(header, start=1):
        put(ws, 2, c, head)
    for cell in ws[2]:
        cell.font = Font(name=FONT, bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = _CENTRE
        cell.border = _BORDER
    for r, row in enumerate(rows, start=3):
        lines = 1
        for col, value in enumerate(row, start=1):
            cell = put(ws, r, col, value)
            cell.font = Font(name=FONT, size=10)
            cell.alignment = _WRAP
            cell.border = _BORDER
            text = str(cell.value or "")
            # openpyxl does not size rows to wrapped text: estimate lines from the column width.
            per_line = max(1, widths[col - 1] // 2)
            lines = max(lines, -(-len(text) // per_line))
        ws.row_dimensions[r].height = max(18, 14 * lines)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def write_matrix(ws: Worksheet, title: str, matrix: Matrix) -> None:
    """Units × categories on a sheet, with the total row, and a native stacked bar chart of the cells (Excel and
    WPS draw it from them, so it follows any correction made there)."""
    heads = ["单位", *matrix.categories, "合计"]
    put(ws, 1, 1, title).font = Font(name=FONT, size=16, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(heads))
    ws.row_dimensions[1].height = 30
    for c, head in enumerate(heads, 1):
        cell = put(ws, 2, c, head)
        cell.font = Font(name=FONT, size=10, bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = _CENTRE
    for r, row in enumerate([*matrix.rows, matrix.total], 3):
        values: list[str | int] = [row.name, *row.counts, row.total]
        for c, value in enumerate(values, 1):
            cell = put(ws, r, c, value)
            cell.font = Font(name=FONT, size=10, bold=row is matrix.total)
            cell.border = _BORDER
            cell.alignment = _WRAP if c == 1 else Alignment(horizontal="right", vertical="center")
    ws.column_dimensions["A"].width = 30
    for c in range(2, len(heads) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 10
    ws.freeze_panes = "B3"
    last = 2 + len(matrix.rows)
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "各单位职权数（按职权类别）"
    chart.y_axis.title = "职权数（项）"
    chart.x_axis.scaling.orientation = "maxMin"  # the first unit at the top, as in the table
    chart.x_axis.delete = chart.y_axis.delete = False
    data = Reference(ws, min_col=2, max_col=1 + len(matrix.categories), min_row=2, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=last))
    chart.height = max(7.5, 0.8 * len(matrix.rows) + 4)  # cm
    chart.width = 24
    ws.add_chart(chart, f"A{last + 3}")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def write_stats(stats: Stats, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "清理情况统计"
    rows: list[list[object]] = []
    for uc in [*stats.units, None]:
        counts = uc.counts if uc is not None else stats.total
        name = uc.unit.name if uc is not None else "合计"
        data = counts.as_dict()
        for dimension, label in (
            ("by_category", "职权类别"),
            ("by_status", "清理结果"),
            ("by_department", "承办机构"),
            ("by_risk_level", "廉政风险点等级"),
        ):
            for key, value in data[dimension].items():
                rows.append([name, label, key, value])
        rows.append([name, "无法律依据（建议废止）", "", len(counts.without_basis)])
        rows.append([name, "总计", "", counts.total])
    _table(ws, "权力清单清理情况统计表", ["单位", "统计项", "分类", "数量"], rows, [34, 22, 28, 10])
    write_matrix(wb.create_sheet("单位×类别"), "各单位职权数（按职权类别）", by_category(stats))
    lines = [f"{uc.unit.name}：{uc.counts.sentence()}" for uc in stats.units]
    _lines(wb.create_sheet("说明"), [*lines, f"合计：{stats.total.sentence()}"])
    wb.save(path)


RISK_HEADER = ("序号", "单位", "权力名称", "职权类别", "职权依据", "风险点", "风险等级", "防控措施", "责任岗位")


def write_risks(rows: Sequence[RiskRow], path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "廉政风险等级目录"
    data = [
        [i, r.unit, r.power, r.category, r.basis, r.point, r.level, r.measures, r.owner]
        for i, r in enumerate(rows, start=1)
    ]
    _table(ws, "廉政风险等级目录", RISK_HEADER, data, [6, 20, 24, 10, 30, 30, 8, 36, 16])
    wb.save(path)


def write_tables(tables: Sequence[Table], lines: Sequence[str], path: Path) -> None:
    """The 权力运行情况统计 workbook: a sheet per table, and a 说明 sheet with the summary lines."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for t in tables:
        ws = wb.create_sheet(t.title.replace("权力运行情况统计", "").strip("（）") or t.title)
        _table(ws, t.title, t.header, t.rows, t.widths)
    _lines(wb.create_sheet("说明"), lines)
    wb.save(path)
