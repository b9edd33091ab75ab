"""Reading a records file (权力动态运行登记, FORMAT.md "Records") one entry at a time, with positions.

A county's year is 10^5–10^6 cases, so a records file is never held whole: PyYAML's C parser gives the event
stream, each entry of `cases`, `expenses` and `meetings` is composed into a node tree of its own (with its
line and column, and each field's), turned into plain data and handed on, and its events are dropped.
Memory stays that of one entry. Plain scalars are resolved as the catalogue loader resolves them (YAML 1.2
core schema: dates stay text, `no` stays text); the records check turns dates into days. The top-level
`schema` and `unit` come first in every file powerctl writes; they are read wherever they are, and `Header`
is complete once the stream ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

import yaml
from yaml import events

from powerctl.source.load import resolve_plain
from powerctl.source.span import Path as DataPath

_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # libyaml's parser; only its events are used
SECTIONS = {"cases": "case", "expenses": "expense", "meetings": "meeting"}
Place = tuple[int, int]  # 1-based line and column


class RecordsError(Exception):
    """The file is not YAML, or not shaped as a records file: a message with the line and column (1-based)."""

    def __init__(self, message: str, line: int, column: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.line, self.column = line, column
        self.hint = hint  # what to do, when not the records format's general hint


@dataclass(frozen=True)
class Entry:
    """One case, expense or meeting: its data and where each of its values is (`place`)."""

    section: str  # case | expense | meeting
    index: int  # its place in the section
    data: Any  # plain data: mappings, lists, strings, numbers (dates as text)
    line: int  # 1-based
    column: int
    end_line: int  # the last line of the entry's text
    # Where every value and key of the entry is, by its path inside the entry: made on first use from the
    # entry's node tree (a YAML entry) or given (a row of a table).
    _values: dict[DataPath, Place] | None = None
    _keys: dict[DataPath, Place] | None = None
    _make: Callable[[], tuple[dict[DataPath, Place], dict[DataPath, Place]]] | None = None  # a table row's
    problems: tuple[tuple[str, Place, str, str], ...] = ()  # (code, place, message, hint): a repeated key

    def _tables(self) -> tuple[dict[DataPath, Place], dict[DataPath, Place]]:
        if self._values is None or self._keys is None:
            values: dict[DataPath, Place] = {}
            keys: dict[DataPath, Place] = {}
            if self._make is not None:
                values, keys = self._make()
            object.__setattr__(self, "_values", values)
            object.__setattr__(self, "_keys", keys)
            object.__setattr__(self, "_make", None)
        assert self._values is not None and self._keys is not None
        return self._values, self._keys

    def place(self, path: DataPath) -> Place:
        """The line and column of the value at `path` inside the entry, or of its nearest ancestor's."""
        values, _ = self._tables()
        p = path
        while p:
            found = values.get(p)
            if found is not None:
                return found
            p = p[:-1]
        return self.line, self.column

    def positions(self) -> tuple[dict[DataPath, Place], dict[DataPath, Place]]:
        """Every value's and every key's place, by path (for explaining schema errors)."""
        return self._tables()

    @property
    def fields(self) -> dict[str, Place]:
        """A top-level field of the entry → its value's line and column."""
        values, _ = self._tables()
        return {str(p[0]): at for p, at in values.items() if len(p) == 1}


@dataclass
class Header:
    """The top-level fields other than the sections, with their places."""

    schema: str | None = None
    unit: str | None = None
    positions: dict[str, Place] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


