"""The static site of a bundle: files, escaping and determinism without a browser; then search, filters,
power pages and flowcharts in a real headless Chromium, from file:// and from a local web server."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import json
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Iterator
from datetime import date
from functools import cache, partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from powerctl.catalogue.config import Config
from powerctl.catalogue.model import Power, Unit
from powerctl.check.engine import validate
from powerctl.documents.context import UnitDocs, audience_powers
from powerctl.documents.flowchart import DrawOptions, flow_sheet
from powerctl.documents.rows import COLUMNS, rows
from powerctl.documents.site import script_json, search_records, write_site
from powerctl.drawing.paths import RenderError
from powerctl.drawing.pool import Job, render
from powerctl.laws.registry import builtin
from powerctl.laws.resolve import LawResolver
from tests.browser import Page as _Page
from tests.browser import axe_serious as _axe_serious
from tests.browser import file_url as _file_url
from tests.conftest import CATALOGUES, ROOT

HOSTILE = "</script><script>alert(1)</script>"
HOSTILE_CODE = '"><img src=x onerror=alert(2)>'
HOSTILE_DEPT = "<b>综合</b>&amp;股'\""
SCRIPT_RE = re.compile(r"<script([^>]*)>(.*?)</script>", re.S)


@cache
def _units() -> tuple[Unit, ...]:
    return tuple(validate([str(CATALOGUES)], Config(root=ROOT)).units)


def _unit() -> Unit:
    """The example unit with the most public powers in the most categories (城市管理局)."""
    return max(_units(), key=lambda u: (len({p.category for p in audience_powers(u, "public")}), u.id))


def _docs(unit: Unit, audience: str = "public", powers: tuple[Power, ...] | None = None) -> UnitDocs:
    chosen = audience_powers(unit, audience) if powers is None else powers
    laws = LawResolver([builtin()], None, date(2026, 11, 22))
    return UnitDocs(unit, chosen, audience, laws, {})


PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120">'
    '<rect x="1" y="1" width="318" height="118" fill="#fff" stroke="#333"/>'
    '<text x="160" y="66" text-anchor="middle" font-size="20">flow</text></svg>\n'
)


def _flowcharts(unit: Unit, powers: tuple[Power, ...], folder: Path) -> dict[str, Path]:
    """Real flowcharts drawn by Graphviz when it is installed; small placeholder SVGs otherwise."""
    folder.mkdir(parents=True, exist_ok=True)
    drawn = [p for p in powers if p.flow is not None]
    if shutil.which("dot") is not None:
        try:
            render([Job(flow_sheet(unit, p, DrawOptions(internal=False)), folder / p.id) for p in drawn], ["svg"])
            return {p.id: folder / f"{p.id}.svg" for p in drawn}
        except RenderError:
            pass
    for p in drawn:
        (folder / f"{p.id}.svg").write_text(PLACEHOLDER_SVG, encoding="utf-8")
    return {p.id: folder / f"{p.id}.svg" for p in drawn}


def _hostile_docs() -> UnitDocs:
    """The example unit with a script-shaped power name, code, quote and department name."""
    unit = _unit()
    powers = audience_powers(unit, "public")
    first = powers[0]
    dept = next(d for d in unit.departments if d.id == first.department)
    departments = tuple(dataclasses.replace(d, name=HOSTILE_DEPT) if d is dept else d for d in unit.departments)
    basis = tuple(dataclasses.replace(c, quote=HOSTILE) for c in first.basis)
    bad = dataclasses.replace(first, name=HOSTILE, code=HOSTILE_CODE, basis=basis)
    unit = dataclasses.replace(unit, departments=departments, powers=(bad, *unit.powers[1:]))
    return _docs(unit, "public", (bad, *powers[1:]))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, UnitDocs, list[Path]]:
    docs = _docs(_unit())
    tmp = tmp_path_factory.mktemp("site")
    charts = _flowcharts(docs.unit, docs.powers, tmp / "charts")
    folder = tmp / "site"
    return folder, docs, write_site(docs, folder, charts)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, UnitDocs]:
    docs = _hostile_docs()
    tmp = tmp_path_factory.mktemp("hostile")
    folder = tmp / "site"
    write_site(docs, folder, _flowcharts(docs.unit, docs.powers, tmp / "charts"))
    return folder, docs


def _e(text: str) -> str:
    """Text as the site's templates escape it."""
    return str(escape(text))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _scripts(page: str) -> list[tuple[str, str]]:
    return SCRIPT_RE.findall(page)


