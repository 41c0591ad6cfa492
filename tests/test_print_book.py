"""The print edition as a book (issue 9, book profile): the face, links, page labels, footnotes and
pages, read back from real PDFs."""
from __future__ import annotations

import io
import re

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from conftest import CORPUS, ROOT, SEED, assert_epubcheck_clean, build_into, load, needs_corpus, write_source

RUSSIAN = """---
title: Манифест
language: ru
---
Призрак бродит по Европе — *призрак коммунизма*. Все силы старой Европы объединились
для **священной травли** этого призрака.
"""


def embedded_fonts(pdf_path):
    """Each embedded font program: (base font name, the characters its cmap maps)."""
    found = {}
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.get("/FontDescriptor")
                    program = descriptor.get("/FontFile2") if descriptor is not None else None
                    if program is not None:
                        ttf = TTFont(io.BytesIO(program.read_bytes()))
                        found[str(descendant.BaseFont)] = {chr(c) for c in ttf.getBestCmap() or {}}
    return found


def test_russian_emphasis_is_set_in_a_true_italic_with_cyrillic(tmp_path):
    source = write_source(tmp_path, "ru.md", RUSSIAN)
    report = build_into(tmp_path / "out", source, formats=("pdf",))
    assert report.ok
    fonts = embedded_fonts(tmp_path / "out" / "ru.pdf")
    italics = {name: chars for name, chars in fonts.items() if "Italic" in name}
    assert italics, f"no italic face embedded: {sorted(fonts)}"
    assert any(set("призрак") <= chars for chars in italics.values()), "the italic has no Cyrillic"
    assert not any("Oblique" in name for name in fonts), "a faked italic"


def link_boxes(pdf_path):
    """Every link annotation's rectangle: (page number, width, height)."""
    with pikepdf.open(pdf_path) as pdf:
        return [(n, abs(float(a.Rect[2]) - float(a.Rect[0])), abs(float(a.Rect[3]) - float(a.Rect[1])))
                for n, page in enumerate(pdf.pages, 1) for a in page.get("/Annots", [])
                if a.get("/Subtype") == "/Link"]


def test_every_link_of_the_seed_has_a_box_to_click(seed_build):
    _, _, pdf = seed_build
    boxes = link_boxes(pdf)
    assert len(boxes) > 20, "the seed's note calls and contents entries are links"
    flat = [box for box in boxes if box[1] < 2 or box[2] < 4]
    assert not flat, f"links too thin to click (page, width, height): {flat[:5]}"


def test_the_arrows_back_to_the_text_are_not_printed(seed_build):
    from pdf_reading import pdf_page_texts

    _, _, pdf = seed_build
    assert "\u21a9" not in "".join(pdf_page_texts(pdf))


def test_endnotes_on_paper_open_with_their_number_a_link_back_to_the_call(tmp_path):
    from octavo.readback import named_destinations
    from pdf_reading import outline_pages, pdf_page_texts

    assert build_into(tmp_path, SEED, formats=("pdf",), notes="endnotes").ok
    pdf = tmp_path / f"{SEED.stem}.pdf"
    notes_page = dict(outline_pages(pdf))["Notes"]
    with pikepdf.open(pdf) as doc:
        calls = {name for name in named_destinations(doc) if name.startswith("noteref-")}
        back = set()
        for page in list(doc.pages)[notes_page:]:
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                dest = annot.get("/Dest") if action is None else action.get("/D")
                if dest is not None and not isinstance(dest, pikepdf.Array):
                    back.add(str(dest).lstrip("/"))
    assert len(calls) >= 3 and calls <= back, f"no way back from {sorted(calls - back)[:5]}"
    first = [line.strip() for line in pdf_page_texts(pdf)[notes_page].splitlines() if line.strip()]
    assert any(line.startswith("1 See Lenin") for line in first), first[:6]


def test_a_right_to_left_endnote_opens_with_its_number_on_the_right(tmp_path):
    import pypdfium2 as pdfium

    source = write_source(tmp_path, "ar.md", "---\ntitle: نص\nlanguage: ar\n---\n\nنص قصير.[^1]\n\n"
                                             "[^1]: ملاحظة باللغة العربية.\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",), notes="endnotes").ok
    doc = pdfium.PdfDocument(str(tmp_path / "out" / "ar.pdf"))
    try:
        text = doc[2].get_textpage()
        boxes = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
    finally:
        doc.close()
    number = next(box for char, box in boxes if char == "1" and box[3] - box[1] > 6 and box[1] > 60)  # not call, folio
    line = [box for char, box in boxes if char.strip() and char != "1" and abs(box[1] - number[1]) < 3]
    assert line and all(box[0] < number[0] for box in line), "the note's words stand left of its number"


