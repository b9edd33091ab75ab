"""一件: the legal-basis compilation (职权依据文件汇编) of a unit as HTML and DOCX, grouped by law.
compile_basis is the pure part (citations → laws → articles → citing powers); the writers only lay it out."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.styles import CT_Style
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.run import CT_R
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from powerctl.catalogue.model import Citation, Power
from powerctl.documents import archive
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs, environment
from powerctl.laws.citation import ArticleRef, parse_article
from powerctl.laws.numerals import int_to_cn
from powerctl.laws.resolve import Resolved

TEMPLATE = "documents/basis.html.j2"
LEVEL_ORDER = ("宪法", "法律", "行政法规", "地方性法规", "自治条例和单行条例", "部门规章", "地方政府规章", "规范性文件")
NOT_FOUND = "未在法规库中找到"
NO_INDEX = "（条文未收录：可运行 powerctl laws index 建立法律文本索引）"
LAW_NOT_INDEXED = "（条文未收录：法律文本索引中没有该法规）"
ARTICLE_NOT_INDEXED = "（条文未收录：法律文本索引中没有该条）"
DATE_FACTS = ("公布日期", "施行日期", "最近修改", "废止日期", "替代法规")
UNREADABLE_ARTICLE = "（条款无法识别，未能查找条文）"

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


@dataclass(frozen=True, slots=True)
class CitingPower:
    """One power citing an article, and how: 设定依据/实施依据 of the power, or the basis of its fee or secrecy."""

    id: str
    name: str
    role: str  # 设定依据 | 实施依据 | 依据 (no role written)
    purpose: str  # 职权 | 收费 | 不予公开
    cited: str  # the article as cited when it names a 款/项 (第十一条第二款), else ""

    @property
    def use(self) -> str:
        """设定依据 / 收费依据（实施依据） / 不予公开依据 …: the role as one reads it in the compilation."""
        if self.purpose == "职权":
            return self.role
        inner = f"（{self.role}）" if self.role != "依据" else ""
        return f"{self.purpose}依据{inner}"


@dataclass(frozen=True, slots=True)
class ArticleEntry:
    """One cited article of a law (cited 款/项 folded into their article), with its text when the index has it."""

    number: int | None  # None: the article as written could not be read
    suffix: str
    label: str  # 第十二条 / 第十二条之一, or the unreadable text as written
    text: str | None  # from the law index: label included, one line per paragraph
    note: str | None  # why there is no text
    powers: tuple[CitingPower, ...]

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The text's paragraphs, the article's own label taken off the first (the layout prints it in bold)."""
        if self.text is None:
            return ()
        lines = [line.strip() for line in self.text.splitlines() if line.strip()]
        if lines and lines[0].startswith(self.label):
            lines[0] = lines[0][len(self.label) :].lstrip()
            if not lines[0]:
                lines.pop(0)
        return tuple(lines)


@dataclass(frozen=True, slots=True)
class LawGroup:
    """One law of the compilation: its facts and the articles the audience's powers cite."""

    name: str  # the full name when a registry or the index knows the law, else as written
    written: tuple[str, ...]  # other names the catalogue wrote for it (short names), sorted
    found: bool
    level: str | None
    issued_by: str | None
    promulgated: str | None  # ISO dates
    effective: str | None
    amended: str | None  # the last amendment
    status: str | None  # 有效 | 已废止 | 尚未生效
    repealed: str | None
    replaced_by: str | None
    source: str | None  # the registry that knew it
    text_version: str | None  # date of the indexed version the article texts come from
    text_stale: bool  # that version predates the law's last amendment
    articles: tuple[ArticleEntry, ...]

    @property
    def facts(self) -> tuple[tuple[str, str], ...]:
        """(label, value) lines for the law's header; a law no registry knows says so."""
        if not self.found:
            return (("状态", NOT_FOUND),)
        pairs = [
            ("效力层级", self.level or "未注明"),
            ("制定机关", self.issued_by),
            ("时效性", self.status),
            ("公布日期", cn_date(self.promulgated)),
            ("施行日期", cn_date(self.effective)),
            ("最近修改", cn_date(self.amended)),
            ("废止日期", cn_date(self.repealed)),
            ("替代法规", f"《{self.replaced_by}》" if self.replaced_by else None),
        ]
        return tuple((k, v) for k, v in pairs if v)

    @property
    def in_force(self) -> bool:
        return self.found and self.status == "有效"

    @property
    def text_note(self) -> str | None:
        if self.text_version is None:
            return None
        note = f"条文据法律文本索引 {cn_date(self.text_version) or self.text_version}版本"
        if self.text_stale:
            note += f"，早于最近一次修改（{cn_date(self.amended or self.promulgated)}），仅供参考"
        return note


