"""jieba's word segmenter, its prepared dictionary kept in $XDG_CACHE_HOME/powerctl/words/ and sealed.

jieba loads that prepared dictionary with marshal and trusts it: a damaged file would change where words
break (flowchart labels, the words a rule reads), or worse. We keep the file's hash beside it when jieba has
made it; a file whose bytes are not those sealed is removed before jieba starts, so that jieba makes it anew.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from functools import cache
from pathlib import Path
from typing import Any

from powerctl.store.folders import words_dir

_CACHE = "jieba.cache"  # what jieba names its prepared default dictionary in its tmp_dir
_SEAL = "jieba.cache.sha256"  # ours: the cache's hash as jieba wrote it


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _drop_unsealed(folder: Path) -> None:
    cache_file = folder / _CACHE
    if not cache_file.is_symlink() and cache_file.is_dir():  # not what jieba writes: ours to clear
        shutil.rmtree(cache_file)
    if not cache_file.is_symlink() and not cache_file.exists():
        return
    try:
        good = (folder / _SEAL).read_text(encoding="ascii").strip() == _digest(cache_file)
    except (OSError, UnicodeDecodeError):
        good = False
    if not good:
        cache_file.unlink(missing_ok=True)


def _seal(folder: Path) -> None:
    """The hash of the cache jieba has just made (or loaded after `_drop_unsealed` accepted it)."""
    cache_file, seal = folder / _CACHE, folder / _SEAL
    if not cache_file.is_file():
        return
    digest = _digest(cache_file)
    try:
        if seal.read_text(encoding="ascii").strip() == digest:
            return
    except (OSError, UnicodeDecodeError):
        pass
    tmp = folder / f".{_SEAL}.{os.getpid()}"
    tmp.write_text(digest + "\n", encoding="ascii")
    os.replace(tmp, seal)


@cache
def segmenter() -> Any:
    """jieba's default tokenizer, initialised from a verified prepared dictionary (made once per machine)."""
    import jieba

    jieba.setLogLevel(logging.ERROR)
    folder = words_dir()
    _drop_unsealed(folder)
    jieba.dt.tmp_dir = str(folder)
    jieba.dt.initialize()
    _seal(folder)
    return jieba.dt


def words(text: str) -> list[tuple[int, int]]:
    """Each word of ``text`` as (start, end) offsets, in order."""
    at, out = 0, []
    for word in segmenter().cut(text, HMM=False):
        out.append((at, at + len(word)))
        at += len(word)
    return out


def boundaries(text: str) -> frozenset[int]:
    """The offsets in ``text`` where one word ends and the next begins (0 and len(text) included)."""
    at, out = 0, {0}
    for word in segmenter().cut(text, HMM=False):
        at += len(word)
        out.add(at)
    return frozenset(out)
