"""export carries every field import reads, and one import --update writes every edited cell (issue 33)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerctl.documents.workbook_xlsx import workbook_bytes
from powerctl.domain.workbook import _NUMBERING, COLUMNS
from powerctl.importer.update import update
from powerctl.resources import SCHEMAS
from powerctl.source.load import load_text
from powerctl.source.schema import SchemaChecker
from tests.conftest import run_cli

# Every field the workbook carries, in the styles people write: block and flow mappings, comments, 即办 and
# null limits, a 起算, stageless duties, a 主项 with its 子项, and a power as the importer writes it (no
# 清理结果, no 公开: the 待补充 comment above it).
FULL = """\
# yaml-language-server: $schema=../schemas/catalogue.schema.json
schema: powerctl/catalogue@1
unit:
  id: xsj-scj
  name: 某县市场监督管理局
  region: 湖南省娄底市某县
  level: 县级
  departments:
    - {id: jgjdjchfbzdjzg, name: 价格监督检查和反不正当竞争股}
    - {id: spg, name: 食品生产股}
    - {id: zfd, name: 综合行政执法大队}
  posts: []
  complaint_channels:
    - {way: 电话, contact: "12315"}
powers:
  # 主项，下有两个子项
  - id: XK-001
    code: "431322-XK-001"
    name: 食品生产许可
    category: 行政许可
    department: spg  # 承办
    status: 保留
    basis:
      - {law: 中华人民共和国食品安全法, article: 第三十五条, role: 设定依据, quote: 国家对食品生产经营实行许可制度。}
    time_limit: {statutory: 20, promised: 10, unit: 工作日, from: 自受理之日起}
    fee: {charged: false}
    disclosure:
      scope: 社会公开  # 全文公开
      forms: [政府网站, 公示栏]
      within_days: 20
    responsibilities:
      - {stage: 受理, duty: 依法受理或不予受理申请}
      - {stage: 审查, duty: 对申请材料进行审查}
      - {duty: 其他法律法规规章文件规定应履行的责任}
    accountability:
      - 对符合法定条件的申请不予受理的
      - 违法收取费用的
    note: 含两个子项
  - id: XK-001-1
    name: 食品生产许可（新办）
    parent: XK-001
    category: 行政许可
    department: spg
    status: 保留
    basis:
      - {law: 中华人民共和国食品安全法, article: 第三十五条, role: 设定依据}
    time_limit: {statutory: 即办, promised: 即办, unit: 工作日}
    fee: {charged: false}
    disclosure: {scope: 社会公开, forms: [政府网站], within_days: 20}
  - id: XK-001-2
    name: 食品生产许可（变更）
    parent: XK-001
    category: 行政许可
    department: spg
    status: 保留
    basis:
      - {law: 中华人民共和国食品安全法, article: 第三十五条, role: 设定依据}
    time_limit:
      statutory: null
      promised: 5
      unit: 工作日
    fee:
      charged: true
      standard: 每件50元
    disclosure: {scope: 社会公开, forms: [政府网站], within_days: 20}
  - id: CF-001
    name: 对不执行政府定价行为的处罚
    category: 行政处罚
    department: jgjdjchfbzdjzg
    status: 保留
    basis:
      - {law: 中华人民共和国价格法, article: 第三十九条, role: 设定依据}
    time_limit: {statutory: 90, promised: null, unit: 自然日, from: 自立案之日起}
    fee: {charged: false}
    disclosure: {scope: 社会公开, forms: [政府网站], within_days: 7}
    accountability: [不依法履行职责的]
  - id: JC-001
    name: 对价格行为的检查
    category: 行政检查
    department: jgjdjchfbzdjzg
    status: 保留
    basis: []
    fee: {charged: false}
    disclosure: {scope: 不予公开}
  # 待补充：清理结果（status）、公开（disclosure）——原表没有
  - id: QT-001
    name: 价格认定
    category: 其他行政权力
    department: zfd
    basis:
      - {law: 中华人民共和国价格法, article: 第四十条, role: 实施依据}
    fee: {charged: false}
