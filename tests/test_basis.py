"""一件: the legal-basis compilation (grouping, article texts, HTML, DOCX, audience)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from powerctl.catalogue.build import build_unit
from powerctl.catalogue.model import Unit
from powerctl.documents import basis
from powerctl.documents.context import UnitDocs, audience_powers
from powerctl.laws.citation import parse_article
from powerctl.laws.index import LawIndex, build_index
from powerctl.laws.numerals import int_to_cn
from powerctl.laws.registry import builtin
from powerctl.laws.resolve import LawResolver
from powerctl.source.load import load_text

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)
LICENSING = "中华人民共和国行政许可法"
ARTICLE_12 = "下列事项可以设定行政许可"
ARTICLE_13 = "本法第十二条所列事项，通过下列方式能够予以规范的"


@pytest.fixture
def fixture_index(tmp_path: Path) -> Iterator[LawIndex]:
    db = tmp_path / "laws.sqlite3"
    build_index(ROOT / "tests" / "fixtures" / "lawcorpus", db)
    index = LawIndex.open(db)
    assert index is not None
    yield index
    index.close()


def _docs(unit: Unit, audience: str = "public", index: LawIndex | None = None) -> UnitDocs:
    return UnitDocs(unit, audience_powers(unit, audience), audience, LawResolver([builtin()], index, TODAY), {})


def _power(pid: str, name: str, basis_yaml: str, *, scope: str = "社会公开", extra: str = "") -> str:
    return f"""\
  - id: {pid}
    name: '{name}'
    category: 行政许可
    department: d1
    status: 保留
    basis: {basis_yaml}
    time_limit: {{statutory: 20, promised: 10, unit: 工作日}}
    fee: {{charged: false}}
    disclosure: {{scope: {scope}, forms: [政府网站], within_days: 7}}
{extra}"""


def _unit(powers: str, name: str = "测试县测试局") -> Unit:
    text = f"""\
schema: powerctl/catalogue@1
unit:
  id: test
  name: '{name}'
  region: 测试
  level: 县级
  departments: [{{id: d1, name: 办公室}}]
  posts:
    - {{id: p1, name: 经办人, department: d1, rank: 经办人员}}
  complaint_channels: [{{way: 电话, contact: '12345'}}]
powers:
{powers}"""
    doc = load_text("test.yaml", text)
    assert doc.ok, doc.problems
    unit = build_unit(doc, set())
    assert unit is not None
    return unit


def _small() -> Unit:
    """Citations of 行政许可法 第十二条/第十三条 (in the fixture corpus), a short name, unknown and repealed laws."""
    return _unit(
        _power(
            "XK-001",
            "甲许可",
            f"[{{law: {LICENSING}, article: 第十三条, role: 实施依据}},"
            f" {{law: {LICENSING}, article: 第十二条第一款第五项, role: 设定依据}},"
            " {law: 某某县不存在的规定, article: 第三条, role: 实施依据}]",
        )
        + _power(
            "XK-002",
            "乙许可",
            "[{law: 行政许可法, article: 12, role: 设定依据},"
            " {law: 城市道路管理条例, article: 第三十条, role: 设定依据},"
            " {law: 中华人民共和国宪法, article: 第二十七条, role: 实施依据},"
            " {law: 中华人民共和国环境保护法, article: 第十九条, role: 实施依据}]",
        )
        + _power("XK-003", "丙许可", "[]")
        + _power(
            "XK-004",
            "丁许可（不予公开）",
            "[{law: 中华人民共和国政府信息公开条例, article: 第十四条, role: 实施依据}]",
            scope="不予公开",
            extra="    secrecy:\n      reason: 涉及国家秘密\n"
            "      basis: {law: 中华人民共和国保守国家秘密法, article: 第十三条}\n",
        )
    )


def _docx_text(data: bytes) -> str:
    """Every XML part of a DOCX package, as one string (body, headers, footers, properties)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels")))


def _visible(html: str) -> str:
    return re.sub(r"<style>.*?</style>", "", html, flags=re.S)


# -- compile_basis ------------------------------------------------------------------------------


