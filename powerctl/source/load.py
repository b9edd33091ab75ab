"""Read a YAML file into plain data plus a position for every node.

One pass over libyaml's parse events (C parser, no recursion, so nesting depth
cannot overflow a stack), resolving plain scalars by the YAML 1.2 core schema
(``no`` stays a string, dates stay strings), refusing duplicate keys, several
documents and alias bombs. Problems come back as load problems, never as
exceptions.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from powerctl.source.lines import relines, remark, split_lines
from powerctl.source.span import Path, Span
from powerctl.source.typos import Edit, Typo, indent_typo, indented_keys, syntax_typo

Pos = tuple[int, int, int, int]

# CBaseLoader is libyaml's parser; only its event stream is used here.
_Parser: Any = getattr(yaml, "CBaseLoader", None)
C_PARSER = _Parser is not None
if _Parser is None:  # pragma: no cover - PyYAML built without libyaml: pure Python, about 10x slower
    _Parser = yaml.BaseLoader

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
# Nodes an alias may add by expansion, summed over a file; real catalogues use a handful.
MAX_ALIAS_EXPANSION = 50_000

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
# Every null, bool, int and float form of the core schema starts with one of these.
_NOT_TEXT_START = frozenset("~nNtTfF-+.0123456789")
_STR_TAGS = {"tag:yaml.org,2002:str", "!!str", "!"}


@dataclass(frozen=True, slots=True)
class LoadProblem:
    code: str  # E001 E002 E003 E004
    span: Span
    message: str
    hint: str = ""
    path: Path = ()  # where in the data, for the JSON pointer and the power it concerns
    repaired: bool = False  # a typing mistake whose meaning is clear: the data holds what was meant
    edits: tuple[Edit, ...] = ()  # the text edits that correct it (powerctl fix); none where that is not safe


@dataclass
class Document:
    """A loaded file: its data, where every node is, and what went wrong."""

    file: str
    text: str = ""
    data: Any = None
    # Positions as (line, column, end_line, end_column) tuples, 1-based: a Span is made only when asked
    # for, since a province has millions of nodes and most are never reported.
    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)
    problems: list[LoadProblem] = field(default_factory=list)
    # Plain scalars that the core schema turned into numbers: their source text, for hints.
    plain_numbers: dict[Path, str] = field(default_factory=dict)
    # Positions left out (a cached document): parse the text again the first time one is asked for.
    positions_pending: bool = False

    def drop_positions(self) -> None:
        """Forget the position tables (most of a document's memory); they come back from the text on demand."""
        if self.text:
            self.values, self.keys = {}, {}
            self.positions_pending = True

    def without_positions(self) -> Document:
        """A copy without the position tables, to store; they come back from the text on demand."""
        return Document(self.file, self.text, self.data, {}, {}, self.problems, self.plain_numbers, True)

    def _positions(self) -> None:
        if self.positions_pending:
            self.positions_pending = False
            again = load_text(self.file, self.text)
            self.values, self.keys = again.values, again.keys

    @property
    def ok(self) -> bool:
        return not self.problems

    def span(self, path: Path) -> Span:
        """The span of the value at path, or of its nearest ancestor that has one."""
        self._positions()
        p = path
        while True:
            pos = self.values.get(p)
            if pos is not None:
                return Span(self.file, *pos)
            if not p:
                return Span.point(self.file)
            p = p[:-1]

    def has_value(self, path: Path) -> bool:
        self._positions()
        return path in self.values

    def key_span(self, path: Path) -> Span:
        """The span of the key naming the value at path (for a sequence item: the item)."""
        self._positions()
        pos = self.keys.get(path)
        return Span(self.file, *pos) if pos is not None else self.span(path)


# C0 and C1 control characters other than tab, line feed and carriage return, and the two non-characters
# XML cannot hold: reachable through escapes in double-quoted scalars ("\x1f"), and they break every
# output format (SVG, XLSX, DOCX) while showing nothing on screen.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def resolve_plain(text: str) -> Any:
    """Resolve a plain (unquoted) scalar by the YAML 1.2 core schema; timestamps stay strings."""
    if text and text[0] not in _NOT_TEXT_START:
        return text  # most scalars (Chinese text, ids): nothing below can match
    if _NULL.match(text):
        return None
    b = _BOOL.get(text)
    if b is not None:
        return b
    if _INT10.match(text):
        return int(text, 10)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


def guess_encoding(raw: bytes) -> str:
    """Name the likely encoding of bytes that are not UTF-8, in words a clerk knows."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    if b"\x00" in raw[:4096]:
        return "二进制文件或 UTF-16"
    for codec, label in (("gb18030", "GBK（GB18030）"), ("big5", "Big5（繁体）")):
        for cut in range(4):  # a sample may end inside a character (up to 4 bytes in GB18030): not a reason
            try:
                text = raw[: len(raw) - cut].decode(codec)
            except UnicodeDecodeError:
                continue
            if any("\u4e00" <= ch <= "\u9fff" for ch in text):
                return label
            break
    return "未知编码（可能是二进制文件）"


def _position_of_offset(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return line, column


def decode(file: str, raw: bytes) -> tuple[str | None, LoadProblem | None]:
    """UTF-8 with or without BOM; anything else is E004 naming the likely encoding."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        line, column = _position_of_offset(good, len(good))
        # Guess from the neighbourhood of the first bad byte: a file may be UTF-8 with one pasted GBK line.
        # The sample runs from that line's start to a line end at least 400 bytes on (a line feed is never
        # inside a GBK, GB18030 or Big5 character), at most 64 KB.
        start = raw.rfind(b"\n", 0, exc.start) + 1
        end = raw.find(b"\n", exc.start + 400, exc.start + 65536)
        guess = guess_encoding(raw[start : end if end >= 0 else exc.start + 65536])
        return None, LoadProblem(
            "E004",
            Span.point(file, line, column),
            f"文件不是 UTF-8 编码，可能是 {guess}（第 {line} 行第 {column} 列起无法按 UTF-8 读取）",
            "用编辑器“另存为 UTF-8”，或运行：iconv -f GB18030 -t UTF-8 原文件 > 新文件",
        )


def _mark_pos(start: Any, end: Any) -> Pos:
    line, col = start.line + 1, start.column + 1
    eline, ecol = end.line + 1, end.column + 1
    if (eline, ecol) < (line, col):
        eline, ecol = line, col
    return (line, col, eline, ecol)


def _mark_span(file: str, start: Any, end: Any) -> Span:
    return Span(file, *_mark_pos(start, end))


class _Frame:
    __slots__ = (
        "anchor",
        "container",
        "dropped",
        "is_map",
        "key",
        "key_span",
        "path",
        "size",
        "skip",
        "start",
    )

    def __init__(self, container: Any, path: Path, start: Any, anchor: str | None, dropped: bool) -> None:
        self.container = container
        self.is_map = isinstance(container, dict)
        self.path = path
        self.start = start
        self.anchor = anchor
        self.key: str | None = None
        self.key_span: Pos | None = None
        self.size = 1
        self.dropped = dropped  # inside a node that is being skipped: build nothing
        self.skip = 0  # how many of the next child nodes to drop (a duplicate key's value, a complex key)


class _Stop(Exception):
    def __init__(self, problem: LoadProblem) -> None:
        self.problem = problem


def _events(text: str) -> Iterator[Any]:
    parser = _Parser(text)
    table = relines(text)
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return
            if table is not None:
                event.start_mark = remark(event.start_mark, table)
                event.end_mark = remark(event.end_mark, table)
            yield event
    finally:
        parser.dispose()


class _Builder:
    """Turns the event stream of one document into data and positions."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.expanded = 0
        self.documents = 0

    def stop(self, code: str, span: Span, message: str, hint: str = "") -> None:
        raise _Stop(LoadProblem(code, span, message, hint))

    def run(self, text: str) -> None:
        file = self.doc.file
        for ev in _events(text):
            if isinstance(ev, yaml.ScalarEvent):
                self.scalar(ev)
            elif isinstance(ev, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                self.open(ev)
            elif isinstance(ev, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                self.close(ev)
            elif isinstance(ev, yaml.AliasEvent):
                self.alias(ev)
            elif isinstance(ev, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.stop(
                        "E001",
                        _mark_span(file, ev.start_mark, ev.end_mark),
                        "文件包含多个 YAML 文档；一个文件只能写一个单位",
                        "删除第二个 `---` 及其后的内容，或把它拆到另一个文件",
                    )

    # -- where the next node goes ---------------------------------------------------------
    def _slot(self) -> tuple[Path | None, bool]:
        """Path for the next node and whether it is a mapping key; None when it is dropped."""
        if not self.stack:
            return (), False
        top = self.stack[-1]
        if top.dropped or top.skip:
            return None, False
        if top.is_map:
            if top.key is None:
                return top.path, True
            return (*top.path, top.key), False
        return (*top.path, len(top.container)), False

    def _dropped_done(self) -> None:
        """A dropped child node is complete: count it off its parent's skip budget."""
        if self.stack:
            top = self.stack[-1]
            if not top.dropped and top.skip:
                top.skip -= 1
                if not top.skip:
                    top.key = None
                    top.key_span = None

    def _skip_next(self, nodes: int) -> None:
        top = self.stack[-1]
        top.skip = nodes

    def _place(self, value: Any, span: Pos, path: Path, size: int) -> None:
        if not self.stack:
            self.doc.data = value
            self.doc.values[()] = span
            return
        top = self.stack[-1]
        top.size += size
        if top.is_map:
            assert top.key is not None
            top.container[top.key] = value
            if top.key_span is not None:
                self.doc.keys[path] = top.key_span
            top.key = None
            top.key_span = None
        else:
            self.doc.keys[path] = span
            top.container.append(value)
        self.doc.values[path] = span

    # -- events ----------------------------------------------------------------------------
    def scalar(self, ev: Any) -> None:
        span = _mark_pos(ev.start_mark, ev.end_mark)
        path, is_key = self._slot()
        if path is None:
            self._dropped_done()
            return
        plain = not ev.style and ev.implicit[0]
        if ev.tag is not None and ev.tag in _STR_TAGS:
            value: Any = ev.value
        elif plain or ev.tag is not None:
            value = resolve_plain(ev.value)
        else:
            value = ev.value
        if isinstance(value, str) and (bad := CONTROL_CHARS.search(value)) is not None:
            self.stop(
                "E004",
                _mark_span(self.doc.file, ev.start_mark, ev.end_mark),
                f"文本含有不可见的控制字符 U+{ord(bad.group()):04X}（多半是从其他软件复制时带进来的）",
                "删除这个字符；文件中只能有可见文字、空格、制表符和换行",
            )
        if is_key:
            self.key(ev.value if value is None or not isinstance(value, str) else value, span)
            return
        if plain and isinstance(value, int | float) and not isinstance(value, bool):
            self.doc.plain_numbers[path] = ev.value
        if ev.anchor:
            self.anchors[ev.anchor] = (value, 1)
        self._place(value, span, path, 1)

    def key(self, key: str, span: Pos) -> None:
        top = self.stack[-1]
        if key in top.container:
            first = self.doc.keys.get((*top.path, key))
            where = f"（第一次出现在第 {first[0]} 行）" if first else ""
            self.doc.problems.append(
                LoadProblem(
                    "E002",
                    Span(self.doc.file, *span),
                    f"键「{key}」重复{where}",
                    "同一映射中每个键只能出现一次：合并两处内容，或删除重复的一处",
                )
            )
            top.key = key
            self._skip_next(1)
            return
        top.key = key
        top.key_span = span

    def _bad_key(self, span: Span, message: str, nodes: int) -> None:
        self.doc.problems.append(LoadProblem("E003", span, message, "把键改写为普通文本，如 `name: 名称`"))
        self.stack[-1].key = "\x00"
        self._skip_next(nodes)

    def open(self, ev: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            self.stop(
                "E001",
                _mark_span(self.doc.file, ev.start_mark, ev.end_mark),
                f"嵌套超过 {MAX_DEPTH} 层，不是合法的职权目录结构",
                "检查是否误写了大量 `[` 或 `{`，或缩进层级是否错乱",
            )
        path, is_key = self._slot()
        if is_key:
            # A list or mapping used as a key: drop it and the value that follows.
            self._bad_key(_mark_span(self.doc.file, ev.start_mark, ev.end_mark), "键必须是文本，不能是列表或映射", 2)
            path = None
        container: Any = {} if isinstance(ev, yaml.MappingStartEvent) else []
        self.stack.append(_Frame(container, path or (), ev.start_mark, ev.anchor, dropped=path is None))

    def close(self, ev: Any) -> None:
        frame = self.stack.pop()
        if frame.dropped:
            self._dropped_done()
            return
        span = _mark_pos(frame.start, ev.end_mark)
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.container, frame.size)
        self._place(frame.container, span, frame.path, frame.size)

    def alias(self, ev: Any) -> None:
        pos = _mark_pos(ev.start_mark, ev.end_mark)
        span = Span(self.doc.file, *pos)
        path, is_key = self._slot()
        if path is None:
            self._dropped_done()
            return
        if is_key:
            self._bad_key(span, "键不能是别名", 1)
            return
        target = self.anchors.get(ev.anchor)
        if target is None:  # libyaml reports undefined aliases itself; kept as a guard
            self.stop("E001", span, f"别名「*{ev.anchor}」没有对应的锚点「&{ev.anchor}」")
            return
        value, size = target
        self.expanded += size
        if self.expanded > MAX_ALIAS_EXPANSION:
            self.stop(
                "E001",
                span,
                f"别名展开后的节点超过 {MAX_ALIAS_EXPANSION} 个，疑似“YAML 炸弹”，已停止读取",
                "职权目录不需要大量别名：把重复内容直接写出",
            )
        self._place(value, pos, path, size)


def typo_problem(file: str, typo: Typo, code: str = "E001", path: Path = (), repaired: bool = False) -> LoadProblem:
    """The finding for a typing mistake, at its character."""
    span = Span.point(file, typo.line, typo.column)
    return LoadProblem(code, span, typo.message, typo.hint, path, repaired, typo.edits)


def _yaml_error(file: str, text: str, exc: yaml.YAMLError) -> LoadProblem:
    table = relines(text)
    mark = remark(getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None), table)
    context = remark(getattr(exc, "context_mark", None), table)
    if mark is not None and context is not None and mark.line >= len(split_lines(text)):
        mark = context  # the problem is "end of file": point at what was left open instead
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    elif isinstance(exc, yaml.reader.ReaderError):
        # The C reader counts bytes of the UTF-8 encoding.
        prefix = text.encode("utf-8")[: exc.position].decode("utf-8", errors="ignore")
        line, column = _position_of_offset(prefix, len(prefix))
        problem = "control characters are not allowed"
    else:
        line, column = 1, 1
    earliest = context.line + 1 if context is not None else None
    typo = syntax_typo(text, line, earliest) or indent_typo(text, line)
    if typo is None and earliest is not None and earliest != line:
        typo = indent_typo(text, earliest)
    if typo is not None:
        return typo_problem(file, typo)
    message, hint = _explain_yaml_problem(str(problem), text, line)
    return LoadProblem("E001", Span.point(file, line, column), message, hint)


