"""`powerctl fix`: rewrite what is safe to correct in a catalogue, keeping every other byte.

Two kinds of correction:

* typing mistakes (full-width colons, commas, spaces, brackets and digits, a missing space after a
  colon, 是/否 for true/false, unquoted numeric codes, an entry a level too shallow or too deep): the
  loader and the schema stage name them with the edits that correct them (``LoadProblem.edits``);
* citations in their normal form: law names without 《》 and in full (B105's full name), articles as
  第N条 in Chinese numerals. These are found in the loader's own document (libyaml, with every value's
  position); a value is changed only where its source is exactly the value, plain or in quotes.

The corrections are spliced into the text at their positions instead of dumping the document again:
ruamel.yaml's dumper drops a comment placed between two flow-style items of a block sequence (seen on
tests/rule_cases/g507), and a line the clerk did not get wrong must come back byte for byte. ruamel.yaml's
round-trip loader is not used either: pure Python, it took 17 s and 250 MB for a 2.7 MB catalogue.

A file is read only up to the loader's limit (`source.load.MAX_BYTES`): a larger one is refused unread.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from powerctl.laws.citation import article_label, law_name
from powerctl.laws.resolve import LawResolver
from powerctl.source.load import Document, LoadProblem, decode, load_text
from powerctl.source.schema import SchemaChecker
from powerctl.source.span import Path
from powerctl.source.typos import Edit

MAX_ROUNDS = 50
_PLAIN_UNSAFE = frozenset(":,#[]{}&*!|>'\"%@`")


@dataclass(frozen=True)
class Change:
    line: int
    message: str  # what was corrected, in the clerk's words


@dataclass
class FileFix:
    file: str
    original: str
    text: str
    changes: list[Change] = field(default_factory=list)
    left: list[LoadProblem] = field(default_factory=list)  # typing mistakes found that were not safe to correct
    unreadable: str = ""  # why the file could not be read or decoded at all

    @property
    def changed(self) -> bool:
        return self.text != self.original


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The text with the edits applied; an edit overlapping one before it is left for the next round."""
    lines = text.splitlines(keepends=True)
    chosen: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.line, e.column)):
        last = chosen[-1] if chosen else None
        if last is not None and last.line == e.line and e.column < last.column + max(last.length, 1):
            continue
        chosen.append(e)
    for e in reversed(chosen):
        if not 0 < e.line <= len(lines):
            continue
        source = lines[e.line - 1]
        body = source.rstrip("\r\n")
        ending = source[len(body) :]
        at = e.column - 1
        lines[e.line - 1] = body[:at] + e.text + body[at + e.length :] + ending
    return "".join(lines)


# A message names its column in the text of its round; after earlier corrections on the same line that is
# not the column in the clerk's file, so fix reports the line alone.
_POSITION = re.compile(r"^第 \d+ 行第 \d+ 列")


def _typo_edits(problems: Sequence[LoadProblem]) -> tuple[list[Edit], list[Change]]:
    edits: list[Edit] = []
    changes: list[Change] = []
    for p in problems:
        if p.edits:
            edits.extend(p.edits)
            said = _POSITION.sub("", p.message).lstrip("，的")
            changes.append(Change(p.span.line, ("这里" + said) if said.startswith("是") else said))
    return edits, changes


def _citations(data: Any) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every citation of the catalogue's powers, with its path in the data."""
    powers = data.get("powers") if isinstance(data, dict) else None
    for i, power in enumerate(powers if isinstance(powers, list) else []):
        if not isinstance(power, dict):
            continue
        basis = power.get("basis")
        for j, c in enumerate(basis if isinstance(basis, list) else []):
            if isinstance(c, dict):
                yield ("powers", i, "basis", j), c
        for part in ("fee", "secrecy"):
            holder = power.get(part)
            if isinstance(holder, dict) and isinstance(holder.get("basis"), dict):
                yield ("powers", i, part, "basis"), holder["basis"]


def _scalar_edit(doc: Document, lines: list[str], path: Path, new: str) -> Edit | None:
    """Replace the scalar value at path where it is written, keeping its quoting; None if it is not a one-line
    scalar whose source is exactly its value (an escape, a tag, an alias, a block scalar …)."""
    place = doc.values.get(path)
    if place is None or place[0] != place[2] or not 0 < place[0] <= len(lines):
        return None
    line, column = place[0], place[1]
    source = lines[line - 1]
    at = column - 1
    quote = source[at : at + 1]
    value = _value(doc.data, path)
    if quote in ("'", '"'):
        if not isinstance(value, str) or quote in new or "\\" in new:
            return None
        written = f"{quote}{value}{quote}"
        replacement = f"{quote}{new}{quote}"
    else:
        written = doc.plain_numbers.get(path, value if isinstance(value, str) else "")
        if not written or any(ch in _PLAIN_UNSAFE for ch in new) or new != new.strip():
            return None
        replacement = new
    if source[at : at + len(written)] != written or place[3] != column + len(written):
        return None
    return Edit(line, column, len(written), replacement)


def _value(data: Any, path: Path) -> Any:
    for step in path:
        data = data[step]
    return data


def citation_edits(doc: Document, laws: LawResolver | None) -> tuple[list[Edit], list[Change]]:
    """Edits that put each citation of a loaded document in its normal form (full law name, no 《》, 第N条)."""
    lines = doc.text.splitlines()
    edits: list[Edit] = []
    changes: list[Change] = []
    for where, c in _citations(doc.data):
        law = c.get("law")
        if isinstance(law, str):
            name = law_name(law)
            found = laws.resolve(name) if laws is not None else None
            if found is not None and found.abbreviated:
                name = found.law.name
            if name != law:
                edit = _scalar_edit(doc, lines, (*where, "law"), name)
                if edit is not None:
                    edits.append(edit)
                    changes.append(Change(edit.line, f"法律法规名称「{law}」改为「{name}」"))
        article = c.get("article")
        if isinstance(article, str | int) and not isinstance(article, bool):
            label = article_label(article)
            if label != str(article) and label.startswith("第"):
                edit = _scalar_edit(doc, lines, (*where, "article"), label)
                if edit is not None:
                    edits.append(edit)
                    changes.append(Change(edit.line, f"条款「{article}」改为「{label}」"))
    return edits, changes


def fix_text(file: str, text: str, checker: SchemaChecker, laws: LawResolver | None) -> FileFix:
    """Correct the text round after round until nothing safe is left to correct."""
    result = FileFix(file, text, text)
    current = text
    for _ in range(MAX_ROUNDS):
        doc = load_text(file, current)
        if doc.problems:
            edits, changes = _typo_edits(doc.problems)
            if not edits:
                result.left = list(doc.problems)
                break
            current = apply_edits(current, edits)
            result.changes.extend(changes)
            continue
        problems = checker.check(doc)
        edits, changes = _typo_edits([p for p in problems if p.repaired])
        if not edits:
            edits, changes = citation_edits(doc, laws)
        result.left = [p for p in problems if p.repaired and not p.edits]
        if not edits:
            break
        updated = apply_edits(current, edits)
        if updated == current:
            break
        current = updated
        result.changes.extend(changes)
    result.text = current
    return result


def fix_bytes(file: str, raw: bytes, checker: SchemaChecker, laws: LawResolver | None) -> FileFix:
    text, problem = decode(file, raw)
    if text is None:
        fixed = FileFix(file, "", "")
        fixed.unreadable = problem.message if problem is not None else "无法读取"
        return fixed
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    fixed = fix_text(file, text, checker, laws)
    fixed.original, fixed.text = bom + fixed.original, bom + fixed.text
    return fixed