def _data_block(page: str) -> Any:
    blocks = [body for attrs, body in _scripts(page) if 'type="application/json"' in attrs]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _matches(record: dict[str, str], words: list[str]) -> bool:
    """The search of the index, as its script does it: every word in name, code, id, category, department, basis."""
    keys = ("name", "code", "id", "category", "department", "basis")
    text = _norm("\n".join(record[k] for k in keys))
    return all(_norm(w) in text for w in words)


# -- without a browser ---------------------------------------------------------------------------------


def test_example_unit_has_something_to_filter() -> None:
    docs = _docs(_unit())
    assert len(docs.powers) >= 3
    assert len({p.category for p in docs.powers}) >= 2
    assert len(docs.unit.powers) > len(docs.powers), "the example unit should have a power the public must not see"


def test_files_written_and_returned_sorted(site: tuple[Path, UnitDocs, list[Path]]) -> None:
    folder, docs, written = site
    assert written == sorted(written)
    on_disk = sorted(p for p in folder.rglob("*") if p.is_file())
    assert written == on_disk
    expected = {folder / "index.html", folder / "assets" / "site.css"}
    expected |= {folder / "powers" / f"{p.id}.html" for p in docs.powers}
    expected |= {folder / "flowcharts" / f"{p.id}.svg" for p in docs.powers if p.flow is not None}
    assert set(written) == expected


def test_every_audience_power_has_a_page_with_its_row(site: tuple[Path, UnitDocs, list[Path]]) -> None:
    folder, docs, _ = site
    index = _read(folder / "index.html")
    for row in rows(docs):
        page = _read(folder / "powers" / f"{row.power_id}.html")
        assert f'href="powers/{row.power_id}.html"' in index
        assert f"<h1>{_e(row.name)}</h1>" in page
        for column, value in zip(COLUMNS, row.cells(), strict=True):
            assert f"<dt>{_e(column)}</dt><dd>{_e(value or '—')}</dd>" in page
        assert 'href="../index.html"' in page
        assert 'lang="zh-CN"' in page and '<meta charset="utf-8">' in page
        assert 'href="../assets/site.css"' in page
        power = next(p for p in docs.powers if p.id == row.power_id)
        if power.flow is not None:
            assert f'<img src="../flowcharts/{power.id}.svg"' in page
            assert "办理环节" in page
            for step in power.flow.steps:
                assert _e(step.name) in page
        for c in power.basis:
            assert _e(c.law) in page
        assert "投诉举报途径和方式" in page


def test_flowcharts_are_copied_byte_for_byte(tmp_path: Path) -> None:
    docs = _docs(_unit())
    charts = _flowcharts(docs.unit, docs.powers, tmp_path / "charts")
    write_site(docs, tmp_path / "site", charts)
    for pid, source in charts.items():
        assert (tmp_path / "site" / "flowcharts" / f"{pid}.svg").read_bytes() == source.read_bytes()


def test_nothing_of_a_power_outside_the_audience(tmp_path: Path) -> None:
    unit = _unit()
    docs = _docs(unit)
    hidden = [p for p in unit.powers if p not in docs.powers]
    assert hidden
    charts = _flowcharts(unit, unit.powers, tmp_path / "charts")  # flowcharts of every power are offered
    written = write_site(docs, tmp_path / "site", charts)
    text = "\n".join(p.read_text(encoding="utf-8") for p in written if p.suffix in (".html", ".css"))
    for power in hidden:
        assert not (tmp_path / "site" / "powers" / f"{power.id}.html").exists()
        assert not (tmp_path / "site" / "flowcharts" / f"{power.id}.svg").exists()
        assert power.name not in text
        assert not any(power.id in p.name for p in written)


