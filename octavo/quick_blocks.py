"""Python-Markdown's block processors that ask a regular expression of every block, asked only of a
block that holds what the expression needs.

Every block of a text goes down the list of block processors until one takes it, and several of
them search the whole block with an expression that cannot match without a certain character: a
block quotation needs a ``>``, a setext heading a line that starts with ``=`` or ``-``, a link
reference definition ``]:``. On a 1.2 MB text these searches were a fifth of reading its structure
(structure.py) and of the block parse (markup.py), twice. Each class here answers exactly as the
stock one does (same expression, same result, same state) and only skips the search where it cannot
match. tests/test_quick_blocks.py compares them with the stock processors.
"""
from __future__ import annotations

from markdown.blockprocessors import BlockQuoteProcessor, ReferenceProcessor, SetextHeaderProcessor


class QuickBlockQuoteProcessor(BlockQuoteProcessor):
    def test(self, parent, block):
        return ">" in block and super().test(parent, block)  # RE: (^|\n)[ ]{0,3}>


class QuickSetextHeaderProcessor(SetextHeaderProcessor):
    def test(self, parent, block):
        # RE.match: ^.*?\n(?:=+|-+) where . stops at a newline: the first line break, then = or -
        return ("\n=" in block or "\n-" in block) and super().test(parent, block)


class QuickReferenceProcessor(ReferenceProcessor):
    def run(self, parent, blocks):
        if "]:" not in blocks[0]:  # RE: ^[ ]{0,3}\[([^\[\]]*)\]: ; the stock run puts the block back
            return False
        return super().run(parent, blocks)


# name -> (the stock class, the expression its quick test was written for, the quick class)
QUICK = {
    "quote": (BlockQuoteProcessor, r"(^|\n)[ ]{0,3}>[ ]?(.*)", QuickBlockQuoteProcessor),
    "setextheader": (SetextHeaderProcessor, r"^.*?\n(?:=+|-+)[ ]*(\n|$)", QuickSetextHeaderProcessor),
    "reference": (ReferenceProcessor, r"^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?"
                  r"""((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$""", QuickReferenceProcessor),
}


def install(parser) -> None:
    """Put the quick processors in place of the stock ones (same names and priorities), where the
    stock ones are registered and use the expression the quick ones were written for."""
    for item in list(parser.blockprocessors._priority):
        entry = QUICK.get(item.name)
        if entry is None:
            continue
        stock_class, expression, quick_class = entry
        stock = parser.blockprocessors[item.name]
        if type(stock) is stock_class and stock.RE.pattern == expression:  # else another Python-Markdown's: leave it
            parser.blockprocessors.register(quick_class(parser), item.name, item.priority)
