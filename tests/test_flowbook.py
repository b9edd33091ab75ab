"""全部流程图.pdf (powerctl.documents.flowbook): a cover and the contents drawn by Pango on cairo, then the charts'
own PDFs joined as they are (pikepdf), on one paper; the same charts give the same bytes."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerctl.documents import flowbook
from powerctl.drawing.paths import DrawError, RenderError
from powerctl.drawing.pool import Job, Renderer
from powerctl.drawing.sheet import paper_size
from tests.conftest import needs_libgvc, qpdf_check
from tests.test_drawing_paths import RARE, _rare_sheet
from tests.test_render_engine import _sheets

FONT = "WenQuanYi Micro Hei"
PAPERS = {"A4竖": ("A4", False), "A4横": ("A4", True), "A3竖": ("A3", False), "A3横": ("A3", True)}


def _chart_pdf(paper: str, pages: int, mark: str) -> bytes:
    """A stand-in chart: `pages` pages of `paper` (A4竖 …), each saying `mark` and its page (cairo)."""
    import cairocffi  # type: ignore[import-untyped]

    out = io.BytesIO()
    width, height = paper_size(*PAPERS[paper])
    surface = cairocffi.PDFSurface(out, width, height)
    context = cairocffi.Context(surface)
    for page in range(1, pages + 1):
        context.move_to(72, 72)
        context.set_font_size(12)
        context.show_text(f"{mark}P{page}")
        context.show_page()
    surface.finish()
    return out.getvalue()


def _pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _sizes(path: Path) -> list[tuple[int, int]]:
    info = subprocess.run(["pdfinfo", "-l", "-1", str(path)], capture_output=True, text=True, check=True).stdout
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+)", info)]


_ROW = re.compile(r"^\s*(\d+)\s+\S.*?\s(A[34][竖横])\s+(\d+)\s*$", re.M)


def _check(path: Path, charts: list[tuple[str, int]]) -> None:
    """Every chart listed once, in order, with its paper, at the page where its first page is; every page of
    every chart in the book after the front pages; one paper throughout."""
    pages = _pages(path)
    front = next(n for n, page in enumerate(pages) if "C0P1" in page)
    rows = [row for page in pages[1:front] for row in _ROW.findall(page)]
    assert [int(n) for n, _, _ in rows] == list(range(1, len(charts) + 1))
    assert [paper for _, paper, _ in rows] == [paper for paper, _ in charts]
    at = front
    for k, ((_, count), (_, _, listed)) in enumerate(zip(charts, rows, strict=True)):
        assert int(listed) == at + 1, (k, listed, at + 1)
        for page in range(1, count + 1):
            assert f"C{k}P{page}" in pages[at], (k, page)
            at += 1
    assert at == len(pages)
    for page in pages[1:front]:  # the header row on every contents page
        assert "序号" in page and "职权名称" in page and "原图纸张" in page and "页码" in page
    big = any(paper.startswith("A3") for paper, _ in charts)
    assert {tuple(sorted(size)) for size in _sizes(path)} == {(842, 1191) if big else (595, 842)}


def _write(tmp_path: Path, charts: list[tuple[str, int]], titles: list[str], unit: str = "某局") -> Path:
    files = []
    for k, (paper, count) in enumerate(charts):
        file = tmp_path / f"c{k}.pdf"
        file.write_bytes(_chart_pdf(paper, count, f"C{k}"))
        files.append((titles[k], file))
    target = tmp_path / "book.pdf"
    assert flowbook.write(files, unit, "2026 年 3 月 2 日", FONT, target) == {str(target): "pango"}
    return target


def test_long_contents_go_over_pages_with_the_header_and_the_right_page_numbers(tmp_path: Path) -> None:
    charts = [(("A4竖", "A4横")[k % 2], 1 + k % 3) for k in range(70)]
    titles = [f"行政处罚：{'对违反规定擅自从事经营活动的处罚' * (1 + k % 5)}{RARE[k % 30]}" for k in range(70)]
    path = _write(tmp_path, charts, titles, unit=f"浉河区{RARE[-3:]}市场监督管理局")
    _check(path, charts)
    pages = _pages(path)
    assert pages[0].count("浉河区") == 1 and "权力运行流程图" in pages[0] and "共 70 项职权的运行流程图" in pages[0]
    assert "编制日期：2026 年 3 月 2 日" in pages[0]
    contents = [n for n, page in enumerate(pages) if re.search(r"目\s+录", page)]
    assert len(contents) >= 3 and contents == list(range(1, 1 + len(contents)))
    assert all("（续）" in pages[n] for n in contents[1:])
    # Long titles wrap inside their column, nothing cut: every character of every title is in the text.
    plain = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s", "", plain)
    for title in titles:
        assert title in flat, title
    assert f"浉河区{RARE[-3:]}市场监督管理局" in flat  # extension B in the unit's name, found by pdftotext
    qpdf_check(path)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    charts=st.lists(st.tuples(st.sampled_from(sorted(PAPERS)), st.integers(1, 3)), min_size=1, max_size=45),
    length=st.integers(1, 60),
)
def test_every_chart_is_listed_at_its_page_on_one_paper(
    tmp_path: Path, charts: list[tuple[str, int]], length: int
) -> None:
    folder = tmp_path / f"b{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    titles = [f"行政检查：{'检' * ((length * (k + 1)) % 97 + 1)}" for k in range(len(charts))]
    _check(_write(folder, charts, titles), charts)


def test_the_same_charts_give_the_same_bytes_dated_by_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    charts = [("A4竖", 1), ("A4横", 2)]
    pdfs = [("甲", _chart_pdf(p, n, f"C{k}")) for k, (p, n) in enumerate(charts)]
    first = flowbook.book(pdfs, "某局", None, FONT)
    assert first == flowbook.book(pdfs, "某局", None, FONT)
    assert re.search(rb"/CreationDate \((?:D:)?20000101000000Z\)", first)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764979200")
    assert re.search(rb"/CreationDate \((?:D:)?20251206000000Z\)", flowbook.book(pdfs, "某局", None, FONT))


def test_a_chart_on_another_paper_or_damaged_is_named(tmp_path: Path) -> None:
    import cairocffi

    out = io.BytesIO()
    surface = cairocffi.PDFSurface(out, 500, 500)
    cairocffi.Context(surface).show_page()
    surface.finish()
    with pytest.raises(DrawError, match="流程图「行政许可：甲」的 PDF 纸张不是 A4 或 A3（500×500 磅）"):
        flowbook.book([("行政许可：甲", out.getvalue())], "某局", None, FONT)
    with pytest.raises(DrawError, match="流程图「乙」的 PDF 无法读取"):
        flowbook.book([("乙", b"%PDF-1.5\nnot a pdf")], "某局", None, FONT)


@needs_libgvc
def test_the_book_of_drawn_charts_has_every_page_and_rare_characters(tmp_path: Path) -> None:
    sheet = _rare_sheet()
    with Renderer(1) as renderer:
        renderer.draw([Job(sheet, tmp_path / name) for name in ("a", "b")], ("pdf",))
        charts = [(sheet.title, tmp_path / f"{name}.pdf") for name in ("a", "b")]
        renderer.submit(flowbook.write, charts, f"单位{RARE}", "2026-01-01", sheet.font, tmp_path / "all.pdf").wait()
    qpdf_check(tmp_path / "all.pdf")
    assert len(_sizes(tmp_path / "all.pdf")) == 4  # cover, contents, two charts
    front = subprocess.run(["pdftotext", "-l", "2", str(tmp_path / "all.pdf"), "-"], capture_output=True, text=True)
    flat = re.sub(r"\s", "", front.stdout)
    assert f"单位{RARE}" in flat and f"行政许可：{RARE}" in flat  # the cover and the contents, extension B too


@needs_libgvc
def test_a_book_with_a4_charts_on_a3_is_the_same_every_run(tmp_path: Path) -> None:
    """An A4 chart in a book on A3 is placed √2 larger under a fixed name (pikepdf's overlay would pick a
    random one): the same bytes every run, in a worker or here, every page A3."""
    small = _rare_sheet()
    sheets = [small, *sorted(_sheets(), key=lambda flow: -len(flow.chart))[:2]]  # the largest on A3
    charts = [(flow.title, tmp_path / f"c{n}.pdf") for n, flow in enumerate(sheets)]
    with Renderer(2) as renderer:
        renderer.draw([Job(flow, tmp_path / f"c{n}") for n, flow in enumerate(sheets)], ("svg", "pdf"))
        renderer.submit(flowbook.write, charts, "某局", None, small.font, tmp_path / "a.pdf").wait()
    flowbook.write(charts, "某局", None, small.font, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    qpdf_check(tmp_path / "a.pdf")
    assert set(_sizes(tmp_path / "a.pdf")) <= {(842, 1191), (1191, 842)}  # A3 only, the small chart enlarged
    text = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True).stdout
    assert RARE[:10] in text.replace("\n", "")


@needs_libgvc
def test_a_damaged_chart_pdf_fails_the_book_with_its_name_not_a_traceback(tmp_path: Path) -> None:
    sheet = _rare_sheet()
    with Renderer(1) as renderer:
        renderer.draw([Job(sheet, tmp_path / "c0")], ("svg", "pdf"))
        (tmp_path / "c0.pdf").write_bytes(b"%PDF-1.5\nnot a pdf")
        book = (flowbook.write, [(sheet.title, tmp_path / "c0.pdf")], "某局", None, sheet.font, tmp_path / "all.pdf")
        with pytest.raises(RenderError, match=r"全部流程图.pdf 生成失败：\n流程图「行政许可：.*」的 PDF 无法读取"):
            renderer.submit(*book, what="全部流程图.pdf 生成失败").wait()
    assert not (tmp_path / "all.pdf").exists()
