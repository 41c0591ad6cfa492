"""markup.bracket_ends stands in for Python-Markdown's ``LinkInlineProcessor._findBracketEnds`` (a
loop over every character in Python): it must give the same answer for every string."""
from __future__ import annotations

import random

import pytest
from markdown.inlinepatterns import LinkInlineProcessor

from octavo.markup import Parser, bracket_ends

from conftest import SEED

stock = getattr(LinkInlineProcessor, "_findBracketEnds", None)
pytestmark = pytest.mark.skipif(stock is None, reason="this Python-Markdown finds brackets another way")


@pytest.mark.parametrize("data", ["", "a", "[", "]", "[]", "][", "[a]b", "[[a]", "[a]]", "a[b[c]d]e]f[",
                                  "[1] and [2]", "]]]][[[[", "[[[x]]] [y] ]z["])
def test_same_ends_as_python_markdown(data):
    assert bracket_ends(data) == stock(data)


def test_same_ends_on_random_brackets_and_on_the_seed():
    rng = random.Random(21)
    for _ in range(5000):
        data = "".join(rng.choice("[]ab") for _ in range(rng.randint(0, 40)))
        assert bracket_ends(data) == stock(data), data
    seed = SEED.read_text(encoding="utf-8")
    assert "[" in seed and bracket_ends(seed) == stock(seed)


def test_the_parser_searches_brackets_with_it():
    parser = Parser("en", None, lambda n: str(n))
    links = [p for p in parser.md.inlinePatterns if isinstance(p, LinkInlineProcessor)]
    assert links and all(p._findBracketEnds is bracket_ends for p in links)
