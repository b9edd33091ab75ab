"""The rule registry: a plain dict from code to rule module, in the order of DESIGN.md.

A rule module has a docstring (the user documentation: 检查什么 / 为什么 / 错误示例 / 正确示例),
CODE, NAME, SEVERITY, SUMMARY and ``check(unit, ctx)`` yielding Violations, or ``check = None``
when the finding comes from the loader, the schema check or the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from powerctl.rules import (
    abbreviated_law_name,
    abbreviation_in_name,
    article_out_of_range,
    basis_level_too_low,
    change_not_recorded,
    change_report_overdue,
    code_format,
    dead_end_step,
    discretion_inconsistent,
    duplicate_id,
    duplicate_key,
    duplicate_power_name,
    encoding,
    fee_without_basis,
    flow_exceeds_time_limit,
    law_not_in_force,
    major_matter_not_collective,
    missing_flow_element,
    no_legal_basis,
    no_separation_of_duties,
    no_setting_basis,
    penalty_without_discretion,
    principal_handles_directly,
    promised_exceeds_statutory,
    quote_mismatch,
    risk_owner_rank,
    risk_without_measures,
    schema,
    undisclosed_without_basis,
    unknown_law,
    unknown_reference,
    unreachable_step,
    unused_suppression,
    yaml_syntax,
)
from powerctl.rules._base import Check

_MODULES: tuple[ModuleType, ...] = (
    yaml_syntax,
    duplicate_key,
    schema,
    encoding,
    unknown_reference,
    duplicate_id,
    no_legal_basis,
    unknown_law,
    law_not_in_force,
    article_out_of_range,
    abbreviated_law_name,
    basis_level_too_low,
    quote_mismatch,
    no_setting_basis,
    missing_flow_element,
    unreachable_step,
    dead_end_step,
    flow_exceeds_time_limit,
    promised_exceeds_statutory,
    fee_without_basis,
    undisclosed_without_basis,
    major_matter_not_collective,
    principal_handles_directly,
    no_separation_of_duties,
    risk_owner_rank,
    risk_without_measures,
    penalty_without_discretion,
    discretion_inconsistent,
    abbreviation_in_name,
    duplicate_power_name,
    code_format,
    change_not_recorded,
    change_report_overdue,
    unused_suppression,
)


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    severity: str
    summary: str
    doc: str
    check: Check | None


REGISTRY: dict[str, RuleSpec] = {
    m.CODE: RuleSpec(m.CODE, m.NAME, m.SEVERITY, m.SUMMARY, (m.__doc__ or "").strip(), m.check) for m in _MODULES
}


def lookup(code_or_name: str) -> RuleSpec | None:
    key = code_or_name.strip()
    spec = REGISTRY.get(key.upper())
    if spec is not None:
        return spec
    return next((s for s in REGISTRY.values() if s.name == key.lower()), None)
