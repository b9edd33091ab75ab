"""The county folder of a run over several units (issue 24): its index site, workbook and report, the audience
rules, reproducibility and the manifest; then search across units and accessibility in a real Chromium."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import io
import json
import statistics
import unicodedata
import zipfile
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from docx import Document
from openpyxl import load_workbook

from powerctl.bundle.county import REPORT, WORKBOOK, CountyRequest, build_county
from powerctl.catalogue.config import Config
from powerctl.catalogue.model import Unit
from powerctl.check.engine import validate
from powerctl.check.records import count
from powerctl.documents import charts
from powerctl.documents.context import audience_powers
from powerctl.documents.county import FOLDER, county_name
from powerctl.documents.county import write_site as write_county_site
from powerctl.drawing.pool import picture_png
from powerctl.laws.registry import builtin
from powerctl.laws.resolve import LawResolver
from tests.browser import Page, axe_serious, file_url
from tests.conftest import CATALOGUES, ROOT, run_cli

TODAY = date(2026, 11, 30)


@cache
def _units() -> tuple[Unit, ...]:
    """The shipped units by id, the order of the county's tables and sheets."""
    return tuple(sorted(validate([str(CATALOGUES)], Config(root=ROOT)).units, key=lambda u: u.id))


def _laws() -> LawResolver:
    return LawResolver([builtin()], None, TODAY)


def _request(out: Path, audience: str, key: str | None = None) -> CountyRequest:
    operations = {}
    if audience == "internal":
        operations, _ = count(ROOT, {u.id: u for u in _units()}, TODAY)
    return CountyRequest(_units(), out, audience, _laws(), "abc123", key, operations)


