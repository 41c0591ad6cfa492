"""How headings become sections, TOC entries and heading levels."""
from __future__ import annotations

from conftest import body_xhtml, heading_xhtml, load, write_source


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
    text, _ = load(path)
    one = text.sections[0]
    assert one.level == 2
    assert [e.title for e in one.subsections] == ["One, first part"]
    assert "<h3" in body_xhtml(one) and "<h4" in body_xhtml(one) and "<h5" not in body_xhtml(one) and "<h6" not in body_xhtml(one)


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
    text, _ = load(path)
    assert text.sections[0].title == "Manifesto"
    assert [e.title for e in text.sections[0].subsections] == ["Part A"]
    assert 'role="doc-noteref"' in heading_xhtml(text.sections[0]), "the heading itself keeps its note link"


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
    body = body_xhtml(load(path)[0].sections[0])
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
    text, _ = load(path)
    assert text.sections[0].kind == "opening"
    assert "<h2" in body_xhtml(text.sections[0]), "one level under the text's h1 title"