def test_groups_by_level_then_name_with_articles_in_number_order(units: dict[str, Unit]) -> None:
    docs = _docs(units["lsj-cgj"], "internal")
    groups = basis.compile_basis(docs)
    names = [g.name for g in groups]
    assert len(names) == len(set(names))
    keys = [(basis.LEVEL_ORDER.index(g.level or ""), g.name) for g in groups]
    assert keys == sorted(keys)
    assert [g.level for g in groups][:6] == ["法律"] * 6
    assert {g.level for g in groups[6:]} == {"行政法规"}
    for g in groups:
        numbers = [(a.number, a.suffix) for a in g.articles]
        assert numbers == sorted(numbers) and len(numbers) == len(set(numbers)), g.name
        assert g.found and g.facts[0] == ("效力层级", g.level)

    roads = next(g for g in groups if g.name == "城市道路管理条例")
    assert [a.label for a in roads.articles] == [
        "第二十七条",
        "第三十条",
        "第三十一条",
        "第三十三条",
        "第三十七条",
        "第四十二条",
    ]
    fee = next(a for a in roads.articles if a.label == "第三十七条")
    assert [(p.id, p.use) for p in fee.powers] == [("XK-001", "收费依据（实施依据）")]
    sewage = next(g for g in groups if g.name == "城镇排水与污水处理条例")
    shared = sewage.articles[0]
    assert shared.label == "第二十一条"
    assert [(p.id, p.role) for p in shared.powers] == [("XK-004", "设定依据"), ("CF-002", "实施依据")]
    city = next(g for g in groups if g.name == "城市市容和环境卫生管理条例")
    eleventh = next(a for a in city.articles if a.label == "第十一条")
    assert eleventh.powers[0].cited == "第十一条第二款"  # the 款 cited is kept beside the article
    licensing = next(g for g in groups if g.name == LICENSING)
    assert [p.id for p in licensing.articles[0].powers] == ["XK-001", "XK-002", "XK-003", "XK-004"]
    assert licensing.facts == (
        ("效力层级", "法律"),
        ("制定机关", "全国人民代表大会常务委员会"),
        ("时效性", "有效"),
        ("公布日期", "2003年8月27日"),
        ("施行日期", "2004年7月1日"),
        ("最近修改", "2019年4月23日"),
    )


def test_every_citation_of_the_audience_is_compiled_once(units: dict[str, Unit]) -> None:
    for unit in units.values():
        for audience in ("public", "internal"):
            docs = _docs(unit, audience)
            want: set[tuple[str, str, int]] = set()
            for power in docs.powers:
                cites = [*power.basis, power.fee.basis, power.secrecy.basis if power.secrecy else None]
                for c in cites:
                    if c is not None:
                        ref, found = parse_article(c.article), docs.laws.resolve(c.law)
                        assert ref is not None and found is not None
                        want.add((power.id, found.law.name, ref.number))
            got = [(p.id, g.name, a.number) for g in basis.compile_basis(docs) for a in g.articles for p in a.powers]
            assert set(got) == want and len(got) == len(set(got))


def test_short_names_merge_unknown_laws_last_and_facts() -> None:
    groups = basis.compile_basis(_docs(_small(), "internal"))
    assert [g.name for g in groups] == [
        "中华人民共和国宪法",
        "中华人民共和国保守国家秘密法",
        "中华人民共和国环境保护法",  # names of one level in code-point order
        LICENSING,
        "中华人民共和国政府信息公开条例",
        "城市道路管理条例",
        "某某县不存在的规定",
    ]
    licensing = groups[3]
    assert licensing.written == ("行政许可法",)
    assert [a.label for a in licensing.articles] == ["第十二条", "第十三条"]
    twelfth = licensing.articles[0]
    assert [(p.id, p.role, p.cited) for p in twelfth.powers] == [
        ("XK-001", "设定依据", "第十二条第一款第五项"),
        ("XK-002", "设定依据", ""),
    ]
    secrecy = groups[1].articles[0]
    assert [(p.id, p.use) for p in secrecy.powers] == [("XK-004", "不予公开依据")]
    repealed = groups[2]
    assert ("时效性", "已废止") in repealed.facts and not repealed.in_force
    assert repealed.facts[-2:] == (("废止日期", "2026年8月15日"), ("替代法规", "《中华人民共和国生态环境法典》"))
    unknown = groups[-1]
    assert not unknown.found and unknown.level is None
    assert unknown.facts == (("状态", basis.NOT_FOUND),)
    assert [p.id for p in basis.powers_without_basis(_docs(_small()))] == ["XK-003"]


# -- article texts -------------------------------------------------------------------------------


