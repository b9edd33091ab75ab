"""`powerctl import`: published layouts of power lists read into catalogues that validate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from powerctl.importer.build import build
from powerctl.importer.sheets import read_tables
from powerctl.importer.text import parse_citations, parse_days
from tests import office_files
from tests.conftest import run_cli


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "catalogues").mkdir(parents=True)
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    return repo


def _import(repo: Path, *files: Path, extra: tuple[str, ...] = ()) -> tuple[int, str, dict[str, dict]]:
    done = run_cli("import", *map(str, files), "-o", "catalogues", *extra, cwd=repo)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    units = {}
    for path in sorted((repo / "catalogues").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=")
        units[path.stem] = yaml.safe_load(text)
    return done.returncode, done.stdout, units


def _validate(repo: Path) -> dict:
    checked = run_cli("validate", "--no-cache", "-f", "json", cwd=repo)
    assert checked.returncode in (0, 1), checked.stdout + checked.stderr  # never 2
    return json.loads(checked.stdout)


def _basis(unit: dict, name: str) -> list[tuple[str, str, str]]:
    power = next(p for p in unit["powers"] if p["name"] == name)
    return [(c["law"], c["article"], c["role"]) for c in power["basis"]]


def test_a_district_sheet_of_every_department(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    code, out, units = _import(repo, office_files.district_xlsx(tmp_path))
    assert code == 1  # the "*" and the 决定's item are reported
    assert {u["unit"]["name"]: len(u["powers"]) for u in units.values()} == {
        "区文化和广电旅游体育局": 2,
        "区城市管理局": 3,
    }
    culture = next(u for u in units.values() if u["unit"]["name"] == "区文化和广电旅游体育局")
    assert {p["category"] for u in units.values() for p in u["powers"]} == {"行政许可"}  # from the sheet's name
    assert _basis(culture, "娱乐场所经营审批") == [
        ("娱乐场所管理条例", "第九条", "设定依据"),
        ("中华人民共和国行政许可法", "第十二条第一款第三项", "实施依据"),
    ]
    assert _basis(culture, "营业性演出审批") == [
        ("营业性演出管理条例", "第六条", "设定依据"),
        ("营业性演出管理条例实施细则", "第五条", "实施依据"),
        ("营业性演出管理条例实施细则", "第六条", "实施依据"),
    ]
    city = next(u for u in units.values() if u["unit"]["name"] == "区城市管理局")
    assert [a for _, a, _ in _basis(city, "临时占用城市道路审批")] == ["第三十条", "第三十一条", "第三十二条"]
    assert "上城区行政许可事项清单.xlsx:行政许可!D3（列「事项名称」）" in out and "已去掉" in out
    report = _validate(repo)
    b101 = [f for f in report["findings"] if f["rule"] == "B101"]
    assert [f["power"] for f in b101] == [p["id"] for p in city["powers"] if p["name"] == "户外广告设施设置审批"]


@pytest.mark.parametrize("kind", ["xls", "gbk", "utf-8-sig"])
def test_a_county_list_with_section_rows(tmp_path: Path, kind: str) -> None:
    repo = _repo(tmp_path)
    made = office_files.county_xls(tmp_path) if kind == "xls" else office_files.county_csv(tmp_path, kind)
    _, _, units = _import(repo, made)
    assert len(units) == 1
    (unit,) = units.values()
    assert unit["unit"]["name"] == "县卫生健康局"
    assert [(p["name"], p["category"]) for p in unit["powers"]] == [
        ("公共场所卫生许可", "行政许可"),
        ("医疗机构执业登记", "行政许可"),
        ("对未取得卫生许可证擅自营业的处罚", "行政处罚"),
        ("对饮用水供水单位违法行为的处罚", "行政处罚"),
    ]
    assert _basis(unit, "公共场所卫生许可") == [
        ("公共场所卫生管理条例", "第四条", "设定依据"),
        ("公共场所卫生管理条例实施细则", "第二十二条", "实施依据"),
    ]
    assert _basis(unit, "对未取得卫生许可证擅自营业的处罚") == [
        ("公共场所卫生管理条例实施细则", "第三十五条", "实施依据")
    ]
    report = _validate(repo)
    assert [f["power"] for f in report["findings"] if f["rule"] == "B101"] == [unit["powers"][3]["id"]]


def test_a_word_table_under_a_count_line(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    made = office_files.city_docx(tmp_path)
    code, out, units = _import(repo, made)
    (unit,) = units.values()
    powers = {p["name"]: p for p in unit["powers"]}
    assert len(powers) == 5  # the header repeated on the second page is not a power
    assert [p["category"] for p in unit["powers"]] == ["行政检查", "行政许可", "行政处罚", "其他行政权力", "行政确认"]
    assert powers["对擅自修缮不可移动文物的处罚"]["basis"][0]["article"] == "第六十六条第一款第三项"
    assert powers["文物保护单位建设控制地带内建设工程设计方案审核"]["time_limit"] == {
        "statutory": 20,
        "unit": "工作日",
    }
    assert powers["对擅自修缮不可移动文物的处罚"]["time_limit"]["statutory"] == 90
    assert powers["对擅自修缮不可移动文物的处罚"]["time_limit"]["from"] == "自立案之日起"
    assert powers["博物馆藏品取得备案"]["time_limit"]["statutory"] == "即办"  # as the list wrote it, never 0
    assert powers["对文物保护单位的行政检查"]["time_limit"] == {"statutory": None, "unit": "工作日"}  # 无
    assert powers["对文物保护单位的行政检查"]["fee"] == {"charged": False}
    # The cell that does not read as days is reported at its row and column, never guessed.
    assert code == 1 and f"{made}:表1第7行第6列（列「法定期限」）：读不出天数" in out, out
    assert "time_limit" not in powers["非国有博物馆设立备案"]
    _validate(repo)


def test_a_directory_with_a_two_level_header_and_merged_cells(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    made = office_files.directory_xlsx(tmp_path)
    code, out, units = _import(repo, made, extra=("--unit", "lsj-cgj"))
    assert list(units) == ["lsj-cgj"]
    unit = units["lsj-cgj"]
    assert unit["unit"]["name"] == "冷水江市城市管理局"  # the merged 实施主体 belongs to every row
    assert [p["code"] for p in unit["powers"]] == ["0431381001", "0431381002", "0431381003"]
    assert [p["id"] for p in unit["powers"]] == ["0431381001", "0431381002", "0431381003"]
    assert [p["time_limit"] for p in unit["powers"]] == [
        {"statutory": 90, "promised": 60, "unit": "自然日"},
        {"statutory": 90, "promised": 45, "unit": "自然日"},
        {"statutory": "即办", "promised": "即办", "unit": "工作日"},
    ]
    assert unit["unit"]["departments"] == [{"id": "zfdd", "name": "执法大队"}]
    assert {p["department"] for p in unit["powers"]} == {"zfdd"}
    assert code == 1 and f"{made}:行政处罚!I4（列「联系电话」）：列「联系电话」不是职权目录的字段" in out, out
    report = _validate(repo)
    assert not [f for f in report["findings"] if f["rule"] == "E001"]


def test_an_existing_catalogue_is_never_overwritten(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    made = office_files.directory_xlsx(tmp_path)
    (repo / "catalogues" / "lsj-cgj.yaml").write_text("# 本单位的目录\n", encoding="utf-8")
    done = run_cli("import", str(made), "-o", "catalogues", "--unit", "lsj-cgj", cwd=repo)
    assert done.returncode == 2 and "已存在" in done.stderr
    assert (repo / "catalogues" / "lsj-cgj.yaml").read_text(encoding="utf-8") == "# 本单位的目录\n"


def test_unreadable_and_headerless_files(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"not a workbook")
    done = run_cli("import", str(bad), cwd=repo)
    assert done.returncode == 2 and "坏文件.xlsx" in done.stderr and "Traceback" not in done.stderr
    plain = tmp_path / "无表头.csv"
    plain.write_text("甲,乙\n1,2\n", encoding="utf-8")
    done = run_cli("import", str(plain), cwd=repo)
    assert done.returncode == 2 and "找不到表头" in done.stderr, done.stderr


def test_citations_from_free_text() -> None:
    parsed = parse_citations(
        "（1）《A条例》第48条；（2）《B办法》第三条：“应当申请许可。”\n中华人民共和国文物保护法第十七条"
    )
    assert [(c.law, c.article, c.quote) for c in parsed.citations] == [
        ("A条例", "第四十八条", None),
        ("B办法", "第三条", "应当申请许可。"),
        ("中华人民共和国文物保护法", "第十七条", None),
    ]
    assert [c.article for c in parse_citations("《C法》第十条至第十二条、第十五条").citations] == [
        "第十条",
        "第十一条",
        "第十二条",
        "第十五条",
    ]
    assert parse_citations("《D条例》").citations[0].article == ""  # a law without an article, kept as such
    assert parse_citations("见相关规定").leftover == "见相关规定"
    assert [parse_days(t) and (parse_days(t).days, parse_days(t).unit) for t in ("20个工作日", "15天", "无")] == [  # type: ignore[union-attr]
        (20, "工作日"),
        (15, "自然日"),
        (None, "工作日"),
    ]
    assert parse_days("三个月") is None


def test_tables_keep_codes_as_text(tmp_path: Path) -> None:
    (table,) = read_tables(office_files.directory_xlsx(tmp_path))
    assert table.rows[3][0] == "0431381001"
    result = build([table], "本单位")
    assert result.units[0].powers[0]["code"] == "0431381001"


def test_time_limits_keep_their_units_and_names_their_characters(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    made = tmp_path / "时限.csv"
    made.write_text(
        "事项名称,职权类别,法定时限,承诺时限（工作日）\n"
        "对违反（建筑）规定，行为的处罚,行政处罚,20个工作日,5天\n"
        "许可乙,行政许可,20个工作日,10\n",
        encoding="utf-8",
    )
    code, out, units = _import(repo, made)
    (unit,) = units.values()
    first, second = unit["powers"]
    assert first["name"] == "对违反（建筑）规定，行为的处罚"  # as written, not width-folded
    assert first["time_limit"] == {"statutory": 20, "unit": "工作日"} and "单位不同" in out
    assert second["time_limit"] == {"statutory": 20, "promised": 10, "unit": "工作日"}  # the header names the unit
    assert code == 1


def test_a_township_csv_reads_every_citation_and_reports_the_rest(tmp_path: Path) -> None:
    """GBK CSV as Excel writes it, 法律法规依据 as the header, the article after a space or on the next line;
    a reference that cannot be read is reported piece by piece with its reason, never dropped."""
    rows = [
        ["序号", "事项名称", "事项类型", "法律法规依据", "实施主体"],
        ["1", "土地权属争议调处", "行政裁决", "《中华人民共和国土地管理法》 第十四条 第二款", "某某镇人民政府"],
        [
            "2",
            "对违反价格法行为的处罚",
            "行政处罚",
            "《中华人民共和国价格法》第十四条第（一）项、第（三）项，第四十条第一款\n"
            "《中华人民共和国价格法》第十四第二款",
            "某某镇人民政府",
        ],
    ]
    path = tmp_path / "某某镇权责清单.csv"
    path.write_bytes("".join(",".join(f'"{c}"' for c in row) + "\r\n" for row in rows).encode("gbk"))
    code, out, units = _import(_repo(tmp_path), path)
    (unit,) = units.values()
    assert _basis(unit, "土地权属争议调处") == [("中华人民共和国土地管理法", "第十四条第二款", "设定依据")]
    assert [a for _, a, _ in _basis(unit, "对违反价格法行为的处罚")] == [
        "第十四条第一项",
        "第十四条第三项",
        "第四十条第一款",
    ]
    assert code == 1 and "D3" in out and "「第十四」" not in out, out
    assert "第十四" in out and "读不成条款" in out and "款、项前面没有读得出的条" in out, out