def _texts(folder: Path) -> dict[str, str]:
    """Every file of the folder as text, the members of its XLSX and DOCX packages one by one."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        if path.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                for name in package.namelist():
                    out[f"{rel}!{name}"] = package.read(name).decode("utf-8", "replace")
        else:
            out[rel] = data.decode("utf-8", "replace")
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("county")
    return {a: build_county(_request(tmp / a, a)).folder for a in ("public", "internal")}


def test_the_county_is_named_from_its_units() -> None:
    assert county_name(["冷水江市城市管理局", "冷水江市渣渡镇人民政府"]) == "冷水江市"
    assert county_name(["双峰县教育局", "双峰县青树坪镇人民政府"]) == "双峰县"
    assert county_name(["卫滨区民政局", "卫滨区城市管理局"]) == "卫滨区"
    assert county_name(["甲局", "乙局"]) == "全县"
    assert {u.name[:4] for u in _units()} == {"冷水江市"}


def test_the_folder_holds_site_workbook_report_and_a_manifest_of_them(built: dict[str, Path]) -> None:
    for audience, folder in built.items():
        assert folder.name == FOLDER
        files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert files == {"site/index.html", "site/assets/site.css", WORKBOOK, REPORT, "manifest.json"}
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["audience"] == audience and manifest["county"] == "冷水江市"
        assert manifest["units"] == [u.id for u in _units()] and manifest["source_commit"] == "abc123"
        listed = {e["path"]: e for e in manifest["files"]}
        assert set(listed) == files - {"manifest.json"}
        for rel, entry in listed.items():
            data = (folder / rel).read_bytes()
            assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
        kinds = {rel: e["kind"] for rel, e in listed.items()}
        assert kinds == {"site/index.html": "site", "site/assets/site.css": "site", WORKBOOK: "table", REPORT: "report"}


def test_the_workbook_has_a_summary_sheet_with_a_native_chart_and_a_sheet_per_unit(built: dict[str, Path]) -> None:
    for audience, folder in built.items():
        book = load_workbook(folder / WORKBOOK)
        assert book.sheetnames == ["汇总", *[u.name for u in _units()]]
        summary = book["汇总"]
        head = [c.value for c in summary[2]]
        assert head[0] == "单位" and head[-1] == "合计"
        for r, unit in enumerate(_units(), start=3):
            powers = audience_powers(unit, audience)
            by_category = Counter(p.category for p in powers)
            row = [c.value for c in summary[r]]
            assert row[0] == unit.name and row[-1] == len(powers)
            assert dict(zip(head[1:-1], row[1:-1], strict=True)) == {k: by_category[k] for k in head[1:-1]}
        total = [c.value for c in summary[3 + len(_units())]]
        assert total[0] == "合计" and total[-1] == sum(len(audience_powers(u, audience)) for u in _units())
        with zipfile.ZipFile(folder / WORKBOOK) as package:
            chart = package.read("xl/charts/chart1.xml").decode("utf-8")
        assert "<barChart>" in chart and '<barDir val="bar"/>' in chart  # a native bar chart of the cells
        assert "<f>'汇总'!$A$3:$A$5</f>" in chart and "<f>'汇总'!$B$3:$B$5</f>" in chart
        for unit in _units():
            names = {c.value for c in book[unit.name]["C"]}
            assert {p.name for p in audience_powers(unit, audience)} <= names


def test_the_report_says_the_counts_and_shows_the_charts(built: dict[str, Path]) -> None:
    for audience, folder in built.items():
        doc = Document(str(folder / REPORT))
        text = "\n".join(p.text for p in doc.paragraphs)
        total = sum(len(audience_powers(u, audience)) for u in _units())
        assert f"冷水江市共梳理职权{total}项" in text
        assert all(u.name in text for u in _units())
        with zipfile.ZipFile(folder / REPORT) as package:
            pictures = [n for n in package.namelist() if n.startswith("word/media/")]
        captions = [p.text for p in doc.paragraphs if p.text.startswith("图：")]
        assert len(pictures) == len(captions) >= (5 if audience == "internal" else 3)
        assert ("图：廉政风险点（按风险等级）" in captions) == (audience == "internal")
        assert ("图：按期办结率（按单位，已办结办件）" in captions) == (audience == "internal")


def test_no_internal_text_in_any_public_county_file(built: dict[str, Path]) -> None:
    texts = _texts(built["public"])
    hidden = [p.name for u in _units() for p in u.powers if p.disclosure.scope != "社会公开"]
    risks = [r.point for u in _units() for p in u.powers for r in p.risks]
    assert hidden and risks
    internal_words = ["廉政风险", "风险点", "内部版", "红牌", "按期办结", "XK001-2026-0010", *hidden, *risks]
    leaks = {(name, word) for name, text in texts.items() for word in internal_words if word in text}
    assert not leaks
    internal = _texts(built["internal"])
    assert any(hidden[0] in t for t in internal.values()) and any("廉政风险" in t for t in internal.values())


def test_a_public_county_refuses_records(tmp_path: Path) -> None:
    request = dataclasses.replace(_request(tmp_path, "internal"), audience="public")
    folder = build_county(request).folder  # the records are dropped for the public audience ...
    assert "按期办结" not in (folder / "site" / "index.html").read_text(encoding="utf-8")
    from powerctl.documents.county import CountyDocs

    with pytest.raises(ValueError, match="internal"):  # ... and the documents refuse them
        CountyDocs("冷水江市", "public", (), {"lsj-cgj": request.operations["lsj-cgj"]})


def test_same_input_same_bytes_and_a_current_folder_is_kept(tmp_path: Path) -> None:
    first = build_county(_request(tmp_path / "a", "internal", key="k1"))
    second = build_county(_request(tmp_path / "b", "internal", key="k1"))
    assert _texts(first.folder) == _texts(second.folder)
    files = sorted(p.relative_to(first.folder) for p in first.folder.rglob("*") if p.is_file())
    assert all((first.folder / f).read_bytes() == (second.folder / f).read_bytes() for f in files)
    again = build_county(_request(tmp_path / "a", "internal", key="k1"))
    assert again.kept
    (first.folder / REPORT).write_bytes(b"changed by hand")
    rebuilt = build_county(_request(tmp_path / "a", "internal", key="k1"))
    assert not rebuilt.kept and (first.folder / REPORT).read_bytes() == (second.folder / REPORT).read_bytes()
    assert not build_county(_request(tmp_path / "a", "internal", key="k2")).kept


def test_the_charts_are_svg_and_their_png_is_drawn_by_librsvg(built: dict[str, Path]) -> None:
    chart = charts.counts("t", "职权数（按职权类别）", [("行政许可", 5), ("行政处罚", 2)])
    svg = charts.svg(chart).encode("utf-8")
    drawn = ["".join(node.itertext()) for node in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "职权数（按职权类别）" in drawn and "5 项" in drawn and "行政许可" in drawn
    png, how = picture_png(svg, 96)
    assert how == "rsvg-convert" and png.startswith(b"\x89PNG\r\n\x1a\n")  # the report's one path for charts
    page = (built["internal"] / "site" / "index.html").read_text(encoding="utf-8")
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 5
    public = (built["public"] / "site" / "index.html").read_text(encoding="utf-8")
    assert public.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3 and '<title id="county-unit">' in public


# -- through the command, and in a browser --------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "out"
    done = run_cli("bundle", str(CATALOGUES), "-o", str(out), "--today", "2026-11-30", timeout=600)
    assert done.returncode == 0, done.stderr
    assert "冷水江市行政权力目录汇总（社会公开版）：3 个单位" in done.stdout
    assert f"→ {out / 'internal' / FOLDER}/" in done.stdout
    return out


def _shared_word() -> tuple[str, set[str]]:
    """A word in the names of public powers of two units: the word and the units whose powers have it."""
    names = {u.id: [p.name for p in audience_powers(u, "public")] for u in _units()}
    for uid, listed in names.items():
        for name in listed:
            for i in range(len(name) - 1):
                word = name[i : i + 2]
                if unicodedata.east_asian_width(word[0]) != "W" or any(ch in word for ch in "、，（）"):
                    continue
                having = {other for other, ns in names.items() if any(word in n for n in ns)}
                if len(having) >= 2 and uid in having:
                    return word, having
    raise AssertionError("no word shared by the powers of two units")


def test_search_across_units_finds_the_powers_of_both(bundled: Path, tab: Page) -> None:
    word, having = _shared_word()
    tab.page.goto(file_url(bundled / "public" / FOLDER / "site" / "index.html"))
    tab.page.locator("#q").press_sequentially(word, delay=20)
    shown = tab.visible_ids()
    page = (bundled / "public" / FOLDER / "site" / "index.html").read_text(encoding="utf-8")
    records = json.loads(html.unescape(page.split('id="search-data">', 1)[1].split("</script>", 1)[0]))
    fields = ("name", "code", "id", "category", "department", "unit", "basis")
    text = {r["id"]: unicodedata.normalize("NFKC", "\n".join(r[f] for f in fields)).lower() for r in records}
    expected = [r["id"] for r in records if word in text[r["id"]]]
    assert shown == expected and {s.split("/")[0] for s in shown} >= having
    tab.page.select_option("#unit", label=f"{_units()[0].name}（{len(audience_powers(_units()[0], 'public'))}）")
    assert {s.split("/")[0] for s in tab.visible_ids()} <= {_units()[0].id}
    tab.page.click("#reset")
    tab.page.wait_for_function("() => document.querySelector('#count').textContent.startsWith('共')")
    first = tab.visible_ids()[0]
    tab.page.click(f'#powers tr[data-id="{first}"] .c-name a')
    unit_id, power_id = first.split("/")
    assert tab.page.url.endswith(f"/public/{unit_id}/site/powers/{power_id}.html")
    assert tab.errors == [] and all(r.startswith("file:") for r in tab.requests)


def test_axe_finds_nothing_serious_on_county_and_unit_pages_public_and_internal(bundled: Path, tab: Page) -> None:
    pages = []
    for audience in ("public", "internal"):
        unit = _units()[0]
        power = audience_powers(unit, audience)[0]
        pages += [
            bundled / audience / FOLDER / "site" / "index.html",
            bundled / audience / unit.id / "site" / "index.html",
            bundled / audience / unit.id / "site" / "powers" / f"{power.id}.html",
        ]
    found = {p.relative_to(bundled).as_posix(): axe_serious(tab, file_url(p)) for p in pages}
    assert all(not v for v in found.values()), found


def _big_county(folder: Path, units: int = 100, per_unit: int = 50) -> int:
    """A county of `units` copies of the shipped 城管局 with `per_unit` powers each: its index site only."""
    from powerctl.documents.context import UnitDocs
    from powerctl.documents.county import CountyDocs

    model = next(u for u in _units() if u.id == "lsj-cgj")
    made = []
    for n in range(units):
        powers = tuple(
            dataclasses.replace(
                p, id=f"{p.id}-{i:03d}", name=f"{p.name}（第{i + 1}项）", code=f"{p.code or 'X'}-{i:03d}"
            )
            for i, p in ((i, model.powers[i % len(model.powers)]) for i in range(per_unit))
        )
        unit = dataclasses.replace(model, id=f"u{n:03d}", name=f"冷水江市第{n + 1}局", powers=powers)
        made.append(UnitDocs(unit, powers, "internal", _laws(), {}))
    write_county_site(CountyDocs("冷水江市", "internal", tuple(made)), folder)
    return units * per_unit


def test_the_county_index_searches_5000_powers_in_under_100_ms(tmp_path: Path, tab: Page) -> None:
    total = _big_county(tmp_path)
    tab.page.goto(file_url(tmp_path / "index.html"))
    assert len(tab.visible_ids()) == 200 and tab.count_text() == f"共 {total} 项，列出前 200 项"
    tab.page.click("#more")
    assert len(tab.visible_ids()) == 400
    timings: list[float] = []
    for word in ("许可", "处罚", "第7局", "城市管理", "第12项", "不存在的词", ""):
        ms: Any = tab.page.evaluate(
            """(word) => {
                const q = document.getElementById('q');
                const start = performance.now();
                q.value = word;
                q.dispatchEvent(new Event('input'));
                document.body.getBoundingClientRect();  // the layout of the rows shown, included
                return performance.now() - start;
            }""",
            word,
        )
        timings.append(float(ms))
    assert len(tab.visible_ids()) == 200  # the last (empty) search lists the first 200 powers again
    print(f"\ncounty index, {total} powers: search {statistics.median(timings):.1f} ms median, {max(timings):.1f} max")
    assert statistics.median(timings) < 100 and max(timings) < 250, timings


def test_stats_shows_units_by_category_with_a_native_chart(tmp_path: Path) -> None:
    done = run_cli("stats", str(CATALOGUES), "-f", "markdown")
    assert done.returncode == 0, done.stderr
    head = "| 单位 | 行政许可 |"
    assert head in done.stdout
    for unit in _units():
        n = len(unit.powers)
        assert any(
            line.startswith(f"| {unit.name} |") and line.endswith(f" {n} |") for line in done.stdout.splitlines()
        )
    assert run_cli("stats", str(CATALOGUES), "-f", "xlsx", "-o", str(tmp_path / "s.xlsx")).returncode == 0
    book = load_workbook(tmp_path / "s.xlsx")
    sheet = book["单位×类别"]
    assert sheet.cell(row=3 + len(_units()), column=1).value == "合计"
    with zipfile.ZipFile(tmp_path / "s.xlsx") as package:
        assert '<barDir val="bar"/>' in package.read("xl/charts/chart1.xml").decode("utf-8")
