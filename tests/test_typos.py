"""A clerk's typing mistakes: each named at its character with one finding; `powerctl fix` corrects them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from powerctl.catalogue.config import Config
from powerctl.check.engine import Options, validate
from powerctl.documents.flowchart import DrawOptions, flow_sheet
from powerctl.domain.compare import compare
from powerctl.domain.diff import power_changes, unit_changes
from powerctl.resources import TEMPLATES
from tests.conftest import run_cli

EXAMPLE = TEMPLATES / "init" / "catalogues" / "example" / "lsj-zjj.yaml"

# (id, text in the example, what the clerk typed, the offending characters in it, code, words of the message)
MISTAKES = [
    ("block-wide-colon", "  name: 冷水江市住房和城乡建设局", "  name：冷水江市住房和城乡建设局", "：", "E001",
     "中文冒号"),
    ("block-no-space", "  region: 湖南省娄底市冷水江市", "  region:湖南省娄底市冷水江市", ":", "E001", "缺少空格"),
    ("block-wide-space", "  region: 湖南省娄底市冷水江市", "  region:　湖南省娄底市冷水江市", "　", "E001", "全角空格"),
    ("indent-wide-space", "  level: 县级", "　level: 县级", "　", "E001", "全角空格"),
    ("tab", "  level: 县级", "\tlevel: 县级", "\t", "E001", "制表符"),
    ("flow-wide-colon", "{at: decide, by: jjz_jcy", "{at： decide, by: jjz_jcy", "：", "E001", "中文冒号"),
    ("flow-no-space", "{id: accept, name: 受理", "{id: accept, name:受理", ":受", "E001", "缺少空格"),
    ("flow-wide-comma", "{id: accept, name: 受理", "{id: accept，name: 受理", "，", "E001", "中文逗号"),
    ("wide-brackets", "rights: [陈述权, 申辩权, 听证权, 申请行政复议, 提起行政诉讼]",
     "rights: ［陈述权, 申辩权, 听证权, 申请行政复议, 提起行政诉讼］", "［", "E001", "中文方括号"),
    ("wide-braces", "fee: {charged: false}", "fee: ｛charged: false｝", "｛", "E001", "中文花括号"),
    ("wide-digit", "days: 2, does: 审查是否", "days: ２, does: 审查是否", "２", "E003", "全角数字"),
    ("under-indented", "      rights: [陈述权, 申辩权, 听证权", "    rights: [陈述权, 申辩权, 听证权", "rights", "E001",
     "缩进不够"),
    ("over-indented-list", "      rights: [陈述权, 申辩权, 听证权", "        rights: [陈述权, 申辩权, 听证权", "rights",
     "E001", "缩进"),
    ("over-indented", "  region: 湖南省娄底市冷水江市", "    region: 湖南省娄底市冷水江市", "region", "E001", "缩进"),
    ("under-indented-block", "  region: 湖南省娄底市冷水江市", " region: 湖南省娄底市冷水江市", "region", "E001",
     "缩进"),
    ("bool-word", "fee: {charged: false}", "fee: {charged: 否}", "否", "E003", "false（否）"),
    ("wide-hyphen-id", "  - id: XK-001", "  - id: XK－001", "－", "E001", "全角连字符"),
    ("wide-hyphen-step", "{id: accept, name: 受理", "{id: ac－cept, name: 受理", "－", "E001", "全角连字符"),
]  # fmt: skip


def _catalogue(tmp_path: Path, old: str, new: str) -> tuple[Path, int, int]:
    """The example with one mistake put in; the line and column where the mistake's characters are."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "catalogues" / "lsj-zjj.yaml"
    path.parent.mkdir(parents=True)
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    start = text.index(new)
    line = text.count("\n", 0, start) + 1
    return path, line, start - (text.rfind("\n", 0, start) + 1)


def _findings(path: Path, root: Path) -> list[tuple[str, int, int, str, str]]:
    report = validate([str(path)], Config(root=root), Options(cache=False)).report
    return [(f.rule, f.line, f.column, f.message, f.hint) for f in report.findings]


def test_the_example_itself_is_clean(tmp_path: Path) -> None:
    path, _, _ = _catalogue(tmp_path, "schema:", "schema:")
    assert _findings(path, tmp_path) == []


@pytest.mark.parametrize(
    ("old", "new", "bad", "code", "words"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES]
)
def test_each_mistake_is_one_finding_at_its_character(
    tmp_path: Path, old: str, new: str, bad: str, code: str, words: str
) -> None:
    path, line, offset = _catalogue(tmp_path, old, new)
    found = _findings(path, tmp_path)
    assert len(found) == 1, found
    rule, at_line, at_column, message, hint = found[0]
    assert (rule, at_line, at_column) == (code, line, offset + new.index(bad) + 1), found
    assert words in message and hint, found
    assert "Traceback" not in message and "mapping values" not in message


