"""一表 PDF typeset by powerctl (powerctl.documents.table_pdf) instead of printed from the HTML page."""

from __future__ import annotations

import re
import shutil
import subprocess
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powerctl.documents import table, table_pdf
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs
from powerctl.documents.table import Table
from powerctl.drawing.fonts import print_font
from powerctl.drawing.pdfwrite import Fallback
from powerctl.drawing.truetype import load
from tests.conftest import qpdf_check
from tests.test_table import hidden, internal, make_docs, public  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig is not installed (no print font)"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed"),
]


def _face() -> object:
    path = print_font(table.TABLE_FONT, False)
    if path is None:
        pytest.skip(f"{table.TABLE_FONT} is not installed (fonts-noto-cjk): no print font")
    return load(path)


def _typeset(docs: UnitDocs, tmp_path: Path) -> tuple[Path, str]:
    made = table.tables(docs)
    label = AUDIENCE_ZH[docs.audience]
    path = tmp_path / f"{docs.audience}.pdf"
    table_pdf.write(made, docs.unit.name, label, table.title(docs), path, "")
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return path, text


def test_every_cell_is_on_the_pages_with_the_header_and_page_numbers(internal: UnitDocs, tmp_path: Path) -> None:  # noqa: F811
    _face()
    path, text = _typeset(internal, tmp_path)
    pages = text.split("\f")[:-1]
    flat = re.sub(r"\s+", "", text)
    for made in table.tables(internal):
        assert made.title in flat
        for row in made.body:
            for cell in row:
                assert re.sub(r"\s+", "", cell) in flat, cell
    for number, page in enumerate(pages, 1):
        assert f"第 {number} 页，共 {len(pages)} 页" in page
        assert internal.unit.name in page.splitlines()[0] and "内部版" in page
        # the header, repeated on every page of rows (a page may hold only the sign-off under the last row)
        assert "序号" in page or "职权名称" in page or (number > 1 and "编制单位" in page)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+841\.89 x 595\.28 pts", info) and table.title(internal) in info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all("CID TrueType" in line and line.split()[-5:-2] == ["yes"] * 3 for line in fonts)


def test_the_public_table_holds_nothing_of_other_powers(public: UnitDocs, hidden: list[str], tmp_path: Path) -> None:  # noqa: F811
    _face()
    _, text = _typeset(public, tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert all(re.sub(r"\s+", "", item) not in flat for item in hidden)


def test_lines_break_where_chinese_typesetting_allows() -> None:
    face = _face()
    text = "依据《中华人民共和国行政许可法》第四十二条，（一）受理；（二）审查、决定。编码 431381-CF-0001-0004 见附件"
    for width in (30.0, 45.0, 60.0, 90.0):
        lines = table_pdf._lines(text, face, 9.0, width)  # type: ignore[arg-type]
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert not any(line[0] in "，。、；）》" for line in lines[1:]), lines
        assert not any(line[-1] in "（《" for line in lines), lines
        assert all(table_pdf._advance(face, line, 9.0) <= width for line in lines if len(line) > 1)  # type: ignore[arg-type]
    wide = table_pdf._lines("编码 431381-CF-0001-0004 见附件", face, 9.0, 48.0)  # type: ignore[arg-type]
    assert any(line.endswith("-") for line in wide), wide  # broken after a hyphen, not inside the number


def test_a_row_taller_than_a_page_continues_on_the_next(tmp_path: Path) -> None:
    _face()
    long = "；".join(f"《某某管理条例》第{n}条" for n in range(1, 400))
    made = [Table("t", "测试目录", ("序号", "职权名称", "备注"), (1.0, 3.0, 2.0), (("1", long, "无"), ("2", "短", "")))]
    path = tmp_path / "long.pdf"
    table_pdf.write(made, "测试单位", "内部版", "测试", path, "")
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) >= 3
    flat = re.sub(r"\s+", "", text)
    intact = sum(f"《某某管理条例》第{n}条" in flat for n in range(1, 400))
    assert intact >= 395, intact  # all but the few cut where a page ends (its head and foot come in between)
    assert "《某某管理条例》第1条" in flat and "《某某管理条例》第399条" in flat and "短" in flat