def test_index_summary_filters_and_search_data(site: tuple[Path, UnitDocs, list[Path]]) -> None:
    folder, docs, _ = site
    index = _read(folder / "index.html")
    table = rows(docs)
    assert _data_block(index) == search_records(table)
    assert f"共 <strong>{len(table)}</strong> 项职权" in index
    assert _e(docs.unit.name) in index
    for category in {r.category for r in table}:
        assert f'<option value="{_e(category)}">' in index
    for department in {r.department for r in table}:
        assert f'<option value="{_e(department)}">' in index
    assert 'id="q"' in index and 'type="search"' in index


def test_no_network_and_no_fetch(site: tuple[Path, UnitDocs, list[Path]]) -> None:
    folder, _, written = site
    for path in written:
        if path.suffix not in (".html", ".css"):
            continue
        text = _read(path)
        assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text), path
        assert "@import" not in text and "url(" not in text
        assert "fetch(" not in text and "XMLHttpRequest" not in text
    index = _read(folder / "index.html")
    scripts = _scripts(index)
    assert len(scripts) == 2
    assert all("src=" not in attrs for attrs, _ in scripts)


def test_inline_script_is_allowed_by_its_hash_and_nothing_else(site: tuple[Path, UnitDocs, list[Path]]) -> None:
    folder, docs, _ = site
    index = _read(folder / "index.html")
    code = next(body for attrs, body in _scripts(index) if not attrs)
    digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii")
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', index)
    assert found is not None
    csp = html.unescape(found.group(1))
    assert f"script-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    page = _read(folder / "powers" / f"{docs.powers[0].id}.html")
    assert "<script" not in page and "script-src" not in page


def test_hostile_strings_stay_inert_text(hostile_site: tuple[Path, UnitDocs]) -> None:
    folder, docs = hostile_site
    bad = docs.powers[0]
    index = _read(folder / "index.html")
    page = _read(folder / "powers" / f"{bad.id}.html")
    for text in (index, page):
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "<b>综合</b>" not in text
        assert _e(HOSTILE) in text
    # The index has exactly its two script elements; the JSON block gives the strings back unchanged.
    scripts = _scripts(index)
    assert len(scripts) == 2, scripts
    assert index.count("<script") == 2 and index.count("</script>") == 2
    data = _data_block(index)
    assert data[0]["name"] == HOSTILE
    assert data[0]["code"] == HOSTILE_CODE
    assert data[0]["department"] == HOSTILE_DEPT
    block = next(body for attrs, body in scripts if "json" in attrs)
    assert "<" not in block and ">" not in block and "&" not in block
    assert "<script" not in page
    assert f"<blockquote>{_e(HOSTILE)}</blockquote>" in page
    assert f'<option value="{_e(HOSTILE_DEPT)}">' in index


@pytest.mark.parametrize(
    "value",
    ["</script>", "<!--", "<script>", "a & b", "\u2028\u2029", "引号\"'", "</SCRIPT >", {"k</": ["<x>"]}],
)
def test_script_json_round_trips_and_cannot_close_the_element(value: Any) -> None:
    text = str(script_json(value))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == value


def test_same_input_same_bytes(tmp_path: Path) -> None:
    docs = _docs(_unit())
    charts = _flowcharts(docs.unit, docs.powers, tmp_path / "charts")
    a = write_site(docs, tmp_path / "a", charts)
    b = write_site(_docs(_unit()), tmp_path / "b", charts)
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes(), x