def cn_date(iso: str | None) -> str | None:
    """2019-04-23 → 2019年4月23日; anything else unchanged."""
    if not iso:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日" if m else iso


def _level_rank(level: str | None) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def _cited(power: Power) -> Iterable[tuple[Citation, str]]:
    for c in power.basis:
        yield c, "职权"
    if power.fee.basis is not None:
        yield power.fee.basis, "收费"
    if power.secrecy is not None and power.secrecy.basis is not None:
        yield power.secrecy.basis, "不予公开"


def _article_text(docs: UnitDocs, found: Resolved | None, number: int | None, suffix: str) -> tuple[str | None, str]:
    index = docs.laws.index
    if number is None:
        return None, UNREADABLE_ARTICLE
    if index is None:
        return None, NO_INDEX
    if found is None or found.indexed is None:
        return None, LAW_NOT_INDEXED
    text = index.article(found.indexed.title, number, suffix=suffix)
    return (text, "") if text is not None else (None, ARTICLE_NOT_INDEXED)


@dataclass(frozen=True, slots=True)
class _Cite:
    ref: ArticleRef | None
    raw: str
    power: CitingPower


def _group(docs: UnitDocs, name: str, found: Resolved | None, written: set[str], cites: list[_Cite]) -> LawGroup:
    articles: dict[tuple[int, str] | str, list[CitingPower]] = {}
    for cite in cites:
        key: tuple[int, str] | str = (cite.ref.number, cite.ref.suffix) if cite.ref is not None else cite.raw
        bucket = articles.setdefault(key, [])
        if cite.power not in bucket:
            bucket.append(cite.power)
    entries: list[ArticleEntry] = []
    for key in sorted(articles, key=lambda k: (0, *k) if isinstance(k, tuple) else (1, 0, k)):
        if isinstance(key, tuple):
            number, suffix = key
            label = ArticleRef(number, suffix).label()
            text, note = _article_text(docs, found, number, suffix)
        else:
            number, suffix, label = None, "", key
            text, note = _article_text(docs, found, None, "")
        entries.append(ArticleEntry(number, suffix, label, text, note or None, tuple(articles[key])))
    if found is None:
        return LawGroup(
            name=name,
            written=tuple(sorted(written - {name})),
            found=False,
            level=None,
            issued_by=None,
            promulgated=None,
            effective=None,
            amended=None,
            status=None,
            repealed=None,
            replaced_by=None,
            source=None,
            text_version=None,
            text_stale=False,
            articles=tuple(entries),
        )
    law = found.law
    version = found.indexed.versions[-1].date if found.indexed is not None and found.indexed.versions else None
    stale = bool(version and law.last_changed and version < law.last_changed)
    return LawGroup(
        name=name,
        written=tuple(sorted(written - {name})),
        found=True,
        level=law.level or None,
        issued_by=law.issued_by,
        promulgated=law.promulgated,
        effective=law.effective,
        amended=law.amended[-1] if law.amended else None,
        status=law.status or None,
        repealed=law.repealed,
        replaced_by=law.replaced_by,
        source=found.source,
        text_version=version or None,
        text_stale=stale,
        articles=tuple(entries),
    )


def compile_basis(docs: UnitDocs) -> list[LawGroup]:
    """Every citation of the audience's powers grouped by law (by level, then name); articles in number order."""
    by_law: dict[str, tuple[Resolved | None, set[str], list[_Cite]]] = {}
    for power in docs.powers:
        for citation, purpose in _cited(power):
            written = citation.law
            found = docs.laws.resolve(citation.law)
            name = found.law.name if found is not None else written
            ref = parse_article(citation.article)
            raw = str(citation.article).strip()
            cited = ref.label() if ref is not None and (ref.paragraph or ref.item) else ""
            who = CitingPower(power.id, power.name, citation.role or "依据", purpose, cited)
            entry = by_law.setdefault(name, (found, set(), []))
            entry[1].add(written)
            entry[2].append(_Cite(ref, raw, who))
    groups = [_group(docs, name, found, written, cites) for name, (found, written, cites) in by_law.items()]
    groups.sort(key=lambda g: (_level_rank(g.level), g.name))
    return groups


def powers_without_basis(docs: UnitDocs) -> list[Power]:
    """The audience's powers in force that cite nothing (建议废止): listed at the end of the compilation."""
    return [p for p in docs.powers if not p.basis and not p.ended]


def title(docs: UnitDocs) -> str:
    return f"{docs.unit.name}职权依据文件汇编"


# -- HTML ------------------------------------------------------------------------------------------


