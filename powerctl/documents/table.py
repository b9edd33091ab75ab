"""一表: a unit's 行政权力目录 (internally also the 涉密不宜公开 and 廉政风险 lists) as XLSX, HTML and PDF,
all made from the same ``Table`` records, so that every format shows the same rows under the same header."""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from powerctl.catalogue.config import DEFAULT_FONT
from powerctl.documents import archive, colwidths
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs, environment
from powerctl.documents.rows import DUTY_COLUMNS, Row, columns, rows
from powerctl.documents.signoff import SignOff, sign_off
from powerctl.domain.stats import risk_catalogue
from powerctl.source.cells import put
from powerctl.text.cjk import wrap

SHEET = "行政权力目录"
SECRET_SHEET = "涉密不宜公开权力目录"
RISK_SHEET = "廉政风险等级目录"
TEMPLATE = "documents/table.html.j2"
PUBLIC_SCOPE = "社会公开"

# Columns shown under one heading in a two-level header.
GROUPS = {"法定时限": "办理时限", "承诺时限": "办理时限"}

# Widths in Excel character units (a CJK character takes about two); HTML uses them as proportions.
WIDTHS: dict[str, float] = {
    "序号": 5.5,
    "事项编码": 9,
    "职权名称": 14,
    "职权类别": 9,
    "职权来源依据": 27,
    "实施主体": 11,
    "承办机构": 9,
    "责任岗位": 17,
    "法定时限": 11.5,
    "承诺时限": 11.5,
    "收费依据及标准": 17,
    "公开范围/形式/时限": 13,
    "清理结果": 6,
    "备注": 9,
}
# With 责任事项 and 追责情形 (the longest cells) the other columns give up room: a four-character heading,
# 行政许可 or 431381- still on one line of A4 landscape, and rows about as tall in every long column.
DUTY_WIDTHS: dict[str, float] = {
    "序号": 5.2,
    "事项编码": 9,
    "职权名称": 9,
    "职权类别": 9,
    "职权来源依据": 12.5,
    "实施主体": 6.8,
    "承办机构": 6.8,
    "责任岗位": 10.6,
    "法定时限": 9,
    "承诺时限": 9,
    "收费依据及标准": 14.5,
    "公开范围/形式/时限": 9,
    "责任事项": 27,
    "追责情形": 21,
    "清理结果": 5.2,
    "备注": 6.8,
}
# Columns whose line breaks are kept (one item a line); other cells' white space is one space, as in HTML.
LINED = frozenset(DUTY_COLUMNS)
CENTRED = frozenset({"序号", "事项编码", "职权类别", "法定时限", "承诺时限", "清理结果", "风险等级", "公开范围"})

SECRET_COLUMNS = ("序号", "职权名称", "职权类别", "公开范围", "不公开理由", "不公开依据")
SECRET_WIDTHS: dict[str, float] = {
    "序号": 5.5,
    "职权名称": 30,
    "职权类别": 12,
    "公开范围": 10,
    "不公开理由": 50,
    "不公开依据": 40,
}

RISK_COLUMNS = ("序号", "职权名称", "职权类别", "职权依据", "风险点", "风险等级", "防控措施", "责任岗位")
RISK_WIDTHS: dict[str, float] = {
    "序号": 5.5,
    "职权名称": 20,
    "职权类别": 9,
    "职权依据": 32,
    "风险点": 30,
    "风险等级": 9,
    "防控措施": 42,
    "责任岗位": 16,
}

FONT = "宋体"
FIXED_TIME = datetime(2000, 1, 1)
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")
_LINE_PT = 13.5  # height of one line of 10pt text in a row, in points
_SHEET_UNITS = 132.0  # the printed sheet's width in Excel's units (A4 landscape between margins of 0.4")
_UNIT_PT = 5.25  # Excel's unit: the default font's digit (Calibri 11: 7 px at 96 dpi)
_CELL_PAD_PT = 2 * 72 / 25.4  # a cell's text keeps about 1 mm from each side
_PAD_PT = 6.0


