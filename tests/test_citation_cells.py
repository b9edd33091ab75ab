"""Citations in a table cell as offices write them: every one read, or reported with its reason (issue 33)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from powerctl.importer.text import NO_ARTICLE, UNREAD_REF, parse_citations
from powerctl.laws.citation import ArticleRef
from powerctl.laws.numerals import int_to_cn
from powerctl.laws.registry import builtin

LAWS = sorted({law.name for law in builtin().laws if "《" not in law.name})
BARE_OK = [n for n in LAWS if n.startswith("中华人民共和国") and n.endswith(("法", "条例", "规定", "办法"))]
SEPARATORS = ["、", "，", "和", "及", "以及", " 、", "， "]
QUOTE_TEXT = "依法应当申请许可的，由县级以上人民政府处理；个人之间的争议……第十条规定的《价格法》第（一）项1.罚款"

Cite = tuple[str, str, str | None]


def _numeral(n: int, arabic: bool) -> str:
    return str(n) if arabic else int_to_cn(n)


@st.composite
def _item(draw: st.DrawFn, k: int) -> str:
    style = draw(st.sampled_from(["（{}）", "({})", "{}"]))
    return "第" + style.format(int_to_cn(k)) + "项"


@st.composite
def _refs(draw: st.DrawFn) -> tuple[str, list[ArticleRef]]:
    """One reference group: 第N条[第M款][第K项] with its siblings (、第（三）项 / 、第二款), or a range 第N条至第M条."""
    n = draw(st.integers(1, 300))
    arabic = draw(st.booleans())
    if draw(st.integers(0, 5)) == 0:
        last = draw(st.integers(n + 1, n + 9))
        text = f"第{_numeral(n, arabic)}条{draw(st.sampled_from(['至', '-', '—', '～']))}第{_numeral(last, arabic)}条"
        return text, [ArticleRef(m) for m in range(n, last + 1)]
    text = f"第{_numeral(n, arabic)}条"
    paragraph = draw(st.none() | st.integers(1, 9))
    item = draw(st.none() | st.integers(1, 12))
    if paragraph is not None:
        text += f"第{int_to_cn(paragraph)}款"
    if item is not None:
        text += draw(_item(item))
    refs = [ArticleRef(n, "", paragraph, item)]
    for _ in range(draw(st.integers(0, 2))):
        sep = draw(st.sampled_from(SEPARATORS))
        if item is not None and draw(st.booleans()):
            item = draw(st.integers(1, 12))
            text += sep + draw(_item(item))
        else:
            paragraph, item = draw(st.integers(1, 9)), None
            text += sep + f"第{int_to_cn(paragraph)}款"
        refs.append(ArticleRef(n, "", paragraph, item))
    return text, refs


@st.composite
def _law(draw: st.DrawFn, alone: bool) -> tuple[str, list[Cite]]:
    """A law and its references (one or more groups), with an optional quote of article text after any group."""
    bare = alone and draw(st.integers(0, 3)) == 0
    name = draw(st.sampled_from(BARE_OK if bare else LAWS))
    text = name if bare else f"《{name}》"
    expected: list[Cite] = []
    for index in range(draw(st.integers(1, 3))):
        if index:
            text += draw(st.sampled_from(SEPARATORS))
        words, refs = draw(_refs())
        text += words
        expected.extend((name, r.label(), None) for r in refs)
        if draw(st.integers(0, 2)) == 0:
            quote = draw(st.text(st.sampled_from(QUOTE_TEXT), min_size=1, max_size=30)).strip() or "罚款"
            text += draw(st.sampled_from(["：", ":", ""])) + f"“{quote}”"
            expected[-1] = (name, expected[-1][1], quote)
    return text, expected


@st.composite
def _cell(draw: st.DrawFn) -> tuple[str, list[Cite]]:
    count = draw(st.integers(1, 3))
    numbered = draw(st.booleans())
    text, expected = "", []
    for index in range(count):
        words, cites = draw(_law(count == 1))
        if index:
            text += draw(st.sampled_from(["；", "\n", "；\n", "。\n", "，", "、"] if not numbered else ["\n", "；"]))
        if numbered:
            text += draw(st.sampled_from([f"{index + 1}.", f"{index + 1}、", f"（{index + 1}）"]))
        text += words
        expected.extend(cites)
    return text, expected


@settings(max_examples=400, deadline=None)
@given(_cell())
def test_every_generated_citation_is_read_exactly(cell: tuple[str, list[Cite]]) -> None:
    text, expected = cell
    parsed = parse_citations(text)
    assert [(c.law, c.article, c.quote) for c in parsed.citations] == expected, text
    assert parsed.unread == (), text


# Cells as they stand in published 权责清单 (市场监管, 自然资源, 住建, 交通运输, 乡镇).
EXAMPLES: list[tuple[str, list[Cite]]] = [
    (
        "《中华人民共和国价格法》第十四条第（一）项、第（三）项，第四十条第一款",
        [
            ("中华人民共和国价格法", "第十四条第一项", None),
            ("中华人民共和国价格法", "第十四条第三项", None),
            ("中华人民共和国价格法", "第四十条第一款", None),
        ],
    ),
    (
        "《中华人民共和国土地管理法》第十四条第二款：“单位之间的争议，由县级以上人民政府处理；个人之间、个人与单位"
        "之间的争议，由乡级人民政府或者县级以上人民政府处理。”",
        [
            (
                "中华人民共和国土地管理法",
                "第十四条第二款",
                "单位之间的争议，由县级以上人民政府处理；个人之间、个人与单位之间的争议，由乡级人民政府或者县级以上人民"
                "政府处理。",
            )
        ],
    ),
    # a township's CSV: the article after a space, or on the next line, or after the edition in brackets
    ("《中华人民共和国土地管理法》 第十四条 第二款", [("中华人民共和国土地管理法", "第十四条第二款", None)]),
    ("《中华人民共和国土地管理法》\r\n第十四条第二款", [("中华人民共和国土地管理法", "第十四条第二款", None)]),
    ("依据中华人民共和国土地管理法第十四条第二款", [("中华人民共和国土地管理法", "第十四条第二款", None)]),
    (
        "《中华人民共和国土地管理法》（2019年修正）第 十四 条第 二 款",
        [("中华人民共和国土地管理法", "第十四条第二款", None)],
    ),
    (
        "1.《中华人民共和国城乡规划法》第六十五条；2.《村庄和集镇规划建设管理条例》第三十七条、第三十八条",
        [
            ("中华人民共和国城乡规划法", "第六十五条", None),
            ("村庄和集镇规划建设管理条例", "第三十七条", None),
            ("村庄和集镇规划建设管理条例", "第三十八条", None),
        ],
    ),
    (
        "《中华人民共和国道路运输条例》第十条、第十一条和第十三条，第六十三条至第六十五条",
        [
            ("中华人民共和国道路运输条例", f"第{n}条", None)
            for n in ("十", "十一", "十三", "六十三", "六十四", "六十五")
        ],
    ),
    (
        "“建设工程质量管理条例”第五十六条第(一)项至第(三)项",
        [("建设工程质量管理条例", f"第五十六条第{k}项", None) for k in "一二三"],
    ),
    (
        "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）附件第101项",
        [("国务院对确需保留的行政审批项目设定行政许可的决定", "第101项", None)],
    ),
]


def test_published_cells() -> None:
    for text, expected in EXAMPLES:
        parsed = parse_citations(text)
        assert [(c.law, c.article, c.quote) for c in parsed.citations] == expected, text
        assert parsed.unread == (), (text, parsed.unread)


def test_what_cannot_be_read_is_reported_with_its_reason() -> None:
    parsed = parse_citations("《中华人民共和国价格法》第十四第二款，第四十条")
    assert [c.article for c in parsed.citations] == ["第四十条"]
    assert parsed.unread == (("第十四", UNREAD_REF), ("第二款", NO_ARTICLE))
    parsed = parse_citations("《中华人民共和国价格法》第十四第二款")
    assert parsed.citations == () and len(parsed.unread) == 2  # not a citation of the whole law
    parsed = parse_citations("《中华人民共和国价格法》十四条、第四十条：“……”")
    assert [(c.article, c.quote) for c in parsed.citations] == [("第四十条", "……")]
    assert parsed.unread == (("十四条", UNREAD_REF),)
    assert parse_citations("第五条").unread[0][0] == "第五条"  # no law anywhere: reported, not dropped


def test_a_title_inside_a_title_is_printed_in_single_marks_and_read_back() -> None:
    """GB/T 15834: a title inside a title takes 〈〉 — 《河南省实施〈中华人民共和国村民委员会组织法〉办法》 — and the
    name read back from that (or from 《…《…》…》 as clerks write it) is the registry's one form."""
    from powerctl.laws.citation import citation_label, law_name

    name = "河南省实施《中华人民共和国村民委员会组织法》办法"
    printed = citation_label(name, "第五条")
    assert printed == "《河南省实施〈中华人民共和国村民委员会组织法〉办法》第五条"
    assert law_name(printed.removesuffix("第五条")) == name
    assert law_name(f"《{name}》") == name
    assert citation_label("中华人民共和国行政许可法", 12) == "《中华人民共和国行政许可法》第十二条"
