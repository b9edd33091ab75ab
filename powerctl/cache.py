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


def _base() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "powerctl"


def cache_root() -> Path:
    return _base() / "files"


def fonts_dir() -> Path:
    """Where working fonts are kept (powerctl.fonts): $XDG_CACHE_HOME/powerctl/fonts/."""
    return _base() / "fonts"


def bundle_records_dir() -> Path:
    """Where `bundle` remembers what it built (powerctl.rebuild): $XDG_CACHE_HOME/powerctl/bundles/."""
    return _base() / "bundles"


def law_index_path() -> Path:
    """Where the law index lives unless told otherwise: $XDG_CACHE_HOME/powerctl/laws.sqlite3."""
    return _base() / "laws.sqlite3"


def _versions(*names: str) -> list[str]:
    from importlib import metadata

    out = []
    for name in names:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} missing")
    return out


def fingerprint(schema: Any) -> str:
    text = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    # The code of the cached stage itself, so that an upgrade or a local edit never reads old entries.
    names = ("load.py", "schema.py", "cache.py", "engine.py")
    code = [(Path(__file__).parent / name).read_bytes().hex() for name in names]
    parts = [__version__, sys.version, text, *code, *_versions("PyYAML", "jsonschema", "fastjsonschema")]
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
                # Positions are most of a document's size and are needed only for findings: they are
                # rebuilt from the text when asked for.
                doc, problems = entry
                pickle.dump((doc.without_positions(), problems), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            return  # a read-only or full cache only costs speed


def code_fingerprint() -> str:
    """Every source and data file of the installed package and its schemas: any change invalidates."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.yaml"), *package.rglob("*.json")]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


class RunCache:
    """Whole-run results: the same files with the same bytes under the same context give the same report."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.report.pickle"

    def get(self, key: str) -> Any:
        try:
            with self._path(key).open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None

    def put(self, key: str, value: Any) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            return
