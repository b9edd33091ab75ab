"""Lines as a clerk sees them, for positions that libyaml counts differently.

libyaml also breaks lines at NEL, LS and PS (as YAML 1.1 did); YAML 1.2 and every editor only at CR and LF.
Word writes LS for a manual line break, so a pasted value can hold one inside quotes: the positions libyaml
gives after it are mapped back to the lines of the file (`relines`, `remark`).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_OLD_BREAKS = ("\x85", "\u2028", "\u2029")
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def relines(text: str) -> list[tuple[int, int]] | None:
    """For each line as libyaml counts them: (its line in the file, the column its first character has there);
    None when the two counts agree."""
    if not any(ch in text for ch in _OLD_BREAKS):
        return None
    table = [(0, 0)]
    line = start = 0
    for found in _BREAKS.finditer(text):
        if found.group() in _OLD_BREAKS:
            table.append((line, found.end() - start))
        else:
            line, start = line + 1, found.end()
            table.append((line, 0))
    return table


def split_lines(text: str) -> list[str]:
    """The file's lines as YAML 1.2 and editors count them (`str.splitlines` also breaks at NEL, LS, PS, VT, FF)."""
    lines = re.split("\r\n|[\r\n]", text)
    return lines[:-1] if lines[-1] == "" else lines


def remark(mark: Any, table: list[tuple[int, int]] | None) -> Any:
    """libyaml's mark at the line and column it has in the file (`table`: `relines`; None: as it is)."""
    if mark is None or table is None or not 0 <= mark.line < len(table):
        return mark
    line, offset = table[mark.line]
    return yaml.Mark(mark.name, mark.index, line, offset + mark.column, None, 0)
