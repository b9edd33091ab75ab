"""Parsing citations: article references (第N条第M款第K项, 第N条之一, Arabic) and 《…》第N条 text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from powerctl.laws.numerals import cn_to_int, int_to_cn

_NUM = r"[零〇一二三四五六七八九十百千万两0-9０-９]+"
_ARTICLE = re.compile(
    rf"^第\s*(?P<n>{_NUM})\s*条(?P<suffix>之[一二三四五六七八九十]+)?"
    rf"(?:\s*第\s*(?P<p>{_NUM})\s*款)?(?:\s*第\s*[（(]?\s*(?P<i>{_NUM})\s*[）)]?\s*项)?$"
)
_CITATION = re.compile(r"《(?P<law>[^》]+)》\s*(?P<article>.*)$")


@dataclass(frozen=True, slots=True)
class ArticleRef:
    number: int
    suffix: str = ""  # 之一, 之二 …
    paragraph: int | None = None  # 款
    item: int | None = None  # 项

    def label(self) -> str:
        text = f"第{int_to_cn(self.number)}条{self.suffix}"
        if self.paragraph is not None:
            text += f"第{int_to_cn(self.paragraph)}款"
        if self.item is not None:
            text += f"第{int_to_cn(self.item)}项"
        return text


def parse_article(value: str | int) -> ArticleRef | None:
    """第十二条 / 第十二条第二款第三项 / 第一百三十三条之一 / 12 / "12" → ArticleRef; None if unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return ArticleRef(value) if value > 0 else None
    text = unicodedata.normalize("NFKC", value).strip()
    if text.isdigit():
        n = int(text)
        return ArticleRef(n) if n > 0 else None
    m = _ARTICLE.match(text)
    if not m:
        return None
    number = cn_to_int(m.group("n"))
    if not number:
        return None
    paragraph = cn_to_int(m.group("p")) if m.group("p") else None
    item = cn_to_int(m.group("i")) if m.group("i") else None
    if paragraph == 0 or item == 0:
        return None
    return ArticleRef(number, m.group("suffix") or "", paragraph, item)


_WRAPPERS = {"《": "》", "〈": "〉", "「": "」", "『": "』", "【": "】", "“": "”", '"': '"', "'": "'", "[": "]"}


def law_name(text: str) -> str:
    """A law's name as written, in its one normal form: no spaces, no 《》 (or other brackets or quotes)
    around the whole name; brackets inside it (上海市实施《中华人民共和国义务教育法》办法) stay, 〈〉 as 《》."""
    name = "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())
    name = name.translate(_FULLWIDTH_BRACKETS)
    while len(name) > 2 and _WRAPPERS.get(name[0]) == name[-1]:
        inner = name[1:-1]
        if inner.count("《") != inner.count("》") or (name[0] == "《" and inner.find("》") < inner.find("《")):
            break
        name = inner
    return name.replace("〈", "《").replace("〉", "》")  # a title inside the name, as printed (`citation_label`)


# NFKC folds full-width brackets to ASCII; law names are written with the Chinese ones.
_FULLWIDTH_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def article_label(value: str | int) -> str:
    """第四十八条第一款第三项 for 48, "48", 第48条, 第四十八条第一款第（三）项 …; text that is not an
    article reference stays as written (without surrounding spaces), for the rules to report."""
    ref = parse_article(value)
    if ref is not None:
        return ref.label()
    return str(value).strip()


def citation_label(law: str, article: str | int | None) -> str:
    """《中华人民共和国行政许可法》第十二条: how every output prints a citation (a title inside the title in 〈〉,
    as the punctuation standard GB/T 15834 has it: 《河南省实施〈中华人民共和国村民委员会组织法〉办法》)."""
    name = law_name(law).replace("《", "〈").replace("》", "〉")
    return f"《{name}》" + (article_label(article) if article not in (None, "") else "")


_ITEM_LINE = re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")
_ARTICLE_LABEL = re.compile(rf"^第\s*{_NUM}\s*条(?:之[一二三四五六七八九十]+)?\s*")


def article_structure(text: str) -> list[int]:
    """The number of items (项) in each paragraph (款) of an article's text as indexed: one line per
    paragraph or item, items written （一）（二）…; the article's own label (第N条) starts the first line."""
    counts: list[int] = []
    for index, raw in enumerate(text.split("\n")):
        line = _ARTICLE_LABEL.sub("", raw.strip(), count=1) if index == 0 else raw.strip()
        if not line:
            continue
        if _ITEM_LINE.match(line):
            if not counts:
                counts.append(0)
            counts[-1] += 1
        else:
            counts.append(0)
    return counts or [0]


@dataclass(frozen=True, slots=True)
class CitationText:
    law: str
    article: ArticleRef | None
    article_text: str


def parse_citation_text(text: str) -> CitationText | None:
    """《中华人民共和国行政许可法》第十二条 → its law and article; a bare law name is accepted too."""
    text = text.strip()
    m = _CITATION.match(text)
    if m:
        law, rest = m.group("law").strip(), m.group("article").strip()
    else:
        m2 = re.match(r"^(?P<law>.+?)(?P<article>第.+条.*)?$", text)
        if not m2:
            return None
        law, rest = m2.group("law").strip(), (m2.group("article") or "").strip()
    if not law:
        return None
    return CitationText(law, parse_article(rest) if rest else None, rest)


_ELLIPSIS = re.compile(r"(?:…+|\.{3,}|⋯+)")


def normalise_text(text: str) -> str:
    """Text for comparing quotes: NFKC width folding, no whitespace or punctuation."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def quote_matches(quote: str, article_text: str) -> bool:
    """Whether the quote's fragments (split at ……) occur, in order, in the article text."""
    haystack = normalise_text(article_text)
    pos = 0
    for fragment in _ELLIPSIS.split(quote):
        needle = normalise_text(fragment)
        if not needle:
            continue
        found = haystack.find(needle, pos)
        if found < 0:
            return False
        pos = found + len(needle)
    return True
