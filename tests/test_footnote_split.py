"""A footnote too long for the rest of its call's page starts under its call and goes on at the foot
of the next page, as a typesetter splits it (footsplit.py); the call's page is not left short
(issue 17: the Russian manifesto's folio 4 ended 8 lines early, its note's call pushed over).

Built case: three chapters, each with a long note whose call falls near the foot of a page, at
three depths. Read back with PDFium: where each note begins and ends, and how low each page's
text goes (a page ending early has its lowest line far above the others')."""
from __future__ import annotations

import pypdfium2
import pytest

from conftest import CORPUS, build_into, needs_corpus, write_source

SENTENCE = "The committee heard the weavers describe their hours at the mill and wrote down what they said. "
NOTE = ("Note {k} begins here. " + "The inspector's report gives the figures for every district and the hours "
        "worked by children of each age, with the names of the mills. " * 8 + "End of note {k}.")
LINE = 14  # points: about one body line (10.5 pt type)


def source(depths: list[int]) -> str:
    """A chapter per depth: that many lines of text, then a paragraph calling a 10-line note."""
    parts = ["---\ntitle: Long notes\nauthor: A. Tester\nlanguage: en\n---\n"]
    for k, lines in enumerate(depths, 1):
        calling = f"Then came marker{k} the call.[^{k}] " + SENTENCE * 8
        parts += [f"## Chapter {k}\n", (SENTENCE * (lines * 65 // len(SENTENCE) + 1)).strip() + "\n",
                  calling + "\n", (SENTENCE * 12).strip() + "\n"]
    parts += [f"[^{k}]: " + NOTE.format(k=k) + "\n" for k in range(1, len(depths) + 1)]
    return "\n".join(parts)


def pages(path) -> list[tuple[str, float | None]]:
    """Each page's text and the bottom of its lowest line above the folio (PDF points from the foot)."""
    document = pypdfium2.PdfDocument(str(path))
    found = []
    for page in document:
        text = page.get_textpage()
        height = page.get_height()
        bottoms = [text.get_rect(i)[1] for i in range(text.count_rects())]
        bottoms = [b for b in bottoms if b > 0.1 * height]  # the folio stands below
        found.append((text.get_text_range(), min(bottoms) if bottoms else None))
    document.close()
    return found


def page_of(found, words: str) -> list[int]:
    return [n for n, (text, _) in enumerate(found) if words in " ".join(text.replace("\u00a0", " ").split())]


def test_a_long_note_starts_under_its_call_and_goes_on_at_the_foot_of_the_next_page(tmp_path):
    md = write_source(tmp_path, "long.md", source([18, 20, 22]))
    report = build_into(tmp_path / "out", md, formats=("pdf",))
    assert report.ok
    check_notes_under_calls(pages(tmp_path / "out" / "long.pdf"))
    diagnostics = [d.code for result in report.results for d in result.diagnostics]
    assert "pdf.footnote-page" not in diagnostics


LIST_NOTE = ("Note {k} begins here. The inspector named the mills of every district, with the hours worked "
             "by children of each age:\n\n" + "".join(f"    - The mill at the bridge, number {n}, where the children "
                                                   "worked twelve hours.\n" for n in range(1, 13))
             + "\n    End of note {k}.")


def test_a_note_made_of_a_paragraph_and_a_list_runs_over_between_its_items_like_a_paragraph(tmp_path):
    """A note holding a list (or several blocks) is cut between its items and at its lines' ends,
    as a note of paragraphs is: it starts under its call, the rest at the foot of the next page, and
    the call's page is not left short (Capital ch. 15, note 74, a poem set as a list, left folio 50
    ten lines short)."""
    text = source([18, 20, 22])
    for k in (1, 2, 3):
        text = text.replace(f"[^{k}]: " + NOTE.format(k=k), f"[^{k}]: " + LIST_NOTE.format(k=k))
    md = write_source(tmp_path, "listed.md", text)
    report = build_into(tmp_path / "out", md, formats=("pdf",))
    assert report.ok
    found = pages(tmp_path / "out" / "listed.pdf")
    assert sum("number 12, where" in page for page, _ in found) == 3, "every item printed once"
    check_notes_under_calls(found)


@pytest.fixture(scope="module")
def russian_manifesto(tmp_path_factory):
    """The Russian Manifesto's PDF (with the preflight): its diagnostics' codes and its pages' text
    by printed folio."""
    needs_corpus()
    out = tmp_path_factory.mktemp("russian") / "out"
    report = build_into(out, CORPUS / "marx-engels-manifest-ru.md", formats=("pdf",), preflight=True)
    document = pypdfium2.PdfDocument(str(out / "marx-engels-manifest-ru.pdf"))
    pages = {document.get_page_label(i): document[i].get_textpage().get_text_range() for i in range(len(document))}
    return [d.code for result in report.results for d in result.diagnostics], pages


@pytest.mark.slow
def test_the_russian_manifestos_notes_sit_under_their_calls(russian_manifesto):
    """Note 3 stays under its call on folio 2: WeasyPrint's orphans rule (Kozea/WeasyPrint#2437)
    moved it on to give its room to the next paragraph's first two lines;
    weasy.keep_footnotes_with_their_calls sends the paragraph on instead. No note is off its call's
    page, none without a pointer."""
    codes, pages = russian_manifesto
    assert "pdf.footnote-page" not in codes and "preflight.note-unpointed" not in codes
    folio_2 = " ".join(pages["2"].split())
    assert "мастер3" in folio_2.replace(" ", "") and "Цеховой мастер" in folio_2, "note 3 under its call"


@pytest.mark.slow
def test_the_russian_manifestos_folio_4_is_full_and_note_4_begins_under_its_call_there(russian_manifesto):
    """Note 5 is called on the line after note 4's call's page: set before note 5, note 4's run-over
    lines stood in that line, which went on (a note after one that runs over goes on too) and took
    them along; folio 4 ended ~8 lines early. They now stand in the line before it
    (footsplit.piece_places) and fill folio 4's foot; note 4 goes on at the top of folio 5's, then
    note 5 under its call."""
    codes, pages = russian_manifesto
    assert "«Коммунами» назывались" in pages["4"], "note 4 begins under its call on folio 4"
    assert "preflight.short-page" not in codes
    folio_5 = " ".join(pages["5"].split())
    assert "нархии5" in folio_5.replace(" ", "") and "5 В английском издании" in folio_5, "note 5 under its call"
    # Since the text block is the @page margins' (118 mm, not 113.8: print.css resets the body's 8px),
    # note 4 ends on folio 4, under its call; before, its last lines went on to folio 5, before note 5.
    assert "Коммуна — так называли" in " ".join(pages["4"].split()), "note 4 whole on its call's folio"


def test_a_note_is_cut_at_line_ends_into_pieces_whose_words_are_the_notes_in_order():
    from lxml import html as lxml_html

    from octavo.footsplit import cut_notes

    html = ('<!DOCTYPE html><html><body><p>Text<a class="noteref" id="noteref-1">1</a><span class="footnote" '
            'data-call="noteref-1" id="note-1"><span class="fn-p" id="p9"><a class="note-number">1</a> One two '
            '<em>three four five</em> six seven.</span><span class="fn-p">Eight nine ten.</span></span> more.</p>'
            '</body></html>')
    # as laid out: "1 One two three" / "four five six" / "seven." ; "Eight nine" / "ten." (letters per line)
    lines = {"note-1": [[(12, False), (11, False), (6, False)], [(9, False), (4, False)]]}
    root = lxml_html.document_fromstring(cut_notes(html, lines))
    pieces = root.xpath("//span[contains(concat(' ', @class, ' '), ' footnote ')]")
    texts = [" ".join("".join(piece.itertext()).split()) for piece in pieces]
    assert texts == ["1 One two three four five six", "seven.", "Eight nine", "ten."]  # two lines stay together
    assert pieces[0].get("id") == "note-1" and pieces[0].get("data-call") == "noteref-1"
    assert all(p.get("id") is None and p.get("data-call") is None and p.get("data-note") == "note-1"
               for p in pieces[1:]), "only the first piece is the note and names its call"
    assert [p.get("data-order") for p in pieces] == ["1", "2", "3", "4"]
    assert "footnote-policy: auto" in pieces[1].get("style")
    assert [e.get("id") for e in root.iter() if e.get("id")] == ["noteref-1", "note-1", "p9"], "no id twice"
    assert "text-align-last: justify" in pieces[0][0].get("style"), "a piece ending inside a paragraph is set full"
    assert pieces[2][0].get("style") is None or "text-indent: 0" not in pieces[2][0].get("style"), \
        "a paragraph that begins a piece keeps its own indent"
    assert root.xpath("//p")[0].get("style") == "orphans: 1"


def test_a_note_with_a_quoted_list_is_cut_between_items_and_inside_one_keeping_quotation_and_list_around():
    """Capital ch. 15's note 74: a paragraph, then a poem set as a list in a quotation. Each piece
    keeps the quotation and list around its lines (ids once); an item going on from the piece
    before has no second marker."""
    from lxml import html as lxml_html

    from octavo.footsplit import cut_notes

    html = ('<!DOCTYPE html><html><body><p>Text<a class="noteref" id="r1">1</a><span class="footnote" data-call="r1" '
            'id="note-1"><span class="fn-p">One two three four.</span> <span class="fn-blockquote" id="q1">'
            '<span class="fn-ul" id="u1"><span class="fn-li">Five six.</span> <span class="fn-li">Seven eight '
            'nine.</span> </span> </span> <span class="fn-p">Ten.</span></span> more.</p></body></html>')
    # as laid out: "One two" / "three four." ; "Five six." ; "Seven eight" / "nine." ; "Ten."
    lines = {"note-1": [[(6, False), (10, False)], [(8, False)], [(10, False), (5, False)], [(4, False)]]}
    root = lxml_html.document_fromstring(cut_notes(html, lines))
    pieces = root.xpath("//span[contains(concat(' ', @class, ' '), ' footnote ')]")
    texts = [" ".join("".join(piece.itertext()).split()) for piece in pieces]
    assert texts == ["One two three four.", "Five six.", "Seven eight", "nine.", "Ten."]
    for piece in pieces[1:4]:
        assert [e.get("class") for e in piece.iter()][1:3] == ["fn-blockquote", "fn-ul"], "in the quotation and list"
    assert [e.get("id") for e in root.iter() if e.get("id")] == ["r1", "note-1", "q1", "u1"], "no id twice"
    item = pieces[3].xpath(".//span[@class='fn-li']")[0]
    assert "list-style-type: none" in item.get("style"), "the item's marker stands on the piece before"
    assert "margin-top: 0" in pieces[2][0].get("style"), "the quotation goes on without a new top margin"


def test_a_note_whose_layout_does_not_match_its_words_is_left_whole():
    from octavo.footsplit import cut_notes

    html = ('<!DOCTYPE html><html><body><p>T<span class="footnote" data-call="r" id="note-1"><span class="fn-p">'
            'One two three four five six.</span></span></p></body></html>')
    assert cut_notes(html, {"note-1": [[(6, False), (6, False), (99, False)]]}) == html
    assert cut_notes(html, {"note-1": [[(6, False), (9, True), (8, False)]]}) == html, "no cut in a hyphenated word"
    assert cut_notes(html, {"note-1": [[(6, False), (9, False), (8, False)]]}) != html


@pytest.mark.slow
def test_capital_15_prints_note_1_and_fills_the_page_of_note_39s_call(tmp_path):
    """Folio 32 (now 31) ended ten lines early, the run-over lines of note 39 set beside its call taking the
    room of its paragraph's last line (footsplit.py now sets them at the paragraph's end). Note 1
    stood on folio 2, WeasyPrint's orphans rule giving its room to the next paragraph's first lines
    (weasy.keep_footnotes_with_their_calls sends the paragraph on instead); no note leaves its call."""
    needs_corpus()
    report = build_into(tmp_path / "out", CORPUS / "marx-capital-v1-ch15.md", formats=("pdf",))
    assert report.ok
    document = pypdfium2.PdfDocument(str(tmp_path / "out" / "marx-capital-v1-ch15.pdf"))
    labels = [document.get_page_label(i) for i in range(len(document))]
    document.close()
    found = pages(tmp_path / "out" / "marx-capital-v1-ch15.pdf")
    text = {label: " ".join(found[n][0].split()) for n, label in enumerate(labels)}
    assert "human being.”1" in text["1"] and "1 Mill should have said" in text["1"]
    codes = [d.code for result in report.results for d in result.diagnostics]
    assert "pdf.footnote-page" not in codes and "pdf.footnote-lost" not in codes
    # folio 32 when lines were 113.8 mm wide; folio 31 since the text block is the @page margins' 118 mm
    folio = next(label for label in labels if "the principal object of capital" in text[label])
    assert "39 “The numerical increase" in text[folio]
    deepest = min(low for _, low in found if low is not None)
    assert found[labels.index(folio)][1] - deepest < 3 * LINE, f"folio {folio}, note 39's call's, is full"


def check_notes_under_calls(found) -> None:
    """Each note of the built source begins on its call's page and ends at most one page on, and no
    page of the text ends more than three lines early but before a chapter (``found``: pages())."""
    for k in (1, 2, 3):
        call, begins, ends = (page_of(found, f"marker{k} the"), page_of(found, f"Note {k} begins"),
                              page_of(found, f"End of note {k}."))
        assert len(call) == len(begins) == len(ends) == 1, (k, call, begins, ends)
        assert begins == call, f"note {k} begins on page {begins[0]}, its call is on page {call[0]}"
        assert ends[0] - begins[0] <= 1, f"note {k} runs on for {ends[0] - begins[0]} pages"
    deepest = min(low for _, low in found if low is not None)
    text_pages = page_of(found, "The committee heard")
    for n in range(text_pages[0], text_pages[-1]):
        if not found[n + 1][0].lstrip().startswith("Chapter"):
            assert found[n][1] - deepest < 3 * LINE, f"page {n} ends about {(found[n][1] - deepest) / LINE:.0f} lines early"


def test_a_long_book_laid_out_in_chunks_cuts_its_notes_as_one_piece_does(tmp_path):
    """stitch.py lays each chunk out, then cuts the notes behind its trouble (print_edition.cut_notes),
    as for a book in one piece."""
    from octavo import stitch
    from octavo.config import Config
    from octavo.pdf import footnote_room
    from octavo.pipeline import Result, load_book
    from octavo.print_edition import cut_notes, flavour
    from octavo.render import Renderer, stylesheet_paths

    md = write_source(tmp_path, "long.md", source([18, 20, 22]))
    book = load_book(md, Config(inputs=(md,), output=tmp_path), Result(md))
    renderer = Renderer(None, tmp_path / "templates")
    print_flavour = flavour(book, Config(), footnote_room("A5"))
    toc, html = renderer.toc(book, print_flavour), renderer.print_html(book, "book", None, print_flavour)
    pdf = tmp_path / "stitched.pdf"
    with pdf.open("wb") as handle:
        stitch.write_pdf(book, html, toc, stylesheet_paths(None, "print"), handle, chunk_chars=1_000, refine=cut_notes)
    check_notes_under_calls(pages(pdf))


def test_a_booklets_notes_run_over_as_the_pdfs_do(tmp_path):
    """The booklet (its A5 pages imposed two-up on A4) is laid out again with its notes cut: each
    half sheet read on its own, in the order of its folios."""
    md = write_source(tmp_path, "long.md", source([18, 20, 22]))
    report = build_into(tmp_path / "out", md, formats=("pdf",), booklet=True)
    assert report.ok
    document = pypdfium2.PdfDocument(str(tmp_path / "out" / "long-booklet.pdf"))
    halves = []
    for page in document:
        width, height = page.get_width(), page.get_height()
        text = page.get_textpage()
        rects = [text.get_rect(i) for i in range(text.count_rects())]
        for left, right in ((0, width / 2), (width / 2, width)):
            bottoms = [r[1] for r in rects if left <= r[0] < right and r[1] > 0.1 * height]
            halves.append((text.get_text_bounded(left, 0, right, height), min(bottoms) if bottoms else None))
    document.close()
    numbered = sorted((_folio(text), (text, low)) for text, low in halves if _folio(text) is not None)
    check_notes_under_calls([half for _, half in numbered])


def _folio(text: str) -> int | None:
    """The printed folio of a booklet page's text (its last line), if it has one."""
    last = text.strip().splitlines()[-1].strip() if text.strip() else ""
    return int(last) if last.isdigit() else None


def test_a_layout_that_prints_a_note_nowhere_is_never_preferred():
    """print_edition.cut_notes keeps a layout with cut notes only when it is better: a note printed
    nowhere (its call on a page, its text on none) weighs more than any number of short pages."""
    from octavo.footsplit import better

    assert better((3, 1, 0), (1, 1, 0)), "fewer short pages, nothing lost"
    assert not better((3, 0, 0), (0, 0, 1)), "three short pages mended, one note lost"
    assert not better((0, 0, 0), (0, 1, 0)), "a note off its call's page for nothing"


def _laid_out(tmp_path, text: str):
    """(print HTML, its first layout, lay) of a book made of ``text``, as print_edition lays it out."""
    from octavo import pdf
    from octavo.config import Config
    from octavo.pipeline import Result, load_book
    from octavo.print_edition import flavour
    from octavo.render import Renderer, stylesheet_paths

    md = write_source(tmp_path, "book.md", text)
    book = load_book(md, Config(inputs=(md,), output=tmp_path), Result(md))
    renderer = Renderer(None, tmp_path / "templates")
    print_flavour = flavour(book, Config(), pdf.footnote_room("A5"))
    toc, html = renderer.toc(book, print_flavour), renderer.print_html(book, "book", None, print_flavour)
    lay = lambda markup: pdf.layout(book, markup, toc, stylesheet_paths(None, "print"))  # noqa: E731
    return html, lay(html), lay


def test_a_note_called_twice_is_not_trouble_and_the_book_is_laid_out_once(tmp_path):
    """A note's second call has no note of its own at the foot (the note stands under its first
    call): that is not a note printed nowhere, and a layout with nothing else wrong is kept without
    laying the book out again with its notes cut (issue 21: the seed x20's first chunk was laid out
    twice for its repeated calls)."""
    from octavo.print_edition import cut_notes

    text = ("---\ntitle: Twice\nauthor: A. Tester\nlanguage: en\n---\n\n"
            f"First marker the call.[^1] {SENTENCE * 3}\n\n{SENTENCE * 4}\n\nAgain the call.[^1] {SENTENCE * 2}\n\n"
            f"[^1]: {NOTE.format(k=1)}\n")
    html, laid_out, lay = _laid_out(tmp_path, text)
    assert html.count('data-call="') == 1 and html.count('class="noteref"') == 2, "one note, two calls"
    again = []
    kept = cut_notes(html, lambda markup: again.append(markup) or lay(markup), laid_out)
    assert kept is laid_out and again == [], "laid out once"


def test_a_notes_run_over_lines_stand_at_the_end_of_the_line_before_the_next_calls_line():
    """The paragraph calls note 1 on its first line and note 2 on its third: note 1's run-over
    pieces go after the last word of the second line, as a call stands after its word (where they fill the foot of the call's page
    under the body's lines), not into the third line with note 2 (which, when note 2 had to go on,
    took them along and left the page short: the Russian Manifesto's folio 4)."""
    from types import SimpleNamespace

    from lxml import html as lxml_html

    from octavo.footsplit import cut_notes, piece_places
    from octavo.pageviews import Line

    html = ('<!DOCTYPE html><html><body><p>Alpha beta<a class="noteref" id="r1">1</a><span class="footnote" '
            'data-call="r1" id="note-1"><span class="fn-p">One two three four five six.</span></span> gamma '
            'delta epsilon zeta eta theta<a class="noteref" id="r2">2</a><span class="footnote" data-call="r2" '
            'id="note-2"><span class="fn-p">Two.</span></span> iota.</p></body></html>')
    root = lxml_html.document_fromstring(html)
    p, r1, r2 = root.find(".//p"), root.get_element_by_id("r1"), root.get_element_by_id("r2")

    def line(*fragments):
        return Line(p, "body", tuple(t for t, _ in fragments), tuple(e for _, e in fragments), 0, 0, 0, 0, 10, 0, ())

    laid_out = [SimpleNamespace(lines=(line(("Alpha beta", p), ("1", r1), (" gamma", p)),
                                       line(("delta epsilon zeta", p),)))
                , SimpleNamespace(lines=(line(("eta theta", p), ("2", r2), (" iota.", p)),))]
    places = piece_places(laid_out, root)
    assert places == {"note-1": (45, 31)}, "45 letters in the paragraph's text, 31 up to 'zeta'"
    lines = {"note-1": [[(6, False), (9, False), (8, False)]]}  # "One two" / "three four" / "five six."
    cut = lxml_html.document_fromstring(cut_notes(html, lines, places)).find(".//p")
    words = [(child.get("class"), " ".join("".join(child.itertext()).split())) for child in cut]
    assert words == [("noteref", "1"), ("footnote", "One two three four"), ("footnote footnote-more", "five six."),
                     ("noteref", "2"), ("footnote", "Two.")], "two lines under the call, the third a piece"
    assert cut[1].tail == " gamma delta epsilon zeta" and cut[2].tail == " eta theta", "the piece after 'zeta'"
    hyphenated = [SimpleNamespace(lines=(line(("Alpha beta", p), ("1", r1), (" gamma", p)),
                                         line(("delta epsilon ze\u2010", p),))),
                  SimpleNamespace(lines=(line(("ta eta theta", p), ("2", r2), (" iota.", p)),))]
    assert piece_places(hyphenated, root) == {"note-1": (45, 27)}, "after 'epsilon': never inside a word"
