"""Citations and time limits as offices write them in a table cell."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from powerctl.laws.citation import ArticleRef, law_name
from powerctl.laws.numerals import cn_to_int

_NUM = r"[零〇一二三四五六七八九十百千两0-9]+"
# A law's name: inside 《》 (one level of 《》 inside it: 上海市实施《中华人民共和国义务教育法》办法).
_NAMED = re.compile(r"《(?P<law>[^《》]+(?:《[^《》]+》[^《》]*)?)》")
_LAW_END = r"(?:法|条例|规定|办法|细则|规则|决定|规章|意见|通知|标准|规范|目录)"
# Without 《》 a name counts only when an article follows it, or when it is plainly a name (中华人民共和国…,
# 国务院…): 见相关规定 is not a law.
_BARE = re.compile(
    rf"(?P<law>(?:中华人民共和国|国务院)[\u4e00-\u9fff（）]{{1,40}}?{_LAW_END})(?=\s*第|\s*$|[，,；;。、（\s])"
    r"|(?P<named>[\u4e00-\u9fff（）]{2,40}?(?:法|条例|规定|办法|细则|规则|决定))(?=\s*第)"
)
# Words that lead into a name without 《》 and are no part of it: 依据中华人民共和国土地管理法第十四条.
_LEAD = re.compile(
    r"^(?:[一-龥]{0,4}?(?:依据|根据|依照|按照|参照|详见|见|执行|是))(?=中华人民共和国|国务院)|^(?:依据|根据|依照|按照|参照|详见)"
)
# One reference: an article (第N条, 第N条之一), a paragraph (第M款) or an item (第K项, 第（K）项).
_REF = re.compile(
    rf"第\s*(?P<n>{_NUM})\s*条(?:\s*(?P<suffix>之\s*[一二三四五六七八九十]+))?"
    rf"|第\s*(?P<p>{_NUM})\s*款"
    rf"|第\s*(?:（\s*(?P<ib>{_NUM})\s*）|(?P<i>{_NUM}))\s*项"
)
_SEPARATOR = re.compile(r"(?:\s|[、，,和及与或]|以及|并|或者)+")
_RANGE = re.compile(r"\s*(?:至|到|-|—|–|～|~)\s*")
# Text that looks like a reference but is none of the forms above (第十四第二款, 十四条, 第一百条之).
_CITATION_LIKE = re.compile(
    rf"{_NUM}\s*[条款项]|第\s*{_NUM}(?![零〇一二三四五六七八九十百千两0-9]|\s*[号批次年届期版章节编部])"
)
_OPEN_QUOTES = {"“": "”", '"': '"', "「": "」", "『": "』", "‘": "’"}
_NUMBERING = re.compile(r"(?:^|(?<=\s))(?:[0-9]+[.．、]|（[0-9一二三四五六七八九十]+）|[①-⑳])\s*")
_BREAK = re.compile(r"[；;\n]+|。(?=《)")
MAX_RANGE = 10
_NO_BASIS = {"无", "暂无", "/", "-", "—", "无依据", "待补充"}
_NAME_QUOTED = re.compile(rf"“(?P<law>[\u4e00-\u9fff（）《》]{{2,60}}?{_LAW_END})”(?=\s*第)")

UNREAD_LAW = "读不出法律法规名称，未写入依据"
UNREAD_REF = "读不成条款（应写成“第十四条第二款第三项”），未写入依据"
NO_ARTICLE = "款、项前面没有读得出的条，不知是哪一条，未写入依据"


@dataclass(frozen=True)
class ParsedCitation:
    law: str
    article: str  # 第N条… in its normal form, or "" when the text names a law without an article
    quote: str | None = None


@dataclass(frozen=True)
class Parsed:
    citations: tuple[ParsedCitation, ...]
    unread: tuple[tuple[str, str], ...] = ()  # (text as written, why) of every piece not read as a citation

    @property
    def leftover(self) -> str:
        """The text that read as neither a law nor an article (reported, never dropped silently)."""
        return "；".join(text for text, _ in self.unread)


def _fold(text: str) -> str:
    """Width folding character by character (１→1, （ stays （, ( → （), so that every position in the folded
    text is the same character's position in the text as written: quotes are then taken as written."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        ch = folded if len(folded) == 1 else ch
        out.append({"(": "（", ")": "）", "〈": "《", "〉": "》", "\r": "\n", "\u3000": " "}.get(ch, ch))
    return "".join(out)


def _quote_end(text: str, at: int) -> int:
    """The position of the quote closing the one opening at ``at``; -1 when it is never closed."""
    close = _OPEN_QUOTES[text[at]]
    return text.find(close, at + 1)


def _quoted(text: str) -> list[tuple[int, int]]:
    """The quotes of a cell (position of the opening and of the closing mark)."""
    quoted: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        if text[i] in _OPEN_QUOTES and text[i] != "‘":
            end = _quote_end(text, i)
            if end > i:
                quoted.append((i, end))
                i = end + 1
                continue
        i += 1
    return quoted


def _spans(text: str, quoted: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A cell's pieces (start, end): split at ；; newlines, list numbering (1. （1） ①) and 。 before 《,
    never inside a quote."""
    cuts: list[tuple[int, int]] = []
    for m in (*_BREAK.finditer(text), *_NUMBERING.finditer(text)):
        if m.end() > m.start() and not any(a < m.start() < b for a, b in quoted):
            cuts.append((m.start(), m.end()))
    spans: list[tuple[int, int]] = []
    pos = 0
    for a, b in sorted(cuts):
        if a >= pos:
            spans.append((pos, a))
            pos = b
    spans.append((pos, len(text)))
    return spans


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " ，,。、\t":
        a += 1
    while b > a and text[b - 1] in " ，,。、\t":
        b -= 1
    return a, b


class _Reader:
    """Reads the references after one law's name: 第十四条第（一）项、第（三）项，第四十条第一款 → three."""

    def __init__(self, law: str, original: str) -> None:
        self.law = law
        self.original = original
        self.refs: list[list[Any]] = []  # [ArticleRef | str, quote]
        self.unread: list[tuple[str, str]] = []
        self.joined = False  # the last reference was followed by nothing (the next refines it)
        self.ranged = False

    def _add(self, ref: ArticleRef | str) -> None:
        self.refs.append([ref, None])

    def _range_to(self, ref: ArticleRef) -> bool:
        """Fill a range 第五条至第七条 (or 第一项至第三项 of one article) before its last reference."""
        last = self.refs[-1][0] if self.refs else None
        if not isinstance(last, ArticleRef):
            return False
        level: str
        if ref.paragraph is None and ref.item is None and last.paragraph is None and last.item is None:
            level, first, stop = "article", last.number, ref.number
        elif ref.number == last.number and ref.paragraph == last.paragraph and ref.item and last.item:
            level, first, stop = "item", last.item, ref.item
        elif ref.number == last.number and ref.item is None and last.item is None and ref.paragraph and last.paragraph:
            level, first, stop = "paragraph", last.paragraph, ref.paragraph
        else:
            return False
        if stop <= first or stop - first >= MAX_RANGE:
            return False
        for n in range(first + 1, stop):
            if level == "article":
                self._add(ArticleRef(n))
            elif level == "item":
                self._add(ArticleRef(last.number, last.suffix, last.paragraph, n))
            else:
                self._add(ArticleRef(last.number, last.suffix, n))
        return True

    def reference(self, m: re.Match[str], raw: str) -> None:
        last = self.refs[-1][0] if self.refs else None
        if m.group("n"):
            number = cn_to_int(m.group("n"))
            suffix = re.sub(r"\s", "", m.group("suffix") or "")
            if not number:
                self.unread.append((raw, UNREAD_REF))
                self.joined = False
                return
            ref = ArticleRef(number, suffix)
        else:
            value = cn_to_int(m.group("p") or m.group("ib") or m.group("i") or "")
            if not value:
                self.unread.append((raw, UNREAD_REF))
                self.joined = False
                return
            if not isinstance(last, ArticleRef):
                if m.group("p") is None and not self.refs:  # 国务院令第412号附件第101项: an item of a decision
                    self._add(re.sub(r"\s", "", raw))
                    self.joined = False
                    return
                self.unread.append((raw, NO_ARTICLE))
                self.joined = False
                return
            if m.group("p"):
                if self.joined and last.paragraph is None and last.item is None:
                    self.refs[-1][0] = ArticleRef(last.number, last.suffix, value)
                    self.joined = True
                    return
                ref = ArticleRef(last.number, last.suffix, value)
            else:
                if self.joined and last.item is None:
                    self.refs[-1][0] = ArticleRef(last.number, last.suffix, last.paragraph, value)
                    self.joined = True
                    return
                ref = ArticleRef(last.number, last.suffix, last.paragraph, value)
        if self.ranged:
            self._range_to(ref)
        self._add(ref)
        self.joined = True

    def read(self, text: str, a: int, b: int) -> None:
        """The references in text[a:b], quotes attached to the reference before them."""
        pos = a
        junk_from: int | None = None

        def flush(upto: int) -> None:
            nonlocal junk_from
            if junk_from is not None:
                piece = text[junk_from:upto].strip(" ，,。、")
                if piece and _CITATION_LIKE.search(piece):
                    self.unread.append((self.original[junk_from:upto].strip(" ，,。、"), UNREAD_REF))
                junk_from = None

        while pos < b:
            ch = text[pos]
            if ch in "：:" or ch in _OPEN_QUOTES:
                at = pos + 1 if ch in "：:" else pos
                while at < b and text[at] == " ":
                    at += 1
                if at < b and text[at] in _OPEN_QUOTES and (end := _quote_end(text, at)) > at and end < b:
                    self._quote(self.original[at + 1 : end])
                    pos = end + 1
                    self.joined = False
                    continue
                if ch in "：:" and self.refs:
                    flush(pos)
                    self._quote(self.original[at:b].strip())  # the article's text, to the end of the piece
                    return
            m = _REF.match(text, pos, b)
            if m:
                flush(pos)
                self.reference(m, self.original[m.start() : m.end()])
                self.ranged = False
                pos = m.end()
                continue
            r = _RANGE.match(text, pos, b)
            if r and r.end() > pos and self.refs and _REF.match(text, r.end(), b):
                flush(pos)
                self.ranged = True
                pos = r.end()
                continue
            s = _SEPARATOR.match(text, pos, b)
            if s and s.end() > pos:
                if junk_from is None and s.group(0).strip():
                    self.joined = False  # 第十四条、第二款: two references; 第十四条 第二款: one
                pos = s.end()
                continue
            if junk_from is None:
                junk_from = pos
            self.joined = False
            pos += 1
        flush(b)

    def _quote(self, quote: str) -> None:
        if not quote:
            return
        if not self.refs:
            self._add("")
        if self.refs[-1][1] is None:
            self.refs[-1][1] = quote

    def citations(self) -> list[ParsedCitation]:
        name = law_name(self.law)
        if not self.refs:  # a law without an article; when its references could not be read, they are reported
            return [] if self.unread else [ParsedCitation(name, "")]
        out = []
        for ref, quote in self.refs:
            article = ref.label() if isinstance(ref, ArticleRef) else ref
            out.append(ParsedCitation(name, article, quote))
        return out


def _laws(text: str, a: int, b: int, quoted: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The law names in text[a:b], not counting those inside a quoted article text: (start, end, name)."""

    def outside(m: re.Match[str]) -> bool:
        return not any(q < m.start() < e for q, e in quoted)

    named = [(m.start(), m.end(), m.group("law")) for m in _NAMED.finditer(text, a, b) if outside(m)]
    if named:
        return named
    found = []
    for m in filter(outside, _BARE.finditer(text, a, b)):
        law = m.group("law") or m.group("named")
        lead = _LEAD.match(law)
        found.append((m.start() + (lead.end() if lead else 0), m.end(), law[lead.end() :] if lead else law))
    return found


def parse_citations(text: str) -> Parsed:
    """Every law and article a cell cites: 《A》第N条第M款第K项, 第十四条第（一）项、第（三）项, 第N条至第M条,
    第N条、第M条和第K条, a quoted article text (kept as written, ；and …… in it), a law without an article, bare
    law names (中华人民共和国行政许可法第十二条), several laws in a cell. What cannot be read is in ``unread``."""
    original = text.replace("<<", "《").replace(">>", "》").replace("〈〈", "《").replace("〉〉", "》")
    original = _NAME_QUOTED.sub(lambda m: "《" + m.group("law") + "》", original)  # “某某法”第十条: a name
    norm = _fold(original)
    readers: list[_Reader] = []
    unread: list[tuple[str, str]] = []
    quoted = _quoted(norm)
    for start, stop in _spans(norm, quoted):
        a, b = _trim(norm, start, stop)
        if a >= b or norm[a:b].strip() in _NO_BASIS:
            continue
        laws = _laws(norm, a, b, quoted)
        if not laws:
            if readers and _REF.match(norm, a, b):  # 《A法》\n第十条: the law of the piece before
                readers[-1].read(norm, a, b)
            else:
                unread.append((original[a:b], UNREAD_LAW))
            continue
        if norm[a : laws[0][0]].strip(" ，,。、") and _CITATION_LIKE.search(norm[a : laws[0][0]]):
            unread.append((original[a : laws[0][0]].strip(" ，,。、"), UNREAD_LAW))  # 第五条 before any law
        for index, (_, end, name) in enumerate(laws):
            until = laws[index + 1][0] if index + 1 < len(laws) else b
            reader = _Reader(name, original)
            reader.read(norm, end, until)
            readers.append(reader)
    found = [c for reader in readers for c in reader.citations()]
    unread.extend(u for reader in readers for u in reader.unread)
    return Parsed(tuple(found), tuple(unread))


@dataclass(frozen=True)
class Days:
    days: int | str | None  # a number, "即办" (handled on the spot), or None: no limit (“/”、无、不适用)
    unit: str  # 工作日 | 自然日
    start: str | None = None  # what the days count from, as written: 自立案之日起


_DAYS = re.compile(rf"(?P<n>{_NUM})\s*(?:个)?\s*(?P<unit>工作日|自然日|日|天)")
_NONE = {"无", "无法定时限", "不适用", "/", "-", "—", "－", "–", "无规定", "法律未规定", "未规定", "无时限", "——"}
NOW = "即办"
_NOW = {"即办", "即时办理", "当场办理", "立即办理", "当即办理", "当场", "即办件", "即时办结", "当场办结", "即时"}
_START = re.compile(r"^(?P<start>自[^0-9零〇一二三四五六七八九十百千两]{1,20}?起)\s*")


def parse_days(text: str, unit: str | None = None) -> Days | None:
    """20个工作日 / 自立案之日起90日 (90, start 自立案之日起) / 15天 / 即办 / “/” 无 → Days; a bare number (20) only
    when the column names its unit (`unit`); None when the text says something else."""
    from powerctl.laws.numerals import cn_to_int

    t = unicodedata.normalize("NFKC", text).strip().rstrip("。")
    if not t or t in _NONE:
        return Days(None, "工作日")
    if t in _NOW:
        return Days(NOW, "工作日")
    start = None
    m = _START.match(t)
    if m:
        start, t = m.group("start"), t[m.end() :]
    if unit is not None and re.fullmatch(r"[0-9]+", t):
        return Days(int(t), unit, start)
    found = _DAYS.fullmatch(t)
    if found is None:
        return None
    number = cn_to_int(found.group("n"))
    if number is None:
        return None
    return Days(number, "工作日" if found.group("unit") == "工作日" else "自然日", start)


# A list's item marks at a line's start or after ；。: 1. 1、 1． （1） (1) ① 一、 （一）.
_ITEM = re.compile(
    r"(?:^|(?<=[\n；;。：:]))[ \t]*"
    r"(?:[0-9]{1,2}(?:[.．、](?![0-9])|[)）])|[（(](?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})[）)]"
    r"|[①-⑳]|[一二三四五六七八九十]{1,3}、)[ \t]*"
)
_STAGE_AT = re.compile(r"(?<=[；;。])\s*(?=[\u4e00-\u9fff]{1,8}?(?:阶段)?责任[：:])")


def _cut(text: str, at: list[tuple[int, int]]) -> list[str]:
    quoted = _quoted(text)
    pieces, pos = [], 0
    for a, b in sorted(at):
        if a >= pos and not any(q < a < e for q, e in quoted):
            pieces.append(text[pos:a])
            pos = b
    pieces.append(text[pos:])
    return [p.strip(" \t\n；;") for p in pieces if p.strip(" \t\n；;。")]


def cell_lines(text: str, kind: str = "") -> list[str]:
    """The items of a multi-line cell, their numbers (1. （1） ① 一、) taken off, text as written otherwise;
    never cut inside a quote. Without numbers or line breaks: 责任事项 are cut before each “某某责任：”,
    追责情形 at ；."""
    cuts = [(m.start(), m.end()) for m in _ITEM.finditer(text) if m.end() > m.start()]
    cuts += [(m.start(), m.end()) for m in re.finditer(r"\n+", text)]
    lines = _cut(text, cuts)
    if len(lines) == 1 and kind == "responsibilities":
        lines = _cut(lines[0], [(m.start(), m.end()) for m in _STAGE_AT.finditer(lines[0])])
    elif len(lines) == 1 and kind == "accountability":
        lines = _cut(lines[0], [(m.start(), m.end()) for m in re.finditer(r"[；;]", lines[0])])
    return lines
