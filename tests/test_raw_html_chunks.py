"""Raw HTML is sanitized where it was written, one chunk at a time.

An element opened and never closed can only take the rest of its own chunk (its paragraph, or the
raw HTML block it starts): every later paragraph, heading, list item and quotation reaches both
editions, and no markup is ever printed as text.
"""
from __future__ import annotations

import re

import pytest

from conftest import assert_epubcheck_clean, build_into, write_source
from octavo.readback import epub_reading_text
from pdf_reading import pdf_page_texts

UNCLOSED = ["script", "style", "noscript", "textarea", "title", "xmp", "plaintext", "iframe", "noembed", "select"]
LATER = ["Second heading survives", "Later paragraph with", "emphasis", "list item one", "list item two",
         "A quotation stays", "Final words"]
MARKUP_AS_TEXT = re.compile(r"</?[A-Za-z][A-Za-z0-9]*[\s/>]|&lt;|&gt;")


def source_with(tag: str, opening: str) -> str:
    return f"""\
---
title: Unclosed {tag}
---

{opening}

## Second heading survives

Later paragraph with *emphasis* and words.

* list item one
* list item two

> A quotation stays.

Final words.
"""


@pytest.fixture(scope="module")
def unclosed_books(tmp_path_factory):
    """One book per element, opened inside a paragraph and never closed; both editions."""
    folder = tmp_path_factory.mktemp("unclosed")
    paths = [write_source(folder, f"{tag}.md", source_with(tag, f"First paragraph opens <{tag}> here, then more."))
             for tag in UNCLOSED]
    report = build_into(folder / "out", *paths, jobs=2)
    return folder / "out", report


@pytest.mark.parametrize("tag", UNCLOSED)
def test_an_element_never_closed_in_a_paragraph_takes_nothing_after_that_paragraph(unclosed_books, tag):
    out, report = unclosed_books
    result = next(r for r in report.results if r.input.stem == tag)
    assert result.ok, [str(d) for d in result.diagnostics]
    epub_text = epub_reading_text(out / f"{tag}.epub")
    pdf_text = " ".join(pdf_page_texts(out / f"{tag}.pdf"))
    for edition, text in (("EPUB", epub_text), ("PDF", " ".join(pdf_text.split()))):
        for words in LATER:
            assert words in text, f"{edition} of <{tag}> lost {words!r}"
        assert "First paragraph opens" in text, f"{edition}: the words before <{tag}> stay"
        assert not MARKUP_AS_TEXT.search(text), f"{edition} of <{tag}> prints markup: {MARKUP_AS_TEXT.search(text)}"


@pytest.mark.parametrize("tag", UNCLOSED)
def test_the_removal_is_reported_on_the_line_it_was_written(unclosed_books, tag):
    _, report = unclosed_books
    result = next(r for r in report.results if r.input.stem == tag)
    removed = [d for d in result.diagnostics if d.code in ("html.removed", "html.unclosed")]
    assert removed and all(d.location.line == 5 for d in removed), [str(d) for d in result.diagnostics]
    assert any(f"<{tag}>" in d.message for d in removed)


def test_the_unclosed_books_are_valid_epubs(unclosed_books):
    out, _ = unclosed_books
    assert_epubcheck_clean(*[out / f"{tag}.epub" for tag in UNCLOSED])


PLACES = {
    "block start": "<{tag}>opens a raw block and the block's own words",
    "list item": "* an item that opens <{tag}> inside it\n* a second item",
    "quotation": "> quoted words then <{tag}> inside the quote",
    "heading": "### A heading <{tag}> with it",
    "table cell": "| a | b |\n|---|---|\n| cell <{tag}> here | other |",
    "note": "Text with a note.[^1]\n\n[^1]: The note opens <{tag}> inside.",
    "raw div": "<div>a box that opens <{tag}> inside",
}


@pytest.mark.parametrize("place", PLACES)
def test_wherever_it_is_written_an_unclosed_element_stays_in_its_chunk(tmp_path, place):
    paths = [write_source(tmp_path, f"{tag}.md", source_with(tag, PLACES[place].format(tag=tag))) for tag in UNCLOSED]
    report = build_into(tmp_path / "out", *paths, formats=("epub",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics if d.level == "error"]
    epubs = [tmp_path / "out" / f"{tag}.epub" for tag in UNCLOSED]
    for epub in epubs:
        text = epub_reading_text(epub)
        for words in LATER:
            assert words in text, f"{place}, {epub.stem}: lost {words!r}"
        assert not MARKUP_AS_TEXT.search(text), f"{place}, {epub.stem}: {MARKUP_AS_TEXT.search(text)}"
    assert_epubcheck_clean(*epubs)


def test_a_closed_script_drops_its_code_and_keeps_the_words_around_it(tmp_path):
    path = write_source(tmp_path, "closed.md", "---\ntitle: C\n---\n\nBefore <script>alert('x')</script> after.\n")
    report = build_into(tmp_path / "out", path, formats=("epub",))
    text = epub_reading_text(tmp_path / "out" / "closed.epub")
    assert "Before" in text and "after." in text and "alert" not in text
    assert [d.location.line for r in report.results for d in r.diagnostics if d.code == "html.removed"] == [5]


def test_a_multi_paragraph_html_block_closed_later_stays_one_block(tmp_path):
    """An HTML element left open across a blank line continues to its end tag when one follows
    (a comment, a table written with blank lines): nothing in it becomes Markdown text."""
    path = write_source(tmp_path, "block.md", """\
        ---
        title: B
        ---

        <!-- an editor's comment

        that spans paragraphs -->

        <table>
        <tr><td>one</td></tr>

        <tr><td>two</td></tr>
        </table>

        After the table.
        """)
    build_into(tmp_path / "out", path, formats=("epub",))
    text = epub_reading_text(tmp_path / "out" / "block.epub")
    assert "editor" not in text and "spans paragraphs" not in text
    assert "one" in text and "two" in text and "After the table." in text
    assert_epubcheck_clean(tmp_path / "out" / "block.epub")


@pytest.mark.parametrize("text", ["<!-- c --><![i](p.png)", "<![i](p.png)\n\ntext", "a <![x y] b and <![if] c"])
def test_a_marked_section_python_cannot_read_is_no_crash(text):
    """Python's HTML parser raises on ``<![word`` that is not CDATA or an MS Office section (found by
    tests/test_quick_inline.py): the parse goes on, and the text after it is kept."""
    from octavo.diagnostics import Collector
    from octavo.markup import Parser

    tree = Parser("en", Collector("x.md"), written=lambda n: "").parse(text + "\n\nafter", [1, 2, 3, 4, 5])
    assert "after" in "".join(tree.itertext())
