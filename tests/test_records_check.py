"""Issue 23's "Done when": a repository with planted cases, checked by `powerctl validate` as a clerk runs it.

The repository holds the shipped 城管局 (XK-001 临时占用、挖掘城市道路许可: promised 5 工作日; CF-001, a penalty
with 法制审核) and the shipped village (NG-001 三签字, ZD-002 五必到 工程验收). Each planted case, expense and
meeting carries `# expect: CODE` on the line its finding must point at; the clean ones carry nothing, and the
run must give exactly the marked findings. The calendar plants are checked against naive Monday–Friday
counting too, to show that it gets both of them wrong.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import CATALOGUES, run_cli

TODAY = "2026-11-30"
MARK = re.compile(r"#\s*expect:\s*([A-Z]\d{3}(?:\s*,\s*[A-Z]\d{3})*)")
SHIPPED = CATALOGUES / "hunan/loudi/lengshuijiang"


def _steps(*rows: tuple[str, str, str]) -> str:
    return "".join(f"      - {{step: {s}, done: {d}, by: {b}}}\n" for s, d, b in rows)


def _xk(day: str, review: str, decide: str, end: str) -> str:
    """The whole XK-001 flow: received and accepted on `day`, 勘查 and 审核 by `review`, decided `decide`."""
    return _steps(
        ("shenqing", day, "sqr"), ("shouli", day, "ck_jb"), ("kancha", review, "szg_jb"), ("fuhe", review, "szg_gz"),
        ("jueding", decide, "fjz_sz"), ("songda", end, "ck_jb"), ("jieshu", end, "ck_jb"),
    )  # fmt: skip


CGJ = f"""schema: powerctl/records@1
unit: lsj-cgj
cases:
  - id: LATE-CALENDAR        # Friday 10-09 to Friday 10-16: Saturday 10-10 was a 调休 working day
    power: XK-001
    received: 2026-10-09
    steps:
{_xk("2026-10-09", "2026-10-12", "2026-10-13", "2026-10-13")}    closed: 2026-10-16   # expect: R801
  - id: ONTIME-CALENDAR      # Tuesday 09-29 to Friday 10-09 across 国庆节
    power: XK-001
    received: 2026-09-29
    steps:
      - {{step: shenqing, done: 2026-09-29, by: sqr}}
      - {{step: shouli, done: 2026-09-29, by: ck_jb}}
      - {{step: kancha, done: 2026-09-30, by: szg_jb}}
      - {{step: fuhe, done: 2026-10-08, by: szg_gz}}
      - {{step: jueding, done: 2026-10-09, by: fjz_sz}}
      - {{step: songda, done: 2026-10-09, by: ck_jb}}
      - {{step: jieshu, done: 2026-10-09, by: ck_jb}}
    closed: 2026-10-09
  - id: LATE-NO-SUSPENSION   # 11-02 to 11-12: 8 working days, the expert review not recorded
    power: XK-001
    received: 2026-11-02
    steps:
      - {{step: shenqing, done: 2026-11-02, by: sqr}}
      - {{step: shouli, done: 2026-11-02, by: ck_jb}}
      - {{step: kancha, done: 2026-11-03, by: szg_jb}}
      - {{step: fuhe, done: 2026-11-04, by: szg_gz}}
      - {{step: jueding, done: 2026-11-12, by: fjz_sz}}   # expect: R803
      - {{step: songda, done: 2026-11-12, by: ck_jb}}
      - {{step: jieshu, done: 2026-11-12, by: ck_jb}}
    closed: 2026-11-12   # expect: R801
  - id: ONTIME-SUSPENSION    # the same, with the expert review recorded: 3 working days
    power: XK-001
    received: 2026-11-02
    steps:
      - {{step: shenqing, done: 2026-11-02, by: sqr}}
      - {{step: shouli, done: 2026-11-02, by: ck_jb}}
      - {{step: kancha, done: 2026-11-03, by: szg_jb}}
      - {{step: fuhe, done: 2026-11-04, by: szg_gz}}
      - {{step: jueding, done: 2026-11-12, by: fjz_sz}}
      - {{step: songda, done: 2026-11-12, by: ck_jb}}
      - {{step: jieshu, done: 2026-11-12, by: ck_jb}}
    closed: 2026-11-12
    suspended:
      - {{from: 2026-11-05, to: 2026-11-11, reason: 专家评审}}
  - id: OUT-OF-ORDER         # decided before 审核
    power: XK-001
    received: 2026-11-02
    steps:
      - {{step: shenqing, done: 2026-11-02, by: sqr}}
      - {{step: shouli, done: 2026-11-02, by: ck_jb}}
      - {{step: kancha, done: 2026-11-03, by: szg_jb}}
      - {{step: jueding, done: 2026-11-03, by: fjz_sz}}   # expect: R805
      - {{step: fuhe, done: 2026-11-04, by: szg_gz}}      # expect: R805
      - {{step: songda, done: 2026-11-04, by: ck_jb}}     # expect: R805
      - {{step: jieshu, done: 2026-11-04, by: ck_jb}}
    closed: 2026-11-04
  - id: WRONG-POST           # the window decided
    power: XK-001
    received: 2026-11-02
    steps:
      - {{step: shenqing, done: 2026-11-02, by: sqr}}
      - {{step: shouli, done: 2026-11-02, by: ck_jb}}
      - {{step: kancha, done: 2026-11-03, by: szg_jb}}
      - {{step: fuhe, done: 2026-11-03, by: szg_gz}}
      - {{step: jueding, done: 2026-11-04, by: ck_jb}}    # expect: R806
      - {{step: songda, done: 2026-11-04, by: ck_jb}}
      - {{step: jieshu, done: 2026-11-04, by: ck_jb}}
    closed: 2026-11-04
  - {{id: UNKNOWN-POWER, power: XK-099, received: 2026-11-02}}   # expect: R807
  - id: UNKNOWN-STEP
    power: XK-001
    received: 2026-11-02
    steps:
      - {{step: shenqing, done: 2026-11-02, by: sqr}}
      - {{step: shouli, done: 2026-11-02, by: ck_jb}}
      - {{step: xianchang, done: 2026-11-02, by: szg_jb}}  # expect: R807
      - {{step: kancha, done: 2026-11-03, by: szg_jb}}
      - {{step: fuhe, done: 2026-11-03, by: szg_gz}}
      - {{step: jueding, done: 2026-11-04, by: fjz_sz}}
      - {{step: songda, done: 2026-11-04, by: ck_jb}}
      - {{step: jieshu, done: 2026-11-04, by: ck_jb}}
    closed: 2026-11-04
  - id: NO-LEGAL-REVIEW      # a penalty decided without 法制审核
    power: CF-001
    received: 2026-09-01
    steps:
      - {{step: faxian, done: 2026-09-01, by: zfdd_zfy}}   # expect: R804
      - {{step: dengji, done: 2026-09-02, by: zfdd_zfy}}
      - {{step: lian, done: 2026-09-03, by: zfdd_ddz}}
      - {{step: diaocha, done: 2026-09-15, by: zfdd_zfy}}
      - {{step: gaozhi, done: 2026-09-18, by: zfdd_zfy}}   # expect: R805
      - {{step: shenli, done: 2026-09-19, by: fjz_zf}}
      - {{step: jueding, done: 2026-09-20, by: fjz_zf}}
      - {{step: songda, done: 2026-09-22, by: zfdd_zfy}}
      - {{step: zhixing, done: 2026-09-30, by: dsr}}
      - {{step: jiean, done: 2026-10-01, by: zfdd_ddz}}
    closed: 2026-10-01
  - id: PENALTY-CLEAN
    power: CF-001
    received: 2026-09-01
    steps:
      - {{step: faxian, done: 2026-09-01, by: zfdd_zfy}}
      - {{step: dengji, done: 2026-09-02, by: zfdd_zfy}}
      - {{step: lian, done: 2026-09-03, by: zfdd_ddz}}
      - {{step: buliandan, done: 2026-09-03, by: zfdd_zfy}}
      - {{step: jiean, done: 2026-09-04, by: zfdd_ddz}}
    closed: 2026-09-04