def test_a_viewer_shows_the_printed_page_numbers(seed_build, tmp_path):
    """Roman numbers in the front matter, arabic from the body's first page: the labels are the
    folios printed at the foot of each page."""
    from pypdf import PdfReader

    from pdf_reading import pdf_page_texts

    _, _, pdf = seed_build
    labels = list(PdfReader(pdf).page_labels)
    assert labels[:2] == ["i", "ii"] and "1" in labels
    body = labels.index("1")
    assert labels[body:] == [str(n) for n in range(1, len(labels) - body + 1)]
    texts = pdf_page_texts(pdf)
    for n in range(body + 1, len(labels)):  # the folio ends the page's text (the first page has none)
        assert texts[n].split()[-1] == labels[n], f"page {n + 1}: printed {texts[n].split()[-1]}, labelled {labels[n]}"


def test_page_label_ranges_start_wherever_numbering_does_not_go_on():
    from octavo.pdf import label_ranges

    names = ["cover", "cover", "front", "front", "body", "body", "body"]
    assert label_ranges(names) == [(0, "", 0), (2, "r", 1), (4, "D", 1)]


# --- footnotes: Capital ch. 15 (246 notes, a few of them pages long) -------------------------------

CAPITAL = CORPUS / "marx-capital-v1-ch15.md"


@pytest.fixture(scope="module")
def capital(tmp_path_factory):
    needs_corpus()
    out = tmp_path_factory.mktemp("capital")
    report = build_into(out, CAPITAL)
    assert report.ok
    return report, out / f"{CAPITAL.stem}.epub", out / f"{CAPITAL.stem}.pdf"


def note_links(pdf_path):
    """Each note call's link in the PDF: (page of the call, page its target is on, target name)."""
    with pikepdf.open(pdf_path) as pdf:
        page_of = {page.objgen: n for n, page in enumerate(pdf.pages)}
        targets = dict(named_destinations(pdf.Root.Names.Dests))
        links = set()
        for n, page in enumerate(pdf.pages):
            for annot in page.get("/Annots", []):
                name = str(annot.get("/Dest") or (annot.get("/A") or {}).get("/D") or "")
                if name.startswith("note-") and name in targets:
                    links.add((n, page_of[targets[name][0].objgen], name))
        return links


def named_destinations(node):
    names = node.get("/Names", [])
    for i in range(0, len(names), 2):
        target = names[i + 1]
        yield str(names[i]), target.get("/D", target) if isinstance(target, pikepdf.Dictionary) else target
    for kid in node.get("/Kids", []):
        yield from named_destinations(kid)


@pytest.mark.slow
def test_nine_notes_in_ten_sit_at_the_foot_of_their_calls_page(capital):
    report, _, pdf = capital
    links = note_links(pdf)
    notes = {name for _, _, name in links}
    assert len(notes) > 200
    on_page = {name for call, target, name in links if call == target}
    assert len(on_page) >= 0.9 * len(notes), f"{len(on_page)} of {len(notes)} notes on their call's page"
    # the build reports the footnotes that did not make it, at the note's line
    misplaced = [d for r in report.results for d in r.diagnostics if d.code == "pdf.footnote-page"]
    assert all(d.location.path == CAPITAL and d.location.line for d in misplaced)
    assert len(misplaced) <= len(notes) - len(on_page)