def _explain_yaml_problem(problem: str, text: str, line: int) -> tuple[str, str]:
    lines = split_lines(text)
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in source or "found character '\\t'" in problem or "tab" in problem:
        return (
            "YAML 语法错误：缩进中使用了制表符（Tab）",
            "YAML 只能用空格缩进：把 Tab 换成空格（建议每级两个空格）",
        )
    table = [
        ("mapping values are not allowed", "此处不能出现冒号“:”开始的值", "值中含有冒号时请给整个值加引号"),
        ("could not find expected ':'", "缺少冒号“:”", "每个键后面要有英文冒号和一个空格，如 `name: 名称`"),
        ("did not find expected key", "缩进不一致或缺少键", "检查本行与上一行的缩进是否对齐"),
        ("did not find expected '-' indicator", "列表项缩进不一致", "同一列表的各项 `-` 要对齐"),
        ("found undefined alias", "使用了未定义的别名", "检查 `*名称` 是否有对应的 `&名称`"),
        (
            "found unexpected end of stream",
            "文件意外结束（引号或括号未闭合）",
            "检查引号、方括号、花括号是否成对",
        ),
        (
            "found unknown escape character",
            "双引号字符串中有无效的转义符",
            "把反斜杠写成 `\\\\`，或改用单引号",
        ),
        ("control characters are not allowed", "含有不允许的控制字符", "文件可能是二进制或已损坏"),
        (
            "did not find expected ',' or ']'",
            "方括号列表未闭合或缺少逗号",
            "检查 `[` 与 `]` 是否成对，各项之间用英文逗号分隔",
        ),
        (
            "did not find expected ',' or '}'",
            "花括号映射未闭合或缺少逗号",
            "检查 `{` 与 `}` 是否成对，各项之间用英文逗号分隔",
        ),
        (
            "found character that cannot start any token",
            "出现了不能开始任何内容的字符",
            "该字符需要放在引号中",
        ),
    ]
    for needle, message, hint in table:
        if needle in problem:
            return f"YAML 语法错误：{message}", hint
    return f"YAML 语法错误：{problem}", "对照 YAML 语法检查这一行及上一行"


