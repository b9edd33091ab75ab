"""Property: any catalogue the schema accepts draws (DOT → SVG) and bundles, with every string as literal text.

Hypothesis fills the free-text fields of a small unit with arbitrary text (quotes, markup, backslashes,
braces, template syntax, control characters, any script). When the schema accepts the result, the
flowchart must come out as valid SVG holding each string, and the public bundle must be built with no
markup injected into its HTML pages.
"""

from __future__ import annotations

import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from powerctl.catalogue.config import Config
from powerctl.check.engine import Options, validate
from powerctl.documents.flowchart import DrawOptions, flow_sheet
from powerctl.drawing import sheet
from tests.conftest import needs_libgvc

SLOTS = 12
HOSTILE = ['"]; x [label="', "<b>粗体</b>", "C:\\new", "{{ 7*7 }}", "a & b", "]]>", "<script>x()</script>", "\\N"]
_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=24),
    st.text(st.sampled_from("<>&\"'\\{}[]|;:#%$@!`~\n\t 审批权"), min_size=1, max_size=16),
)


def _unit(t: list[str]) -> dict[str, Any]:
    return {
        "schema": "powerctl/catalogue@1",
        "unit": {
            "id": "fuzz",
            "name": t[0],
            "region": "测试",
            "level": "县级",
            "departments": [{"id": "d1", "name": t[1]}],
            "posts": [
                {"id": "p1", "name": t[2], "department": "d1", "rank": "经办人员"},
                {"id": "p2", "name": t[3], "department": "d1", "rank": "内设机构负责人"},
            ],
            "complaint_channels": [{"way": t[4], "contact": t[5]}],
        },
        "powers": [
            {
                "id": "XK-001",
                "name": t[6],
                "category": "行政许可",
                "department": "d1",
                "status": "保留",
                "basis": [{"law": "中华人民共和国行政许可法", "article": "第十二条", "role": "设定依据"}],
                "time_limit": {"statutory": 20, "promised": 10, "unit": "工作日"},
                "fee": {"charged": False},
                "disclosure": {"scope": "社会公开", "forms": [t[7]], "within_days": 1},
                "flow": {
                    "conditions": [t[8]],
                    "steps": [
                        {"id": "s1", "name": t[9], "kind": "start", "post": "p1", "does": t[10]},
                        {
                            "id": "s2",
                            "name": t[11],
                            "kind": "decision",
                            "post": "p2",
                            "days": 1,
                            "next": [{"to": "s3", "when": t[0]}, {"to": "s1", "when": t[1]}],
                        },
                        {"id": "s3", "name": t[2], "kind": "end", "post": "p2", "days": 1},
                    ],
                    "supervision": [{"at": "s2", "by": "p2", "how": t[3]}],
                    "rights": [t[4]],
                },
            }
        ],
    }


def _accepted(folder: Path, texts: list[str]) -> Any:
    """The unit when the schema accepts these texts (the examples Hypothesis draws that it rejects are skipped)."""
    path = folder / "fuzz.yaml"
    path.write_text(yaml.safe_dump(_unit(texts), allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = validate([str(path)], Config(root=folder), Options(select=frozenset({"E"})))
    assume(not result.report.findings and result.units)
    return result


def _svg_text(svg: bytes) -> str:
    root = ET.fromstring(svg)  # valid XML or this raises
    return "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))


def _squash(text: str) -> str:
    """Without white space and unprintable characters (line breaks and wrapping move or drop them)."""
    return "".join(c for c in text if c.isprintable() and not c.isspace())


@needs_libgvc
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(_text, min_size=SLOTS, max_size=SLOTS))
def test_any_accepted_catalogue_draws_with_every_string_literal(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = _accepted(Path(tmp), texts)
    unit = result.units[0]
    power = unit.powers[0]
    for internal in (False, True):
        flow = flow_sheet(unit, power, DrawOptions(internal=internal))
        drawn = _squash(_svg_text(sheet.draw(flow, lambda dot: bytes(_graphviz().draw(dot, ("svg",))["svg"])).web))
        for label in (power.name, *(s.name for s in power.flow.steps), unit.posts[0].name):
            assert _squash(label) in drawn, (label, drawn[:400])
        assert "49" not in drawn or any("49" in t for t in texts)  # {{ 7*7 }} was never evaluated


_GV: list[Any] = []


def _graphviz() -> Any:
    from powerctl.drawing.gvlib import Graphviz

    if not _GV:
        _GV.append(Graphviz())
    return _GV[0]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)


@needs_libgvc
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(_text, min_size=SLOTS, max_size=SLOTS))
def test_any_accepted_catalogue_bundles_without_injected_markup(texts: list[str]) -> None:
    from powerctl.bundle.build import Request, build_unit_bundle
    from powerctl.drawing.pool import Renderer

    texts = [*texts[:-1], "<zzinject>粗</zzinject>"]  # every example carries markup no template uses
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        result = _accepted(folder, texts)
        assert result.laws is not None
        with Renderer(workers=1) as pool:
            request = Request(result.units[0], folder / "out", "public", result.laws, font="WenQuanYi Micro Hei")
            built = build_unit_bundle(request, renderer=pool)
        pages = [built.folder / "一表" / "权力清单.html", *sorted((built.folder / "site").rglob("*.html"))]
        for page in pages:
            parser = _Tags()
            parser.feed(page.read_text(encoding="utf-8"))
            assert "zzinject" not in parser.tags, page
        for svg in (built.folder / "一图").glob("*.svg"):
            _svg_text(svg.read_bytes())
