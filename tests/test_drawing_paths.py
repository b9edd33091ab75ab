"""Issue 35: one path per drawn artifact, whatever the text. Graphviz paints the flowchart's PNG and PDF onto
cairo with the installed fonts (fontconfig), so a character outside GB 2312 takes the same path as any other,
lands in the PDF's text, and the bytes are the same on every run."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from powerctl.drawing.pool import Job
from powerctl.drawing.sheet import FlowSheet
from tests.conftest import needs_libgvc, qpdf_check
from tests.test_render_engine import _sheets

# 30 characters outside GB 2312 (names and places: 张喆, 浉河 …), eight of them from CJK extension B
RARE = "浉喆堃犇昇琇玥珺璟玙瑄陞镕堉垚甦旻赟翀翃烔燚𠮷𡈽𠀋𡌶𥻗𠳐\U0002a6a5\U0002b81d"  # the last two: not in Noto CJK


def test_the_rare_characters_are_outside_gb2312_and_some_outside_the_bmp() -> None:
    assert len(RARE) == 30
    for char in RARE:
        with pytest.raises(UnicodeEncodeError):
            char.encode("gb2312")
    assert sum(ord(char) > 0xFFFF for char in RARE) == 8


def _rare_sheet() -> FlowSheet:
    """Every text field of a sheet holds all 30 characters: title, lines, notes, chart labels, legend."""
    steps = [RARE[k : k + 10] for k in range(0, 30, 10)]
    nodes = "".join(f"  s{n} [label=<<B>{text}</B><BR/>时限：{RARE[n]}>];\n" for n, text in enumerate(steps))
    chart = (
        "digraph flow {\n"
        '  node [shape=box, style="rounded", fontname="Noto Sans CJK SC"];\n'
        f"{nodes}  s0 -> s1 [label=<{RARE[:5]}>];\n  s1 -> s2;\n}}\n"
    )
    return FlowSheet(
        font="Noto Sans CJK SC",
        title=f"行政许可：{RARE}",
        lines=(f"单位：{RARE}",),
        sections=(("行使条件", (RARE,)), ("相对人的权利", (RARE[::-1],)), ("投诉举报途径", ("电话：12345",))),
        chart=chart,
        legend=(("①", RARE),),
    )


def _draw(folder: Path) -> dict[str, str]:
    from powerctl.drawing.pool import Job, render

    folder.mkdir()
    done = render([Job(_rare_sheet(), folder / "rare")], ("svg", "png", "pdf"), workers=1)
    return {Path(path).suffix: how for path, how in done.drawn.items()}


@needs_libgvc
def test_rare_characters_take_the_one_path_and_are_in_the_pdf_text(tmp_path: Path) -> None:
    drawn = _draw(tmp_path / "a")
    assert drawn == {".svg": "graphviz", ".png": "cairo", ".pdf": "cairo"}  # one drawn_by per kind of file
    pdf = tmp_path / "a" / "rare.pdf"
    qpdf_check(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    missing = [char for char in RARE if char not in text]
    assert not missing, missing
    # Drawn, not boxes: fontconfig falls back to HanaMin for what Noto CJK lacks (bootstrap installs it).
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "HanaMin" in fonts, fonts
    assert (tmp_path / "a" / "rare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "a" / "rare.svg").read_text(encoding="utf-8")
    assert all(char in svg for char in RARE)


@needs_libgvc
def test_the_same_sheet_gives_the_same_bytes(tmp_path: Path) -> None:
    _draw(tmp_path / "a")
    _draw(tmp_path / "b")
    for suffix in ("svg", "png", "pdf"):
        assert (tmp_path / "a" / f"rare.{suffix}").read_bytes() == (tmp_path / "b" / f"rare.{suffix}").read_bytes()


def _counting(drawer: object) -> dict[str, int]:
    """Count Graphviz layouts per graph (DOT text) done by `drawer`'s Graphviz."""
    graphviz = drawer.graphviz  # type: ignore[attr-defined]
    counts: dict[str, int] = {}
    read = graphviz._read

    def counted(dot: str) -> int:
        if graphviz._kept is None or graphviz._kept[0] != dot:  # not the graph kept: a layout
            counts[dot] = counts.get(dot, 0) + 1
        return int(read(dot))

    graphviz._read = counted
    return counts


