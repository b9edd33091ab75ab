"""A content-addressed cache of the load and schema stage, so an unchanged file is not parsed again.

The key is the file's bytes, its display path and a fingerprint of everything that decides the
stage's result (powerctl's version, the catalogue schema with its configured categories, the
Python version that pickled it). Rules always run again: they are cheap and look across files.
Entries live under $XDG_CACHE_HOME/powerctl/files/; a damaged entry is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from powerctl import __version__
from powerctl.load import Document, LoadProblem

Entry = tuple[Document, list[LoadProblem]]


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "powerctl" / "files"


def fingerprint(schema: Any) -> str:
    text = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    parts = [__version__, sys.version, text]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class FileCache:
    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint

    def _path(self, display: str, raw: bytes) -> Path:
        h = hashlib.sha256()
        h.update(self.fingerprint.encode())
        h.update(display.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
        h.update(raw)
        key = h.hexdigest()
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, display: str, raw: bytes) -> Entry | None:
        path = self._path(display, raw)
        try:
            with path.open("rb") as fh:
                entry = pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], Document)):
            return None
        return entry

    def put(self, display: str, raw: bytes, entry: Entry) -> None:
        path = self._path(display, raw)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            return  # a read-only or full cache only costs speed
