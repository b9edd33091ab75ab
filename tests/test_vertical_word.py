"""Word documents with a key-value table per power (issue 33): read as one table of powers, every cell kept or
reported at its own place in the document (表N第R行第C列, 第N段 for a name paragraph)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import docx
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerctl.importer import vertical
from powerctl.importer.build import build
from powerctl.importer.sheets import SheetError, read_tables
from tests import office_files
from tests.conftest import run_cli
from tests.vertical_files import (
    HOUSING_EXPECTED,
    HOUSING_UNIT,
    TOWN_EXPECTED,
    TOWN_UNIT,
    UP,
    Row,
    Written,
    housing_docx,
    key,
    kv_table,
    town_docx,
    value,
)

_PLACE = re.compile(r"表(\d+)((?:第\d+行第\d+列、?)+)|(第\d+段)")
# What joins the pieces of a cell that the catalogue keeps apart: numbering, punctuation, 第…条 around an article.
_NONE = {"无", "/", "—", "暂无"}  # a cell that says there is none: an empty basis, a null time limit
_GLUE = re.compile(r"[\s.．、，,；;：:。“”《》（）()/]|责任|个|工作日|自然日|日")
_NUMBERED = re.compile(r"^\s*(?:[0-9]+[.．、]|[（(][0-9一二三四五六七八九十]+[）)])\s*")


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "catalogues").mkdir(parents=True)
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    return repo


def _import(repo: Path, path: Path) -> tuple[str, dict[str, Any]]:
    done = run_cli("import", str(path), "-o", "catalogues", cwd=repo)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    units = {}
    for file in sorted((repo / "catalogues").glob("*.yaml")):
        unit = yaml.safe_load(file.read_text(encoding="utf-8"))
        units[unit["unit"]["name"]] = unit
    return done.stdout, units


def _validate(repo: Path) -> list[dict[str, Any]]:
    checked = run_cli("validate", "--no-cache", "-f", "json", cwd=repo)
    assert checked.returncode in (0, 1), checked.stdout + checked.stderr
    findings: list[dict[str, Any]] = json.loads(checked.stdout)["findings"]
    return findings


def _places(report: str) -> set[str]:
    """The cells a report names: 表3第5行第2列 (each of 表3第5行第2列、第6行第2列) and 第12段."""
    found: set[str] = set()
    for m in _PLACE.finditer(report):
        if m.group(3):
            found.add(m.group(3))
            continue
        for cell in re.findall(r"第\d+行第\d+列", m.group(2)):
            found.add(f"表{m.group(1)}{cell}")
    return found


def _strings(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [str(data)] if isinstance(data, int) and not isinstance(data, bool) else []


def _unaccounted(written: list[Written], report: str, units: dict[str, Any]) -> list[Written]:
    """The value cells neither named by the report nor kept, line by line, in the catalogue: a line is kept when
    what is left of it, once every text the catalogue holds is taken out, is only numbering and punctuation."""
    reported = _places(report)
    kept = sorted({s for s in _strings(list(units.values())) if s}, key=len, reverse=True)
    lost = []
    for cell in written:
        if cell.key or cell.where in reported or cell.text in _NONE:
            continue
        for line in cell.text.split("\n"):
            if any(_GLUE.sub("", line) in s for s in kept):
                continue  # 许可 read as 行政许可
            rest = re.sub(r"第[（(]([零一二三四五六七八九十百0-9]+)[）)]项", r"第\1项", _NUMBERED.sub("", line))
            for s in kept:
                rest = rest.replace(s, "")
            if _GLUE.sub("", rest):
                lost.append(cell)
                break
    return lost


def _subsequence(expected: list[Any], got: list[Any]) -> bool:
    it = iter(got)
    return all(any(item == g for g in it) for item in expected)


def _power(unit: dict[str, Any], name: str) -> dict[str, Any]:
    (power,) = [p for p in unit["powers"] if p["name"] == name]
    return power


def _check_power(unit: dict[str, Any], expected: dict[str, Any], report: str) -> None:
    power = _power(unit, expected["name"])
    assert power["category"] == expected["category"]
    assert [(c["law"], c["article"], c.get("quote")) for c in power["basis"]] == expected["basis"]
    if "department" in expected:
        names = {d["id"]: d["name"] for d in unit["unit"]["departments"]}
        assert names[power["department"]] == expected["department"]
    if "time_limit" in expected:
        limit = power["time_limit"]
        assert {k: limit.get(k) for k in ("statutory", "promised", "unit")} == expected["time_limit"]
    if "responsibilities" in expected:  # every 某某责任 line, in order; a line such as 一般程序： is no duty
        got = [(r.get("stage"), r["duty"]) for r in power.get("responsibilities", [])]
        assert _subsequence(expected["responsibilities"], got), got
        assert all(pair in expected["responsibilities"] or "程序" in pair[1] for pair in got), got
    if "accountability" in expected:  # every numbered 追责情形, in order; the preamble is no item of its own
        got = power.get("accountability", [])
        assert _subsequence(expected["accountability"], got), got
        assert all(a in expected["accountability"] or a.startswith("因不履行") for a in got), got
    if expected["note"] is not None:
        assert power["note"] == expected["note"]


def test_a_county_bureau_responsibility_table_per_power(tmp_path: Path) -> None:
    path, written = housing_docx(tmp_path)
    repo = _repo(tmp_path)
    report, units = _import(repo, path)
    assert list(units) == [HOUSING_UNIT]
    unit = units[HOUSING_UNIT]
    assert [p["name"] for p in unit["powers"]] == [p["name"] for p in HOUSING_EXPECTED]
    for expected in HOUSING_EXPECTED:
        _check_power(unit, expected, report)
    # 审核转报 is no field of the catalogue: reported at each of its cells, with the key as its column
    for where, text in (("表1第2行第4列", "否"), ("表2第2行第4列", "否"), ("表3第2行第4列", "是")):
        assert f"{path}:{where}（列「审核转报」）：列「审核转报」不是职权目录的字段，未导入：{text}" in report
    assert _unaccounted(written, report, units) == []
    findings = _validate(repo)
    assert [f["power"] for f in findings if f["rule"] == "T301"] == [_power(unit, "建筑工程施工许可")["id"]]
    assert [f for f in findings if f["rule"] == "E003" and not f["message"].startswith("缺少必填字段")] == []
    assert not [f for f in findings if f["rule"] in ("E001", "E002", "E005", "E006")]


def test_a_township_list_with_each_name_above_its_table(tmp_path: Path) -> None:
    path, written, places = town_docx(tmp_path)
    repo = _repo(tmp_path)
    report, units = _import(repo, path)
    assert list(units) == [TOWN_UNIT]
    unit = units[TOWN_UNIT]
    # the names from the paragraphs, numbering (1. （一）) taken off, bold ones as they are
    assert [p["name"] for p in unit["powers"]] == [p["name"] for p in TOWN_EXPECTED]
    for expected in TOWN_EXPECTED:
        _check_power(unit, expected, report)
    # 行使层级 says the unit's level, no field of a power: reported at each cell
    for n in range(1, 6):
        row = 1 if n == 2 else 2
        assert f"{path}:表{n}第{row}行第4列（列「行使层级」）：列「行使层级」不是职权目录的字段，未导入：乡级" in report
    assert _unaccounted(written, report, units) == []
    findings = _validate(repo)
    assert [f["power"] for f in findings if f["rule"] == "B101"] == [_power(unit, "农村危房改造补助对象初审")["id"]]
    assert [f for f in findings if f["rule"] == "E003" and not f["message"].startswith("缺少必填字段")] == []
    assert places == ["第4段", "第6段", "第7段", "第9段", "第10段"]


def test_a_name_paragraph_is_reported_at_its_paragraph(tmp_path: Path) -> None:
    """A finding on the name (the "*" of the original list) names the paragraph the name was written in; a
    项目 | 内容 line over the keys is the table's header, no data."""
    document = docx.Document()
    document.add_paragraph("某镇权力清单")
    document.add_paragraph("1. 农村五保供养审核*")
    written: list[Written] = []
    kv_table(document, 1, [
        [key("项目"), key("内容")],  # the table's own header over its keys
        [key("类别"), value("行政给付")],
        [key("实施主体"), value("某镇人民政府")],
    ], written, 2)  # fmt: skip
    document.add_paragraph("说明：以下事项由民政办承办")  # a note, not the next table's name
    kv_table(document, 2, [[key("类别"), value("行政确认")], [key("实施主体"), value("某镇人民政府")]], written, 2)
    path = tmp_path / "五保.docx"
    document.save(str(path))
    (table,) = vertical.read_tables(path)
    result = build([table], "某镇人民政府")
    (unit,) = result.units
    assert [(p["name"], p["category"]) for p in unit.powers] == [("农村五保供养审核", "行政给付")]
    # the table with no name: said once for the table (its place among the tables), then at each cell
    assert [u.where for u in result.unmapped] == [f"{path}:第2段", f"{path}:表2"] + [
        f"{path}:表2第{r}行第2列" for r in (1, 2)
    ]


