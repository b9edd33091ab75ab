"""The law corpus index: unit tests on small synthetic corpora, integration tests on the real LawRefBook snapshot."""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from powerctl.laws.index import (
    SCHEMA_VERSION,
    IndexStats,
    LawIndex,
    LawIndexError,
    build_index,
    default_db_path,
    normalise_name,
)
from tests.conftest import needs_corpus

TODAY = date(2025, 1, 1)

# ---------------------------------------------------------------- a synthetic corpus in the LawRefBook layout

LICENCE_2019 = """\
# 中华人民共和国示例许可法

2003年8月27日 第十届全国人民代表大会常务委员会第四次会议通过

2019年4月23日 第十三届全国人民代表大会常务委员会第十次会议修正

<!-- INFO END -->

## 第一章 总 则

第一条 为了规范示例许可，制定本法。

第二条 本法所称示例许可，是指行政机关准予其从事特定活动的行为。

本法第一条另有规定的，从其规定。

## 第二章 示例许可的设定

第十二条 下列事项可以设定示例许可：

（一）直接涉及国家安全的事项；

（二）有限自然资源开发利用的事项。

第十二条之一 地方性法规可以设定临时性的示例许可。

### 第一节 附 则

第十三条 本法自2004年7月1日起施行。
"""

LICENCE_2010 = """\
# 中华人民共和国示例许可法

2003年8月27日 第十届全国人民代表大会常务委员会第四次会议通过

<!-- INFO END -->

第一条 为了规范示例许可，制定本法。

第二条 旧的第二条。
"""

NOISE = """\
# 中华人民共和国旧噪声法

2018年12月29日 第十三届全国人民代表大会常务委员会第七次会议修正

<!-- INFO END -->

第一条 为防治噪声污染，制定本法。
"""

FUTURE = """\
# 未来管理条例

2030年1月1日 中华人民共和国国务院令第1号公布

<!-- INFO END -->

第一条 为了管理未来，制定本条例。

第二条 本条例自2031年1月1日起施行。
"""

CITY = """\
# 某市公园条例

2020年1月1日 某市第一届人民代表大会常务委员会第一次会议通过

<!-- INFO END -->

第一条 为了管理公园，保护绿地，制定本条例。
"""

CITY_RULE = """\
# 某市养犬管理规定

2020年3月1日 某市人民政府第10次常务会议通过

<!-- INFO END -->

第一条 为了规范养犬行为，制定本规定。
"""

CODE_PART_1 = """\
# 中华人民共和国示例法典

# 总则

2020年5月28日 第十三届全国人民代表大会第三次会议通过

2021年1月1日 施行

<!-- INFO END -->

第一条 总则第一条。

第二条 总则第二条。
"""

CODE_PART_2 = """\
# 中华人民共和国示例法典

# 分则

2020年5月28日 第十三届全国人民代表大会第三次会议通过

<!-- INFO END -->

第三条 分则第三条。
"""


