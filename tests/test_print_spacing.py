"""Line breaking in print: no line starts with a spaced dash, and a paragraph's last word is bound
to the one before and never hyphenated, so no paragraph ends on a lone word or a word's tail. The
EPUB leaves line breaking to the reading system."""
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


def test_the_last_word_is_bound_and_unhyphenated_in_print_only(tmp_path):
    book = book_of(tmp_path, "We won the day.[^1]\n\nThe *last words are emphasised*.\n\n[^1]: A note.")
    renderer = Renderer()
    printed = [p for p in paragraphs(renderer.print_html(book)) if p.get("id") in ("p1", "p2")]
    assert [p.xpath("string(.//span[@class='last-word'])") for p in printed] == ["day.", "emphasised"]
    assert printed[0].text_content().startswith("We won the\u00a0day.")
    epub = "".join(page.markup for page in renderer.epub_pages(book))
    assert "last-word" not in epub and "the\u00a0day" not in epub


def test_a_long_last_word_may_still_be_hyphenated(tmp_path):
    book = book_of(tmp_path, "It was incomprehensibilities.")
    [p] = [p for p in paragraphs(Renderer().print_html(book)) if p.get("id") == "p1"]
    assert not p.xpath(".//span[@class='last-word']")


def test_no_printed_line_starts_with_a_spaced_dash(tmp_path):
    source = write_source(tmp_path, "dashes.md", "---\ntitle: Dashes\n---\n\n"
                          + "\n\n".join(DASHED * k for k in range(1, 15)) + "\n")
    report = build_into(tmp_path / "out", source, formats=("pdf",))
    assert report.ok
    doc = pdfium.PdfDocument(str(tmp_path / "out" / "dashes.pdf"))
    lines = [line.strip() for n in range(len(doc)) for line in doc[n].get_textpage().get_text_range().splitlines()]
    assert sum("—" in line for line in lines) > 20  # the dashes were set
    assert not [line for line in lines if line.startswith("—")]