def test_keys_over_their_values_and_a_key_merged_down(tmp_path: Path) -> None:
    """A key alone on its line over its value; a key cell merged down over two value rows (joined, each row
    named); an empty key cell under a key (the same key); a value with no key (reported, not lost)."""
    document = docx.Document()
    written: list[Written] = []
    kv_table(document, 1, [
        [key("事项名称", 2), value("对擅自占用城市道路的处罚", 2)],
        [key("责任事项", 4)],
        [value("1.立案责任：对违法行为予以审查，决定是否立案。\n2.决定责任：作出处罚决定。", 4)],
        [key("法律依据", 2), value("《城市道路管理条例》第二十七条", 2)],
        [key(UP, 2), value("《城市道路管理条例》第四十二条", 2)],
        [key("追责情形", 2), value("对违法行为不予制止的", 2)],
        [key("", 2), value("滥用职权、玩忽职守的", 2)],
        [key("职权类型", 2), value("行政处罚"), value("待定")],
    ], written)  # fmt: skip
    path = tmp_path / "城管.docx"
    document.save(str(path))
    (table,) = vertical.read_tables(path)
    result = build([table], "县城市管理局")
    (power,) = result.units[0].powers
    assert power["name"] == "对擅自占用城市道路的处罚"
    assert power["responsibilities"] == [
        {"stage": "立案", "duty": "对违法行为予以审查，决定是否立案。"},
        {"stage": "决定", "duty": "作出处罚决定。"},
    ]
    assert [(c["law"], c["article"]) for c in power["basis"]] == [
        ("城市道路管理条例", "第二十七条"),
        ("城市道路管理条例", "第四十二条"),
    ]
    assert power["accountability"] == ["对违法行为不予制止的", "滥用职权、玩忽职守的"]
    assert power["category"] == "行政处罚"
    assert [(u.where, u.text) for u in result.unmapped] == [(f"{path}:表1第8行第4列", "待定")]
    assert table.where(1, table.rows[0].index("法律依据")) == f"{path}:表1第4行第3列、第5行第3列"


