"""The cache never changes an answer: in every state of the inputs a cached `validate` says exactly what
`--no-cache` says; every folder is walked or reported; 款 and 项 are checked against the law's text."""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerctl.catalogue.config import load_config
from powerctl.check import engine
from powerctl.check.engine import Options, validate
from powerctl.formatters import get
from tests.conftest import CATALOGUES, needs_corpus, run_cli

SOURCE = CATALOGUES / "hunan/loudi/lengshuijiang/lsj-cgj.yaml"
GOOD = "time_limit: {statutory: 90, promised: 60, unit: 自然日}"
BAD = "time_limit: {statutory: 90, promised: 99, unit: 自然日}"  # T301, in the same number of bytes
DAY = date(2026, 11, 23)


@contextmanager
def _cache_home(folder: Path) -> Iterator[None]:
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = saved


def _answer(repo: Path, cache: bool) -> str:
    """The json report of validating the repository's catalogues, run from the repository."""
    here = os.getcwd()
    os.chdir(repo)
    try:
        report = validate(["catalogues"], load_config(repo), Options(today=DAY, cache=cache, keep=False)).report
    finally:
        os.chdir(here)
    return str(get("json")(report, False))


def _repo(folder: Path) -> Path:
    repo = folder / "repo"
    (repo / "catalogues").mkdir(parents=True)
    text = SOURCE.read_text(encoding="utf-8")
    assert GOOD in text
    (repo / "catalogues" / "lsj-cgj.yaml").write_text(text, encoding="utf-8")
    zhadu = SOURCE.with_name("lsj-zhadu.yaml")
    shutil.copyfile(zhadu, repo / "catalogues" / zhadu.name)
    return repo


def _rules(answer: str) -> list[str]:
    return [f["rule"] for f in json.loads(answer)["findings"]]


