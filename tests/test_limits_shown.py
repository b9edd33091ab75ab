"""The format's new forms through every output (issue 33): a time limit of 即办 or null (“/”), a power without
a time limit (行政检查), `from`, `note`, a stageless 责任事项 line and a 子项 under its 主项. Each output shows them
as the list wrote them — 即办 and “/”, never 0个工作日 or None — and the rules count 即办 as 0 days."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from powerctl.catalogue.config import Config
from powerctl.catalogue.model import Power, TimeLimit, Unit
from powerctl.check.engine import Options, validate
from powerctl.documents import table
from powerctl.documents.context import UnitDocs, audience_powers
from powerctl.documents.public_source import public_source
from powerctl.documents.rows import rows, table_order
from powerctl.documents.site import write_site
from powerctl.domain.cases import Records
from powerctl.domain.operation import promise_words
from powerctl.laws.registry import builtin
from powerctl.laws.resolve import LawResolver
from powerctl.resources import TEMPLATES
from tests.conftest import run_cli

EXAMPLE = TEMPLATES / "init" / "catalogues" / "example" / "lsj-zjj.yaml"
MORE = """\
  - id: JC-001
    name: 建筑工程质量安全监督检查
    category: 行政检查
    department: spg
    status: 保留
    basis:
      - {law: 中华人民共和国建筑法, article: 第七十九条, role: 设定依据}
    fee: {charged: false}
    disclosure: {scope: 社会公开, forms: [政府网站], within_days: 7}
    note: 按年度抽查计划开展
    responsibilities:
      - {stage: 检查, duty: 依法实施检查}
      - {duty: 其他法律法规规章文件规定应履行的责任}
    accountability: [不依法履行检查职责的]
  - id: XK-003-1
    name: 临时占用城市道路许可延期
    category: 行政许可
    parent: XK-003
    department: spg
    status: 保留
    basis:
      - {law: 城市道路管理条例, article: 第三十一条, role: 实施依据}
    time_limit: {statutory: 即办, promised: 即办, unit: 工作日}
    fee: {charged: false}
    disclosure: {scope: 社会公开, forms: [政府网站], within_days: 7}
"""
BAD = re.compile(r"(?<![0-9])0 ?个(?:工作日|自然日)|None|即时办理")  # 即办 or “/” shown otherwise


def catalogue_text(xk001: str = "{statutory: 20, promised: 即办, unit: 工作日, from: 自受理之日起}") -> str:
    """The init example (not a sample) with XK-001 promising 即办, XK-003 “/” for both limits, a 行政检查 without
    a time limit, and a 子项 of XK-003 written after the 行政检查."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if "sample: true" not in line and "示例单位" not in line)
    text = text.replace(
        "time_limit: {statutory: 20, promised: 5, unit: 工作日}",
        "time_limit: {statutory: null, promised: null, unit: 工作日}",
    )
    text = text.replace("time_limit: {statutory: 7, promised: 5, unit: 工作日}", f"time_limit: {xk001}")
    return text + "\n" + MORE