def test_an_ordinary_word_table_reads_as_before(tmp_path: Path) -> None:
    """Only positive evidence makes a table a key-value one: a list's horizontal table (its header a row of
    keys, its left column numbers) is read as it always was."""
    path = office_files.city_docx(tmp_path)
    assert vertical.read_tables(path) == read_tables(path)
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    for c, (head, cell) in enumerate((("事项名称", "临时占道审批"), ("备注", "无"))):
        table.cell(0, c).text, table.cell(1, c).text = head, cell
    small = tmp_path / "两行.docx"
    document.save(str(small))
    assert vertical.read_tables(small) == read_tables(small)


_KEYS = ["职权类型", "实施主体", "承办机构", "备注", "追责情形", "法定时限", "办理时限"]
_TEXTS = st.text(alphabet="甲乙丙丁戊己", min_size=1, max_size=5)
_MAYBE = st.one_of(st.just(""), _TEXTS)
_DAYS = st.sampled_from(["20个工作日", "15个工作日", "甲", "/", ""])


@st.composite
def _rows(draw: st.DrawFn, k: str, wide: bool) -> list[Row]:
    """The rows of one key: key | value (| unknown key | value), the key alone over its value, the key merged
    down over a second value, 办理时限 over 法定时限 and 承诺时限."""
    span = 3 if wide else 1
    if k == "办理时限":
        if not wide:
            return [[key("法定时限"), value(draw(_DAYS))], [key("承诺时限"), value(draw(_DAYS))]]
        return [[key("办理时限"), key("法定时限"), value(draw(_DAYS), 2)],
                [key(UP), key("承诺时限"), value(draw(_DAYS), 2)]]  # fmt: skip
    text = {"职权类型": st.sampled_from(["行政处罚", "许可", "甲乙", ""]), "法定时限": _DAYS}.get(k, _MAYBE)
    shape = draw(st.sampled_from(["pair", "over", "merged"]))
    if shape == "over" and draw(text):
        return [[key(k, span + 1)], [value(draw(_TEXTS), span + 1)]]
    if shape == "merged" and k in ("备注", "追责情形"):
        return [[key(k), value(draw(_TEXTS), span)], [key(UP), value(draw(_TEXTS), span)]]
    if wide and draw(st.booleans()):
        other = draw(st.sampled_from(["审核转报", "联系电话"]))
        return [[key(k), value(draw(text)), key(other), value(draw(_MAYBE))]]
    return [[key(k), value(draw(text), span)]]


