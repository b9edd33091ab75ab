"""The rule registry: one dict from code to rule, in the order of DESIGN.md's rule table (`ORDER`).

A rule module has a docstring (the user documentation: 检查什么 / 为什么 / 错误示例 / 正确示例),
CODE, NAME, SEVERITY, SUMMARY as string literals, and ``check(unit, ctx)`` yielding Violations, or
``check = None`` when the finding comes from the loader, the schema check or the engine. A rule that only
some catalogues follow names its profile (``PROFILE = "权责清单"``, a string literal too): it is off unless
the config's ``profile`` is that one or ``rules`` gives it a level.

The registry is read from the modules' source with `ast`, without importing them: importing the rules pulls
in the model, the loader and the law registries (a quarter of a second), which `powerctl rules` does not
need. A rule's module is imported the first time its check runs.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from powerctl.rules._base import Check

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
    "basis_article_mismatch",
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
    "three_signatures",
    "five_must_attend",
    "responsibility_missing",
    "case_overdue",
    "case_near_deadline",
    "step_overdue",
    "step_skipped",
    "step_out_of_order",
    "step_wrong_post",
    "record_unknown_reference",
    "expense_signatures",
    "supervisor_absent",
    "unused_suppression",
)
_FIELDS = ("CODE", "NAME", "SEVERITY", "SUMMARY")
_OPTIONAL = ("PROFILE",)


class _Deferred:
    """A rule's check, imported on its first call."""

    def __init__(self, module: str) -> None:
        self.module = module
        self._check: Any = None

    def __call__(self, unit: Any, ctx: Any) -> Iterator[Any]:
        if self._check is None:
            self._check = importlib.import_module(f"powerctl.rules.{self.module}").check
        result: Iterator[Any] = self._check(unit, ctx)
        return result


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    severity: str
    summary: str
    doc: str
    check: Check | None
    profile: str | None = None  # on only for a config of this profile (or with a level of its own)


def _read(module: str) -> RuleSpec:
    path = Path(__file__).with_name(f"{module}.py")
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: dict[str, str] = {}
    checks = False
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "check":
            checks = True
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in (*_FIELDS, *_OPTIONAL):
                    if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
                        raise ValueError(f"{path}: {target.id} must be a string literal")
                    found[target.id] = node.value.value
    missing = [f for f in _FIELDS if f not in found]
    if missing:
        raise ValueError(f"{path}: missing {', '.join(missing)}")
    doc = (ast.get_docstring(tree, clean=False) or "").strip()
    check = _Deferred(module) if checks else None
    return RuleSpec(found["CODE"], found["NAME"], found["SEVERITY"], found["SUMMARY"], doc, check, found.get("PROFILE"))


@cache
def _registry() -> dict[str, RuleSpec]:
    return {spec.code: spec for spec in map(_read, ORDER)}


def __getattr__(name: str) -> dict[str, RuleSpec]:
    if name == "REGISTRY":
        return _registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lookup(code_or_name: str) -> RuleSpec | None:
    key = code_or_name.strip()
    registry = _registry()
    spec = registry.get(key.upper())
    if spec is not None:
        return spec
    return next((s for s in registry.values() if s.name == key.lower()), None)
