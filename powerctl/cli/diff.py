"""`powerctl diff BASE [HEAD]`: which units and powers changed, field by field, between two versions."""

from __future__ import annotations

import json
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from powerctl.config import Config
    from powerctl.diff import FieldChange, UnitDiff


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(message + "\n")
    return typer.Exit(2)


def _units(config: Config, version: str | None, tmp: Path) -> dict[str, Any]:
    """Unit data by id for a folder, a git ref (its catalogues/), or the working tree (None)."""
    from powerctl.cli.validate import default_paths
    from powerctl.engine import discover
    from powerctl.gitrefs import GitError, extract, is_ref
    from powerctl.load import load_file

    if version is None:
        folder = Path(default_paths(config)[0])
    elif Path(version).is_dir():
        folder = Path(version)
    elif is_ref(config.root, version):
        try:
            extract(config.root, version, tmp)
        except GitError as exc:
            raise _fail(str(exc)) from None
        folder = tmp / "catalogues"
    else:
        raise _fail(f"「{version}」既不是文件夹，也不是 {config.root} 中的 git 版本")
    units: dict[str, Any] = {}
    for file in discover([str(folder)]) if folder.is_dir() else []:
        data = load_file(Path(file)).data
        unit = data.get("unit") if isinstance(data, dict) else None
        if isinstance(unit, dict) and isinstance(unit.get("id"), str):
            units.setdefault(unit["id"], data)
    return units


def command(
    base: Annotated[str, typer.Argument(help="旧版本：git 版本（提交、分支、标签）或文件夹")],
    head: Annotated[str | None, typer.Argument(help="新版本；默认为工作区的 catalogues/")] = None,
    fmt: Annotated[
        Format, typer.Option("-f", "--format", help="输出格式；markdown 适合作为合并请求评论")
    ] = Format.text,
) -> None:
    from powerctl.cli.validate import load_repo_config
    from powerctl.diff import unit_changes

    config = load_repo_config()
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        old = _units(config, base, Path(a))
        new = _units(config, head, Path(b))
    diffs = unit_changes(old, new)
    names = {uid: (data.get("unit") or {}).get("name", uid) for uid, data in {**old, **new}.items()}
    if fmt is Format.json:
        sys.stdout.write(json.dumps(_json(diffs), ensure_ascii=False, indent=2) + "\n")
    elif fmt is Format.markdown:
        sys.stdout.write(_markdown(diffs, names, base, head))
    else:
        sys.stdout.write(_text(diffs, names))


def _field_title(change: FieldChange) -> str:
    from powerctl.schema import SchemaChecker

    title, _ = SchemaChecker.for_catalogues().field_schema(("powers", 0, *change.path))
    return title or change.dotted


def _title(change: FieldChange) -> str:
    from powerctl.schema import SchemaChecker

    return SchemaChecker.for_catalogues().power_field(change.dotted)


def _value(value: Any) -> str:
    if value is None:
        return "（无）"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def _json(diffs: list[UnitDiff]) -> dict[str, Any]:
    return {
        "units": [
            {
                "unit": d.unit,
                "status": d.status,
                "added": d.powers.added,
                "removed": d.powers.removed,
                "changed": [
                    {
                        "power": pid,
                        "fields": [
                            {"field": c.dotted, "title": _field_title(c), "old": c.old, "new": c.new}
                            for c in d.powers.details[pid]
                        ],
                    }
                    for pid in d.powers.changed
                ],
            }
            for d in diffs
        ]
    }


_STATUS = {"added": "新增单位", "removed": "删除单位", "changed": "有变更"}


def _text(diffs: list[UnitDiff], names: dict[str, str]) -> str:
    if not diffs:
        return "没有变更\n"
    out = []
    for d in diffs:
        out.append(f"{names.get(d.unit, d.unit)}（{d.unit}）：{_STATUS[d.status]}")
        out += [f"  + 新增职权 {pid}" for pid in d.powers.added]
        out += [f"  - 删除职权 {pid}" for pid in d.powers.removed]
        for pid in d.powers.changed:
            out.append(f"  ~ 修改职权 {pid}")
            out += [f"      {_title(c)}：{_value(c.old)} → {_value(c.new)}" for c in d.powers.details[pid]]
    return "\n".join(out) + "\n"


def _markdown(diffs: list[UnitDiff], names: dict[str, str], base: str, head: str | None) -> str:
    out = [f"## 权力清单变更：{base} → {head or '工作区'}", ""]
    if not diffs:
        return "\n".join([*out, "没有变更。", ""])
    out += ["| 单位 | 状态 | 新增 | 删除 | 修改 |", "|---|---|---:|---:|---:|"]
    for d in diffs:
        p = d.powers
        counts = f"{len(p.added)} | {len(p.removed)} | {len(p.changed)}"
        out.append(f"| {names.get(d.unit, d.unit)} | {_STATUS[d.status]} | {counts} |")
    for d in diffs:
        out += ["", f"### {names.get(d.unit, d.unit)}（`{d.unit}`）", ""]
        out += [f"- 新增职权 `{pid}`" for pid in d.powers.added]
        out += [f"- 删除职权 `{pid}`" for pid in d.powers.removed]
        for pid in d.powers.changed:
            out.append(f"- 修改职权 `{pid}`")
            for c in d.powers.details[pid]:
                out.append(f"  - {_title(c)}：{_value(c.old)} → {_value(c.new)}")
    return "\n".join(out) + "\n"
