"""How wide a table is, read from its words: the renderer marks wide tables (smaller type on
paper, a sideways scroll on screens) and numeric cells (right-aligned, tabular figures).

A table's narrowest possible layout is about the sum, over its columns, of the longest word in
each: words do not break. That sum, in characters, is measured here instead of laying the table
out, so both editions get the same classes without a second layout pass.
"""
from __future__ import annotations

import re

from . import model as m

WIDE = 40  # characters of unbreakable words side by side: beyond a narrow page's measure at body size
VERY_WIDE = 60
MANY_COLUMNS = 6  # padding and rules alone crowd a narrow page
NUMBER = re.compile(r"[(\-\u2212+\u00b1]?[£$€¥]?\d[\d,.'\u2009\u202f\u00a0 ]*"  # 1,096,373 · £3 · 12.5
                    r"([-\u2013]\d[\d,.]*)?"  # a range: 1831-1835
                    r"[%)]?[a-z*\u2020\u2021]{0,2}")  # 12% · (42) · 642,607i (a note letter)


def cell_text(cell: m.Cell) -> str:
    return " ".join(m.plain_text(getattr(b, "inlines", ())) for b in m.walk_blocks(cell.blocks)).strip()


def is_numeric(text: str) -> bool:
    """A figure or a range of them, to align on its digits and never break."""
    return bool(text) and NUMBER.fullmatch(text) is not None


def width_class(table: m.Table) -> str | None:
    """"very-wide", "wide" or None, from the columns' longest words and their number."""
    longest: dict[int, int] = {}
    columns = 0
    for row in table.rows:
        column = 0
        for cell in row.cells:
            if cell.colspan == 1:
                words = cell_text(cell).split() or [""]
                longest[column] = max(longest.get(column, 0), max(len(w) for w in words))
            column += cell.colspan
        columns = max(columns, column)
    narrowest = sum(longest.values()) + 2 * columns  # a cell's padding is about two characters
    if narrowest > VERY_WIDE or columns > 1.5 * MANY_COLUMNS:
        return "very-wide"
    if narrowest > WIDE or columns >= MANY_COLUMNS:
        return "wide"
    return None