def _mark(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


_TEXT_TAGS = {"tag:yaml.org,2002:str", "!!str", "!"}


MAX_DEPTH = 32  # nesting inside one entry: a case is four levels deep


def _scalar(event: Any) -> Any:
    plain = not event.style and (event.tag is None or event.tag not in _TEXT_TAGS)  # libyaml: "" is plain
    return resolve_plain(event.value) if plain else event.value


def _build(first: Any, stream: Iterator[Any], kept: list[Any], repeated: list[tuple[str, Place, str, str]],
           depth: int = 0) -> Any:  # fmt: skip
    """Plain data of the value whose first event is `first`, its events appended to `kept` (for positions,
    made only when a finding asks); a key repeated in a mapping keeps its first value and is noted."""
    kept.append(first)
    if isinstance(first, events.ScalarEvent):
        return _scalar(first)
    if isinstance(first, events.AliasEvent):
        raise RecordsError("登记文件不能使用 YAML 别名（*）", *_mark(first.start_mark))
    if depth > MAX_DEPTH:
        raise RecordsError("登记条目嵌套过深", *_mark(first.start_mark))
    if isinstance(first, events.SequenceStartEvent):
        items: list[Any] = []
        for event in stream:
            if isinstance(event, events.SequenceEndEvent):
                kept.append(event)
                return items
            items.append(_build(event, stream, kept, repeated, depth + 1))
    if isinstance(first, events.MappingStartEvent):
        out: dict[Any, Any] = {}
        for event in stream:
            if isinstance(event, events.MappingEndEvent):
                kept.append(event)
                return out
            if not isinstance(event, events.ScalarEvent):
                raise RecordsError("登记文件中的键应是文字", *_mark(event.start_mark))
            kept.append(event)
            key = _scalar(event)
            value = _build(next(stream), stream, kept, repeated, depth + 1)
            if key in out:
                repeated.append(
                    ("E002", _mark(event.start_mark), f"字段「{key}」重复出现", "删除重复的一行（只保留第一个值）")
                )
            else:
                out[key] = value
        raise RecordsError("登记文件的结构不完整", *_mark(first.start_mark))
    raise RecordsError("登记文件的结构不完整", *_mark(first.start_mark))


def _places(kept: list[Any]) -> tuple[dict[DataPath, Place], dict[DataPath, Place]]:
    """Every value's and key's place in one entry, from its events (as `_build` read them)."""
    values: dict[DataPath, Place] = {}
    keys: dict[DataPath, Place] = {}
    at = 0

    def walk(path: DataPath, record: bool) -> None:
        nonlocal at
        event = kept[at]
        at += 1
        if record:
            values[path] = _mark(event.start_mark)
        if isinstance(event, events.SequenceStartEvent):
            i = 0
            while not isinstance(kept[at], events.SequenceEndEvent):
                if record:
                    keys[(*path, i)] = _mark(kept[at].start_mark)
                walk((*path, i), record)
                i += 1
            at += 1
        elif isinstance(event, events.MappingStartEvent):
            seen: set[str] = set()
            while not isinstance(kept[at], events.MappingEndEvent):
                key, place = str(_scalar(kept[at])), _mark(kept[at].start_mark)
                at += 1
                first = key not in seen  # a repeated key's value was left out of the data: and of the places
                seen.add(key)
                if record and first:
                    keys[(*path, key)] = place
                walk((*path, key), record and first)
            at += 1

    walk((), True)
    return values, keys


def read_file(path: Path, header: Header) -> Iterator[Entry]:
    """`read` of the file at `path` (UTF-8, with or without a BOM)."""
    with path.open(encoding="utf-8-sig") as handle:
        yield from read(handle, header)


def read(handle: IO[str], header: Header) -> Iterator[Entry]:
    """Every entry of the records text, in order; `header` is filled in as its fields are met. RecordsError
    for a text that is not YAML or not a mapping of the records format at its top."""
    try:
        yield from _entries(iter(yaml.parse(handle, Loader=_LOADER)), header)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _mark(mark) if mark is not None else (1, 1)
        raise RecordsError(f"YAML 语法错误：{exc.problem or exc.context}", line, column) from None


def _entries(stream: Iterator[Any], header: Header) -> Iterator[Entry]:
    for event in stream:
        if isinstance(event, events.MappingStartEvent):
            break
        if isinstance(event, (events.StreamStartEvent, events.DocumentStartEvent)):
            continue
        if isinstance(event, (events.DocumentEndEvent, events.StreamEndEvent)):
            return  # an empty file
        raise RecordsError("登记文件的最外层应是键值对（schema、unit、cases…）", *_mark(event.start_mark))
    for event in stream:
        if isinstance(event, events.MappingEndEvent):
            break
        if not isinstance(event, events.ScalarEvent):
            raise RecordsError("登记文件最外层的键应是文字", *_mark(event.start_mark))
        key = event.value
        value = next(stream)
        if key in SECTIONS and not isinstance(value, events.SequenceStartEvent):
            if isinstance(value, events.ScalarEvent) and value.value in ("", "~", "null"):
                continue  # `cases:` with nothing under it: no entries
            raise RecordsError(f"{key} 应是列表：每一项以“- ”开头", *_mark(value.start_mark))
        if key in SECTIONS:
            for index, item in enumerate(stream):
                if isinstance(item, events.SequenceEndEvent):
                    break
                kept: list[Any] = []
                repeated: list[tuple[str, Place, str, str]] = []
                data = _build(item, stream, kept, repeated)
                line, column = _mark(item.start_mark)
                last = kept[-1].end_mark
                end = last.line + (1 if last.column else 0)
                yield Entry(
                    SECTIONS[key], index, data, line, column, max(line, end),
                    _make=partial(_places, kept), problems=tuple(repeated),
                )  # fmt: skip
            continue
        header.positions[key] = _mark(value.start_mark)
        header.values[key] = _build(value, stream, [], [])
        if key in ("schema", "unit"):
            header_value = header.values[key]
            setattr(header, key, header_value if isinstance(header_value, str) else str(header_value))