def html(docs: UnitDocs) -> str:
    """The compilation as one standalone, print-ready HTML page (A4 portrait, no external resources)."""
    groups = compile_basis(docs)
    template = environment().get_template(TEMPLATE)
    return template.render(
        title=title(docs),
        unit=docs.unit,
        audience=AUDIENCE_ZH.get(docs.audience, docs.audience),
        today=cn_date(docs.laws.today.isoformat()),
        groups=groups,
        citations=sum(len(a.powers) for g in groups for a in g.articles),
        powers=len(docs.powers),
        without_basis=powers_without_basis(docs),
        numeral=_numeral,
    )


def _numeral(n: int) -> str:
    return int_to_cn(n)


# -- DOCX ------------------------------------------------------------------------------------------


def set_fonts(element: CT_R | CT_Style, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and East-Asian typefaces of a run or style's rPr, dropping theme fonts that would win."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


# The w:rPr made by _run for each (font, bold, size, grey): a copy of it is several times faster than setting
# the properties through python-docx, which looks up every child's place in the schema again for each run.
_RUN_PROPERTIES: dict[tuple[str, bool, float | None, bool], CT_RPr] = {}


def _add_run(paragraph: Paragraph, text: str) -> Run:
    """``paragraph.add_run(text)``: the same XML, without python-docx's character-by-character scan for tabs
    and line breaks when the text has none."""
    if "\t" in text or "\n" in text or "\r" in text:
        return paragraph.add_run(text)  # python-docx turns these into w:tab / w:br elements
    r = paragraph._p.add_r()
    if text:
        r.add_t(text)
    return Run(r, paragraph)


def add_text(
    paragraph: Paragraph,
    text: str,
    *,
    font: str = BODY_FONT,
    bold: bool = False,
    size: float | None = None,
    grey: bool = False,
) -> Run:
    run = _add_run(paragraph, _NOT_XML.sub("", text))
    key = (font, bold, size, grey)
    properties = _RUN_PROPERTIES.get(key)
    if properties is not None:
        run._element.insert(0, deepcopy(properties))  # w:rPr is a run's first child
        return run
    set_fonts(run._element, font)
    run.bold = bold or None
    if size is not None:
        run.font.size = Pt(size)
    if grey:
        run.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    _RUN_PROPERTIES[key] = deepcopy(run._element.get_or_add_rPr())
    return run


def set_style(doc: DocxDocument, name: str, font: str, size: float, *, bold: bool = False) -> ParagraphStyle:
    style = doc.styles[name]
    assert isinstance(style, ParagraphStyle)
    set_fonts(style.element, font)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    return style


def _setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    # GB/T 9704 page margins (天头 37 mm, 订口 28 mm).
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    normal = set_style(doc, "Normal", BODY_FONT, 12)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.3
    set_style(doc, "Title", HEADING_FONT, 22, bold=False).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name, size in (("Heading 1", 16), ("Heading 2", 14)):
        heading = set_style(doc, name, HEADING_FONT, size, bold=False)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
    title_style = doc.styles["Title"]
    assert isinstance(title_style, ParagraphStyle)
    # The default Title style has a bottom border line; an official compilation has none.
    ppr = title_style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    add_page_number(section)


def add_page_number(section: Section) -> None:
    """— 1 — centred in the footer, as official documents number their pages."""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(footer, "— ", size=10.5)
    page = add_text(footer, "", size=10.5)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            page._element.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            page._element.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            page._element.append(t)
    add_text(footer, " —", size=10.5)


def document_bytes(doc: DocxDocument, title: str, author: str, when: datetime) -> bytes:
    """A Word document as reproducible bytes: its times fixed to `when` (from the input, never the clock), saved
    and repacked (fixed times and modes, entries in the same order)."""
    core = doc.core_properties
    core.title = title
    core.author = author
    core.last_modified_by = "powerctl"
    core.created = core.modified = core.last_printed = when
    core.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return archive.repack(out.getvalue())


def _fixed_core(doc: DocxDocument, docs: UnitDocs) -> None:
    when = datetime(docs.laws.today.year, docs.laws.today.month, docs.laws.today.day, tzinfo=UTC)
    core = doc.core_properties
    core.title = title(docs)
    core.subject = "职权依据文件汇编"
    core.author = docs.unit.name
    core.last_modified_by = "powerctl"
    core.created = when
    core.modified = when
    core.last_printed = when
    core.revision = 1
    core.keywords = ""
    core.comments = ""


def _heading(doc: DocxDocument, style_id: str) -> Paragraph:
    """A new paragraph in the given (non-default) style. The same XML as ``doc.add_paragraph(style=name)``, which
    searches the whole style list twice per paragraph (for the name, then for the default style)."""
    paragraph = doc.add_paragraph()
    paragraph._p.style = style_id
    return paragraph


def docx_bytes(docs: UnitDocs) -> bytes:
    """The compilation as a DOCX package: same input, same bytes."""
    groups = compile_basis(docs)
    doc = Document()
    _setup(doc)
    _fixed_core(doc, docs)
    heading_1 = doc.styles["Heading 1"].style_id

    add_text(doc.add_paragraph(style="Title"), title(docs), font=HEADING_FONT)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(sub, f"（{AUDIENCE_ZH.get(docs.audience, docs.audience)}）", size=14)
    citations = sum(len(a.powers) for g in groups for a in g.articles)
    intro = doc.add_paragraph()
    intro.paragraph_format.first_line_indent = Pt(24)
    add_text(
        intro,
        f"本汇编收录{docs.unit.name}{len(docs.powers)}项职权引用的法律、法规、规章及规范性文件{len(groups)}部、"
        f"引用{citations}处，按效力层级排列；法规效力状态核对日期：{cn_date(docs.laws.today.isoformat())}。",
    )

    if groups:
        toc = doc.add_paragraph(style="Heading 2")
        toc.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_text(toc, "目　录", font=HEADING_FONT)
        for i, group in enumerate(groups, 1):
            line = doc.add_paragraph()
            line.paragraph_format.space_after = Pt(0)
            add_text(line, f"{_numeral(i)}、《{group.name}》")
            add_text(line, f"　{group.level or '效力层级不明'}", grey=True, size=10.5)
    else:
        add_text(doc.add_paragraph(), "本目录所列职权均未引用法律依据。")

    for i, group in enumerate(groups, 1):
        heading = _heading(doc, heading_1)
        heading.paragraph_format.page_break_before = i == 1
        add_text(heading, f"{_numeral(i)}、《{group.name}》", font=HEADING_FONT)
        facts = doc.add_paragraph()
        facts.paragraph_format.keep_with_next = True
        first_date = True
        for j, (label, value) in enumerate(group.facts):
            if label in DATE_FACTS and first_date and j:
                first_date = False
                add_text(facts, "").add_break()
            elif j:
                add_text(facts, "　", size=10.5)
            add_text(facts, f"{label}：", bold=True, size=10.5)
            warn = label in ("时效性", "状态") and not group.in_force
            value_run = add_text(facts, value, size=10.5, bold=warn)
            if warn:
                value_run.font.color.rgb = RGBColor(0xB0, 0, 0)
        if group.written:
            written = doc.add_paragraph()
            written.paragraph_format.keep_with_next = True
            add_text(written, "目录中写作：" + "、".join(f"《{w}》" for w in group.written), size=10.5)
        if group.text_note:
            note = doc.add_paragraph()
            note.paragraph_format.keep_with_next = True
            add_text(note, group.text_note, size=10.5, grey=True)
        for article in group.articles:
            paragraphs = article.paragraphs
            first = doc.add_paragraph()
            first.paragraph_format.space_before = Pt(6)
            first.paragraph_format.keep_with_next = True
            add_text(first, article.label, font=HEADING_FONT, bold=True)
            if paragraphs:
                add_text(first, "　" + paragraphs[0])
                for n, text in enumerate(paragraphs[1:], 2):
                    p = doc.add_paragraph()
                    p.paragraph_format.first_line_indent = Pt(24)
                    p.paragraph_format.keep_with_next = n == len(paragraphs)  # the citing powers follow
                    add_text(p, text)
            else:
                add_text(first, "　" + (article.note or ""), grey=True)
            cite = doc.add_paragraph()
            cite.paragraph_format.left_indent = Pt(24)
            add_text(cite, "引用职权：", bold=True, size=10.5, grey=True)
            add_text(cite, _powers_line(article.powers), size=10.5, grey=True)

    without = powers_without_basis(docs)
    if without:
        add_text(_heading(doc, heading_1), "附：未列依据的职权", font=HEADING_FONT)
        for power in without:
            add_text(doc.add_paragraph(), f"{power.id}　{power.name}（无合法依据的，建议废止）")

    buffer = io.BytesIO()
    doc.save(buffer)
    return archive.repack(buffer.getvalue())  # fixed times and modes, entries in the same order


def _powers_line(powers: Iterable[CitingPower]) -> str:
    parts = []
    for p in powers:
        cited = f"，{p.cited}" if p.cited else ""
        parts.append(f"{p.id} {p.name}（{p.use}{cited}）")
    return "；".join(parts)


def write_docx(docs: UnitDocs, path: Path) -> None:
    """Write the compilation's DOCX to path (byte-deterministic)."""
    path.write_bytes(docx_bytes(docs))
