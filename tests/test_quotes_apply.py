"""quotes._apply copies text in slices; it must place every character and replacement where the
character-by-character walk it replaced did (the walk is written out here as the oracle)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from octavo import quotes


def walk(pieces: list[str], edits: list[tuple[int, int, str]]) -> list[str]:
    """The former _apply, one character at a time: what each piece's text becomes."""
    text = "".join(pieces)
    owner = [n for n, piece in enumerate(pieces) for _ in piece]
    new = [""] * len(pieces)
    pos, k = 0, 0
    while pos < len(text):
        if k < len(edits) and edits[k][0] == pos:
            start, end, replacement = edits[k]
            new[owner[start]] += replacement
            pos, k = max(end, pos + 1), k + 1
            continue
        new[owner[pos]] += text[pos]
        pos += 1
    return new


class Holder:
    def __init__(self, text: str):
        self.text = text


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet='ab"\' \u00a0', max_size=5), min_size=1, max_size=5),
       st.lists(st.tuples(st.integers(0, 22), st.integers(0, 3), st.sampled_from(["", "\u201d", "\u00ab\u202f"])),
                max_size=5))
def test_slices_land_where_the_walk_put_each_character(pieces, raw):
    text = "".join(pieces)
    edits = sorted((start, start + length, replacement) for start, length, replacement in raw)
    holders = [Holder(p) for p in pieces]
    quotes._apply([(h, "text", p) for h, p in zip(holders, pieces)], text, edits)
    expected = walk(pieces, edits) if edits else pieces
    assert [h.text for h in holders] == [(e or None) if e != p else p for e, p in zip(expected, pieces)]
