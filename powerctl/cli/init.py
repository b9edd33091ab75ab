"""`powerctl init [DIR]`: scaffold a catalogue repository that validates clean from the first run."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

TEMPLATE = Path(__file__).resolve().parent.parent.parent / "templates" / "init"
SCHEMAS = Path(__file__).resolve().parent.parent.parent / "schemas"


def _plan(target: Path) -> list[tuple[Path, Path]]:
    """(source, destination) of every file init writes."""
    files = [(src, target / src.relative_to(TEMPLATE)) for src in sorted(TEMPLATE.rglob("*")) if src.is_file()]
    files += [(src, target / "schemas" / src.name) for src in sorted(SCHEMAS.glob("*.schema.json"))]
    return files


def command(
    directory: Annotated[Path, typer.Argument(help="新仓库的目录；默认为当前目录")] = Path("."),
) -> None:
    plan = _plan(directory)
    existing = [dst for _, dst in plan if dst.exists()]
    if existing:
        names = "\n".join(f"  {p}" for p in existing)
        sys.stderr.write(
            f"以下文件已存在，powerctl init 不会覆盖它们：\n{names}\n请在空目录中运行，或先移走这些文件。\n"
        )
        raise typer.Exit(2)
    for src, dst in plan:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    sys.stdout.write(f"已在 {directory} 建立职权目录仓库（{len(plan)} 个文件）：\n")
    for _, dst in plan:
        sys.stdout.write(f"  {dst.relative_to(directory)}\n")
    sys.stdout.write(
        "下一步：把 catalogues/example/lsj-zjj.yaml 改成本单位的职权目录（文件名即单位标识），"
        "然后运行 powerctl validate\n"
    )