def test_internal_site_shows_risks_public_does_not(tmp_path: Path) -> None:
    unit = next(u for u in _units() if any(p.risks for p in u.powers))
    risky = next(p for p in unit.powers if p.risks)
    write_site(_docs(unit, "internal"), tmp_path / "internal", {})
    page = _read(tmp_path / "internal" / "powers" / f"{risky.id}.html")
    assert "廉政风险防控" in page and _e(risky.risks[0].point) in page
    assert "本事项暂无流程图" in page
    if risky in audience_powers(unit, "public"):
        write_site(_docs(unit), tmp_path / "public", {})
        public = _read(tmp_path / "public" / "powers" / f"{risky.id}.html")
        assert "廉政风险防控" not in public and _e(risky.risks[0].point) not in public


def test_footer_date_only_from_changes_to_the_audience_powers(tmp_path: Path) -> None:
    unit = _unit()
    public = audience_powers(unit, "public")
    hidden = next(p for p in unit.powers if p not in public)
    assert unit.changes
    later = dataclasses.replace(unit.changes[0], date="2099-12-31", items=(hidden.id,))
    unit = dataclasses.replace(unit, changes=(*unit.changes, later))
    write_site(_docs(unit), tmp_path / "public", {})
    index = _read(tmp_path / "public" / "index.html")
    assert "2099-12-31" not in index
    shown = max(c.date for c in unit.changes if {p.id for p in public} & set(c.items))
    assert f"目录最近调整 {shown}" in index
    write_site(_docs(unit, "internal"), tmp_path / "internal", {})
    assert "目录最近调整 2099-12-31" in _read(tmp_path / "internal" / "index.html")


class _StubIndex:
    """A law index that knows the text of every article: 'TEXT <law> <number><suffix>'."""

    def lookup(self, name: str, today: date | None = None) -> None:
        return None

    def article(self, name: str, number: int, version_date: str | None = None, *, suffix: str = "") -> str:
        return f"TEXT <{name}> {number}{suffix}"


def test_basis_shows_article_text_from_the_law_index(tmp_path: Path) -> None:
    unit = _unit()
    power = audience_powers(unit, "public")[0]
    laws = LawResolver([builtin()], _StubIndex(), date(2026, 11, 22))  # type: ignore[arg-type]
    write_site(UnitDocs(unit, (power,), "public", laws, {}), tmp_path, {})
    page = _read(tmp_path / "powers" / f"{power.id}.html")
    assert page.count('<p class="article">TEXT &lt;') == len(power.basis)


def test_unsafe_power_id_is_refused(tmp_path: Path) -> None:
    unit = _unit()
    bad = dataclasses.replace(audience_powers(unit, "public")[0], id="../../evil")
    with pytest.raises(ValueError, match="file name"):
        write_site(_docs(unit, "public", (bad,)), tmp_path / "site", {})
    assert not (tmp_path / "evil.html").exists()
    with pytest.raises(ValueError, match="file name"):
        write_site(_docs(unit, "public", (dataclasses.replace(bad, id="XK-001\n"),)), tmp_path / "site", {})
    first = audience_powers(unit, "public")[0]
    twin = dataclasses.replace(first, id=first.id.swapcase())
    assert twin.id != first.id
    with pytest.raises(ValueError, match="same file name"):
        write_site(_docs(unit, "public", (first, twin)), tmp_path / "site", {})


# -- in a real headless Chromium ------------------------------------------------------------------------


def _search_word(docs: UnitDocs) -> tuple[str, str, set[str]]:
    """A word of one power's name that some other power lacks: (power id, word, ids the search should keep)."""
    records = search_records(rows(docs))
    for record in records:
        name = record["name"]
        for size in (2, 3, 4):
            for i in range(len(name) - size + 1):
                word = name[i : i + size]
                if not word.strip() or any(ch in word for ch in "、，（）()"):
                    continue
                keep = {r["id"] for r in records if _matches(r, [word])}
                if 0 < len(keep) < len(records):
                    return record["id"], word, keep
    raise AssertionError("no distinguishing word in the example catalogue")


def _wait_image(tab: _Page) -> int:
    tab.page.wait_for_function("() => { const i = document.querySelector('#flowchart img'); return i && i.complete; }")
    width: int = tab.page.eval_on_selector("#flowchart img", "i => i.naturalWidth")
    return width


