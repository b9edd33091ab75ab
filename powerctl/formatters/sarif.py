"""SARIF 2.1.0: one run, every registered rule as a descriptor with its help, results with regions."""

from __future__ import annotations

import json

from powerctl import __version__
from powerctl.check.report import Report
from powerctl.rules import REGISTRY

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render(report: Report, color: bool = False) -> str:
    codes = list(REGISTRY)
    rules = [
        {
            "id": spec.code,
            "name": spec.name,
            "shortDescription": {"text": spec.summary},
            "fullDescription": {"text": spec.summary},
            "help": {"text": spec.doc, "markdown": spec.doc},
            # A rule of a profile (G510 权责清单) is off unless the config turns it on.
            "defaultConfiguration": {"level": _LEVEL[spec.severity], **({"enabled": False} if spec.profile else {})},
        }
        for spec in REGISTRY.values()
    ]
    results = []
    for f in report.sorted():
        result = {
            "ruleId": f.rule,
            "ruleIndex": codes.index(f.rule) if f.rule in REGISTRY else -1,
            "level": _LEVEL[f.severity],
            "message": {"text": f.message + (f"\n提示：{f.hint}" if f.hint else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file.replace("\\", "/")},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": max(f.end_column, f.column),
                        },
                    },
                    "logicalLocations": [{"fullyQualifiedName": f"{f.unit}{f.pointer}"}],
                }
            ],
            "properties": {"unit": f.unit, "power": f.power, "pointer": f.pointer},
        }
        if result["ruleIndex"] == -1:
            del result["ruleIndex"]
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "powerctl",
                        "version": __version__,
                        "informationUri": "https://github.com/powerctl/powerctl",
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
