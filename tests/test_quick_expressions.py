"""Expressions rewritten to be tried only where their first character is: each must find exactly
what the expression it replaced found (the former expressions are written out here as oracles)."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from octavo import dialect, quotes

FORMER_ELIDED = re.compile(r"(?:(?<=\s)|^)'(?=(?:tis|twas|twere|twill|tween|neath|gainst|em|n|s|t|d|m|ll|re|ve)\b)",
                           re.IGNORECASE)
FORMER_NUMBER_MARKER = re.compile(r"(?<![\]\\!\w])\[(\d{1,4})\](?![(\[:])")
BREAK = quotes.BREAK


def spans(matches):
    return [(m.span(), m.groups()) for m in matches]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["'", "'", " ", "\n", "\u2003", "\u00a0", "tis", "T", "s", "ll", "re", "x", "é",
                                 "n'", "_"]), max_size=12).map("".join))
def test_elision_is_found_where_it_was(line):
    assert dialect.ELIDED.sub("\u2019", line) == FORMER_ELIDED.sub("\u2019", line)
    assert spans(dialect.ELIDED.finditer(line)) == spans(FORMER_ELIDED.finditer(line))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "[1]", "[23]", "\\", "!", "a", "é", "_", " ", "(", ":", "7", "\n"]),
                max_size=12).map("".join))
def test_numbered_note_markers_are_found_where_they_were(line):
    assert spans(dialect.NUMBER_MARKER.finditer(line)) == spans(FORMER_NUMBER_MARKER.finditer(line))


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(sorted(quotes.QUOTES)), st.integers(0, 2), st.data())
def test_quotes_at_the_ends_of_lines_are_found_where_the_whole_search_found_them(language, which, data):
    left, right, left_single = quotes.QUOTES[language]
    opener = (left, left_single, right)[which]
    expression = re.compile(f"(?<=[^\\s{BREAK}]){quotes.SPACES}*({re.escape(opener)}){quotes.SPACES}*(?=[{BREAK}]|$)")
    pieces = [opener, opener, " ", " ", "\t", "\u00a0", "\n", BREAK, "a", ".", left, right, left_single, "\u202f"]
    text = "".join(data.draw(st.lists(st.sampled_from(pieces), max_size=14)))
    found = [m.span() for m in quotes._matches_around(expression, text, opener)]
    assert found == [m.span() for m in expression.finditer(text)]