def test_browser_index_lists_every_power(site: tuple[Path, UnitDocs, list[Path]], tab: _Page) -> None:
    folder, docs, _ = site
    tab.page.goto(_file_url(folder / "index.html"))
    assert tab.visible_ids() == [p.id for p in docs.powers]
    names = tab.page.eval_on_selector_all("#powers tbody .c-name a", "as => as.map(a => a.textContent)")
    assert names == [p.name for p in docs.powers]
    assert tab.page.is_visible("#q") and tab.page.is_visible("#category") and tab.page.is_visible("#department")
    assert tab.count_text() == f"共 {len(docs.powers)} 项"
    assert tab.page.title().startswith(docs.unit.name)
    # The stylesheet applied (the filters are laid out as flex), and the page asked for nothing but its files.
    assert tab.page.eval_on_selector("#filters", "f => getComputedStyle(f).display") == "flex"
    assert tab.errors == [] and tab.dialogs == []
    assert all(u.startswith(("file://", "data:")) for u in tab.requests), tab.requests


def test_browser_search_as_you_type(site: tuple[Path, UnitDocs, list[Path]], tab: _Page) -> None:
    folder, docs, _ = site
    target, word, keep = _search_word(docs)
    tab.page.goto(_file_url(folder / "index.html"))
    tab.page.locator("#q").press_sequentially(word, delay=20)
    visible = tab.visible_ids()
    assert target in visible
    assert set(visible) == keep
    hidden = next(p.id for p in docs.powers if p.id not in keep)
    assert not tab.page.locator(f'#powers tr[data-id="{hidden}"]').is_visible()
    assert tab.count_text() == f"显示 {len(keep)} 项（共 {len(docs.powers)} 项）"
    # Words match anywhere in code and basis too, every word must match, and clearing shows all again.
    code_of = next(r for r in rows(docs) if r.code)
    tab.page.fill("#q", code_of.code.lower())
    assert tab.visible_ids() == [code_of.power_id]
    law = docs.powers[0].basis[0].law
    tab.page.fill("#q", law)
    assert set(tab.visible_ids()) == {r["id"] for r in search_records(rows(docs)) if _matches(r, [law])}
    tab.page.fill("#q", f"{word} 没有这个词")
    assert tab.visible_ids() == [] and tab.page.is_visible("#empty")
    tab.page.click("#reset")
    tab.page.wait_for_function("() => document.getElementById('q').value === ''")
    assert len(tab.visible_ids()) == len(docs.powers) and not tab.page.is_visible("#empty")
    assert tab.errors == []


def test_browser_category_and_department_filters(site: tuple[Path, UnitDocs, list[Path]], tab: _Page) -> None:
    folder, docs, _ = site
    table = rows(docs)
    tab.page.goto(_file_url(folder / "index.html"))
    category = min({r.category for r in table}, key=lambda c: (sum(r.category == c for r in table), c))
    tab.page.select_option("#category", value=category)
    expected = [r.power_id for r in table if r.category == category]
    assert tab.visible_ids() == expected
    assert tab.count_text() == f"显示 {len(expected)} 项（共 {len(table)} 项）"
    tab.page.select_option("#category", value="")
    department = table[0].department
    tab.page.select_option("#department", value=department)
    assert tab.visible_ids() == [r.power_id for r in table if r.department == department]
    tab.page.select_option("#category", value=table[0].category)
    both = [r.power_id for r in table if r.department == department and r.category == table[0].category]
    assert tab.visible_ids() == both
    assert tab.errors == []