"""

XXC = """schema: powerctl/records@1
unit: lsj-zhadu-xxc
expenses:
  - {id: ZC-CLEAN, power: NG-001, date: 2026-06-18, amount: 12000,
     handled: {name: 刘晓红, post: baozhang}, reviewed: {name: 陈建国, post: jdzr},
     approved: {name: 李志强, post: shuji}}
  - {id: ZC-TWICE, power: NG-001, date: 2026-10-22, amount: 26000,
     handled: {name: 刘晓红, post: baozhang}, reviewed: {name: 陈建国, post: jdzr},
     approved: {name: 刘晓红, post: shuji}}   # expect: R808
  - {id: ZC-UNAPPROVED, power: NG-001, date: 2026-09-08, amount: 8500,   # expect: R808
     handled: {name: 刘晓红, post: baozhang}, reviewed: {name: 陈建国, post: jdzr}}
meetings:
  - {id: HY-CLEAN, power: ZD-002, date: 2026-05-20, topic: 村道硬化工程立项,
     attendees: [{name: 李志强, post: shuji}, {name: 陈建国, post: jdzr}]}
  - {id: HY-ABSENT, power: ZD-002, date: 2026-08-26, topic: 村道硬化工程竣工验收,
     attendees: [{name: 王海波, post: fuzhuren}, {name: 张卫东, post: zuzhang}]}   # expect: R809