def test_article_text_from_the_index(fixture_index: LawIndex, tmp_path: Path) -> None:
    docs = _docs(_small(), "public", fixture_index)
    licensing = next(g for g in basis.compile_basis(docs) if g.name == LICENSING)
    twelfth, thirteenth = licensing.articles
    assert twelfth.text is not None and ARTICLE_12 in twelfth.text
    assert twelfth.paragraphs[0] == "下列事项可以设定行政许可："  # the label is printed apart, not twice
    assert len(twelfth.paragraphs) == 7 and twelfth.paragraphs[-1].startswith("（六）")
    assert thirteenth.text is not None and ARTICLE_13 in thirteenth.text
    assert licensing.text_version == "2019-04-23" and not licensing.text_stale
    assert licensing.text_note is not None and "2019年4月23日" in licensing.text_note
    roads = next(g for g in basis.compile_basis(docs) if g.name == "城市道路管理条例")
    assert roads.articles[0].text is None and roads.articles[0].note == basis.LAW_NOT_INDEXED

    page = basis.html(docs)
    assert ARTICLE_12 in page and ARTICLE_13 in page
    assert "（六）法律、行政法规规定可以设定行政许可的其他事项。" in page
    body = _docx_text(basis.docx_bytes(docs))
    assert ARTICLE_12 in body and ARTICLE_13 in body


def test_article_missing_from_the_index(units: dict[str, Unit], fixture_index: LawIndex) -> None:
    # The example catalogues cite 行政许可法 第四十二条, which the two-article fixture does not have.
    docs = _docs(units["lsj-cgj"], "public", fixture_index)
    licensing = next(g for g in basis.compile_basis(docs) if g.name == LICENSING)
    assert [a.label for a in licensing.articles] == ["第四十二条"]
    assert licensing.articles[0].text is None and licensing.articles[0].note == basis.ARTICLE_NOT_INDEXED
    assert basis.ARTICLE_NOT_INDEXED in basis.html(docs)


def test_without_index_the_placeholder_appears(units: dict[str, Unit]) -> None:
    docs = _docs(units["lsj-cgj"], "public")
    groups = basis.compile_basis(docs)
    assert all(a.text is None and a.note == basis.NO_INDEX for g in groups for a in g.articles)
    assert basis.NO_INDEX == "（条文未收录：可运行 powerctl laws index 建立法律文本索引）"
    assert basis.NO_INDEX in basis.html(docs)
    assert basis.NO_INDEX in _docx_text(basis.docx_bytes(docs))


def test_real_corpus_has_every_cited_article(units: dict[str, Unit], real_index: tuple[Any, Any]) -> None:
    index, _ = real_index
    for unit in units.values():
        for g in basis.compile_basis(_docs(unit, "internal", index)):
            for a in g.articles:
                assert a.text is not None and a.text.startswith(a.label), (unit.id, g.name, a.label, a.note)


# -- HTML ----------------------------------------------------------------------------------------


def test_html_is_standalone_and_print_ready(units: dict[str, Unit]) -> None:
    docs = _docs(units["lsj-cgj"], "public")
    page = basis.html(docs)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "size: A4 portrait" in page
    assert "<title>冷水江市城市管理局职权依据文件汇编（社会公开版）</title>" in page
    for external in ("<link", "<script", "<img", "@import", "url(", "http://", "https://", "src="):
        assert external not in page, external
    anchors = re.findall(r'href="#([^"]+)"', page)
    ids = set(re.findall(r'id="([^"]+)"', page))
    assert anchors and set(anchors) <= ids
    groups = basis.compile_basis(docs)
    assert len(anchors) == len(groups)
    toc = page[page.index('<nav class="toc">') : page.index("</nav>")]
    assert [re.sub(r"^.*《(.*)》.*$", r"\1", line) for line in re.findall(r"<li>.*</li>", toc)] == [
        g.name for g in groups
    ]
    assert page == basis.html(docs)


def test_html_escapes_hostile_text() -> None:
    unit = _unit(
        _power(
            "XK-001",
            "<script>alert(1)</script>审批",
            "[{law: '<img src=x onerror=alert(1)>某规定', article: 第一条, role: 设定依据},"
            " {law: 中华人民共和国行政许可法, article: '第{{7*7}}条'}]",
        ),
        name="<i>测试</i>局 & {{ 7*7 }}",
    )
    page = _visible(basis.html(_docs(unit, "public")))
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;审批" in page
    # A law name is printed in its normal form: no spaces, Chinese brackets.
    assert "<img" not in page and "&lt;imgsrc=xonerror=alert（1）&gt;某规定" in page
    assert "<i>" not in page and "&lt;i&gt;测试&lt;/i&gt;局 &amp; {{ 7*7 }}" in page
    assert "49" not in page
    assert "第{{7*7}}条" in page and basis.UNREADABLE_ARTICLE in page  # an unreadable article is shown as written
    document = docx.Document(io.BytesIO(basis.docx_bytes(_docs(unit, "public"))))
    assert any("<script>alert(1)</script>审批" in p.text for p in document.paragraphs)


