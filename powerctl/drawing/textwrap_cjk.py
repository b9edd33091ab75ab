"""Wrapping mixed Chinese/Latin text by display width, without punctuation at a line start (禁则)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

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


_segmenter = None
_CACHE = "jieba.cache"  # what jieba names its prepared default dictionary in its tmp_dir
_SEAL = "jieba.cache.sha256"  # ours: the cache's hash as jieba wrote it


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _drop_unsealed(folder: Path) -> None:
    """jieba loads its cache with marshal and trusts it: a damaged cache would change where lines break, or
    worse. A cache whose bytes are not those sealed when it was made is removed, so that jieba makes it anew."""
    cache = folder / _CACHE
    if not cache.is_symlink() and cache.is_dir():  # not what jieba writes: ours to clear
        shutil.rmtree(cache)
    if not cache.is_symlink() and not cache.exists():
        return
    try:
        good = (folder / _SEAL).read_text(encoding="ascii").strip() == _digest(cache)
    except (OSError, UnicodeDecodeError):
        good = False
    if not good:
        cache.unlink(missing_ok=True)


def _seal(folder: Path) -> None:
    """The hash of the cache jieba has just made (or loaded after `_drop_unsealed` accepted it)."""
    cache, seal = folder / _CACHE, folder / _SEAL
    if not cache.is_file():
        return
    digest = _digest(cache)
    try:
        if seal.read_text(encoding="ascii").strip() == digest:
            return
    except (OSError, UnicodeDecodeError):
        pass
    tmp = folder / f".{_SEAL}.{os.getpid()}"
    tmp.write_text(digest + "\n", encoding="ascii")
    os.replace(tmp, seal)


def phrases(text: str) -> str:
    """The text with a `BREAK` between its words (jieba's segmentation of each Chinese run), none inside a
    bracketed phrase of up to `_PHRASE` columns, so that `wrap` breaks lines between words."""
    global _segmenter
    if not text or BREAK in text or text.isascii():
        return text
    if _segmenter is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.ERROR)
        from powerctl.store.folders import words_dir

        folder = words_dir()
        _drop_unsealed(folder)
        jieba.dt.tmp_dir = str(folder)  # its dictionary, prepared once per machine
        jieba.dt.initialize()
        _seal(folder)
        _segmenter = jieba.dt
    words = [w for w in _segmenter.cut(text, HMM=False) if w]
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
            if end > k and width <= _PHRASE:
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
