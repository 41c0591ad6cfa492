"""How headings become sections, TOC entries and heading levels."""
from __future__ import annotations

from conftest import write_source
from octavo.assemble import build_text
from octavo.sources import read_source


def test_skipped_source_heading_levels_close_up_in_the_book(tmp_path):
    """## sections with #### subheads: the subheads sit one level under their section (h2 -> h3)."""
    path = write_source(tmp_path, "gaps.md", """
        ---
        title: Gaps
        ---

        ## One

        #### One, first part

        Text.

        ###### Deep

        More.

        ## Two

        Text.
        """)
    text = build_text(read_source(path))
    one = text.sections[0]
    assert one.level == 2
    assert [e.title for e in one.subsections] == ["One, first part"]
    assert "<h3" in one.body and "<h4" in one.body and "<h5" not in one.body and "<h6" not in one.body


def test_note_numbers_stay_out_of_toc_titles(tmp_path):
    path = write_source(tmp_path, "n.md", """
        ---
        title: N
        ---

        ## Manifesto[^1]

        ### Part A[^2]

        Text.

        [^1]: First note.
        [^2]: Second note.
        """)
    text = build_text(read_source(path))
    assert text.sections[0].title == "Manifesto"
    assert [e.title for e in text.sections[0].subsections] == ["Part A"]
    assert 'role="doc-noteref"' in text.sections[0].heading, "the heading itself keeps its note link"


def test_a_heading_is_never_more_than_one_level_under_the_one_before(tmp_path):
    """A source that jumps from its section heading straight to its deepest level (## then ####,
    and ### only later) still gives an unbroken outline: h2, h3, h3, h4."""
    path = write_source(tmp_path, "jump.md", """
        ---
        title: Jump
        ---

        ## Section

        #### Straight to the deepest

        ### A subsection

        #### Its part

        Text.
        """)
    body = build_text(read_source(path)).sections[0].body
    import re

    assert re.findall(r"<h(\d)", body) == ["3", "3", "4"]


def test_headings_before_the_first_section_sit_under_the_text_title(tmp_path):
    path = write_source(tmp_path, "quote.md", """
        ---
        title: Quoted
        ---

        > #### A heading inside a quote
        >
        > Text.
        """)
    text = build_text(read_source(path))
    assert text.sections[0].kind == "opening"
    assert "<h2" in text.sections[0].body, "one level under the text's h1 title"
