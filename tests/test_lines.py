"""Every diagnostic about a block or an inline construct names the line it was written on.

The source below mentions, near the top, the very words the problems further down are about
(an iframe, an image's file name, a link's target, an id): a line found by searching for the
first line that contains the words would be one of those. Each problem is written inside a
paragraph of several lines, a list, a quotation, a table or a note, so the block's first line
is not enough either.
"""
from __future__ import annotations

import textwrap

from conftest import build_into, load, write_source

SOURCE = textwrap.dedent("""\
    ---
    title: Where things are
    ---

    This essay discusses an iframe element in prose, the picture figure.png, the page
    ../away.htm and the id intro, none of which are problems here.

    A paragraph of several lines
    goes on for a while
    and then embeds an <iframe src="https://example.com/x"></iframe> on its third line.

    * a list item
    * another item, then the figure: ![A figure](figure.png)

    > A quotation that
    > leaves the archive: [away](../away.htm) on its second line.

    <span id="intro">first intro</span> is fine.

    | one | two |
    |-----|-----|
    | a   | b   |
    | c   | <span id="intro">second intro</span> |

    A sentence with a reference to a note nobody wrote.[^missing]

    Text with a real note.[^real]

    [^real]: The note's first line,
        and a second line with a broken [link](#nowhere).
    """)

EXPECTED = {
    "html.removed": 10,
    "images.missing": 13,
    "links.outside": 16,
    "ids.duplicate": 23,
    "notes.undefined": 25,
    "links.broken": 30,
}


def test_each_diagnostic_names_the_line_of_the_real_problem(tmp_path):
    path = write_source(tmp_path, "lines.md", SOURCE)
    _, diagnostics = load(path)
    found = {}
    for d in diagnostics:
        found.setdefault(d.code, []).append(d.location.line)
    for code, line in EXPECTED.items():
        assert found.get(code) == [line], f"{code}: expected line {line}, got {found.get(code)}"


def test_the_command_line_prints_file_and_line(tmp_path):
    path = write_source(tmp_path, "lines.md", SOURCE)
    report = build_into(tmp_path / "out", path, formats=("epub",))
    printed = [str(d) for r in report.results for d in r.diagnostics]
    assert f"{path}:13: warning: image 'figure.png' is not in the book" in "\n".join(printed)


def test_block_lines_follow_the_dialect_rewrites(tmp_path):
    """Lines the pre-pass rewrites (letter lists glued to a paragraph, a NOTES section, hard breaks)
    keep their file lines in the model."""
    path = write_source(tmp_path, "seedlike.md", """\
        ---
        title: T
        ---

        Opening words.

        1) The period of the Party's new orientation. The facts:
            * a) the overthrow of tsarism;
            * b) dual power.

        A paragraph with a mark * and a hard break\\
        on the next line.

        ### NOTES
        ### By J. V. Stalin

        [*] The note text.
        """)
    text, _ = load(path)
    blocks = [b for s in text.sections for b in s.blocks]
    assert [b.where.line for b in blocks] == [5, 7, 8, 11]
    items = next(b for b in blocks if type(b).__name__ == "ListBlock").items
    assert [i.where.line for i in items] == [8, 9]
    assert [n.where.line for n in text.notes] == [17]
    assert [b.where.line for n in text.notes for b in n.blocks] == [17]
