"""A table's notes are printed once, under the table, in both editions (issue 17: Capital ch. 15's
table notes i./ii./iii. printed under their table and again, unnumbered, at the end of the notes).

An archive transcribing a printed book gives the table's notes as labelled paragraphs under the
table and again as footnote definitions no reference points at. Both editions are read back
independently: the EPUB's XHTML with zipfile and lxml, the PDF's text with PDFium."""
from __future__ import annotations

import zipfile

import pypdfium2
import pytest
from lxml import etree

from conftest import CORPUS, assert_epubcheck_clean, build_into, needs_corpus, write_source

TABLE_NOTES = """
    ---
    title: Table notes
    author: A. Tester
    language: en
    ---

    # Table notes

    Among these eight millions are the following people, counted by trade.[^1]

    <table>
    <tr><td>Agricultural labourers</td><td>1,098,261</td></tr>
    <tr><td>Factory hands</td><td>642,607<sup><b>i</b></sup></td></tr>
    <tr><td>The servant class</td><td>1,208,648<sup><b>ii</b></sup></td></tr>
    </table>

    <blockquote class="table-note">
      <p><strong>i.</strong> Of these only 177,596 are males above 13 years of age.</p>
      <p><strong>ii.</strong> Of these, 137,447 males, none serving in private houses.</p>
    </blockquote>

    All the persons employed in textile factories and in mines number 1,208,442.

    [^1]: The census of 1861 for England and Wales.

    [^2]: Of these only 177,596 are males above 13 years of age.

    [^3]: Of these, 137,447 males, none serving in private houses.
    """

FIRST, SECOND = "177,596 are males above 13 years", "137,447 males, none serving"


def epub_text(path) -> str:
    """The words of every XHTML document of the EPUB, in spine order or not: counting only."""
    with zipfile.ZipFile(path) as epub:
        return " ".join(" ".join(etree.fromstring(epub.read(name)).itertext())
                        for name in epub.namelist() if name.endswith(".xhtml"))


def pdf_text(path) -> str:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def test_a_tables_notes_given_twice_are_printed_once_under_the_table_in_both_editions(tmp_path):
    source = write_source(tmp_path, "tn.md", TABLE_NOTES)
    report = build_into(tmp_path / "out", source)
    assert report.ok
    epub, pdf = tmp_path / "out" / "tn.epub", tmp_path / "out" / "tn.pdf"
    assert_epubcheck_clean(epub)
    for name, text in (("EPUB", _plain(epub_text(epub))), ("PDF", _plain(pdf_text(pdf)))):
        assert text.count(FIRST) == 1, f"{name}: note i. printed {text.count(FIRST)} times"
        assert text.count(SECOND) == 1, f"{name}: note ii. printed {text.count(SECOND)} times"
        assert text.count("census of 1861") == 1, f"{name}: the referenced note is kept"
        # where it is printed: under the table, before the paragraph that follows it
        assert text.index(FIRST) < text.index("1,208,442."), f"{name}: not under the table"
    said = [d for result in report.results for d in result.diagnostics if d.code == "notes.table-note"]
    assert [d.location.line for d in said] == [26, 28]


def test_an_unreferenced_note_that_is_no_tables_note_is_still_kept(tmp_path):
    source = write_source(tmp_path, "kept.md", TABLE_NOTES.replace("[^3]: Of these", "[^3]: Of those"))
    report = build_into(tmp_path / "out", source, formats=("epub",))
    assert report.ok
    text = _plain(epub_text(tmp_path / "out" / "kept.epub"))
    assert text.count("Of those, 137,447 males") == 1, "a note with other words is not a table's note"
    assert text.count(FIRST) == 1
    codes = [d.code for result in report.results for d in result.diagnostics]
    assert codes.count("notes.unreferenced") == 1 and codes.count("notes.table-note") == 1


@pytest.mark.slow
def test_capital_ch15_prints_its_population_tables_notes_once(tmp_path):
    needs_corpus()
    report = build_into(tmp_path / "out", CORPUS / "marx-capital-v1-ch15.md")
    assert report.ok
    for path in (tmp_path / "out" / "marx-capital-v1-ch15.epub", tmp_path / "out" / "marx-capital-v1-ch15.pdf"):
        text = _plain(epub_text(path) if path.suffix == ".epub" else pdf_text(path))
        for words in ("Of these only 177,596 are males", "Of these, 30,501 are females",
                      "Of these, 137,447 males. None are included"):
            assert text.count(words) == 1, f"{path.suffix}: {words!r} printed {text.count(words)} times"


def page_texts(path) -> list[str]:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return [_plain(document[i].get_textpage().get_text_range()) for i in range(len(document))]
    finally:
        document.close()


def test_a_note_holding_a_tall_table_is_set_at_the_end_with_a_pointer_a_short_one_at_the_foot(tmp_path):
    """A table is never cut across pages: a note holding forty rows of figures, under its call, took
    most of a page and left the page before short (Capital ch. 10, note 140: folio 84, 31 lines). Its
    rows count as lines of text: it goes to the end, behind "See note 1 at the end." on the call's
    page, while a note with a three-row table stays under its call."""
    prose = "A sentence of the running text, of some length, as a chapter of a long book has it. " * 8
    tall = "\n".join(f"| {1800 + year} | {year * 1234:,} |" for year in range(40))
    short = "\n".join(f"| {1900 + year} | {year * 1234:,} |" for year in range(3))
    source = write_source(tmp_path, "tables.md", (
        "---\ntitle: Table Notes\nauthor: A. Writer\n---\n\n"
        f"{prose}\n\n{prose}[^tall]\n\n{prose}\n\n{prose}[^short]\n\n{prose}\n\n"
        f"[^tall]: The exports, year by year.\n\n    | Year | Pounds |\n    |---|---|\n"
        + "\n".join("    " + row for row in tall.splitlines())
        + "\n\n[^short]: Three years only.\n\n    | Year | Pounds |\n    |---|---|\n"
        + "\n".join("    " + row for row in short.splitlines()) + "\n"))
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pages = page_texts(tmp_path / "out" / "tables.pdf")
    call_page = next(i for i, text in enumerate(pages) if "See note 1 at the end." in text)
    assert "exports, year by year" not in pages[call_page]
    at_end = [i for i, text in enumerate(pages) if "exports, year by year" in text]
    assert at_end and at_end[0] > call_page, (call_page, at_end)
    short_page = next(i for i, text in enumerate(pages) if "Three years only." in text)
    assert "See note 2 at the end." not in " ".join(pages), "the short table's note should stay at the foot"
    assert short_page < at_end[0], "the short table's note is printed at the foot, before the notes at the end"
