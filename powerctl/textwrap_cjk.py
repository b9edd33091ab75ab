"""Wrapping mixed Chinese/Latin text by display width, without punctuation at a line start (禁则)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

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


def _tokens(text: str) -> list[str]:
    """Words of Latin letters and digits stay whole; every other character is its own token."""
    return _TOKEN.findall(text)


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
        if display_width(paragraph) <= width:  # fits: no token can start a new line
            lines.append(paragraph)
            continue
        line = ""
        used = 0
        for tok in _tokens(paragraph):
            # A word token is ASCII (its width is its length); any other token is one character.
            w = char_width(tok) if len(tok) == 1 else len(tok)
            if line and used + w > width and not (len(tok) == 1 and tok in NO_START):
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
    return tuple(lines)
