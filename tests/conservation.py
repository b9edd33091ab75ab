"""The conservation law of `powerctl import`, checked from the outside.

A layout written for the tests says, for every non-empty cell of every data row, what that cell holds: its
atoms (a name, a category, each citation, each 责任事项 and 追责情形 line, a time limit, a note …), each with
the power that should hold it. An atom is accounted for when the imported catalogue holds it, or when the report
names its cell and its words. Everything else is unaccounted. The ledger is written by the layout code, not read
back with the importer's own parsers: a check of the importer, not a copy of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from powerctl.importer.sheets import Table


@dataclass(frozen=True)
class Atom:
    row: int  # 0-based, in the table
    col: int
    kind: str  # name category code department unit units cite duty acc limit note fee status parent plain report
    power: str | None  # the name of the power that holds it (None: report only)
    value: Any
    text: str  # its words in the cell (what a report must show)


@dataclass
class Ledger:
    """A table's cells and what each holds."""

    rows: list[list[str]] = field(default_factory=list)
    atoms: list[Atom] = field(default_factory=list)
    header_rows: set[int] = field(default_factory=set)  # title, count and header rows: not data
    copies: set[tuple[int, int]] = field(default_factory=set)  # cells a merge filled (not the merge's origin)

    def add(self, r: int, c: int, kind: str, power: str | None, value: Any, text: str = "") -> None:
        self.atoms.append(Atom(r, c, kind, power, value, text or str(value)))


def _powers(units: Sequence[Any], name: str) -> list[tuple[Any, int, dict[str, Any]]]:
    return [(u, i, p) for u in units for i, p in enumerate(u.powers) if p.get("name") == name]


def _held(atom: Atom, units: Sequence[Any]) -> bool:
    found = _powers(units, atom.power or "")
    if atom.kind == "units":  # a joint 实施主体: the power in each unit
        return set(atom.value) <= {u.name for u, _, _ in found}
    for unit, index, p in found:
        v = atom.value
        k = atom.kind
        if (
            (k == "name")
            or (k == "plain" and index not in getattr(unit, "parents", {}))
            or (k == "unit" and (unit.name == v or p.get("subject") == v))
            or (k in ("category", "code", "department", "status", "note", "fee") and p.get(k) == v)
            or (k == "cite" and any((b["law"], b["article"]) == v[:2] and b.get("quote") == v[2] for b in p["basis"]))
            or (k == "duty" and v in p.get("responsibilities", []))
            or (k == "acc" and v in p.get("accountability", []))
            or (k == "limit" and isinstance(p.get("time_limit"), dict) and p["time_limit"].get(v[0], "?") == v[1])
            or (
                k == "parent"
                and index in getattr(unit, "parents", {})
                and unit.powers[unit.parents[index]].get("name") == v
            )
        ):
            return True
    return False


def unaccounted(table: Table, ledger: Ledger, units: Sequence[Any], unmapped: Iterable[Any]) -> list[Atom]:
    """Atoms neither in the catalogue nor reported at their cell with their words; and for every non-empty
    data cell the ledger forgot, an atom of kind "?" (so that a layout cannot leave a cell out)."""
    reported: dict[str, list[str]] = {}
    for u in unmapped:
        reported.setdefault(u.where, []).append(u.text)
    lost = []
    for atom in ledger.atoms:
        where = table.where(atom.row, atom.col)
        said = any(atom.text in t or (t and t in atom.text) for t in reported.get(where, []))
        if atom.kind == "report":
            if not said:
                lost.append(atom)
        elif not said and not _held(atom, units):
            lost.append(atom)
    covered = {(a.row, a.col) for a in ledger.atoms}
    for r, row in enumerate(ledger.rows):
        if r in ledger.header_rows:
            continue
        for c, text in enumerate(row):
            if text.strip() and (r, c) not in covered and (r, c) not in ledger.copies:
                lost.append(Atom(r, c, "?", None, text, text))
    return lost


def cells(lost: Iterable[Atom]) -> set[tuple[int, int]]:
    return {(a.row, a.col) for a in lost}
