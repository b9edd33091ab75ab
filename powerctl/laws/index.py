"""A local SQLite index of a LawRefBook law corpus: which laws exist, their versions, status and article texts.

Built once by ``build_index`` (``powerctl laws index``); read by ``LawIndex`` to resolve and check legal citations.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from powerctl.laws.numerals import cn_to_int
from powerctl.laws.registry import name_key as normalise_name

__all__ = [
    "SCHEMA_VERSION",
    "IndexStats",
    "IndexedLaw",
    "LawIndex",
    "LawIndexError",
    "LawVersion",
    "SearchHit",
    "build_index",
    "default_db_path",
    "normalise_name",
]

# Bump whenever the tables below change: LawIndex.open refuses other versions instead of misreading them.
SCHEMA_VERSION = 1

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

_DATE_IN_NAME = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")
_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_COMMENT = re.compile(r"<!--.*?-->")
_NUM = "零〇一二三四五六七八九十百千两－0-9"
_SUFFIX = "之[一二三四五六七八九十]+"
# An article starts a line: 第十二条 text / 第十二条之一 text. The corpus has a few typos that we still want to
# read as articles: a space before 条 with none after (第一百二十八 条侦查人员…) and a full-width dash for 一.
_ARTICLE = re.compile(rf"^第(?P<num>[{_NUM}]+)(?:\s+条(?P<s1>{_SUFFIX})?\s*|条(?P<s2>{_SUFFIX})?(?:\s+|$))")
# Chapter lines not marked up as Markdown headings still end the article before them.
_PLAIN_HEADING = re.compile(r"^第[零〇一二三四五六七八九十百]+[编章节](?:\s|$)")
_ENACTED_IN = re.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日起施行")
# Top-level folders of the main corpus and the level their laws have when db.sqlite3 does not say.
_FOLDER_LEVEL = {"宪法": "宪法", "行政法规": "行政法规", "部门规章": "部门规章", "司法解释": "司法解释", "其他": "其他"}
_NOT_LAWS = {
    "README.md": "说明文件，不是法规",
    "_index.md": "目录索引页，不是法规",
    "法律法规模版.md": "模板，不是法规",
}


class LawIndexError(Exception):
    """The corpus or the index cannot be used; the message is meant for the user."""


def default_db_path() -> Path:
    """Where the index lives unless told otherwise: $XDG_CACHE_HOME/powerctl/laws.sqlite3."""
    from powerctl.store.cache import law_index_path

    return law_index_path()


@dataclass(frozen=True)
class IndexStats:
    files: int
    laws: int
    versions: int
    articles: int
    seconds: float
    skipped: list[tuple[str, str]]  # (file relative to the corpus, reason)


@dataclass(frozen=True)
class LawVersion:
    date: str  # YYYY-MM-DD of the version (amendment or publication); "" when the corpus gives none
    valid_from: str | None
    expired: bool
    articles: int
    file: str  # relative to the corpus; the first part for a law split over several files (民法典)


@dataclass(frozen=True)
class IndexedLaw:
    title: str
    level: str
    status: str  # 有效 | 已废止 | 尚未生效
    versions: tuple[LawVersion, ...]  # oldest first
    articles: int
    effective: str | None


@dataclass(frozen=True)
class SearchHit:
    title: str
    number: int  # 0 for text before the first article (preamble, or a decision without articles)
    suffix: str  # "" or 之一, 之二 …
    snippet: str  # matches marked 【like this】


# ---------------------------------------------------------------- parsing


@dataclass
class _Article:
    number: int
    suffix: str
    lines: list[str]


@dataclass
class _Parsed:
    rel: str
    title: str
    subtitle: str
    file_date: str | None
    history_date: str | None
    history_effective: str | None
    enacted: str  # the first history line, which says who made the law
    articles: list[_Article]


@dataclass
class _Meta:
    """What db.sqlite3 says about one file."""

    level: str
    name: str
    publish: str | None
    valid_from: str | None
    expired: bool


def _iso(m: re.Match[str]) -> str | None:
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _dates(line: str) -> list[str]:
    return [d for d in (_iso(m) for m in _CN_DATE.finditer(line)) if d]


def _parse_file(path: Path, rel: str) -> _Parsed:
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

    articles: list[_Article] = []
    preamble: list[str] = []
    current: list[str] | None = None  # lines of the article being read; None between a heading and an article
    for raw in body:
        line = _COMMENT.sub("", raw).strip()
        if not line:
            continue
        if line.startswith("#") or _PLAIN_HEADING.match(line):
            current = None
            continue
        m = _ARTICLE.match(line)
        number = cn_to_int(m.group("num").replace("－", "一")) if m else None
        if m and number is not None:
            current = [line]
            articles.append(_Article(number, m.group("s1") or m.group("s2") or "", current))
        elif current is not None:
            current.append(line)
        elif not articles:
            preamble.append(line)
        # Text between a heading and the next article after the first article (rare, e.g. 审查国民经济… in one
        # Beijing file where the label of 第十六条 is missing) belongs to no article we can name, so it is dropped.
    if preamble:
        articles.insert(0, _Article(0, "", preamble))
    if not articles:
        raise ValueError("正文为空")

    m_date = _DATE_IN_NAME.search(Path(rel).stem)
    history_dates = [d for line in history if "施行" not in line for d in _dates(line)]
    effective_dates = [d for line in history if "施行" in line for d in _dates(line)]
    return _Parsed(
        rel=rel,
        title=title,
        subtitle=subtitle,
        file_date=m_date.group(1) if m_date else None,
        history_date=max(history_dates) if history_dates else None,
        history_effective=max(effective_dates) if effective_dates else None,
        enacted=history[0] if history else "",
        articles=articles,
    )


def _stated_effective(articles: Sequence[_Article]) -> str | None:
    """The date in 本法自…起施行 near the end of the text, if any."""
    for art in reversed(articles[-3:]):
        for line in art.lines:
            m = _ENACTED_IN.search(line)
            if m:
                return _iso(m)
    return None


def _level_for(rel: str, meta: _Meta | None, title: str, enacted: str) -> str:
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


def _read_db(db: Path, prefix: str, files: set[str]) -> dict[str, _Meta]:
    """Map file path (relative to the corpus) → metadata from a LawRefBook db.sqlite3."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        folders = dict(conn.execute("SELECT id, folder FROM category").fetchall())
        rows = conn.execute(
            "SELECT level, name, filename, publish, valid_from, expired, category_id FROM law"
        ).fetchall()
    finally:
        conn.close()
    out: dict[str, _Meta] = {}
    fallback: list[tuple[str, _Meta]] = []
    for level, name, filename, publish, valid_from, expired, category in rows:
        folder = folders.get(category)
        if folder is None:
            continue
        meta = _Meta(str(level), str(name), publish or None, valid_from or None, bool(expired))
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


