"""Human-readable findings: file:line:column, code, message, the source line and a hint."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from powerctl.report import SEVERITY_ZH, Report

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@cache
def _lines(file: str) -> list[str]:
    try:
        return Path(file).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def render(report: Report, color: bool = False) -> str:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, width=120, highlight=False)
    for f in report.sorted():
        where = f"{f.file}:{f.line}:{f.column}"
        power = f" [{escape(f.power)}]" if f.power else ""
        console.print(
            f"[bold]{escape(where)}[/bold] [{_STYLE[f.severity]}]{f.rule} {SEVERITY_ZH[f.severity]}[/]"
            f" {escape(f.message)}{power}",
            soft_wrap=True,
        )
        lines = _lines(f.file)
        if 0 < f.line <= len(lines):
            source = lines[f.line - 1]
            console.print(f"  [dim]{f.line:>4} |[/dim] {escape(source)}", soft_wrap=True)
        if f.hint:
            console.print(f"       [green]提示：[/green]{escape(f.hint)}", soft_wrap=True)
    s = report.summary()
    verdict = "[green]通过[/green]" if not report.findings else ""
    console.print(
        f"检查了 {s['files']} 个文件、{s['powers']} 项职权：错误 {s['error']} 个，警告 {s['warning']} 个，"
        f"提示 {s['info']} 个 {verdict}".rstrip(),
        soft_wrap=True,
    )
    return buf.getvalue()