"""


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "catalogues").mkdir(parents=True)
    (repo / ".powerctl.yaml").write_text("rules: {}\n", encoding="utf-8")
    for unit in ("lsj-cgj", "lsj-zhadu-xxc"):
        shutil.copy(SHIPPED / f"{unit}.yaml", repo / "catalogues" / f"{unit}.yaml")
    for unit, text in (("lsj-cgj", CGJ), ("lsj-zhadu-xxc", XXC)):
        (repo / "records" / unit).mkdir(parents=True)
        (repo / "records" / unit / "2026.yaml").write_text(text, encoding="utf-8")
    return repo


def _marked(repo: Path) -> list[tuple[str, str, int]]:
    out = []
    for file in sorted((repo / "records").rglob("*.yaml")):
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if m := MARK.search(line):
                out.extend((c.strip(), file.relative_to(repo).as_posix(), n) for c in m.group(1).split(","))
    return sorted(out)


def _validate(repo: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = run_cli("validate", "--today", TODAY, "-f", "json", *args, cwd=repo)
    assert not result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)["findings"]


def _naive(start: date, end: date) -> int:
    return sum(1 for n in range(1, (end - start).days + 1) if (start + timedelta(n)).weekday() < 5)


def test_each_planted_entry_gives_its_rule_at_its_line_and_the_clean_ones_nothing(tmp_path: Path) -> None:
    # Monday–Friday counting gets both calendar plants wrong: on time for the late one, late for the other.
    assert _naive(date(2026, 10, 9), date(2026, 10, 16)) == 5
    assert _naive(date(2026, 9, 29), date(2026, 10, 9)) == 8
    repo = _repository(tmp_path)
    code, found = _validate(repo)
    assert code == 1
    assert sorted((str(f["rule"]), str(f["file"]), int(str(f["line"]))) for f in found) == _marked(repo)
    said = {str(f["rule"]) + ":" + str(f["message"]) for f in found}
    assert any("受理后第 6 个工作日办结，承诺 5 个工作日（红牌）" in m and "10 月 10 日为调休工作日" in m for m in said)
    assert any(m.startswith("R804:") and "法制审核" in m for m in said)
    assert any(m.startswith("R808:") and "同一人「刘晓红」" in m for m in said)
    assert any(m.startswith("R808:") and "缺少批准人签字" in m for m in said)
    assert all(f["column"] >= 1 and f["unit"] in ("lsj-cgj", "lsj-zhadu-xxc") for f in found)
    assert {f["power"] for f in found if f["rule"] == "R809"} == {"ZD-002"}


def test_the_same_cases_from_an_approval_systems_csv_and_xlsx(tmp_path: Path) -> None:
    """One row per step with Chinese headings and dates as exports write them; the late case is found at its
    first row, the clean one not at all."""
    repo = _repository(tmp_path)
    (repo / "records" / "lsj-cgj" / "2026.yaml").unlink()
    shutil.rmtree(repo / "records" / "lsj-zhadu-xxc")
    heading = ["办件编号", "职权编码", "受理日期", "办结日期", "办理环节", "完成日期", "办理岗位"]
    late = [("shenqing", "sqr"), ("shouli", "ck_jb"), ("kancha", "szg_jb"), ("fuhe", "szg_gz"),
            ("jueding", "fjz_sz"), ("songda", "ck_jb"), ("jieshu", "ck_jb")]  # fmt: skip
    rows = [["CLEAN-1", "XK-001", "2026/9/29", "2026/10/9", s, "2026/10/9", by] for s, by in late]
    rows += [["LATE-1", "XK-001", "2026/10/9", "2026/10/16", s, "2026/10/12", by] for s, by in late]
    with (repo / "records" / "lsj-cgj" / "导出.csv").open("w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows([heading, *rows])
    code, found = _validate(repo, "--select", "R80")
    assert code == 1
    assert [(f["rule"], f["line"], f["column"]) for f in found if f["rule"] == "R801"] == [("R801", 9, 4)]
    (repo / "records" / "lsj-cgj" / "导出.csv").unlink()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(heading)
    for row in rows:  # the day received as an Excel date, the others as text
        sheet.append([row[0], row[1], date(2026, 9, 29) if row[0] == "CLEAN-1" else date(2026, 10, 9), *row[3:]])
    book.save(repo / "records" / "lsj-cgj" / "导出.xlsx")
    code, found = _validate(repo, "--select", "R801")
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [("R801", 9, 4)]


@pytest.mark.parametrize(
    ("text", "code", "place", "words"),
    [
        ("schema: powerctl/records@1\nunit: lsj-cgj\ncases:\n  - id：X\n", "E003", (4, 7), "中文冒号"),
        ("schema: powerctl/records@1\nunit: lsj-cgj\ncases:\n  - {id: X, power: XK-001, received: 2026-13-01}\n",
         "E003", (4, 38), "不是有效日期"),
        ("schema: powerctl/records@1\nunit: lsj-cgj\ncases:\n  - {id: X, power: XK-001}\n", "E003", (4, 5),
         "受理日期"),
        ("schema: powerctl/records@1\nunit: lsj-zhadu\ncases: []\n", "E003", (2, 7), "不一致"),
        ("schema: powerctl/records@1\nunit: lsj-cgj\ncases:\n  - id: A\n    power：XK-001\n    received: 2026-10-09\n",
         "E001", (5, 10), "中文冒号"),
        ("schema: powerctl/records@1\nunit: lsj-cgj\ncases:\n  - id: A\n    power: XK-001\n\treceived: 2026-10-09\n",
         "E001", (6, 1), "制表符"),
    ],
)  # fmt: skip
def test_a_bad_records_file_is_named_at_its_place(
    tmp_path: Path, text: str, code: str, place: tuple[int, int], words: str
) -> None:
    repo = _repository(tmp_path)
    (repo / "records" / "lsj-cgj" / "2026.yaml").write_text(text, encoding="utf-8")
    shutil.rmtree(repo / "records" / "lsj-zhadu-xxc")
    exit_code, found = _validate(repo)
    assert exit_code == 1
    assert [(f["rule"], (f["line"], f["column"])) for f in found] == [(code, place)], found
    assert words in str(found[0]["message"])


def test_a_gbk_csv_and_a_folder_of_no_unit_are_findings_not_skips(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    shutil.rmtree(repo / "records" / "lsj-zhadu-xxc")
    (repo / "records" / "lsj-cgj" / "2026.yaml").unlink()
    (repo / "records" / "lsj-cgj" / "导出.csv").write_bytes("办件编号,职权编码\nA,临时占用\n".encode("gbk"))
    (repo / "records" / "lsj-nosuch").mkdir()
    (repo / "records" / "lsj-nosuch" / "2026.yaml").write_text("schema: powerctl/records@1\n", encoding="utf-8")
    _, found = _validate(repo)
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [("E004", 1, 1), ("R807", 1, 1)]
    assert "GBK" in str(found[0]["message"])


def test_an_inline_suppression_with_a_reason_silences_a_records_finding(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    path = repo / "records" / "lsj-cgj" / "2026.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    closed: 2026-11-12   # expect: R801",
        "    closed: 2026-11-12   # powerctl: disable=R801 -- 延期已经局长批准（2026-11-06 批复）",
    )
    path.write_text(text, encoding="utf-8")
    _, found = _validate(repo, "--select", "R801,S901")
    calendar_plant = text.splitlines().index("    closed: 2026-10-16   # expect: R801") + 1
    assert [f["line"] for f in found] == [calendar_plant]  # the suppressed one is gone, no S901


def test_records_are_not_in_the_run_of_a_catalogue_outside_the_repository(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    outside = tmp_path / "lsj-cgj.yaml"
    shutil.copy(SHIPPED / "lsj-cgj.yaml", outside)
    code, found = _validate(repo, str(outside))
    assert (code, found) == (0, [])


def test_stats_records_json_gives_the_counts(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    result = run_cli("stats", "--records", "--today", TODAY, "-f", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    units = {u["unit"]: u for u in doc["units"]}
    cgj = units["lsj-cgj"]
    assert (cgj["cases"], cgj["closed"], cgj["red"], cgj["yellow"]) == (9, 9, 2, 0)  # XK-099 is no power
    xk = next(p for p in cgj["powers"] if p["power"] == "XK-001")
    assert (xk["cases"], xk["closed"], xk["on_time"], xk["red"], xk["unit"]) == (7, 7, 5, 2, "工作日")
    assert xk["on_time_rate"] == round(5 / 7, 4) and xk["longest_days"] == 8
    assert [s["step"] for s in xk["overdue_steps"]] == ["jueding"]
    assert {f["case"] for f in cgj["flagged"]} == {"LATE-CALENDAR", "LATE-NO-SUSPENSION"}
    assert units["lsj-zhadu-xxc"]["expenses"] == {"count": 3, "signatures_missing": 2}
    assert units["lsj-zhadu-xxc"]["meetings"] == {"count": 2, "supervisor_absent": 1}
    assert doc["total"]["cases"] == 9 and doc["today"] == TODAY
    book = tmp_path / "运行.xlsx"
    assert run_cli("stats", "--records", "--today", TODAY, "-f", "xlsx", "-o", str(book), cwd=repo).returncode == 0
    from openpyxl import load_workbook

    sheets = load_workbook(book).sheetnames
    assert sheets[:2] == ["按职权", "按承办机构"] and "三签字与五必到" in sheets
    markdown = run_cli("stats", "--records", "--today", TODAY, "-f", "markdown", cwd=repo).stdout
    assert "## 红牌、黄牌办件" in markdown and "| 冷水江市城市管理局 | LATE-NO-SUSPENSION |" in markdown


def test_the_public_bundle_holds_no_record_and_the_internal_site_has_the_monitor_page(tmp_path: Path) -> None:
    """Names, case, expense and meeting ids of the records appear in no public file (the zip included)."""
    import zipfile

    repo = _repository(tmp_path)
    out = tmp_path / "成果"
    result = run_cli("bundle", "-o", str(out), "--today", TODAY, cwd=repo, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "internal" / "lsj-cgj" / "site" / "monitor.html").is_file()
    assert "LATE-CALENDAR" in (out / "internal" / "lsj-cgj" / "site" / "monitor.html").read_text(encoding="utf-8")
    secrets = ["刘晓红", "陈建国", "LATE-CALENDAR", "ZC-TWICE", "HY-ABSENT", "monitor.html", "电子监察"]
    public = [p for p in (out / "public").rglob("*") if p.is_file()]
    assert public
    for path in public:
        blobs = [path.read_bytes()]
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                blobs += [z.read(name) for name in z.namelist()] + [" ".join(z.namelist()).encode()]
        for blob in blobs:
            for word in secrets:
                assert word.encode("utf-8") not in blob, f"{word} in {path}"
