"""Flowcharts: golden DOT text of the example powers, text safety, wrapping, and `powerctl render`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from powerctl.catalogue.build import build_unit
from powerctl.catalogue.config import Config
from powerctl.catalogue.model import Unit
from powerctl.check.engine import validate
from powerctl.documents.flowchart import DrawOptions, flow_dot, flow_sheet
from powerctl.drawing import sheet
from powerctl.source.load import load_text
from powerctl.text.cjk import NO_START, display_width, wrap
from tests.conftest import CATALOGUES, ROOT, run_cli

GOLDEN = Path(__file__).parent / "golden" / "dot"
UPDATE = os.environ.get("POWERCTL_UPDATE_GOLDEN") == "1"
needs_graphviz = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")


def _units() -> list[Unit]:
    return validate([str(CATALOGUES)], Config(root=ROOT)).units


EXAMPLES = [(u, p) for u in _units() for p in u.powers if p.flow is not None]


@pytest.mark.parametrize(("unit", "power"), EXAMPLES, ids=[f"{u.id}/{p.id}" for u, p in EXAMPLES])
def test_golden_dot(unit: Unit, power: Any) -> None:
    dot = flow_dot(unit, power, DrawOptions(internal=power.flow.kind == "内部"))
    golden = GOLDEN / f"{unit.id}--{power.id}.dot"
    if UPDATE:
        golden.write_text(dot, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run with POWERCTL_UPDATE_GOLDEN=1 and review the diff"
    assert dot == golden.read_text(encoding="utf-8")


def test_every_golden_file_belongs_to_an_example() -> None:
    expected = {f"{u.id}--{p.id}.dot" for u, p in EXAMPLES}
    assert {p.name for p in GOLDEN.glob("*.dot")} == expected


def _page_text(unit: Unit, power: Any, opts: DrawOptions) -> str:
    """Every DOT text of the power's page: the chart, the title block and the legend (word breaks removed)."""
    flow = flow_sheet(unit, power, opts)
    width = sheet.paper_size("A4", False)[0] - 2 * sheet.MARGIN
    parts = [flow.chart, sheet.head_dot(flow, width), sheet.legend_dot(flow.font, flow.legend, width)]
    return re.sub(r"<[^>]*>", "", "".join(parts).replace("\u200b", ""))  # lines of a label joined


def test_seven_elements_are_drawn() -> None:
    unit, power = next((u, p) for u, p in EXAMPLES if p.category == "行政处罚")
    text = _page_text(unit, power, DrawOptions(internal=False))
    for words in ("行使条件", "相对人的权利", "投诉举报途径", "监督", "时限：", power.name):
        assert words in text
    for sup in power.flow.supervision:
        assert sup.how in text
    for step in power.flow.steps:
        assert step.name in text
    assert "廉政风险" not in text  # the public version never shows risk points
    internal = _page_text(unit, power, DrawOptions(internal=True))
    assert ("廉政风险" in internal) == any(r.step for r in power.risks)


HOSTILE = ['"]; x [label="', "<b>粗体</b>", "C:\\new\\table", "{{ 7*7 }}", "a & b ; c", "]]>", "--> <!--"]


def _hostile_unit() -> Unit:
    h = HOSTILE
    text = f"""\
schema: powerctl/catalogue@1
unit:
  id: hostile
  name: '{h[0]}'
  region: 测试
  level: 县级
  departments: [{{id: d1, name: '{h[1]}'}}]
  posts:
    - {{id: p1, name: '{h[2]}', department: d1, rank: 经办人员}}
    - {{id: p2, name: '{h[3]}', department: d1, rank: 内设机构负责人}}
  complaint_channels: [{{way: '{h[4]}', contact: '{h[5]}'}}]
powers:
  - id: XK-001
    name: '{h[0]}{h[1]}'
    code: '{h[3]}'
    category: 行政许可
    department: d1
    status: 保留
    basis: [{{law: '{h[2]}', article: 第一条, role: 设定依据}}]
    time_limit: {{statutory: 5, promised: 3, unit: 工作日}}
    fee: {{charged: false}}
    disclosure: {{scope: 社会公开, forms: ['{h[1]}'], within_days: 1}}
    flow:
      conditions: ['{h[6]}', '{h[3]}']
      steps:
        - {{id: s1, name: '{h[0]}', kind: start, post: p1, does: '{h[1]}'}}
        - {{id: s2, name: '{h[2]}', kind: decision, post: p1, days: 1, does: '{h[6]}',
            next: [{{to: s3, when: '{h[0]}'}}, {{to: s1, when: '{h[4]}'}}]}}
        - {{id: s3, name: '{h[5]}', kind: end, post: p2, days: 1,
            disclosure: {{scope: 社会公开, forms: ['{h[3]}'], within_days: 1}}}}
      supervision: [{{at: s2, by: p2, how: '{h[1]}'}}]
      rights: ['{h[4]}']
"""
    doc = load_text("hostile.yaml", text)
    assert doc.ok, doc.problems
    unit = build_unit(doc, set())
    assert unit is not None
    return unit