def _repo(root: Path, text: str | None = None) -> Path:
    path = root / "catalogues" / "lsj-zjj.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text is not None else catalogue_text(), encoding="utf-8")
    (root / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("limits")
    _repo(root)
    return root


@pytest.fixture(scope="module")
def unit(repo: Path) -> Unit:
    result = validate([str(repo / "catalogues")], Config(root=repo), Options(cache=False))
    schema = [f for f in result.report.findings if f.rule.startswith("E") or f.rule == "T301"]
    assert schema == [], schema
    (made,) = result.units
    assert [p.id for p in made.powers] == ["XK-001", "XK-003", "JC-001", "XK-003-1"]
    return made


def _docs(unit: Unit, audience: str = "public", powers: tuple[Power, ...] | None = None) -> UnitDocs:
    laws = LawResolver([builtin()], None, date(2026, 11, 22))
    chosen = audience_powers(unit, audience) if powers is None else powers
    return UnitDocs(unit, chosen, audience, laws, {})


def test_the_model_reads_every_form(unit: Unit) -> None:
    xk1, xk3, jc, sub = unit.powers
    assert xk1.time_limit is not None and (xk1.time_limit.promised, xk1.time_limit.start) == ("即办", "自受理之日起")
    assert xk1.time_limit.promise == 0
    assert xk3.time_limit is not None and xk3.time_limit.promise is None
    assert jc.time_limit is None and jc.note == "按年度抽查计划开展"
    assert jc.responsibilities == (("检查", "依法实施检查"), (None, "其他法律法规规章文件规定应履行的责任"))
    assert sub.parent == "XK-003"


def test_one_table_rows_show_limits_as_written_and_sub_items_under_their_main_item(unit: Unit) -> None:
    made = rows(_docs(unit, "internal"))
    assert [(r.no, r.power_id) for r in made] == [
        ("1", "XK-001"),
        ("2", "XK-003"),
        ("2.1", "XK-003-1"),
        ("3", "JC-001"),
    ]
    assert [(r.statutory, r.promised) for r in made] == [
        ("20个工作日", "即办"), ("/", "/"), ("即办", "即办"), ("/", "/")
    ]  # fmt: skip
    assert "按年度抽查计划开展" in made[3].remark and "子项，主项：临时占用、挖掘城市道路许可" in made[2].remark
    assert made[3].responsibilities == "1. 检查责任：依法实施检查\n2. 其他法律法规规章文件规定应履行的责任"
    for r in made:
        assert not any(BAD.search(cell) for cell in r.cells()), r


def test_a_sub_item_whose_main_item_is_withheld_is_numbered_on_its_own(unit: Unit) -> None:
    shown = tuple(p for p in unit.powers if p.id != "XK-003")  # XK-003 not in this audience
    made = rows(_docs(unit, "public", shown))
    assert [(r.no, r.power_id) for r in made] == [("1", "XK-001"), ("2", "JC-001"), ("3", "XK-003-1")]
    assert "临时占用、挖掘城市道路许可" not in made[2].remark


def test_sub_items_nest_and_a_circle_of_parents_ends(unit: Unit) -> None:
    xk1, xk3, jc, sub = unit.powers
    deeper = dataclasses.replace(jc, id="JC-002", parent="XK-003-1")
    circle = (dataclasses.replace(xk1, parent="JC-001"), dataclasses.replace(jc, parent="XK-001"))
    made = rows(_docs(unit, "internal", (xk3, deeper, sub, *circle)))
    assert [(r.no, r.power_id) for r in made] == [
        ("1", "XK-003"), ("1.1", "XK-003-1"), ("1.1.1", "JC-002"), ("2", "XK-001"), ("2.1", "JC-001")
    ]  # fmt: skip


def test_xlsx_and_html_tables(unit: Unit, tmp_path: Path) -> None:
    docs = _docs(unit, "public")
    path = tmp_path / "t.xlsx"
    table.write_xlsx(docs, path)
    ws = load_workbook(path)[table.SHEET]
    cells = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "即办" in cells and "/" in cells and "2.1" in cells and "按年度抽查计划开展" in cells
    assert not [c for c in cells if BAD.search(c)], cells
    page = table.html(docs)
    assert "即办" in page and ">/<" in page and ">2.1<" in page and not BAD.search(page)


def test_site_pages(unit: Unit, tmp_path: Path) -> None:
    write_site(_docs(unit, "public"), tmp_path, {})
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.index("XK-003.html") < index.index("XK-003-1.html") < index.index("JC-001.html")
    sub = (tmp_path / "powers" / "XK-003-1.html").read_text(encoding="utf-8")
    main = (tmp_path / "powers" / "XK-003.html").read_text(encoding="utf-8")
    assert 'href="XK-003.html"' in sub and "承诺时限 即办" in sub
    assert 'href="XK-003-1.html"' in main and "承诺时限 /" in main
    inspection = (tmp_path / "powers" / "JC-001.html").read_text(encoding="utf-8")
    assert "其他法律法规规章文件规定应履行的责任" in inspection and "按年度抽查计划开展" in inspection
    for page in (index, sub, main, inspection):
        assert not BAD.search(page)


def test_public_source_keeps_from_and_note(repo: Path) -> None:
    data = yaml.safe_load((repo / "catalogues" / "lsj-zjj.yaml").read_text(encoding="utf-8"))
    out = public_source(data, {"XK-001", "JC-001"})
    by_id = {p["id"]: p for p in out["powers"]}
    assert by_id["XK-001"]["time_limit"] == {
        "statutory": 20,
        "promised": "即办",
        "unit": "工作日",
        "from": "自受理之日起",
    }
    assert by_id["JC-001"]["note"] == "按年度抽查计划开展"
    assert by_id["JC-001"]["responsibilities"][1] == {"duty": "其他法律法规规章文件规定应履行的责任"}


def test_diff_and_change_notes_say_the_limits_as_written(tmp_path: Path) -> None:
    old = _repo(tmp_path / "old", catalogue_text("{statutory: 20, promised: 5, unit: 工作日}"))
    new = _repo(tmp_path / "new", catalogue_text().replace("promised: null", "promised: 10", 1))
    assert old.exists() and new.exists()
    done = run_cli("diff", str(tmp_path / "old"), str(tmp_path / "new"), cwd=tmp_path)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    assert "5 个工作日 → 即办" in done.stdout, done.stdout
    assert "/ → 10 个工作日" in done.stdout, done.stdout
    assert not BAD.search(done.stdout) and "承诺时限：（无）" not in done.stdout, done.stdout
    md = run_cli("diff", str(tmp_path / "old"), str(tmp_path / "new"), "-f", "markdown", cwd=tmp_path)
    assert "| 5 个工作日 | 即办 |" in md.stdout, md.stdout


def test_compare_says_the_limits_as_written(tmp_path: Path) -> None:
    a = _repo(tmp_path / "a")
    b = _repo(tmp_path / "b", catalogue_text("{statutory: 20, promised: 5, unit: 工作日}"))
    done = run_cli("compare", str(a), str(b), cwd=tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    assert "办理时限：法定 20个工作日，承诺 即办 ↔ 法定 20个工作日，承诺 5个工作日" in done.stdout, done.stdout
    assert not BAD.search(done.stdout)


def test_stats_counts_every_power(repo: Path) -> None:
    done = run_cli("stats", str(repo / "catalogues"), "-f", "json", cwd=repo)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    assert '"行政检查": 1' in done.stdout.replace("\n", "").replace("  ", " ") or "行政检查" in done.stdout


def test_a_partial_power_gets_t301(tmp_path: Path) -> None:
    """An imported row without disclosure (a required field) whose promised 20 exceeds the statutory 15: T301
    on the first validate, beside the schema's finding."""
    text = catalogue_text().replace(
        "time_limit: {statutory: 20, promised: 即办", "time_limit: {statutory: 15, promised: 20"
    )
    text = text.replace(
        "    disclosure: {scope: 社会公开, forms: [政府网站, 政务服务大厅公示栏], within_days: 7}\n", "", 1
    )
    path = _repo(tmp_path, text)
    result = validate([str(path)], Config(root=tmp_path), Options(cache=False))
    codes = sorted({(f.rule, f.power) for f in result.report.findings if f.rule in ("E003", "T301")})
    assert codes == [("E003", "XK-001"), ("T301", "XK-001")], result.report.findings
    assert "XK-001" not in [p.id for p in result.units[0].powers]  # still never in an output


# -- R801 and R802 with 即办 and “/” ----------------------------------------------------------------------


def _with_limit(unit: Unit, statutory: Any, promised: Any) -> Unit:
    power = unit.powers[0]
    assert power.time_limit is not None
    limit = TimeLimit(power.time_limit.loc, statutory, promised, "工作日")
    return dataclasses.replace(unit, powers=(dataclasses.replace(power, time_limit=limit), *unit.powers[1:]))


def _case(received: date, closed: date | None) -> dict[str, Any]:
    return {"id": "XK-2026-0001", "power": "XK-001", "received": received, "closed": closed, "steps": []}


def _cards(unit: Unit, case: dict[str, Any], today: date) -> list[tuple[str, str]]:
    return [(p.code, p.message) for p in Records(unit, today).case(case) if p.code in ("R801", "R802")]


def test_a_case_of_a_power_handled_on_the_spot(unit: Unit) -> None:
    now = _with_limit(unit, 20, "即办")
    monday = date(2026, 11, 2)
    assert _cards(now, _case(monday, monday), date(2026, 11, 30)) == []  # closed the day it was received
    late = _cards(now, _case(monday, date(2026, 11, 3)), date(2026, 11, 30))
    assert [c for c, _ in late] == ["R801"] and "承诺即办" in late[0][1], late
    assert _cards(now, _case(monday, None), monday) == []  # open on the day: neither red nor yellow
    assert [c for c, _ in _cards(now, _case(monday, None), date(2026, 11, 3))] == ["R801"]


def test_a_case_of_a_power_without_a_clock(unit: Unit) -> None:
    none = _with_limit(unit, None, None)
    assert _cards(none, _case(date(2026, 1, 5), None), date(2026, 11, 30)) == []
    assert _cards(none, _case(date(2026, 1, 5), date(2026, 11, 30)), date(2026, 11, 30)) == []
    statutory = _with_limit(unit, 3, None)  # null promised: the statutory limit is the promise
    late = _cards(statutory, _case(date(2026, 11, 2), date(2026, 11, 9)), date(2026, 11, 30))
    assert [c for c, _ in late] == ["R801"] and "法定 3 个工作日" in late[0][1], late


def test_the_operation_pages_say_the_promise_as_written() -> None:
    assert [promise_words(d, "工作日") for d in (0, None, 5)] == ["即办", "/", "5 个工作日"]


def test_hints_name_the_workbook_column_beside_the_key() -> None:
    from powerctl.check.columns import column_hint, with_column
    from powerctl.domain.workbook import COLUMNS

    promised = column_hint(("powers", 3, "time_limit", "promised"))
    assert "「承诺时限」列" in promised and "time_limit.promised" in promised
    assert "「公开范围」列" in column_hint(("powers", 0, "disclosure", "scope"))
    assert "「职权来源依据」列（basis）" in column_hint(("powers", 0, "basis", 2, "article"))
    whole = column_hint(("powers", 0, "time_limit"))  # a missing time limit: every column of it
    assert all(f"「{c.header}」" in whole for c in COLUMNS if c.path[0] == "time_limit"), whole
    assert column_hint(("powers", 0, "flow", "steps", 0, "days")) == ""  # not in the workbook
    assert column_hint(("unit", "name")) == "" and column_hint(("cases", 0, "power")) == ""
    assert with_column("", ("powers", 0, "status")).startswith("在导出的表格中改「清理结果」列")
    every = [c for c in COLUMNS if column_hint(("powers", 0, *c.path)) == ""]
    assert every == [], every  # each column of the workbook is named for its own field


def test_a_rule_finding_names_the_column(tmp_path: Path) -> None:
    text = catalogue_text().replace(
        "time_limit: {statutory: 20, promised: 即办", "time_limit: {statutory: 15, promised: 20"
    )
    path = _repo(tmp_path, text)
    result = validate([str(path)], Config(root=tmp_path), Options(cache=False))
    (t301,) = [f for f in result.report.findings if f.rule == "T301"]
    assert "「承诺时限」列（time_limit.promised）" in t301.hint, t301.hint


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.none(), st.integers(0, 9)), min_size=1, max_size=10))
def test_table_order_is_a_numbering_of_every_power(unit: Unit, parents: list[int | None]) -> None:
    """Any parents (none, a 主项, itself, a circle, a power not shown): every power once, 主项 numbered 1…k,
    each 子项 numbered under the row of its 主项 and after it."""
    base = unit.powers[2]
    ids = [f"P-{i}" for i in range(len(parents))]
    shown = tuple(
        dataclasses.replace(base, id=ids[i], parent=None if p is None else f"P-{p}") for i, p in enumerate(parents)
    )
    order = table_order(shown)
    assert sorted(id(p) for _, p in order) == sorted(id(p) for p in shown)
    numbers = [n for n, _ in order]
    assert len(set(numbers)) == len(numbers)
    top = [n for n in numbers if "." not in n]
    assert top == [str(k) for k in range(1, len(top) + 1)]
    where = {p.id: (k, n) for k, (n, p) in enumerate(order)}
    for k, (n, p) in enumerate(order):
        if "." in n:
            assert p.parent is not None
            at, above = where[p.parent]
            assert at < k and n.rsplit(".", 1)[0] == above


