"""GitLab Code Quality report (JSON array of issues with a stable fingerprint)."""

from __future__ import annotations

import hashlib
import json

from powerctl.check.report import Report

_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def render(report: Report, color: bool = False) -> str:
    issues = []
    for f in report.sorted():
        fingerprint = hashlib.sha256(f"{f.rule}|{f.file}|{f.pointer}|{f.message}".encode()).hexdigest()
        issues.append(
            {
                "type": "issue",
                "check_name": f.rule,
                "description": f"{f.rule} {f.message}",
                "content": {"body": f.hint},
                "categories": ["Compliance"],
                "severity": _SEVERITY[f.severity],
                "fingerprint": fingerprint,
                "location": {"path": f.file, "positions": {"begin": {"line": f.line, "column": f.column}}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
