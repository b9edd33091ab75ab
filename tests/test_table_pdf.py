"""一表 PDF (powerctl.documents.table_pdf): the tables laid out by powerctl and drawn by Pango on cairo, with
columns as wide as their text needs and long rows continued on the next page."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powerctl.catalogue.config import Config
from powerctl.catalogue.model import Unit
from powerctl.documents import colwidths, table, table_pdf
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs, audience_powers
from powerctl.documents.signoff import SignOff
from powerctl.documents.table import Table
from powerctl.laws.registry import builtin
from powerctl.laws.resolve import LawResolver
from tests.conftest import ROOT, qpdf_check
from tests.test_table import hidden, internal, on_the_pages, public  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig is not installed (no CJK font)"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed"),
]

LONG = ROOT / "tests" / "fixtures" / "quanze" / "sf-scjgj.yaml"  # 41 powers, long 责任事项 and 追责情形


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def long_unit() -> Unit:
    from powerctl.check.engine import validate

    units = validate([str(LONG)], Config(root=ROOT)).units
    assert len(units) == 1 and len(units[0].powers) == 41
    return units[0]


def _docs(unit: Unit, audience: str) -> UnitDocs:
    laws = LawResolver([builtin()], None, date(2026, 11, 22))
    return UnitDocs(unit, audience_powers(unit, audience), audience, laws, {})


def _print(docs: UnitDocs, path: Path) -> list[Table]:
    made = table.tables(docs)
    label = AUDIENCE_ZH[docs.audience]
    assert table_pdf.write(made, docs.unit.name, label, table.title(docs), path) == {str(path): "pango"}
    return made


def _pages(path: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return [_flat(page) for page in done.stdout.split("\f")[:-1]]


def _header(made: Table) -> str:
    """The header as the page reads: the top row's headings, then the second row's."""
    return _flat("".join(h.label for h in made.top) + "".join(h.label for h in made.bottom))


def _check_every_cell(docs: UnitDocs, path: Path) -> list[str]:
    """Every page has its running head and its number, every page of rows the header; with those taken off,
    the pages hold every cell of every table (one cut by a page's end: its beginning and its end)."""
    made = _print(docs, path)
    pages = _pages(path)
    label = AUDIENCE_ZH[docs.audience]
    heads = [_header(t) for t in made]
    body = []
    for number, text in enumerate(pages, 1):
        footer = _flat(f"第 {number} 页，共 {len(pages)} 页")
        assert text.endswith(_flat(docs.unit.name) + label + footer), number
        text = text[: -len(_flat(docs.unit.name) + label + footer)]
        header = next((h for h in heads if h in text), None)
        assert header is not None or (number > 1 and text.startswith("编制单位")), number
        body.append(text.replace(header, "", 1) if header else text)
    read = "".join(body)
    cut = 0  # cells a page's end cuts in two: each piece is on its page
    for t in made:
        for row in t.body:
            for cell in row:
                assert on_the_pages(cell, read), (t.sheet, cell)
                cut += _flat(cell) not in read
    assert cut <= (len(pages) - 1) * max(len(t.columns) for t in made)
    return pages


def test_every_cell_is_printed_under_the_header_of_every_page(internal: UnitDocs, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "internal.pdf"
    _check_every_cell(internal, path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841\.8\d* x 595\.2\d* pts", info) and table.title(internal) in info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYiMicroHei" in fonts  # the CJK font fontconfig gives, embedded and subset
    assert all(line.split()[-5:-3] == ["yes", "yes"] for line in fonts.splitlines()[2:])
    qpdf_check(path)


def test_the_public_table_holds_nothing_of_other_powers(
    public: UnitDocs,  # noqa: F811
    hidden: list[str],  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "public.pdf"
    _check_every_cell(public, path)
    flat = "".join(_pages(path))
    assert all(_flat(item) not in flat for item in hidden)
    assert "廉政风险等级目录" not in flat


def _sizes(path: Path, tmp_path: Path) -> set[float]:
    """The size in points of every text the PDF sets: the font size (Tf) times the text matrix's scale (Tm;
    cairo sets fonts at size 1 and scales the matrix)."""
    plain = tmp_path / "plain.pdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(path), str(plain)], check=True)
    data = plain.read_bytes()
    size, sizes = 1.0, set()
    number = rb"(-?[\d.]+)"
    ops = re.finditer(rb"/[\w-]+ " + number + rb" Tf|" + rb" ".join([number] * 6) + rb" Tm", data)
    for op in ops:
        if op.group(1) is not None:
            size = float(op.group(1))
        else:
            a, b = float(op.group(2)), float(op.group(3))
            sizes.add(round(size * (a * a + b * b) ** 0.5, 2))
    return sizes


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_long_catalogue_fits_twelve_pages_at_eight_points(long_unit: Unit, audience: str, tmp_path: Path) -> None:
    """41 powers of a 权责清单 with long 责任事项 (6-8 stages) and 追责情形 (5-8 items): at most 12 A4 landscape
    pages for the catalogue, no text under 8 pt, every cell on the pages, 备注 printed. (The typesetter before
    gave 76 pages: a row that did not fit what was left of a page went whole onto the next.)"""
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed")
    docs = _docs(long_unit, audience)
    path = tmp_path / f"{audience}.pdf"
    pages = _check_every_cell(docs, path)
    catalogue = [p for p in pages if "涉密不宜公开权力目录" not in p and "廉政风险等级目录" not in p]
    assert len(catalogue) <= 12, len(catalogue)
    assert len(pages) == len(catalogue) + (2 if audience == "internal" else 0)
    sizes = _sizes(path, tmp_path)
    assert sizes and min(sizes) >= 8.0, sorted(sizes)
    flat = "".join(pages)
    assert "备注" in flat and "三重一大：重大决策" in flat and "子项，主项：公司设立、变更、注销登记" in flat
    # the columns follow the text: the long ones are the widest, an empty one is narrow
    made = table.tables(docs)[0]
    share = dict(zip(made.columns, table_pdf.widths(made), strict=True))
    assert share["责任事项"] == max(share.values()) and share["追责情形"] > 0.12
    assert share["责任岗位"] < 0.03  # no flows: the column is empty
    qpdf_check(path)


def test_a_time_limit_is_never_broken_inside(long_unit: Unit, tmp_path: Path) -> None:
    """法定时限 and 承诺时限 (45个工作日) break, if at all, between the number and its unit: never 45个工 / 作日 or
    45个 / 工作 / 日 (as they were set in a narrow column), and the column is as wide as 工作日."""
    docs = _docs(long_unit, "internal")
    path = tmp_path / "limits.pdf"
    made = _print(docs, path)
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    limits = [
        row[c]
        for t in made
        for c, name in enumerate(t.columns)
        if name in ("法定时限", "承诺时限")
        for row in t.body
        if re.fullmatch(r"\d+个(工作日|自然日)", row[c])
    ]
    assert len(limits) >= 20, limits
    lines = raw.replace(" ", "").splitlines()
    shown = 0
    for line, after in itertools.pairwise(lines):
        whole = re.fullmatch(r"\d+个(工作日|自然日)", line)
        shown += bool(whole or (re.fullmatch(r"\d+个", line) and after in ("工作日", "自然日")))
        assert not re.search(r"\d个?(工|工作|自|自然)$", line), (line, after)
        assert not (re.search(r"\d个?$", line) and re.match(r"(作|然)?日", after)), (line, after)
    assert shown >= len(limits) / 2, shown


@settings(max_examples=60, deadline=None)
@given(
    text=st.lists(
        st.sampled_from([*"0123456789个工作日自然月小时万元，；一𠮷浉 ", "45个工作日", "\n"]), max_size=40
    ).map("".join),
    width=st.floats(8.0, 80.0),
)
def test_any_cell_breaks_only_between_characters_and_loses_nothing(text: str, width: float) -> None:
    """Whatever the cell holds (numbers, units, characters of four UTF-8 bytes), the pieces kept whole by Pango
    leave every line starting on a character and the lines, cut at any height, give the text back."""
    import io

    setter = table_pdf.Setter(io.BytesIO(), "t")
    made = setter.text(text, width)
    data = text.encode("utf-8")
    for _, _, start in made.lines:
        data[start:].decode("utf-8")  # a line never starts inside a character
    for limit in (0.0, made.height / 2, made.height + 1):
        head, rest = made.cut(limit)
        assert (head + rest).replace("\n", "") == text.replace("\n", "")  # the cut drops a line break only


def test_a_row_taller_than_a_page_continues_on_the_next(tmp_path: Path) -> None:
    long = "；".join(f"《某某管理条例》第{n}条" for n in range(1, 400))
    made = [Table("t", "测试目录", ("序号", "职权名称", "备注"), (1.0, 3.0, 2.0), (("1", long, "无"), ("2", "短", "")))]
    path = tmp_path / "long.pdf"
    table_pdf.write(made, "测试单位", "内部版", "测试", path)
    pages = _pages(path)
    assert len(pages) >= 2
    flat = "".join(pages)
    intact = sum(f"《某某管理条例》第{n}条" in flat for n in range(1, 400))
    assert intact >= 395, intact  # all but the few cut where a page ends (its head and foot come in between)
    assert "《某某管理条例》第1条" in flat and "《某某管理条例》第399条" in flat and "短" in flat


def test_a_row_going_on_over_pages_names_its_power_on_each(tmp_path: Path) -> None:
    """A row cut at a page's end: the next page repeats its 序号 in the row's first cell, and its foot says which
    power the page's first row goes on with, so a reader who turns the page knows whose text it is."""
    basis = "；".join(f"《某某管理条例》第{n}条" for n in range(1, 900))
    made = [
        Table("t", "测试目录", ("序号", "职权名称", "职权依据"), (1.0, 2.0, 3.0), (("7", "测试职权甲", basis),)),
    ]
    path = tmp_path / "go-on.pdf"
    table_pdf.write(made, "测试单位", "内部版", "测试", path)
    pages = _pages(path)
    assert len(pages) >= 2
    assert "续上页" not in pages[0]
    for page in pages[1:]:
        assert "本页首行续上页第7项：测试职权甲" in page, page[-200:]
        assert "职权依据7" in page and "职权依据7测试职权甲" not in page, page[:200]  # the 序号, then the basis


@pytest.mark.parametrize("before", range(36, 46))
def test_a_short_row_is_not_left_with_a_line_or_two_at_a_page_foot(before: int, tmp_path: Path) -> None:
    """A row of up to nine lines goes whole onto the next page rather than leave one or two of its lines at the
    foot of this one (they read as a row of their own): at least a third of it stays, or none. (Its last lines may
    still go over alone: moving those too made the 41-power 权责清单 a page longer.)"""
    stages = "\n".join(f"{k}.第{k}段责任" for k in range(1, 10))
    body = [(str(n), f"职权{n}", "短") for n in range(1, before + 1)]
    body.append((str(before + 1), "九行职权", stages))
    made = [Table("t", "测试目录", ("序号", "职权名称", "责任事项"), (1.0, 3.0, 3.0), tuple(body))]
    path = tmp_path / "short.pdf"
    table_pdf.write(made, "测试单位", "内部版", "测试", path)
    held = [n for n in (sum(f"{k}.第{k}段责任" in page for k in range(1, 10)) for page in _pages(path)) if n]
    assert held[0] >= 3 and sum(held) == 9, (before, held)  # where it starts: a third of it at least


def test_a_character_outside_gb2312_is_printed(tmp_path: Path) -> None:
    """One path for every table: a rare character (浉河, or 𪚥 of extension B that Noto CJK lacks) is set in
    whatever font fontconfig has for it, drawn, not a box."""
    name = "浉河区\U0002a6a5行政许可"
    made = [Table("t", "测试目录", ("序号", "职权名称"), (1.0, 3.0), (("1", name),))]
    path = tmp_path / "t.pdf"
    assert table_pdf.write(made, "测试\u2028单位", "内部版", "测试", path) == {str(path): "pango"}
    assert name in "".join(_pages(path))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "HanaMin" in fonts, fonts  # bootstrap installs fonts-hanazono
    qpdf_check(path)


def test_the_same_tables_give_the_same_bytes_with_no_time_of_the_run(
    internal: UnitDocs,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    made = table.tables(internal)
    a = table_pdf.pdf_bytes(made, internal.unit.name, "内部版", table.title(internal))
    assert a == table_pdf.pdf_bytes(table.tables(internal), internal.unit.name, "内部版", table.title(internal))
    assert re.search(rb"/CreationDate \((?:D:)?20000101000000Z\)", a) and b"/ModDate" not in a
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764979200")  # reproducible builds give the day of the source
    b = table_pdf.pdf_bytes(made, internal.unit.name, "内部版", table.title(internal))
    assert re.search(rb"/CreationDate \((?:D:)?20251206000000Z\)", b)


@pytest.mark.parametrize("rows", [*range(20, 26), *range(44, 51)])  # about where pages end
def test_the_sign_off_is_never_alone_on_a_page(rows: int, tmp_path: Path) -> None:
    """However many rows there are, the page with the sign-off has (the end of) a row above it: the last row,
    or its last lines, go over with it when it does not fit under the table."""
    body = tuple((str(n), f"第{n}项许可", "甲" * 150) for n in range(1, rows + 1))
    signed = Table("t", "测试目录", ("序号", "职权名称", "备注"), (1.0, 3.0, 2.0), body, SignOff("测试单位", None))
    path = tmp_path / "signed.pdf"
    table_pdf.write([signed], "测试单位", "内部版", "测试", path)
    pages = _pages(path)
    at = next(n for n, page in enumerate(pages) if "编制单位" in page)
    assert at == len(pages) - 1
    assert "甲" in pages[at].split("编制单位")[0], (rows, len(pages))
    assert "（单位盖章）" in pages[at]
    assert "".join(pages).count("甲") == 150 * rows
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    seal = re.search(r'yMax="([\d.]+)">（单位盖章）<', boxes)
    assert seal and float(seal.group(1)) < 595.28 - 9 * 72 / 25.4, boxes  # above the bottom margin


def test_a_long_heading_wraps(tmp_path: Path) -> None:
    title = "某某省某某市某某县某某乡镇人民政府及其所属各站所、办公室、中心联合" * 3 + "行政权力目录"
    made = [Table("t", title, ("序号", "职权名称"), (1.0, 3.0), (("1", "行政许可"),))]
    path = tmp_path / "t.pdf"
    table_pdf.write(made, "测试单位", "内部版", "测试", path)
    assert _flat(title) in "".join(_pages(path))  # no character cut off at the page's edge


_TEXT = st.text(alphabet="行政许可处罚，。、（）《》 A1-/x\n", max_size=120)


@settings(max_examples=200, deadline=None)
@given(
    columns=st.lists(st.sampled_from(list(table.DUTY_WIDTHS)), min_size=1, max_size=16, unique=True),
    data=st.data(),
)
def test_widths_share_the_page_and_keep_each_floor(columns: list[str], data: st.DataObject) -> None:
    body = data.draw(st.lists(st.tuples(*(_TEXT for _ in columns)), max_size=8))
    made = Table("t", "测试", tuple(columns), tuple(1.0 for _ in columns), tuple(body))
    shares = table_pdf.widths(made)
    assert len(shares) == len(columns) and abs(sum(shares) - 1) < 1e-9 and all(s > 0 for s in shares)
    if len(columns) > 6:
        return  # the floors alone may take the page
    room = table_pdf.PAGE_MM[0] - 14.0  # the text's width between the side margins, in mm
    for c, share in enumerate(shares):
        words = [colwidths._word(row[c]) for row in body]
        need = max([1.0, *words]) * table_pdf.SIZE / (72 / 25.4)  # no word cut, a character a line at least
        assert share * room >= need - 1e-6, (columns[c], share * room, need)


@pytest.mark.parametrize("repeat", range(58, 70, 2))
def test_a_last_row_under_a_header_that_fills_most_of_the_page_ends(repeat: int, tmp_path: Path) -> None:
    """Headings long enough to leave a page only a line or two under the header: the last row and the sign-off
    are placed (cut where they must), never carried from page to page without end (before: a last row that
    kept one line on a fresh page was moved to the next one, and the next, for ever)."""
    path = tmp_path / "tall.pdf"
    done = subprocess.run(  # in a process of its own, so that a layout that never ends fails instead of hanging
        [sys.executable, "-c", _TALL, str(path), str(repeat)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert path.read_bytes().startswith(b"%PDF")


_TALL = """
import sys
from pathlib import Path
from powerctl.documents import table_pdf
from powerctl.documents.signoff import SignOff
from powerctl.documents.table import Table
columns = tuple(f"第{c}列" + "标题很长" * int(sys.argv[2]) for c in range(16))
body = (tuple("甲乙" * 12 for _ in columns),)
made = [Table("t", "测试目录", columns, (1.0,) * 16, body, SignOff("测试单位", None))]
table_pdf.write(made, "测试单位", "内部版", "测试", Path(sys.argv[1]))
"""