@needs_libgvc
def test_each_graph_is_laid_out_once_per_chart(tmp_path: Path) -> None:
    """The SVG, the PNG and the PDF of a chart come from one layout of each of its graphs (title block, chart,
    legend); 全部流程图.pdf joins the charts' PDFs and lays out nothing through Graphviz."""
    from powerctl.documents import flowbook
    from powerctl.drawing.pool import Job, _Worker

    worker = _Worker()
    counts = _counting(worker)
    sheets = _sheets()[:4]
    for n, flow in enumerate(sheets):
        done = worker.draw(Job(flow, tmp_path / f"c{n}"), ("svg", "png", "pdf"))
        assert not done.problems, done.problems
    assert counts and max(counts.values()) == 1, sorted(counts.values())
    assert any(flow.chart in counts for flow in sheets)
    counts.clear()
    charts = [(flow.title, tmp_path / f"c{n}.pdf") for n, flow in enumerate(sheets)]
    flowbook.write(charts, "某局", None, sheets[0].font, tmp_path / "all.pdf")
    assert not counts  # the book is set by Pango, its charts joined as drawn
    qpdf_check(tmp_path / "all.pdf")


@needs_libgvc
def test_a_chart_is_split_only_when_no_page_holds_it_at_the_floor() -> None:
    """Every shipped chart fits one page of some paper at the 8 pt floor, so none is split (even those that have
    splits ready); an 8-step penalty flow is one page (the public version on A4; the internal one, with its
    risk legend, needs A3 to keep 8 pt: on A4 it would print at 7.95 pt, so `--paper A4` continues it)."""
    from powerctl.drawing.paths import Drawer
    from powerctl.drawing.sheet import FLOOR, draw

    drawer = Drawer()
    for flow in _sheets():
        drawn = draw(flow, drawer.layout)
        drawer.forget()
        assert len(drawn.pages) == 1, (flow.title, drawn.note)
        assert drawn.smallest >= FLOOR - 1e-6
    public, _ = _eight_step_penalty("A4")
    drawn = draw(public, drawer.layout)
    assert (len(drawn.pages), drawn.paper) == (1, "A4"), drawn.note
    for flow in _eight_step_penalty("auto"):
        drawn = draw(flow, drawer.layout)
        drawer.forget()
        assert len(drawn.pages) == 1, drawn.note


def _eight_step_penalty(paper: str) -> list[FlowSheet]:
    """The shipped 行政处罚 CF-002 cut to eight steps (立案, 调查, 审核, 告知, 决定, 送达 …), both versions."""
    from dataclasses import replace

    from powerctl.catalogue.config import Config
    from powerctl.check.engine import validate
    from powerctl.documents.flowchart import DrawOptions, flow_sheet
    from tests.test_render_engine import CATALOGUES, ROOT

    unit = next(u for u in validate([str(CATALOGUES)], Config(root=ROOT)).units if u.id == "lsj-cgj")
    power = next(p for p in unit.powers if p.id == "CF-002")
    assert power.flow is not None and power.category == "行政处罚"
    kept = ("faxian", "lian", "diaocha", "fazhi", "gaozhi", "jueding", "songda", "jiean")
    steps = []
    for step in power.flow.steps:
        if step.id in kept:
            edges = tuple(e if e.to in kept else replace(e, to="jiean") for e in step.next or ()) or None
            steps.append(replace(step, next=edges if step.id != "songda" else None))
    flow = replace(
        power.flow,
        steps=tuple(steps),
        supervision=tuple(s for s in power.flow.supervision if s.at in kept),
        index={s.id: n for n, s in enumerate(steps)},
    )
    cut = replace(power, flow=flow, risks=tuple(r for r in power.risks if r.step in kept))
    assert len(steps) == 8
    return [flow_sheet(unit, cut, DrawOptions(internal=i, paper=paper)) for i in (False, True)]


@needs_libgvc
def test_graphviz_paints_where_its_svg_draws() -> None:
    """A graph that sets no margin is painted from its origin, as its SVG is drawn (Graphviz's eps device, which
    paints onto our surface, would add a 36 pt margin and the page would lose its right and bottom edges)."""
    from powerctl.drawing.paths import Drawer

    drawer = Drawer()
    dot = 'digraph { graph [bgcolor="#EEEEEE", pad=0]; a -> b; }'
    svg = drawer.layout(dot)
    size = re.search(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert size is not None
    x, y, width, height = drawer._recorded[dot].ink_extents()
    assert (round(x), round(y)) == (0, 0)
    assert (round(width), round(height)) == (round(float(size[1])), round(float(size[2])))


@needs_libgvc
def test_an_svg_alone_paints_nothing(tmp_path: Path) -> None:
    """Drawing only the SVG records nothing for cairo; asked for PNG and PDF after that, each graph is still laid
    out once."""
    from powerctl.drawing.pool import _Worker

    worker = _Worker()
    counts = _counting(worker)
    recorded: list[str] = []
    record = worker._record
    worker._record = lambda dot, svg: recorded.append(dot) or record(dot, svg)  # type: ignore[method-assign]
    flow = _sheets()[0]
    worker.draw(Job(flow, tmp_path / "svg"), ("svg",))
    assert not recorded
    counts.clear()
    worker.draw(Job(flow, tmp_path / "all"), ("svg", "png", "pdf"))
    assert recorded and max(counts.values()) == 1