@st.composite
def _document(draw: st.DrawFn) -> tuple[docx.document.Document, list[Written]]:
    """Key-value tables of random keys (known and unknown) and values in the shapes of `_rows`, two or four
    columns wide, empty values, a section title, the name in the table (a key, or a line across its top), in
    the paragraph above it, or nowhere."""
    document = docx.Document()
    written: list[Written] = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        if draw(st.booleans()):
            document.add_paragraph(draw(st.sampled_from(["一、行政处罚（共2项）", "二、行政许可", "说明"])))
        where = draw(st.sampled_from(["key", "title", "paragraph", "none"]))
        if where == "paragraph":
            document.add_paragraph(draw(st.sampled_from(["1. ", "（一）", ""])) + draw(_TEXTS))
        wide = draw(st.booleans())
        rows: list[Row] = []
        if where == "key":
            rows.append([key("职权名称"), value(draw(_TEXTS), 3 if wide else 1)])
        elif where == "title":
            rows.append([value(draw(_TEXTS), 4 if wide else 2)])
        for k in draw(st.lists(st.sampled_from(_KEYS), min_size=2, max_size=5, unique=True)):
            rows += draw(_rows(k, wide))
        kv_table(document, number, rows, written, 4 if wide else 2)
    return document, written


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(made=_document())
def test_every_cell_of_key_value_tables_is_kept_or_reported(tmp_path: Path, made: Any) -> None:
    document, written = made
    path = tmp_path / "清单.docx"
    document.save(str(path))
    result = build(vertical.read_tables(path), "某单位")
    report = "\n".join(u.where for u in result.unmapped)
    units = {u.name: {"name": u.name, "departments": u.departments, "powers": u.powers} for u in result.units}
    assert _unaccounted(written, report, units) == []


def test_a_field_of_one_value_written_twice_keeps_both(tmp_path: Path) -> None:
    """法定时限 under 办理时限 and again on a line of its own: the first is the limit, the second is reported at
    its cell; neither is joined to the other (a joined cell would read as one limit and drop a word)."""
    document = docx.Document()
    written: list[Written] = []
    kv_table(document, 1, [
        [key("职权名称"), value("城镇污水排入排水管网许可", 2)],
        [key("职权类型"), value("行政许可", 2)],
        [key("办理时限"), key("法定时限"), value("20个工作日")],
        [key(UP), key("承诺时限"), value("10个工作日")],
        [key("法定时限"), value("自受理之日起二十日", 2)],
    ], written, 3)  # fmt: skip
    path = tmp_path / "排水.docx"
    document.save(str(path))
    result = build(vertical.read_tables(path), "县城市管理局")
    (power,) = result.units[0].powers
    assert power["time_limit"] == {"statutory": 20, "promised": 10, "unit": "工作日"}
    assert [(u.where, u.header, u.text) for u in result.unmapped] == [
        (f"{path}:表1第5行第2列", "法定时限（第2处）", "自受理之日起二十日")
    ]


