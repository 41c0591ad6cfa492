"""Line breaking in print: no line starts with a spaced dash, and a paragraph's last word, when
short, is bound to the one before, so no paragraph ends on a lone short word. The EPUB leaves line
breaking to the reading system."""
from __future__ import annotations

from datetime import datetime

import pypdfium2 as pdfium
from lxml import html as lxml_html

from conftest import build_into, load, write_source
from octavo.pipeline import single_book
from octavo.render import Renderer

DASHED = ("The delegates argued long into the night — and nobody, not even the chairman, could say "
          "when the vote would come — while outside the crowd waited in the cold. ")


def book_of(tmp_path, body: str):
    text, _ = load(write_source(tmp_path, "t.md", "---\ntitle: Spacing\n---\n\n" + body + "\n"))
    return single_book(text, datetime(2020, 1, 1))


def paragraphs(markup: str) -> list:
    return list(lxml_html.fromstring(markup.encode()).iter("p"))


def test_a_short_last_word_is_bound_to_the_one_before_in_print_only(tmp_path):
    book = book_of(tmp_path, "We won the day.[^1]\n\nThe *last words are here*.\n\n[^1]: A note.")
    renderer = Renderer()
    printed = {p.get("id"): p.text_content() for p in paragraphs(renderer.print_html(book))}
    assert printed["p1"].startswith("We won the\u00a0day.")  # the note call and footnote are looked through
    assert "are\u00a0here." in printed["p2"]  # inside the emphasis, before the full stop outside it
    epub = "".join(page.markup for page in renderer.epub_pages(book))
    assert "\u00a0" not in epub


def test_a_long_last_word_stands_on_its_own(tmp_path):
    book = book_of(tmp_path, "It was incomprehensible.")
    [p] = [p for p in paragraphs(Renderer().print_html(book)) if p.get("id") == "p1"]
    assert p.text_content() == "It was incomprehensible."


def test_a_paragraph_with_a_bound_last_word_breaks_its_lines_as_without(tmp_path):
    """No element around the last word: WeasyPrint sets the lines before it as it would anyway
    (a span there, e.g. to stop hyphenation, left single words on lines)."""
    source = write_source(tmp_path, "lines.md", "---\ntitle: Lines\n---\n\n" + DASHED * 6 + "And so it ends.\n")
    report = build_into(tmp_path / "out", source, formats=("pdf",))
    assert report.ok
    doc = pdfium.PdfDocument(str(tmp_path / "out" / "lines.pdf"))
    lines = [line.strip() for n in range(len(doc)) for line in doc[n].get_textpage().get_text_range().splitlines()]
    body = [line for line in lines if "—" in line or "delegates" in line or "ends." in line]
    assert all(len(line.split()) >= 2 for line in body), body


def test_no_printed_line_starts_with_a_spaced_dash(tmp_path):
    source = write_source(tmp_path, "dashes.md", "---\ntitle: Dashes\n---\n\n"
                          + "\n\n".join(DASHED * k for k in range(1, 15)) + "\n")
    report = build_into(tmp_path / "out", source, formats=("pdf",))
    assert report.ok
    doc = pdfium.PdfDocument(str(tmp_path / "out" / "dashes.pdf"))
    lines = [line.strip() for n in range(len(doc)) for line in doc[n].get_textpage().get_text_range().splitlines()]
    assert sum("—" in line for line in lines) > 20  # the dashes were set
    assert not [line for line in lines if line.startswith("—")]


def test_a_line_may_break_between_a_closing_quote_and_a_bracket(tmp_path):
    # Pango glued '“permanent” (uninterrupted)' into one unit: the line before it was set as
    # 'Firstly. Trotskyism is the theory of “perma-' with its word spaces stretched to 1.5 em.
    # (Words added since the text block became the @page margins' 118 mm: the seed's own sentence
    # now fits whole on its line, and this one ends where the two may part.)
    source = write_source(tmp_path, "quote.md", "---\ntitle: Quote\n---\n\nWhat are these features?\n\nFirstly. Trotskyism, "
                          "as we know, is the theory of \"permanent\" (uninterrupted) revolution. But what is permanent "
                          "revolution in its Trotskyist interpretation? It is revolution that fails to take the poor "
                          "peasantry into account as a revolutionary force.\n")
    report = build_into(tmp_path / "out", source, formats=("pdf",))
    assert report.ok
    doc = pdfium.PdfDocument(str(tmp_path / "out" / "quote.pdf"))
    lines = [line.strip() for n in range(len(doc)) for line in doc[n].get_textpage().get_text_range().splitlines()]
    at = lines.index("Firstly. Trotskyism, as we know, is the theory of “permanent”")  # no zero-width space read
    assert lines[at + 1].startswith("(uninterrupted) revolution.")
