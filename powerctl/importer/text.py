"""Citations and time limits as offices write them in a table cell."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from powerctl.laws.citation import article_label, law_name, parse_article

_NUM = r"[零〇一二三四五六七八九十百千两0-9]+"
_ARTICLE = rf"第{_NUM}条(?:之[一二三四五六七八九十]+)?(?:第{_NUM}款)?(?:第[（(]?{_NUM}[）)]?项)?"
# A law's name: inside 《》, or Chinese text ending the way law names end, before its first article.
_NAMED = re.compile(r"《(?P<law>[^《》]+(?:《[^《》]+》[^《》]*)?)》")
# Without 《》 a name counts only when an article follows it, or when it is plainly a name (中华人民共和国…,
# 国务院…): 见相关规定 is not a law.
_BARE = re.compile(
    r"(?P<law>(?:中华人民共和国|国务院)[\u4e00-\u9fff（）]{1,40}?"
    r"(?:法|条例|规定|办法|细则|规则|决定|规章|意见|通知|标准|规范|目录))(?=第|\s*$|[，,；;。、（\s])"
    r"|(?P<named>[\u4e00-\u9fff（）]{2,40}?(?:法|条例|规定|办法|细则|规则|决定))(?=第)"
)
_ARTICLES = re.compile(
    rf"(?P<first>{_ARTICLE})(?:\s*(?:至|-|—|～|~)\s*(?P<last>{_ARTICLE}))?"
    rf"|(?<=[、，,和及与])\s*(?P<more>{_ARTICLE})"
)
_QUOTE = re.compile(r"^[：:]\s*[“\"「](?P<q>[^”\"」]+)[”\"」]|^[：:]\s*(?P<plain>[^；;\n]+)")
_NUMBERING = re.compile(r"(?:^|\s)(?:[0-9]+[.．、]|[（(][0-9一二三四五六七八九十]+[）)])\s*")
MAX_RANGE = 10
_NO_BASIS = {"无", "暂无", "/", "-", "—", "无依据", "待补充"}


@dataclass(frozen=True)
class ParsedCitation:
    law: str
    article: str  # 第N条… in its normal form, or "" when the text names a law without an article
    quote: str | None = None


@dataclass(frozen=True)
class Parsed:
    citations: tuple[ParsedCitation, ...]
    leftover: str  # text that read as neither a law nor an article (reported, never dropped silently)


def _expand(first: str, last: str | None) -> list[str]:
    a = parse_article(first)
    if last is None or a is None:
        return [article_label(first)]
    b = parse_article(last)
    if b is None or b.number < a.number or b.number - a.number >= MAX_RANGE or a.paragraph or b.paragraph:
        return [article_label(first), article_label(last)]
    return [article_label(str(n)) for n in range(a.number, b.number + 1)]


def _pieces(text: str) -> list[str]:
    """A cell split into its citations: by ；; newlines and list numbering (1. 2、（1）)."""
    text = unicodedata.normalize("NFKC", text).replace("\r", "\n")
    text = text.replace("(", "（").replace(")", "）").replace("<<", "《").replace(">>", "》")
    text = _NUMBERING.sub("\n", text)
    parts = re.split(r"[；;\n]+|。(?=《)", text)
    return [p.strip(" ，,。、") for p in parts if p.strip(" ，,。、")]


def parse_citations(text: str) -> Parsed:
    """Every law and article a cell cites: 《A》第N条第M款第K项, 第N条至第M条, 第N条、第M条, a quoted
    article text after a colon, a law without an article; bare law names (中华人民共和国行政许可法第十二条)."""
    found: list[ParsedCitation] = []
    left: list[str] = []
    for piece in _pieces(text):
        if piece in _NO_BASIS:
            continue
        laws = [(m.start(), m.end(), m.group("law")) for m in _NAMED.finditer(piece)]
        if not laws:
            laws = [(m.start(), m.end(), m.group("law") or m.group("named")) for m in _BARE.finditer(piece)]
        if not laws:
            left.append(piece)
            continue
        for index, (_, end, law) in enumerate(laws):
            stop = laws[index + 1][0] if index + 1 < len(laws) else len(piece)
            rest = piece[end:stop]
            articles: list[str] = []
            consumed = 0
            quote: str | None = None
            for m in _ARTICLES.finditer(rest):
                if rest[consumed : m.start()].strip(" 、，,和及与") and articles:
                    break
                if m.group("first"):
                    articles.extend(_expand(m.group("first"), m.group("last")))
                else:
                    articles.append(article_label(m.group("more")))
                consumed = m.end()
            if not articles:
                item = re.search(rf"第{_NUM}项", rest)  # an item of a decision: 国务院令第412号第101项
                if item:
                    articles.append(item.group(0))
                    consumed = item.end()
            tail = rest[consumed:].strip()
            q = _QUOTE.match(tail)
            if q and articles:
                quote = (q.group("q") or q.group("plain") or "").strip() or None
            name = law_name(law)
            for i, article in enumerate(articles or [""]):
                last = bool(articles) and i == len(articles) - 1
                found.append(ParsedCitation(name, article, quote if last else None))
    return Parsed(tuple(found), "；".join(left))


@dataclass(frozen=True)
class Days:
    days: int | None  # None: no limit (无、不适用)
    unit: str  # 工作日 | 自然日


_DAYS = re.compile(rf"(?P<n>{_NUM})\s*(?:个)?\s*(?P<unit>工作日|自然日|日|天)")
_NONE = {"无", "无法定时限", "不适用", "/", "-", "—", "无规定", "法律未规定", "未规定"}
_NOW = {"即办", "即时办理", "当场办理", "立即办理", "当即办理", "当场", "即办件"}


def parse_days(text: str, unit: str | None = None) -> Days | None:
    """20个工作日 / 自立案之日起90日 / 15天 / 即办 / 无 → Days; a bare number (20) only when the column names
    its unit (`unit`); None when the text says something else."""
    from powerctl.laws.numerals import cn_to_int

    t = unicodedata.normalize("NFKC", text).strip().rstrip("。")
    if not t or t in _NONE:
        return Days(None, "工作日")
    if t in _NOW or any(t.startswith(w) for w in _NOW):
        return Days(0, "工作日")
    if unit is not None and re.fullmatch(r"[0-9]+", t):
        return Days(int(t), unit)
    found = _DAYS.findall(t)
    if len(found) != 1:
        return None
    n, unit = found[0]
    number = cn_to_int(n)
    if number is None:
        return None
    return Days(number, "工作日" if unit == "工作日" else "自然日")