def test_browser_power_page_shows_its_flowchart(site: tuple[Path, UnitDocs, list[Path]], tab: _Page) -> None:
    folder, docs, _ = site
    power = next(p for p in docs.powers if p.flow is not None)
    tab.page.goto(_file_url(folder / "index.html"))
    tab.page.click(f'#powers tr[data-id="{power.id}"] .c-name a')
    tab.page.wait_for_url("**/powers/" + power.id + ".html")
    assert tab.page.inner_text("h1") == power.name
    assert _wait_image(tab) > 0
    dl = tab.page.inner_text("#row")
    assert "职权来源依据" in dl and power.basis[0].law in dl
    tab.page.click("text=← 返回目录")
    tab.page.wait_for_url("**/index.html")
    assert len(tab.visible_ids()) == len(docs.powers)
    assert tab.errors == [] and tab.dialogs == []
    shots = os.environ.get("POWERCTL_SITE_SCREENSHOTS")
    if shots:  # for a person to look at: POWERCTL_SITE_SCREENSHOTS=DIR pytest tests/test_site.py
        Path(shots).mkdir(parents=True, exist_ok=True)
        tab.page.screenshot(path=str(Path(shots) / "site-index.png"), full_page=True)
        tab.page.goto(_file_url(folder / "powers" / f"{power.id}.html"))
        _wait_image(tab)
        tab.page.screenshot(path=str(Path(shots) / "site-power.png"), full_page=True)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(site: tuple[Path, UnitDocs, list[Path]]) -> Iterator[str]:
    folder = site[0]
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_browser_over_http(site: tuple[Path, UnitDocs, list[Path]], served: str, tab: _Page) -> None:
    _, docs, _ = site
    target, word, keep = _search_word(docs)
    tab.page.goto(served)  # the folder itself: the server answers with index.html
    assert tab.visible_ids() == [p.id for p in docs.powers]
    tab.page.locator("#q").press_sequentially(word, delay=20)
    assert set(tab.visible_ids()) == keep
    tab.page.click(f'#powers tr[data-id="{target}"] .c-name a')
    tab.page.wait_for_url(f"{served}powers/{target}.html")
    if next(p for p in docs.powers if p.id == target).flow is not None:
        assert _wait_image(tab) > 0
    assert tab.errors == []
    assert all(u.startswith((served, "data:")) for u in tab.requests), tab.requests


def test_browser_hostile_names_are_text(hostile_site: tuple[Path, UnitDocs], tab: _Page) -> None:
    folder, docs = hostile_site
    bad = docs.powers[0]
    tab.page.goto(_file_url(folder / "index.html"))
    assert tab.page.inner_text(f'#powers tr[data-id="{bad.id}"] .c-name a') == HOSTILE
    assert tab.page.inner_text(f'#powers tr[data-id="{bad.id}"] .c-code') == HOSTILE_CODE
    tab.page.locator("#q").press_sequentially("alert(1)", delay=10)
    assert tab.visible_ids() == [bad.id]
    tab.page.fill("#q", "")
    tab.page.select_option("#department", value=HOSTILE_DEPT)
    assert bad.id in tab.visible_ids()
    tab.page.click(f'#powers tr[data-id="{bad.id}"] .c-name a')
    tab.page.wait_for_url(f"**/powers/{bad.id}.html")
    assert tab.page.inner_text("h1") == HOSTILE
    assert tab.page.eval_on_selector_all("script", "s => s.length") == 0
    assert tab.dialogs == [] and tab.errors == []


def test_browser_narrow_screen(site: tuple[Path, UnitDocs, list[Path]], browser: Any) -> None:
    folder, docs, _ = site
    phone = _Page(browser, 390, 844)
    try:
        phone.page.goto(_file_url(folder / "index.html"))
        assert phone.visible_ids() == [p.id for p in docs.powers]
        overflow = phone.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        phone.page.goto(_file_url(folder / "powers" / f"{docs.powers[0].id}.html"))
        assert phone.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        phone.close()


# -- 电子监察 (issue 23) ----------------------------------------------------------------------------------


def _monitored(tmp_path: Path) -> tuple[Path, UnitDocs, Any]:
    """The internal site of the shipped 城管局 with its shipped records counted as of 2026-11-30."""
    from powerctl.check.records import count

    unit = next(u for u in _units() if u.id == "lsj-cgj")
    ops, found = count(ROOT, {unit.id: unit}, date(2026, 11, 30))
    assert not [f for f in found if f.code.startswith("E")]
    docs = _docs(unit, "internal")
    folder = tmp_path / "site"
    write_site(docs, folder, {}, ops[unit.id])
    return folder, docs, ops[unit.id]