def test_a_different_key_in_every_table_is_refused_past_the_limit(tmp_path: Path, monkeypatch: Any) -> None:
    """Every key of every table is a column: a document whose tables each write keys of their own is refused
    (exit 2, in words) before it becomes a table of every power by every key."""
    from powerctl.source import office_limits

    document = docx.Document()
    written: list[Written] = []
    for n in range(1, 4):
        kv_table(document, n, [
            [key("职权名称"), value(f"第{n}项职权")],
            [key("职权类型"), value("行政检查")],
            [key(f"附加项{n}"), value("有")],
        ], written, 2)  # fmt: skip
    path = tmp_path / "各不相同.docx"
    document.save(str(path))
    assert len(vertical.read_tables(path)[0].rows[0]) == 6  # 序号 职权名称 职权类别 (the fixed three) + 附加项1 2 3
    monkeypatch.setattr(office_limits, "MAX_COLUMNS", 5)
    try:
        vertical.read_tables(path)
    except SheetError as exc:
        assert str(exc).startswith(f"{path}：每项职权一张的表格共写了 6 种不同的项名（3 项职权），超过上限（5 种")
    else:
        raise AssertionError("not refused")


def test_ordinary_and_key_value_tables_in_one_document(tmp_path: Path) -> None:
    """An ordinary table keeps its place and its reading; the key-value tables after it become one table."""
    document = docx.Document()
    table = document.add_table(rows=2, cols=len(office_files.WORD_HEADER))
    for c, (head, cell) in enumerate(zip(office_files.WORD_HEADER, office_files.WORD_ROWS[0], strict=True)):
        table.cell(0, c).text, table.cell(1, c).text = head, cell
    written: list[Written] = []
    for n in (2, 3):
        kv_table(document, n, [[key("职权名称"), value(f"第{n}项")], [key("职权类型"), value("行政检查")]], written, 2)
    path = tmp_path / "混合.docx"
    document.save(str(path))
    plain, combined = vertical.read_tables(path)
    assert plain == read_tables(path)[0]
    assert (combined.name, combined.rows) == ("表2至表3", [
        ["序号", "职权名称", "职权类型"], ["1", "第2项", "行政检查"], ["2", "第3项", "行政检查"],
    ])  # fmt: skip
    assert combined.where(2, 2) == f"{path}:表3第2行第2列"


def test_a_key_and_its_value_in_one_cell(tmp_path: Path) -> None:
    """职权名称：… across the table, key and value in one cell, beside key | value rows."""
    document = docx.Document()
    written: list[Written] = []
    kv_table(document, 1, [
        [value("职权名称：对未按规定设置消防车通道的检查", 2)],
        [key("职权类型"), value("行政检查")],
        [value("备注：与消防救援机构联合实施", 2)],
        [value("说明：本表据2024年清单整理", 2)],
    ], written, 2)  # fmt: skip
    path = tmp_path / "一格.docx"
    document.save(str(path))
    result = build(vertical.read_tables(path), "县住房和城乡建设局")
    (power,) = result.units[0].powers
    assert (power["name"], power["category"]) == ("对未按规定设置消防车通道的检查", "行政检查")
    assert power.get("note", power.get("x-note")) == "与消防救援机构联合实施"
    # 说明 is a synonym of 备注: a second note, reported at its cell rather than joined to the first
    assert [(u.where, u.text) for u in result.unmapped] == [(f"{path}:表1第4行第1列", "本表据2024年清单整理")]
