"""A local SQLite index of a LawRefBook law corpus: which laws exist, their versions, status and article texts.

Built once by ``build_index`` (``powerctl laws index``); read by ``LawIndex`` to resolve and check legal citations.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from powerctl.laws import corpus as lawrefbook
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
SCHEMA_VERSION = 2  # 2: each article's chapter


class LawIndexError(Exception):
    """The corpus or the index cannot be used; the message is meant for the user."""


def default_db_path() -> Path:
    """Where the index lives unless told otherwise: $XDG_CACHE_HOME/powerctl/laws.sqlite3."""
    from powerctl.store.folders import law_index_path

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
    text TEXT NOT NULL, chapter TEXT NOT NULL
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
    files: list[lawrefbook.Parsed] = field(default_factory=list)


@dataclass
class _Law:
    key: str  # normalise_name of the title
    aliases: set[str]
    versions: list[_Version]


def _collect(corpus: Path) -> tuple[list[tuple[Path, str]], list[tuple[str, str]], dict[str, lawrefbook.Meta]]:
    """The Markdown files to read, the ones skipped outright (and unreadable databases), database metadata."""
    todo: list[tuple[Path, str]] = []
    skipped: list[tuple[str, str]] = []
    metas: dict[str, lawrefbook.Meta] = {}
    dbs = [(corpus / "db.sqlite3", "")]
    dlc = corpus / "DLC"
    if dlc.is_dir():
        dbs += [(d / "db.sqlite3", f"DLC/{d.name}/") for d in sorted(dlc.iterdir()) if d.is_dir()]
    files = sorted(path for path in corpus.rglob("*.md") if path.is_file())
    rels = {path.relative_to(corpus).as_posix() for path in files}
    for db, prefix in dbs:
        if db.is_file():
            try:
                metas.update(lawrefbook.read_db(db, prefix, rels))
            except sqlite3.Error as exc:
                skipped.append((f"{prefix}db.sqlite3", f"无法读取数据库（{exc}），按文件夹推断层级和状态"))
    for path in files:
        rel = path.relative_to(corpus).as_posix()
        parts = rel.split("/")
        if any(p.startswith(".") for p in parts):
            continue  # .git, .github and the like
        if parts[0] == "案例":
            skipped.append((rel, "案例，不是法规"))
        elif path.name in lawrefbook.NOT_LAWS:
            skipped.append((rel, lawrefbook.NOT_LAWS[path.name]))
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
    parsed: list[lawrefbook.Parsed] = []
    for done, (path, rel) in enumerate(todo, 1):
        try:
            parsed.append(lawrefbook.parse_file(path, rel))
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


def _group(
    parsed: list[lawrefbook.Parsed], metas: dict[str, lawrefbook.Meta], skipped: list[tuple[str, str]]
) -> list[_Law]:
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
            law.aliases.add(normalise_name(lawrefbook.DATE_IN_NAME.sub("", Path(p.rel).stem)))
        version_date = p.file_date or (meta.publish if meta else None) or p.history_date or ""
        valid_from = meta.valid_from if meta else None
        if valid_from is None:
            # An amended law's history and text keep the original commencement date; only a date on or after
            # this version's own date can be when this version took effect.
            stated = [
                d for d in (p.history_effective, lawrefbook.stated_effective(p.articles)) if d and d >= version_date
            ]
            valid_from = stated[0] if stated else None
        level = lawrefbook.level_for(p.rel, meta, p.title, p.enacted)
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
                        article_rows.append((version_id, art.number, art.suffix, "\n".join(art.lines), art.chapter))
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
    commit = lawrefbook.git_commit(corpus)
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
        conn.executemany(
            "INSERT INTO articles (version_id, number, suffix, text, chapter) VALUES (?, ?, ?, ?, ?)", article_rows
        )
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

    def chapters(self, name: str) -> dict[tuple[int, str], str]:
        """The chapter heading (第N章 …) of each article of the newest version, by (number, suffix); "" for an
        article outside any chapter (a law without chapters)."""
        law_id = self._law_id(name)
        if law_id is None:
            return {}
        sql = (
            "SELECT a.number, a.suffix, a.chapter FROM articles a JOIN versions v ON v.id = a.version_id"
            " WHERE v.law_id = ? AND v.newest"
        )
        return {(int(n), str(s)): str(c) for n, s, c in self._conn.execute(sql, (law_id,))}

    def matching(self, name: str, words: Sequence[str], version_date: str | None = None) -> list[tuple[int, str, str]]:
        """(number, suffix, text) of the articles of one law (its newest version, or the version dated
        version_date) that contain any of the words, in article order: full-text search (trigrams) for the
        current text, LIKE for an earlier version or words under 3 characters."""
        law_id = self._law_id(name)
        terms = [w for w in words if w]
        if law_id is None or not terms:
            return []
        if version_date is None:
            row = self._conn.execute("SELECT id FROM versions WHERE law_id = ? AND newest", (law_id,)).fetchone()
        else:
            sql = "SELECT id FROM versions WHERE law_id = ? AND date = ?"
            row = self._conn.execute(sql, (law_id, version_date)).fetchone()
        if row is None:
            return []
        version = int(row[0])
        long = [w for w in terms if len(w) >= 3]
        short = [w for w in terms if len(w) < 3]
        found: dict[int, tuple[int, str, str]] = {}
        current = bool(self._conn.execute("SELECT newest AND NOT expired FROM versions WHERE id = ?", (version,))
                       .fetchone()[0])  # fmt: skip
        if long and current:
            sql = (
                "SELECT a.id, a.number, a.suffix, a.text FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
                " WHERE articles_fts MATCH ? AND a.version_id = ?"
            )
            for i, n, s, t in self._conn.execute(sql, (" OR ".join(_fts_phrase(w) for w in long), version)):
                found[int(i)] = (int(n), str(s), str(t))
        likes = short if long and current else terms
        if likes:
            where = " OR ".join(["text LIKE ? ESCAPE '\\'"] * len(likes))
            sql = f"SELECT id, number, suffix, text FROM articles WHERE version_id = ? AND ({where})"
            for i, n, s, t in self._conn.execute(sql, (version, *(_like_pattern(w) for w in likes))):
                found[int(i)] = (int(n), str(s), str(t))
        return [found[i] for i in sorted(found)]

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
