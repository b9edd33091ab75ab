"""The columns of a printed 一表 as wide as their text needs: the 一表 PDF (`table_pdf`) and the 一表 XLSX as
offices print it (`table.write_sheet`) share the width of the page by the same measure."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from powerctl.documents.table import Table

_MM = 72 / 25.4  # points in a millimetre
_SHORT = 4.0  # a cell of up to this many ems (行政许可, 保留) stays on one line
_NARROW = 2.0  # a column with text: at least two characters a line
_HEAD_LINES = 3  # a heading takes at most this many lines
_NORM = 8  # a row's height in the width search: the 8-norm of its cells' lines (a smooth maximum)
_BREAK_AFTER = re.compile(r"(?<=[-/])|\s+")
_LATIN = re.compile(r"[^\s\u2e80-\U0010ffff]+")
# Pieces of a time limit, an amount or a document number a line is never broken inside (45个 | 工作日, not 45个工 |
# 作日; 〔2025〕45号, not 〔2025〕45 | 号): the 一表 PDF tells Pango so (`table_pdf`), and a column is at least as wide
# as the widest of them. (A number of more than six digits may break: kept whole, it could run out of its column.)
UNBROKEN = re.compile(r"(?<!\d)\d{1,6}(?:\.\d{1,2})?[个号]?(?!\d)|工作日|自然日|个月|小时|万元")


def _ems(text: str) -> float:
    """The advance of `text` in ems of the body font: a CJK or full-width character one em, others about
    0.55 (Noto Sans CJK's Latin letters and digits)."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text)


def _word(text: str, whole: bool = False) -> float:
    """The widest piece of `text` a line may not be broken inside: a run of Latin letters and digits (broken
    after a hyphen or a slash, as 431381-CF-0001 is), a piece of a time limit (`UNBROKEN`), in ems; other CJK
    breaks anywhere."""
    runs = (run for piece in _BREAK_AFTER.split(text) for run in _LATIN.findall(piece))
    pieces = (_ems(piece) for piece in UNBROKEN.findall(text)) if whole else ()
    return max((*(0.55 * len(run) for run in runs), *pieces), default=0.0)


def _heading(table: Table, column: int) -> str:
    """The heading over `column` alone (a group's heading spans more columns and is not counted)."""
    for cell in (*table.top, *table.bottom):
        if cell.column == column and cell.colspan == 1:
            return cell.label
    return table.columns[column]


def widths(table: Table, room_mm: float, size: float, pad_mm: float, whole: bool = False) -> list[float]:
    """Each column's share of the width (fractions that add up to 1), from the table's text set at `size` pt
    across `room_mm`, each cell padded by `pad_mm` left and right.

    Each column starts at its floor: the heading in at most three lines, two characters a line for text, the
    widest word a line may not be broken inside, a short cell (行政许可, 保留) on one line. The rest of the page
    is handed out a step at a time to the column where it shortens the table most (a row is as tall as its
    tallest cell). Lines are estimated from the text (a CJK character one em, others 0.55), each line of a
    lined cell starting a line. `whole`: the pieces of `UNBROKEN` count as words (the PDF's Pango keeps them whole;
    a spreadsheet program breaks where it likes)."""
    n = len(table.columns)
    if not table.body:  # no text to go by: the table's own proportions
        return [w / sum(table.widths) for w in table.widths]
    em_mm = size / _MM
    pad = 2 * pad_mm / em_mm
    room = room_mm / em_mm - n * pad  # ems of text across the page
    body = table.body
    floors: list[float] = []
    items: list[list[list[float]]] = []  # per column, per row: the ems of each line the cell starts
    for c in range(n):
        cells = [row[c] for row in body]
        floor = max(1.0, math.ceil(_ems(_heading(table, c)) / _HEAD_LINES))
        if any(_ems(cell) > _NARROW for cell in cells):  # text: at least two characters a line
            floor = max(floor, _NARROW)
        short = (_ems(cell) for cell in cells if "\n" not in cell and _ems(cell) <= _SHORT)  # 行政许可, 保留
        floors.append(max([floor, *short, *(_word(cell, whole) for cell in cells)]) + 0.3)  # rounding, the real glyphs
        parts = [cell.split("\n") if table.lined[c] else [cell] for cell in cells]
        items.append([[_ems(part) for part in cell] for cell in parts])
    chosen = _spread(floors, items, room)
    total = sum(w + pad for w in chosen)
    return [(w + pad) / total for w in chosen]


def _lines(cells: list[list[float]], width: float) -> list[float]:
    """Per row: about how many lines the column's cell takes at `width` ems (each line it starts ends half
    full on average: counted so, the estimate changes smoothly with the width, and the widths are shared by
    what the column's text needs on the whole and not by where one cell happens to wrap)."""
    return [sum(max(1.0, e / width + 0.5) for e in cell) for cell in cells]


def _spread(floors: Sequence[float], items: list[list[list[float]]], room: float) -> list[float]:
    """The widths (ems): the floors, and the rest of `room` given a step at a time where it saves most."""
    chosen = list(floors)
    spare = room - sum(chosen)
    if spare <= 0:
        return chosen
    step = max(0.5, spare / 120)  # at most about 120 rounds
    lines = [_lines(col, w) for col, w in zip(items, chosen, strict=True)]
    wider = [_lines(col, w + step) for col, w in zip(items, chosen, strict=True)]
    # A row's height is its tallest cell: measured smoothly as the 8-norm of its cells' lines, so that where two
    # cells are about as tall, widening either counts (the plain maximum would credit neither).
    power = [sum(col[r] ** _NORM for col in lines) for r in range(len(lines[0]))]
    while spare >= step:
        saved = [
            sum(
                s ** (1 / _NORM) - (s - a**_NORM + b**_NORM) ** (1 / _NORM)
                for s, a, b in zip(power, now, then, strict=True)
            )
            for now, then in zip(lines, wider, strict=True)
        ]
        best = max(range(len(chosen)), key=saved.__getitem__)
        chosen[best] += step
        spare -= step
        power = [s - a**_NORM + b**_NORM for s, a, b in zip(power, lines[best], wider[best], strict=True)]
        lines[best] = wider[best]
        wider[best] = _lines(items[best], chosen[best] + step)
    chosen[-1] += spare
    return chosen
