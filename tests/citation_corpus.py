"""The real-citation corpus (tests/citations/): each citation checked by every B rule, the way a catalogue is.

`real.yaml` holds (power name, category, citation) triples of the kind published 权力清单 carry, each article read
in the LawRefBook corpus and confirmed to set the power (`words`: what the article says, checked in its text);
`mismatch.yaml` holds real mistakes (an article renumbered by a revision, the duty article cited for its penalty,
the penalty article cited for the permit, a neighbouring article), with the article that does fit (`fits`).

`score` writes both as catalogues (one unit, one complete power per citation, the citation as its only basis,
role 设定依据), validates them with the engine, and counts the findings of every B rule: on real.yaml each
finding is a false alarm; on mismatch.yaml a power with a finding is caught. Used by
tests/test_citation_precision.py and bench/citations.py (which prints the numbers, also for older code).
"""

from __future__ import annotations

import copy
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
CITATIONS = HERE / "citations"
TEMPLATE = HERE / "rule_cases" / "b109" / "pass" / "lsj-zjj.yaml"  # a complete unit: its header and two powers
TODAY = date(2026, 12, 1)
B_RULES = tuple(f"B10{i}" for i in range(1, 10))


def load(name: str) -> list[dict[str, Any]]:
    """The entries of tests/citations/<name>.yaml."""
    entries: list[dict[str, Any]] = yaml.safe_load((CITATIONS / f"{name}.yaml").read_text(encoding="utf-8"))[
        "citations"
    ]
    return entries


def catalogue(entries: list[dict[str, Any]], status: str = "保留") -> dict[str, Any]:
    """One unit with a complete power per entry: the template's 行政处罚 power for penalties (it carries a
    discretion benchmark), its 行政许可 power for every other category."""
    template = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    permit = next(p for p in template["powers"] if p["category"] == "行政许可")
    penalty = next(p for p in template["powers"] if p["category"] == "行政处罚")
    powers = []
    for i, entry in enumerate(entries, start=1):
        power = copy.deepcopy(penalty if entry["category"] == "行政处罚" else permit)
        power.update(
            id=f"P-{i:03d}",
            code=f"431381-QT-{i:04d}",
            name=entry["name"],
            category=entry["category"],
            status=status,
            basis=[{"law": entry["law"], "article": entry["article"], "role": "设定依据"}],
        )
        powers.append(power)
    return {**template, "powers": powers}


def template_unit() -> str:
    """The template unit's id, which its file must be named after."""
    unit: str = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["unit"]["id"]
    return unit


@dataclass
class Score:
    entries: int
    findings: list[dict[str, Any]]  # {rule, power (index into the entries), message, severity}
    schema: list[str] = field(default_factory=list)  # anything else found: the generated catalogue is not valid

    def by_rule(self) -> Counter[str]:
        return Counter(f["rule"] for f in self.findings)

    def flagged(self, rule: str | None = None) -> set[int]:
        return {f["power"] for f in self.findings if rule is None or f["rule"] == rule}


def score(entries: list[dict[str, Any]], status: str = "保留") -> Score:
    """Validate the entries as one catalogue (the law index in effect: $XDG_CACHE_HOME's) and collect the
    findings of the B rules, by power."""
    from powerctl.catalogue.config import Config
    from powerctl.check.engine import Options, validate

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / f"{template_unit()}.yaml").write_text(
            yaml.safe_dump(catalogue(entries, status), allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        report = validate([str(folder)], Config(root=folder), Options(today=TODAY, records=False)).report
    found, other = [], []
    for f in report.findings:
        if f.rule in B_RULES and f.power is not None:
            found.append(
                {
                    "rule": f.rule,
                    "power": int(f.power.removeprefix("P-")) - 1,
                    "message": f.message,
                    "hint": f.hint,
                    "severity": str(f.severity),
                }
            )
        elif f.rule.startswith(("E", "B")):
            other.append(f"{f.rule} {f.pointer} {f.message}")
    return Score(len(entries), found, other)
