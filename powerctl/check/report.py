"""Findings, the report they make up, and the exit-code policy."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}


class ExitCode(IntEnum):
    CLEAN = 0
    FINDINGS = 1
    ERROR = 2  # usage, configuration or internal error


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, at one place: the contract every formatter reads."""

    rule: str
    name: str
    severity: Severity
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    pointer: str
    unit: str | None
    power: str | None
    message: str
    hint: str

    def __post_init__(self) -> None:
        if self.line < 1 or self.column < 1:
            raise ValueError(f"finding {self.rule} without a 1-based position")

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.rule)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "pointer": self.pointer,
            "unit": self.unit,
            "power": self.power,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    powers: int = 0
    # file → line → its text, for the lines findings point at: taken from text read inside the repository
    # while it was checked, so that no formatter opens a path (a link could lead anywhere by then).
    excerpts: dict[str, dict[int, str]] = field(default_factory=dict)

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.findings)
        return {"error": c["error"], "warning": c["warning"], "info": c["info"]}

    def summary(self) -> dict[str, int]:
        return {"files": self.files, "powers": self.powers, **self.counts()}

    def exit_code(self, fail_on: Severity = "error") -> ExitCode:
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK[f.severity] >= threshold for f in self.findings):
            return ExitCode.FINDINGS
        return ExitCode.CLEAN