def load_text(file: str, text: str) -> Document:
    doc = Document(file=file, text=text)
    builder = _Builder(doc)
    try:
        builder.run(text)
    except _Stop as stop:
        doc.problems.append(stop.problem)
        doc.data = None
    except yaml.YAMLError as exc:
        doc.problems.append(_yaml_error(file, text, exc))
        doc.data = None
    except RecursionError:  # pragma: no cover - the builder does not recurse; belt and braces
        doc.problems.append(LoadProblem("E001", Span.point(file), "文件结构过深，无法读取"))
        doc.data = None
    if not doc.problems and "\u3000" in text:
        wide = indented_keys(text, [pos[0] for path, pos in doc.keys.items() if str(path[-1])[:1] == "\u3000"])
        if wide:  # a key read with the full-width spaces that were meant as its indentation
            doc.problems.extend(typo_problem(file, t) for t in wide)
            doc.data = None
    return doc


def load_bytes(file: str, raw: bytes) -> Document:
    if len(raw) > MAX_BYTES:
        return Document(
            file=file,
            problems=[
                LoadProblem(
                    "E001",
                    Span.point(file),
                    f"文件过大（{len(raw) // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）",
                    "一个文件只放一个单位的职权目录",
                )
            ],
        )
    text, problem = decode(file, raw)
    if problem is not None or text is None:
        return Document(file=file, problems=[problem] if problem else [])
    return load_text(file, text)


def read_capped(path: FsPath) -> bytes:
    """Up to MAX_BYTES + 1 bytes of a regular file. Anything else is an OSError: a FIFO named *.yaml is
    opened without waiting for a writer (O_NONBLOCK) and refused, as are devices and sockets."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "不是普通文件（可能是管道、设备或套接字）", str(path))
        return fh.read(MAX_BYTES + 1)


def load_file(path: FsPath, display: str | None = None) -> Document:
    file = display if display is not None else str(path)
    try:
        raw = read_capped(path)
    except OSError as exc:
        from powerctl.source.oserror import reason as why

        reason = why(exc)
        return Document(
            file=file,
            problems=[LoadProblem("E001", Span.point(file), f"无法读取文件：{reason}", "检查文件是否存在以及读取权限")],
        )
    return load_bytes(file, raw)