def test_a_character_outside_the_print_font_is_left_to_weasyprint(tmp_path: Path) -> None:
    _face()
    made = [Table("t", "测试目录", ("序号", "职权名称"), (1.0, 3.0), (("1", "浉河区行政许可"),))]
    with pytest.raises(Fallback):
        table_pdf.pdf_bytes(made, "测试单位", "内部版", "测试")
    path = tmp_path / "t.pdf"
    page = "<html><body><p>浉河区行政许可</p></body></html>"
    assert table_pdf.write(made, "测试单位", "内部版", "测试", path, page) == {str(path): "weasyprint"}
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "浉河区行政许可" in text
    qpdf_check(path)


def test_what_the_typesetter_cannot_set_is_printed_instead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """White space other than ASCII's is drawn as it is: ASCII white space collapses, but a character the
    print font lacks (U+2028 in a unit name) sends the page to WeasyPrint."""
    _face()
    made = [Table("t", "测试目录", ("序号", "职权名称"), (1.0, 3.0), (("1", "行政许可"),))]
    path = tmp_path / "t.pdf"
    assert table_pdf.write(made, "测试  单位\n（镇）", "内部版", "测试", path, "") == {str(path): "typeset"}
    printed: list[str] = []
    monkeypatch.setattr(table_pdf, "weasyprint_pdf", lambda page: printed.append(page) or b"%PDF-printed")
    done = table_pdf.write(made, "测试\u2028单位", "内部版", "测试", path, "<html></html>")
    assert printed == ["<html></html>"] and done == {str(path): "weasyprint"} and path.read_bytes() == b"%PDF-printed"


def test_a_long_heading_wraps_and_a_long_word_breaks_anywhere(tmp_path: Path) -> None:
    face = _face()
    title = "某某省某某市某某县某某乡镇人民政府及其所属各站所、办公室、中心联合" * 3 + "行政权力目录"
    made = [Table("t", title, ("序号", "职权名称"), (1.0, 3.0), (("1", "行政许可"),))]
    path = tmp_path / "t.pdf"
    table_pdf.write(made, "测试单位", "内部版", "测试", path, "")
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout
    assert re.sub(r"\s+", "", title) in re.sub(r"\s+", "", text)  # no character cut off at the page's edge
    word = "A1-" * 10 + "x" * 1500
    lines = table_pdf._lines(word, face, 9.0, 40.0)  # type: ignore[arg-type]
    assert "".join(lines) == word and len(lines) > 30
    assert all(table_pdf._advance(face, line, 9.0) <= 40.0 for line in lines)  # type: ignore[arg-type]


def _lines_measured_anew(text: str, face: object, size: float, width: float) -> list[str]:
    """The line breaking `_lines` does, with every trial line measured from its first character (the
    obvious way, quadratic in the length of a cell): the incremental measure must agree with it exactly."""
    lines: list[str] = []
    line = ""
    for atom in table_pdf._atoms(text):
        if atom == " ":
            line += " " if line else ""
            continue
        trial = line + atom
        if table_pdf._advance(face, trial.rstrip(" "), size) <= width or not line.strip():  # type: ignore[arg-type]
            line = trial
        else:
            lines.append(line.rstrip(" "))
            line = atom
        if table_pdf._advance(face, line, size) > width and len(line) > 1:  # type: ignore[arg-type]
            widths = list(accumulate(table_pdf._advance(face, ch, size) for ch in line))  # type: ignore[arg-type]
            start = 0
            while widths[-1] - (widths[start - 1] if start else 0.0) > width and len(line) - start > 1:
                base = widths[start - 1] if start else 0.0
                cut = max(start + 1, bisect_right(widths, base + width))
                lines.append(line[start:cut])
                start = cut
            line = line[start:]
    if line.rstrip(" ") or not lines:
        lines.append(line.rstrip(" "))
    return lines


_PIECES = ["行政许可", "，", "。", "（", "）", "《", "》", "、", " ", "  ", "A1-", "431381", "-CF-", "x", "第四十二条"]


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from(_PIECES), max_size=60), width=st.sampled_from([12.0, 30.0, 47.5, 90.0, 200.0]))
def test_lines_agree_with_measuring_every_line_anew(parts: list[str], width: float) -> None:
    face = _face()
    text = "".join(parts)
    assert table_pdf._lines(text, face, 9.0, width) == _lines_measured_anew(text, face, 9.0, width)  # type: ignore[arg-type]
