"""一表's 责任事项 and 追责情形 columns (`table.duties`: auto, on, off) and the sign-off under the catalogue table
(编制单位, 审核人, 编制日期, the seal), in the XLSX, the HTML page and the PDF."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from powerctl.catalogue.model import Unit
from powerctl.documents import table, table_pdf
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs
from powerctl.documents.rows import DUTY_COLUMNS, rows
from powerctl.documents.signoff import BLANK_DATE, SEAL, SignOff, compiled
from powerctl.documents.table import Table
from tests.test_table import CGJ, make_docs, pdf_text, print_table

pytestmark = [
    pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig is not installed (no print font)"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed"),
]

FIRST_DUTY = "1. 受理责任：公示申请条件、材料目录和办理时限"  # XK-001's first 责任事项, as its cell starts


def _docs(units: dict[str, Unit], duties: str, stripped: bool = False) -> UnitDocs:
    docs = dataclasses.replace(make_docs(units[CGJ], "internal"), duties=duties)
    if stripped:  # no power with 责任事项 or 追责情形
        bare = tuple(dataclasses.replace(p, responsibilities=(), accountability=()) for p in docs.powers)
        docs = dataclasses.replace(docs, powers=bare)
    return docs


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(
    ("duties", "stripped", "shown"),
    [("auto", False, True), ("auto", True, False), ("on", True, True), ("off", False, False)],
    ids=["auto-present", "auto-absent", "forced-on", "forced-off"],
)
def test_the_columns_in_every_format(
    units: dict[str, Unit], tmp_path: Path, duties: str, stripped: bool, shown: bool
) -> None:
    docs = _docs(units, duties, stripped)
    assert docs.shows_duties is shown
    made = table.tables(docs)[0]
    assert (made.columns[-4:-2] == DUTY_COLUMNS) is shown and len(made.columns) == 14 + 2 * shown
    assert all(len(row) == len(made.columns) == len(made.widths) for row in made.body)

    path = tmp_path / "t.xlsx"
    table.write_xlsx(docs, path)
    ws = load_workbook(path)[table.SHEET]
    heads = [ws.cell(row=2, column=c).value for c in range(1, ws.max_column + 1)]
    page = table.html(docs)
    first = page[: page.index("</table>")]
    pdf = tmp_path / "t.pdf"
    assert print_table(docs, pdf) == "pango"
    text = pdf_text(pdf)
    for name in DUTY_COLUMNS:
        assert (name in heads) is shown
        assert (f'<th scope="col" rowspan="2">{name}</th>' in first) is shown
        assert (name in text) is shown
    if not shown:
        return
    at = heads.index("责任事项") + 1
    assert heads[at - 1 : at + 2] == ["责任事项", "追责情形", "清理结果"]
    cell = ws.cell(row=4, column=at).value
    if stripped:  # forced on: the columns are there, empty where nothing is written
        assert cell is None and ws.cell(row=4, column=at + 1).value is None
        assert '<td class="l lined"></td>' in first
        return
    power = docs.powers[0]
    assert isinstance(cell, str) and cell.startswith(FIRST_DUTY)
    assert cell.count("\n") == len(power.responsibilities) - 1  # one stage a line, numbered
    assert cell.splitlines()[1].startswith("2. 审查责任：")
    blame = ws.cell(row=4, column=at + 1).value
    assert isinstance(blame, str) and blame.splitlines() == [f"{i}. {a}" for i, a in enumerate(power.accountability, 1)]
    assert ws.cell(row=4, column=at).alignment.wrap_text
    assert f'<td class="l lined">{FIRST_DUTY}' in first and "td.lined { white-space: pre-line; }" in page
    assert _flat(FIRST_DUTY) in text and _flat(f"1. {power.accountability[0]}") in text


def test_the_columns_stay_legible_on_a4_landscape(units: dict[str, Unit], tmp_path: Path) -> None:
    """With the two columns, 行政许可 and the codes' 431381- still on one line of the printed table."""
    docs = _docs(units, "on")
    pdf = tmp_path / "t.pdf"
    assert print_table(docs, pdf) == "pango"
    done = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True)
    lines = done.stdout.split()
    assert "行政许可" in lines and any(line.startswith("431381-") for line in lines)


def test_the_sign_off_in_every_format(units: dict[str, Unit], tmp_path: Path) -> None:
    docs = _docs(units, "auto")
    when = compiled(docs.unit)
    assert when == "2026 年 6 月 10 日"  # the latest change of the example catalogue
    fields = [f"编制单位：{docs.unit.name}", "审核人：", f"编制日期：{when}"]

    path = tmp_path / "t.xlsx"
    table.write_xlsx(docs, path)
    wb = load_workbook(path)
    ws = wb[table.SHEET]
    last = 3 + len(docs.powers)
    below = [v for row in ws.iter_rows(min_row=last + 1, values_only=True) for v in row if v is not None]
    assert below == [fields[0], "审核人：" + "＿" * 10, fields[2], SEAL]
    assert ws.row_dimensions[last + 3].height >= 60  # room for the seal
    for other in wb.worksheets[1:]:  # only the catalogue is signed
        assert not any("编制单位" in str(v) for row in other.iter_rows(values_only=True) for v in row if v)

    page = table.html(docs)
    assert page.count('<div class="signoff">') == 1
    sign = page.index('<div class="signoff">')
    assert page.index("</table>") < sign < page.index("<section>", page.index("<section>") + 1)
    block = page[sign : page.index("</div>", sign)]
    for field in fields:
        assert field in block
    assert '<span class="blank"></span>' in block and SEAL in block
    assert ".signoff { break-inside: avoid;" in page

    pdf = tmp_path / "t.pdf"
    assert print_table(docs, pdf) == "pango"
    pages = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True)
    texts = [_flat(t) for t in pages.stdout.split("\f")[:-1]]
    signed = [i for i, t in enumerate(texts) if "编制单位" in t]
    assert len(signed) == 1
    here = texts[signed[0]]
    assert all(_flat(f) in here for f in fields) and SEAL in here
    # on the catalogue's last page (its last row there or on the page before), before the 涉密 list
    assert "涉密不宜公开权力目录" in texts[signed[0] + 1] and "涉密不宜公开权力目录" not in here
    assert _flat(rows(docs)[-1].name) in here + texts[signed[0] - 1]


