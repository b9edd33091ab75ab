"""Every registered rule is documented: what it checks, why, a failing and a passing example."""

from __future__ import annotations

import re

import pytest

from powerctl.rules import REGISTRY, lookup

SECTIONS = ("## 检查什么", "## 为什么", "## 错误示例", "## 正确示例")
DESIGN_CODES = {
    "E001": "yaml-syntax",
    "E002": "duplicate-key",
    "E003": "schema",
    "E004": "encoding",
    "E005": "unknown-reference",
    "E006": "duplicate-id",
    "B101": "no-legal-basis",
    "B102": "unknown-law",
    "B103": "law-not-in-force",
    "B104": "article-out-of-range",
    "B105": "abbreviated-law-name",
    "B106": "basis-level-too-low",
    "B107": "quote-mismatch",
    "B108": "no-setting-basis",
    "B109": "basis-article-mismatch",
    "F201": "missing-flow-element",
    "F202": "unreachable-step",
    "F203": "dead-end-step",
    "F204": "flow-exceeds-time-limit",
    "T301": "promised-exceeds-statutory",
    "T302": "fee-without-basis",
    "D401": "undisclosed-without-basis",
    "N601": "abbreviation-in-name",
    "G501": "major-matter-not-collective",
    "G502": "principal-handles-directly",
    "G503": "no-separation-of-duties",
    "G504": "risk-owner-rank",
    "G505": "risk-without-measures",
    "G506": "penalty-without-discretion",
    "G507": "discretion-inconsistent",
    "N602": "duplicate-power-name",
    "N603": "code-format",
    "C701": "change-not-recorded",
    "C702": "change-report-overdue",
    "G508": "three-signatures",
    "G509": "five-must-attend",
    "G510": "responsibility-missing",
    "R801": "case-overdue",
    "R802": "case-near-deadline",
    "R803": "step-overdue",
    "R804": "step-skipped",
    "R805": "step-out-of-order",
    "R806": "step-wrong-post",
    "R807": "record-unknown-reference",
    "R808": "expense-signatures",
    "R809": "supervisor-absent",
}


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_rule_has_documentation(code: str) -> None:
    spec = REGISTRY[code]
    assert re.fullmatch(r"[A-Z][0-9]{3}", spec.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", spec.name)
    assert spec.severity in ("error", "warning", "info")
    assert spec.summary
    positions = [spec.doc.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions), f"{code} lacks a section of {SECTIONS}"
    assert positions == sorted(positions)
    for heading in ("## 错误示例", "## 正确示例"):
        body = spec.doc.split(heading, 1)[1]
        assert "```" in body.split("##", 1)[0], f"{code}: {heading} has no example block"


def test_codes_and_names_match_the_design() -> None:
    for code, name in DESIGN_CODES.items():
        assert code in REGISTRY and REGISTRY[code].name == name


def test_names_are_unique_and_lookup_works() -> None:
    names = [s.name for s in REGISTRY.values()]
    assert len(names) == len(set(names))
    assert lookup("no-legal-basis") is REGISTRY["B101"]
    assert lookup("b101") is REGISTRY["B101"]
    assert lookup("nope") is None


def test_the_registry_read_from_source_agrees_with_the_modules() -> None:
    """The registry reads each rule from its module's source; importing the module gives the same."""
    import importlib

    from powerctl.rules import ORDER, REGISTRY

    assert len(REGISTRY) == len(ORDER)
    for name, spec in zip(ORDER, REGISTRY.values(), strict=True):
        module = importlib.import_module(f"powerctl.rules.{name}")
        assert (spec.code, spec.name, spec.severity, spec.summary, spec.doc) == (
            module.CODE, module.NAME, module.SEVERITY, module.SUMMARY, (module.__doc__ or "").strip()
        )  # fmt: skip
        assert (spec.check is None) == (module.check is None), name
        assert spec.profile == getattr(module, "PROFILE", None), name


def test_the_profile_rules() -> None:
    assert REGISTRY["G510"].profile == "权责清单"
    assert [s.code for s in REGISTRY.values() if s.profile] == ["G510"]
    assert "默认关闭" in REGISTRY["G510"].summary


def test_powerctl_rules_g510_says_how_to_turn_it_on(capsys: pytest.CaptureFixture[str]) -> None:
    from powerctl.cli.fast import show_rules

    assert show_rules("G510") == 0
    out = capsys.readouterr().out
    assert "默认关闭" in out and "profile: 权责清单" in out and "rules: {G510: warning}" in out
    assert show_rules(None) == 0
    listed = capsys.readouterr().out
    assert "G510  responsibility-missing" in listed and "profile: 权责清单" in listed
