"""How wide a table is, read from its words: the renderer marks wide tables (smaller type on
paper, a sideways scroll on screens), numeric cells (right-aligned, tabular figures, never broken)
and, on paper, splits a table too wide for the measure into column groups that repeat its label
column.

A table's narrowest possible layout is about the sum, over its columns, of the longest word in
each: a column is never narrower than its longest word, and a figure never breaks. That sum, in
characters, is measured here instead of laying the table out, so both editions get the same
classes without a second layout pass.
"""
from __future__ import annotations

import re

from lxml import etree

from . import model as m
from .expressions import lazy

# Characters of unbreakable content side by side (figures, the longest word of each cell), padding
# included, from which a table gets smaller type (print.css: 0.75 em of the body's 10.5 pt, 7.9 pt,
# never less: nothing is set below 7 pt). An A5 page's measure holds about 70 characters of table type.
WIDE = 64
TEXT_WORD = 14  # letters of a text cell's word that count as unbreakable (longer ones are hyphenated)
# Characters of a wide table's type (7.9 pt) the measure of each paper holds: the page width less
# print.css's margins (30 mm), at about 1.5 mm a character of figures (handout.css: a 130 mm
# measure on any paper). A table that needs more is printed in column groups, each repeating the
# label column.
MEASURE = {"a5": 78, "6x9": 81, "b5": 97, "a4": 120, "letter": 124, "legal": 124, "half-letter": 73}
HANDOUT_MEASURE = 86
SHORT = 6  # rows of a table printed whole on one page (print.css table.short): split, it reads as two tables
NUMBER = lazy(r"([A-Za-z]{1,4}\.\s*)?"  # a unit before it: lbs. 135,831,162 · yds. 1,091,373,930
              r"[(\-\u2212+\u00b1]?[£$€¥]?\d[\d,.'\u2009\u202f\u00a0 ]*"  # 1,096,373 · £3 · 12.5
              r"([-\u2013]\d[\d,.]*)?"  # a range: 1831-1835
              r"[%)]?[a-z*\u2020\u2021]{0,2}"  # 12% · (42) · 642,607i (a note letter)
              r"(\s+[A-Za-z]{1,4}\.)?")  # a unit after it: 401,949,393 lbs.


PLACEHOLDERS = {"\u2014", "\u2013", "-", "\u2026", "...", "\u2014 \u2014"}  # "no figure": set as a figure is


def set_alike(blocks) -> frozenset[int]:
    """Ids (``id()``) of the tables among ``blocks`` to set in small type because one of them is
    wide: tables read together (two in one note) look alike."""
    found = [block for block in m.walk_blocks(blocks) if isinstance(block, m.Table)]
    return frozenset(map(id, found)) if any(width_class(t) for t in found) else frozenset()


def cell_text(cell: m.Cell) -> str:
    return " ".join(m.plain_text(getattr(b, "inlines", ())) for b in m.walk_blocks(cell.blocks)).strip()


def is_numeric(text: str) -> bool:
    """A figure or a range of them (with its unit), or a dash standing for none, to align on its
    digits and never break."""
    return bool(text) and (NUMBER.fullmatch(text) is not None or text in PLACEHOLDERS)


def figure_cells(table: m.Table) -> frozenset[int]:
    """Ids (``id()``) of the cells of the columns that hold figures: more than half of a column's
    body cells with text are figures (at least two). The whole column is right-aligned, its head and
    a cell of words among its figures ("22,301 men / 12,379 women") too: a column reads down one edge."""
    columns: dict[int, list[m.Cell]] = {}
    for row in table.rows:
        column = 0
        for cell in row.cells:
            if cell.colspan == 1:
                columns.setdefault(column, []).append(cell)
            column += cell.colspan
    heads = header_rows(table)
    body = {id(c) for row in table.rows[heads:] if row.group != "head" for c in row.cells}
    found: set[int] = set()
    for cells in columns.values():
        texts = [cell_text(c) for c in cells if id(c) in body and not c.header and cell_text(c)]
        if len(texts) >= 2 and 2 * sum(map(is_numeric, texts)) > len(texts):
            found.update(id(c) for c in cells)
    return frozenset(found)


def width_class(table: m.Table) -> str | None:
    """"wide" or None: whether its type must be smaller for the table's unbreakable content
    (figures, words) to fit a narrow page side by side."""
    least, columns = least_widths(table)
    return "wide" if sum(least.values()) + 2 * columns > WIDE else None


