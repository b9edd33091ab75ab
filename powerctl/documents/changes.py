"""变更说明 as a Word table and a web page, for the 公开办: what changed in each power, from what to what, why."""

from __future__ import annotations

from datetime import UTC, date, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from markupsafe import escape

from powerctl.documents.basis import BODY_FONT, HEADING_FONT, add_page_number, add_text, document_bytes, set_style
from powerctl.domain.change_notes import ChangeNotes

COLUMNS = ("事项编码", "职权名称", "变更类型", "原内容", "新内容", "变更理由", "变更日期")
WIDTHS_MM = (30, 38, 30, 62, 62, 36, 20)  # A4 landscape: 297 mm less 19.5 mm margins on each side


def title(notes: ChangeNotes) -> str:
    return f"{notes.unit_name}权力清单变更说明"


def _subtitle(notes: ChangeNotes) -> str:
    return f"与 {notes.base} 相比（当前版本 {notes.head or '工作区'}），共 {len(notes.rows)} 处变更"


def _kind(kind: str, field: str) -> str:
    return f"{kind}：{field}" if field else kind


def html(notes: ChangeNotes) -> str:
    """A page that prints on A4 landscape, the same table as the DOCX."""
    head = "".join(f'<th scope="col">{c}</th>' for c in COLUMNS)
    body = []
    for r in notes.rows:
        cells = (r.code, r.name, _kind(r.kind, r.field), r.old, r.new, r.reason or "（未写理由）", r.date)
        body.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    rows = "\n".join(body) or f'<tr><td colspan="{len(COLUMNS)}">没有变更</td></tr>'
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title(notes))}</title>
<style>
@page {{ size: A4 landscape; margin: 15mm 19.5mm; }}
body {{ font-family: "Noto Serif CJK SC", "Source Han Serif SC", SimSun, serif; color: #111; margin: 0 auto;
  max-width: 1200px; padding: 12px; }}
h1 {{ font-family: "Noto Sans CJK SC", SimHei, sans-serif; font-weight: normal; text-align: center; font-size: 22pt; }}
p.sub {{ text-align: center; }}
table {{ border-collapse: collapse; width: 100%; font-size: 10.5pt; }}
th, td {{ border: 1px solid #333; padding: 4px 6px; vertical-align: top; text-align: left; }}
th {{ background: #e8eef7; font-family: "Noto Sans CJK SC", SimHei, sans-serif; font-weight: normal; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
</style>
</head>
<body>
<main>
<h1>{escape(title(notes))}</h1>
<p class="sub">{escape(_subtitle(notes))}</p>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
</main>
</body>
</html>
"""


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def docx_bytes(notes: ChangeNotes) -> bytes:
    """The table on A4 landscape pages, the header repeated on each page: same input, same bytes."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(15)
    section.left_margin = section.right_margin = Mm(19.5)
    set_style(doc, "Normal", BODY_FONT, 10.5).paragraph_format.space_after = Pt(0)
    add_page_number(section)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(heading, title(notes), font=HEADING_FONT, size=18)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.paragraph_format.space_after = Pt(6)
    add_text(sub, _subtitle(notes), size=10.5)
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS_MM, strict=True):
        column.width = Mm(width)  # the grid: LibreOffice lays the table out by it, Word by the cells
    for cell, text, width in zip(table.rows[0].cells, COLUMNS, WIDTHS_MM, strict=True):
        cell.width = Mm(width)
        add_text(cell.paragraphs[0], text, font=HEADING_FONT)
    _repeat_header(table.rows[0])
    for r in notes.rows:
        cells = table.add_row().cells
        values = (r.code, r.name, _kind(r.kind, r.field), r.old, r.new, r.reason or "（未写理由）", r.date)
        for cell, text, width in zip(cells, values, WIDTHS_MM, strict=True):
            cell.width = Mm(width)
            add_text(cell.paragraphs[0], text)
    day = date.fromisoformat(notes.day)
    when = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return document_bytes(doc, title(notes), notes.unit_name, when)
