"""Human-readable findings: file:line:column, code, message, the source line and a hint.

The source lines come from the report (`Report.excerpts`, read while the files were checked): this module opens no
file, so a finding at a link that leads out of the repository can never print the target's bytes.
"""

from __future__ import annotations

from powerctl.check.report import SEVERITY_ZH, Report

# plain ANSI styles: rich would cost a fifth of a cached run's start-up for a few colours
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_ANSI = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def render(report: Report, color: bool = False) -> str:
    def paint(text: str, style: str) -> str:
        if not color:
            return text
        return f"\x1b[{';'.join(_ANSI[word] for word in style.split())}m{text}\x1b[0m"

    out: list[str] = []
    findings = report.sorted()
    for f in findings:
        where = f"{f.file}:{f.line}:{f.column}"
        power = f" [{f.power}]" if f.power else ""
        label = paint(f"{f.rule} {SEVERITY_ZH[f.severity]}", _STYLE[f.severity])
        out.append(f"{paint(where, 'bold')} {label} {f.message}{power}")
        line = report.excerpts.get(f.file, {}).get(f.line)  # never read here: see Report.excerpts
        if line is not None:
            out.append(f"  {paint(f'{f.line:>4} |', 'dim')} {line}")
        if f.hint:
            out.append(f"       {paint('提示：', 'green')}{f.hint}")
    s = report.summary()
    verdict = paint("通过", "green") if not report.findings else ""
    out.append(
        f"检查了 {s['files']} 个文件、{s['powers']} 项职权：错误 {s['error']} 个，警告 {s['warning']} 个，"
        f"提示 {s['info']} 个 {verdict}".rstrip()
    )
    return "\n".join(out) + "\n"
