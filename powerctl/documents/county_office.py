"""The county's workbook (一表 of every unit) and its 清理情况统计 report (DOCX), from `CountyDocs`.

The workbook's first sheet is the summary — units × categories with a total row, and a native bar chart of it
(openpyxl: Excel and WPS draw it from the cells, so it follows any correction made there) —; then a sheet per
unit, its 行政权力目录 exactly as in its own bundle. The report says the county's counts in the words of a
清权确权 report, then per unit, with the charts of the site as pictures (painted from the same SVG) and the
same numbers in tables beside them. Same input, same bytes: fixed document times, the packages repacked.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from openpyxl import Workbook

from powerctl.documents import archive, charts, table
from powerctl.documents.basis import BODY_FONT, HEADING_FONT, add_page_number, add_text, document_bytes, set_style
from powerctl.documents.county import CountyDocs, county_charts
from powerctl.documents.signoff import compiled_day
from powerctl.documents.stats_xlsx import write_matrix
from powerctl.documents.workbook_xlsx import sheet_title
from powerctl.domain.stats import by_category
from powerctl.drawing.pool import picture_png

SUMMARY_SHEET = "汇总"
_CHART_DPI = 192.0


def _sheet_titles(names: list[str]) -> list[str]:
    """A sheet title per unit from its name (data: made safe and unique as the export's titles are)."""
    taken = {SUMMARY_SHEET.casefold()}
    return [sheet_title(name, taken) for name in names]


def workbook_bytes(county: CountyDocs) -> bytes:
    """The summary sheet with its chart, then each unit's 行政权力目录 on its own sheet."""
    book = Workbook()
    summary = book.worksheets[0]
    summary.title = SUMMARY_SHEET
    write_matrix(summary, f"{county.title}（{county.label}）", by_category(county.stats))
    titles = _sheet_titles([d.unit.name for d in county.units])
    for docs, made, title in zip(county.units, county.rows, titles, strict=True):
        table.write_sheet(book.create_sheet(title), table.catalogue_table(docs, made), county.label)
    return archive.workbook_bytes(book, f"{county.title}（{county.label}）", table.FIXED_TIME)


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


def report_bytes(county: CountyDocs) -> bytes:
    """清理情况统计 on A4 portrait: the county's sentence, the units × categories table, the charts, then each
    unit's sentence. Dated (its document times) by the newest recorded change of any unit, if any."""
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
    stats = county.stats
    internal = not county.public
    add_text(doc.add_paragraph(), f"{county.name}{stats.total.sentence(risks=internal)}", size=12)
    add_text(doc.add_paragraph(), "一、各单位职权数（按职权类别）", font=HEADING_FONT, size=14)
    matrix = by_category(stats)
    body = [[r.name, *map(str, r.counts), str(r.total)] for r in [*matrix.rows, matrix.total]]
    first = 154 - 14 * (len(matrix.categories) + 1)
    widths = [max(40.0, first), *([14.0] * (len(matrix.categories) + 1))]
    _counts_table(doc, ["单位", *matrix.categories, "合计"], body, widths)
    add_text(doc.add_paragraph(), "二、统计图", font=HEADING_FONT, size=14)
    for chart in county_charts(county):
        _picture(doc, chart)
    add_text(doc.add_paragraph(), "三、各单位清理情况", font=HEADING_FONT, size=14)
    names = {d.unit.id: d.unit.name for d in county.units}
    for u in stats.units:
        paragraph = doc.add_paragraph()
        add_text(paragraph, f"{names[u.unit.id]}：", bold=True, size=12)
        add_text(paragraph, u.counts.sentence(risks=internal), size=12)
    day = max((d for d in (compiled_day(u.unit) for u in county.units) if d), default=None)
    when = (datetime.fromisoformat(day) if day else table.FIXED_TIME).replace(tzinfo=UTC)
    return document_bytes(doc, title, county.name, when)