# -- DOCX ----------------------------------------------------------------------------------------


def _runs(document: Any) -> Iterator[Any]:
    for paragraph in document.paragraphs:
        yield from paragraph.runs
    for section in document.sections:
        for paragraph in (*section.footer.paragraphs, *section.header.paragraphs):
            yield from paragraph.runs


def test_docx_structure_fonts_and_page(units: dict[str, Unit], tmp_path: Path) -> None:
    docs = _docs(units["lsj-cgj"], "internal")
    path = tmp_path / "basis.docx"
    basis.write_docx(docs, path)
    document = docx.Document(str(path))
    assert [p.style.name for p in document.paragraphs[:1] if p.style is not None] == ["Title"]
    assert document.paragraphs[0].text == "冷水江市城市管理局职权依据文件汇编"
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    groups = basis.compile_basis(docs)
    assert headings == [f"{int_to_cn(i)}、《{g.name}》" for i, g in enumerate(groups, 1)]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "引用职权：XK-001 临时占用、挖掘城市道路许可（设定依据）" in text
    assert "效力层级：法律" in text

    runs = list(_runs(document))
    assert len(runs) > 100
    for run in runs:
        fonts = run._element.rPr.rFonts
        assert fonts is not None and fonts.get(qn("w:eastAsia")), run.text
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) and fonts.get(qn("w:eastAsiaTheme")) is None, name

    section = document.sections[0]
    assert section.page_width and section.page_height and section.left_margin and section.top_margin
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4 in whole twips
    assert (round(section.left_margin.mm), round(section.top_margin.mm)) == (28, 37)
    assert "PAGE" in _docx_text(path.read_bytes())


def test_docx_is_byte_deterministic(units: dict[str, Unit], tmp_path: Path) -> None:
    docs = _docs(units["lsj-cgj"], "internal")
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    basis.write_docx(docs, first)
    basis.write_docx(_docs(units["lsj-cgj"], "internal"), second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        infos = z.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert {i.date_time for i in infos} == {basis.ZIP_EPOCH}
        core = z.read("docProps/core.xml").decode()
    assert "2026-11-22T00:00:00Z" in core and "冷水江市城市管理局职权依据文件汇编" in core


def test_docx_and_html_do_not_depend_on_the_process(tmp_path: Path) -> None:
    script = (
        "import sys, hashlib; from datetime import date; from pathlib import Path;"
        "from powerctl.catalogue.config import Config; from powerctl.check.engine import validate;"
        "from powerctl.laws.registry import builtin; from powerctl.laws.resolve import LawResolver;"
        "from powerctl.documents.context import UnitDocs, audience_powers; from powerctl.documents import basis;"
        f"units = validate(['catalogues'], Config(root=Path({str(ROOT)!r}))).units;"
        "out = [];"
        "[out.append(hashlib.sha256(basis.docx_bytes(d) + basis.html(d).encode()).hexdigest()) for u in units"
        " for d in [UnitDocs(u, audience_powers(u, 'internal'), 'internal',"
        " LawResolver([builtin()], None, date(2026, 11, 22)), {})]];"
        "print(' '.join(out))"
    )
    digests = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONWARNINGS": "error"}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        digests.append(done.stdout)
    assert digests[0] == digests[1]


# -- audience ------------------------------------------------------------------------------------


def test_public_documents_hold_nothing_of_undisclosed_powers(units: dict[str, Unit]) -> None:
    cases = [
        (
            units["lsj-cgj"],
            ["大额资金使用决策", "中华人民共和国会计法", "中华人民共和国预算法", "行政事业性国有资产管理条例"],
        ),
        (_small(), ["丁许可", "中华人民共和国保守国家秘密法", "中华人民共和国政府信息公开条例"]),
    ]
    for unit, secrets in cases:
        hidden = [p for p in unit.powers if p.disclosure.scope != "社会公开"]
        assert hidden
        public = _docs(unit, "public")
        assert all(p.disclosure.scope == "社会公开" for p in public.powers)
        page, package = basis.html(public), _docx_text(basis.docx_bytes(public))
        cited = [p.id for g in basis.compile_basis(public) for a in g.articles for p in a.powers]
        assert not {p.id for p in hidden} & set(cited)
        for secret in secrets:
            assert secret not in page and secret not in package, secret
        internal = _docs(unit, "internal")
        page, package = basis.html(internal), _docx_text(basis.docx_bytes(internal))
        for secret in secrets:
            assert secret in page and secret in package, secret
