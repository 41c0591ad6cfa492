"""Paragraph numbers for handouts: which blocks of a text a class cites as "¶ 12".

The rule, per text, counting from 1 in reading order: every paragraph with words in it, every
stanza of verse, every item of a list, and a block quotation as one unit (its inner paragraphs are
not counted separately). Raw-HTML divisions and boxes (notes, exercises) are looked through: their
blocks count by the same rule; solutions are not numbered, so a student copy (solutions at the end
or left out) carries the same numbers as the teacher's.
Headings, tables, figures, rules, code, notes, title pages and credits are not numbered. The same
map serves the EPUB and the PDF, so both editions carry the same numbers and ids.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import model as m


@dataclass(frozen=True)
class Number:
    """A numbered block's number and the id it takes in both editions (``para-N``, ``tK-para-N``)."""

    n: int
    id: str


def book_numbers(book: m.Book) -> dict[str, Number]:
    """Block id -> its paragraph number, for every text of the book (each numbered from 1)."""
    found: dict[str, Number] = {}
    for text in book.texts:
        found.update(text_numbers(text))
    return found


def text_numbers(text: m.Text) -> dict[str, Number]:
    """Block id -> number for one text; ids are prefixed with the text's own id prefix."""
    counted = [block.id for section in text.sections for block in numbered_blocks(section.blocks)]
    return {block_id: Number(n, f"{text.id}para-{n}") for n, block_id in enumerate(counted, 1)}


def numbered_blocks(blocks: tuple[m.Block, ...]):
    """The blocks that get a number, in reading order."""
    for block in blocks:
        if isinstance(block, m.Paragraph) and _has_words(block.inlines):
            yield block
        elif isinstance(block, (m.Verse, m.Quotation)):
            yield block
        elif isinstance(block, m.ListBlock):
            yield from block.items  # an item is one unit, whatever it holds
        elif isinstance(block, m.Division) or (isinstance(block, m.Callout) and block.kind != "solution"):
            yield from numbered_blocks(block.blocks)


def _has_words(inlines: tuple[m.Inline, ...]) -> bool:
    return any(c.isalnum() for c in m.plain_text(inlines))
