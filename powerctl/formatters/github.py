"""GitHub Actions workflow commands: one ::error/::warning/::notice annotation per finding."""

from __future__ import annotations

from powerctl.check.report import Report

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, color: bool = False) -> str:
    lines = []
    for f in report.sorted():
        props = (
            f"file={_prop(f.file)},line={f.line},col={f.column},endLine={f.end_line},"
            f"endColumn={f.end_column},title={_prop(f.rule + ' ' + f.name)}"
        )
        message = f.message + (f"\n提示：{f.hint}" if f.hint else "")
        lines.append(f"::{_COMMAND[f.severity]} {props}::{_data(message)}")
    s = report.summary()
    lines.append(f"检查了 {s['files']} 个文件、{s['powers']} 项职权：错误 {s['error']} 个，警告 {s['warning']} 个")
    return "\n".join(lines) + "\n"
