"""Values the schema rejects because of a typing mistake: named at the character, and read as meant.

When a key or value fails the schema only because of how it was typed — ``{at： decide}`` (a full-width
colon inside a flow mapping makes one key ``at： decide``), ``days: ２`` (full-width digit),
``charged: 否``, ``rights:`` two spaces short of the ``flow`` it belongs to — the finding names that
character, and the data is corrected in memory so that the rest of the schema and the rules see what
the clerk meant. So one mistake gives one finding, never a knock-on "missing field" or F201.

Each repair knows the text edits that make the file say the same; ``powerctl fix`` applies them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError

from powerctl.source.load import Document, resolve_plain
from powerctl.source.span import Path
from powerctl.source.typos import NOW, WIDE_COMMA, Edit, Typo, bool_word, limit_word, line_typos, number_typo

WIDE_HYPHEN = "－"

TitleOf = Callable[[Path], str]
SchemaOf = Callable[[Path], Mapping[str, Any]]


@dataclass(frozen=True)
class Repair:
    code: str  # E001 for punctuation and indentation, E003 for a value typed in another form
    path: Path  # where the value is after the repair
    typo: Typo


def _node(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _source_line(doc: Document, line: int) -> str:
    lines = doc.text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _owner(path: Path) -> Path | None:
    """The mapping that holds the mapping at path (a list item's list belongs to the mapping above)."""
    if not path:
        return None
    if isinstance(path[-1], int):
        return path[:-2] if len(path) >= 2 else None
    return path[:-1]


def _move_edits(doc: Document, key_path: Path, delta: int) -> tuple[Edit, ...]:
    """Indent (or outdent) every line of a block entry by delta spaces, from its key to its value's end."""
    key = doc.key_span(key_path)
    value = doc.span(key_path)
    lines = doc.text.splitlines()
    last = value.end_line
    # libyaml ends a block value where the next token starts: with only indentation before it, on the line above
    if last > key.line and (last > len(lines) or not lines[last - 1][: value.end_column - 1].strip()):
        last -= 1
    edits = []
    for n in range(key.line, last + 1):
        source = lines[n - 1] if n <= len(lines) else ""
        if not source.strip():
            continue
        if delta > 0:
            edits.append(Edit(n, 1, 0, " " * delta))
        elif source[:-delta].strip(" ") == "":
            edits.append(Edit(n, 1, -delta, ""))
        else:
            return ()
    return tuple(edits)


class Repairer:
    """Finds and corrects typed-wrong keys and values, one schema error at a time."""

    def __init__(self, doc: Document, title: TitleOf, schema_of: SchemaOf) -> None:
        self.doc = doc
        self.title = title
        self.schema_of = schema_of
        self.data = copy.deepcopy(doc.data)
        self.repairs: list[Repair] = []

    def attempt(self, error: ValidationError) -> bool:
        """Correct the data for this error if a typing mistake explains it."""
        path: Path = tuple(error.absolute_path)
        try:
            limit = isinstance(error.instance, str) and is_limit(self.schema_of(path))
            if limit and self._limit_word(path, str(error.instance)):
                return True
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                props = self.schema_of(path).get("properties", {})
                extras = [k for k in error.instance if k not in props and not str(k).startswith("x-")]
                return any(self._key(path, str(k)) for k in extras)
            if error.validator == "pattern" and isinstance(error.instance, str):
                return self._wide_hyphen(path, error.instance, str(error.validator_value))
            if (
                error.validator == "enum"
                and isinstance(error.instance, str)
                and isinstance(error.validator_value, list)
            ):
                return self._wide_comma_item(path, error.instance, error.validator_value)
            if error.validator == "type":
                wanted = error.validator_value
                names = [str(n) for n in wanted] if isinstance(wanted, list) else [str(wanted)]
                if isinstance(error.instance, str):
                    return self._value(path, error.instance, names)
                if "string" in names and path in self.doc.plain_numbers:
                    return self._code(path, self.doc.plain_numbers[path])
        except (KeyError, IndexError, TypeError):
            return False
        return False

    # -- keys -------------------------------------------------------------------------------
    def _key(self, path: Path, key: str) -> bool:
        holder = _node(self.data, path)
        if not isinstance(holder, dict) or key not in holder:
            return False
        return self._punctuated_key(path, holder, key) or self._misplaced_key(path, holder, key)

    def _punctuated_key(self, path: Path, holder: dict[str, Any], key: str) -> bool:
        span = self.doc.key_span((*path, key))
        source = _source_line(self.doc, span.line)
        on_key = [
            t
            for t in line_typos(span.line, source)
            if span.column <= t.column <= (span.end_column if span.end_line == span.line else len(source) + 1)
        ]
        if not on_key:
            return False
        for sep in ("：", ":", "　"):
            if sep in key:
                name, _, rest = key.partition(sep)
                break
        else:
            return False
        name, rest = name.strip(" 　"), rest.strip(" 　")
        props = self.schema_of(path).get("properties", {})
        if name not in props or name in holder or holder[key] is not None:
            return False
        value = resolve_plain(rest)
        del holder[key]
        holder[name] = value
        self.repairs.append(Repair("E001", (*path, name), on_key[0]))
        return True

    def _misplaced_key(self, path: Path, holder: dict[str, Any], key: str) -> bool:
        """A key the schema knows one level down (in the mapping just above it) or one level up."""
        keys = list(holder)
        at = keys.index(key)
        kspan = self.doc.key_span((*path, key))
        # One level down: the entry it follows is a mapping that should hold it.
        for child in reversed(keys[:at]):
            target = holder[child]
            if isinstance(target, dict) and key in self.schema_of((*path, child)).get("properties", {}):
                if key in target:
                    return False
                column = self._column_of(target, (*path, child))
                adjacent = keys[at - 1] == child and column is not None
                delta = (column - kspan.column) if column is not None else 0
                edits = _move_edits(self.doc, (*path, key), delta) if adjacent and delta > 0 else ()
                where = (
                    f"，与第 {self._first_key_line(target, (*path, child))} 行的「{next(iter(target))}」对齐"
                    if target
                    else ""
                )
                need = f"再缩进 {delta} 个空格{where}" if delta > 0 else f"写到「{child}」之下"
                message = (
                    f"第 {kspan.line} 行第 {kspan.column} 列「{key}」的缩进不够：它是「{self.title((*path, child))}」"
                    f"的一项，却写成了与「{child}」同级"
                )
                hint = f"把这一项{need}（YAML 用缩进表示从属关系）"
                self._move(
                    holder, key, target, (*path, child, key), Typo(kspan.line, kspan.column, message, hint, edits)
                )
                return True
            break  # only the entry right above, or the one above a run of plain values, is a candidate
        # One level up: the mapping that holds this one knows the key.
        owner = _owner(path)
        if owner is None:
            return False
        parent = _node(self.data, owner)
        if not isinstance(parent, dict) or key in parent:
            return False
        if key not in self.schema_of(owner).get("properties", {}):
            return False
        column = self._column_of(parent, owner)
        last = at == len(keys) - 1
        delta = (kspan.column - column) if column is not None else 0
        edits = _move_edits(self.doc, (*path, key), -delta) if last and delta > 0 else ()
        container = path[len(owner)] if len(path) > len(owner) else ""
        message = (
            f"第 {kspan.line} 行第 {kspan.column} 列「{key}」的缩进多了：它是「{self.title(owner)}」的一项，"
            f"却写进了「{container}」里面"
        )
        hint = f"把这一项少缩进 {delta} 个空格，与「{container}」对齐" if delta > 0 else f"把它移到「{container}」之外"
        self._move(holder, key, parent, (*owner, key), Typo(kspan.line, kspan.column, message, hint, edits))
        return True

    def _column_of(self, mapping: dict[str, Any], path: Path) -> int | None:
        """The column of a block mapping's keys; None for a flow mapping or one without keys."""
        if not mapping:
            return None
        first = self.doc.key_span((*path, next(iter(mapping))))
        whole = self.doc.span(path) if path else None
        if whole is not None and _source_line(self.doc, whole.line)[whole.column - 1 : whole.column] == "{":
            return None
        return first.column

    def _first_key_line(self, mapping: dict[str, Any], path: Path) -> int:
        return self.doc.key_span((*path, next(iter(mapping)))).line

    def _move(self, holder: dict[str, Any], key: str, target: dict[str, Any], new: Path, typo: Typo) -> None:
        target[key] = holder.pop(key)
        self.repairs.append(Repair("E001", new, typo))

    # -- values -----------------------------------------------------------------------------
    def _value(self, path: Path, value: str, names: list[str]) -> bool:
        if not path:
            return False
        span = self.doc.span(path)
        source = _source_line(self.doc, span.line)
        fixed: Any = None
        typo: Typo | None = None
        code = "E003"
        if "integer" in names or "number" in names:
            found = number_typo(span.line, span.column, source, value)
            if found is not None:
                typo, fixed = found
                if not self._unit_agrees(path, value):
                    # 7个自然日 where the power counts working days: the number alone would change the meaning.
                    hint = typo.hint + "；这里写的单位与 time_limit 的 unit 不同，请核对后修改"
                    typo = Typo(typo.line, typo.column, typo.message, hint)
        if typo is None and "boolean" in names:
            meant = bool_word(value)
            if meant is not None:
                word = "true" if meant else "false"
                start = source.find(value, span.column - 1)
                edits: tuple[Edit, ...] = (Edit(span.line, start + 1, len(value), word),) if start >= 0 else ()
                typo = Typo(
                    span.line,
                    span.column,
                    f"{self.title(path)}要写 true（是）或 false（否），这里写的是「{value}」",
                    f"写成 {path[-1]}: {word}",
                    edits,
                )
                fixed = meant
        if typo is None and ("array" in names or "object" in names):
            for t in line_typos(span.line, source):
                if t.column >= span.column and t.edits:
                    folded = _apply_line(value, t, span.column, source)
                    if folded is None:
                        continue
                    parsed = _parse_fragment(folded)
                    if (isinstance(parsed, list) and "array" in names) or (
                        isinstance(parsed, dict) and "object" in names
                    ):
                        typo, fixed, code = t, parsed, "E001"
                        break
        if typo is None and "array" in names and value.startswith("【") and value.endswith("】"):
            # 【】 is the bracket a Chinese input method types for [ ]; as text it is common, so it is taken
            # for a list only where the schema wants one.
            start = source.find(value, span.column - 1)
            parsed = _parse_fragment("[" + value[1:-1] + "]")
            if start >= 0 and isinstance(parsed, list):
                end = start + len(value)
                edits = (Edit(span.line, start + 1, 1, "["), Edit(span.line, end, 1, "]"))
                message = f"第 {span.line} 行第 {start + 1} 列是中文方头括号“【”，YAML 把整段读成了一段文字"
                typo, fixed, code = Typo(span.line, start + 1, message, "列表用英文方括号 [ ]", edits), parsed, "E001"
        if typo is None:
            return False
        if typo.edits and len(typo.edits) == 1 and code == "E003":
            # A quoted value ("否", "７") is replaced with its quotes: the value becomes a boolean or a number.
            token = _token(source, span.line, span.column, span.end_line, span.end_column)
            if token is not None:
                start, length = token
                typo = Typo(
                    typo.line,
                    typo.column,
                    typo.message,
                    typo.hint,
                    (Edit(span.line, start + 1, length, typo.edits[0].text),),
                )
        holder = _node(self.data, path[:-1])
        holder[path[-1]] = fixed
        self.repairs.append(Repair(code, path, typo))
        return True

    def _limit_word(self, path: Path, value: str) -> bool:
        """即时, 当场办结 … typed for 即办; “/”, 无 typed for null: the limit a list means by them."""
        meant = limit_word(value)
        if meant is None or not path or _node(self.data, path) != value:
            return False
        (fixed,) = meant
        span = self.doc.span(path)
        source = _source_line(self.doc, span.line)
        token = _token(source, span.line, span.column, span.end_line, span.end_column)
        if token is None:
            start = source.find(value, span.column - 1)
            token = (start, len(value)) if start >= 0 and span.end_line == span.line else None
        word = fixed if fixed is not None else "null"
        edits = (Edit(span.line, token[0] + 1, token[1], word),) if token is not None else ()
        at = (token[0] + 1) if token is not None else span.column
        key = path[-1] if isinstance(path[-1], str) else "值"
        if fixed == NOW:
            message = f"第 {span.line} 行第 {at} 列{self.title(path)}写的是「{value}」，当场办结的时限写成 即办"
            hint = f"写成 {key}: 即办（一表中显示为“即办”，按 0 天计）"
        else:
            message = f"第 {span.line} 行第 {at} 列{self.title(path)}写的是「{value}」，没有时限写 null"
            hint = f"写成 {key}: null（一表中显示为“/”）"
        _node(self.data, path[:-1])[path[-1]] = fixed
        self.repairs.append(Repair("E003", path, Typo(span.line, at, message, hint, edits)))
        return True

    def _wide_hyphen(self, path: Path, value: str, pattern: str) -> bool:
        """QT－001: a full-width hyphen where the schema's pattern wants "-"."""
        if not path or WIDE_HYPHEN not in value or _node(self.data, path) != value:
            return False
        meant = value.replace(WIDE_HYPHEN, "-")
        if re.search(pattern, meant) is None:
            return False
        span = self.doc.span(path)
        source = _source_line(self.doc, span.line)
        start = source.find(value, span.column - 1)
        if start < 0:
            return False
        at = start + value.index(WIDE_HYPHEN) + 1
        edits = tuple(Edit(span.line, start + i + 1, 1, "-") for i, ch in enumerate(value) if ch == WIDE_HYPHEN)
        typo = Typo(
            span.line,
            at,
            f"第 {span.line} 行第 {at} 列是全角连字符“－”，{self.title(path)}「{value}」因此格式不正确",
            f"连字符用半角“-”（英文输入法下的减号键），写成 {meant}",
            edits,
        )
        _node(self.data, path[:-1])[path[-1]] = meant
        self.repairs.append(Repair("E001", path, typo))
        return True

    def _wide_comma_item(self, path: Path, value: str, allowed: list[Any]) -> bool:
        """[大额资金使用，重大决策]: a full-width comma between the items of a flow sequence, which YAML reads
        as one item; only where every part is one of the values the schema allows."""
        if len(path) < 2 or not isinstance(path[-1], int) or "，" not in value or _node(self.data, path) != value:
            return False
        parts = [p.strip(" 　") for p in value.split("，")]
        if not all(p in allowed for p in parts):
            return False
        span = self.doc.span(path)
        source = _source_line(self.doc, span.line)
        start = span.column - 1
        if span.end_line != span.line or source[start : start + len(value)] != value:
            return False  # quoted or spread over lines: not a plain item of a flow sequence
        if source[:start].rstrip(" ")[-1:] not in ("[", ","):
            return False
        edits = []
        for i, ch in enumerate(value):
            if ch == "，":
                spaces = len(value[i + 1 :]) - len(value[i + 1 :].lstrip(" 　"))
                edits.append(Edit(span.line, start + i + 1, 1 + spaces, ", "))
        at = edits[0].column
        typo = Typo(
            span.line,
            at,
            f"第 {span.line} 行第 {at} 列是{WIDE_COMMA}，YAML 把「{value}」读成了{self.title(path)}的一项",
            f"方括号里各项之间用英文逗号“,”分隔，写成 [{', '.join(parts)}]",
            tuple(edits),
        )
        items = _node(self.data, path[:-1])
        # The first part in place, the others at the end: the other items keep their positions in the file.
        items[path[-1]] = parts[0]
        items.extend(parts[1:])
        self.repairs.append(Repair("E001", path, typo))
        return True

    def _unit_agrees(self, path: Path, value: str) -> bool:
        """Whether a number written with its unit (7个自然日) names the unit its power counts in."""
        words = re.search(r"(工作日|自然日|天|日)\s*$", value)
        if words is None or len(path) < 2 or path[0] != "powers":
            return True
        power = _node(self.data, path[:2])
        limit = power.get("time_limit") if isinstance(power, dict) else None
        unit = limit.get("unit") if isinstance(limit, dict) else None
        return (words.group(1) == "工作日") == (unit == "工作日")

    def _code(self, path: Path, source: str) -> bool:
        """A code typed without quotes (000101) that YAML read as a number: the text it was."""
        span = self.doc.span(path)
        line = _source_line(self.doc, span.line)
        edits: tuple[Edit, ...] = ()
        if line[span.column - 1 : span.column - 1 + len(source)] == source:
            edits = (Edit(span.line, span.column, len(source), f'"{source}"'),)
        key = path[-1] if isinstance(path[-1], str) else "值"
        typo = Typo(
            span.line,
            span.column,
            f"{self.title(path)}应为文本，但「{source}」被读成了数字",
            f'请加引号，写成 {key}: "{source}"（不加引号时开头的 0 会丢失）',
            edits,
        )
        _node(self.data, path[:-1])[path[-1]] = source
        self.repairs.append(Repair("E003", path, typo))
        return True


def is_limit(schema: Mapping[str, Any]) -> bool:
    """Whether a field's (resolved) schema is a time limit's days: a number, 即办 or null."""
    branches = schema.get("oneOf") or schema.get("anyOf") or ()
    return any(isinstance(b, Mapping) and b.get("const") == NOW for b in branches)


def _token(source: str, line: int, column: int, end_line: int, end_column: int) -> tuple[int, int] | None:
    """A quoted scalar's start and length with its quotes (0-based), when it is written on one line."""
    if end_line != line or source[column - 1 : column] not in ('"', "'"):
        return None
    return column - 1, end_column - column


def _apply_line(value: str, typo: Typo, column: int, source: str) -> str | None:
    """The value's text with the typo's edits on its line applied."""
    start = source.find(value, column - 1)
    if start < 0:
        return None
    chars = list(source)
    for edit in sorted(typo.edits, key=lambda e: e.column, reverse=True):
        if edit.line != typo.line:
            return None
        chars[edit.column - 1 : edit.column - 1 + edit.length] = list(edit.text)
    shift = sum(len(e.text) - e.length for e in typo.edits if e.column - 1 < start + len(value))
    return "".join(chars)[start : start + len(value) + shift]


def _parse_fragment(text: str) -> Any:
    from powerctl.source.load import load_text

    doc = load_text("", f"v: {text}\n")
    return doc.data.get("v") if isinstance(doc.data, dict) and not doc.problems else None
