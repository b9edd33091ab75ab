"""New values of a power's fields spliced into the catalogue's text at the loader's positions.

Only the changed values are rewritten; comments, flows, risks and every other line stay as they were. All the
edits of one power are made against the same text and never touch one another: keys added to one mapping are
one insertion, and an insertion that falls where another ends is joined to it (`apply_edits` leaves an edit
that overlaps an earlier one for a later round, which is how one run once wrote only one of several cells).
The caller loads the result again and compares it with what was meant before writing anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import yaml

from powerctl.edit.fix import apply_edits
from powerctl.source.load import Document, resolve_plain
from powerctl.source.typos import Edit

Path = tuple[str | int, ...]
DELETE: Any = type("Delete", (), {"__repr__": lambda self: "DELETE"})()  # a key to remove
GONE = "\x00"  # a line an edit emptied, dropped by finish()
_PLAIN_UNSAFE = re.compile(r"[:#,\[\]{}&*!|>'\"%@`\n\r\t\\]|^[-?\s]|\s$")
_BREAKS = {"\u0085": "\\N", "\u2028": "\\L", "\u2029": "\\P"}  # line breaks to YAML, not to JSON


class Unsplicable(Exception):
    """A value written in a way that cannot be rewritten safely (said to the clerk: edit the YAML)."""


def scalar(value: Any) -> str:
    """A value as YAML writes it inside a flow or a block: plain when that reads back the same, else quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    # Plain only when every YAML reader takes it for this text: by 1.2 (powerctl) and by 1.1 (PyYAML and most
    # editors' tools, for which yes, on, =, 1:20 or 2026-01-01 are other things).
    plain = text and not _PLAIN_UNSAFE.search(text) and not any(ch in text for ch in _BREAKS)
    if plain and resolve_plain(text) == text and _text_in_yaml11(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(_BREAKS.get(ch, ch) for ch in quoted)


def _text_in_yaml11(text: str) -> bool:
    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == "tag:yaml.org,2002:str")


def flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def entry(key: str, value: Any, pad: str) -> str:
    """`key: value` at indentation `pad`, a non-empty list as a block sequence (one item a line)."""
    if isinstance(value, list) and value:
        return f"{pad}{key}:" + "".join(f"\n{pad}  - {flow(v)}" for v in value)
    return f"{pad}{key}: {flow(value)}"


def value_at_path(data: Any, path: Path) -> Any:
    node = data
    for part in path:
        if isinstance(node, dict) and isinstance(part, str):
            if part not in node:
                return None
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int):
            if part >= len(node):
                return None
            node = node[part]
        else:
            return None
    return node


def finish(text: str, edits: list[Edit]) -> str:
    """The text with the edits applied and the lines they emptied dropped."""
    done = apply_edits(text, edits)
    return "".join(line for line in done.splitlines(keepends=True) if line.rstrip("\r\n") != GONE)


