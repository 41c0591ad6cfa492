"""The quick block processors (octavo/quick_blocks.py, and the fence and footnote tests that look for
their characters first) read blocks as Python-Markdown's stock processors do.

Oracle: the same parse and the same structure scan with the stock processors put back; on tricky
blocks (quotations, setext underlines, rules, reference definitions, footnote definitions, fences,
HTML, lists) both give the same XHTML and the same kind for every line.
"""
from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from markdown.extensions.footnotes import FootnoteBlockProcessor

from octavo import markup, quick_blocks, structure
from octavo.diagnostics import Collector
from octavo.markup import FencedCodeProcessor, Parser


def _stock_fence_test(self, parent, block):
    return bool(markup.FENCE_OPEN.match(block.split("\n", 1)[0])) or self._interrupts(
        markup._item_lines(parent, block)) is not None


@contextmanager
def stock_processors():
    """Python-Markdown's own block processors and the fence and footnote tests without their
    character checks (what the build did before)."""
    with mock.patch.object(quick_blocks, "install", lambda parser: None), \
            mock.patch.object(FencedCodeProcessor, "test", _stock_fence_test), \
            mock.patch.object(structure._NoteDefinitions, "run", FootnoteBlockProcessor.run):
        yield


def test_the_build_uses_the_quick_processors():
    md = markup.new_markdown()
    assert type(md.parser.blockprocessors["quote"]) is quick_blocks.QuickBlockQuoteProcessor
    assert type(md.parser.blockprocessors["setextheader"]) is quick_blocks.QuickSetextHeaderProcessor
    assert type(md.parser.blockprocessors["reference"]) is quick_blocks.QuickReferenceProcessor
    with stock_processors():
        stock = markup.new_markdown()
    assert type(stock.parser.blockprocessors["quote"]).__name__ == "BlockQuoteProcessor"


def parse(text: str) -> str:
    parser = Parser("en", Collector("x.md"), written=lambda n: "")
    tree = parser.parse(text, list(range(1, text.count("\n") + 2)))
    return etree.tostring(tree, encoding="unicode").replace(parser.nonce, "NONCE")


def both(text: str):
    quick = (parse(text), structure.scan(text.split("\n")).kinds)
    with stock_processors():
        stock = (parse(text), structure.scan(text.split("\n")).kinds)
    return quick, stock


LINES = st.sampled_from([
    "", "", "text", "more text here", "> quoted", ">", "  > indented quote", "a > b", "===", "---", "-", "=",
    "Title", "* * *", "___", "- item", "1. item", "    code", "```", "~~~", "```python", "[a]: http://x.org",
    "[b]: <http://y.org> \"T\"", "see [a] and [b][]", "[^1]: a note", "    its second paragraph", "x]: y",
    "<div>", "</div>", "<!-- c -->", "# Heading", "Setext", "| a | b |", "|---|---|", "!!! note", ":::",
    "term ]: not a ref", "[^x]", "> - quoted item", "> ```", "text `code` text",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=14).map("\n".join))
def test_quick_and_stock_processors_read_alike(text):
    quick, stock = both(text)
    assert quick == stock


@pytest.mark.parametrize("text", [
    "> a quotation\n> over two lines\n\nand a paragraph with a > in it",
    "A setext heading\n================\n\nAnother\n---\n\nnot one\n - a list",
    "text\n\n[ref]: http://x.org \"Title\"\n[other]:\n  http://y.org\n\nuses [ref] and [other]",
    "a paragraph with ]: inside it\n\n[a]: b",
    "text\n\n```\ncode\n```\n\n~~~\nmore\n~~~\n\n- item\n\n    ```\n    in item\n    ```",
    "text before\n```\na fence that interrupts\n```",
    "[^1]: a note\n\n    its second paragraph\n\ntext[^1]",
])
def test_tricky_blocks_read_alike(text):
    quick, stock = both(text)
    assert quick == stock
