"""Plain data (a catalogue as loaded: mappings, lists, strings, integers, booleans, nulls) as block YAML.

The public bundle's 源数据 is the unit's data without the powers that are not disclosed, written out again
(comments are not carried over: they may speak of what is left out). PyYAML's emitter, even with libyaml
underneath, spends about 90 ms on a unit of 50 powers in its Python representer; this writer takes a
fraction of that. Its output is what PyYAML writes (block style, sequences not indented under their key)
except for the quoting: a string is written plain only when it plainly reads back as the same string, and
double-quoted otherwise. Anything else (floats, dates, other types) returns None, and the caller uses PyYAML.
"""

from __future__ import annotations

import re
from typing import Any

# What a plain scalar may not start with (YAML indicators, white space, and what could read as a number,
# a date or a time), may not contain (": " and " #" are the dangerous ones; every colon and hash is avoided),
# and the words YAML 1.1 reads as booleans or null.
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`=<~+.0123456789 \t")
_PLAIN_NEVER = re.compile(r"[:#\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_WORDS = frozenset(["y", "yes", "n", "no", "true", "false", "on", "off", "null"])  # compared lower-cased
_ESCAPE = re.compile(r"[\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


class _Unsupported(Exception):
    pass


def _quoted(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        ch = match.group()
        named = _NAMED.get(ch)
        if named is not None:
            return named
        return f"\\x{ord(ch):02X}" if ord(ch) < 0x100 else f"\\u{ord(ch):04X}"

    return '"' + _ESCAPE.sub(escape, text) + '"'


def _string(text: str) -> str:
    if (
        text
        and text[0] not in _PLAIN_START
        and text[-1] not in " \t"
        and _PLAIN_NEVER.search(text) is None
        and text.lower() not in _WORDS
    ):
        return text
    return _quoted(text)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return _string(value)
    raise _Unsupported(type(value).__name__)


def _key(key: Any) -> str:
    if (type(key) is str and len(key) <= 128) or type(key) is int:  # an implicit key is at most 1024 characters
        return _scalar(key)
    raise _Unsupported(f"key {type(key).__name__}")


def _mapping(data: dict[Any, Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for key, value in data.items():
        head = f"{pad}{_key(key)}:"
        if type(value) is dict and value:
            lines.append(head)
            _mapping(value, indent + 2, lines)
        elif type(value) is list and value:
            lines.append(head)
            _sequence(value, indent, lines)  # not indented under its key, as PyYAML writes it
        else:
            lines.append(f"{head} {_block_scalar(value)}")


def _sequence(items: list[Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for item in items:
        start = len(lines)
        if type(item) is dict and item:
            _mapping(item, indent + 2, lines)
        elif type(item) is list and item:
            _sequence(item, indent + 2, lines)
        else:
            lines.append(f"{pad}- {_block_scalar(item)}")
            continue
        lines[start] = f"{pad}- {lines[start][indent + 2 :]}"  # the first line of the item after its dash


def _block_scalar(value: Any) -> str:
    if type(value) is dict:
        return "{}"
    if type(value) is list:
        return "[]"
    return _scalar(value)


def dump(data: Any) -> str | None:
    """The data as YAML text, or None if it holds something this writer leaves to PyYAML."""
    lines: list[str] = []
    try:
        if type(data) is dict and data:
            _mapping(data, 0, lines)
        elif type(data) is list and data:
            _sequence(data, 0, lines)
        else:
            lines.append(_block_scalar(data))
    except (_Unsupported, RecursionError):
        return None
    return "\n".join(lines) + "\n"
