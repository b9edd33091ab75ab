"""A hostile-text corpus: two shipped units whose free text holds formulas, markup, template syntax, path
separators, direction and zero-width marks, rare characters and a 10^5-character line, committed twice in a
git repository of their own (so that diff, compare and bundle --previous have two versions).

The catalogues stay valid against the schema, so that every string reaches every output. lsj-cgj keeps its
内部公开 power ZD-001 (renamed with a canary word) with a 社会公开 子项 whose `parent` is it, and the second
version records two changes: one listing only public powers, one listing the 子项 and ZD-001 with a reason
that names ZD-001. Control characters, which the loader refuses, are in a file of their own (`control_file`).
"""

from __future__ import annotations

import copy
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import CATALOGUES

UNITS = ("lsj-cgj", "lsj-zhadu")
FOLDER = "catalogues/hunan/loudi/lengshuijiang"

FORMULAS = ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)")
MARKUP = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "]]>", "&amp;", "{{ 7*7 }}", "{% if 1 %}x")
PATHS = ("../../etc/passwd", "a\\b", "C:\\x")
MARKS = ("右\u202e左", "零\u200b宽", "字\ufeff节", "行\u2028分")
RARE = ("𠮷", "浉", "喆", "堃")
LONG = "长" * 100_000  # one line of 10^5 characters
PLAIN = (*FORMULAS, *MARKUP, *PATHS)
HOSTILE = (*PLAIN, *MARKS, *RARE)
# The marks and rare characters send a drawing to its fallback (rsvg-convert): they are
# put in the first two powers of a unit only, so that each fallback runs, but not for every flowchart.

HIDDEN_ID = "ZD-001"  # 内部公开: never in a public file
HIDDEN_NAME = "大额资金使用决策隐匿金丝雀"
CHILD_ID = "ZD-002"  # 社会公开 子项 of ZD-001
CHILD_NAME = "大额资金使用公示子项"
RISK_WORD = "风险金丝雀"  # in the 廉政风险点 of 社会公开 powers: internal by nature
MIXED_REASON = f"因{HIDDEN_NAME}（{HIDDEN_ID}）调整，同步调整公示子项，混合理由金丝雀"
REPORTED = date(2026, 11, 5)
PUBLIC_REASON = "公开理由：依据新修订的条例压缩承诺时限 <script>alert(1)</script> =1+1"


def _pick(i: int, texts: tuple[str, ...] = PLAIN) -> str:
    return texts[i % len(texts)]


def _put(old: str, i: int, texts: tuple[str, ...] = PLAIN) -> str:
    """A hostile string in place of the text (every other time: a cell then starts with =, +, -, @ or <) or
    after it."""
    return _pick(i, texts) if i % 2 == 0 else f"{old}{_pick(i, texts)}"


def _hostile_unit(data: dict[str, Any], start: int) -> dict[str, Any]:
    """Hostile strings in the unit's free text: names, duties, steps, conditions, rights, channels, fees."""
    n = start
    unit = data["unit"]
    unit["name"] = _put(unit["name"], n)
    for dept in unit["departments"]:
        n += 1
        dept["name"] = _put(dept["name"], n)
        dept["duties"] = [*dept.get("duties", []), _pick(n + 1)]
    for post in unit["posts"]:
        n += 1
        post["name"] = _put(post["name"], n)
    for channel in unit["complaint_channels"]:
        n += 1
        channel["contact"] = _put(channel["contact"], n)
    for index, power in enumerate(data["powers"]):
        n = _hostile_power(power, n + 1, HOSTILE if index < 2 else PLAIN)
    return data


