"""Citations, registries and the resolver; `powerctl laws` against the real corpus."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from powerctl.laws.citation import ArticleRef, parse_article, parse_citation_text, quote_matches
from powerctl.laws.registry import Registry, builtin, name_key
from powerctl.laws.resolve import LawResolver
from tests.conftest import needs_corpus, run_cli


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第十二条", ArticleRef(12)),
        ("第一千二百六十条", ArticleRef(1260)),
        ("第一百零五条", ArticleRef(105)),
        ("第十二条第二款", ArticleRef(12, "", 2)),
        ("第十二条第二款第三项", ArticleRef(12, "", 2, 3)),
        ("第一百三十三条之一", ArticleRef(133, "之一")),
        ("第 12 条", ArticleRef(12)),
        ("12", ArticleRef(12)),
        (12, ArticleRef(12)),
        ("１２", ArticleRef(12)),
    ],
)
def test_parse_article(text: str | int, expected: ArticleRef) -> None:
    assert parse_article(text) == expected


@pytest.mark.parametrize("text", ["第十二款", "十二", "第零条", "第条", "", "Article 12", 0, True])
def test_unreadable_articles(text: str | int) -> None:
    assert parse_article(text) is None


def test_article_label_round_trips() -> None:
    for ref in (ArticleRef(12, "", 2, 3), ArticleRef(1260), ArticleRef(133, "之一")):
        assert parse_article(ref.label()) == ref


def test_parse_citation_text() -> None:
    c = parse_citation_text("《中华人民共和国行政许可法》第十二条")
    assert c is not None and c.law == "中华人民共和国行政许可法" and c.article == ArticleRef(12)
    bare = parse_citation_text("城市道路管理条例第三十三条")
    assert bare is not None and bare.law == "城市道路管理条例" and bare.article == ArticleRef(33)
    assert parse_citation_text("《某某县管理办法》") is not None


def test_quote_matching_ignores_punctuation_width_and_splits_at_ellipsis() -> None:
    text = (
        "第十二条 下列事项可以设定行政许可：\n"
        "（一）直接涉及国家安全、公共安全的事项；\n"
        "（五）企业或者其他组织的设立等。"
    )
    assert quote_matches("下列事项可以设定行政许可", text)
    assert quote_matches("下列事项可以设定行政许可:（一）直接涉及国家安全,公共安全", text)
    assert quote_matches("下列事项可以设定行政许可……企业或者其他组织的设立等", text)
    assert not quote_matches("下列事项应当设定行政许可", text)
    assert not quote_matches("企业或者其他组织的设立等……下列事项可以设定行政许可", text)  # order matters


def test_name_key() -> None:
    assert name_key("《中华人民共和国行政许可法》") == name_key("行政许可法") == "行政许可法"
    assert name_key("城市道路管理条例（2019修订）") == "城市道路管理条例"
    assert name_key("宪法修正案（1988年）") != name_key("宪法修正案（1993年）")


def test_registry_finds_full_and_short_names() -> None:
    reg = builtin()
    full = reg.find("中华人民共和国行政许可法")
    assert full is not None and not full.abbreviated and full.law.articles == 83
    short = reg.find("行政许可法")
    assert short is not None and short.abbreviated and short.law.name == "中华人民共和国行政许可法"
    assert reg.find("《中华人民共和国行政许可法》") is not None
    assert reg.find("某某县管理办法") is None


def test_builtin_registry_is_well_formed() -> None:
    reg = builtin()
    assert len(reg) >= 150
    names = [law.name for law in reg.laws]
    assert len(names) == len(set(names))
    levels = {"宪法", "法律", "行政法规", "地方性法规", "自治条例和单行条例", "部门规章", "地方政府规章", "规范性文件"}
    assert {law.level for law in reg.laws} <= levels
    for law in reg.laws:
        if law.status == "已废止":
            assert law.repealed, law.name


def _resolver(today: date = date(2026, 11, 22), index: Any = None, local: Registry | None = None) -> LawResolver:
    registries = [local] if local is not None else []
    return LawResolver([*registries, builtin()], index, today)


def test_without_index_common_laws_resolve_and_unknown_is_only_b102() -> None:
    r = _resolver()
    assert r.check("中华人民共和国行政许可法", "第十二条", None) == ()
    assert r.check("城市道路管理条例", "第三十三条", None) == ()
    assert [p.code for p in r.check("中华人民共和国行政许可法", "第九十条", None)] == ["B104"]
    assert [p.code for p in r.check("中华人民共和国环境噪声污染防治法", "第三十条", None)] == ["B103"]
    unknown = r.check("某某县管理办法", "第九百九十九条", "任意引文")
    assert [p.code for p in unknown] == ["B102"]
    assert "内置法规库" in unknown[0].message and "未建立" in unknown[0].message


def test_not_yet_in_force_depends_on_today() -> None:
    from powerctl.laws.registry import Law

    local = Registry("本地法规库（laws/）", (Law("冷水江市新规定", (), "规范性文件", "有效", effective="2027-01-01"),))
    assert [p.code for p in _resolver(date(2026, 11, 22), local=local).check("冷水江市新规定", None, None)] == ["B103"]
    assert _resolver(date(2027, 1, 1), local=local).check("冷水江市新规定", None, None) == ()


def test_example_catalogues_have_no_false_invalid_without_index(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    out = run_cli("validate", "catalogues", "--ignore", "R8", "-f", "json", env=env)
    assert out.returncode == 0, out.stdout
    assert json.loads(out.stdout)["findings"] == []


# ---------------------------------------------------------------- against the real corpus


def _laws_cli(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("laws", *args, env={**os.environ, "XDG_CACHE_HOME": str(cache)})


@needs_corpus
@pytest.mark.parametrize(
    ("citation", "exit_code", "says"),
    [
        ("《中华人民共和国行政许可法》第十二条", 0, "有效"),
        ("《中华人民共和国行政许可法》第九十条", 1, "共 83 条"),
        ("《中华人民共和国环境噪声污染防治法》第三十条", 1, "已废止"),
        ("《城市道路管理条例》第三十三条", 0, "有效"),
        ("《某某县管理办法》第三条", 1, "法律文本索引（3"),
    ],
)
def test_laws_check_with_the_real_index(real_build: tuple[Path, Any], citation: str, exit_code: int, says: str) -> None:
    result = _laws_cli(real_build[0], "check", citation)
    assert result.returncode == exit_code, result.stdout + result.stderr
    assert says in result.stdout


@needs_corpus
def test_laws_show_and_search_with_the_real_index(real_build: tuple[Path, Any]) -> None:
    shown = _laws_cli(real_build[0], "show", "中华人民共和国行政许可法", "第十二条")
    assert shown.returncode == 0 and "下列事项可以设定行政许可" in shown.stdout and "条数：83" in shown.stdout
    found = _laws_cli(real_build[0], "search", "设定行政许可")
    assert found.returncode == 0 and "《中华人民共和国行政许可法》" in found.stdout
    quote = _laws_cli(
        real_build[0], "check", "《中华人民共和国行政许可法》第十二条", "--quote", "下列事项应当设定行政许可"
    )
    assert quote.returncode == 1 and "B107" in quote.stdout


@needs_corpus
def test_index_only_law_resolves_with_level(real_index: tuple[Any, Any]) -> None:
    index, _ = real_index
    r = _resolver(index=index)
    found = r.resolve("北京市献血条例")
    assert found is not None and found.source == "法律文本索引" and found.law.level == "地方性法规"


@needs_corpus
def test_example_catalogues_quotes_match_the_real_corpus(real_build: tuple[Path, Any]) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(real_build[0])}
    out = run_cli("validate", "catalogues", "--ignore", "R8", "-f", "json", env=env)
    assert out.returncode == 0 and json.loads(out.stdout)["findings"] == [], out.stdout


# ---------------------------------------------------------------- B109 against the real corpus (issue 25)

_RELICS = "对在文物保护单位的保护范围内进行建设工程或者爆破、钻探、挖掘等作业的处罚"


@needs_corpus
@pytest.mark.parametrize(
    ("law", "wrong", "right", "category", "name", "named"),
    [
        ("中华人民共和国文物保护法", 66, 83, "行政处罚", _RELICS, "2024 年修订后该内容在第八十三条"),
        ("中华人民共和国森林法", 39, 76, "行政处罚", "对盗伐林木的处罚", "处罚规定在第七十六条"),
        ("中华人民共和国土地管理法", 76, 77, "行政处罚", "对非法占用土地的处罚", "处罚规定在第七十七条"),
        ("中华人民共和国森林法", 76, 56, "行政许可", "林木采伐许可证核发", "许可规定在第五十六条"),
    ],
)
def test_b109_names_the_article_that_fits(
    real_index: tuple[Any, Any], law: str, wrong: int, right: int, category: str, name: str, named: str
) -> None:
    index, _ = real_index
    resolver = _resolver(index=index)
    fit = resolver.article_fit(law, wrong, category, name)
    assert fit is not None and fit.better == right and named in fit.hint, fit
    assert resolver.article_fit(law, right, category, name) is None
    if law.endswith("文物保护法"):  # the 2017 text of §66 fined exactly this act
        assert "2017 年文本第六十六条为「有下列行为之一" in fit.hint


@needs_corpus
def test_laws_check_judges_a_citation_for_a_power(real_build: tuple[Path, Any]) -> None:
    asked = ("--category", "行政处罚", "--name", "对盗伐林木的处罚")
    wrong = _laws_cli(real_build[0], "check", "《中华人民共和国森林法》第三十九条", *asked)
    assert wrong.returncode == 1 and "B109" in wrong.stdout and "第七十六条" in wrong.stdout
    right = _laws_cli(real_build[0], "check", "《中华人民共和国森林法》第七十六条", *asked)
    assert right.returncode == 0 and "有效" in right.stdout
    half = _laws_cli(real_build[0], "check", "《中华人民共和国森林法》第七十六条", "--name", "对盗伐林木的处罚")
    assert half.returncode == 2 and "一起" in half.stderr


@needs_corpus
def test_b109_has_no_false_positive_on_any_catalogue_the_tests_hold(real_build: tuple[Path, Any]) -> None:
    """Every catalogue of the repository and of the rule cases, checked against the whole corpus: B109 only
    where b109/fail plants it."""
    from tests.conftest import ROOT

    env = {**os.environ, "XDG_CACHE_HOME": str(real_build[0])}
    folders = [ROOT / "catalogues", *sorted((ROOT / "tests" / "rule_cases").glob("*/*"))]
    found = []
    for folder in folders:
        if not folder.is_dir():
            continue
        out = run_cli("validate", str(folder), "--select", "B109", "-f", "json", env=env, cwd=folder)
        found += [(folder.relative_to(ROOT).as_posix(), f["line"]) for f in json.loads(out.stdout)["findings"]]
    assert {folder for folder, _ in found} <= {"tests/rule_cases/b109/fail"}, found
    assert len(found) == 4
