"""How wide a table is, read from its words: the renderer marks wide tables (smaller type on
paper, a sideways scroll on screens) and numeric cells (right-aligned, tabular figures).

A table's narrowest possible layout is about the sum, over its columns, of the longest word in
each: words do not break. That sum, in characters, is measured here instead of laying the table
out, so both editions get the same classes without a second layout pass.
"""
from __future__ import annotations

import re

from . import model as m

# Characters of unbreakable content side by side (figures, header words, a few letters of a text
# word: print.css lets text words break anywhere as a last resort), padding included, from which a
# table gets smaller type. An A5 page's measure holds about 70 characters of table type.
WIDE = 64
VERY_WIDE = 84
EXTRA_WIDE = 100
TEXT_WORD = 8  # letters of a text cell's word that count as unbreakable (it is hyphenated or broken)
NUMBER = re.compile(r"[(\-\u2212+\u00b1]?[£$€¥]?\d[\d,.'\u2009\u202f\u00a0 ]*"  # 1,096,373 · £3 · 12.5
                    r"([-\u2013]\d[\d,.]*)?"  # a range: 1831-1835
                    r"[%)]?[a-z*\u2020\u2021]{0,2}")  # 12% · (42) · 642,607i (a note letter)


def cell_text(cell: m.Cell) -> str:
    return " ".join(m.plain_text(getattr(b, "inlines", ())) for b in m.walk_blocks(cell.blocks)).strip()


def is_numeric(text: str) -> bool:
    """A figure or a range of them, to align on its digits and never break."""
    return bool(text) and NUMBER.fullmatch(text) is not None


def width_class(table: m.Table) -> str | None:
    """"wide", "very-wide", "extra-wide" or None: how much smaller its type must be for the table's
    unbreakable content (figures, header words) to fit a narrow page side by side."""
    least: dict[int, int] = {}
    columns = 0
    for row in table.rows:
        column = 0
        for cell in row.cells:
            if cell.colspan == 1:
                least[column] = max(least.get(column, 0), unbreakable(cell))
            column += cell.colspan
        columns = max(columns, column)
    narrowest = sum(least.values()) + 2 * columns  # a cell's padding and rules: about two characters
    for name, limit in (("extra-wide", EXTRA_WIDE), ("very-wide", VERY_WIDE), ("wide", WIDE)):
        if narrowest > limit:
            return name
    return None


def unbreakable(cell: m.Cell) -> int:
    """Characters of a cell that stay on one line: a figure whole, a header's longest word, a few
    letters of a text word."""
    text = cell_text(cell)
    if is_numeric(text) and not cell.header:
        return len(text)
    longest = max((len(word) for word in text.split()), default=0)
    return longest if cell.header else min(longest, TEXT_WORD)
