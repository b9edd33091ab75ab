"""A value into a workbook cell, the one way every workbook powerctl writes does it (issue 32).

openpyxl makes a formula of any text that starts with "=": a unit named "=1+1…" would run as a formula in the
clerk's Excel. Here text is always a string cell (data type "s"), whatever it starts with (= + - @, spaces,
tabs, a full-width ＝), and stays exactly the text — not prefixed with a quote — so an exported workbook reads
back byte for byte. No formula is ever made from data. The characters an XML file cannot hold (C0 controls
but tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF), which the loader reports as E004,
are dropped as the flowcharts drop them, instead of failing the whole workbook.
"""

from __future__ import annotations

import re
from typing import Any

UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def writable(text: str) -> str:
    """The text without the characters a workbook's XML cannot hold."""
    return UNWRITABLE.sub("", text)


def set_value(cell: Any, value: object) -> Any:
    """Give `cell` the value: a number (or a truth value) as itself, None as an empty cell, anything else as
    its text in a string cell — never a formula."""
    if value is None or isinstance(value, int | float):
        cell.value = value
    else:
        cell.value = writable(str(value))
        cell.data_type = "s"  # after assigning: openpyxl has just made "=…" a formula
    return cell


def put(sheet: Any, row: int, column: int, value: object) -> Any:
    """The cell at (row, column) of `sheet`, given `value` by `set_value`."""
    return set_value(sheet.cell(row=row, column=column), value)
