"""Where powerctl keeps what it makes for itself: every cache folder, in one place (XDG base directories).

$XDG_CACHE_HOME/powerctl/ (default ~/.cache/powerctl/): files/ (the load and schema cache, `store.cache`),
words/ (jieba's prepared dictionary), bundles/ (what `bundle` built, for rebuilds),
laws.sqlite3 (the law index). $XDG_STATE_HOME/powerctl/ (default ~/.local/state/powerctl/): cache.key, the
key that signs the cache's entries, kept outside the cache folder.
"""

from __future__ import annotations

import os
from pathlib import Path


def _base() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "powerctl"


def cache_root() -> Path:
    return _base() / "files"


def words_dir() -> Path:
    """Where jieba keeps its prepared dictionary (`text.cjk.phrases`): $XDG_CACHE_HOME/powerctl/words/."""
    path = _base() / "words"
    path.mkdir(parents=True, exist_ok=True)
    return path


def bundle_records_dir() -> Path:
    """Where `bundle` remembers what it built (powerctl.bundle.rebuild): $XDG_CACHE_HOME/powerctl/bundles/."""
    return _base() / "bundles"


def law_index_path() -> Path:
    """Where the law index lives unless told otherwise: $XDG_CACHE_HOME/powerctl/laws.sqlite3."""
    return _base() / "laws.sqlite3"


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME")
    return (Path(base) if base else Path.home() / ".local" / "state") / "powerctl"
