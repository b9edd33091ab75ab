"""The drawing engine: Graphviz in-process with heap-independent ids, librsvg for PNG/PDF, the process fallback."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from powerctl.catalogue.config import Config
from powerctl.check.engine import validate
from powerctl.documents import flowbook
from powerctl.documents.flowchart import DrawOptions, flow_dot, flow_sheet
from powerctl.drawing import sheet
from powerctl.drawing.paths import RenderError
from powerctl.drawing.pool import Job, Renderer
from powerctl.drawing.sheet import FlowSheet
from tests.conftest import CATALOGUES, ROOT, needs_libgvc, qpdf_check


def _dots() -> list[str]:
    units = validate([str(CATALOGUES)], Config(root=ROOT)).units
    return [flow_dot(u, p, DrawOptions(internal=i)) for u in units for p in u.powers if p.flow for i in (False, True)]


def _sheets(paper: str = "auto") -> list[FlowSheet]:
    units = validate([str(CATALOGUES)], Config(root=ROOT)).units
    opts = [DrawOptions(internal=i, paper=paper) for i in (False, True)]
    return [flow_sheet(u, p, o) for u in units for p in u.powers if p.flow for o in opts]


def _broken() -> FlowSheet:
    return FlowSheet(font="Noto Sans CJK SC", title="坏", lines=(), sections=(), chart="digraph { -> }", legend=())


@needs_libgvc
def test_a_graph_comes_out_the_same_whatever_was_drawn_before_it(tmp_path: Path) -> None:
    """In one `dot` process the second graph's clusters move from run to run; with our id discipline the output
    depends on the text alone, and equals a lone `dot` run. Run in a fresh interpreter so the heap has history
    only from these graphs."""
    code = """
import hashlib, sys
from powerctl.drawing.gvlib import Graphviz
dots = [open(p, encoding="utf-8").read() for p in sys.argv[1:]]
gv = Graphviz()
forward = [hashlib.sha256(gv.draw(d, ("svg",))["svg"]).hexdigest() for d in dots]
backward = [hashlib.sha256(gv.draw(d, ("svg",))["svg"]).hexdigest() for d in reversed(dots)][::-1]
print(" ".join(forward)); print(" ".join(backward))
"""
    dots = _dots()
    paths = []
    for i, dot in enumerate(dots):
        path = tmp_path / f"{i}.dot"
        path.write_text(dot, encoding="utf-8")
        paths.append(str(path))
    out = subprocess.run([sys.executable, "-c", code, *paths], capture_output=True, text=True, check=True, cwd=ROOT)
    forward, backward = (line.split() for line in out.stdout.splitlines())
    assert forward == backward

    for i in (0, 1, len(dots) - 1):
        lone = subprocess.run(["dot", "-Tsvg"], input=dots[i].encode(), capture_output=True, check=True).stdout
        assert hashlib.sha256(lone).hexdigest() == forward[i], f"graph {i} differs from a lone dot run"


@needs_libgvc
def test_a_broken_graph_is_an_error_with_its_own_line_number() -> None:
    from powerctl.drawing.gvlib import Graphviz, GraphvizError

    gv = Graphviz()
    gv.draw(_dots()[0], ("svg",))  # many lines read before
    with pytest.raises(GraphvizError, match="line 2"):
        gv.draw("digraph {\n a -> ;\n}", ("svg",))
    assert gv.draw("digraph { a -> b }", ("svg",))["svg"].startswith(b"<?xml")  # still usable


def test_graphviz_versions_are_read_as_numbers() -> None:
    from powerctl.drawing.gvlib import version_of

    assert version_of("2.43.0") == (2, 43, 0)
    assert version_of("12.1.2~dev.20240716.0947") == (12, 1, 2)
    assert version_of("9.0") == (9, 0)
    assert version_of("") == ()


@needs_libgvc
def test_a_graphviz_whose_structs_are_unknown_is_refused_before_they_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Graphviz 9 removed AgMemDisc under the same soname: a version outside 2.x–8.x is refused up front."""
    from powerctl.drawing import gvlib

    assert gvlib.version_of(gvlib.Graphviz().version)[0] in gvlib.SUPPORTED_MAJOR  # this machine's is known
    monkeypatch.setattr(gvlib, "SUPPORTED_MAJOR", range(9, 100))  # as if this were Graphviz 9 or later
    with pytest.raises(gvlib.GraphvizUnsupported, match=r"2\.x–8\.x"):
        gvlib.Graphviz()


