"""`powerctl stats` (清理情况统计, 廉政风险等级目录) and `powerctl compare` (对照)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from tests.conftest import CATALOGUES, run_cli

CGJ = CATALOGUES / "hunan/loudi/lengshuijiang/lsj-cgj.yaml"


def test_stats_json_adds_up() -> None:
    result = run_cli("stats", "catalogues", "-f", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    for block in [*doc["units"], doc["total"]]:
        for key in ("by_category", "by_status", "by_department"):
            assert sum(block[key].values()) == block["total"], key
    assert doc["total"]["total"] == sum(u["total"] for u in doc["units"])
    risks = sum(sum(u["by_risk_level"].values()) for u in doc["units"])
    assert sum(doc["total"]["by_risk_level"].values()) == risks
    assert doc["total"]["summary"].startswith(f"共梳理职权{doc['total']['total']}项，其中保留")


def test_stats_text_and_markdown() -> None:
    text = run_cli("stats", "catalogues")
    assert text.returncode == 0 and "冷水江市城市管理局" in text.stdout and "共梳理职权" in text.stdout
    md = run_cli("stats", "catalogues", "-f", "markdown")
    assert md.returncode == 0 and "| 职权类别 | 行政许可 |" in md.stdout


def test_stats_xlsx_and_risk_catalogue(tmp_path: Path) -> None:
    out = tmp_path / "stats.xlsx"
    assert run_cli("stats", "catalogues", "-f", "xlsx", "-o", str(out)).returncode == 0
    ws = load_workbook(out)["清理情况统计"]
    assert ws["A1"].value == "权力清单清理情况统计表"
    totals = [row for row in ws.iter_rows(values_only=True) if row[0] == "合计" and row[1] == "总计"]
    data = json.loads(run_cli("stats", "catalogues", "-f", "json").stdout)
    assert totals and totals[0][3] == data["total"]["total"]

    risks = tmp_path / "risks.xlsx"
    assert run_cli("stats", "catalogues", "--risks", "-f", "xlsx", "-o", str(risks)).returncode == 0
    rows = list(load_workbook(risks)["廉政风险等级目录"].iter_rows(min_row=3, values_only=True))
    assert len(rows) == sum(sum(u["by_risk_level"].values()) for u in data["units"])
    assert {r[6] for r in rows} <= {"高", "中", "低"}
    assert run_cli("stats", "catalogues", "-f", "xlsx").returncode == 2  # xlsx needs -o


def _other_bureau(tmp_path: Path, edit: Any) -> Path:
    data = yaml.safe_load(CGJ.read_text(encoding="utf-8"))
    data["unit"]["id"] = "other-cgj"
    data["unit"]["name"] = "对照市城市管理局"
    edit(data)
    path = tmp_path / "other-cgj.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_compare_reports_a_removed_power_with_its_basis(tmp_path: Path) -> None:
    removed: dict[str, Any] = {}

    def edit(data: dict[str, Any]) -> None:
        removed.update(data["powers"].pop(1))
        data["powers"][0]["time_limit"]["promised"] = 3
        for p in data["powers"]:
            p.pop("code", None)  # match by name, then by basis

    other = _other_bureau(tmp_path, edit)
    result = run_cli("compare", str(other), str(CGJ), "-f", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    missing = {p["power"]: p for p in doc["only_in_b"]}
    assert removed["id"] in missing
    law = removed["basis"][0]["law"]
    assert any(law in b for b in missing[removed["id"]]["basis"])
    assert doc["only_in_a"] == []
    changed = [m for m in doc["matched"] if "time_limit" in m["differences"]]
    assert changed and changed[0]["matched_by"] == "名称"
    text = run_cli("compare", str(other), str(CGJ))
    assert text.returncode == 0 and removed["name"] in text.stdout and "请核实是否漏报" in text.stdout


def test_compare_by_unit_id_and_unknown_unit() -> None:
    ok = run_cli("compare", "lsj-zhadu", "lsj-zhadu-xxc", "-f", "markdown")
    assert ok.returncode == 0 and ok.stdout.startswith("# 对照：")
    bad = run_cli("compare", "lsj-zhadu", "no-such-unit")
    assert bad.returncode == 2 and "no-such-unit" in bad.stderr


def test_risk_catalogue_with_no_risks_says_so(tmp_path: Path) -> None:
    """The scaffold's example unit has no 廉政风险点: the text and markdown say so instead of a bare header."""
    assert run_cli("init", str(tmp_path / "repo")).returncode == 0
    for fmt in ("text", "markdown"):
        done = run_cli("stats", "--risks", "-f", fmt, cwd=tmp_path / "repo")
        assert done.returncode == 0 and "没有登记廉政风险点" in done.stdout, done.stdout + done.stderr
    assert run_cli("stats", "--risks", "-f", "json", cwd=tmp_path / "repo").stdout.strip() == "[]"
