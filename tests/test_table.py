"""一表 (powerctl.documents.table): the XLSX, HTML and PDF of a unit's 行政权力目录."""

from __future__ import annotations

import dataclasses
import html as htmllib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from powerctl.catalogue.model import Unit
from powerctl.documents import table, table_pdf
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs, audience_powers
from powerctl.documents.rows import columns, rows
from powerctl.laws.registry import builtin
from powerctl.laws.resolve import LawResolver
from tests.conftest import ROOT

CGJ = "lsj-cgj"  # has a 内部公开 power, so its public and internal catalogues differ
HOSTILE = '<script>alert("x")</script>&amp;'


def make_docs(unit: Unit, audience: str) -> UnitDocs:
    laws = LawResolver([builtin()], None, date(2026, 11, 22))
    return UnitDocs(unit, audience_powers(unit, audience), audience, laws, {})


@pytest.fixture(scope="module")
def internal(units: dict[str, Unit]) -> UnitDocs:
    return make_docs(units[CGJ], "internal")


@pytest.fixture(scope="module")
def public(units: dict[str, Unit]) -> UnitDocs:
    return make_docs(units[CGJ], "public")


@pytest.fixture(scope="module")
def hidden(units: dict[str, Unit]) -> list[str]:
    """Text that belongs only to powers a public catalogue must not show: names and risk points."""
    out: list[str] = []
    for p in units[CGJ].powers:
        if p.disclosure.scope != "社会公开":
            out.append(p.name)
            out.extend(r.point for r in p.risks)
    assert out, "the example unit should have a power that is not 社会公开"
    return out


@pytest.fixture(scope="module")
def pdfs(internal: UnitDocs, public: UnitDocs, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for docs in (internal, public):
        path = folder / f"{docs.audience}.pdf"
        assert print_table(docs, path) == "pango"
        out[docs.audience] = path
    return out


def print_table(docs: UnitDocs, path: Path) -> str:
    """The table PDF as the bundle makes it (`table_pdf.write`); the path that made it."""
    made = table.tables(docs)
    label = AUDIENCE_ZH[docs.audience]
    return table_pdf.write(made, docs.unit.name, label, table.title(docs), path)[str(path)]


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot read the PDF's text")
    # -raw keeps the content-stream order, so each cell's wrapped lines stay together.
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", done.stdout)


def on_the_pages(cell: str, text: str) -> bool:
    """Whether a cell is in a PDF's text (white space taken out): whole, or in two pieces where a page's end
    cuts it (the rest of the row continues on the next page, under the header)."""
    whole = re.sub(r"\s+", "", cell)
    return whole in text or any(whole[:k] in text and whole[k:] in text for k in range(1, len(whole)))


def all_cells(path: Path) -> str:
    wb = load_workbook(path)
    return "\n".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )


