"""Reading a LawRefBook law corpus: each Markdown file as a law's title, dates and articles, and what the
corpus' db.sqlite3 says of it (level, publication, force). `index` puts what is read here into SQLite.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from powerctl.laws.numerals import cn_to_int

LEVELS = frozenset(
    {
        "宪法",
        "法律",
        "行政法规",
        "地方性法规",
        "自治条例和单行条例",
        "部门规章",
        "地方政府规章",
        "规范性文件",
        "司法解释",
        "其他",
    }
)

DATE_IN_NAME = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")
_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_COMMENT = re.compile(r"<!--.*?-->")
_NUM = "零〇一二三四五六七八九十百千两－0-9"
_SUFFIX = "之[一二三四五六七八九十]+"
# An article starts a line: 第十二条 text / 第十二条之一 text. The corpus has a few typos that we still want to
# read as articles: a space before 条 with none after (第一百二十八 条侦查人员…) and a full-width dash for 一.
_ARTICLE = re.compile(rf"^第(?P<num>[{_NUM}]+)(?:\s+条(?P<s1>{_SUFFIX})?\s*|条(?P<s2>{_SUFFIX})?(?:\s+|$))")
# Chapter lines not marked up as Markdown headings still end the article before them.
_PLAIN_HEADING = re.compile(r"^第[零〇一二三四五六七八九十百]+[编章节](?:\s|$)")
_CHAPTER = re.compile(r"^第[零〇一二三四五六七八九十百]+章")
_ENACTED_IN = re.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日起施行")
# Top-level folders of the main corpus and the level their laws have when db.sqlite3 does not say.
_FOLDER_LEVEL = {"宪法": "宪法", "行政法规": "行政法规", "部门规章": "部门规章", "司法解释": "司法解释", "其他": "其他"}
NOT_LAWS = {
    "README.md": "说明文件，不是法规",
    "_index.md": "目录索引页，不是法规",
    "法律法规模版.md": "模板，不是法规",
}


@dataclass
class Article:
    number: int
    suffix: str
    lines: list[str]
    chapter: str = ""  # the heading of the chapter (第N章 …) the article is in; "" in a law without chapters


@dataclass
class Parsed:
    rel: str
    title: str
    subtitle: str
    file_date: str | None
    history_date: str | None
    history_effective: str | None
    enacted: str  # the first history line, which says who made the law
    articles: list[Article]


@dataclass
class Meta:
    """What db.sqlite3 says about one file."""

    level: str
    name: str
    publish: str | None
    valid_from: str | None
    expired: bool


def iso(m: re.Match[str]) -> str | None:
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def dates(line: str) -> list[str]:
    return [d for d in (iso(m) for m in _CN_DATE.finditer(line)) if d]


def parse_file(path: Path, rel: str) -> Parsed:
    """Read one Markdown law file; ValueError with a Chinese reason when it is not a law text."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"不是 UTF-8 文本（{exc.reason}）") from exc
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines) if line.strip() == "<!-- INFO END -->"), None)
    head = lines if end is None else lines[:end]
    titles = [i for i, line in enumerate(head) if line.startswith("# ")]
    if not titles:
        raise ValueError("没有一级标题（# 法规名称）")
    title = _COMMENT.sub("", lines[titles[0]][2:]).strip()
    if not title:
        raise ValueError("一级标题为空")
    # A second H1 is a part of a law split over several files (民法典 → 合同编).
    subtitle = _COMMENT.sub("", lines[titles[1]][2:]).strip() if len(titles) > 1 else ""
    history: list[str] = []
    if end is not None:
        history = [s for s in (_COMMENT.sub("", x).strip() for x in lines[titles[-1] + 1 : end]) if s]
    body = lines[(end if end is not None else titles[-1]) + 1 :]

    articles: list[Article] = []
    preamble: list[str] = []
    current: list[str] | None = None  # lines of the article being read; None between a heading and an article
    chapter = ""
    for raw in body:
        line = _COMMENT.sub("", raw).strip()
        if not line:
            continue
        if line.startswith("#") or _PLAIN_HEADING.match(line):
            current = None
            heading = " ".join(line.lstrip("#").split())
            if _CHAPTER.match(heading):
                chapter = heading
            continue
        m = _ARTICLE.match(line)
        number = cn_to_int(m.group("num").replace("－", "一")) if m else None
        if m and number is not None:
            current = [line]
            articles.append(Article(number, m.group("s1") or m.group("s2") or "", current, chapter))
        elif current is not None:
            current.append(line)
        elif not articles:
            preamble.append(line)
        # Text between a heading and the next article after the first article (rare, e.g. 审查国民经济… in one
        # Beijing file where the label of 第十六条 is missing) belongs to no article we can name, so it is dropped.
    if preamble:
        articles.insert(0, Article(0, "", preamble))
    if not articles:
        raise ValueError("正文为空")

    m_date = DATE_IN_NAME.search(Path(rel).stem)
    history_dates = [d for line in history if "施行" not in line for d in dates(line)]
    effective_dates = [d for line in history if "施行" in line for d in dates(line)]
    return Parsed(
        rel=rel,
        title=title,
        subtitle=subtitle,
        file_date=m_date.group(1) if m_date else None,
        history_date=max(history_dates) if history_dates else None,
        history_effective=max(effective_dates) if effective_dates else None,
        enacted=history[0] if history else "",
        articles=articles,
    )