def least_widths(table: m.Table) -> tuple[dict[int, int], int]:
    """Column index -> characters of its widest unbreakable content (cells of one column only),
    and the number of columns."""
    least: dict[int, int] = {}
    columns = 0
    for row in table.rows:
        column = 0
        for cell in row.cells:
            if cell.colspan == 1:
                least[column] = max(least.get(column, 0), unbreakable(cell))
            column += cell.colspan
        columns = max(columns, column)
    return least, columns


def measure(paper: str, profile: str = "book") -> int:
    """Characters of a wide table's type that a page of ``paper`` holds across its measure."""
    room = MEASURE.get(paper.lower(), MEASURE["a5"])
    return min(room, HANDOUT_MEASURE) if profile == "handout" else room


def column_groups(table: m.Table, room: int) -> list[tuple[int, ...]] | None:
    """The columns of each table to print instead of ``table`` when it does not fit ``room``
    characters: the label column (the first) and as many of the others as fit, in order; None when
    it fits, or when its cells span columns other than whole rows (it is printed whole, smaller)."""
    least, columns = least_widths(table)
    width = {c: least.get(c, 0) + 2 for c in range(columns)}  # a cell's padding and rules: two characters
    if columns < 3 or sum(width.values()) <= room or not _splittable(table, columns):
        return None
    groups, current = [], [0]
    for column in range(1, columns):
        if len(current) > 1 and sum(width[c] for c in current) + width[column] > room:
            groups.append(tuple(current))
            current = [0]
        current.append(column)
    groups.append(tuple(current))
    if len(groups) < 2:
        return None
    even = _even(columns, len(groups))  # as many groups, of about as many columns each, if they fit
    return even if all(sum(width[c] for c in group) <= room for group in even) else groups


CH_PER_CHARACTER = 0.9  # MEASURE's characters (1.5 mm) in widths of the figure 0 of the table's type (1.67 mm)
GUTTER = 2  # widths of 0 a figure column takes besides its longest figure (whose commas are narrower): a gutter of 1 em at least


def group_columns(table: m.Table, groups: list[tuple[int, ...]], room: int) -> tuple[float, float]:
    """Percent of the measure for the label column and for each figure column, the same in every
    column group of ``table``: its figures stand in the same places from group to group, with a
    gutter of at least 1 em, and the label column takes what the widest group leaves."""
    least, _ = least_widths(table)
    widest = max(len(group) - 1 for group in groups)
    figure = max(least.get(c, 0) for group in groups for c in group[1:]) + GUTTER
    share = min(100 * figure / (room * CH_PER_CHARACTER), 100 * 0.8 / widest)  # the labels keep a fifth at least
    return 100 - widest * share, share


def short_with_notes(blocks) -> frozenset[int]:
    """Ids (``id()``) of the short tables (SHORT rows or fewer) among ``blocks`` followed by their
    own notes (a block classed ``table-note``): printed whole, their notes under them on their page."""
    found = set()
    for block, after in zip(blocks, blocks[1:]):
        if isinstance(block, m.Table) and len(block.rows) <= SHORT \
                and "table-note" in dict(getattr(after, "attrs", ())).get("class", "").split():
            found.add(id(block))
    return frozenset(found)


def _even(columns: int, count: int) -> list[tuple[int, ...]]:
    """Columns 1 .. columns-1 cut into ``count`` runs of nearly equal length, each after column 0."""
    others = list(range(1, columns))
    size, extra = divmod(len(others), count)
    groups, start = [], 0
    for n in range(count):
        end = start + size + (1 if n < extra else 0)
        groups.append((0, *others[start:end]))
        start = end
    return groups


def _splittable(table: m.Table, columns: int) -> bool:
    """Every cell spans one column and one row, or a whole row (a group label: COTTON)."""
    return all((cell.colspan == 1 or cell.colspan == columns) and cell.rowspan == 1
               for row in table.rows for cell in row.cells)


def cells_in(row: m.Row, group: tuple[int, ...], columns: int) -> list[m.Cell]:
    """The cells of ``row`` in the columns of ``group``; a cell across the whole row spans the group."""
    kept, column = [], 0
    for cell in row.cells:
        if cell.colspan == columns and columns > 1:
            kept.append(m.Cell(cell.blocks, cell.header, len(group), 1, cell.align, cell.attrs))
        elif column in group:
            kept.append(cell)
        column += cell.colspan
    return kept


def header_rows(table: m.Table) -> int:
    """How many rows open the table as its header: rows the source marked so, or else (an archive's
    HTML table writes its header as bold body cells) leading rows whose every cell is bold or empty,
    followed by at least one other row, or else a first row with an empty corner and a text over
    every other column. Printed as a header, they repeat after a page break and
    stay with the first body row."""
    marked = sum(1 for _ in _leading(table.rows, lambda row: row.group == "head"))
    if marked:
        return marked
    bold = sum(1 for _ in _leading(table.rows, _bold_row))
    if bold:
        return bold if bold < len(table.rows) else 0
    return 1 if len(table.rows) > 2 and _corner_row(table.rows[0]) else 0