def _hostile_power(power: dict[str, Any], n: int, texts: tuple[str, ...]) -> int:
    power["name"] = _put(power["name"], n, texts)
    if power.get("fee", {}).get("charged"):
        power["fee"]["standard"] = _put(power["fee"].get("standard", ""), n + 1, texts)
    for duty in power.get("responsibilities", []):
        n += 1
        duty["duty"] = _put(duty["duty"], n, texts)
    power["accountability"] = [*power.get("accountability", []), _pick(n + 2, texts)]
    for risk in power.get("risks", []):
        risk["point"] = f"{risk['point']}{RISK_WORD}{_pick(n, texts)}"
        risk["measures"] = [*risk.get("measures", []), f"{RISK_WORD}{_pick(n + 1, texts)}"]
    for level in power.get("discretion", []):
        n += 1
        level["condition"] = _put(level.get("condition", ""), n, texts)
    flow = power.get("flow")
    if not flow:
        return n
    flow["conditions"] = [*flow.get("conditions", []), _pick(n + 3, texts)]
    flow["rights"] = [*flow.get("rights", []), _pick(n + 4, texts)]
    for step in flow.get("steps", []):
        n += 1
        step["name"] = _put(step["name"], n, texts)
        step["does"] = _put(step.get("does", ""), n + 5, texts)
        for target in step.get("next", []):
            if isinstance(target, dict) and "when" in target:
                target["when"] = _put(target["when"], n + 6, texts)
    for entry in flow.get("supervision", []):
        n += 1
        entry["how"] = _put(entry["how"], n, texts)
    return n


def _load(unit: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((CATALOGUES.parent / FOLDER / f"{unit}.yaml").read_text(encoding="utf-8"))
    return data


def version_one() -> dict[str, dict[str, Any]]:
    """The corpus's first version: unit id → data."""
    cgj = _hostile_unit(_load("lsj-cgj"), 0)
    hidden = next(p for p in cgj["powers"] if p["id"] == HIDDEN_ID)
    assert hidden["disclosure"]["scope"] != "社会公开"
    hidden["name"] = HIDDEN_NAME
    child = copy.deepcopy(next(p for p in cgj["powers"] if p["id"] == "JC-001"))
    child.pop("risks", None)
    child.update(id=CHILD_ID, code="431381-JC-0009", name=CHILD_NAME, parent=HIDDEN_ID)
    cgj["powers"].append(child)
    zhadu = _hostile_unit(_load("lsj-zhadu"), 7)
    first = zhadu["powers"][0]
    first["basis"][0]["quote"] = LONG  # in 一件 and the site (a long table cell would take minutes to print)
    return {"lsj-cgj": cgj, "lsj-zhadu": zhadu}


def version_two(units: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The second version: the hidden power, its 子项 and a public power changed, and the changes recorded."""
    units = copy.deepcopy(units)
    cgj = units["lsj-cgj"]
    powers = {p["id"]: p for p in cgj["powers"]}
    powers[HIDDEN_ID]["major_matter"] = ["大额资金使用", "重大项目安排"]
    powers[CHILD_ID]["time_limit"]["promised"] = 20
    powers["XK-001"]["flow"]["conditions"].append("新增条件：申请人书面承诺<b>如实</b>提供材料")
    mixed = {"date": date(2026, 11, 2), "items": [CHILD_ID, HIDDEN_ID], "kind": "调整", "reason": MIXED_REASON}
    public = {"date": date(2026, 11, 3), "items": ["XK-001"], "kind": "调整", "reason": PUBLIC_REASON}
    cgj.setdefault("changes", []).extend({**entry, "reported": REPORTED} for entry in (mixed, public))
    return units


def _write(repo: Path, units: dict[str, dict[str, Any]]) -> None:
    for uid, data in units.items():
        path = repo / FOLDER / f"{uid}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")


def _git(repo: Path, *args: str) -> None:
    ident = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", *ident, *args], cwd=repo, check=True, capture_output=True)


def make_repo(repo: Path) -> Path:
    """The corpus in a git repository: version one committed, then version two."""
    repo.mkdir(parents=True, exist_ok=True)
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    first = version_one()
    _write(repo, first)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "v1")
    _write(repo, version_two(first))
    _git(repo, "commit", "-qam", "v2")
    return repo


def control_file(folder: Path) -> Path:
    """A unit whose name holds NUL and other control characters as YAML escapes (which YAML allows)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lsj-ctl.yaml"
    data = _load("lsj-zhadu")
    data["unit"]["id"] = "lsj-ctl"
    data["unit"]["name"] = "渣渡\x00镇\x07人民\x1b政府\x7f"
    data["powers"][0]["name"] = "宅基地\x08审批\x0c"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