@pytest.mark.slow
def test_every_note_is_printed_once(capital):
    """Each note's words stand in the PDF as often as in the EPUB: once (a source may repeat a
    note's sentence in its text), never dropped, never twice (at the foot and at the end); a long
    note may run over from one page's foot to the next. Numbers are left out of the comparison:
    note calls print apart from their words."""
    from octavo import model
    from octavo.readback import epub_reading_text, pdf_body_text, words

    _, epub, pdf = capital

    def lettered(text: str) -> str:  # numbers left out: note calls print apart from their words
        return " " + " ".join(w for w in words(text) if not w.isdigit()) + " "

    with pikepdf.open(pdf) as opened:
        pages = len(opened.pages)
    printed = lettered(pdf_body_text(pdf, 0, pages))  # without running heads and folios
    screen = lettered(epub_reading_text(epub))
    page_texts = [lettered(pdf_body_text(pdf, n, n + 1)) for n in range(pages)]

    def run_over(said: str) -> int:
        """1 when the note starts at the foot of one page and goes on at the foot of the next (a long
        note cut at a line's end: footsplit.py), with at least two words on each page; else 0."""
        w = said.split()
        # (the reader joins a page's body and its notes without a space: the rest may follow a word)
        return int(any(f" {' '.join(w[:k])} " in page and f"{' '.join(w[k:])} " in following
                       for page, following in zip(page_texts, page_texts[1:]) for k in range(2, len(w) - 1)
                       if f" {' '.join(w[:2])} " in page))

    text, _ = load(CAPITAL)
    wrong = {}
    for note in text.notes:
        said = lettered(" ".join(model.plain_text(inlines) for block in model.walk_blocks(note.blocks)
                                 for inlines in (block.lines if isinstance(block, model.Verse) else
                                                 (block.inlines,) if hasattr(block, "inlines") else ())))
        short = len(said.split()) < 6  # "l.c., p. 14" stands in many places: present is all one can ask
        times = printed.count(said) or run_over(said)
        if not times or (times != screen.count(said) and not short):
            wrong[note.number] = (times, screen.count(said))
    assert not wrong, f"note number: (times in the PDF, times in the EPUB): {wrong}"


@pytest.mark.slow
def test_footnotes_keep_the_editions_word_for_word_and_the_epub_valid(capital):
    from octavo.validate import edition_parity

    _, epub, pdf = capital
    parity = edition_parity(epub, pdf)
    assert len(parity.missing) <= 0.002 * parity.epub_words, parity.missing[:20]
    assert len(parity.unexplained) <= 0.002 * parity.epub_words, parity.unexplained[:20]
    assert_epubcheck_clean(epub)


NOTED = """---
title: Noted
language: {language}
---
A short remark.[^1] A long one.[^2] The short one again.[^1]

{filler}

[^1]: The short note.
[^2]: {long}
"""


@pytest.mark.parametrize("notes, language, expected", [
    ("footnotes", "en", "See note 2 at the end."),
    ("footnotes", "de", "Siehe Anmerkung 2 am Ende."),
    ("endnotes", "en", None),
])
def test_short_notes_go_to_the_foot_long_ones_to_the_end_with_a_pointer(tmp_path, notes, language, expected):
    from pdf_reading import pdf_page_texts

    long = " ".join(["A sentence of a note far too long for the foot of any page."] * 60)
    filler = "\n\n".join(["A paragraph that fills the page after the calls, so the end is pages away."] * 40)
    source = write_source(tmp_path, "noted.md", NOTED.format(language=language, long=long, filler=filler))
    assert build_into(tmp_path / "out", source, formats=("pdf",), notes=notes).ok
    pages = [" ".join(text.split()) for text in pdf_page_texts(tmp_path / "out" / "noted.pdf")]
    [call_page] = [n for n, text in enumerate(pages) if "A short remark" in text]
    at_foot = "The short note." in pages[call_page]
    assert at_foot == (notes == "footnotes")
    assert sum(text.count("The short note.") for text in pages) == 1
    if expected:
        assert expected in pages[call_page]
    assert sum(text.count("far too long") for text in pages) == 60  # the long note, at the end, once


# --- pages: running heads, breaks, sides, folios ---------------------------------------------------

def band_text(pdf_path, top_mm: float | None = None, bottom_mm: float | None = None) -> list[str]:
    """Each page's text in its top (running head) or bottom (folio) band, whitespace collapsed."""
    import pypdfium2 as pdfium

    mm = 72 / 25.4
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        found = []
        for page in pdf:
            width, height = page.get_size()
            box = (0, height - top_mm * mm, width, height) if top_mm else (0, 0, width, bottom_mm * mm)
            found.append(" ".join(page.get_textpage().get_text_bounded(*box).split()))
        return found
    finally:
        pdf.close()


def test_opening_pages_have_no_running_head_and_the_others_do(seed_build):
    from pdf_reading import outline_pages

    _, _, pdf = seed_build
    heads = band_text(pdf, top_mm=14)
    openings = {page for _, page in outline_pages(pdf)}
    body = range(min(openings), len(heads))
    assert openings and all(not heads[n] for n in openings), [heads[n] for n in sorted(openings)]
    assert all(heads[n] for n in body if n not in openings), "a page inside a chapter lost its running head"
    assert all(len(head) <= 46 for head in heads), "running heads fit one line"