def test_no_recorded_change_leaves_the_date_to_fill_in(units: dict[str, Unit], tmp_path: Path) -> None:
    unit = dataclasses.replace(units[CGJ], changes=())
    assert compiled(unit) is None
    docs = make_docs(unit, "public")
    made = table.tables(docs)[0]
    assert made.signoff == SignOff(unit.name, None)
    assert dict(made.signoff.fields)["编制日期"] == BLANK_DATE == "　　　　年　　月　　日"
    path = tmp_path / "t.xlsx"
    table.write_xlsx(docs, path)
    cells = [v for row in load_workbook(path)[table.SHEET].iter_rows(values_only=True) for v in row]
    assert f"编制日期：{BLANK_DATE}" in cells
    assert f"编制日期：{BLANK_DATE}" in table.html(docs)


def _signed_table(n: int, signoff: SignOff) -> Table:
    body = tuple((str(i), "临时占用、挖掘城市道路许可" * 2, "保留") for i in range(1, n + 1))
    return Table("t", "测试目录", ("序号", "职权名称", "清理结果"), (1.0, 3.0, 1.0), body, signoff)


def test_the_sign_off_is_never_split_and_never_alone_on_a_page(tmp_path: Path) -> None:
    """Rows added one at a time: while the sign-off fits under the last row it is on that page; once it does
    not, the last row goes over with it (under the header again), both of its lines."""
    signoff = SignOff("冷水江市城市管理局", None)
    for n in range(1, 60):
        path = tmp_path / f"{n}.pdf"
        path.write_bytes(table_pdf.pdf_bytes([_signed_table(n, signoff)], "单位", "内部版", "测试目录"))
        done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
        pages = [_flat(t) for t in done.stdout.split("\f")[:-1]]
        if len(pages) == 1:
            assert "编制单位" in pages[0] and SEAL in pages[0]
            continue
        assert len(pages) == 2
        assert "编制单位" in pages[1] and SEAL in pages[1] and "编制单位" not in pages[0]
        assert "职权名称" in pages[1] and f"{n}临时占用" in pages[1]  # the last row, under the header
        assert f"{n - 1}临时占用" in pages[0] and f"{n}临时占用" not in pages[0]  # every other row stays
        break
    else:
        pytest.fail("the rows never filled the page")


def test_the_pdf_with_the_columns_is_reproducible(units: dict[str, Unit], tmp_path: Path) -> None:
    docs = _docs(units, "on", stripped=True)
    made = table.tables(docs)
    label = AUDIENCE_ZH[docs.audience]
    a = table_pdf.pdf_bytes(made, docs.unit.name, label, table.title(docs))
    assert a == table_pdf.pdf_bytes(table.tables(docs), docs.unit.name, label, table.title(docs))
    assert table.xlsx_bytes(docs) == table.xlsx_bytes(docs)


def test_the_bundle_takes_the_switch_from_its_request(units: dict[str, Unit], tmp_path: Path) -> None:
    from powerctl.bundle import build, rebuild
    from powerctl.catalogue.config import Config
    from powerctl.laws.registry import builtin
    from powerctl.laws.resolve import LawResolver

    laws = LawResolver([builtin()], None, date(2026, 11, 22))
    request = build.Request(units[CGJ], tmp_path, "internal", laws, table.TABLE_FONT, duties="off")
    stage = tmp_path / "stage"
    stage.mkdir()
    run = build._Build(request, None, stage, build._Reuse(None, None, stage))  # type: ignore[arg-type]
    run.prepare()
    assert run.made.duties == "off" and not run.made.shows_duties
    assert build.compiled is compiled  # the cover of 全部流程图.pdf has the same 编制日期
    # The switch is in the config's text, which is in every unit's key: changing it rebuilds the bundle.
    plain = Config(root=tmp_path, text="")
    switched = Config(root=tmp_path, text="table: {duties: off}\n", duties="off")
    assert rebuild.toolchain(plain, laws, "drawing") != rebuild.toolchain(switched, laws, "drawing")


def test_a_long_unit_name_wraps_inside_its_third(tmp_path: Path) -> None:
    name = "湖南省娄底市冷水江市某某镇某某村村民委员会某某专业合作社联合社管理委员会"
    path = tmp_path / "long.pdf"
    path.write_bytes(table_pdf.pdf_bytes([_signed_table(1, SignOff(name, None))], "单位", "内部版", "测试目录"))
    done = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', done.stdout)
    mm = 72 / 25.4
    side = table_pdf._MARGINS_MM[1] + table_pdf._MARGINS_MM[3]
    third = (table_pdf._MARGINS_MM[3] + (table_pdf.PAGE_MM[0] - side) / 3) * mm
    mine = [(float(a), float(b)) for a, b, w in words if "某某" in w or "编制单位" in w]
    assert len(mine) >= 2  # on two lines at least
    assert all(right <= third + 0.5 for _, right in mine)
    assert "".join(w for _, _, w in words).find(name[:10]) >= 0