def test_a_main_item_whose_sub_items_carry_the_basis_is_not_b101(tmp_path: Path) -> None:
    """A published list writes the articles on the 子项 rows: its 主项 without basis of its own is no B101; a 主项
    whose 子项 have none either still is."""
    text = catalogue_text()
    main_basis = (
        "    basis:\n"
        "      - {law: 城市道路管理条例, article: 第三十条, role: 设定依据}\n"
        "      - {law: 城市道路管理条例, article: 第三十一条, role: 实施依据}\n"
    )
    sub_basis = (
        "    basis:\n      - {law: 城市道路管理条例, article: 第三十一条, role: 实施依据}\n"
        "    time_limit: {statutory: 即办"
    )
    assert text.count(main_basis) == 1 and text.count(sub_basis) == 1
    backed = text.replace(main_basis, "    basis: []\n")  # XK-003 bare, its 子项 XK-003-1 with basis
    path = _repo(tmp_path, backed)
    found = validate([str(path)], Config(root=tmp_path), Options(cache=False)).report.findings
    assert [f.power for f in found if f.rule == "B101"] == []
    bare = backed.replace(sub_basis, "    basis: []\n    time_limit: {statutory: 即办")  # the 子项 bare too
    path.write_text(bare, encoding="utf-8")
    found = validate([str(path)], Config(root=tmp_path), Options(cache=False)).report.findings
    assert sorted(f.power for f in found if f.rule == "B101") == ["XK-003", "XK-003-1"]
