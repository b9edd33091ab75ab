"""`powerctl export`: the catalogues as a workbook to edit in Excel or WPS; import --update reads it back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from powerctl.cli._common import fail, no_catalogues


def command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="目录文件或文件夹；默认为仓库根目录下的 catalogues/", show_default=False),
    ] = None,
    out: Annotated[Path, typer.Option("-o", "--output", help="写入的 Excel 文件，如 职权目录.xlsx")] = Path(
        "职权目录.xlsx"
    ),
) -> None:
    from powerctl.check.engine import UsageError, discover
    from powerctl.cli.validate import default_paths, load_repo_config
    from powerctl.documents.workbook_xlsx import workbook_bytes
    from powerctl.source.load import load_file

    config = load_repo_config()
    if out.suffix.lower() != ".xlsx":
        raise fail(f"{out}：导出的文件应以 .xlsx 结尾")
    try:
        found = discover(
            paths or default_paths(config), skip=[config.root / p for p in config.law_paths], root=config.root
        )
    except UsageError as exc:
        raise fail(str(exc)) from None
    if found.outside:  # never read: a link that leaves the repository
        from powerctl.source.boundary import message

        raise fail("\n".join(f"{link}: {message(target)}" for link, target in found.outside))
    units = []
    for file in found.files:
        doc = load_file(Path(file), file)
        unit = doc.data.get("unit") if isinstance(doc.data, dict) else None
        if doc.problems or not isinstance(unit, dict) or not isinstance(unit.get("id"), str):
            raise fail(f"{file}：有语法错误或没有单位标识，先运行 powerctl validate 修正")
        units.append((unit["id"], str(unit.get("name") or unit["id"]), doc.data))
    if not found.files:
        raise no_catalogues(paths or default_paths(config))
    out.write_bytes(workbook_bytes(units))
    powers = sum(len(d.get("powers") or []) for _, _, d in units)
    sys.stdout.write(
        f"已导出 {len(units)} 个单位、{powers} 项职权到 {out}：每个单位一张工作表。"
        f"在 Excel 或 WPS 中修改后运行 powerctl import --update {out}\n"
    )
