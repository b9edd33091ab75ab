"""Wrapping mixed Chinese/Latin text by display width, without punctuation at a line start (禁则)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from powerctl.store.words import segmenter

# Characters that may not begin a line (closing punctuation) or end one (opening punctuation).
NO_START = frozenset("，。、；：？！）》」』】〕〉”’…·—％%,.;:?!)]}>" + "\u00b7")
NO_END = frozenset("（《「『【〔〈“‘([{<")

# A token: a run of ASCII letters, digits and -_./: (a Latin word stays whole), or any other single character.
_TOKEN = re.compile(r"[A-Za-z0-9_./:-]+|.", re.DOTALL)


@cache  # a catalogue uses a few thousand distinct characters; the Unicode lookup is the slow part
def char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    if text.isascii():  # no ASCII character is wide
        return len(text)
    return sum(map(char_width, text))


BREAK = "\u200b"  # a zero-width space: where `phrases` allows a line to break
_OPEN, _CLOSE = "（《(〔【", "）》)〕】"
_PHRASE = 16  # a bracketed phrase up to this many columns (eight hanzi) is never broken


def _tokens(text: str) -> list[str]:
    """Words of Latin letters and digits stay whole; every other character is its own token. Text marked by
    `phrases` breaks only at its marks (and a token wider than a line still breaks inside)."""
    if BREAK in text:
        return [t for t in text.split(BREAK) if t]
    return _TOKEN.findall(text)


def phrases(text: str, whole: int = _PHRASE) -> str:
    """The text with a `BREAK` between its words (jieba's segmentation of each Chinese run), none inside a
    bracketed phrase of up to `whole` columns (a line a page wide keeps a law's 《title》 whole), so that `wrap`
    breaks lines between words."""
    if not text or BREAK in text or text.isascii():
        return text
    words = [w for w in segmenter().cut(text, HMM=False) if w]
    out: list[str] = []
    k = 0
    while k < len(words):
        w = words[k]
        if w in _OPEN:
            # The bracketed phrase as one word when it is short, its closing mark included.
            depth, end, width = 0, k, 0
            for m in range(k, len(words)):
                depth += (words[m] in _OPEN) - (words[m] in _CLOSE)
                width += display_width(words[m])
                if depth == 0:
                    end = m
                    break
            if end > k and width <= whole:
                out.append("".join(words[k : end + 1]))
                k = end + 1
                continue
        out.append(w)
        k += 1
    return BREAK.join(out)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns (a CJK character is two), honouring line breaks in the text.

    A closing punctuation mark is kept on the line before it (that line may run one mark over)
    and an opening one is carried to the next line.
    """
    return list(_wrap(text, width))


@lru_cache(maxsize=8192)  # the same texts (posts, conditions, channels) recur across a unit's flowcharts and tables
def _wrap(text: str, width: int) -> tuple[str, ...]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        paragraph = paragraph.strip()
        if display_width(paragraph.replace(BREAK, "")) <= width:  # fits: no token can start a new line
            lines.append(paragraph.replace(BREAK, ""))
            continue
        line = ""
        used = 0
        marked = BREAK in paragraph
        for tok in _tokens(paragraph):
            # A word token is ASCII (its width is its length); any other token is one character.
            w = char_width(tok) if len(tok) == 1 else display_width(tok)
            if marked and w > width and len(tok) > 1:
                # A marked word wider than a line: broken inside, as unmarked text is (a Latin word stays whole).
                for piece in _wrap(tok, width):
                    if line.strip():
                        lines.append(line.rstrip())
                    line, used = piece, display_width(piece)
                continue
            if line and used + w > width and not (tok[0] in NO_START and w <= 2):
                carry = ""
                while line and line[-1] in NO_END:
                    carry = line[-1] + carry
                    line = line[:-1]
                if line.strip():
                    lines.append(line.rstrip())
                    line, used = carry, display_width(carry)
                else:
                    line = carry
                if tok == " ":
                    continue
            line += tok
            used += w
        lines.append(line.rstrip())
    return tuple(line.replace(BREAK, "") for line in lines)