class _Splicer:
    def __init__(self, doc: Document, lines: list[str]) -> None:
        self.doc = doc
        self.lines = lines  # doc.text's lines, split once for all its powers
        self.edits: list[Edit] = []
        self.inserts: dict[tuple[int, int], list[str]] = {}

    def char(self, line: int, column: int) -> str:
        return self.lines[line - 1][column - 1 : column] if 0 < line <= len(self.lines) else ""

    def last_line(self, path: Path) -> int:
        """The last line the node at path occupies (libyaml ends a block where the next token starts; comment
        and blank lines at its end belong to what follows)."""
        line, _, end_line, end_column = self.doc.values[path]
        last = min(end_line, len(self.lines))
        if end_line <= len(self.lines) and not self.lines[end_line - 1][: end_column - 1].strip():
            last = end_line - 1
        while last > line and (not self.lines[last - 1].strip() or self.lines[last - 1].lstrip().startswith("#")):
            last -= 1
        return max(last, line)

    def flowed(self, path: Path) -> bool:
        line, column, _, _ = self.doc.values[path]
        return self.char(line, column) in ("{", "[")

    def one_line(self, path: Path) -> bool:
        line, _, end_line, _ = self.doc.values[path]
        return end_line == line

    def replace(self, path: Path, value: Any) -> None:
        """The value at path (present) written anew."""
        line, column, _, end_column = self.doc.values[path]
        if self.one_line(path):
            key = self.doc.keys.get(path)
            block = isinstance(value, list) and value and key is not None and key[0] == line and self._in_block(path)
            if block and key is not None:  # `key: []` → a block sequence under its key
                pad = " " * (key[1] - 1)
                body = entry("", value, pad)[len(pad) :]  # ":\n  - …" without the key
                self.edits.append(Edit(line, key[3], end_column - key[3], body.lstrip(" ")))
            else:
                self.edits.append(Edit(line, column, end_column - column, flow(value)))
            return
        last = self.last_line(path)
        pad = " " * (column - 1)
        if self.char(line, column) == "-" and isinstance(value, list):
            text = "\n".join(f"{pad}- {flow(v)}" for v in value).lstrip(" ") if value else "[]"
        else:
            text = flow(value)
        self.edits.append(Edit(line, column, len(self.lines[line - 1]) - column + 1, text))
        self.gone(line + 1, last)

    def _in_block(self, path: Path) -> bool:
        return len(path) > 0 and path[:-1] in self.doc.values and not self.flowed(path[:-1])

    def gone(self, first: int, last: int) -> None:
        self.edits += [Edit(n, 1, len(self.lines[n - 1]), GONE) for n in range(first, last + 1)]

    def delete(self, path: Path) -> None:
        """The key at path and its value removed from a block mapping."""
        key = self.doc.keys.get(path)
        if key is None or self.lines[key[0] - 1][: key[1] - 1].strip():
            raise Unsplicable  # not alone at the start of its line (the first key of a list item)
        self.gone(key[0], max(self.last_line(path), key[0]))

    def insert(self, parent: Path, entries: list[tuple[str, Any]]) -> None:
        """Keys added at the end of the block mapping at parent."""
        holder = value_at_path(self.doc.data, parent)
        keys = [k for k in holder if (*parent, k) in self.doc.keys] if isinstance(holder, dict) else []
        if not keys:
            raise Unsplicable
        last = max(max(self.last_line((*parent, k)), self.doc.keys[(*parent, k)][0]) for k in keys)
        pad = " " * (self.doc.keys[(*parent, keys[0])][1] - 1)
        at = (last, len(self.lines[last - 1]) + 1)
        self.inserts.setdefault(at, []).extend("\n" + entry(k, v, pad) for k, v in entries)

    def mapping(self, path: Path, new: dict[str, Any]) -> None:
        """The block mapping at path made `new`: changed keys rewritten, removed ones dropped, new ones added."""
        current = value_at_path(self.doc.data, path)
        assert isinstance(current, dict)
        for k, v in current.items():
            if k not in new:
                self.delete((*path, k))
            elif new[k] != v or type(new[k]) is not type(v):
                self.value((*path, k), new[k])
        added = [(k, v) for k, v in new.items() if k not in current]
        if added:
            self.insert(path, added)

    def value(self, path: Path, new: Any) -> None:
        current = value_at_path(self.doc.data, path)
        if (
            isinstance(current, dict)
            and isinstance(new, dict)
            and not self.flowed(path)
            and not self.one_line(path)
            and path in self.doc.values
        ):
            self.mapping(path, new)
        else:
            self.replace(path, new)

    def all_edits(self) -> list[Edit]:
        joined = [Edit(line, column, 0, "".join(texts)) for (line, column), texts in self.inserts.items()]
        return self.edits + joined


def power_edits(doc: Document, index: int, new: dict[str, Any], lines: list[str] | None = None) -> list[Edit]:
    """The edits that make powers[index] be `new` (its changed, added and removed top-level fields)."""
    path: Path = ("powers", index)
    if path not in doc.values:
        raise Unsplicable
    s = _Splicer(doc, doc.text.splitlines() if lines is None else lines)
    current = value_at_path(doc.data, path)
    if not isinstance(current, dict):
        raise Unsplicable
    if s.flowed(path):
        s.replace(path, new)  # a power written as one flow mapping: written again whole
    else:
        s.mapping(path, new)
    return s.all_edits()