def test_a_same_size_edit_whose_time_is_put_back_is_seen(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    unit = repo / "catalogues" / "lsj-cgj.yaml"
    with _cache_home(tmp_path / "cache"):
        assert _rules(_answer(repo, True)) == []
        st = unit.stat()
        unit.write_text(unit.read_text(encoding="utf-8").replace(GOOD, BAD, 1), encoding="utf-8")
        os.utime(unit, ns=(st.st_atime_ns, st.st_mtime_ns))  # touch -r, cp -p, tar -x
        assert unit.stat().st_size == st.st_size and unit.stat().st_mtime_ns == st.st_mtime_ns
        cached = _answer(repo, True)
        assert cached == _answer(repo, False) and _rules(cached) == ["T301"]


@pytest.mark.parametrize("first", [GOOD, BAD])
def test_a_file_changed_while_a_run_reads_it_then_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """The file holds `first` when the run reads it; the other text lands while the run goes on (a hook in
    the loader, not a sleep); then `first` is put back, as git checkout or a restored CI cache would. Every
    later cached run says what --no-cache says."""
    repo = _repo(tmp_path)
    unit = repo / "catalogues" / "lsj-cgj.yaml"
    text = unit.read_text(encoding="utf-8")
    first_text = text.replace(GOOD, first, 1)
    other_text = text.replace(GOOD, BAD if first == GOOD else GOOD, 1)
    unit.write_text(first_text, encoding="utf-8")
    real = engine.load_bytes
    landed: list[str] = []

    def load_then_edit(file: str, raw: bytes) -> Any:
        doc = real(file, raw)
        if file.endswith("lsj-cgj.yaml") and not landed:
            unit.write_text(other_text, encoding="utf-8")  # the edit lands after the read, before the run ends
            landed.append(file)
        return doc

    with _cache_home(tmp_path / "cache"):
        monkeypatch.setattr(engine, "load_bytes", load_then_edit)
        during = _answer(repo, True)
        monkeypatch.setattr(engine, "load_bytes", real)
        assert landed and _rules(during) == ([] if first == GOOD else ["T301"])  # what it read
        assert _answer(repo, True) == _answer(repo, False)  # the other text, now on disk
        unit.write_text(first_text, encoding="utf-8")
        assert _answer(repo, True) == _answer(repo, False) == during


def _cache_entries(cache: Path) -> list[Path]:
    return [p for p in (cache / "powerctl" / "files").rglob("*") if p.is_file()]


def test_a_cache_folder_full_of_random_bytes_gives_the_right_answer(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    unit = repo / "catalogues" / "lsj-cgj.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace(GOOD, BAD, 1), encoding="utf-8")
    cache = tmp_path / "cache"
    rng = random.Random(18)
    with _cache_home(cache):
        right = _answer(repo, False)
        assert _rules(right) == ["T301"]
        for round_ in range(20):
            _answer(repo, True)
            entries = _cache_entries(cache)
            assert entries
            for entry in entries:
                data = bytearray(entry.read_bytes())
                if round_ % 2 == 0:  # a few bytes flipped anywhere, the length fields included
                    for _ in range(rng.randint(1, 4)):
                        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
                    entry.write_bytes(bytes(data))
                else:  # nothing but noise, of any length
                    entry.write_bytes(rng.randbytes(rng.choice([0, 1, 17, 64, len(data), 3 * len(data)])))
            assert _answer(repo, True) == right, f"round {round_}"


def test_an_entry_signed_with_another_key_is_a_miss(tmp_path: Path) -> None:
    """A cache written elsewhere (a restored CI cache, a shared folder) cannot answer: entries are signed with
    this machine's key, kept outside the cache folder. Nothing in the cache folder is unpickled."""
    from powerctl.store import cache as cache_module

    repo = _repo(tmp_path)
    cache = tmp_path / "cache"
    with _cache_home(cache):
        _answer(repo, True)
        unit = repo / "catalogues" / "lsj-cgj.yaml"
        good = unit.read_bytes()
        unit.write_text(good.decode("utf-8").replace(GOOD, BAD, 1), encoding="utf-8")
        right = _answer(repo, False)
        # forge: the broken bytes' entry made from the good file's (no findings), signed with another key
        key = cache_module.signing_key()
        assert key is not None
        folder = cache / "powerctl" / "files"
        schema = engine._Checker(load_config(repo), Options(today=DAY, cache=True)).checker.schema
        honest = cache_module.FileCache(folder, cache_module.fingerprint(schema), key)
        display = os.path.join("catalogues", "lsj-cgj.yaml")
        entry = honest.get(display, good)
        assert entry is not None
        forger = cache_module.FileCache(folder, honest.fingerprint, b"\0" * 32)
        forger.put(display, unit.read_bytes(), entry)
        real_load, real_loads = pickle.load, pickle.loads

        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError("pickle was used on the cache")

        pickle.load, pickle.loads = refuse, refuse  # type: ignore[assignment]
        try:
            assert _answer(repo, True) == right and _rules(right) == ["T301"]
        finally:
            pickle.load, pickle.loads = real_load, real_loads


_EDITS: dict[str, Callable[[Path, random.Random], None]] = {}


def _edit(name: str) -> Callable[[Callable[[Path, random.Random], None]], Callable[[Path, random.Random], None]]:
    def register(function: Callable[[Path, random.Random], None]) -> Callable[[Path, random.Random], None]:
        _EDITS[name] = function
        return function

    return register


def _units(repo: Path) -> list[Path]:
    return sorted((repo / "catalogues").rglob("*.yaml"))


@_edit("same-size edit, time put back")
def _flip(repo: Path, rng: random.Random) -> None:
    files = [p for p in _units(repo) if GOOD in p.read_text(encoding="utf-8") or BAD in p.read_text(encoding="utf-8")]
    if not files:
        return
    path = rng.choice(files)
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(BAD, GOOD, 1) if BAD in text else text.replace(GOOD, BAD, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


@_edit("rename")
def _rename(repo: Path, rng: random.Random) -> None:
    files = _units(repo)
    if files:
        path = rng.choice(files)
        path.rename(path.with_name(f"renamed-{rng.randrange(100)}.yaml"))


@_edit("add")
def _add(repo: Path, rng: random.Random) -> None:
    folder = repo / "catalogues" / rng.choice(["", "sub"])
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE.with_name("lsj-zhadu-xxc.yaml"), folder / "lsj-zhadu-xxc.yaml")


@_edit("delete")
def _delete(repo: Path, rng: random.Random) -> None:
    files = _units(repo)
    if files:
        rng.choice(files).unlink()


@_edit("chmod")
def _chmod(repo: Path, rng: random.Random) -> None:
    files = _units(repo)
    if files:
        path = rng.choice(files)
        path.chmod(0o644 if path.stat().st_mode & 0o444 == 0 else 0)


@_edit("damage the cache")
def _damage(repo: Path, rng: random.Random) -> None:
    for entry in _cache_entries(repo.parent / "cache"):
        if rng.random() < 0.5:
            entry.write_bytes(rng.randbytes(rng.randrange(200)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.sampled_from(sorted(_EDITS)), min_size=1, max_size=6), seed=st.integers(0, 2**16))
def test_interleaved_edits_and_cached_runs_agree_with_no_cache(edits: list[str], seed: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        repo = _repo(Path(tmp))
        with _cache_home(Path(tmp) / "cache"):
            _answer(repo, True)
            for name in edits:
                _EDITS[name](repo, rng)
                cached = _answer(repo, True)
                assert cached == _answer(repo, False), name
                assert _answer(repo, True) == cached, name  # and again, from what that run stored
            for path in _units(repo):
                path.chmod(0o644)


# -- walking -----------------------------------------------------------------------------------------------


def _unprivileged(*args: str) -> list[str]:
    """As root, drop the capabilities that ignore file permissions (so a mode-000 folder is unreadable)."""
    if os.geteuid() != 0:
        return list(args)
    setpriv = shutil.which("setpriv")
    assert setpriv is not None, "setpriv (util-linux) is needed to test permissions as root"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *args]


def test_an_unreadable_folder_is_a_finding_with_its_path(tmp_path: Path) -> None:
    import sys

    repo = _repo(tmp_path)
    locked = repo / "catalogues" / "township"
    locked.mkdir()
    shutil.copyfile(SOURCE.with_name("lsj-zhadu-xxc.yaml"), locked / "lsj-zhadu-xxc.yaml")
    locked.chmod(0)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONSAFEPATH": "1"}
    try:
        for extra in ([], ["--no-cache"]):
            cmd = _unprivileged(sys.executable, "-m", "powerctl", "validate", "-f", "json", *extra)
            done = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False)
            assert done.returncode == 1, done.stdout + done.stderr
            found = json.loads(done.stdout)["findings"]
            assert [(f["rule"], f["file"]) for f in found] == [("E001", os.path.join("catalogues", "township"))]
            assert "无法读取文件夹" in found[0]["message"]
    finally:
        locked.chmod(0o755)


def test_linked_folders_are_checked_and_loops_reported(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    elsewhere = repo / "elsewhere" / "township"  # inside the repository: a link out of it is never followed
    elsewhere.mkdir(parents=True)
    shutil.copyfile(SOURCE.with_name("lsj-zhadu-xxc.yaml"), elsewhere / "lsj-zhadu-xxc.yaml")
    (repo / "catalogues" / "township").symlink_to(elsewhere, target_is_directory=True)
    result = run_cli("validate", "-f", "json", cwd=repo)
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["summary"]["files"] == 3
    (elsewhere / "back").symlink_to(repo / "catalogues", target_is_directory=True)
    looped = run_cli("validate", "-f", "json", cwd=repo)
    assert looped.returncode == 1
    found = json.loads(looped.stdout)["findings"]
    assert [f["rule"] for f in found] == ["E001"] and "循环" in found[0]["message"]
    assert json.loads(looped.stdout)["summary"]["files"] == 3


def test_laws_folders_are_skipped_only_at_the_root_and_ignores_are_from_the_root(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    nested = repo / "catalogues" / "laws"  # a region folder that happens to be called laws: catalogues
    nested.mkdir()
    broken = (
        SOURCE.with_name("lsj-zhadu-xxc.yaml").read_text(encoding="utf-8").replace("  level: 村级", "  level: 区级")
    )
    (nested / "lsj-zhadu-xxc.yaml").write_text(broken, encoding="utf-8")
    (repo / "laws").mkdir()
    (repo / "laws" / "local.yaml").write_text("laws: []\n", encoding="utf-8")
    found = run_cli("validate", "-f", "json", cwd=repo)
    doc = json.loads(found.stdout)
    assert doc["summary"]["files"] == 3 and [f["rule"] for f in doc["findings"]] == ["E003"], found.stdout
    (repo / ".powerctl.yaml").write_text(
        'ignore:\n  - paths: ["catalogues/laws/**"]\n    reason: 待清理\n', encoding="utf-8"
    )
    for cwd, target in ((repo, "catalogues"), (repo / "catalogues", "."), (repo / "catalogues" / "laws", ".")):
        quiet = run_cli("validate", target, "-f", "json", cwd=cwd)
        assert quiet.returncode == 0 and json.loads(quiet.stdout)["findings"] == [], (cwd, quiet.stdout)


def test_the_bundle_key_is_made_from_the_laws_as_read(tmp_path: Path) -> None:
    """A local law file edited after the run read it changes nothing in that run's key; a new run sees it."""
    from powerctl.bundle import rebuild
    from powerctl.laws.resolve import open_resolver

    repo = _repo(tmp_path)
    (repo / "laws").mkdir()
    law = repo / "laws" / "local.yaml"
    law.write_text("laws: []\n", encoding="utf-8")
    config = load_config(repo)
    resolver = open_resolver(repo, config.law_paths, DAY)[0]
    key = rebuild.toolchain(config, resolver, "drawing")
    law.write_text("laws: [] # edited\n", encoding="utf-8")
    assert rebuild.toolchain(config, resolver, "drawing") == key
    assert rebuild.toolchain(config, open_resolver(repo, config.law_paths, DAY)[0], "drawing") != key


# -- 款 and 项 ------------------------------------------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize(
    ("article", "code"),
    [
        ("第十二条第七项", 1),  # 第十二条 has one paragraph of six items
        ("第十二条第二款", 1),
        ("第四十二条第五款", 1),  # two paragraphs
        ("第9条第3款", 1),
        ("第十二条第六项", 0),
        ("第十二条第一款第三项", 0),
        ("第42条第2款", 0),
        ("第四十二条第二款", 0),
        ("第九条第一款第一项", 1),  # one paragraph, no items
    ],
)
def test_laws_check_judges_paragraphs_and_items_from_the_text(
    real_build: tuple[Path, Any], article: str, code: int
) -> None:
    cache, _ = real_build
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = run_cli("laws", "check", f"《中华人民共和国行政许可法》{article}", env=env)
    assert done.returncode == code, done.stdout + done.stderr
    assert ("B104" in done.stdout) == (code == 1)


def test_without_the_text_only_the_article_number_is_checked(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "no-index")}
    done = run_cli("laws", "check", "《中华人民共和国行政许可法》第四十二条第五款", env=env)
    assert done.returncode == 0 and "只核对了条号" in done.stdout, done.stdout


_SEGMENT = """
import sys
from powerctl.text.cjk import phrases
for text in sys.argv[1:]:
    print(phrases(text))
"""
_TEXTS = ["对未取得食品经营许可从事食品经营活动的行政处罚", "建设工程消防验收备案抽查", "乡村建设规划许可证核发"]


def _segment(cache_home: Path) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run(
        [sys.executable, "-c", _SEGMENT, *_TEXTS], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "folder"])
def test_a_damaged_word_cache_is_made_anew_not_trusted(tmp_path: Path, damage: str) -> None:
    """The word boundaries of flowchart labels come from jieba's prepared dictionary in our cache folder; jieba
    trusts whatever that file holds. Damaged in any way, it is made again and the words are the same."""
    clean = _segment(tmp_path)
    cache = tmp_path / "powerctl" / "words" / "jieba.cache"
    assert cache.is_file() and (cache.parent / "jieba.cache.sha256").is_file()
    original = cache.read_bytes()
    data = bytearray(original)
    # A word of the dictionary changed inside the marshal data: still loadable, different segmentation.
    at = data.find("行政处罚".encode())
    if damage == "flip":
        assert at > 0
        data[at : at + 12] = "行政处理".encode()
        cache.write_bytes(bytes(data))
    elif damage == "truncate":
        cache.write_bytes(bytes(data[: len(data) // 2]))
    elif damage == "garbage":
        cache.write_bytes(os.urandom(4096))
    else:
        cache.unlink()
        cache.mkdir()
    assert _segment(tmp_path) == clean
    assert cache.is_file() and cache.read_bytes() == original  # made anew