def test_hostile_strings_stay_inside_their_labels() -> None:
    unit = _hostile_unit()
    dot = flow_dot(unit, unit.powers[0], DrawOptions(internal=True))
    # Every statement line starts the way the generator writes it: no injected node or edge.
    for line in dot.splitlines():
        assert re.match(r"^\s*(digraph|graph|node|edge|subgraph|[sfhcwt]\d|\{rank|\}|$)", line), line
    assert "<b>" not in dot and "&lt;b&gt;" in dot


@needs_graphviz
def test_hostile_strings_come_out_as_literal_text_in_valid_svg() -> None:
    unit = _hostile_unit()
    flow = flow_sheet(unit, unit.powers[0], DrawOptions(internal=True))
    drawn = sheet.draw(
        flow, lambda dot: subprocess.run(["dot", "-Tsvg"], input=dot.encode(), capture_output=True, check=True).stdout
    )
    root = ET.fromstring(drawn.web)  # valid XML
    texts = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for s in HOSTILE:
        assert s.replace(" ", "") in texts.replace(" ", "").replace("\xa0", ""), s
    assert "49" not in texts  # {{ 7*7 }} was not evaluated by anything


def test_wrap_respects_width_and_punctuation() -> None:
    text = "申请人通过政务服务窗口或者湖南省政务服务网提交申请书、位置图、施工方案等材料，审查申请材料是否齐全。"
    lines = wrap(text, 24)
    assert "".join(lines) == text
    for line in lines:
        assert display_width(line) <= 26  # one closing mark may hang over
        assert line[0] not in NO_START
    assert wrap("Noto Sans CJK SC 字体", 10)[0] == "Noto Sans"  # Latin words are not split


def _render(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("render", "catalogues", "-o", str(tmp_path), *args, env=env)


@needs_graphviz
def test_render_draws_every_power_deterministically(tmp_path: Path) -> None:
    first = _render(tmp_path / "a", "--format", "svg,png,pdf")
    assert first.returncode == 0, first.stderr
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert len(files) == 3 * len(EXAMPLES)
    for unit, power in EXAMPLES:
        for ext in ("svg", "png", "pdf"):
            assert (tmp_path / "a" / unit.id / f"{power.id}.{ext}").stat().st_size > 1000
    second = _render(tmp_path / "b", "--format", "svg,png,pdf", "-j", "1")
    assert second.returncode == 0, second.stderr
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    pdf = (tmp_path / "a" / files[0]).with_suffix(".pdf").read_bytes()
    # No date of the build: written without one (powerctl.drawing.pdfwrite), or with cairo's fixed to 2000-01-01.
    assert set(re.findall(rb"/CreationDate \((?:D:)?(\d{8})", pdf)) <= {b"20000101"}, "PDF creation date not fixed"


@needs_graphviz
def test_svg_uses_the_cjk_font(tmp_path: Path) -> None:
    assert _render(tmp_path, "--format", "svg").returncode == 0
    svg = next(tmp_path.rglob("*.svg")).read_text(encoding="utf-8")
    assert 'font-family="WenQuanYi Micro Hei"' in svg


def test_missing_graphviz_is_exit_2_with_the_fix(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # no dot, no fc-list
    result = _render(tmp_path / "out", env=env)
    assert result.returncode == 2
    assert "Graphviz" in result.stderr and "apt-get install graphviz" in result.stderr
    assert "Traceback" not in result.stderr


@needs_graphviz
def test_missing_font_is_exit_2_with_the_fix(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    (repo / ".powerctl.yaml").write_text("fonts: {family: 不存在的字体}\n", encoding="utf-8")
    result = run_cli("render", "-o", str(tmp_path / "out"), cwd=repo)
    assert result.returncode == 2 and "不存在的字体" in result.stderr


def test_bad_format_is_exit_2(tmp_path: Path) -> None:
    result = _render(tmp_path, "--format", "gif")
    assert result.returncode == 2 and "gif" in result.stderr
