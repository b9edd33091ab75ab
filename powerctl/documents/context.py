"""What every document of a unit's bundle is made from: the unit, the audience's powers, the laws."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import jinja2
from markupsafe import Markup

from powerctl.catalogue.model import Power, Unit
from powerctl.laws.resolve import LawResolver
from powerctl.resources import TEMPLATES

AUDIENCES = ("public", "internal")
AUDIENCE_ZH = {"public": "社会公开版", "internal": "内部版"}


@dataclass(frozen=True)
class UnitDocs:
    unit: Unit
    powers: tuple[Power, ...]  # the audience's powers, in catalogue order
    audience: str  # public | internal
    laws: LawResolver  # resolve citations; its index (when built) has article texts
    flowcharts: dict[str, str]  # power id → path of its SVG, relative to the unit's bundle folder
    duties: str = "auto"  # 一表's 责任事项 and 追责情形 columns: auto (when a power has them), on, off

    @property
    def public(self) -> bool:
        return self.audience == "public"

    @property
    def shows_duties(self) -> bool:
        """Whether 一表 has the 责任事项 and 追责情形 columns: as configured, or (auto) when any of the
        audience's powers has either."""
        if self.duties != "auto":
            return self.duties == "on"
        return any(p.responsibilities or p.accountability for p in self.powers)


def audience_powers(unit: Unit, audience: str) -> tuple[Power, ...]:
    """A public bundle holds only powers whose disclosure scope is 社会公开; an internal one holds all."""
    if audience == "internal":
        return unit.powers
    return tuple(p for p in unit.powers if p.disclosure.scope == "社会公开")


def css_string(value: object) -> Markup:
    """A quoted CSS string for a <style> element, where HTML escapes are not decoded: quotes, backslashes,
    line breaks, control characters and < (no </style> can be spelt) become CSS escapes."""
    out = []
    for ch in str(value):
        out.append(f"\\{ord(ch):X} " if ch in '"\\<>&' or ord(ch) < 0x20 or ord(ch) == 0x7F else ch)
    return Markup('"' + "".join(out) + '"')


@cache
def environment() -> jinja2.Environment:
    """The one Jinja2 environment: templates/ folder, autoescape, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    return env