@pytest.mark.parametrize("failure", [ValueError, OSError, RuntimeError, AttributeError])
def test_a_failing_in_process_graphviz_falls_back_to_dot_and_draws_the_same_svg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: type[Exception]
) -> None:
    """Whatever goes wrong loading Graphviz in-process (ValueError is what ctypes raises for a missing
    symbol), the drawing is laid out by `dot` processes, byte for byte what the in-process Graphviz gives; the
    PDF then comes from the one fallback, rsvg-convert on the composed page, and says so."""
    from powerctl.drawing import gvlib
    from powerctl.drawing import pool as render

    flow = _sheets()[0]
    render.render([Job(flow, tmp_path / "in")], ("svg", "pdf"), workers=1)

    class Broken:
        def __init__(self) -> None:
            raise failure("symbol 'AgMemDisc' not found")

    monkeypatch.setattr(gvlib, "Graphviz", Broken)
    monkeypatch.setattr(render, "_worker", None)  # a fresh worker state in this process
    done = render.render([Job(flow, tmp_path / "g")], ("svg", "pdf"), workers=1)
    assert render._worker is not None and render._worker.graphviz is None  # the fallback was taken
    assert (tmp_path / "g.svg").read_bytes() == (tmp_path / "in.svg").read_bytes()
    assert done.drawn[str(tmp_path / "g.pdf")] == "rsvg-convert"
    qpdf_check(tmp_path / "g.pdf")


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert (librsvg2-bin) is not installed")
def test_the_fallback_makes_png_and_pdf_from_svg() -> None:
    """rsvg-convert, the PNG and PDF fallback: the PNG at 96 dpi of the SVG's size, one PDF page per SVG with a
    fixed date, the same bytes every time, a clear error for what it cannot read."""
    from powerctl.drawing.paths import DrawError, _rsvg_convert

    svg = subprocess.run(["dot", "-Tsvg"], input=_dots()[0].encode(), capture_output=True, check=True).stdout
    png = _rsvg_convert([svg], "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    points = svg.split(b'<svg width="', 1)[1].split(b"pt", 1)[0]
    assert abs(width - float(points) * 96 / 72) < 1  # rsvg-convert rounds up or to nearest, by version
    assert height > 100
    pdf = _rsvg_convert([svg, svg, svg], "pdf")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 3
    assert b"CreationDate (20000101000000" in pdf  # SOURCE_DATE_EPOCH, read by cairo
    assert _rsvg_convert([svg], "pdf") == _rsvg_convert([svg], "pdf")
    with pytest.raises(DrawError):
        _rsvg_convert([b"<not svg"], "png")


@needs_libgvc
def test_pool_and_merge(tmp_path: Path) -> None:
    sheets = _sheets()[:6]
    with Renderer(workers=2) as renderer:
        renderer.draw([Job(f, tmp_path / f"p{i}") for i, f in enumerate(sheets)], ["svg", "png", "pdf"])
        charts = [(f.title, tmp_path / f"p{i}.pdf") for i, f in enumerate(sheets)]
        book = (charts, "某局", "2026 年 3 月 2 日", sheets[0].font)
        renderer.submit(flowbook.write, *book, tmp_path / "all.pdf").wait()
        # Made in a worker or in this process: the same document.
        flowbook.write(*book, tmp_path / "again.pdf")
        with pytest.raises(RenderError, match="bad"):
            renderer.draw([Job(_broken(), tmp_path / "bad")] * 3, ["svg"])
    assert (tmp_path / "all.pdf").read_bytes() == (tmp_path / "again.pdf").read_bytes()
    qpdf_check(tmp_path / "all.pdf")
    for i in range(6):
        for ext in ("svg", "png", "pdf"):
            assert (tmp_path / f"p{i}.{ext}").stat().st_size > 1000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-l", "-1", str(tmp_path / "all.pdf")], capture_output=True, text=True)
        sizes = set(re.findall(r"size:\s+([\d.]+) x ([\d.]+)", info.stdout))
        assert len({tuple(sorted(map(float, s))) for s in sizes}) == 1, sizes  # one paper size throughout
        count = int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.M).group(1))  # type: ignore[union-attr]
        assert count >= 2 + 6  # the cover, the contents, a page or more per chart
        text = subprocess.run(["pdftotext", "-l", "2", str(tmp_path / "all.pdf"), "-"], capture_output=True, text=True)
        assert "某局" in text.stdout and "编制日期" in text.stdout and "目" in text.stdout


