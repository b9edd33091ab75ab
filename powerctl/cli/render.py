"""`powerctl render`: every power's flowchart (一图) as SVG/PNG/PDF, via Graphviz."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from powerctl.cli._common import fail, no_catalogues
from powerctl.source.pathgate import UnsafeName, component, inside


class Kind(StrEnum):
    external = "外部"
    internal = "内部"


def command(
    paths: Annotated[
        list[str] | None, typer.Argument(help="目录文件或文件夹；默认为 catalogues/", show_default=False)
    ] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="输出目录：<目录>/<单位标识>/<职权标识>.<格式>")] = Path(
        "out"
    ),
    formats: Annotated[str, typer.Option("--format", help="逗号分隔：svg,png,pdf")] = "svg,png",
    kind: Annotated[
        Kind | None,
        typer.Option("--kind", help="外部（公开版，不含风险点）或 内部（含廉政风险点）；默认按各流程图的 kind"),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行的 Graphviz 进程数；默认等于 CPU 核数")] = 0,
    paper: Annotated[
        str | None,
        typer.Option(
            "--paper",
            help="PDF 纸张：auto（A4 放得下用 A4，否则 A3，再放不下分页）、A4 或 A3；默认取 .powerctl.yaml 的 paper",
            show_default=False,
        ),
    ] = None,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from powerctl.check.engine import Options, RuleCrash, UsageError, validate
    from powerctl.cli.validate import default_paths, load_repo_config
    from powerctl.documents.flowchart import DrawOptions, flow_sheet
    from powerctl.drawing import paths as drawing_paths
    from powerctl.drawing.pool import FORMATS, Job, Renderer
    from powerctl.drawing.sheet import PAPER_CHOICES

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise fail(f"不支持的格式：{'、'.join(bad) or formats}（可选 {','.join(FORMATS)}）")
    config = load_repo_config()
    chosen = {p.lower(): p for p in PAPER_CHOICES}.get((paper or config.paper).strip().lower())
    if chosen is None:
        raise fail(f"不支持的纸张：{paper}（可选 {'、'.join(PAPER_CHOICES)}）")
    try:
        drawing_paths.check_tools(config.font_family)
        result = validate(paths or default_paths(config), config, Options(cache=True, records=False))
    except drawing_paths.RenderError as exc:
        raise fail(str(exc)) from None
    except (UsageError, RuleCrash) as exc:
        raise fail(str(exc)) from None

    if not result.report.files:
        raise no_catalogues(paths or default_paths(config))
    work: list[Job] = []
    skipped = 0
    refused: list[str] = []
    for unit in result.units:
        for power in unit.powers:
            if power.flow is None or not power.flow.steps:
                skipped += 1
                continue
            try:  # the ids name the files: never trusted to be safe names (with the longest suffix, too)
                target = inside(out, unit.id, power.id)
                component(f"{power.id}.svg")
            except UnsafeName as exc:
                refused.append(f"{unit.file}：流程图的文件名：{exc}")
                continue
            internal = power.flow.kind == "内部" if kind is None else kind is Kind.internal
            opts = DrawOptions(internal=internal, font=config.font_family, paper=chosen)
            work.append(Job(flow_sheet(unit, power, opts), target))
    if refused:
        raise fail(
            "\n".join(
                [
                    *refused,
                    "以上标识不能用作文件名，未绘制任何流程图：改用只含字母、数字和连字符、长度适中、"
                    "不是 CON、NUL、COM1 等 Windows 设备名的标识",
                ]
            )
        )
    errors = result.report.counts()["error"]
    if errors:
        sys.stderr.write(f"注意：目录有 {errors} 个错误，有错误的职权未绘制；运行 powerctl validate 查看\n")
    columns = (TextColumn("绘制流程图"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with (
            Renderer(jobs or None) as renderer,
            Progress(*columns, transient=True, disable=not sys.stderr.isatty()) as bar,
        ):
            task = bar.add_task("render", total=len(work))
            done = renderer.draw(work, wanted, progress=lambda n: bar.advance(task, n))
    except drawing_paths.RenderError as exc:
        raise fail(str(exc)) from None
    note = f"；{skipped} 项没有流程图，未绘制" if skipped else ""
    sys.stdout.write(f"已绘制 {len(work)} 张流程图（{'、'.join(wanted)}）到 {out}/{note}\n")
    notes = done.notes
    if notes and "pdf" in wanted:
        listed = "".join(f"  {line}\n" for line in sorted(notes))
        sys.stdout.write(f"其中 {len(notes)} 张不是一栏排在一页 A4 上：\n{listed}")
    fallback = sorted(
        f"  {Path(file).parent.name}/{Path(file).name}：{drawing_paths.NAMES[how]}"
        for file, how in done.drawn.items()
        if how not in (drawing_paths.SVG[0], drawing_paths.PNG[0], drawing_paths.PDF[0])
    )
    if fallback:
        head = f"其中 {len(fallback)} 个文件由备用路径绘制（本机缺少绘图库，运行 powerctl doctor 查看）：\n"
        sys.stdout.write(head + "\n".join(fallback) + "\n")
