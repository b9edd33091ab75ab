"""Planted defects in a copy of the example catalogues: each rule fires on the right power, at the right line.

Each case changes one thing in the parsed data of the city bureau's catalogue, writes it back as
YAML, validates the copied repository, and checks the finding's rule, power and source line.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from powerctl.catalogue.config import Config, load_config
from powerctl.check.engine import Options, validate
from tests.conftest import CATALOGUES

SOURCE = "hunan/loudi/lengshuijiang/lsj-cgj.yaml"
Data = dict[str, Any]


def _power(data: Data, category: str, nth: int = 0) -> dict[str, Any]:
    found = [p for p in data["powers"] if p["category"] == category and "flow" in p]
    return found[min(nth, len(found) - 1)]  # type: ignore[no-any-return]


def _non_end_step(power: dict[str, Any]) -> dict[str, Any]:
    steps = power["flow"]["steps"]
    return next(s for s in steps[1:] if s.get("kind") not in ("end", "start"))  # type: ignore[no-any-return]


def _step(power: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in power["flow"]["steps"] if s["id"] == step_id)  # type: ignore[no-any-return]


def _risk(power: dict[str, Any], level: str) -> dict[str, Any]:
    return next(r for r in power["risks"] if r["level"] == level)  # type: ignore[no-any-return]


def e005(d: Data) -> tuple[str, str]:
    p = _power(d, "行政许可")
    p["department"] = "no-such-office"
    return p["id"], "department"


def e006(d: Data) -> tuple[str, str]:
    p = _power(d, "行政处罚")
    step = p["flow"]["steps"][1]
    p["flow"]["steps"][2]["id"] = step["id"]
    return p["id"], "id"


def b101(d: Data) -> tuple[str, str]:
    p = _power(d, "行政处罚", 1)
    p["basis"] = []
    return p["id"], "basis"


def f201(d: Data) -> tuple[str, str]:
    p = _power(d, "行政检查")
    del p["flow"]["conditions"]
    return p["id"], "flow"


def f202(d: Data) -> tuple[str, str]:
    p = _power(d, "行政许可", 1)
    steps = p["flow"]["steps"]
    orphan = {"id": "orphan", "name": "孤立步骤", "kind": "task", "post": steps[1]["post"], "days": 0}
    end_index = next(i for i, s in enumerate(steps) if s.get("kind") == "end")
    steps.insert(end_index + 1, {**orphan, "next": [steps[end_index]["id"]]})
    return p["id"], "orphan"


def f203(d: Data) -> tuple[str, str]:
    p = _power(d, "行政强制")
    step = _non_end_step(p)
    step["next"] = [step["id"]]
    return p["id"], f"next|id:|{step['id']}"  # the looping step, and the steps before it that now lead only there


def f204(d: Data) -> tuple[str, str]:
    p = _power(d, "行政许可", 2)
    p["time_limit"]["promised"] = 1
    return p["id"], "promised"


def t301(d: Data) -> tuple[str, str]:
    p = _power(d, "行政许可")
    p["time_limit"]["statutory"] = p["time_limit"]["promised"] - 1
    return p["id"], "promised"


def t302(d: Data) -> tuple[str, str]:
    p = _power(d, "行政处罚")
    p["fee"] = {"charged": True, "standard": "每次 50 元"}
    return p["id"], "charged"


def d401(d: Data) -> tuple[str, str]:
    p = _power(d, "行政检查")
    p["disclosure"] = {"scope": "不予公开", "forms": [], "within_days": 0}
    p.pop("secrecy", None)
    return p["id"], "不予公开"


def n601(d: Data) -> tuple[str, str]:
    p = _power(d, "行政强制")
    p["name"] = "依据《城乡规划法》" + p["name"]
    return p["id"], "城乡规划法"


def n602(d: Data) -> tuple[str, str]:
    a, b = d["powers"][0], d["powers"][1]
    b["name"] = a["name"]
    return b["id"], "name"


def e003(d: Data) -> tuple[str, str]:
    p = _power(d, "行政处罚")
    p["code"] = 101
    return p["id"], "code"


def g501(d: Data) -> tuple[str, str]:
    p = _power(d, "重大事项决策")
    assert p["major_matter"] == ["大额资金使用"]
    collective = next(s for s in p["flow"]["steps"] if s["kind"] == "collective")
    collective["kind"] = "decision"  # the party-group meeting still decides, but not as a collective step
    return p["id"], "大额资金使用"


def g502(d: Data) -> tuple[str, str]:
    p = _power(d, "重大事项决策")
    principal = next(post["id"] for post in d["unit"]["posts"] if post["rank"] == "主要领导")
    _step(p, "yusuan")["post"] = principal  # the principal checks the budget himself
    return p["id"], f"post: {principal}"


def g503(d: Data) -> tuple[str, str]:
    p = _power(d, "行政处罚")
    decider = _step(p, "jueding")["post"]
    sup = next(s for s in p["flow"]["supervision"] if s["at"] == "jueding")
    sup["by"] = decider
    return p["id"], f"by: {decider}"


def g504(d: Data) -> tuple[str, str]:
    p = _power(d, "行政处罚", 1)
    _risk(p, "高")["owner"] = "fgg_gz"  # 内设机构负责人 owning a high risk
    return p["id"], "owner: fgg_gz"


def g505(d: Data) -> tuple[str, str]:
    p = _power(d, "行政强制")
    del _risk(p, "高")["measures"]
    return p["id"], "level: 高"


def g506(d: Data) -> tuple[str, str]:
    p = _power(d, "行政处罚")
    del p["discretion"]
    return p["id"], f"id: {p['id']}"


def g507(d: Data) -> tuple[str, str]:
    p = _power(d, "行政处罚")
    general = next(x for x in p["discretion"] if x["circumstance"] == "一般")
    heavier = next(x for x in p["discretion"] if x["circumstance"] == "较重")
    heavier["amount"]["min"] = general["amount"]["max"]  # the steps now share an endpoint
    return p["id"], f"min: {general['amount']['max']}"


CASES: dict[str, Callable[[Data], tuple[str, str]]] = {
    "E003": e003,
    "E005": e005,
    "E006": e006,
    "B101": b101,
    "F201": f201,
    "F202": f202,
    "F203": f203,
    "F204": f204,
    "T301": t301,
    "T302": t302,
    "D401": d401,
    "N601": n601,
    "N602": n602,
    "G501": g501,
    "G502": g502,
    "G503": g503,
    "G504": g504,
    "G505": g505,
    "G506": g506,
    "G507": g507,
}


@pytest.fixture(scope="module")
def original() -> Data:
    data: Data = yaml.safe_load((CATALOGUES / SOURCE).read_text(encoding="utf-8"))
    return data


def _copy_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    return repo


@pytest.mark.parametrize("code", sorted(CASES))
def test_planted_defect_fires_on_the_right_power(code: str, original: Data, tmp_path: Path) -> None:
    repo = _copy_repo(tmp_path)
    data = copy.deepcopy(original)
    power_id, needle = CASES[code](data)
    target = repo / "catalogues" / SOURCE
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    result = validate([str(repo / "catalogues")], Config(root=repo), Options(today=date(2026, 11, 22)))
    hits = [f for f in result.report.findings if f.rule == code]
    assert hits, f"{code} did not fire; got {[(f.rule, f.message) for f in result.report.findings]}"
    lines = target.read_text(encoding="utf-8").splitlines()
    for f in hits:
        assert f.power == power_id
        assert f.file == str(target)
        assert 1 <= f.line <= len(lines) and f.column >= 1
        assert any(n in lines[f.line - 1] for n in needle.split("|")), (f, lines[f.line - 1])
    expected_exit = 0 if code in ("N601", "N602", "G504") else 1  # warnings only
    assert int(result.report.exit_code()) == expected_exit


def test_planted_code_format_with_profile(original: Data, tmp_path: Path) -> None:
    """N603 needs a code profile: the copied repository gets a `.powerctl.yaml` with one."""
    repo = _copy_repo(tmp_path)
    (repo / ".powerctl.yaml").write_text(
        'code_profile: {pattern: "^431381-[A-Z]{2}-[0-9]{4}$", description: 冷水江市事项编码}\n', encoding="utf-8"
    )
    data = copy.deepcopy(original)
    p = _power(data, "行政检查")
    p["code"] = p["code"].replace("431381-", "").replace("-", "")  # 431381-JC-0001 -> JC0001
    target = repo / "catalogues" / SOURCE
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    result = validate([str(repo / "catalogues")], load_config(repo), Options(today=date(2026, 11, 22)))
    lines = target.read_text(encoding="utf-8").splitlines()
    hits = [f for f in result.report.findings if f.rule == "N603"]
    assert [(f.file, f.power) for f in hits] == [(str(target), p["id"])]  # every other code fits the profile
    assert f"code: {p['code']}" in lines[hits[0].line - 1]
    assert int(result.report.exit_code()) == 1


def _planted_text(tmp_path: Path, edit: Callable[[str], bytes]) -> list[tuple[str, int]]:
    repo = _copy_repo(tmp_path)
    target = repo / "catalogues" / SOURCE
    target.write_bytes(edit(target.read_text(encoding="utf-8")))
    result = validate([str(repo / "catalogues")], Config(root=repo))
    assert int(result.report.exit_code()) == 1
    return [(f.rule, f.line) for f in result.report.findings if f.file == str(target)]


def test_planted_syntax_error(tmp_path: Path) -> None:
    hits = _planted_text(
        tmp_path, lambda t: t.replace("  name: 冷水江市城市管理局", "\tname: 冷水江市城市管理局").encode()
    )
    assert hits == [("E001", 6)]


def test_planted_duplicate_key(tmp_path: Path) -> None:
    hits = _planted_text(tmp_path, lambda t: t.replace("  level: 县级\n", "  level: 县级\n  level: 县级\n").encode())
    assert hits == [("E002", 9)]


def test_planted_gbk(tmp_path: Path) -> None:
    hits = _planted_text(tmp_path, lambda t: t.encode("gb18030"))
    assert [rule for rule, _ in hits] == ["E004"]