@dataclass(frozen=True)
class HeaderCell:
    label: str
    column: int  # first column, 0-based
    rowspan: int
    colspan: int


@dataclass(frozen=True)
class Table:
    """One table of the document: its heading, columns, widths and body text (identical in every format)."""

    sheet: str  # worksheet name
    title: str  # heading above the table
    columns: tuple[str, ...]
    widths: tuple[float, ...]
    body: tuple[tuple[str, ...], ...]
    signoff: SignOff | None = None  # signed under the table when printed

    @property
    def header_rows(self) -> int:
        return 2 if any(c in GROUPS for c in self.columns) else 1

    @property
    def top(self) -> list[HeaderCell]:
        return header(self.columns)[0]

    @property
    def bottom(self) -> list[HeaderCell]:
        return header(self.columns)[1]

    @property
    def percents(self) -> list[str]:
        total = sum(self.widths)
        return [f"{100 * w / total:.2f}%" for w in self.widths]

    @property
    def aligns(self) -> list[str]:
        return ["c" if c in CENTRED else "l" for c in self.columns]

    @property
    def lined(self) -> list[bool]:
        """Per column: whether a line break in a cell starts a new line."""
        return [c in LINED for c in self.columns]


def header(columns: Sequence[str]) -> tuple[list[HeaderCell], list[HeaderCell]]:
    """The two header rows: grouped columns get a spanning heading over their own; others span both rows."""
    depth = 2 if any(c in GROUPS for c in columns) else 1
    top: list[HeaderCell] = []
    bottom: list[HeaderCell] = []
    i = 0
    while i < len(columns):
        group = GROUPS.get(columns[i])
        if group is None:
            top.append(HeaderCell(columns[i], i, depth, 1))
            i += 1
            continue
        j = i
        while j < len(columns) and GROUPS.get(columns[j]) == group:
            j += 1
        top.append(HeaderCell(group, i, 1, j - i))
        bottom.extend(HeaderCell(columns[k], k, 1, 1) for k in range(i, j))
        i = j
    return top, bottom


def catalogue_table(docs: UnitDocs, made: Sequence[Row] | None = None) -> Table:
    """The 行政权力目录 with its sign-off; `made`: the documents' rows, if already made."""
    duties = docs.shows_duties
    heads = columns(duties)
    widths = DUTY_WIDTHS if duties else WIDTHS
    return Table(
        SHEET,
        f"{docs.unit.name}行政权力目录",
        heads,
        tuple(widths.get(c, 10) for c in heads),
        tuple(tuple(r.table_cells(duties)) for r in (rows(docs) if made is None else made)),
        sign_off(docs.unit),
    )


def tables(docs: UnitDocs) -> list[Table]:
    """The catalogue table; for the internal audience also the 涉密不宜公开权力目录 and the 廉政风险等级目录."""
    unit = docs.unit
    out = [catalogue_table(docs)]
    if docs.public:
        return out
    secret: list[tuple[str, ...]] = []
    for power in docs.powers:
        if power.disclosure.scope == PUBLIC_SCOPE:
            continue
        sec = power.secrecy
        reason = sec.reason if sec is not None and sec.reason else "（未写理由）"
        basis = sec.basis.text if sec is not None and sec.basis is not None else "（未写依据）"
        secret.append((str(len(secret) + 1), power.name, power.category, power.disclosure.scope, reason, basis))
    out.append(
        Table(
            SECRET_SHEET,
            f"{unit.name}涉密不宜公开权力目录",
            SECRET_COLUMNS,
            tuple(SECRET_WIDTHS[c] for c in SECRET_COLUMNS),
            tuple(secret),
        )
    )
    names = {p.name for p in docs.powers}
    risks = [r for r in risk_catalogue([unit]) if r.power in names]
    out.append(
        Table(
            RISK_SHEET,
            f"{unit.name}廉政风险等级目录",
            RISK_COLUMNS,
            tuple(RISK_WIDTHS[c] for c in RISK_COLUMNS),
            tuple(
                (str(i), r.power, r.category, r.basis, r.point, r.level, r.measures, r.owner)
                for i, r in enumerate(risks, start=1)
            ),
        )
    )
    return out