def all_xml(path: Path) -> str:
    """Every part of the XLSX archive, with XML character references resolved."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(htmllib.unescape(z.read(name).decode("utf-8")) for name in z.namelist())


# -- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_two_level_header_and_print_setup(internal: UnitDocs, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    table.write_xlsx(internal, path)
    wb = load_workbook(path)
    assert wb.sheetnames == [table.SHEET, table.SECRET_SHEET, table.RISK_SHEET]
    ws = wb[table.SHEET]
    assert ws["A1"].value == f"{internal.unit.name}行政权力目录（内部版）"
    merged = {str(r) for r in ws.merged_cells.ranges}
    COLUMNS = columns(internal.shows_duties)  # the example unit has 责任事项: the columns are there
    assert "责任事项" in COLUMNS

    # 办理时限 spans 法定时限 and 承诺时限; every other column is one cell over both header rows.
    top = [ws.cell(row=2, column=c).value for c in range(1, len(COLUMNS) + 1)]
    g = top.index("办理时限") + 1
    assert ws.cell(row=3, column=g).value == "法定时限"
    assert ws.cell(row=3, column=g + 1).value == "承诺时限"
    assert f"{get_column_letter(g)}2:{get_column_letter(g + 1)}2" in merged
    for c, name in enumerate(COLUMNS, start=1):
        if name in ("法定时限", "承诺时限"):
            continue
        cell = ws.cell(row=2, column=c)
        assert cell.value == name
        assert f"{get_column_letter(c)}2:{get_column_letter(c)}3" in merged, name
        assert cell.font.b and cell.border.left.style == "thin"

    # One data row per power of the audience, in the same text as rows(), then the sign-off (3 rows).
    last = 3 + len(internal.powers)
    assert ws.max_row - 3 == len(internal.powers) + 3 and len(internal.powers) == 9
    data = [list(r) for r in ws.iter_rows(min_row=4, max_row=last, values_only=True)]
    expected = [[int(c[0]), *(v or None for v in c[1:])] for c in (r.table_cells(True) for r in rows(internal))]
    assert data == expected

    # Wrapped cells with heights estimated from the text: a row with more text is taller.
    heights = [ws.row_dimensions[r].height for r in range(4, last + 1)]
    assert all(h is not None and h >= 20 for h in heights)
    assert len(set(heights)) > 1
    assert all(ws.cell(row=r, column=5).alignment.wrap_text for r in range(4, last + 1))
    assert ws.cell(row=4, column=3).font.name in ("宋体", "仿宋")

    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows is not None and ws.print_title_rows.replace("$", "") == "2:3"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
    assert int(ws.page_setup.fitToWidth or 0) == 1 and int(ws.page_setup.fitToHeight or 0) == 0
    assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    footer = ws.oddFooter
    assert footer is not None and footer.center.text is not None
    assert "&P" in footer.center.text and "&N" in footer.center.text


def test_xlsx_internal_sheets(internal: UnitDocs, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    table.write_xlsx(internal, path)
    wb = load_workbook(path)
    secret: Worksheet = wb[table.SECRET_SHEET]
    assert [c.value for c in secret[2]] == list(table.SECRET_COLUMNS)
    names = [r[1] for r in secret.iter_rows(min_row=3, values_only=True)]
    assert names == [p.name for p in internal.powers if p.disclosure.scope != "社会公开"]
    assert secret.freeze_panes == "A3"

    risks: Worksheet = wb[table.RISK_SHEET]
    assert [c.value for c in risks[2]] == list(table.RISK_COLUMNS)
    body = list(risks.iter_rows(min_row=3, values_only=True))
    assert len(body) == sum(len(p.risks) for p in internal.powers)
    assert {r[5] for r in body} <= {"高", "中", "低"}
    assert {r[1] for r in body} <= {p.name for p in internal.powers}
    assert all(risks.row_dimensions[r].height for r in range(3, risks.max_row + 1))


def test_xlsx_is_byte_deterministic(internal: UnitDocs, tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    table.write_xlsx(internal, a)
    table.write_xlsx(internal, b)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and str(date.today().year) not in core

    # Another process (another hash seed) writes the same bytes too.
    script = (
        "import sys; from datetime import date; from pathlib import Path\n"
        "from powerctl.catalogue.config import Config; from powerctl.check.engine import validate\n"
        "from powerctl.laws.registry import builtin; from powerctl.laws.resolve import LawResolver\n"
        "from powerctl.documents.context import UnitDocs, audience_powers\n"
        "from powerctl.documents.table import write_xlsx\n"
        f"u = next(u for u in validate(['catalogues'], Config(root=Path('.'))).units if u.id == {CGJ!r})\n"
        "laws = LawResolver([builtin()], None, date(2026, 11, 22))\n"
        "write_xlsx(UnitDocs(u, audience_powers(u, 'internal'), 'internal', laws, {}), Path(sys.argv[1]))\n"
    )
    c = tmp_path / "c.xlsx"
    done = subprocess.run(
        [sys.executable, "-c", script, str(c)],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345", "PYTHONWARNINGS": "error"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert c.read_bytes() == a.read_bytes()


def test_public_xlsx_holds_only_public_powers(public: UnitDocs, hidden: list[str], tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    table.write_xlsx(public, path)
    wb = load_workbook(path)
    assert wb.sheetnames == [table.SHEET]
    ws = wb[table.SHEET]
    assert ws["A1"].value == f"{public.unit.name}行政权力目录（社会公开版）"
    assert ws.max_row - 3 - 3 == len(public.powers) == len(public.unit.powers) - 1  # 3: the sign-off
    cells, xml = all_cells(path), all_xml(path)
    for text in hidden:
        assert text not in cells and text not in xml, text
    assert "内部公开" not in cells


def test_empty_secret_list_gets_a_row_saying_so(units: dict[str, Unit], tmp_path: Path) -> None:
    docs = make_docs(next(u for u in units.values() if u.id != CGJ), "internal")
    assert all(p.disclosure.scope == "社会公开" for p in docs.powers)
    path = tmp_path / "e.xlsx"
    table.write_xlsx(docs, path)
    ws = load_workbook(path)[table.SECRET_SHEET]
    assert ws.max_row == 3 and ws["A3"].value == "无"
    assert '<td class="empty" colspan="6">无</td>' in table.html(docs)


# -- HTML ----------------------------------------------------------------------------------------


def test_html_page(internal: UnitDocs) -> None:
    page = table.html(internal)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    assert "size: A4 landscape" in page and "counter(pages)" in page
    assert "display: table-header-group" in page
    assert '"WenQuanYi Micro Hei"' in page
    # No external resources of any kind.
    for needle in ("http://", "https://", "//cdn", "@import", "url(", "<link", "<script", "src="):
        assert needle not in page, needle
    # The two-level header: 办理时限 over 法定时限 and 承诺时限, other headings over both rows.
    assert re.search(r'<th scope="col" colspan="2">办理时限</th>', page)
    assert '<th scope="col" rowspan="2">职权名称</th>' in page
    assert page.index('<th scope="col">法定时限</th>') < page.index('<th scope="col">承诺时限</th>')
    thead = page[page.index("<thead>") : page.index("</thead>")]
    assert thead.count("<tr>") == 2
    # Three tables for the internal audience, each in its own section (a new printed page).
    assert page.count("<section>") == 3 and "section + section { break-before: page; }" in page
    assert "涉密不宜公开权力目录" in page and "廉政风险等级目录" in page
    first = page[: page.index("</section>")]
    assert first.count("<tr>\n") - 2 == len(internal.powers)
    for row in rows(internal):
        assert htmllib.escape(row.name, quote=False) in first


def test_public_html_holds_only_public_powers(public: UnitDocs, hidden: list[str]) -> None:
    page = table.html(public)
    assert page.count("<section>") == 1 and "社会公开版" in page
    for text in hidden:
        assert text not in page, text


def test_html_is_escaped(public: UnitDocs) -> None:
    first = dataclasses.replace(public.powers[0], name=HOSTILE)
    docs = dataclasses.replace(public, powers=(first, *public.powers[1:]))
    page = table.html(docs)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;amp;" in page


# -- PDF -----------------------------------------------------------------------------------------


def test_pdf_is_deterministic_and_readable(internal: UnitDocs, pdfs: dict[str, Path], tmp_path: Path) -> None:
    data = pdfs["internal"].read_bytes()
    assert data.startswith(b"%PDF")
    again = tmp_path / "again.pdf"
    print_table(internal, again)
    assert again.read_bytes() == data
    # No time of the run in the file.
    assert set(re.findall(rb"/(?:CreationDate|ModDate) ?\(D:(\d{8})", data)) <= {b"20000101"}
    text = pdf_text(pdfs["internal"])
    assert internal.unit.name in text
    for power in internal.powers:
        assert re.sub(r"\s+", "", power.name) in text, power.name
    assert "办理时限" in text and "法定时限" in text and "第1页，共" in text
    assert "涉密不宜公开权力目录" in text and "廉政风险等级目录" in text


def test_public_pdf_holds_only_public_powers(public: UnitDocs, pdfs: dict[str, Path], hidden: list[str]) -> None:
    text = pdf_text(pdfs["public"])
    assert public.unit.name in text and public.powers[0].name in text
    for t in hidden:
        assert re.sub(r"\s+", "", t) not in text, t
    assert "廉政风险等级目录" not in text


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_every_shipped_table_prints_every_row_on_a4_landscape(
    audience: str, units: dict[str, Unit], tmp_path: Path
) -> None:
    """The one path of the table PDF (laid out by powerctl, drawn by Pango on cairo) on every shipped table: A4
    landscape, every row there, the same bytes again."""
    for unit in units.values():
        docs = make_docs(unit, audience)
        made = table.tables(docs)
        path = tmp_path / f"{unit.id}.pdf"
        assert print_table(docs, path) == "pango"
        assert table_pdf.pdf_bytes(made, unit.name, AUDIENCE_ZH[audience], table.title(docs)) == path.read_bytes()
        whole = pdf_text(path)
        for row in (row for t in made for row in t.body):
            for cell in row:
                assert on_the_pages(cell, whole), (unit.id, cell)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info), info
