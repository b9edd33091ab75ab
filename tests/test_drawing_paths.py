"""Issue 35: one path per drawn artifact, whatever the text. Graphviz paints the flowchart's PNG and PDF onto
cairo with the installed fonts (fontconfig), so a character outside GB 2312 takes the same path as any other,
lands in the PDF's text, and the bytes are the same on every run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from powerctl.drawing.sheet import FlowSheet
from tests.conftest import needs_libgvc, qpdf_check

# 30 characters outside GB 2312 (names and places: 张喆, 浉河 …), eight of them from CJK extension B
RARE = "浉喆堃犇昇琇玥珺璟玙瑄陞镕堉垚甦旻赟翀翃烔燚𠮷𡈽𠀋𡌶𥻗𠳐𨭉𩽾"


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
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_rare_characters_take_the_one_path_and_are_in_the_pdf_text(tmp_path: Path) -> None:
    drawn = _draw(tmp_path / "a")
    assert drawn == {".svg": "graphviz", ".png": "cairo", ".pdf": "cairo"}  # one drawn_by per kind of file
    pdf = tmp_path / "a" / "rare.pdf"
    qpdf_check(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    missing = [char for char in RARE if char not in text]
    assert not missing, missing
    assert (tmp_path / "a" / "rare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "a" / "rare.svg").read_text(encoding="utf-8")
    assert all(char in svg for char in RARE)


@needs_libgvc
def test_the_same_sheet_gives_the_same_bytes(tmp_path: Path) -> None:
    _draw(tmp_path / "a")
    _draw(tmp_path / "b")
    for suffix in ("svg", "png", "pdf"):
        assert (tmp_path / "a" / f"rare.{suffix}").read_bytes() == (tmp_path / "b" / f"rare.{suffix}").read_bytes()


@needs_libgvc
def test_the_merged_pdf_has_every_page_and_passes_qpdf(tmp_path: Path) -> None:
    from powerctl.drawing.pool import Renderer

    sheet = _rare_sheet()
    with Renderer(1) as renderer:
        renderer.merge_pdf([(sheet, "a"), (sheet, "b")], tmp_path / "all.pdf", (f"单位{RARE[:3]}", "2026-01-01")).wait()
    qpdf_check(tmp_path / "all.pdf")
    info = subprocess.run(["pdfinfo", str(tmp_path / "all.pdf")], capture_output=True, text=True, check=True).stdout
    pages = [line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")]
    assert pages == ["4"]  # cover, contents, two charts