def test_in_a_volume_texts_open_on_right_hand_pages_and_part_pages_have_no_folio(tmp_path):
    from pypdf import PdfReader

    from pdf_reading import outline_pages

    volume = ROOT / "volumes" / "reader.toml"
    assert build_into(tmp_path, volume, formats=("pdf",)).ok
    pdf = tmp_path / "reader.pdf"
    marks = dict(outline_pages(pdf))
    texts = [marks[title] for title in ("Introduction", "Trotskyism or Leninism?", "Questions for Discussion")]
    parts = [marks[title] for title in ("Part One: Before Reading", "Part Two: The Speech", "Part Three: After Reading")]
    assert all(page % 2 == 0 for page in texts + parts), "page index 0 is a right-hand page"
    folios = band_text(pdf, bottom_mm=15)
    labels = list(PdfReader(pdf).page_labels)
    assert all(not folios[n] for n in parts)
    assert all(folios[n] == labels[n] for n in texts), "the folio is the page label, parts counted"


def test_sections_of_a_short_text_run_on_and_chapters_of_a_long_one_open_pages(tmp_path):
    from pdf_reading import outline_pages, pdf_page_texts

    chapters = "".join(f"\n## Chapter {n}\n\nA short chapter, one paragraph long.\n" for n in range(1, 6))
    short = write_source(tmp_path, "short.md", "---\ntitle: Short\n---\n" + chapters)
    long = write_source(tmp_path, "long.md", "---\ntitle: Long\n---\n" + chapters.replace(
        "A short chapter, one paragraph long.", "A long chapter, with many words in it. " * 120))
    assert build_into(tmp_path / "out", short, long, formats=("pdf",)).ok
    short_pages = {page for title, page in outline_pages(tmp_path / "out" / "short.pdf") if title.startswith("Chapter")}
    assert len(short_pages) == 1, "five short chapters share one page"
    long_pdf = tmp_path / "out" / "long.pdf"
    texts = pdf_page_texts(long_pdf)
    long_pages = [page for title, page in outline_pages(long_pdf) if title.startswith("Chapter")]
    assert len(set(long_pages)) == 5
    assert texts[long_pages[0]].split()[:3] == ["Long", "Chapter", "1"], "the first shares the title's page"
    assert all(texts[page].lstrip().startswith(f"Chapter {n}") for n, page in enumerate(long_pages[1:], 2))


def test_a_long_collection_of_short_poems_runs_on_instead_of_opening_a_page_for_each(tmp_path):
    """The Sonnets (153 chapters of about 600 characters) printed one poem a page: a long text whose
    chapters are shorter than a page on average (render.SHORT_CHAPTER) runs them on."""
    from pdf_reading import outline_pages

    stanza = "Shall I compare thee to a summer's day?\nThou art more lovely and more temperate:\n"
    poems = "".join(f"\n## {n}\n\n" + stanza * 2 + "\n" + stanza * 2 + "\n" for n in range(1, 71))  # 22,000 characters
    path = write_source(tmp_path, "poems.md", "---\ntitle: Poems\n---\n" + poems)
    assert build_into(tmp_path / "out", path, formats=("pdf",)).ok
    pages = [page for title, page in outline_pages(tmp_path / "out" / "poems.pdf") if title.isdigit()]
    assert len(pages) == 70 and len(set(pages)) <= 35, f"70 poems of eight lines on {len(set(pages))} pages"


def test_a_long_texts_short_opening_shares_its_page_with_chapter_one_and_a_long_opening_does_not(tmp_path):
    from pdf_reading import outline_pages, pdf_page_texts

    chapters = "".join(f"\n## Chapter {n}\n\n" + "A long chapter, with many words in it. " * 120 + "\n"
                       for n in range(1, 6))
    short = write_source(tmp_path, "short.md", "---\ntitle: Short\n---\n\nA few opening words.\n" + chapters)
    long = write_source(tmp_path, "long.md", "---\ntitle: Long\n---\n\n" + "An opening of many words. " * 60
                        + "\n" + chapters)
    assert build_into(tmp_path / "out", short, long, formats=("pdf",)).ok
    for name, shared in (("short", True), ("long", False)):
        pdf = tmp_path / "out" / f"{name}.pdf"
        title_page = next(page for title, page in outline_pages(pdf) if title == name.title())
        chapter_one = next(page for title, page in outline_pages(pdf) if title == "Chapter 1")
        assert (chapter_one == title_page) is shared, name
        if not shared:
            assert pdf_page_texts(pdf)[chapter_one].lstrip().startswith("Chapter 1")


