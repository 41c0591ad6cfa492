"""expressions.lazy: an expression compiled on first use answers as re.compile's does."""
from __future__ import annotations

import re

from octavo.expressions import lazy


def test_a_lazy_expression_answers_as_the_compiled_one_and_compiles_once():
    word = lazy(r"(?P<w>[a-z]+)-(\d)", re.IGNORECASE)
    compiled = re.compile(r"(?P<w>[a-z]+)-(\d)", re.IGNORECASE)
    text = "Ab-1, cd-2 and EF-3"
    assert word.sub(r"\2\g<w>", text) == compiled.sub(r"\2\g<w>", text) == "1Ab, 2cd and 3EF"
    assert [m.span() for m in word.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert word.search(text, 3).group("w") == "cd" and word.fullmatch("x-9").groups() == ("x", "9")
    assert (word.pattern, word.flags, word.groupindex) == (compiled.pattern, compiled.flags, compiled.groupindex)
    assert word.sub.__self__ is word.finditer.__self__  # one compiled expression behind every method