# -- XLSX ----------------------------------------------------------------------------------------


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` of Excel's units (`_UNIT_PT`) at 10 pt (a CJK
    character two half-width ones); each line break starts a line."""
    room = max(2, int((width * _UNIT_PT - _CELL_PAD_PT) / 5.0))  # half-width characters of 10 pt (5 pt)
    return sum(len(wrap(line, room)) if line else 1 for line in text.split("\n"))


def _height(lines: int) -> float:
    return max(20.0, lines * _LINE_PT + _PAD_PT)


def sheet_widths(table: Table) -> list[float]:
    """The columns' widths in Excel's units, shared by the text (`colwidths`) so that the long columns are wide
    and A4 landscape holds the table at 10 pt: at Excel's and WPS's unit (7 px, 5.25 pt) the sheet fits the page
    unscaled; LibreOffice's unit is wider (7 pt where DejaVu Sans stands for Calibri) and fits the width at
    about 0.85 (text of 8.5 pt). Rows are as tall as their lines at these widths (`_lines`)."""
    room_mm = _SHEET_UNITS * _UNIT_PT * 25.4 / 72
    return [share * _SHEET_UNITS for share in colwidths.widths(table, room_mm, 10.0, _CELL_PAD_PT / 2 * 25.4 / 72)]


def write_sheet(ws: Worksheet, table: Table, label: str) -> None:
    ncols = len(table.columns)
    widths = sheet_widths(table)
    depth = table.header_rows
    title = put(ws, 1, 1, f"{table.title}（{label}）")
    title.font = Font(name=FONT, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 32

    head_font = Font(name=FONT, size=10, bold=True)
    head_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    top, bottom = header(table.columns)
    need = [0.0, 0.0]  # height each header row needs for its own one-row cells
    spanning: list[float] = []  # heights needed by cells that span both rows
    for level, cells in enumerate((top, bottom)):
        for h in cells:
            row = 2 + level
            put(ws, row, h.column + 1, h.label)
            width = sum(widths[h.column : h.column + h.colspan])
            height = _height(_lines(h.label, width))
            if h.rowspan > 1 or h.colspan > 1:
                ws.merge_cells(
                    start_row=row,
                    start_column=h.column + 1,
                    end_row=row + h.rowspan - 1,
                    end_column=h.column + h.colspan,
                )
            if h.rowspan > 1:
                spanning.append(height)
            else:
                need[level] = max(need[level], height)
    for head_row in ws.iter_rows(min_row=2, max_row=1 + depth, max_col=ncols):
        for cell in head_row:
            cell.font = head_font
            cell.alignment = head_align
            cell.fill = _HEAD_FILL
            cell.border = _BORDER
    heights = [max(18.0, n) for n in need[:depth]]
    lacking = max([0.0, *spanning]) - sum(heights)
    for level in range(depth):
        ws.row_dimensions[2 + level].height = heights[level] + max(0.0, lacking) / depth

    body_font = Font(name=FONT, size=10)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    aligns = [centre if a == "c" else left for a in table.aligns]
    first = 2 + depth
    body = table.body or (("无", *([""] * (ncols - 1))),)
    # Setting font, alignment and border on each cell hashes every style object again (most of the time
    # spent on a large table): style one cell per column, and give the column's other cells its style.
    styled: dict[int, Any] = {}
    for r, values in enumerate(body, start=first):
        lines = 1
        for c, text in enumerate(values, start=1):
            value: str | int = int(text) if table.columns[c - 1] == "序号" and text.isdigit() else text
            cell = put(ws, r, c, value)
            target: Any = cell  # openpyxl's stubs do not declare _style
            if c in styled:
                target._style = copy(styled[c])
            else:
                cell.font = body_font
                cell.alignment = aligns[c - 1]
                cell.border = _BORDER
                styled[c] = target._style
            lines = max(lines, _lines(text, widths[c - 1]))
        # openpyxl does not size rows to their wrapped text: estimate the lines from the column widths.
        ws.row_dimensions[r].height = _height(lines)
    if not table.body:
        ws.merge_cells(start_row=first, start_column=1, end_row=first, end_column=ncols)
        ws.cell(row=first, column=1).alignment = centre
    if table.signoff is not None:
        _write_signoff(ws, table.signoff, widths, first + len(body))

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = f"A{first}"
    ws.print_title_rows = f"2:{1 + depth}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.page_margins.footer = 0.3
    footer = ws.oddFooter
    assert footer is not None
    footer.center.text = "第 &P 页，共 &N 页"
    footer.center.size = 10  # 8.4 pt where LibreOffice shrinks the sheet to its width
    footer.center.font = f"{FONT},Regular"


def thirds(widths: Sequence[float]) -> list[tuple[int, int]]:
    """The columns split into three runs of about equal width, as (first, last) 0-based: where the sign-off's
    three fields go."""
    total, run = sum(widths), 0.0
    cuts: list[int] = []
    for i, w in enumerate(widths):
        run += w
        if len(cuts) < 2 and run >= total * (len(cuts) + 1) / 3:
            cuts.append(i + 1)
    edges = [0, *cuts, len(widths)]
    return [(a, b - 1) for a, b in pairwise(edges) if b > a]


_BLANK = "＿" * 10  # the line 审核人 signs on, in a cell


def _write_signoff(ws: Worksheet, signoff: SignOff, widths: Sequence[float], row: int) -> None:
    """编制单位, 审核人 and 编制日期 a row below the table, each over a third of its width; under 编制单位 the
    place of the seal, a tall row."""
    font = Font(name=FONT, size=11)
    ws.row_dimensions[row].height = 12  # the gap under the table
    line, seal = row + 1, row + 2
    runs = thirds(widths)
    for (label, value), (a, b) in zip(signoff.fields, runs, strict=False):
        cell = put(ws, line, a + 1, f"{label}：{value or _BLANK}")
        cell.font = font
        cell.alignment = Alignment(horizontal="left", vertical="center")
        if b > a:
            ws.merge_cells(start_row=line, start_column=a + 1, end_row=line, end_column=b + 1)
    ws.row_dimensions[line].height = 24
    a, b = runs[0]
    cell = put(ws, seal, a + 1, signoff.seal)
    cell.font = font
    cell.alignment = Alignment(horizontal="left", vertical="top")
    if b > a:
        ws.merge_cells(start_row=seal, start_column=a + 1, end_row=seal, end_column=b + 1)
    ws.row_dimensions[seal].height = 64  # room for the seal (about 4 cm across, stamped over the name)


def xlsx_bytes(docs: UnitDocs) -> bytes:
    """The workbook as bytes; the same documents give the same bytes."""
    wb = Workbook()
    label = AUDIENCE_ZH[docs.audience]
    for i, table in enumerate(tables(docs)):
        ws = wb.active if i == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = table.sheet
        write_sheet(ws, table, label)
    return archive.workbook_bytes(wb, f"{docs.unit.name}行政权力目录（{label}）", FIXED_TIME)


def write_xlsx(docs: UnitDocs, path: Path) -> None:
    path.write_bytes(xlsx_bytes(docs))


# -- HTML and PDF --------------------------------------------------------------------------------


TABLE_FONT = DEFAULT_FONT
FAMILIES = f'"{TABLE_FONT}", "Noto Sans CJK SC", sans-serif'  # the page's fonts, first choice first


def title(docs: UnitDocs) -> str:
    return f"{docs.unit.name}行政权力目录（{AUDIENCE_ZH[docs.audience]}）"


def html(docs: UnitDocs, made: Sequence[Table] | None = None) -> str:
    """A standalone, print-ready page (A4 landscape, header repeated on every page, no external resources);
    `made`: the tables, if already made."""
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            unit=docs.unit,
            label=AUDIENCE_ZH[docs.audience],
            title=title(docs),
            tables=tables(docs) if made is None else made,
            families=FAMILIES,
        )
    )