def test_the_credits_say_a_description_that_repeats_the_archive_listing_once(seed_build):
    from pdf_reading import pdf_page_texts

    credits = " ".join(pdf_page_texts(seed_build[2])[-1].split())
    # the seed's metaTitle "Trotskyism or Leninism? | History | Russia" was printed raw, and its tags
    # as "Subjects: history, russia, 1924": the listing says its sections once, the tags add nothing
    assert credits.count("Archive listing: History › Russia") == 1
    assert "|" not in credits and "Subjects" not in credits


def test_the_credits_write_keywords_as_subjects_and_the_listing_without_the_title(tmp_path):
    import zipfile

    from lxml import etree

    source = write_source(tmp_path, "t.md", """\
        ---
        title: "On the Mass Strike"
        author: "Rosa Luxemburg"
        metaTitle: "On the Mass Strike | Luxemburg Archive"
        tags: [russian-revolution, strikes, "Social Democracy", "1906", strikes]
        ---

        Text.
        """)
    build_into(tmp_path / "out", source, formats=("epub",))
    with zipfile.ZipFile(tmp_path / "out" / "t.epub") as z:
        colophon = etree.fromstring(z.read("EPUB/colophon.xhtml"))
    lines = [" ".join("".join(p.itertext()).split()) for p in colophon.iter("{http://www.w3.org/1999/xhtml}p")]
    assert "Archive listing: Luxemburg Archive" in lines
    assert "Subjects: Russian revolution, Strikes, Social Democracy" in lines


def test_a_running_head_is_cut_at_a_phrase_and_only_without_one_at_a_word_with_an_ellipsis():
    from octavo.render import running_head

    assert running_head("Trotskyism or Leninism?") == "Trotskyism or Leninism?"
    title = "The Eighteenth Brumaire of Louis Bonaparte, with a preface by the author and notes"
    assert running_head(title) == "The Eighteenth Brumaire of Louis Bonaparte"  # a whole phrase, no "…"
    cut = running_head("The Eighteenth Brumaire of Louis Bonaparte with a preface by the author and his notes")
    assert cut.endswith("\u2026") and len(cut) <= 65
    assert "The Eighteenth Brumaire of Louis Bonaparte with a preface by the".startswith(cut[:-1])
    assert cut[:-1] == cut[:-1].rstrip(" ,")