@needs_libgvc
def test_every_chart_is_one_paper_with_the_floor_met() -> None:
    """Every flowchart of the shipped catalogues and the rule cases lands on A4 or A3, the smallest text at 8 pt
    or more (step names 9), 84 % of them or more on A4; `--paper A4` keeps A4 by continuing pages."""
    from powerctl.drawing.gvlib import Graphviz

    gv = Graphviz()

    def layout(dot: str) -> bytes:
        return bytes(gv.draw(dot, ("svg",))["svg"])

    units = validate([str(CATALOGUES), str(ROOT / "tests" / "rule_cases")], Config(root=ROOT)).units
    papers = []
    for unit in units:
        for power in unit.powers:
            if power.flow is None or not power.flow.steps:
                continue
            drawn = sheet.draw(flow_sheet(unit, power, DrawOptions(internal=power.flow.kind == "内部")), layout)
            size = sorted(sheet.paper_size(drawn.paper, drawn.landscape))
            for page in drawn.pages:
                width, height = page.width, page.height
                assert sorted((width, height)) == pytest.approx(size, abs=0.01), (unit.id, power.id)
            assert drawn.smallest >= sheet.FLOOR - 1e-6, (unit.id, power.id, drawn.smallest)
            assert drawn.smallest * sheet.STEP_SIZE / sheet.TEXT_SIZE >= sheet.STEP_FLOOR - 1e-6
            papers.append(drawn.paper)
    assert len(papers) > 100
    # A guard against going back, not the goal (issue 35 asks 90 %): 191 of 257 on A4 with lanes as full-height
    # columns; 217 of 257 with lanes as blocks, notes beside a narrow chart and long charts in columns (these
    # catalogues repeat two wide penalty flows 38 times; the 220 charts of tests/test_legibility.py: 88 %).
    assert papers.count("A4") >= 0.84 * len(papers), (papers.count("A4"), len(papers))
    big = next(s for s in _sheets("A4") if "CF-0001" in s.title.replace("\u200b", ""))
    drawn = sheet.draw(big, layout)
    assert drawn.paper == "A4" and len(drawn.pages) > 1 and drawn.smallest >= sheet.FLOOR
    assert "接续" in "".join(dot for dot, *_ in drawn.pages[0].placed)  # the connector to the next page


def test_labels_break_between_words() -> None:
    from powerctl.text.cjk import phrases, wrap

    for text, width, whole in [
        ("未发现违法行为的，依照第四十二条规定作出不予处罚决定", 12, ("违法行为", "第四十二条")),
        ("副局长（局领导班子）分管综合执法", 16, ("（局领导班子）",)),
    ]:
        lines = wrap(phrases(text), width)
        assert "".join(lines) == text
        for word in whole:
            assert any(word in line for line in lines), (word, lines)


def test_call_runs_a_task_in_a_worker_or_here_with_one() -> None:
    with Renderer(workers=1) as here:
        assert here.call(os.getpid).result() == os.getpid()
        failed = here.call(int, "not a number")
        assert isinstance(failed.exception(), ValueError)
    with Renderer(workers=2) as pool:
        assert pool.call(os.getpid).result() != os.getpid()
        assert isinstance(pool.call(int, "x").exception(), ValueError)


def test_workers_collect_cycles_rarely() -> None:
    """Every worker process sets powerctl's collector thresholds at start (`gcpolicy`), as the command does."""
    import gc

    from powerctl import gcpolicy

    with Renderer(workers=2) as pool:
        assert pool.call(gc.get_threshold).result(timeout=60) == gcpolicy.THRESHOLDS
    assert gcpolicy.THRESHOLDS != (700, 10, 10)
