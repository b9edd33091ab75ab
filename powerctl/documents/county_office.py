"""The county's workbook (一表 of every unit) and its 清理情况统计 report (DOCX), from `CountyDocs`.

The workbook's first sheet is the summary — units × categories with a total row, and a native bar chart of it
(openpyxl: Excel and WPS draw it from the cells, so it follows any correction made there) —; then a sheet per
unit, its 行政权力目录 exactly as in its own bundle. The report says the county's counts in the words of a
清权确权 report, then per unit, with the charts of the site as pictures (painted from the same SVG) and the
same numbers in tables beside them. Same input, same bytes: fixed document times, the packages repacked.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from powerctl.documents import archive, charts, table
from powerctl.documents.basis import BODY_FONT, HEADING_FONT, add_page_number, add_text, set_style
from powerctl.documents.context import literal
from powerctl.documents.county import CountyDocs, county_charts, summary
from powerctl.drawing.pool import picture_png

SUMMARY_SHEET = "汇总"
FIXED_TIME = datetime(2000, 1, 1)
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")  # characters a sheet name may not hold
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = PatternFill("solid", fgColor="D9E2F3")
_CHART_DPI = 192.0


def _sheet_titles(names: list[str]) -> list[str]:
    """A sheet name per unit: its name, at most 31 characters, without the characters Excel refuses, unique."""
    taken = {SUMMARY_SHEET}
    out = []
    for name in names:
        base = _BAD_TITLE.sub("", name)[:31] or "单位"
        title, n = base, 2
        while title in taken:
            tail = f"（{n}）"
            title, n = base[: 31 - len(tail)] + tail, n + 1
        taken.add(title)
        out.append(title)
    return out


def _summary_sheet(book: Workbook, county: CountyDocs) -> None:
    ws = book.worksheets[0]
    ws.title = SUMMARY_SHEET
    columns, per_unit, total = summary(county)
    heads = ["单位", *columns, "合计"]
    ws.cell(row=1, column=1, value=f"{county.title}（{county.label}）").font = Font(name=table.FONT, size=16, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(heads))
    ws.row_dimensions[1].height = 30
    for c, head in enumerate(heads, 1):
        cell = ws.cell(row=2, column=c, value=head)
        cell.font = Font(name=table.FONT, size=10, bold=True)
        cell.fill = _HEAD
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate([*per_unit, total], 3):
        values: list[str | int] = [row.name, *row.counts, row.total]
        for c, value in enumerate(values, 1):
            cell = ws.cell(row=r, column=c, value=value)
            literal(cell)
            cell.font = Font(name=table.FONT, size=10, bold=row is total)
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="left" if c == 1 else "right", vertical="center", wrap_text=c == 1)
    ws.column_dimensions["A"].width = 30
    for c in range(2, len(heads) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 10
    ws.freeze_panes = "B3"
    last = 2 + len(per_unit)
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "各单位职权数（按职权类别）"
    chart.y_axis.title = "职权数（项）"
    chart.x_axis.scaling.orientation = "maxMin"  # the first unit at the top, as in the table
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.add_data(Reference(ws, min_col=2, max_col=1 + len(columns), min_row=2, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=last))
    chart.height = max(7.5, 0.8 * len(per_unit) + 4)  # cm
    chart.width = 24
    ws.add_chart(chart, f"A{last + 3}")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def workbook_bytes(county: CountyDocs) -> bytes:
    """The summary sheet with its chart, then each unit's 行政权力目录 on its own sheet."""
    book = Workbook()
    _summary_sheet(book, county)
    titles = _sheet_titles([d.unit.name for d in county.units])
    for docs, title in zip(county.units, titles, strict=True):
        ws = book.create_sheet(title)
        table._write_table(ws, table.tables(docs)[0], county.label)  # TODO after merge: public name
    return archive.workbook_bytes(book, f"{county.title}（{county.label}）", FIXED_TIME)


# -- the report -----------------------------------------------------------------------------------


def _counts_table(doc: object, heads: list[str], body: list[list[str]], widths: list[float]) -> None:
    grid = doc.add_table(rows=1, cols=len(heads))  # type: ignore[attr-defined]
    grid.style = doc.styles["Table Grid"]  # type: ignore[attr-defined]
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Mm(width)
    for cell, text, width in zip(grid.rows[0].cells, heads, widths, strict=True):
        cell.width = Mm(width)
        add_text(cell.paragraphs[0], text, font=HEADING_FONT, size=10.5)
    for values in body:
        cells = grid.add_row().cells
        for i, (cell, text, width) in enumerate(zip(cells, values, widths, strict=True)):
            cell.width = Mm(width)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 0 else WD_ALIGN_PARAGRAPH.RIGHT
            add_text(cell.paragraphs[0], text, size=10.5)


def _picture(doc: object, chart: charts.Chart) -> None:
    png, _ = picture_png(charts.svg(chart).encode("utf-8"), _CHART_DPI)
    paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    width = int.from_bytes(png[16:20], "big") / _CHART_DPI * 25.4  # the PNG's IHDR width, in mm at its dpi
    paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(min(150.0, width)))
    caption = doc.add_paragraph()  # type: ignore[attr-defined]
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(caption, f"图：{chart.title}", size=10.5)


def report_bytes(county: CountyDocs, day: str | None) -> bytes:
    """清理情况统计 on A4 portrait: the county's sentence, the units × categories table, the charts, then each
    unit's sentence. `day`: 编制日期 (ISO), the newest recorded change of any unit, if any."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    set_style(doc, "Normal", BODY_FONT, 12).paragraph_format.space_after = Pt(4)
    add_page_number(section)
    title = f"{county.name}权力清单清理情况统计"
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(head, title, font=HEADING_FONT, size=18)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(sub, f"（{county.label}，{len(county.units)} 个单位）", size=12)
    stats = county.stats()
    internal = not county.public
    add_text(doc.add_paragraph(), f"{county.name}{stats.total.sentence(risks=internal)}", size=12)
    add_text(doc.add_paragraph(), "一、各单位职权数（按职权类别）", font=HEADING_FONT, size=14)
    columns, per_unit, total = summary(county)
    body = [[r.name, *map(str, r.counts), str(r.total)] for r in [*per_unit, total]]
    first = 154 - 14 * (len(columns) + 1)
    widths = [max(40.0, first), *([14.0] * (len(columns) + 1))]
    _counts_table(doc, ["单位", *columns, "合计"], body, widths)
    add_text(doc.add_paragraph(), "二、统计图", font=HEADING_FONT, size=14)
    for chart in county_charts(county):
        _picture(doc, chart)
    add_text(doc.add_paragraph(), "三、各单位清理情况", font=HEADING_FONT, size=14)
    names = {d.unit.id: d.unit.name for d in county.units}
    for u in stats.units:
        paragraph = doc.add_paragraph()
        add_text(paragraph, f"{names[u.unit.id]}：", bold=True, size=12)
        add_text(paragraph, u.counts.sentence(risks=internal), size=12)
    when = FIXED_TIME.replace(tzinfo=UTC)
    if day:
        when = datetime.fromisoformat(day[:10]).replace(tzinfo=UTC)
    core = doc.core_properties
    core.title = title
    core.author = county.name
    core.last_modified_by = "powerctl"
    core.created = core.modified = core.last_printed = when
    core.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return archive.repack(out.getvalue())