def test_a_wide_table_stays_inside_the_page(tmp_path):
    from octavo.readback import text_beyond_edges
    from pdf_reading import pdf_page_texts

    header = "| " + " | ".join(f"Column{n}" for n in range(1, 11)) + " |"
    rule = "|" + "---|" * 10
    row = "| " + " | ".join(["Manufacturingestablishments", "1,208,648"] * 5) + " |"
    source = write_source(tmp_path, "wide.md", f"---\ntitle: Wide\n---\n{header}\n{rule}\n{row}\n{row}\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = tmp_path / "out" / "wide.pdf"
    printed = re.sub(r"\s", "", "".join(pdf_page_texts(pdf)))
    assert "Column10" in printed, "the last column is printed (long words may break)"
    outside = text_beyond_edges(pdf)
    assert not outside, outside[:10]


def test_running_heads_use_the_short_title(tmp_path):
    body = "\n\n".join(["A paragraph long enough to fill a few pages of a short essay, page after page."] * 60)
    source = write_source(tmp_path, "long-title.md", "---\ntitle: A Contribution to the Critique of the Political "
                          "Economy of Everything Under the Sun\nshortTitle: The Critique\n---\n" + body)
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    heads = [head for head in band_text(tmp_path / "out" / "long-title.pdf", top_mm=14) if head]
    assert len(heads) >= 2 and set(heads) == {"THE CRITIQUE"}  # set in small capitals: drawn from capitals


def test_a_footnote_written_over_several_lines_is_set_as_one_paragraph(tmp_path):
    """The source's line ends inside a note are spaces: WeasyPrint 70 would break a footnote's
    line at each one, leaving short lines."""
    import pypdfium2 as pdfium

    source = write_source(tmp_path, "wrapped.md", "---\ntitle: Wrapped\n---\n\nA sentence with a note.[^1]\n\n"
                          "[^1]: Dates are given in the old\n"
                          "    and the new style.\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = pdfium.PdfDocument(str(tmp_path / "out" / "wrapped.pdf"))
    lines = [" ".join(line.split()) for n in range(len(pdf)) for line in pdf[n].get_textpage().get_text_range().splitlines()]
    pdf.close()
    [note] = [line for line in lines if "Dates are" in line]
    assert note.endswith("and the new style."), lines


@pytest.mark.slow
def test_a_footnote_weasyprint_cannot_place_is_set_at_the_end_not_lost(tmp_path):
    """In Capital ch. 10, WeasyPrint 70 leaves a footnote out of the PDF (the last note of the text,
    after a tall table in a note): the build finds it missing from every page's foot and lays the
    book out again with that note at the end, behind a pointer. Every note's words are printed."""
    from octavo import model
    from octavo.readback import pdf_body_text, words

    needs_corpus()
    chapter = CORPUS / "marx-capital-v1-ch10.md"
    report = build_into(tmp_path, chapter, formats=("pdf",))
    assert report.ok
    codes = [(d.code, d.message) for r in report.results for d in r.diagnostics]
    assert not [c for c in codes if c[0] == "pdf.footnote-lost" or "No anchor #note" in c[1]], codes
    pdf = tmp_path / f"{chapter.stem}.pdf"
    with pikepdf.open(pdf) as opened:
        pages = len(opened.pages)
    printed = " " + " ".join(w for w in words(pdf_body_text(pdf, 0, pages)) if not w.isdigit()) + " "
    text, _ = load(chapter)
    dropped = []
    for note in text.notes:
        said = [w for w in words(" ".join(model.plain_text(b.inlines) for b in model.walk_blocks(note.blocks)
                                          if hasattr(b, "inlines"))) if not w.isdigit()][:4]
        if said and " " + " ".join(said) + " " not in printed:
            dropped.append(note.number)
    assert not dropped


def test_empty_code_spans_do_not_nest_in_print(tmp_path):
    """Lenin's theses indent each line of a list with an empty code span (`` `    ` ``): written
    ``<code/>``, the print edition (read as HTML) opened a code element on each line that never ended,
    each 0.9 of the one before, down to 1 pt. Read back: the last line is in the body's size."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    lines = ["Austrian experience;", "Ireland;", "Balkan experience;", "Eastern peoples;", "Relations in the Caucasus;",
             "The Bashkir and Tatar Republics;", "Kirghizia; Turkestan, its experience;", "Negroes in America;"]
    body = "On the following points:\\\n" + "".join(f"`    `{line}\\\n" for line in lines) + "and so on.\n"
    path = write_source(tmp_path, "theses.md", "---\ntitle: Theses\n---\n\n" + body)
    assert build_into(tmp_path / "out", path, formats=("pdf",)).ok
    document = pypdfium2.PdfDocument(str(tmp_path / "out" / "theses.pdf"))
    sizes = {}
    for page in document:
        text = page.get_textpage()
        whole = text.get_text_range()
        for word in ("On the following", "Negroes in America"):
            if word in whole:
                sizes[word] = pdfium_c.FPDFText_GetFontSize(text.raw, whole.index(word))
    document.close()
    assert sizes["Negroes in America"] >= sizes["On the following"] * 0.85, sizes


def test_a_note_called_in_a_heading_leaves_its_pointer_at_the_foot_of_the_headings_page(tmp_path):
    """The Russian Manifesto's first chapter heading calls note 1: its note is set at the end (a
    heading holds no footnote), and its page showed no pointer to it. Read back."""
    from pdf_reading import pdf_page_texts

    body = "## I. Bourgeois and Proletarians[^1]\n\nThe history of all hitherto existing society.\n\n" + \
        "[^1]: By bourgeoisie is meant the class of modern capitalists.\n"
    path = write_source(tmp_path, "heading.md", "---\ntitle: Manifesto\nlanguage: en\n---\n\n" + body)
    assert build_into(tmp_path / "out", path, formats=("pdf",)).ok
    texts = [" ".join(t.split()) for t in pdf_page_texts(tmp_path / "out" / "heading.pdf")]
    [page] = [t for t in texts if "Bourgeois and Proletarians" in t and "history of all" in t]
    assert "See note 1 at the end." in page
