"""The export workbook's column a finding's field is edited in, named in the finding's hint.

A clerk who keeps the catalogue in the workbook (`powerctl export`, then `import --update`) knows 承诺时限 and
公开范围, not `time_limit.promised`. A finding on a power's field that the workbook carries says which column to
edit and what to type there, from `domain.workbook.COLUMNS` (the one list of the columns), so a column added
there is named here without more code.
"""

from __future__ import annotations

from functools import cache

from powerctl.domain.workbook import COLUMNS, Column
from powerctl.source.span import Path

_SHORT_NOTE = 30  # characters
_LIST_OPTIONS = 6  # a dropdown with more choices than this is named as a dropdown, not listed


def _what(column: Column, hint: str) -> str:
    if column.note:
        # A long note is cut to its first clause (what to type); a short one is said whole.
        return column.note if len(column.note) <= _SHORT_NOTE else column.note.split("；")[0]
    if column.options:
        if len(column.options) <= _LIST_OPTIONS and not all(o in hint for o in column.options):
            return "从下拉选项中选：" + "、".join(column.options)
        return "从下拉选项中选"
    return ""


@cache
def _columns_under(field: tuple[str, ...]) -> tuple[Column, ...]:
    """The columns that show this field of a power: the one whose path holds it, else those inside it."""
    holding = [c for c in COLUMNS if c.path == field[: len(c.path)]]
    if holding:
        return (max(holding, key=lambda c: len(c.path)),)
    return tuple(c for c in COLUMNS if c.path[: len(field)] == field)


def column_hint(path: Path, hint: str = "") -> str:
    """Where to edit a power's field in the export workbook, in words; "" when the workbook has no column
    for it (or the path is not a power's field)."""
    if len(path) < 3 or path[0] != "powers" or not isinstance(path[1], int):
        return ""
    field = tuple(p for p in path[2:] if isinstance(p, str))
    if not field or not isinstance(path[2], str):
        return ""
    columns = _columns_under(field)
    if not columns:
        return ""
    if len(columns) == 1:
        column = columns[0]
        what = _what(column, hint)
        key = ".".join(column.path)
        return f"在导出的表格中改「{column.header}」列（{key}）" + (f"：{what}" if what else "")
    names = "、".join(f"「{c.header}」" for c in columns)
    return f"在导出的表格中改 {names} 列（{'.'.join(field)}）"


def with_column(hint: str, path: Path) -> str:
    """The hint, with the workbook column the field is edited in when it has one."""
    where = column_hint(path, hint)
    if not where or where in hint:
        return hint
    return f"{hint.rstrip()}；{where}" if hint.strip() else where