def _several_mistakes(tmp_path: Path) -> tuple[Path, str, set[int]]:
    """The example with several mistakes (and comments a clerk wrote); the lines that got a mistake."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("powers:\n", "# 以下为本局的职权，2026 年清理\npowers:\n", 1)
    changes = [
        ("  name: 冷水江市住房和城乡建设局", "  name：冷水江市住房和城乡建设局  # 单位全称"),
        ("  region: 湖南省娄底市冷水江市", "  region:湖南省娄底市冷水江市"),
        ("{id: accept, name: 受理, post: spg_jb", "{id: accept，name: 受理, post: spg_jb"),
        ("{at: decide, by: jjz_jcy", "{at： decide, by: jjz_jcy"),
        ("fee: {charged: false}", "fee: {charged: 否}  # 不收费"),
        ("      rights: [陈述权, 申辩权, 听证权", "    rights: [陈述权, 申辩权, 听证权"),
        ("{law: 中华人民共和国建筑法, article: 第七条", "{law: 《中华人民共和国建筑法》, article: 第7条"),
        ("{law: 中华人民共和国行政许可法, article: 第十二条", "{law: 行政许可法, article: 12"),
        ("kind: task, days: 2, does: 勘查", "kind: task, days: ２, does: 勘查"),
        ("  - id: XK-003", "  - id: XK－003"),
    ]
    lines: set[int] = set()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
        lines.add(text.count("\n", 0, text.index(new)) + 1)
    path = tmp_path / "repo" / "catalogues" / "example" / "lsj-zjj.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    (tmp_path / "repo" / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    return path, text, lines


def test_fix_corrects_every_mistake_and_keeps_every_other_byte(tmp_path: Path) -> None:
    path, before, mistaken = _several_mistakes(tmp_path)
    repo = path.parents[2]
    shown = run_cli("fix", "--diff", cwd=repo)
    assert shown.returncode == 1 and shown.stdout.startswith("--- a/catalogues/example/lsj-zjj.yaml"), shown.stdout
    assert path.read_text(encoding="utf-8") == before  # --diff writes nothing

    done = run_cli("fix", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    after = path.read_text(encoding="utf-8")
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    changed = {n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=True), 1) if a != b}
    assert changed == mistaken, (changed, mistaken)  # every mistake corrected, nothing else touched
    assert [line for line in old_lines if line.lstrip().startswith("#")] == [
        line for line in new_lines if line.lstrip().startswith("#")
    ]
    assert "# 单位全称" in after and "# 不收费" in after
    assert "{law: 中华人民共和国行政许可法, article: 第十二条" in after and "《" not in after
    checked = run_cli("validate", "-f", "json", cwd=repo)
    assert checked.returncode == 0 and json.loads(checked.stdout)["findings"] == [], checked.stdout

    again = run_cli("fix", cwd=repo)
    assert again.returncode == 0 and path.read_text(encoding="utf-8") == after  # a second run is a no-op
    assert run_cli("fix", "--diff", cwd=repo).stdout == ""


def test_fix_says_what_it_cannot_correct(tmp_path: Path) -> None:
    # Three tabs line up with no level whatever a tab's width (2, 4 or 8): left for the clerk, and said so.
    path, _, _ = _catalogue(tmp_path, "  level: 县级", "\t\t\tlevel: 县级")
    (tmp_path / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    before = path.read_bytes()
    done = run_cli("fix", cwd=tmp_path)
    assert done.returncode == 1 and "未能自动修改" in done.stdout and "制表符" in done.stdout, done.stdout
    assert path.read_bytes() == before


def test_fix_turns_a_tab_into_the_one_indentation_that_fits(tmp_path: Path) -> None:
    path, _, _ = _catalogue(tmp_path, "  level: 县级", "\tlevel: 县级")
    (tmp_path / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    done = run_cli("fix", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert path.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")


def test_fix_keeps_a_bom_and_windows_line_ends(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("fee: {charged: false}", "fee: {charged: 否}", 1)
    path = tmp_path / "catalogues" / "lsj-zjj.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    (tmp_path / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    assert run_cli("fix", cwd=tmp_path).returncode == 0
    want = EXAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8")
    assert path.read_bytes() == b"\xef\xbb\xbf" + want


def _unit_data(**basis: str) -> dict[str, object]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["powers"][0]["basis"][0].update(basis)
    return data


def test_a_citation_is_printed_in_its_normal_form_once(tmp_path: Path) -> None:
    path = tmp_path / "lsj-zjj.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "{law: 中华人民共和国建筑法, article: 第七条", "{law: 《 中华人民共和国建筑法 》, article: 第7条", 1
    )
    path.write_text(text, encoding="utf-8")
    result = validate([str(path)], Config(root=tmp_path), Options(cache=False, keep=True))
    unit = result.units[0]
    assert unit.powers[0].basis[0].text == "《中华人民共和国建筑法》第七条"
    dot = "".join(flow_sheet(unit, unit.powers[0], DrawOptions(internal=False)).lines).replace("\u200b", "")
    assert "《中华人民共和国建筑法》第七条" in dot and "《《" not in dot and "第7条" not in dot


def test_a_change_that_only_normalises_a_citation_is_no_change() -> None:
    old = _unit_data()
    new = _unit_data(law="《中华人民共和国建筑法》", article="第7条")
    assert power_changes(old, new).changed == {}
    assert unit_changes({"lsj-zjj": old}, {"lsj-zjj": new}) == []
    moved = _unit_data(article="第八条")
    assert power_changes(old, moved).changed == {"XK-001": ["basis"]}


def test_compare_does_not_pair_through_a_procedure_article(tmp_path: Path) -> None:
    def unit(uid: str, name: str, law: str, article: str) -> Path:
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        data["unit"]["id"] = uid
        power = data["powers"][0]
        power.update(name=name, code=None)
        power.pop("code")
        power["basis"] = [
            {"law": law, "article": article, "role": "设定依据"},
            {"law": "中华人民共和国行政许可法", "article": "第四十二条", "role": "实施依据"},
        ]
        data["powers"] = [power]
        path = tmp_path / f"{uid}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    a = unit("lsj-whj", "娱乐场所经营审批", "娱乐场所管理条例", "第九条")
    b = unit("lsj-hwj", "拆除环境卫生设施审批", "城市市容和环境卫生管理条例", "第二十二条")
    c = unit("lsj-wlj", "娱乐场所设立审批", "《娱乐场所管理条例》", "9")
    result = validate([str(a), str(b), str(c)], Config(root=tmp_path), Options(cache=False, keep=True))
    units = {u.id: u for u in result.units}
    assert compare(units["lsj-whj"], units["lsj-hwj"]).pairs == []
    # An article specific to the power still pairs it, however the citation is written.
    pairs = compare(units["lsj-whj"], units["lsj-wlj"]).pairs
    assert [(p.a.name, p.b.name, p.matched_by) for p in pairs] == [("娱乐场所经营审批", "娱乐场所设立审批", "依据")]


def test_text_inside_block_scalars_and_quotes_is_never_a_mistake(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "      standard: 城市道路占用费",
        "      standard: |\n        收费标准如下：\n        　　- 占用费：每平方米每日一元\n        城市道路占用费",
        1,
    )
    text = text.replace("does: 审查是否符合施工许可条件}", 'does: "审查条件，name：见附件"}', 1)
    path = tmp_path / "catalogues" / "lsj-zjj.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    assert _findings(path, tmp_path) == []
    (tmp_path / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    assert run_cli("fix", "--diff", cwd=tmp_path).stdout == ""


def test_fix_writes_a_quoted_word_as_the_boolean_and_survives_an_impossible_date(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("fee: {charged: false}", 'fee: {charged: "否"}', 1)
    text += "changes:\n  - {date: 2026-02-30, items: [XK-001], kind: 调整, reason: 日期写错}\n"
    path = tmp_path / "catalogues" / "lsj-zjj.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    (tmp_path / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    done = run_cli("fix", cwd=tmp_path)
    assert "内部错误" not in done.stderr and done.returncode == 0, done.stdout + done.stderr
    assert "fee: {charged: false}" in path.read_text(encoding="utf-8")


def test_a_number_with_another_unit_is_named_but_not_rewritten(tmp_path: Path) -> None:
    old = "time_limit: {statutory: 7, promised: 5, unit: 工作日}"
    path, line, _ = _catalogue(tmp_path, old, old.replace("statutory: 7,", "statutory: 7个自然日,"))
    (tmp_path / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    found = _findings(path, tmp_path)
    assert [(f[0], f[1]) for f in found] == [("E003", line)] and "unit 不同" in found[0][4]
    before = path.read_bytes()
    done = run_cli("fix", cwd=tmp_path)
    assert done.returncode == 1 and "未能自动修改" in done.stdout and path.read_bytes() == before


def test_a_wide_comma_between_flow_items_is_named_at_its_character_and_fixed(tmp_path: Path) -> None:
    old = '    code: "431381-XK-0001"'
    new = "    major_matter: [大额资金使用，　重大决策]\n" + old
    path, line, offset = _catalogue(tmp_path, old, new)
    (tmp_path / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    found = _findings(path, tmp_path)
    typos = [f for f in found if f[0].startswith("E")]
    assert [(f[0], f[1], f[2]) for f in typos] == [("E001", line, offset + new.index("，") + 1)], found
    assert "中文逗号" in typos[0][3] and "[大额资金使用, 重大决策]" in typos[0][4]
    # The data is read as meant: the rules see both matters (G501 asks for a collective step for them).
    assert any(f[0] == "G501" and "大额资金使用、重大决策" in f[3] for f in found), found
    done = run_cli("fix", cwd=tmp_path)
    assert "内部错误" not in done.stderr, done.stderr
    assert "    major_matter: [大额资金使用, 重大决策]\n" in path.read_text(encoding="utf-8")
    assert not [f for f in _findings(path, tmp_path) if f[0].startswith("E")]


@pytest.mark.parametrize(
    "typed",
    [
        "[大额资金使用，其他事项]",  # a part the schema does not allow: the value stays one item, named as such
        '["大额资金使用，重大决策"]',  # quoted: written as one text on purpose
    ],
)
def test_a_wide_comma_is_split_only_where_every_part_is_allowed(tmp_path: Path, typed: str) -> None:
    old = '    code: "431381-XK-0001"'
    path, _, _ = _catalogue(tmp_path, old, f"    major_matter: {typed}\n" + old)
    found = _findings(path, tmp_path)
    assert [f[0] for f in found if f[0].startswith("E")] == ["E003"], found
    assert "不在允许范围内" in next(f[3] for f in found if f[0] == "E003")


def test_a_wide_hyphen_is_left_where_the_pattern_would_still_fail(tmp_path: Path) -> None:
    path, _, _ = _catalogue(tmp_path, "  - id: XK-001", "  - id: XK－0 01")
    found = _findings(path, tmp_path)
    assert [f[0] for f in found] == ["E003"] and "格式不正确" in found[0][3], found


@pytest.mark.parametrize(
    ("typed", "meant", "words"),
    [
        ("即时", "即办", "写成 即办"),
        ("当场办结", "即办", "写成 即办"),
        ('"立即"', "即办", "写成 即办"),
        ("当日", "即办", "写成 即办"),
        ("马上", "即办", "写成 即办"),
        ("/", "null", "null"),
        ("无", "null", "null"),
    ],
)
def test_a_limit_typed_as_a_word_is_named_at_its_character_and_fixed(
    tmp_path: Path, typed: str, meant: str, words: str
) -> None:
    old = "time_limit: {statutory: 7, promised: 5, unit: 工作日}"
    new = old.replace("promised: 5", f"promised: {typed}")
    path, line, offset = _catalogue(tmp_path, old, new)
    (tmp_path / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    found = [f for f in _findings(path, tmp_path) if f[0].startswith("E")]
    assert [(f[0], f[1], f[2]) for f in found] == [("E003", line, offset + new.index(typed) + 1)], found
    assert typed.strip('"') in found[0][3] and words in found[0][3] + found[0][4] and "整数" not in found[0][3], found
    done = run_cli("fix", cwd=tmp_path)
    assert "内部错误" not in done.stderr, done.stderr
    assert old.replace("promised: 5", f"promised: {meant}") in path.read_text(encoding="utf-8")
    assert not [f for f in _findings(path, tmp_path) if f[0].startswith("E")]


def test_a_limit_that_is_no_word_a_list_uses_says_what_may_be_written(tmp_path: Path) -> None:
    old = "time_limit: {statutory: 7, promised: 5, unit: 工作日}"
    path, line, _ = _catalogue(tmp_path, old, old.replace("promised: 5", "promised: 三个月"))
    found = _findings(path, tmp_path)
    assert [(f[0], f[1]) for f in found] == [("E003", line)], found
    assert "天数、即办或 null" in found[0][3] and "整数" not in found[0][3], found
    assert "即办" in found[0][4] and "null" in found[0][4]


@pytest.mark.parametrize("written", ["即办", "null", "20"])
def test_a_limit_written_as_the_format_says_is_no_mistake(tmp_path: Path, written: str) -> None:
    old = "time_limit: {statutory: 7, promised: 5, unit: 工作日}"
    new = f"time_limit: {{statutory: {written}, promised: {written}, unit: 工作日}}"
    path, _, _ = _catalogue(tmp_path, old, new)
    assert not [f for f in _findings(path, tmp_path) if f[0].startswith(("E", "T"))]