"""


def _repo(tmp_path: Path, text: str = FULL) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    (repo / "catalogues").mkdir(parents=True)
    (repo / "schemas").mkdir()
    shutil.copy(SCHEMAS / "catalogue.schema.json", repo / "schemas")
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    path = repo / "catalogues" / "xsj-scj.yaml"
    path.write_text(text, encoding="utf-8")
    return repo, path


def _sheet(book: Any) -> tuple[Any, dict[str, int], dict[str, int]]:
    sheet = book["xsj-scj"]
    heads = {str(c.value).lstrip("★"): c.column for c in sheet[3] if c.value}
    rows = {str(sheet.cell(r, 1).value): r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value}
    return sheet, heads, rows


def test_export_shows_every_field_and_reads_back_without_a_byte_changed(tmp_path: Path) -> None:
    repo, path = _repo(tmp_path)
    done = run_cli("export", "-o", "目录.xlsx", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    book = openpyxl.load_workbook(repo / "目录.xlsx")
    sheet, h, r = _sheet(book)
    assert set(h) >= {c.header for c in COLUMNS}
    cell = lambda pid, head: sheet.cell(r[pid], h[head]).value  # noqa: E731
    assert cell("CF-001", "承办机构") == "价格监督检查和反不正当竞争股"  # the name, not the pinyin id
    assert cell("XK-001", "法定时限") == 20 and sheet.cell(r["XK-001"], h["法定时限"]).data_type == "n"
    assert cell("XK-001", "公开时限") == 20 and sheet.cell(r["XK-001"], h["公开时限"]).data_type == "n"
    assert cell("XK-001-1", "承诺时限") == "即办" and cell("XK-001-2", "法定时限") == "/"
    assert cell("CF-001", "承诺时限") == "/" and cell("JC-001", "法定时限") is None
    assert cell("XK-001", "起算") == "自受理之日起"
    assert cell("XK-001", "责任事项").splitlines() == [
        "受理责任：依法受理或不予受理申请",
        "审查责任：对申请材料进行审查",
        "其他法律法规规章文件规定应履行的责任",
    ]
    assert cell("XK-001", "追责情形").splitlines() == ["1.对符合法定条件的申请不予受理的", "2.违法收取费用的"]
    assert cell("XK-001", "备注") == "含两个子项" and cell("XK-001-1", "所属主项") == "食品生产许可"
    for c in COLUMNS:  # every header says what to type
        assert sheet.cell(3, h[c.header]).comment is not None, c.header
    lists = {str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1 for v in sheet.data_validations.dataValidation}
    dept = lists[openpyxl.utils.get_column_letter(h["承办机构"])]
    names = [sheet[a].value for row in sheet[dept.lstrip("=").replace("$", "")] for a in [row[0].coordinate]]
    assert names == ["价格监督检查和反不正当竞争股", "食品生产股", "综合行政执法大队"]
    before = path.read_bytes()
    book.save(repo / "目录.xlsx")  # saved again as a spreadsheet program would
    again = run_cli("import", "--update", "目录.xlsx", cwd=repo)
    assert again.returncode == 0, again.stdout + again.stderr
    assert path.read_bytes() == before


def test_one_run_writes_every_edited_cell_of_a_power(tmp_path: Path) -> None:
    """The issue's case: 清理结果 and 公开范围/形式/时限 filled for an imported power; one run wrote only the
    first key it added (two insertions at one place: the second was left for a next run)."""
    repo, path = _repo(tmp_path)
    assert run_cli("export", "-o", "目录.xlsx", cwd=repo).returncode == 0
    book = openpyxl.load_workbook(repo / "目录.xlsx")
    sheet, h, r = _sheet(book)
    for head, value in (
        ("清理结果", "保留"),
        ("公开范围", "社会公开"),
        ("公开形式", "政府网站、公示栏"),
        ("公开时限", 20),
    ):
        sheet.cell(r["QT-001"], h[head]).value = value
    book.save(repo / "目录.xlsx")
    done = run_cli("import", "--update", "目录.xlsx", cwd=repo)
    assert done.returncode == 0, done.stdout
    power = yaml.safe_load(path.read_text(encoding="utf-8"))["powers"][5]
    assert power["status"] == "保留"
    assert power["disclosure"] == {"scope": "社会公开", "forms": ["政府网站", "公示栏"], "within_days": 20}
    assert "# 待补充" in path.read_text(encoding="utf-8")  # comments stay
    sheet.cell(r["CF-001"], h["承办机构"]).value = "jgjdjchfbzdjzg"  # the id, as an older export showed it
    book.save(repo / "目录.xlsx")
    again = run_cli("import", "--update", "目录.xlsx", cwd=repo)
    assert again.returncode == 0 and "改动了 0 个目录文件，0 处" in again.stdout, again.stdout


def test_a_refused_cell_stops_the_whole_run(tmp_path: Path) -> None:
    repo, path = _repo(tmp_path)
    assert run_cli("export", "-o", "目录.xlsx", cwd=repo).returncode == 0
    before = path.read_bytes()
    book = openpyxl.load_workbook(repo / "目录.xlsx")
    sheet, h, r = _sheet(book)
    sheet.cell(r["XK-001"], h["备注"]).value = "改过的备注"  # fine on its own
    sheet.cell(r["CF-001"], h["承办机构"]).value = "价格股"  # no such department
    sheet.cell(r["JC-001"], h["公开范围"]).value = "社会公开"  # then 公开形式 and 公开时限 are needed
    sheet.cell(r["XK-001-2"], h["承诺时限"]).value = "五天"
    sheet.cell(r["XK-001"], h["所属主项"]).value = "食品生产许可"  # itself
    sheet.cell(r["XK-001-1"], h["备注"]).value = "复制来的\x85文字"  # a control character YAML cannot hold
    book.save(repo / "目录.xlsx")
    done = run_cli("import", "--update", "目录.xlsx", cwd=repo)
    assert done.returncode == 1, done.stdout
    letter = openpyxl.utils.get_column_letter
    out = done.stdout
    assert f"目录.xlsx:xsj-scj!{letter(h['承办机构'])}{r['CF-001']}（承办机构）：「价格股」不是本单位的内设机构" in out
    assert "可填 价格监督检查和反不正当竞争股、食品生产股、综合行政执法大队" in out
    assert f"!{letter(h['公开范围'])}{r['JC-001']}（公开范围）：" in out, out
    assert f"!{letter(h['承诺时限'])}{r['XK-001-2']}（承诺时限）：「五天」不是时限" in out
    assert f"!{letter(h['所属主项'])}{r['XK-001']}（所属主项）：一项职权不能是它自己的主项" in out
    assert f"!{letter(h['备注'])}{r['XK-001-1']}（备注）：含有不可见的控制字符 U+0085" in out
    assert "没有改动任何目录文件" in out and path.read_bytes() == before


_DEPTS = ["价格监督检查和反不正当竞争股", "食品生产股", "综合行政执法大队"]
_WORDS = st.text(
    alphabet="职权审批许可检查处罚价格食品：，、“”（）《》abc019 -#:'\"[]{}", min_size=1, max_size=10
).filter(lambda s: s.strip() != "" and s.strip() == s)
# A line of a list cell that itself begins like a number (9） 1. ①) is read as numbered, as a clerk means it.
_ITEM = _WORDS.filter(lambda s: _NUMBERING.match(s) is None)
_LIMIT = st.one_of(st.integers(min_value=0, max_value=400), st.just("即办"), st.just("/"))
_EDIT = st.fixed_dictionaries(
    {
        "事项编码": _WORDS,
        "职权名称": _WORDS,
        "承办机构": st.sampled_from(_DEPTS),
        "清理结果": st.sampled_from(["保留", "调整", "下放"]),
        "法定时限": _LIMIT,
        "承诺时限": _LIMIT,
        "时限单位": st.sampled_from(["工作日", "自然日"]),
        "起算": _WORDS,
        "是否收费": st.sampled_from(["是", "否"]),
        "收费标准": _WORDS,
        "公开范围": st.sampled_from(["社会公开", "依申请公开"]),
        "公开形式": st.lists(st.sampled_from(["政府网站", "公示栏", "窗口"]), min_size=1, max_size=3, unique=True),
        "公开时限": st.integers(min_value=0, max_value=90),
        "责任事项": st.lists(st.tuples(st.sampled_from(["", "受理", "审查", "决定"]), _ITEM), min_size=1, max_size=3),
        "追责情形": st.lists(_ITEM, min_size=1, max_size=3),
        "备注": _WORDS,
    }
)


def _expected(head: str, value: Any) -> tuple[tuple[str, ...], Any]:
    """What a typed cell means in the YAML."""
    path = next(c.path for c in COLUMNS if c.header == head)
    if head == "承办机构":
        value = ["jgjdjchfbzdjzg", "spg", "zfd"][_DEPTS.index(value)]
    elif head in ("法定时限", "承诺时限"):
        value = None if value == "/" else value
    elif head == "是否收费":
        value = value == "是"
    elif head == "责任事项":
        value = [{"stage": s, "duty": d} if s else {"duty": d} for s, d in value]
    return path, value


def _typed(head: str, value: Any) -> Any:
    if head == "公开形式":
        return "、".join(value)
    if head == "责任事项":
        return "\n".join(f"{s}责任：{d}" if s else d for s, d in value)
    if head == "追责情形":
        return "\n".join(f"{n}. {t}" for n, t in enumerate(value, 1))
    return value


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(_EDIT, min_size=6, max_size=6))
def test_every_row_edited_in_every_column_is_written_in_one_run(tmp_path: Path, edits: list[dict[str, Any]]) -> None:
    folder = tmp_path / "cats"
    folder.mkdir(exist_ok=True)
    path = folder / "xsj-scj.yaml"
    path.write_text(FULL, encoding="utf-8")
    data = yaml.safe_load(FULL)
    workbook = folder / "w.xlsx"
    workbook.write_bytes(workbook_bytes([("xsj-scj", "某县市场监督管理局", data)]))
    book = openpyxl.load_workbook(workbook)
    sheet, h, r = _sheet(book)
    expected = yaml.safe_load(FULL)
    for power, edit in zip(expected["powers"], edits, strict=True):
        for head, value in edit.items():
            sheet.cell(r[power["id"]], h[head]).value = _typed(head, value)
            at, meant = _expected(head, value)
            holder = power
            for key in at[:-1]:
                holder = holder.setdefault(key, {})
            holder[at[-1]] = meant
    book.save(workbook)
    result = update(workbook, {"xsj-scj": path}, "w.xlsx")
    assert result.problems == [], result.problems
    assert len(result.files) == 1 and len(result.files[0].changed) >= 6
    written = result.files[0].text
    assert yaml.safe_load(written) == expected
    doc = load_text(str(path), written)
    assert SchemaChecker.for_catalogues().problems(doc) == []  # no schema error at a value update wrote
    for comment in ("# 主项，下有两个子项", "# 承办", "# 全文公开", "# 待补充：清理结果"):  # comments kept
        assert comment in written


def test_emptied_cells_remove_optional_fields_and_names_match_back(tmp_path: Path) -> None:
    repo, path = _repo(tmp_path)
    assert run_cli("export", "-o", "目录.xlsx", cwd=repo).returncode == 0
    book = openpyxl.load_workbook(repo / "目录.xlsx")
    sheet, h, r = _sheet(book)
    sheet.cell(r["JC-001"], h["所属主项"]).value = "对不执行政府定价行为的处罚"  # a 主项 by its name
    sheet.cell(r["XK-001-2"], h["所属主项"]).value = None  # no longer a 子项
    sheet.cell(r["XK-001"], h["备注"]).value = None
    sheet.cell(r["XK-001"], h["起算"]).value = None
    sheet.cell(r["XK-001"], h["责任事项"]).value = None
    sheet.cell(r["CF-001"], h["承办机构"]).value = "综合行政执法大队"
    sheet.cell(r["XK-001-2"], h["收费标准"]).value = None
    sheet.cell(r["XK-001-2"], h["是否收费"]).value = "否"
    sheet.cell(r["JC-001"], h["承诺时限"]).value = "即办"  # a limit where there was none
    sheet.cell(r["JC-001"], h["时限单位"]).value = "工作日"
    book.save(repo / "目录.xlsx")
    done = run_cli("import", "--update", "目录.xlsx", cwd=repo)
    assert done.returncode == 0, done.stdout
    text = path.read_text(encoding="utf-8")
    powers = {p["id"]: p for p in yaml.safe_load(text)["powers"]}
    assert powers["JC-001"]["parent"] == "CF-001" and "parent" not in powers["XK-001-2"]
    assert "note" not in powers["XK-001"] and "responsibilities" not in powers["XK-001"]
    assert powers["XK-001"]["time_limit"] == {"statutory": 20, "promised": 10, "unit": "工作日"}
    assert powers["CF-001"]["department"] == "zfd"
    assert powers["XK-001-2"]["fee"] == {"charged": False}
    assert powers["JC-001"]["time_limit"] == {"promised": "即办", "unit": "工作日"}
    assert powers["XK-001"]["accountability"] == ["对符合法定条件的申请不予受理的", "违法收取费用的"]
    assert "# 全文公开" in text and "# 待补充" in text
    checked = run_cli("validate", "--no-cache", "--select", "E003,E005", cwd=repo)
    found = [ln for ln in checked.stdout.splitlines() if " E00" in ln]
    assert len(found) == 2 and all(ln.endswith("[QT-001]") for ln in found), checked.stdout  # left as it was


def test_cells_read_as_a_clerk_types_them() -> None:
    col = {c.header: c for c in COLUMNS}
    from powerctl.domain.workbook import Names

    names = Names.of(yaml.safe_load(FULL))
    duties = col["责任事项"].read(
        "1.受理责任：甲\n（2）审查责任：乙\n其他法律法规规章文件规定应履行的责任", names, None
    )
    assert duties == [
        {"stage": "受理", "duty": "甲"},
        {"stage": "审查", "duty": "乙"},
        {"duty": "其他法律法规规章文件规定应履行的责任"},
    ]
    assert col["追责情形"].read("1、甲的\n2. 乙的\n丙的", names, None) == ["甲的", "乙的", "丙的"]
    assert [col["承诺时限"].read(t, names, None) for t in ("２０", "即办", "/", "／", "无", "15")] == [
        20,
        "即办",
        None,
        None,
        None,
        15,
    ]
    assert (
        col["承办机构"].read("食品生产股", names, None) == "spg" and col["承办机构"].read("spg", names, None) == "spg"
    )
    assert col["所属主项"].read("食品生产许可", names, None) == "XK-001"
    basis = col["职权来源依据"]
    kept = [{"law": "中华人民共和国价格法", "article": 39, "role": "设定依据"}]  # 39 is shown as 第三十九条
    assert basis.read(str(basis.show(kept, names)), names, kept) == kept  # an untouched line keeps its item
