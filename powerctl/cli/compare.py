"""`powerctl compare A B`: 对照 one unit's catalogue with another's of the same kind."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from powerctl.cli._common import fail, no_catalogues

if TYPE_CHECKING:
    from powerctl.catalogue.model import Unit
    from powerctl.domain.compare import Comparison


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _unit(given: str, units: list[Unit]) -> Unit:
    path = Path(given)
    for unit in units:
        if unit.id == given or (path.exists() and Path(unit.file).resolve() == path.resolve()):
            return unit
    raise fail(
        f"找不到单位「{given}」：写单位目录文件的路径或单位标识；该文件也可能有结构错误（运行 powerctl validate）"
    )


def command(
    a: Annotated[str, typer.Argument(help="本单位：目录文件路径或单位标识")],
    b: Annotated[str, typer.Argument(help="对照单位：目录文件路径或单位标识")],
    fmt: Annotated[Format, typer.Option("-f", "--format", help="输出格式")] = Format.text,
) -> None:
    from powerctl.check.engine import Options, RuleCrash, UsageError, validate
    from powerctl.cli.validate import default_paths, load_repo_config
    from powerctl.domain.compare import compare

    config = load_repo_config()
    paths = [p for p in (a, b) if Path(p).is_file()]
    try:
        if len(paths) < 2:
            paths += default_paths(config)
        result = validate(sorted(set(paths)), config, Options(records=False))
    except (UsageError, RuleCrash) as exc:
        raise fail(str(exc)) from None
    if not result.report.files:
        raise no_catalogues(paths)
    comparison = compare(_unit(a, result.units), _unit(b, result.units))
    if fmt is Format.json:
        sys.stdout.write(json.dumps(comparison.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_markdown(comparison) if fmt is Format.markdown else _text(comparison))


def _basis(items: list[str]) -> str:
    return "；".join(items) or "（无依据）"


def _limit(t: dict[str, Any]) -> str:
    """A time limit as the list prints it: 法定 20个工作日，承诺 即办 (“/” for none); 无 without one."""
    from powerctl.catalogue.model import TimeLimit

    if t.get("unit") is None:
        return "无（该职权不设办理时限）"
    unit = str(t["unit"])
    return f"法定 {TimeLimit.shown(t['statutory'], unit)}，承诺 {TimeLimit.shown(t['promised'], unit)}"


def _text(c: Comparison) -> str:
    from powerctl.domain.compare import basis_text

    out = [f"对照：{c.a.name}（{len(c.a.powers)} 项） ↔ {c.b.name}（{len(c.b.powers)} 项）", ""]
    out.append(f"{c.b.name}有、本单位没有的职权（{len(c.only_b)} 项，请核实是否漏报）：")
    out += [f"  - [{p.id}] {p.name}（{p.category}）依据：{_basis(basis_text(p))}" for p in c.only_b] or ["  （无）"]
    out.append(f"本单位有、{c.b.name}没有的职权（{len(c.only_a)} 项）：")
    out += [f"  - [{p.id}] {p.name}（{p.category}）依据：{_basis(basis_text(p))}" for p in c.only_a] or ["  （无）"]
    differing = [p for p in c.pairs if p.differences]
    out.append(f"对应但不一致的职权（{len(differing)} 项；共对应 {len(c.pairs)} 项）：")
    for p in differing:
        out.append(f"  - [{p.a.id}] {p.a.name} ↔ [{p.b.id}] {p.b.name}（按{p.matched_by}对应）")
        d = p.differences
        if "category" in d:
            out.append(f"      职权类别：{d['category']['a']} ↔ {d['category']['b']}")
        if "basis" in d:
            out.append(
                f"      依据：本单位独有 {_basis(d['basis']['only_a'])}；对方独有 {_basis(d['basis']['only_b'])}"
            )
        if "time_limit" in d:
            ta, tb = d["time_limit"]["a"], d["time_limit"]["b"]
            out.append(f"      办理时限：{_limit(ta)} ↔ {_limit(tb)}")
    if not differing:
        out.append("  （无）")
    return "\n".join(out) + "\n"


def _markdown(c: Comparison) -> str:
    from powerctl.domain.compare import basis_text

    out = [f"# 对照：{c.a.name} ↔ {c.b.name}", ""]
    out += [f"## {c.b.name}有、本单位没有（{len(c.only_b)} 项）", "", "| 职权 | 类别 | 依据 |", "|---|---|---|"]
    out += [f"| {p.name} | {p.category} | {_basis(basis_text(p))} |" for p in c.only_b]
    out += ["", f"## 本单位有、{c.b.name}没有（{len(c.only_a)} 项）", "", "| 职权 | 类别 | 依据 |", "|---|---|---|"]
    out += [f"| {p.name} | {p.category} | {_basis(basis_text(p))} |" for p in c.only_a]
    out += ["", "## 对应但不一致", "", "| 本单位 | 对方 | 对应方式 | 不一致 |", "|---|---|---|---|"]
    for p in c.pairs:
        if p.differences:
            labels = {"category": "职权类别", "basis": "依据", "time_limit": "办理时限"}
            what = "、".join(labels[k] for k in p.differences)
            out.append(f"| {p.a.name} | {p.b.name} | {p.matched_by} | {what} |")
    return "\n".join(out) + "\n"