def _git_commit(corpus: Path) -> str | None:
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

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE laws (id INTEGER PRIMARY KEY, title TEXT NOT NULL, level TEXT NOT NULL);
CREATE TABLE names (key TEXT PRIMARY KEY, law_id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE versions (
    id INTEGER PRIMARY KEY, law_id INTEGER NOT NULL, seq INTEGER NOT NULL, date TEXT NOT NULL,
    valid_from TEXT, expired INTEGER NOT NULL, articles INTEGER NOT NULL, file TEXT NOT NULL, title TEXT NOT NULL,
    newest INTEGER NOT NULL
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY, version_id INTEGER NOT NULL, number INTEGER NOT NULL, suffix TEXT NOT NULL,
    text TEXT NOT NULL
);
"""
# A 64 MB in-memory buffer (default 1 MB) lets FTS5 write a few large segments instead of merging hundreds of
# small ones, which cuts the build by a fifth; 'optimize' afterwards costs two seconds and gains nothing measurable.
_INDEXES = """
CREATE INDEX versions_law ON versions (law_id, seq);
CREATE UNIQUE INDEX articles_key ON articles (version_id, number, suffix);
CREATE VIRTUAL TABLE articles_fts USING fts5 (text, content='articles', content_rowid='id', tokenize='trigram');
INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', 67108864);
INSERT INTO articles_fts (rowid, text)
    SELECT a.id, a.text FROM articles a JOIN versions v ON v.id = a.version_id WHERE v.newest AND NOT v.expired
"""


@dataclass
class _Version:
    date: str
    valid_from: str | None
    expired: bool  # as the database says; older versions are marked expired later
    level: str
    title: str
    files: list[_Parsed] = field(default_factory=list)


@dataclass
class _Law:
    key: str  # normalise_name of the title
    aliases: set[str]
    versions: list[_Version]


def _collect(corpus: Path) -> tuple[list[tuple[Path, str]], list[tuple[str, str]], dict[str, _Meta]]:
    """The Markdown files to read, the ones skipped outright (and unreadable databases), database metadata."""
    todo: list[tuple[Path, str]] = []
    skipped: list[tuple[str, str]] = []
    metas: dict[str, _Meta] = {}
    dbs = [(corpus / "db.sqlite3", "")]
    dlc = corpus / "DLC"
    if dlc.is_dir():
        dbs += [(d / "db.sqlite3", f"DLC/{d.name}/") for d in sorted(dlc.iterdir()) if d.is_dir()]
    files = sorted(path for path in corpus.rglob("*.md") if path.is_file())
    rels = {path.relative_to(corpus).as_posix() for path in files}
    for db, prefix in dbs:
        if db.is_file():
            try:
                metas.update(_read_db(db, prefix, rels))
            except sqlite3.Error as exc:
                skipped.append((f"{prefix}db.sqlite3", f"无法读取数据库（{exc}），按文件夹推断层级和状态"))
    for path in files:
        rel = path.relative_to(corpus).as_posix()
        parts = rel.split("/")
        if any(p.startswith(".") for p in parts):
            continue  # .git, .github and the like
        if parts[0] == "案例":
            skipped.append((rel, "案例，不是法规"))
        elif path.name in _NOT_LAWS:
            skipped.append((rel, _NOT_LAWS[path.name]))
        else:
            todo.append((path, rel))
    return todo, skipped, metas


def build_index(corpus: Path, db: Path, progress: Callable[[int, int], None] | None = None) -> IndexStats:
    """Index a LawRefBook corpus into a new SQLite file at db, replacing the old one only once complete."""
    started = time.perf_counter()
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise LawIndexError(f"法规库目录不存在：{corpus}")
    has_md = next(corpus.rglob("*.md"), None) is not None
    if not (corpus / "db.sqlite3").is_file() and not has_md:
        raise LawIndexError(f"{corpus} 不是 LawRefBook 法规库：既没有 db.sqlite3，也没有 Markdown 法规文件")

    todo, skipped, metas = _collect(corpus)
    found = len(todo) + sum(1 for rel, _ in skipped if rel.endswith(".md"))
    parsed: list[_Parsed] = []
    for done, (path, rel) in enumerate(todo, 1):
        try:
            parsed.append(_parse_file(path, rel))
        except ValueError as exc:
            skipped.append((rel, f"无法解析：{exc}"))
        except OSError as exc:
            skipped.append((rel, f"无法读取：{exc.strerror or exc}"))
        if progress is not None:
            progress(done, len(todo))

    if not parsed:
        # Most likely the wrong folder (some docs/ with Markdown files): keep the old index rather than empty it.
        raise LawIndexError(
            f"{corpus} 中没有可以解析的法规文件（跳过了 {len(skipped)} 个文件），不是 LawRefBook 法规库？"
        )
    laws = _group(parsed, metas, skipped)
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f".{db.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        counts = _write(tmp, corpus, laws, found)
        os.replace(tmp, db)
    except BaseException:
        # Whatever went wrong (including Ctrl-C), the previous index stays as it was.
        tmp.unlink(missing_ok=True)
        raise
    skipped.sort()
    return IndexStats(
        files=found,
        laws=counts[0],
        versions=counts[1],
        articles=counts[2],
        seconds=time.perf_counter() - started,
        skipped=skipped,
    )


def _group(parsed: list[_Parsed], metas: dict[str, _Meta], skipped: list[tuple[str, str]]) -> list[_Law]:
    """Group files into laws (by title) and versions (by date); parts of one split law become one version."""
    laws: dict[str, _Law] = {}
    # Of two copies of one version in different folders (广告法 is under 经济法 and 行政法), keep the one
    # db.sqlite3 lists, so that its dates and status apply.
    for p in sorted(parsed, key=lambda p: (p.rel not in metas, p.rel)):
        meta = metas.get(p.rel)
        key = normalise_name(p.title)
        law = laws.setdefault(key, _Law(key, set(), []))
        if meta is not None:
            law.aliases.add(normalise_name(meta.name))
        if not p.subtitle:
            law.aliases.add(normalise_name(_DATE_IN_NAME.sub("", Path(p.rel).stem)))
        version_date = p.file_date or (meta.publish if meta else None) or p.history_date or ""
        valid_from = meta.valid_from if meta else None
        if valid_from is None:
            # An amended law's history and text keep the original commencement date; only a date on or after
            # this version's own date can be when this version took effect.
            stated = [d for d in (p.history_effective, _stated_effective(p.articles)) if d and d >= version_date]
            valid_from = stated[0] if stated else None
        level = _level_for(p.rel, meta, p.title, p.enacted)
        same = next((v for v in law.versions if v.date == version_date), None)
        if same is not None and p.subtitle and all(f.subtitle for f in same.files):
            same.files.append(p)
            same.valid_from = same.valid_from or valid_from
            continue
        if same is not None:
            skipped.append(
                (p.rel, f"与 {same.files[0].rel} 是同一法规的同一版本（{version_date or '无日期'}），未重复收录")
            )
            continue
        law.versions.append(_Version(version_date, valid_from, meta.expired if meta else False, level, p.title, [p]))
    return list(laws.values())


def _rows(laws: list[_Law]) -> tuple[list[tuple[object, ...]], ...]:
    """Table rows for the laws; versions oldest first, every version but the newest expired."""
    law_rows: list[tuple[object, ...]] = []
    names: dict[str, int] = {}
    version_rows: list[tuple[object, ...]] = []
    article_rows: list[tuple[object, ...]] = []
    laws = sorted(laws, key=lambda x: x.key)
    for law_id, law in enumerate(laws, 1):
        # Undated files ("") sort first: in this corpus they are older snapshots than the dated ones.
        law.versions.sort(key=lambda v: v.date)
        newest = law.versions[-1]
        law_rows.append((law_id, newest.title, newest.level))
        names[law.key] = law_id
        for seq, ver in enumerate(law.versions):
            version_id = len(version_rows) + 1
            # Parts of a split law (民法典) in article order.
            ver.files.sort(key=lambda f: f.articles[-1].number)
            seen: set[tuple[int, str]] = set()
            for f in ver.files:
                for art in f.articles:
                    # A number repeated within one version would be a corpus error; keep the first text.
                    if (art.number, art.suffix) not in seen:
                        seen.add((art.number, art.suffix))
                        article_rows.append((version_id, art.number, art.suffix, "\n".join(art.lines)))
            top = max(number for number, _ in seen)
            expired = ver.expired or ver is not newest
            row = (version_id, law_id, seq, ver.date, ver.valid_from, expired, top, ver.files[0].rel, ver.title)
            version_rows.append((*row, ver is newest))
    # Aliases (the database's short names, file names) never take a name that is some law's title.
    for law_id, law in enumerate(laws, 1):
        for alias in sorted(law.aliases):
            names.setdefault(alias, law_id)
    return law_rows, sorted(names.items()), version_rows, article_rows


def _write(tmp: Path, corpus: Path, laws: list[_Law], files: int) -> tuple[int, int, int]:
    law_rows, name_rows, version_rows, article_rows = _rows(laws)
    commit = _git_commit(corpus)
    newest = max((str(row[3]) for row in version_rows), default="")
    meta = {
        "schema": str(SCHEMA_VERSION),
        "source": str(corpus.resolve()),
        "newest_version": newest,
        "corpus_version": commit or newest,
        "indexed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": str(files),
        "laws": str(len(law_rows)),
        "versions": str(len(version_rows)),
        "articles": str(len(article_rows)),
    }
    if commit:
        meta["commit"] = commit
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        # Nothing to protect while building: the file is renamed into place only after a complete build.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        _exec_script(conn, _SCHEMA)
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        conn.executemany("INSERT INTO laws VALUES (?, ?, ?)", law_rows)
        conn.executemany("INSERT INTO names VALUES (?, ?)", name_rows)
        conn.executemany("INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", version_rows)
        conn.executemany("INSERT INTO articles (version_id, number, suffix, text) VALUES (?, ?, ?, ?)", article_rows)
        _exec_script(conn, _INDEXES)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return len(law_rows), len(version_rows), len(article_rows)


def _exec_script(conn: sqlite3.Connection, script: str) -> None:
    # executescript would COMMIT the open transaction first; running the statements one by one keeps it.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


# ---------------------------------------------------------------- reading


def _status(expired: bool, valid_from: str | None, today: date) -> str:
    if expired:
        return "已废止"
    if valid_from and valid_from > today.isoformat():
        return "尚未生效"
    return "有效"


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text.strip()) if w]


def _fts_phrase(word: str) -> str:
    # Inside a double-quoted FTS5 string every character is literal except the quote itself, which is doubled;
    # so OR, NOT, *, ( and friends in user input are searched for, never interpreted.
    return '"' + word.replace('"', '""') + '"'


def _like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _snippet(text: str, words: Sequence[str], width: int = 60) -> str:
    """A window of the article around the first match, every match in it marked 【】."""
    folded = text.casefold()
    positions = [i for i in (folded.find(w.casefold()) for w in words) if i >= 0]
    first = min(positions, default=0)
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    window = text[start:end].replace("\n", " ")
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    marked = pattern.sub(lambda m: f"【{m.group(0)}】", window)
    return ("…" if start > 0 else "") + marked + ("…" if end < len(text) else "")


class _Rows(list[Any]):
    """A query's rows, fetched while the connection was held."""

    def fetchone(self) -> Any:
        return self[0] if self else None

    def fetchall(self) -> list[Any]:
        return list(self)


class _SharedConnection:
    """A read-only connection several threads may use (a bundle builds two units at a time): each query
    runs and fetches all its rows under a lock."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Rows:
        with self._lock:
            return _Rows(self._conn.execute(sql, params).fetchall())

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _reopen(path: Path) -> LawIndex:
    index = LawIndex.open(path)
    if index is None:
        raise LawIndexError(f"法规索引 {path} 已不存在，请运行 powerctl laws index 重建")
    return index


class LawIndex:
    """Read access to an index written by build_index."""

    def __init__(self, conn: sqlite3.Connection, path: Path, meta: dict[str, str]) -> None:
        self._conn = _SharedConnection(conn)
        self.path = path
        self.meta = meta

    @classmethod
    def open(cls, db: Path | None = None) -> LawIndex | None:
        """Open the index at db (default_db_path() when None); None when there is none yet."""
        path = Path(db) if db is not None else default_db_path()
        if not path.is_file():
            return None
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        except sqlite3.Error as exc:
            raise LawIndexError(f"无法打开法规索引 {path}：{exc}") from exc
        try:
            meta = {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta")}
        except sqlite3.Error as exc:
            conn.close()
            raise LawIndexError(f"{path} 不是可用的法规索引（{exc}），请运行 powerctl laws index 重建") from exc
        if meta.get("schema") != str(SCHEMA_VERSION):
            conn.close()
            raise LawIndexError(
                f"法规索引 {path} 的格式版本为 {meta.get('schema', '未知')}，本程序需要 {SCHEMA_VERSION}，"
                "请运行 powerctl laws index 重建"
            )
        return cls(conn, path, meta)

    def __reduce__(self) -> tuple[Any, tuple[Path]]:
        """Sent to a worker process as its path: opened there again (the connection stays here)."""
        return (_reopen, (self.path,))

    def __enter__(self) -> LawIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def _law_id(self, name: str) -> int | None:
        row = self._conn.execute("SELECT law_id FROM names WHERE key = ?", (normalise_name(name),)).fetchone()
        return None if row is None else int(row[0])

    def lookup(self, name: str, today: date | None = None) -> IndexedLaw | None:
        """The law called name (full or short title, with or without 《》 and 中华人民共和国), or None."""
        law_id = self._law_id(name)
        if law_id is None:
            return None
        title, level = self._conn.execute("SELECT title, level FROM laws WHERE id = ?", (law_id,)).fetchone()
        rows = self._conn.execute(
            "SELECT date, valid_from, expired, articles, file FROM versions WHERE law_id = ? ORDER BY seq", (law_id,)
        ).fetchall()
        versions = tuple(LawVersion(str(d), vf, bool(exp), int(n), str(f)) for d, vf, exp, n, f in rows)
        newest = versions[-1]
        return IndexedLaw(
            title=str(title),
            level=str(level),
            status=_status(newest.expired, newest.valid_from, today or date.today()),
            versions=versions,
            articles=newest.articles,
            effective=newest.valid_from,
        )

    def article(self, name: str, number: int, version_date: str | None = None, *, suffix: str = "") -> str | None:
        """Full text of 第number条[suffix] of the newest version, or of the version dated version_date."""
        law_id = self._law_id(name)
        if law_id is None:
            return None
        if version_date is None:
            sql = "SELECT id FROM versions WHERE law_id = ? ORDER BY seq DESC LIMIT 1"
            version = self._conn.execute(sql, (law_id,)).fetchone()
        else:
            sql = "SELECT id FROM versions WHERE law_id = ? AND date = ?"
            version = self._conn.execute(sql, (law_id, version_date)).fetchone()
        if version is None:
            return None
        row = self._conn.execute(
            "SELECT text FROM articles WHERE version_id = ? AND number = ? AND suffix = ?", (version[0], number, suffix)
        ).fetchone()
        return None if row is None else str(row[0])

    def search(self, words: str, limit: int = 20) -> list[SearchHit]:
        """Articles of laws in force containing every word; words under 3 characters are matched with LIKE."""
        terms = _words(words)
        if not terms or limit <= 0:
            return []
        # The trigram tokenizer can only match strings of three characters or more; shorter words are LIKE
        # conditions, on top of the full-text match when there is one, else over all current articles.
        long = [w for w in terms if len(w) >= 3]
        short = [w for w in terms if len(w) < 3]
        where = ["articles_fts MATCH ?"] if long else ["v.newest", "NOT v.expired"]
        where += ["a.text LIKE ? ESCAPE '\\'"] * len(short)
        params: list[object] = [" AND ".join(_fts_phrase(w) for w in long)] if long else []
        params += [_like_pattern(w) for w in short]
        if long:
            source, order = "articles_fts JOIN articles a ON a.id = articles_fts.rowid", "articles_fts.rank"
        else:
            source, order = "articles a", "a.id"
        sql = (
            f"SELECT l.title, a.number, a.suffix, a.text FROM {source}"
            " JOIN versions v ON v.id = a.version_id JOIN laws l ON l.id = v.law_id"
            f" WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?"
        )
        rows = self._conn.execute(sql, [*params, limit]).fetchall()
        return [SearchHit(str(t), int(n), str(s), _snippet(str(text), terms)) for t, n, s, text in rows]

    def names(self) -> Iterator[str]:
        """Every title in the index (for benchmarks and completion)."""
        for (title,) in self._conn.execute("SELECT title FROM laws ORDER BY id"):
            yield str(title)
