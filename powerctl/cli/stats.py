"""`powerctl stats`: 清理情况统计, and with --risks the 廉政风险等级目录."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from powerctl.cli._common import fail, no_catalogues


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    xlsx = "xlsx"


def command(
    paths: Annotated[
        list[str] | None, typer.Argument(help="目录文件或文件夹；默认为 catalogues/", show_default=False)
    ] = None,
    fmt: Annotated[Format, typer.Option("-f", "--format", help="输出格式")] = Format.text,
    risks: Annotated[bool, typer.Option("--risks", help="输出廉政风险等级目录")] = False,
    records: Annotated[
        bool, typer.Option("--records", help="输出权力运行情况统计（records/ 中的办件：按期、黄牌、红牌、用时）")
    ] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="未办结的办件算到这一天（YYYY-MM-DD），默认为今天")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="写入文件（xlsx 必须指定）")] = None,
) -> None:
    from powerctl.check.engine import Options, RuleCrash, UsageError, validate
    from powerctl.cli._common import parse_day
    from powerctl.cli.validate import default_paths, load_repo_config
    from powerctl.domain.stats import compute, risk_catalogue

    if records and risks:
        raise fail("--records 与 --risks 只能选一个")
    day = parse_day(today)
    if fmt is Format.xlsx and output is None:
        raise fail("xlsx 格式须用 -o 指定输出文件，例如 -o 统计.xlsx")
    config = load_repo_config()
    try:
        result = validate(paths or default_paths(config), config, Options(records=False))
    except (UsageError, RuleCrash) as exc:
        raise fail(str(exc)) from None
    if not result.report.files:
        raise no_catalogues(paths or default_paths(config))
    errors = result.report.counts()["error"]
    if errors:
        sys.stderr.write(f"注意：目录有 {errors} 个错误，有结构错误的职权未计入；运行 powerctl validate 查看\n")
    if not result.units:
        files = result.report.files
        raise fail(f"所检查的 {files} 个目录文件都读不出单位（有语法或结构错误）：运行 powerctl validate 查看并修正")
    if records:
        from powerctl.cli import stats_records

        text = stats_records.render(stats_records.counted(config, result.units, day), fmt.value, output, day)
        if text is None:
            sys.stdout.write(f"已写入 {output}\n")
        elif output is not None:
            output.write_text(text, encoding="utf-8")
            sys.stdout.write(f"已写入 {output}\n")
        else:
            sys.stdout.write(text)
        return
    if fmt is Format.xlsx:
        if output is None:
            raise fail("xlsx 格式须用 -o 指定输出文件，例如 -o 统计.xlsx")
        from powerctl.documents.stats_xlsx import write_risks, write_stats

        if risks:
            write_risks(risk_catalogue(result.units), output)
        else:
            write_stats(compute(result.units), output)
        sys.stdout.write(f"已写入 {output}\n")
        return
    if risks:
        text = _risks_text(result.units, fmt)
    else:
        stats = compute(result.units)
        if fmt is Format.json:
            text = json.dumps(stats.as_dict(), ensure_ascii=False, indent=2) + "\n"
        elif fmt is Format.markdown:
            text = _stats_markdown(stats)
        else:
            text = _stats_text(stats)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        sys.stdout.write(f"已写入 {output}\n")
    else:
        sys.stdout.write(text)


DIMENSIONS = (
    ("by_category", "职权类别"),
    ("by_status", "清理结果"),
    ("by_department", "承办机构"),
    ("by_risk_level", "廉政风险点"),
)


def _stats_markdown(stats: object) -> str:
    from powerctl.domain.stats import Stats

    assert isinstance(stats, Stats)
    from powerctl.domain.stats import by_category

    out = ["# 权力清单清理情况统计", ""]
    matrix = by_category(stats)
    out += ["## 各单位职权数（按职权类别）", "", "| 单位 | " + " | ".join([*matrix.categories, "合计"]) + " |"]
    out += ["|---|" + "---:|" * (len(matrix.categories) + 1)]
    for row in [*matrix.rows, matrix.total]:
        out.append(f"| {row.name} | " + " | ".join(map(str, [*row.counts, row.total])) + " |")
    out.append("")
    blocks = [(u.unit.name, u.counts) for u in stats.units] + [("合计", stats.total)]
    for name, counts in blocks:
        data = counts.as_dict()
        out += [f"## {name}", "", counts.sentence(), "", "| 统计项 | 分类 | 数量 |", "|---|---|---:|"]
        for key, label in DIMENSIONS:
            out += [f"| {label} | {k} | {v} |" for k, v in data[key].items()]
        out += [f"| 无法律依据 | 建议废止 | {len(counts.without_basis)} |", ""]
    return "\n".join(out)


def _stats_text(stats: object) -> str:
    import io

    from rich.console import Console
    from rich.table import Table

    from powerctl.domain.stats import Stats

    assert isinstance(stats, Stats)
    buf = io.StringIO()
    console = Console(file=buf, width=120, force_terminal=sys.stdout.isatty(), highlight=False)
    from powerctl.domain.stats import by_category

    matrix = by_category(stats)
    grid = Table(title="各单位职权数（按职权类别）", title_justify="left")
    grid.add_column("单位", overflow="fold")
    for label in [*matrix.categories, "合计"]:
        grid.add_column(label, justify="right")
    for row in [*matrix.rows, matrix.total]:
        grid.add_row(
            row.name, *map(str, [*row.counts, row.total]), end_section=row is matrix.rows[-1] if matrix.rows else False
        )
    console.print(grid)
    console.print()
    blocks = [(u.unit.name, u.counts) for u in stats.units] + [("合计", stats.total)]
    for name, counts in blocks:
        data = counts.as_dict()
        table = Table(title=f"{name}（{counts.total} 项）", title_justify="left", show_lines=False)
        for label in ("统计项", "分类", "数量"):
            table.add_column(label, justify="right" if label == "数量" else "left")
        for key, label in DIMENSIONS:
            for k, v in data[key].items():
                table.add_row(label, k, str(v))
        table.add_row("无法律依据", "建议废止", str(len(counts.without_basis)))
        console.print(table)
        console.print(counts.sentence(), soft_wrap=True)
        console.print()
    return buf.getvalue()


def _risks_text(units: object, fmt: Format) -> str:
    from powerctl.documents.stats_xlsx import RISK_HEADER
    from powerctl.domain.stats import risk_catalogue

    rows = risk_catalogue(units)  # type: ignore[arg-type]
    records = [
        [str(i), r.unit, r.power, r.category, r.basis, r.point, r.level, r.measures, r.owner]
        for i, r in enumerate(rows, start=1)
    ]
    if not rows and fmt is not Format.json:
        return "没有登记廉政风险点：所检查的职权都没有填写 risks（廉政风险点）。\n"
    if fmt is Format.json:
        keys = ("no", "unit", "power", "category", "basis", "point", "level", "measures", "owner")
        return json.dumps([dict(zip(keys, rec, strict=True)) for rec in records], ensure_ascii=False, indent=2) + "\n"
    if fmt is Format.markdown:
        lines = ["| " + " | ".join(RISK_HEADER) + " |", "|" + "---|" * len(RISK_HEADER)]
        lines += ["| " + " | ".join(c.replace("|", "｜") for c in rec) + " |" for rec in records]
        return "# 廉政风险等级目录\n\n" + "\n".join(lines) + "\n"
    return "\n".join("　".join(rec) for rec in [list(RISK_HEADER), *records]) + "\n"
