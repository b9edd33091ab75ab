"""The built-in law registry: facts about laws (names, short names, level, dates, status), no texts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from powerctl.load import load_file

BUILTIN = Path(__file__).resolve().parent / "builtin.yaml"
PREFIX = "中华人民共和国"


@dataclass(frozen=True, slots=True)
class Law:
    name: str
    short: tuple[str, ...]
    level: str
    status: str
    issued_by: str | None = None
    promulgated: str | None = None
    effective: str | None = None
    repealed: str | None = None
    replaced_by: str | None = None
    articles: int | None = None


@dataclass(frozen=True)
class Registry:
    laws: tuple[Law, ...]

    @property
    def by_short_name(self) -> dict[str, Law]:
        """Short names (including the title without 中华人民共和国) to their law."""
        out: dict[str, Law] = {}
        for law in self.laws:
            names = list(law.short)
            if law.name.startswith(PREFIX):
                names.append(law.name[len(PREFIX) :])
            for n in names:
                if n and n != law.name:
                    out.setdefault(n, law)
        return out


@cache
def builtin() -> Registry:
    """The registry shipped in the package; empty if the data file is missing or broken."""
    if not BUILTIN.is_file():
        return Registry(())
    doc = load_file(BUILTIN)
    data = doc.data if isinstance(doc.data, dict) else {}
    laws = []
    for item in data.get("laws") or []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        laws.append(
            Law(
                name=item["name"],
                short=tuple(str(s) for s in item.get("short") or ()),
                level=str(item.get("level", "")),
                status=str(item.get("status", "有效")),
                issued_by=item.get("issued_by"),
                promulgated=item.get("promulgated"),
                effective=item.get("effective"),
                repealed=item.get("repealed"),
                replaced_by=item.get("replaced_by"),
                articles=item.get("articles"),
            )
        )
    return Registry(tuple(laws))
