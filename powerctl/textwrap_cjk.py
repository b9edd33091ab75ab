"""Wrapping mixed Chinese/Latin text by display width, without punctuation at a line start (禁则)."""

from __future__ import annotations

import unicodedata

# Characters that may not begin a line (closing punctuation) or end one (opening punctuation).
NO_START = frozenset("，。、；：？！）》」』】〕〉”’…·—％%,.;:?!)]}>" + "\u00b7")
NO_END = frozenset("（《「『【〔〈“‘([{<")


def char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def _tokens(text: str) -> list[str]:
    """Words of Latin letters and digits stay whole; every other character is its own token."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch in "-_./:"):
            word += ch
            continue
        if word:
            out.append(word)
            word = ""
        out.append(ch)
    if word:
        out.append(word)
    return out


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns (a CJK character is two), honouring line breaks in the text.

    A closing punctuation mark is kept on the line before it (that line may run one mark over)
    and an opening one is carried to the next line.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        used = 0
        for tok in _tokens(paragraph.strip()):
            w = display_width(tok)
            if line and used + w > width and not (tok[0] in NO_START and len(tok) == 1):
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
    return lines
