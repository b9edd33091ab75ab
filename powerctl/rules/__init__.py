"""The rule registry: a plain dict from code to rule module, in the order of DESIGN.md.

A rule module has a docstring (the user documentation: 检查什么 / 为什么 / 错误示例 / 正确示例),
CODE, NAME, SEVERITY, SUMMARY and ``check(unit, ctx)`` yielding Violations, or ``check = None``
when the finding comes from the loader, the schema check or the engine.

The modules are imported on first use of REGISTRY (they pull in the model and the law registries), so
that `powerctl.rules.catalog` — what `powerctl rules` prints — can be read without them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from powerctl.rules.catalog import ORDER

if TYPE_CHECKING:
    from powerctl.rules._base import Check


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    severity: str
    summary: str
    doc: str
    check: Check | None


def _registry() -> dict[str, RuleSpec]:
    modules: list[ModuleType] = [importlib.import_module(f"powerctl.rules.{name}") for name in ORDER]
    return {
        m.CODE: RuleSpec(m.CODE, m.NAME, m.SEVERITY, m.SUMMARY, (m.__doc__ or "").strip(), m.check) for m in modules
    }


_loaded: dict[str, RuleSpec] | None = None


def __getattr__(name: str) -> dict[str, RuleSpec]:
    global _loaded
    if name == "REGISTRY":
        if _loaded is None:
            _loaded = _registry()
        return _loaded
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lookup(code_or_name: str) -> RuleSpec | None:
    key = code_or_name.strip()
    registry = __getattr__("REGISTRY")
    spec = registry.get(key.upper())
    if spec is not None:
        return spec
    return next((s for s in registry.values() if s.name == key.lower()), None)
