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
from pathlib import Path
from typing import IO, Any

import yaml
from yaml import events, nodes

from powerctl.source.load import resolve_plain
from powerctl.source.span import Path as DataPath

_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # libyaml's parser; only its events are used
SECTIONS = {"cases": "case", "expenses": "expense", "meetings": "meeting"}
Place = tuple[int, int]  # 1-based line and column


class RecordsError(Exception):
    """The file is not YAML, or not shaped as a records file: a message with the line and column (1-based)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line, self.column = line, column


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
    _node: nodes.Node | None = None
    _make: Callable[[], tuple[dict[DataPath, Place], dict[DataPath, Place]]] | None = None  # a table row's
    problems: tuple[tuple[str, Place, str, str], ...] = ()  # (code, place, message, hint): a repeated key

    def _tables(self) -> tuple[dict[DataPath, Place], dict[DataPath, Place]]:
        if self._values is None or self._keys is None:
            values: dict[DataPath, Place] = {}
            keys: dict[DataPath, Place] = {}
            if self._node is not None:
                _place_all(self._node, (), values, keys)
            elif self._make is not None:
                values, keys = self._make()
            object.__setattr__(self, "_values", values)
            object.__setattr__(self, "_keys", keys)
            object.__setattr__(self, "_node", None)
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


def _place_all(node: nodes.Node, path: DataPath, values: dict[DataPath, Place], keys: dict[DataPath, Place]) -> None:
    values[path] = _mark(node.start_mark)
    if isinstance(node, nodes.MappingNode):
        for k, v in node.value:
            if isinstance(k, nodes.ScalarNode):
                child = (*path, str(k.value))
                keys[child] = _mark(k.start_mark)
                _place_all(v, child, values, keys)
    elif isinstance(node, nodes.SequenceNode):
        for i, item in enumerate(node.value):
            keys[(*path, i)] = _mark(item.start_mark)
            _place_all(item, (*path, i), values, keys)


@dataclass
class Header:
    """The top-level fields other than the sections, with their places."""

    schema: str | None = None
    unit: str | None = None
    positions: dict[str, Place] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, Place] = field(default_factory=dict)  # each section met: the place of its key


def _mark(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _compose(first: Any, stream: Iterator[Any]) -> nodes.Node:
    """The node tree of one value whose first event is `first` (anchors and aliases are not allowed)."""
    start: Any = first.start_mark
    if isinstance(first, events.AliasEvent):
        raise RecordsError("登记文件不能使用 YAML 别名（*）", *_mark(start))
    if isinstance(first, events.ScalarEvent):
        end: Any = first.end_mark
        return nodes.ScalarNode(first.tag or "", first.value, start, end, first.style)
    if isinstance(first, events.SequenceStartEvent):
        items: list[nodes.Node] = []
        for event in stream:
            if isinstance(event, events.SequenceEndEvent):
                end = event.end_mark
                return nodes.SequenceNode("tag:yaml.org,2002:seq", items, start, end)
            items.append(_compose(event, stream))
    if isinstance(first, events.MappingStartEvent):
        pairs: list[tuple[nodes.Node, nodes.Node]] = []
        for event in stream:
            if isinstance(event, events.MappingEndEvent):
                end = event.end_mark
                return nodes.MappingNode("tag:yaml.org,2002:map", pairs, start, end)
            key = _compose(event, stream)
            pairs.append((key, _compose(next(stream), stream)))
    raise RecordsError("登记文件的结构不完整", *_mark(start))


_TEXT_TAGS = {"tag:yaml.org,2002:str", "!!str", "!"}


def _data(node: nodes.Node, repeated: list[tuple[str, Place, str, str]]) -> Any:
    """Plain data of a node tree; a key repeated in a mapping keeps its first value and is noted."""
    if isinstance(node, nodes.ScalarNode):
        plain = not node.style and node.tag not in _TEXT_TAGS  # libyaml gives "" as the plain style
        return resolve_plain(node.value) if plain else node.value
    if isinstance(node, nodes.SequenceNode):
        return [_data(item, repeated) for item in node.value]
    out: dict[Any, Any] = {}
    for k, v in node.value:
        key = _data(k, repeated)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise RecordsError("登记文件中的键应是文字", *_mark(k.start_mark))
        if key in out:
            repeated.append(("E002", _mark(k.start_mark), f"字段「{key}」重复出现", "删除重复的一行（只保留第一个值）"))
            continue
        out[key] = _data(v, repeated)
    return out


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
        if key in SECTIONS:
            header.sections[key] = _mark(event.start_mark)
        if key in SECTIONS and not isinstance(value, events.SequenceStartEvent):
            if isinstance(value, events.ScalarEvent) and value.value in ("", "~", "null"):
                continue  # `cases:` with nothing under it: no entries
            raise RecordsError(f"{key} 应是列表：每一项以“- ”开头", *_mark(value.start_mark))
        if key in SECTIONS:
            for index, item in enumerate(stream):
                if isinstance(item, events.SequenceEndEvent):
                    break
                node = _compose(item, stream)
                repeated: list[tuple[str, Place, str, str]] = []
                data = _data(node, repeated)
                line, column = _mark(node.start_mark)
                end = node.end_mark.line + (1 if node.end_mark.column else 0)
                yield Entry(
                    SECTIONS[key], index, data, line, column, max(line, end), _node=node, problems=tuple(repeated)
                )
            continue
        node = _compose(value, stream)
        header.positions[key] = _mark(node.start_mark)
        header.values[key] = _data(node, [])
        if key in ("schema", "unit"):
            header_value = header.values[key]
            setattr(header, key, header_value if isinstance(header_value, str) else str(header_value))
