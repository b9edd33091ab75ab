"""The json format of DESIGN.md: version, findings, summary."""

from __future__ import annotations

import json

from powerctl.check.report import Report


def render(report: Report, color: bool = False) -> str:
    doc = {
        "version": 1,
        "findings": [f.as_dict() for f in report.sorted()],
        "summary": report.summary(),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
