"""The 清理情况统计 and the 廉政风险等级目录 as XLSX workbooks (openpyxl)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from powerctl.documents.context import literal
from powerctl.domain.operation import Table
from powerctl.domain.stats import RiskRow, Stats

FONT = "宋体"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _table(
    ws: Worksheet, title: str, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[int]
) -> None:
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(name=FONT, size=16, bold=True)
    ws["A1"].alignment = _CENTRE
    ws.row_dimensions[1].height = 30
    ws.append(list(header))
    for cell in ws[2]:
        cell.font = Font(name=FONT, bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = _CENTRE
        cell.border = _BORDER
    for row in rows:
        ws.append(list(row))
        r = ws.max_row
        lines = 1
        for col, cell in enumerate(ws[r], start=1):
            literal(cell)
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
    summary = wb.create_sheet("说明")
    summary.column_dimensions["A"].width = 120
    for uc in stats.units:
        summary.append([f"{uc.unit.name}：{uc.counts.sentence()}"])
    summary.append([f"合计：{stats.total.sentence()}"])
    for row in summary.iter_rows():
        for cell in row:
            cell.font = Font(name=FONT, size=11)
            cell.alignment = _WRAP
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
    summary = wb.create_sheet("说明")
    summary.column_dimensions["A"].width = 120
    for line in lines:
        summary.append([line])
    for row in summary.iter_rows():
        for cell in row:
            cell.font = Font(name=FONT, size=11)
            cell.alignment = _WRAP
    wb.save(path)
