"""What `powerctl rules` prints, read from the rule modules' source without importing them.

Importing the rules pulls in the model, the loader and the law registries (a quarter of a second); the
list of rules and each rule's documentation are plain constants and a docstring, so they are read with
`ast`. `tests/test_rule_docs.py` checks that this agrees with the imported registry.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# in the order of DESIGN.md's rule table
ORDER: tuple[str, ...] = (
    "yaml_syntax",
    "duplicate_key",
    "schema",
    "encoding",
    "unknown_reference",
    "duplicate_id",
    "no_legal_basis",
    "unknown_law",
    "law_not_in_force",
    "article_out_of_range",
    "abbreviated_law_name",
    "basis_level_too_low",
    "quote_mismatch",
    "no_setting_basis",
    "missing_flow_element",
    "unreachable_step",
    "dead_end_step",
    "flow_exceeds_time_limit",
    "promised_exceeds_statutory",
    "fee_without_basis",
    "undisclosed_without_basis",
    "major_matter_not_collective",
    "principal_handles_directly",
    "no_separation_of_duties",
    "risk_owner_rank",
    "risk_without_measures",
    "penalty_without_discretion",
    "discretion_inconsistent",
    "abbreviation_in_name",
    "duplicate_power_name",
    "code_format",
    "change_not_recorded",
    "change_report_overdue",
    "unused_suppression",
)
_FIELDS = ("CODE", "NAME", "SEVERITY", "SUMMARY")


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: str
    summary: str
    doc: str


def _read(module: str) -> RuleInfo:
    path = Path(__file__).with_name(f"{module}.py")
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in _FIELDS:
                    if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
                        raise ValueError(f"{path}: {target.id} must be a string literal")
                    found[target.id] = node.value.value
    missing = [f for f in _FIELDS if f not in found]
    if missing:
        raise ValueError(f"{path}: missing {', '.join(missing)}")
    doc = (ast.get_docstring(tree, clean=False) or "").strip()
    return RuleInfo(found["CODE"], found["NAME"], found["SEVERITY"], found["SUMMARY"], doc)


@cache
def rules() -> tuple[RuleInfo, ...]:
    return tuple(_read(module) for module in ORDER)


def lookup(code_or_name: str) -> RuleInfo | None:
    key = code_or_name.strip()
    return next((r for r in rules() if r.code == key.upper() or r.name == key.lower()), None)
