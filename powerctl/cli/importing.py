"""`powerctl import`: office tables → catalogue YAML; the work is in powerctl.importer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from powerctl.cli._common import fail
from powerctl.source import pathgate
from powerctl.source.pathgate import UnsafeName, inside
from powerctl.source.pathgate import shown as shown_name


def command(
    files: Annotated[
        list[Path], typer.Argument(help="Excel（.xlsx/.xls）、CSV 或 Word（.docx）文件", show_default=False)
    ],
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="写入的文件夹；默认为仓库根目录下的 catalogues/")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="单位标识（只有一个单位时），如 lsj-wlj")] = None,
    unit_name: Annotated[str | None, typer.Option("--unit-name", help="单位名称（表中没有主管部门一列时）")] = None,
    update: Annotated[
        bool, typer.Option("--update", help="读回 powerctl export 导出并修改过的 Excel，只改动改过的单元格")
    ] = False,
) -> None:
    """Exit 0 when every cell was mapped, 1 when some were not (listed), 2 when nothing could be read."""
    from powerctl.cli.validate import load_repo_config

    if update:
        _update(files)
        return
    from powerctl.domain.workbook import MARK
    from powerctl.importer.build import build
    from powerctl.importer.sheets import SheetError
    from powerctl.importer.vertical import read_tables
    from powerctl.importer.write import dump, schema_path, unit_document, unit_ids

    config = load_repo_config()
    if unit is not None:
        unit = _unit_id(unit)
    target = out or config.root / "catalogues"
    if target.exists() and not target.is_dir():
        raise fail(f"-o {target}：这是一个文件，不是文件夹；-o 应是写入目录文件的文件夹")
    tables = []
    for f in files:
        try:
            tables.extend(read_tables(f, str(f)))
        except SheetError as exc:
            raise fail(str(exc)) from None
    if any(t.rows and t.rows[0][:1] == [MARK] for t in tables):
        raise fail("这是 powerctl export 导出的工作簿：改好后用 powerctl import --update 读回（只写回改过的单元格）")
    default = unit_name or (files[0].stem if files else "本单位")
    result = build(tables, default, config.categories)
    if not result.units:
        for u in result.unmapped:
            sys.stderr.write(f"{u.where}：{u.reason}\n")
        raise fail("没有读出任何职权：表中需要有“事项名称”“职权名称”等列")
    ids = unit_ids(result.units, unit)
    written = []
    for rows, uid in zip(result.units, ids, strict=True):
        try:
            path = inside(target, f"{uid}.yaml")
        except UnsafeName as exc:
            raise fail(f"{exc}（单位「{rows.name}」）") from None
        if path.exists() or path.is_symlink():
            raise fail(f"{path} 已存在：换一个 -o 文件夹，或先移走原文件（不会覆盖已有的目录文件）")
        doc, modeline = unit_document(rows, uid, schema_path(path, config.root))
        written.append((path, dump(doc, modeline), rows))
    target.mkdir(parents=True, exist_ok=True)
    for path, text, _ in written:
        with path.open("x", encoding="utf-8") as fh:  # never through a link or over a file made meanwhile
            fh.write(text)
    o = sys.stdout
    for u in result.unmapped:
        header = f"（列「{u.header}」）" if u.header else ""
        shown = shown_name(u.text if len(u.text) <= 40 else u.text[:39] + "…", 41)  # invisible marks visible
        o.write(f"{u.where}{header}：{u.reason}" + (f"：{shown}" if shown else "") + "\n")
    powers = sum(len(r.powers) for _, _, r in written)
    subs = sum(len(r.parents) for _, _, r in written)
    for path, _, rows in written:
        o.write(f"已写入 {path}：{rows.name}，{len(rows.powers)} 项职权\n")
    o.write(
        f"导入了 {len(written)} 个单位、{powers} 项职权" + (f"（其中子项 {subs} 项）" if subs else "") + "，"
        f"读出依据 {result.citations} 条；"
        f"未写入目录的内容 {len(result.unmapped)} 处（逐条列在上面，有位置和原因）。"
        "下一步：补全标有“待补充”的内容，运行 powerctl validate\n"
    )
    raise typer.Exit(1 if result.unmapped else 0)


def _unit_id(given: str) -> str:
    """--unit as given, when it can name a catalogue file (the path gate) and is a unit id (the schema's
    pattern); a usage error saying why otherwise."""
    import json
    import re

    from powerctl.resources import SCHEMAS

    reason = pathgate.problem(given)
    if reason is not None:
        raise fail(f"--unit：{UnsafeName(given, reason)}")
    schema = json.loads((SCHEMAS / "catalogue.schema.json").read_text(encoding="utf-8"))
    if not re.fullmatch(schema["$defs"]["unitId"]["pattern"], given):
        raise fail(f"--unit：单位标识「{given}」只能用小写字母、数字和连字符，以字母或数字开头，例如 lsj-cgj")
    return given


def _update(files: list[Path]) -> None:
    """import --update: the edited cells of exported workbooks into the catalogue files they came from."""
    from powerctl.check.engine import UsageError, discover
    from powerctl.cli._common import write_text_atomic
    from powerctl.cli.validate import default_paths, load_repo_config
    from powerctl.importer.update import FileUpdate, update
    from powerctl.source.load import load_file
    from powerctl.source.office_limits import TooLarge

    config = load_repo_config()
    try:
        found = discover(default_paths(config), skip=[config.root / p for p in config.law_paths], root=config.root)
    except UsageError as exc:
        raise fail(str(exc)) from None
    if found.outside:  # never read: a link that leaves the repository
        from powerctl.source.boundary import message

        raise fail("\n".join(f"{link}: {message(target)}" for link, target in found.outside))
    by_unit: dict[str, Path] = {}
    for file in found.files:
        doc = load_file(Path(file), file)
        unit = doc.data.get("unit") if isinstance(doc.data, dict) else None
        if isinstance(unit, dict) and isinstance(unit.get("id"), str):
            by_unit.setdefault(unit["id"], Path(file))
    o = sys.stdout
    problems: list[str] = []
    changed: dict[Path, tuple[Path, FileUpdate]] = {}  # resolved file → (workbook, its new text)
    for workbook in files:
        if workbook.suffix.lower() != ".xlsx":
            raise fail(f"{workbook}：--update 读的是 powerctl export 导出的 .xlsx 文件")
        try:
            result = update(workbook, by_unit, str(workbook), config.categories)
        except TooLarge as exc:
            raise fail(str(exc)) from None
        except (OSError, ValueError, KeyError) as exc:
            raise fail(f"{workbook}：无法读取（{type(exc).__name__}）") from None
        problems += result.problems
        for f in result.files:
            key = f.file.resolve()
            if key in changed:
                problems.append(f"{f.file}：{changed[key][0]} 和 {workbook} 都修改了它，请合并到一个工作簿中再导回")
            changed[key] = (workbook, f)
    if problems:  # every edited cell or none: nothing is written while one cell is refused
        for problem in problems:  # cell text inside: invisible marks shown, a huge value cut
            o.write(shown_name(problem, 400) + "\n")
        o.write(f"有 {len(problems)} 处不能导回，没有改动任何目录文件：")
        o.write("按上面所列修改工作簿后，再运行 powerctl import --update\n")
        raise typer.Exit(1)
    for _, f in changed.values():
        write_text_atomic(f.file, f.text)
        for line in f.changed:
            o.write(f"{f.file}：{line}\n")
    shown = "、".join(str(w) for w in files)
    o.write(f"{shown}：改动了 {len(changed)} 个目录文件，{sum(len(f.changed) for _, f in changed.values())} 处\n")
    raise typer.Exit(0)