def stated_effective(articles: Sequence[Article]) -> str | None:
    """The date in 本法自…起施行 near the end of the text, if any."""
    for art in reversed(articles[-3:]):
        for line in art.lines:
            m = _ENACTED_IN.search(line)
            if m:
                return iso(m)
    return None


def level_for(rel: str, meta: Meta | None, title: str, enacted: str) -> str:
    parts = Path(rel).parts
    if parts[0] == "DLC":
        # The provincial databases call everything 地方性法规; government rules and autonomous-area
        # regulations among them are told apart by the title and by who enacted them.
        # …自治县…条例, but not 重庆市区县（自治县）…条例, which is the city's own.
        if re.search(r"自治[州县旗](?![)）])", title) and title.endswith("条例"):
            return "自治条例和单行条例"
        if "人民政府" in enacted and "人民代表大会" not in enacted:
            return "地方政府规章"
        return "地方性法规"
    if meta is not None:
        return meta.level if meta.level in LEVELS else "其他"
    return _FOLDER_LEVEL.get(parts[0], "法律")


def read_db(db: Path, prefix: str, files: set[str]) -> dict[str, Meta]:
    """Map file path (relative to the corpus) → metadata from a LawRefBook db.sqlite3."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        folders = dict(conn.execute("SELECT id, folder FROM category").fetchall())
        rows = conn.execute(
            "SELECT level, name, filename, publish, valid_from, expired, category_id FROM law"
        ).fetchall()
    finally:
        conn.close()
    out: dict[str, Meta] = {}
    fallback: list[tuple[str, Meta]] = []
    for level, name, filename, publish, valid_from, expired, category in rows:
        folder = folders.get(category)
        if folder is None:
            continue
        meta = Meta(str(level), str(name), publish or None, valid_from or None, bool(expired))
        # filename is set only for the parts of 民法典 (合同编.md); other files are named after the law, with the
        # publication date when the database has one ...
        stem = f"{prefix}{folder}/{filename or name}"
        dated = f"{stem}({publish}).md" if publish else f"{stem}.md"
        if dated in files:
            out.setdefault(dated, meta)
        elif publish:
            fallback.append((f"{stem}.md", meta))
    # ... except a few (刑法.md) whose row has a date the file name lacks; they get the row if no other has.
    for rel, meta in fallback:
        if rel in files:
            out.setdefault(rel, meta)
    return out


def git_commit(corpus: Path) -> str | None:
    try:
        top = subprocess.run(
            ["git", "-C", str(corpus), "rev-parse", "--show-toplevel", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    out = top.stdout.splitlines()
    # Only the corpus' own repository counts, not one that happens to contain the folder.
    if top.returncode != 0 or len(out) != 2 or Path(out[0]).resolve() != corpus.resolve():
        return None
    return out[1]


# ---------------------------------------------------------------- building