def test_the_monitor_page_is_internal_only(tmp_path: Path) -> None:
    folder, docs, op = _monitored(tmp_path)
    page = _read(folder / "monitor.html")
    assert "电子监察" in page and 'href="monitor.html"' in _read(folder / "index.html")
    assert "XK001-2026-0010" in page and "XK004-2026-0019" in page  # the red and the yellow card
    bars = page.count('<polygon fill="#2f5597"') + page.count('<polygon fill="#b91c1c"')
    assert bars == len([p for p in op.powers.values() if p.closed and p.on_time])
    with pytest.raises(ValueError, match="internal"):
        write_site(_docs(docs.unit, "public"), tmp_path / "public", {}, op)
    public = tmp_path / "public-site"
    write_site(_docs(docs.unit, "public"), public, {})
    assert not (public / "monitor.html").exists() and "monitor" not in _read(public / "index.html")


def test_browser_shows_the_monitor_page(tmp_path: Path, tab: _Page) -> None:
    folder, _, op = _monitored(tmp_path)
    tab.page.goto(_file_url(folder / "index.html"))
    tab.page.click("text=电子监察")
    assert tab.page.url.endswith("/monitor.html")
    assert tab.page.inner_text("h1") == "电子监察：权力运行情况"
    assert tab.page.eval_on_selector_all("#red tbody tr", "rs => rs.length") == op.total.red
    assert tab.page.eval_on_selector_all("#yellow tbody tr", "rs => rs.length") == op.total.yellow
    width = tab.page.eval_on_selector("#rates svg", "s => s.getBoundingClientRect().width")
    assert width > 300  # the chart is drawn, at its size
    bars = tab.page.eval_on_selector_all("#rates svg polygon", "ps => ps.map(p => getComputedStyle(p).fill)")
    assert {"rgb(47, 85, 151)", "rgb(185, 28, 28)"} & set(bars)  # bars drawn in their colours
    assert tab.errors == [] and tab.dialogs == []
    assert all(r.startswith("file:") for r in tab.requests)


# -- accessibility (GB/T 37668-2019, WCAG 2.0 AA) with axe-core ---------------------------------------------


def test_axe_finds_nothing_serious_on_the_index_a_power_page_and_the_monitor_page(
    site: tuple[Path, UnitDocs, list[Path]], tmp_path: Path, tab: _Page
) -> None:
    folder, docs, _ = site
    internal, _, _ = _monitored(tmp_path)
    pages = [
        folder / "index.html",
        folder / "powers" / f"{docs.powers[0].id}.html",
        internal / "index.html",
        internal / "monitor.html",
        internal / "powers" / f"{docs.powers[0].id}.html",
    ]
    found = {f"{i} {p.name}": _axe_serious(tab, _file_url(p)) for i, p in enumerate(pages)}
    assert all(not v for v in found.values()), found
    assert tab.page.get_attribute("html", "lang") == "zh-CN"


def test_the_keyboard_alone_reaches_the_content_and_the_search(
    site: tuple[Path, UnitDocs, list[Path]], tab: _Page
) -> None:
    """The first Tab shows the 跳到正文 link, Enter moves to the main content, and the next Tab lands on the
    search box."""
    folder, _, _ = site
    tab.page.goto(_file_url(folder / "index.html"))
    tab.page.keyboard.press("Tab")
    assert tab.page.evaluate("document.activeElement.textContent") == "跳到正文"
    top = tab.page.eval_on_selector(".skip", "a => a.getBoundingClientRect().top")
    assert top >= 0  # shown when focused
    tab.page.keyboard.press("Enter")
    assert tab.page.evaluate("document.activeElement.id") == "main"
    tab.page.keyboard.press("Tab")
    assert tab.page.evaluate("document.activeElement.id") == "q"
