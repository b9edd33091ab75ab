"""`powerctl stats --records`: 权力运行情况统计 from records/ (办件, 按期, 黄牌, 红牌, 用时, 超时环节)."""

from __future__ import annotations

import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from powerctl.catalogue.config import Config
    from powerctl.catalogue.model import Unit
    from powerctl.domain.operation import Table, UnitOperation


def counted(config: Config, units: list[Unit], today: date) -> list[UnitOperation]:
    """The units' records counted, in the units' order; problems of the records are said on stderr."""
    from powerctl.check.records import count

    ops, found = count(config.root, {u.id: u for u in units}, today)
    errors = {f.file for f in found if f.code.startswith("E")}
    if errors:
        sys.stderr.write(
            f"注意：{len(errors)} 个登记文件有格式错误，其中有错的条目未计入；运行 powerctl validate 查看\n"
        )
    return [ops[u.id] for u in units if u.id in ops]


def render(ops: list[UnitOperation], fmt: str, output: Path | None, today: date) -> str | None:
    """The statistics in `fmt`; None when written to the workbook at `output`."""
    from powerctl.domain.operation import sentence, tables, totals

    total = totals({op.unit: op for op in ops})
    if fmt == "json":
        doc = {"today": today.isoformat(), "units": [op.as_dict() for op in ops], "total": total.as_dict()}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    lines = [sentence(op, op.name) for op in ops] + [sentence(total, "合计")]
    if not ops:
        lines = ["records/ 中没有所检查单位的登记（权力动态运行登记，见 FORMAT.md「Records」）。"]
    if fmt == "xlsx":
        from powerctl.documents.stats_xlsx import write_tables

        assert output is not None
        write_tables(tables(ops), lines, output)
        return None
    if fmt == "markdown":
        return _markdown(tables(ops), lines, today)
    return _text(tables(ops), lines, today)


def _markdown(parts: list[Table], lines: list[str], today: date) -> str:
    out = [f"# 权力运行情况统计（截至 {today.isoformat()}）", "", *lines, ""]
    for t in parts:
        out += [f"## {t.title}", "", "| " + " | ".join(t.header) + " |", "|" + "---|" * len(t.header)]
        out += ["| " + " | ".join(str(c).replace("|", "｜") for c in row) + " |" for row in t.rows]
        if not t.rows:
            out.append("| 无 |" + " |" * (len(t.header) - 1))
        out.append("")
    return "\n".join(out)


def _text(parts: list[Table], lines: list[str], today: date) -> str:
    from rich.console import Console
    from rich.table import Table as RichTable

    buf = io.StringIO()
    console = Console(file=buf, width=160, force_terminal=sys.stdout.isatty(), highlight=False)
    console.print(f"权力运行情况统计（截至 {today.isoformat()}）")
    for line in lines:
        console.print(line, soft_wrap=True)
    for t in parts:
        if not t.rows:
            continue
        table = RichTable(title=t.title, title_justify="left")
        for label in t.header:
            table.add_column(label)
        for row in t.rows:
            table.add_row(*(str(c) for c in row))
        console.print(table)
    return buf.getvalue()