def _write_db(path: Path, categories: list[tuple[str, str, str]], laws: list[tuple[object, ...]]) -> None:
    """A db.sqlite3 with LawRefBook's columns; laws are (level, name, publish, valid_from, expired, category id)."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript(
            """
            CREATE TABLE category (id TEXT NOT NULL UNIQUE PRIMARY KEY, name TEXT NOT NULL, folder TEXT NOT NULL,
                isSubFolder INTEGER NOT NULL, "group" TEXT, "order" integer);
            CREATE TABLE law (id TEXT NOT NULL PRIMARY KEY, level TEXT NOT NULL, name TEXT NOT NULL, filename TEXT,
                publish DATE, expired INTEGER NOT NULL, "order" integer, subtitle TEXT, valid_from DATE, ver INTEGER,
                tags TEXT, category_id TEXT NOT NULL);
            """
        )
        conn.executemany("INSERT INTO category VALUES (?, ?, ?, 0, NULL, NULL)", categories)
        conn.executemany(
            "INSERT INTO law (id, level, name, publish, valid_from, expired, category_id, ver)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            [(f"id{i}", *row) for i, row in enumerate(laws)],
        )
        conn.commit()
    finally:
        conn.close()


def make_corpus(root: Path) -> Path:
    files = {
        "行政法/示例许可法(2019-04-23).md": LICENCE_2019,
        "行政法/示例许可法(2010-01-01).md": LICENCE_2010,
        "行政法/旧噪声法(2018-12-29).md": NOISE,
        "行政法规/未来管理条例(2030-01-01).md": FUTURE,
        "民法典/总则.md": CODE_PART_1,
        "民法典/分则.md": CODE_PART_2,
        "DLC/某省地方法规/地方性法规/某省/某市公园条例(2020-01-01).md": CITY,
        "DLC/某省地方法规/地方性法规/某省/某市养犬管理规定(2020-03-01).md": CITY_RULE,
        "案例/某案.md": "# 某某诉某某案\n\n<!-- INFO END -->\n\n第一条 不是法规。\n",
        "README.md": "# 说明\n",
        "行政法/_index.md": "---\nbookCollapseSection: true\n---\n",
        "行政法/没有标题.md": "第一条 没有标题的文件。\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "行政法" / "乱码.md").write_bytes(b"# \xff\xfe broken\n")
    _write_db(
        root / "db.sqlite3",
        [("c1", "行政法", "行政法"), ("c2", "行政法规", "行政法规"), ("c3", "民法典", "民法典")],
        [
            ("法律", "示例许可法", "2019-04-23", "2019-04-23", 0, "c1"),
            # Like the real corpus, the older version is not marked expired in the database.
            ("法律", "示例许可法", "2010-01-01", None, 0, "c1"),
            ("法律", "旧噪声法", "2018-12-29", "2018-12-29", 1, "c1"),
            ("行政法规", "未来管理条例", "2030-01-01", "2031-01-01", 0, "c2"),
        ],
    )
    _write_db(
        root / "DLC" / "某省地方法规" / "db.sqlite3",
        [("d1", "某省", "地方性法规/某省")],
        [
            ("地方性法规", "某市公园条例", "2020-01-01", None, 0, "d1"),
            ("地方性法规", "某市养犬管理规定", "2020-03-01", None, 0, "d1"),
        ],
    )
    return root


def _open(db: Path) -> LawIndex:
    opened = LawIndex.open(db)
    assert opened is not None, f"no index at {db}"
    return opened


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus")


@pytest.fixture
def built(corpus: Path, tmp_path: Path) -> tuple[Path, IndexStats]:
    db = tmp_path / "cache" / "laws.sqlite3"
    return db, build_index(corpus, db)


@pytest.fixture
def index(built: tuple[Path, IndexStats]) -> Iterator[LawIndex]:
    opened = _open(built[0])
    yield opened
    opened.close()


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name",
    [
        "中华人民共和国行政许可法",
        "行政许可法",
        "《中华人民共和国行政许可法》",
        " 《行政许可法》 ",
        "行政 许可法",
        "行政许可法（2019修正）",
        "行政许可法(2019年修正)",
        "《中华人民共和国行政许可法（2019年4月23日修正）》",
    ],
)
def test_normalise_name_variants_share_a_key(name: str) -> None:
    assert normalise_name(name) == "行政许可法"


def test_normalise_name_keeps_what_distinguishes_laws() -> None:
    # The year of an amendment to the constitution is part of its title, not a version note.
    assert normalise_name("宪法修正案（1988年）") != normalise_name("宪法修正案（1993年）")
    assert normalise_name("人民检察院刑事诉讼规则（试行）") == "人民检察院刑事诉讼规则(试行)"
    # 中华人民共和国 right after an opening bracket goes too; NFKC makes brackets half-width.
    assert normalise_name("上海市实施〈中华人民共和国义务教育法〉办法") == normalise_name(
        "上海市实施《义务教育法》办法"
    )
    assert normalise_name("国际航行船舶进出中华人民共和国口岸检查办法").count("中华人民共和国") == 1


def test_default_db_path_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "powerctl" / "laws.sqlite3"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_db_path() == tmp_path / "home" / ".cache" / "powerctl" / "laws.sqlite3"


# ---------------------------------------------------------------- building


def test_build_counts_and_skips(built: tuple[Path, IndexStats]) -> None:
    _, stats = built
    skipped = dict(stats.skipped)
    assert stats.files == 13
    assert set(skipped) == {"README.md", "案例/某案.md", "行政法/_index.md", "行政法/没有标题.md", "行政法/乱码.md"}
    assert "案例" in skipped["案例/某案.md"]
    assert "一级标题" in skipped["行政法/没有标题.md"]
    assert "UTF-8" in skipped["行政法/乱码.md"]
    # 示例许可法 ×2 versions, 旧噪声法, 未来管理条例, 示例法典 (two parts, one version), two local laws.
    assert (stats.laws, stats.versions) == (6, 7)
    assert stats.seconds >= 0


def test_metadata(index: LawIndex, corpus: Path) -> None:
    meta = index.meta
    assert meta["schema"] == str(SCHEMA_VERSION)
    assert meta["source"] == str(corpus.resolve())
    assert meta["newest_version"] == "2030-01-01"
    assert "commit" not in meta  # not a git repository
    assert meta["corpus_version"] == "2030-01-01"
    assert meta["indexed_at"].endswith("+00:00")
    assert meta["laws"] == "6"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_metadata_records_git_commit(corpus: Path, tmp_path: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
        subprocess.run(["git", "-C", str(corpus), *args], check=True, env=env, capture_output=True)
    head = subprocess.run(["git", "-C", str(corpus), "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    db = tmp_path / "git.sqlite3"
    build_index(corpus, db)
    with _open(db) as opened:
        assert opened.meta["commit"] == head.stdout.strip()
        assert opened.meta["corpus_version"] == head.stdout.strip()


def test_not_a_corpus(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(LawIndexError, match="不是 LawRefBook 法规库"):
        build_index(tmp_path / "empty", tmp_path / "laws.sqlite3")
    with pytest.raises(LawIndexError, match="不存在"):
        build_index(tmp_path / "missing", tmp_path / "laws.sqlite3")
    # Markdown, but no law in it: the wrong folder, which must not replace an index with an empty one.
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("# 说明\n", encoding="utf-8")
    (tmp_path / "docs" / "guide.md").write_text("Some guide.\n", encoding="utf-8")
    with pytest.raises(LawIndexError, match="没有可以解析的法规文件"):
        build_index(tmp_path / "docs", tmp_path / "laws.sqlite3")
    assert not (tmp_path / "laws.sqlite3").exists()


def test_corpus_without_database(corpus: Path, tmp_path: Path) -> None:
    (corpus / "db.sqlite3").unlink()
    db = tmp_path / "nodb.sqlite3"
    build_index(corpus, db)
    with _open(db) as opened:
        law = opened.lookup("示例许可法", today=TODAY)
        assert law is not None and law.level == "法律"
        assert [v.expired for v in law.versions] == [True, False]
        # Without the database nothing says it was repealed; the newest version counts as current.
        noise = opened.lookup("旧噪声法", today=TODAY)
        assert noise is not None and noise.status == "有效"


def test_unreadable_database_is_reported_not_fatal(corpus: Path, tmp_path: Path) -> None:
    (corpus / "db.sqlite3").write_bytes(b"this is not sqlite" * 100)
    stats = build_index(corpus, tmp_path / "bad.sqlite3")
    assert "无法读取数据库" in dict(stats.skipped)["db.sqlite3"]
    assert stats.laws == 6


def test_failed_build_keeps_previous_index(built: tuple[Path, IndexStats], corpus: Path) -> None:
    db, _ = built
    before = db.read_bytes()

    def interrupt(done: int, total: int) -> None:
        if done == total // 2:
            raise KeyboardInterrupt

    (corpus / "行政法" / "新法(2024-01-01).md").write_text("# 新法\n\n<!-- INFO END -->\n\n第一条 新。\n", "utf-8")
    with pytest.raises(KeyboardInterrupt):
        build_index(corpus, db, progress=interrupt)
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["laws.sqlite3"]  # no temporary file left behind
    with _open(db) as opened:
        assert opened.lookup("新法") is None
    # A complete build replaces it.
    seen: list[tuple[int, int]] = []
    build_index(corpus, db, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] == len(seen)
    with _open(db) as opened:
        assert opened.lookup("新法") is not None


def test_failed_write_keeps_previous_index(
    built: tuple[Path, IndexStats], corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = built
    before = db.read_bytes()
    # Fail late, while the new file is being written, not while reading the corpus.
    monkeypatch.setattr("powerctl.laws.index._INDEXES", "CREATE INDEX broken ON no_such_table (x)")
    with pytest.raises(sqlite3.OperationalError):
        build_index(corpus, db)
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["laws.sqlite3"]


# ---------------------------------------------------------------- opening


def test_open_missing_returns_none(tmp_path: Path) -> None:
    assert LawIndex.open(tmp_path / "nothing.sqlite3") is None


def test_open_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert LawIndex.open() is None


def test_open_garbage_or_old_schema(tmp_path: Path, built: tuple[Path, IndexStats]) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 200)
    with pytest.raises(LawIndexError, match="不是可用的法规索引"):
        LawIndex.open(garbage)
    old = tmp_path / "old.sqlite3"
    shutil.copy(built[0], old)
    conn = sqlite3.connect(old)
    conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    conn.commit()
    conn.close()
    with pytest.raises(LawIndexError, match="格式版本"):
        LawIndex.open(old)


# ---------------------------------------------------------------- lookup and status


@pytest.mark.parametrize(
    "name", ["中华人民共和国示例许可法", "示例许可法", "《示例许可法》", "《中华人民共和国示例许可法》", "示例 许可法"]
)
def test_lookup_name_forms(index: LawIndex, name: str) -> None:
    law = index.lookup(name, today=TODAY)
    assert law is not None
    assert law.title == "中华人民共和国示例许可法"


def test_lookup_unknown(index: LawIndex) -> None:
    assert index.lookup("某某县管理办法") is None
    assert index.lookup("") is None


def test_versions_newest_current_older_expired(index: LawIndex) -> None:
    law = index.lookup("示例许可法", today=TODAY)
    assert law is not None
    assert law.status == "有效"
    assert law.level == "法律"
    assert [(v.date, v.expired, v.articles) for v in law.versions] == [
        ("2010-01-01", True, 2),
        ("2019-04-23", False, 13),
    ]
    assert law.versions[-1].file == "行政法/示例许可法(2019-04-23).md"
    assert law.articles == 13  # 第十二条之一 counts as 12, the highest is 13
    assert law.effective == "2019-04-23"


def test_all_expired_is_repealed(index: LawIndex) -> None:
    law = index.lookup("旧噪声法", today=TODAY)
    assert law is not None and law.status == "已废止"
    assert all(v.expired for v in law.versions)


def test_not_yet_in_force(index: LawIndex) -> None:
    law = index.lookup("未来管理条例", today=TODAY)
    assert law is not None
    assert (law.status, law.effective, law.level) == ("尚未生效", "2031-01-01", "行政法规")
    later = index.lookup("未来管理条例", today=date(2031, 1, 1))
    assert later is not None and later.status == "有效"


def test_local_levels(index: LawIndex) -> None:
    park = index.lookup("某市公园条例")
    dogs = index.lookup("某市养犬管理规定")
    assert park is not None and park.level == "地方性法规"
    assert dogs is not None and dogs.level == "地方政府规章"


def test_split_law_is_one_version(index: LawIndex) -> None:
    code = index.lookup("示例法典", today=TODAY)
    assert code is not None
    assert len(code.versions) == 1
    assert (code.articles, code.versions[0].date, code.effective) == (3, "2020-05-28", "2021-01-01")
    assert index.article("示例法典", 3) == "第三条 分则第三条。"
    assert index.article("示例法典", 1) == "第一条 总则第一条。"


# ---------------------------------------------------------------- articles


def test_article_with_paragraphs_and_items(index: LawIndex) -> None:
    assert index.article("示例许可法", 12) == (
        "第十二条 下列事项可以设定示例许可：\n（一）直接涉及国家安全的事项；\n（二）有限自然资源开发利用的事项。"
    )
    assert (
        index.article("示例许可法", 2)
        == "第二条 本法所称示例许可，是指行政机关准予其从事特定活动的行为。\n本法第一条另有规定的，从其规定。"
    )


def test_article_stops_at_heading(index: LawIndex) -> None:
    text = index.article("《中华人民共和国示例许可法》", 12, suffix="之一")
    assert text == "第十二条之一 地方性法规可以设定临时性的示例许可。"
    assert index.article("示例许可法", 13) == "第十三条 本法自2004年7月1日起施行。"


def test_article_of_older_version_and_absent(index: LawIndex) -> None:
    assert index.article("示例许可法", 2, "2010-01-01") == "第二条 旧的第二条。"
    assert index.article("示例许可法", 12, "2010-01-01") is None
    assert index.article("示例许可法", 2, "1999-01-01") is None
    assert index.article("示例许可法", 99) is None
    assert index.article("示例许可法", 13, suffix="之一") is None
    assert index.article("某某县管理办法", 1) is None


# ---------------------------------------------------------------- search


def test_search_trigram(index: LawIndex) -> None:
    hits = index.search("示例许可")
    assert {(h.title, h.number, h.suffix) for h in hits} >= {
        ("中华人民共和国示例许可法", 12, ""),
        ("中华人民共和国示例许可法", 12, "之一"),
    }
    # Older versions are not searched.
    assert all("旧的" not in h.snippet for h in index.search("第二条"))
    assert all("【示例许可】" in h.snippet for h in hits)


def test_search_all_words_must_match(index: LawIndex) -> None:
    hits = index.search("示例许可 自然资源")
    assert [(h.number, h.suffix) for h in hits] == [(12, "")]
    assert "【自然资源】" in hits[0].snippet and "【示例许可】" in hits[0].snippet


def test_search_short_words_fall_back_to_like(index: LawIndex) -> None:
    hits = index.search("公园")
    assert [(h.title, h.number) for h in hits] == [("某市公园条例", 1)]
    assert "【公园】" in hits[0].snippet
    assert [h.number for h in index.search("绿地 公园")] == [1]
    assert [h.number for h in index.search("示例许可 临时")] == [12]


def test_search_skips_repealed_laws(index: LawIndex) -> None:
    assert index.search("噪声污染") == []


@pytest.mark.parametrize(
    "query", ['"', "*", "OR", "(", '" * OR (', "NEAR(示例 许可)", "示例许可 OR", '"示例许可', "%", "_", "\\"]
)
def test_search_hostile_input(index: LawIndex, query: str) -> None:
    hits = index.search(query)
    assert isinstance(hits, list)
    assert hits == []  # none of these strings is in the synthetic corpus


def test_search_empty_and_limit(index: LawIndex) -> None:
    assert index.search("") == []
    assert index.search("   ") == []
    assert len(index.search("制定", limit=2)) == 2
    assert index.search("制定", limit=0) == []


# ---------------------------------------------------------------- the real corpus


@needs_corpus
class TestRealCorpus:
    def test_build(self, real_index: tuple[LawIndex, IndexStats]) -> None:
        _, stats = real_index
        assert stats.files > 3000
        assert stats.laws > 3000
        assert stats.articles > 100_000
        assert stats.seconds < 60
        reasons = dict(stats.skipped)
        assert reasons["README.md"] and reasons["法律法规模版.md"]
        assert not any(rel.startswith(("行政法/行政许可法", "行政法规/城市道路管理条例")) for rel in reasons)

    def test_administrative_licensing_law(self, real_index: tuple[LawIndex, IndexStats]) -> None:
        index, _ = real_index
        law = index.lookup("中华人民共和国行政许可法")
        assert law is not None
        assert (law.title, law.level, law.status, law.articles) == ("中华人民共和国行政许可法", "法律", "有效", 83)
        text = index.article("行政许可法", 12)
        assert text is not None and "可以设定行政许可" in text

    def test_repealed_noise_law(self, real_index: tuple[LawIndex, IndexStats]) -> None:
        # The corpus marks it expired (replaced by 噪声污染防治法 in 2021).
        law = real_index[0].lookup("环境噪声污染防治法")
        assert law is not None and law.status == "已废止"
        successor = real_index[0].lookup("噪声污染防治法")
        assert successor is not None and successor.status == "有效"

    def test_city_roads_regulation(self, real_index: tuple[LawIndex, IndexStats]) -> None:
        index, _ = real_index
        law = index.lookup("城市道路管理条例")
        assert law is not None and law.level == "行政法规"
        assert index.article("城市道路管理条例", 33) is not None

    def test_civil_code_parts_merge(self, real_index: tuple[LawIndex, IndexStats]) -> None:
        index, _ = real_index
        law = index.lookup("民法典")
        assert law is not None and law.articles == 1260
        text = index.article("中华人民共和国民法典", 1260)
        assert text is not None and "2021年1月1日" in text

    def test_unknown_law(self, real_index: tuple[LawIndex, IndexStats]) -> None:
        assert real_index[0].lookup("某某县管理办法") is None

    def test_search(self, real_index: tuple[LawIndex, IndexStats]) -> None:
        hits = real_index[0].search("行政许可")
        assert hits
        assert all("【行政许可】" in h.snippet for h in hits)
        assert real_index[0].search("罚款")  # two characters: LIKE fallback

    def test_lookup_is_fast(self, real_index: tuple[LawIndex, IndexStats]) -> None:
        index, _ = real_index
        names = list(index.names())[:: max(1, len(list(index.names())) // 100)][:100]
        assert len(names) == 100
        started = time.perf_counter()
        for name in names:
            assert index.lookup(name) is not None
        assert (time.perf_counter() - started) / len(names) < 0.005


def test_index_sent_to_a_worker_process_is_opened_there_again(built: tuple[Path, IndexStats]) -> None:
    """A bundle builds units in worker processes: the index goes there by its path, not its connection."""
    db = built[0]
    with _open(db) as index:
        copy = pickle.loads(pickle.dumps(index))
        try:
            assert copy.path == index.path and copy.meta == index.meta
            assert copy.lookup("示例许可法", today=TODAY) == index.lookup("示例许可法", today=TODAY) is not None
        finally:
            copy.close()
        sent = pickle.dumps(index)
    db.unlink()
    with pytest.raises(LawIndexError, match="已不存在"):
        pickle.loads(sent)
