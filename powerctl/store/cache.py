"""The cache of the load and schema stage, so an unchanged file is not parsed again.

One rule: for every state of the inputs, a cached answer is exactly the `--no-cache` answer. So an entry is
keyed by the very bytes that are parsed (read once, hashed, then parsed), the display path and a fingerprint
of everything else the stage depends on (powerctl's code, the catalogue schema with its configured
categories, the parser and validator versions). Rules always run again: they are cheap and look across
files, laws and the day. Entries are msgpack (data only, nothing that can run code), signed with a key kept
outside the cache folder (`$XDG_STATE_HOME/powerctl/cache.key`), so a cache restored from elsewhere or
tampered with is a miss, never an answer; any entry that fails to read, verify or decode is a miss.
Entries live under $XDG_CACHE_HOME/powerctl/files/.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

import msgpack

from powerctl import __version__
from powerctl.source.load import Document, LoadProblem
from powerctl.source.span import Span
from powerctl.source.typos import Edit
from powerctl.store.folders import state_dir

Entry = tuple[Document, list[LoadProblem]]
_MAGIC = b"powerctl-cache-2\n"
_MAC = 32  # bytes of HMAC-SHA256 after the magic


def _versions(*names: str) -> list[str]:
    from importlib import metadata

    out = []
    for name in names:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} missing")
    return out


_PACKAGE = Path(__file__).resolve().parent.parent


def fingerprint(schema: Any) -> str:
    text = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    # The code of the cached stage itself, so that an upgrade or a local edit never reads old entries.
    names = ("source/load.py", "source/typos.py", "source/schema.py", "source/repair.py", "store/cache.py",
             "check/engine.py")  # fmt: skip
    code = [(_PACKAGE / name).read_bytes().hex() for name in names]
    parts = [__version__, sys.version, text, *code, *_versions("PyYAML", "jsonschema", "jsonschema-rs")]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def signing_key() -> bytes | None:
    """This machine's (this user's) key for cache entries, made on first use; None if it cannot be kept
    (then nothing is cached)."""
    path = state_dir() / "cache.key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        os.replace(tmp, path)  # another process may win the race: read back whichever key landed
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


def _path_out(path: tuple[str | int, ...]) -> list[str | int]:
    return list(path)


def _path_in(value: Any) -> tuple[str | int, ...]:
    if not isinstance(value, list) or not all(isinstance(p, str | int) and not isinstance(p, bool) for p in value):
        raise ValueError("bad path")
    return tuple(value)


def _span_in(value: Any) -> Span:
    file, line, column, end_line, end_column = value
    if not isinstance(file, str) or not all(isinstance(n, int) for n in (line, column, end_line, end_column)):
        raise ValueError("bad span")
    return Span(file, line, column, end_line, end_column)


def _problem_out(p: LoadProblem) -> list[Any]:
    s = p.span
    edits = [[e.line, e.column, e.length, e.text] for e in p.edits]
    return [
        p.code,
        [s.file, s.line, s.column, s.end_line, s.end_column],
        p.message,
        p.hint,
        _path_out(p.path),
        p.repaired,
        edits,
    ]


def _problem_in(value: Any) -> LoadProblem:
    code, span, message, hint, path, repaired, edits = value
    if not all(isinstance(x, str) for x in (code, message, hint)) or not isinstance(repaired, bool):
        raise ValueError("bad problem")
    return LoadProblem(code, _span_in(span), message, hint, _path_in(path), repaired, tuple(_edit_in(e) for e in edits))


def _edit_in(value: Any) -> Edit:
    line, column, length, text = value
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (line, column, length)) or not isinstance(
        text, str
    ):
        raise ValueError("bad edit")
    return Edit(line, column, length, text)


def encode(key: str, entry: Entry) -> bytes:
    """An entry as stored (without its signature): the key it answers, the document without its positions
    (they come back from the text on demand) and the schema's problems."""
    doc, problems = entry
    payload = [
        key,
        doc.file,
        doc.text,
        doc.data,
        [_problem_out(p) for p in doc.problems],
        [[_path_out(k), v] for k, v in doc.plain_numbers.items()],
        [_problem_out(p) for p in problems],
    ]
    return bytes(msgpack.packb(payload, use_bin_type=True, strict_types=True))


def decode(key: str, data: bytes) -> Entry:
    """The entry, or ValueError (and whatever msgpack raises) when it is not exactly what `encode` wrote."""
    stored, file, text, loaded, doc_problems, numbers, problems = msgpack.unpackb(
        data, raw=False, strict_map_key=False, use_list=True
    )
    if stored != key or not isinstance(file, str) or not isinstance(text, str):
        raise ValueError("not this entry")
    plain = {_path_in(k): v for k, v in numbers}
    if not all(isinstance(v, str) for v in plain.values()):
        raise ValueError("bad number text")
    doc = Document(file, text, loaded, {}, {}, [_problem_in(p) for p in doc_problems], plain, True)
    return doc, [_problem_in(p) for p in problems]


class FileCache:
    def __init__(self, folder: Path, fingerprint: str, key: bytes) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self._key = key

    @classmethod
    def open(cls, folder: Path, fingerprint: str) -> FileCache | None:
        """The cache, or None where this machine has no signing key (nothing is cached then)."""
        key = signing_key()
        return cls(folder, fingerprint, key) if key is not None else None

    def _key_of(self, display: str, raw: bytes) -> str:
        h = hashlib.sha256()
        h.update(self.fingerprint.encode())
        h.update(display.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
        h.update(raw)
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.msgpack"

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, _MAGIC + payload, hashlib.sha256).digest()

    def get(self, display: str, raw: bytes) -> Entry | None:
        """The entry stored for exactly these bytes under this display path; None for anything else."""
        key = self._key_of(display, raw)
        try:
            blob = self._path(key).read_bytes()
        except OSError:
            return None
        head, mac, payload = blob[: len(_MAGIC)], blob[len(_MAGIC) : len(_MAGIC) + _MAC], blob[len(_MAGIC) + _MAC :]
        if head != _MAGIC or not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            return decode(key, payload)
        except Exception:  # a signed entry that still does not decode (another version's): a miss
            return None

    def put(self, display: str, raw: bytes, entry: Entry) -> None:
        key = self._key_of(display, raw)
        try:
            payload = encode(key, entry)
        except (TypeError, ValueError, OverflowError):
            return  # data msgpack cannot hold exactly (an integer beyond 64 bits): not cached
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC + self._mac(payload) + payload)
            os.replace(tmp, path)
        except OSError:
            return  # a read-only or full cache only costs speed


def code_fingerprint() -> str:
    """Every source and data file of the installed package (its schemas and templates too): any change
    invalidates."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted([*_PACKAGE.rglob("*.py"), *_PACKAGE.rglob("*.yaml"), *_PACKAGE.rglob("*.json")]):
        h.update(path.relative_to(_PACKAGE).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()
