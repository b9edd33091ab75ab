"""Reading a records file (权力动态运行登记, FORMAT.md "Records") one entry at a time, with positions.

A county's year is 10^5–10^6 cases, so a records file is never held whole: PyYAML's C parser gives the event
stream, each entry of `cases`, `expenses` and `meetings` is composed into a node tree of its own (with its
line and column, and each field's), turned into plain data (dates as dates) and handed on, and its events
are dropped. Memory stays that of one entry. The top-level `schema` and `unit` come first in every file
powerctl writes; they are read wherever they are, and `Header` is complete once the stream ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml
from yaml import events, nodes
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = Resolver()  # the plain YAML 1.1 tags SafeLoader gives (dates, numbers, booleans)
SECTIONS = {"cases": "case", "expenses": "expense", "meetings": "meeting"}


class RecordsError(Exception):
    """The file is not YAML, or not shaped as a records file: a message with the line and column (1-based)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line, self.column = line, column


@dataclass(frozen=True)
class Entry:
    section: str  # case | expense | meeting
    index: int  # its place in the section
    data: Any  # plain data: mappings, lists, strings, numbers, dates
    line: int  # 1-based
    column: int
    fields: dict[str, tuple[int, int]]  # a top-level field of the entry → its value's line and column
    items: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)  # a list field → each item's


@dataclass
class Header:
    schema: str | None = None
    unit: str | None = None
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)


def _mark(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _compose(first: Any, stream: Iterator[Any]) -> nodes.Node:
    """The node tree of one value whose first event is `first` (anchors and aliases are not allowed)."""
    start: Any = first.start_mark
    if isinstance(first, events.AliasEvent):
        raise RecordsError("登记文件不能使用 YAML 别名（*）", *_mark(start))
    if isinstance(first, events.ScalarEvent):
        tag = first.tag or _RESOLVER.resolve(nodes.ScalarNode, first.value, first.implicit)  # type: ignore[no-untyped-call]
        end: Any = first.end_mark
        return nodes.ScalarNode(tag, first.value, start, end, first.style)
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


def _data(node: nodes.Node) -> Any:
    return SafeConstructor().construct_object(node, deep=True)


def read_file(path: Path, header: Header) -> Iterator[Entry]:
    """`read` of the file at `path` (UTF-8)."""
    with path.open(encoding="utf-8") as handle:
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
                node = _compose(item, stream)
                fields: dict[str, tuple[int, int]] = {}
                items: dict[str, tuple[tuple[int, int], ...]] = {}
                if isinstance(node, nodes.MappingNode):
                    for k, v in node.value:
                        if isinstance(k, nodes.ScalarNode):
                            fields[str(k.value)] = _mark(v.start_mark)
                            if isinstance(v, nodes.SequenceNode):
                                items[str(k.value)] = tuple(_mark(item.start_mark) for item in v.value)
                line, column = _mark(node.start_mark)
                yield Entry(SECTIONS[key], index, _data(node), line, column, fields, items)
            continue
        node = _compose(value, stream)
        header.positions[key] = _mark(node.start_mark)
        if key in ("schema", "unit"):
            setattr(header, key, str(_data(node)))
