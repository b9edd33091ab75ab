"""Law registries of facts (names, short names, level, dates, status, article count), no texts.

The built-in registry ships in the package (builtin.yaml); a catalogue repository may add its own
local laws in ``laws/*.yaml``. Both use the same format, checked by schemas/laws.schema.json.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from powerctl.source.boundary import HINT, Boundary, message
from powerctl.source.load import Document, LoadProblem, load_file
from powerctl.source.span import Span

BUILTIN = Path(__file__).resolve().parent / "builtin.yaml"
PREFIX = "中华人民共和国"
# A trailing version note the cataloguer added, such as （2019修正） or (2018年修订); (1988年) alone is part of
# titles like 宪法修正案（1988年） and must stay.
_VERSION_NOTE = re.compile(r"\(\d{4}[^()]{0,12}(?:修正|修订|修改|版|本)\)$")
_LEADING_PREFIX = re.compile(r"(^|[《〈<])" + PREFIX)
_BRACKETS = str.maketrans("", "", "《》〈〉<>")


def name_key(name: str) -> str:
    """The lookup key of a law name: no 《》〈〉, whitespace, width differences, 中华人民共和国 or version note.

    中华人民共和国 is dropped at the start and right after an opening bracket, so that
    上海市实施《中华人民共和国义务教育法》办法 and 上海市实施《义务教育法》办法 share a key.
    """
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if not ch.isspace())
    text = _LEADING_PREFIX.sub(r"\1", text)
    text = text.translate(_BRACKETS)
    return _VERSION_NOTE.sub("", text)


@dataclass(frozen=True, slots=True)
class Law:
    name: str
    short: tuple[str, ...]
    level: str
    status: str
    issued_by: str | None = None
    promulgated: str | None = None
    effective: str | None = None
    amended: tuple[str, ...] = ()
    repealed: str | None = None
    replaced_by: str | None = None
    articles: int | None = None

    @property
    def last_changed(self) -> str | None:
        """The date of the newest text: last amendment, else promulgation."""
        return self.amended[-1] if self.amended else self.promulgated


@dataclass(frozen=True, slots=True)
class Match:
    law: Law
    abbreviated: bool  # found by a short name or without 中华人民共和国, not by its full name


@dataclass(frozen=True)
class Registry:
    label: str
    laws: tuple[Law, ...]
    _by_name: dict[str, Law] = field(init=False, repr=False, compare=False)
    _by_key: dict[str, Law] = field(init=False, repr=False, compare=False)
    _by_short: dict[str, Law] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, Law] = {}
        by_key: dict[str, Law] = {}
        by_short: dict[str, Law] = {}
        for law in self.laws:
            by_name.setdefault(law.name, law)
            by_key.setdefault(name_key(law.name), law)
            for s in law.short:
                by_short.setdefault(name_key(s), law)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_by_short", by_short)

    def __len__(self) -> int:
        return len(self.laws)

    def find(self, name: str) -> Match | None:
        law = self._by_name.get(name)
        if law is not None:
            return Match(law, False)
        key = name_key(name)
        law = self._by_key.get(key)
        if law is not None:
            # Same title up to width, spaces or 《》 is the full name; a missing 中华人民共和国 is not.
            return Match(law, name_key(law.name) != key or _has_prefix(law.name) != _has_prefix(name))
        law = self._by_short.get(key)
        if law is not None:
            return Match(law, True)
        return None

    def short_names(self) -> dict[str, Law]:
        """Every name a law is abbreviated to (its short names, and the title without 中华人民共和国)."""
        out: dict[str, Law] = {}
        for law in self.laws:
            names = list(law.short)
            if law.name.startswith(PREFIX):
                names.append(law.name[len(PREFIX) :])
            for n in names:
                if n and n != law.name:
                    out.setdefault(n, law)
        return out


def _has_prefix(name: str) -> bool:
    return unicodedata.normalize("NFKC", name).strip("《》 ").startswith(PREFIX)


def _law(item: dict[str, Any]) -> Law:
    return Law(
        name=item["name"],
        short=tuple(str(s) for s in item.get("short") or ()),
        level=str(item.get("level", "")),
        status=str(item.get("status", "有效")),
        issued_by=item.get("issued_by"),
        promulgated=item.get("promulgated"),
        effective=item.get("effective"),
        amended=tuple(str(a) for a in item.get("amended") or ()),
        repealed=item.get("repealed"),
        replaced_by=item.get("replaced_by"),
        articles=item.get("articles"),
    )


def laws_from_documents(docs: Iterable[Document], bad: set[tuple[str, tuple[Any, ...]]]) -> tuple[Law, ...]:
    """Laws from loaded registry files, leaving out entries with schema problems (file, path)."""
    laws: list[Law] = []
    for doc in docs:
        data = doc.data
        if doc.problems or not isinstance(data, dict) or not isinstance(data.get("laws"), list):
            continue
        for i, item in enumerate(data["laws"]):
            if any(f == doc.file and p[:2] == ("laws", i) for f, p in bad):
                continue
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                laws.append(_law(item))
    return tuple(laws)


@dataclass(frozen=True)
class LocalRegistry:
    """A repository's laws/*.yaml: the registry, and the schema problems of its files."""

    registry: Registry
    problems: tuple[tuple[Document, LoadProblem], ...]
    texts: tuple[tuple[str, str], ...] = ()  # (file, text as parsed) of every file read


def load_local(root: Path, folders: Iterable[str]) -> LocalRegistry:
    from powerctl.source.schema import LAWS_SCHEMA, SchemaChecker

    checker = SchemaChecker.named(LAWS_SCHEMA)
    docs: list[Document] = []
    problems: list[tuple[Document, LoadProblem]] = []
    inside = Boundary.of(root)

    def shown(path: Path) -> str:
        return str(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)

    def refused(path: Path) -> bool:
        """A folder or file leading out of the repository (configured so, or a link): a finding, not read."""
        target = inside.escape(path)
        if target is not None and os.path.lexists(path):
            where = Span.point(shown(path))
            if os.path.islink(path):
                problem = LoadProblem("E001", where, message(target), HINT)
            else:
                problem = LoadProblem(
                    "E001", where, f"本地法规文件夹在仓库之外（{target}），不读取",
                    ".powerctl.yaml 的 laws.paths 只能写仓库中的文件夹（相对于仓库根目录）",
                )  # fmt: skip
            problems.append((Document(file=where.file), problem))
        return target is not None

    for folder in folders:
        base = root / folder
        if refused(base) or not base.is_dir():
            continue
        for path in sorted(base.glob("*.y*ml")):
            if refused(path):
                continue
            doc = load_file(path, display=shown(path))
            docs.append(doc)
            found = list(doc.problems) or checker.check(doc)
            problems.extend((doc, p) for p in found)
    bad = {(d.file, p.path) for d, p in problems}
    label = "本地法规库（" + "、".join(f"{f}/" for f in folders) + "）"
    texts = tuple((d.file, d.text) for d in docs)
    return LocalRegistry(Registry(label, laws_from_documents(docs, bad)), tuple(problems), texts)


@cache
def builtin() -> Registry:
    """The registry shipped in the package."""
    doc = load_file(BUILTIN)
    return Registry("内置法规库", laws_from_documents([doc], set()))
