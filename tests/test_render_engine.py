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

from powerctl.config import Config
from powerctl.engine import validate
from powerctl.graph import DrawOptions, flow_dot
from powerctl.render import Job, Renderer, RenderError, _draw_process
from tests.conftest import CATALOGUES, ROOT, needs_libgvc, needs_librsvg


def _dots() -> list[str]:
    units = validate([str(CATALOGUES)], Config(root=ROOT)).units
    return [flow_dot(u, p, DrawOptions(internal=i)) for u in units for p in u.powers if p.flow for i in (False, True)]


@needs_libgvc
def test_a_graph_comes_out_the_same_whatever_was_drawn_before_it(tmp_path: Path) -> None:
    """In one `dot` process the second graph's clusters move from run to run; with our id discipline the output
    depends on the text alone, and equals a lone `dot` run. Run in a fresh interpreter so the heap has history
    only from these graphs."""
    code = """
import hashlib, sys
from powerctl.gvlib import Graphviz
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
    from powerctl.gvlib import Graphviz, GraphvizError

    gv = Graphviz()
    gv.draw(_dots()[0], ("svg",))  # many lines read before
    with pytest.raises(GraphvizError, match="line 2"):
        gv.draw("digraph {\n a -> ;\n}", ("svg",))
    assert gv.draw("digraph { a -> b }", ("svg",))["svg"].startswith(b"<?xml")  # still usable


def test_graphviz_versions_are_read_as_numbers() -> None:
    from powerctl.gvlib import version_of

    assert version_of("2.43.0") == (2, 43, 0)
    assert version_of("12.1.2~dev.20240716.0947") == (12, 1, 2)
    assert version_of("9.0") == (9, 0)
    assert version_of("") == ()


@needs_libgvc
def test_a_graphviz_whose_structs_are_unknown_is_refused_before_they_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Graphviz 9 removed AgMemDisc under the same soname: a version outside 2.x–8.x is refused up front."""
    from powerctl import gvlib

    assert gvlib.version_of(gvlib.Graphviz().version)[0] in gvlib.SUPPORTED_MAJOR  # this machine's is known
    monkeypatch.setattr(gvlib, "SUPPORTED_MAJOR", range(9, 100))  # as if this were Graphviz 9 or later
    with pytest.raises(gvlib.GraphvizUnsupported, match=r"2\.x–8\.x"):
        gvlib.Graphviz()


@pytest.mark.parametrize("failure", [ValueError, OSError, RuntimeError, AttributeError])
def test_a_failing_in_process_graphviz_falls_back_to_dot_and_draws_the_same_svg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: type[Exception]
) -> None:
    """Whatever goes wrong loading Graphviz in-process (ValueError is what ctypes raises for a missing
    symbol), the drawing is done by `dot` processes, byte for byte what a lone `dot` run writes."""
    from powerctl import gvlib, render

    class Broken:
        def __init__(self) -> None:
            raise failure("symbol 'AgMemDisc' not found")

    monkeypatch.setattr(gvlib, "Graphviz", Broken)
    monkeypatch.setattr(render, "_worker", None)  # a fresh worker state in this process
    dot = _dots()[0]
    render.render([Job(dot, tmp_path / "g")], ("svg",), workers=1)
    assert render._worker is not None and render._worker.engines is None  # the fallback was taken
    lone = subprocess.run(["dot", "-Tsvg"], input=dot.encode(), capture_output=True, check=True).stdout
    assert (tmp_path / "g.svg").read_bytes() == lone


@needs_librsvg
def test_png_and_pdf_from_svg() -> None:
    from powerctl.raster import RasterError, Rasterizer

    svg = subprocess.run(["dot", "-Tsvg"], input=_dots()[0].encode(), capture_output=True, check=True).stdout
    raster = Rasterizer()
    png = raster.png(svg)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    points = svg.split(b'<svg width="', 1)[1].split(b"pt", 1)[0]
    assert width == round(float(points) * 96 / 72)
    assert height > 100
    pdf = raster.pdf([svg, svg, svg])
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 3
    assert b"CreationDate (D:2000" in pdf
    assert raster.pdf([svg]) == raster.pdf([svg])
    with pytest.raises(RasterError):
        raster.png(b"<not svg")


@needs_libgvc
@needs_librsvg
def test_pool_and_merge(tmp_path: Path) -> None:
    dots = _dots()[:6]
    with Renderer(workers=2) as renderer:
        renderer.draw([Job(d, tmp_path / f"p{i}") for i, d in enumerate(dots)], ["svg", "png", "pdf"])
        renderer.merge_pdf([tmp_path / f"p{i}.svg" for i in range(6)], tmp_path / "all.pdf").wait()
        with pytest.raises(RenderError, match="bad"):
            renderer.draw([Job("digraph { -> }", tmp_path / "bad")] * 3, ["svg"])
    for i in range(6):
        for ext in ("svg", "png", "pdf"):
            assert (tmp_path / f"p{i}.{ext}").stat().st_size > 1000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(tmp_path / "all.pdf")], capture_output=True, text=True).stdout
        assert re.search(r"^Pages:\s+6$", info, re.M), info


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
def test_process_fallback_draws_every_format(tmp_path: Path) -> None:
    """Where libgvc/librsvg cannot be loaded, a worker runs one `dot` per graph."""
    assert _draw_process(Job(_dots()[0], tmp_path / "x"), ("svg", "png", "pdf")) == []
    for ext in ("svg", "png", "pdf"):
        assert (tmp_path / f"x.{ext}").stat().st_size > 1000
    assert b"CreationDate (D:2000" in (tmp_path / "x.pdf").read_bytes()
    assert _draw_process(Job("digraph { -> }", tmp_path / "y"), ("svg",))


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