def _corner_row(row: m.Row) -> bool:
    """A row that names columns: an empty corner over the label column, then a text in every other
    cell (Capital's note 96: "Quantity Exported. 1848." over its columns of figures)."""
    texts = [cell_text(cell) for cell in row.cells]
    return (row.group == "body" and len(texts) > 2 and not texts[0] and row.cells[0].colspan == 1
            and all(texts[1:]))


def _leading(rows, wanted):
    for row in rows:
        if not wanted(row):
            return
        yield row


def _bold_row(row: m.Row) -> bool:
    kinds = [_bold_cell(cell) for cell in row.cells]
    return row.group == "body" and all(k is not False for k in kinds) and any(kinds)


def _bold_cell(cell: m.Cell) -> bool | None:
    """True: all its text is bold or a header's; None: no text; False: some text is not bold."""
    if cell.header:
        return True
    inlines = [i for b in m.walk_blocks(cell.blocks) for i in getattr(b, "inlines", ())
               if not (isinstance(i, m.Run) and not i.text.strip()) and not isinstance(i, m.LineBreak)]
    if not inlines:
        return None
    return all(isinstance(i, m.Span) and i.kind in ("strong", "bold") for i in inlines)


def unbreakable(cell: m.Cell) -> int:
    """Characters of a cell that stay on one line: a figure whole (each line of it), its longest
    word (hyphenation may break a very long text word)."""
    text = cell_text(cell)
    longest = max((len(word) for word in text.split()), default=0)
    if is_numeric(text):  # whole on its line; a unit before it may have a line of its own (lbs.<br>135,831,162)
        return longest if text[0].isalpha() else len(text)
    return longest if cell.header else min(longest, TEXT_WORD)


# --- a table's own notes ----------------------------------------------------------------------------

# A table's note as printed under it: a short label (i., ii., a), *, 1.) then the note's words.
NOTE_LABEL = lazy(r"^\s*(?:[ivxlc]{1,6}|[a-z]|\d{1,3}|\*{1,3}|[\u2020\u2021]{1,2})\s*[.)]?\s+", re.IGNORECASE)


def note_words(text: str) -> str:
    """A note's text compared with a table note's: its words, spaces of any kind made one."""
    return " ".join(text.split())


def notes_under_tables(tree) -> dict[str, etree._Element]:
    """The notes a source prints under its tables, by their words (label left out): the paragraphs
    that come after a table, before the next heading or text paragraph, and open with a short label.

    An archive transcribing a printed book may give a table's notes twice: as labelled paragraphs
    under the table (Capital ch. 15: "i. Of these only 177,596 ...", called by the table's
    superscript i) and again as footnote definitions no reference points at (its [^143]). The
    paragraphs under the table are where the reader meets them; the unreferenced copies are
    dropped (resolve.py, notes.table-note)."""
    found: dict[str, etree._Element] = {}
    for table in tree.iter("table"):
        for sibling in table.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag in ("table", "h1", "h2", "h3", "h4", "h5", "h6"):
                break
            paragraphs = [sibling] if sibling.tag == "p" else list(sibling.iter("p"))
            labelled = [p for p in paragraphs if NOTE_LABEL.match("".join(p.itertext()))]
            if not labelled:
                break
            for p in labelled:
                words = note_words(NOTE_LABEL.sub("", "".join(p.itertext()), count=1))
                if words:
                    found.setdefault(words, p)
    return found


def cell_labels(table: m.Table) -> dict[int, str]:
    """Ids (``id()``) of a table's body cells -> the words of its column's header cells ("Quantity
    Exported. 1848."): a screen too narrow for the table sets each row as a block, each figure
    beside its column's head (epub.css). Cells of the label column and cells across columns have none."""
    heads = header_rows(table)
    words: dict[int, list[str]] = {}
    for row in table.rows[:heads]:
        column = 0
        for cell in row.cells:
            for spanned in range(column, column + cell.colspan):
                if cell_text(cell):
                    words.setdefault(spanned, []).append(cell_text(cell))
            column += cell.colspan
    labels: dict[int, str] = {}
    for row in table.rows[heads:]:
        column = 0
        for cell in row.cells:
            if cell.colspan == 1 and column > 0 and words.get(column):
                labels[id(cell)] = " ".join(dict.fromkeys(words[column]))
            column += cell.colspan
    return labels
