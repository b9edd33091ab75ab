"""Resolving a cited law across the registries and the corpus index, and judging a citation.

Three outcomes, never two: resolved and valid, resolved and invalid (repealed, not yet in force,
article out of range, abbreviated name, quote not in the text), or unknown (and which registries
were searched). Local registries come first, then the built-in facts, then the corpus index.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from powerctl.laws.citation import ArticleRef, article_structure, parse_article, quote_matches
from powerctl.laws.fit import Fit, judge
from powerctl.laws.registry import Law, LocalRegistry, Registry, builtin, load_local

if TYPE_CHECKING:
    from pathlib import Path

    from powerctl.laws.index import IndexedLaw, LawIndex

INDEX_LABEL = "法律文本索引"


@dataclass(frozen=True, slots=True)
class Resolved:
    law: Law
    source: str  # the label of the registry that knew it
    abbreviated: bool
    indexed: IndexedLaw | None  # the corpus' version of it, for article texts


@dataclass(frozen=True, slots=True)
class Problem:
    code: str  # B102 B103 B104 B105 B107
    message: str
    hint: str


def _from_index(found: IndexedLaw) -> Law:
    versions = found.versions
    return Law(
        name=found.title,
        short=(),
        level=found.level,
        status=found.status,
        promulgated=(versions[0].date or None) if versions else None,
        effective=found.effective,
        amended=tuple(v.date for v in versions[1:]),
        articles=found.articles,
    )


@dataclass
class LawResolver:
    registries: Sequence[Registry]
    index: LawIndex | None
    today: date
    local_texts: tuple[tuple[str, str], ...] = ()  # the local law files as read for this resolver

    def identity(self) -> str:
        """What this resolver answers from, as one key: the local law files' text as read, the index's
        identity (where it is, when it was built, from which corpus) and the day."""
        h = hashlib.sha256(self.today.isoformat().encode())
        for file, text in self.local_texts:
            h.update(file.encode("utf-8", "surrogateescape") + b"\0" + text.encode("utf-8", "surrogateescape") + b"\0")
        if self.index is not None:
            h.update(json.dumps([str(self.index.path), sorted(self.index.meta.items())], ensure_ascii=False).encode())
        else:
            h.update(b"no index")
        return h.hexdigest()

    _resolved: dict[str, Resolved | None] = field(default_factory=dict)
    _checked: dict[tuple[str, str, str | None], tuple[Problem, ...]] = field(default_factory=dict)
    _fits: dict[tuple[str, int, str, str, str], Fit | None] = field(default_factory=dict)

    def searched(self) -> list[str]:
        labels = [f"{r.label}（{len(r)} 部）" for r in self.registries]
        if self.index is None:
            labels.append(f"{INDEX_LABEL}（未建立，可运行 powerctl laws index 建立）")
        else:
            labels.append(f"{INDEX_LABEL}（{self.index.meta.get('laws', '?')} 部）")
        return labels

    def resolve(self, name: str) -> Resolved | None:
        if name in self._resolved:
            return self._resolved[name]
        result: Resolved | None = None
        for registry in self.registries:
            match = registry.find(name)
            if match is not None:
                indexed = self.index.lookup(match.law.name, self.today) if self.index is not None else None
                result = Resolved(match.law, registry.label, match.abbreviated, indexed)
                break
        if result is None and self.index is not None:
            indexed = self.index.lookup(name, self.today)
            if indexed is not None:
                abbreviated = indexed.title != name.strip().strip("《》")
                result = Resolved(_from_index(indexed), INDEX_LABEL, abbreviated, indexed)
        self._resolved[name] = result
        return result

    def status_problem(self, law: Law) -> Problem | None:
        if law.status == "已废止":
            when = f"（{law.repealed}）" if law.repealed else ""
            hint = f"改引现行的《{law.replaced_by}》相应条款" if law.replaced_by else "改引现行有效的法律法规"
            return Problem("B103", f"《{law.name}》已废止{when}，不能作为依据", hint)
        if law.status == "尚未生效" or (law.effective is not None and law.effective > self.today.isoformat()):
            when = f"，{law.effective} 起施行" if law.effective else ""
            return Problem("B103", f"《{law.name}》尚未生效{when}", "生效前不能作为依据；在施行之日后再引用")
        return None

    def check(self, law_name: str, article: str | int | None, quote: str | None) -> tuple[Problem, ...]:
        key = (law_name, str(article), quote)
        cached = self._checked.get(key)
        if cached is not None:
            return cached
        problems = tuple(self._check(law_name, article, quote))
        self._checked[key] = problems
        return problems

    def _check(self, law_name: str, article: str | int | None, quote: str | None) -> list[Problem]:
        found = self.resolve(law_name)
        if found is None:
            return [
                Problem(
                    "B102",
                    f"未找到《{law_name}》：已查 " + "、".join(self.searched()),
                    "核对法律法规全称；地方性法规、规章和规范性文件可登记在仓库的 laws/*.yaml 中",
                )
            ]
        law = found.law
        problems: list[Problem] = []
        if found.abbreviated:
            problems.append(Problem("B105", f"《{law_name}》是简称，应写全称《{law.name}》", f"把 law 改为 {law.name}"))
        status = self.status_problem(law)
        if status is not None:
            problems.append(status)
        if article is None or article == "":  # no article written: the schema says so, once
            return problems
        ref = parse_article(article)
        if ref is None:
            problems.append(
                Problem(
                    "B104",
                    f"条款「{article}」无法识别",
                    "写成 第十二条、第十二条第二款、第十二条第二款第三项，或阿拉伯数字 12",
                )
            )
            return problems
        if law.articles is not None and ref.number > law.articles:
            problems.append(
                Problem(
                    "B104",
                    f"《{law.name}》共 {law.articles} 条，没有{ref.label()}",
                    "核对条款序号；法律修改后条款序号可能已变化",
                )
            )
            return problems
        if ref.paragraph is not None or ref.item is not None:
            part = self._part_problem(found, ref)
            if part is not None:
                problems.append(part)
                return problems
        if quote:
            mismatch = self._quote_problem(found, ref, quote)
            if mismatch is not None:
                problems.append(mismatch)
        return problems

    def _article_text(self, found: Resolved, ref: ArticleRef) -> str | None:
        """The article's current text from the index; None where the index cannot judge it."""
        if self.index is None or found.indexed is None:
            return None
        indexed = found.indexed
        newest = indexed.versions[-1].date if indexed.versions else None
        changed = found.law.last_changed
        if newest is not None and changed is not None and newest < changed:
            return None  # the corpus predates the law's last amendment: its text is not the current one
        return self.index.article(indexed.title, ref.number, suffix=ref.suffix)

    def article_fit(self, law_name: str, article: str | int | None, category: str, name: str) -> Fit | None:
        """B109: whether the cited article's current indexed text says what a power of `category` called
        `name` does (`laws.fit`); None when it does or when that cannot be judged."""
        ref = parse_article(article) if article is not None else None
        found = self.resolve(law_name)
        if ref is None or found is None or found.indexed is None or self.index is None:
            return None
        if self.status_problem(found.law) is not None or self._article_text(found, ref) is None:
            return None  # repealed or not yet in force (B103), or no current text to read
        key = (found.indexed.title, ref.number, ref.suffix, category, name)
        if key not in self._fits:
            self._fits[key] = judge(self.index, found.indexed.title, ref.number, ref.suffix, category, name)
        return self._fits[key]

    def parts_unchecked(self, law_name: str, article: str | int | None) -> bool:
        """Whether a citation names a 款 or 项 that could not be checked (no current text indexed)."""
        ref = parse_article(article) if article is not None else None
        found = self.resolve(law_name)
        if ref is None or found is None or (ref.paragraph is None and ref.item is None):
            return False
        return self._article_text(found, ref) is None

    def _part_problem(self, found: Resolved, ref: ArticleRef) -> Problem | None:
        """B104 for a 款 or 项 the article's indexed text does not have."""
        text = self._article_text(found, ref)
        if text is None:
            return None
        counts = article_structure(text)
        article = ArticleRef(ref.number, ref.suffix).label()
        hint = "核对款、项的序号（款是条文中的自然段，项是（一）（二）……）；法律修改后序号可能已变化"
        if ref.paragraph is not None and ref.paragraph > len(counts):
            return Problem("B104", f"《{found.law.name}》{article}只有 {len(counts)} 款，没有{ref.label()}", hint)
        items = counts[ref.paragraph - 1] if ref.paragraph is not None else max(counts)
        if ref.item is not None and ref.item > items:
            where = ArticleRef(ref.number, ref.suffix, ref.paragraph).label()
            has = f"只有 {items} 项" if items else "不分项"
            return Problem("B104", f"《{found.law.name}》{where}{has}，没有{ref.label()}", hint)
        return None

    def _quote_problem(self, found: Resolved, ref: ArticleRef, quote: str) -> Problem | None:
        text = self._article_text(found, ref)
        if text is None or quote_matches(quote, text):
            return None
        return Problem(
            "B107",
            f"引文与《{found.law.name}》{ref.label()}的现行文本不一致",
            f"现行文本：{text[:120]}{'…' if len(text) > 120 else ''}",
        )


def open_resolver(root: Path, law_paths: Sequence[str], today: date) -> tuple[LawResolver, LocalRegistry]:
    """The repository's local laws, the built-in facts and the corpus index (when built), in that order.

    Raises LawIndexError when an index exists but cannot be read.
    """
    from powerctl.laws.index import LawIndex

    local = load_local(root, law_paths)
    return LawResolver([local.registry, builtin()], LawIndex.open(), today, local.texts), local
