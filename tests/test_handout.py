"""The handout profile (issue 9): numbered paragraphs with the same ids in the EPUB and the PDF, a
class's page (A4 or letter, a measure of at most 75 characters, title, author, source and "page n
of N" on every page, no near-empty pages) and booklets imposed for saddle stitching. The PDFs are
read back with pypdfium2 and pikepdf."""
from __future__ import annotations

import io
import re
import statistics

import pypdfium2 as pdfium
import pytest
from lxml import etree

from conftest import ROOT, SEED, assert_epubcheck_clean, build_into, run_cli, write_source
from octavo.validate import BookCheck, edition_parity
from octavo.readback import XHTML_NS, epub_spine, named_places
from octavo.config import Config

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
LETTER = (8.5 * 72, 11 * 72)
READER = ROOT / "volumes" / "reader.toml"
HEAD_FOOT_MM = 20  # styles/handout.css: the running head and foot sit in the top and bottom 20 mm
NUMBER_COLUMN_MM = 53  # and the paragraph numbers in the right margin, at most this far from the edge


@pytest.fixture(scope="module")
def seed_handout(tmp_path_factory):
    """The seed as a handout with its booklet, from the command line (no --paper: the handout's A4)."""
    out = tmp_path_factory.mktemp("seed-handout")
    proc = run_cli(str(SEED), "--profile", "handout", "--booklet", "-j", "1", "-o", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out / f"{SEED.stem}-handout.epub", out / f"{SEED.stem}-handout.pdf", out / f"{SEED.stem}-handout-booklet.pdf"


@pytest.fixture(scope="module")
def reader_handout(tmp_path_factory):
    """The course reader (three texts under three parts) as a handout."""
    out = tmp_path_factory.mktemp("reader-handout")
    report = build_into(out, READER, profile="handout", paper="A4", jobs=1)
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    return out / "reader-handout.epub", out / "reader-handout.pdf"


RULE = """---
title: "Numbering rule"
author: "A. Teacher"
language: en
originalSource: "https://example.org/rule"
---
First paragraph, with words.
{: #kept}

## A heading

* * *

- first item
- second item, with a [link back](#kept)

> A quotation's first paragraph.
>
> Its second paragraph.

From fairest creatures we desire increase,
That thereby beauty's rose might never die,
But as the riper should by time decease,
His tender heir might bear his memory.

| a | b |
|---|---|
| 1 | 2 |

    code, not counted

<div class="aside">
<p>A paragraph inside raw HTML.</p>
</div>

Last paragraph.
"""


def numbered(epub) -> list[tuple[str, str, str, str]]:
    """(element, id, printed number, first words) of every numbered block, in reading order."""
    found = []
    for _, doc in epub_spine(epub):
        for el in doc.xpath(".//*[contains(concat(' ', @class, ' '), ' numbered ')]", namespaces=XHTML_NS):
            number = el[0]
            assert number.get("class") == "para-num" and number.get("aria-hidden") == "true"
            words = " ".join("".join(el.itertext())[len(number.text):].split()[:3])
            found.append((etree.QName(el).localname, el.get("id"), number.text, words))
    return found


def test_the_numbering_rule_counts_paragraphs_items_quotations_and_stanzas_once_each(tmp_path):
    source = write_source(tmp_path, "rule.md", RULE)
    report = build_into(tmp_path / "out", source, formats=("epub",), profile="handout", paper="A4")
    assert report.ok
    epub = tmp_path / "out" / "rule-handout.epub"
    assert numbered(epub) == [
        ("p", "para-1", "1", "First paragraph, with"),
        ("li", "para-2", "2", "first item"),
        ("li", "para-3", "3", "second item, with"),
        ("blockquote", "para-4", "4", "A quotation’s first"),  # one unit: its paragraphs are not counted
        ("p", "para-5", "5", "From fairest creatures"),  # a stanza
        ("p", "para-6", "6", "A paragraph inside"),  # inside raw HTML; the heading, rule, table, code are not
        ("p", "para-7", "7", "Last paragraph."),
    ]
    docs = dict(epub_spine(epub))
    link = next(a for doc in docs.values() for a in doc.xpath(".//x:li[@id='para-3']//x:a", namespaces=XHTML_NS))
    name, fragment = link.get("href").split("#")
    target = docs[name].xpath(f".//*[@id='{fragment}']")[0]
    assert target.get("class") == "para-num" and target.getparent().get("id") == "para-1", \
        "a link to the paragraph's own id still arrives at the paragraph"


def test_the_book_profile_numbers_nothing(seed_build):
    _, epub, _ = seed_build
    assert numbered(epub) == []


def test_handout_epubs_pass_epubcheck(seed_handout, reader_handout, tmp_path):
    source = write_source(tmp_path, "rule.md", RULE)
    build_into(tmp_path / "out", source, formats=("epub",), profile="handout", paper="A4")
    assert_epubcheck_clean(seed_handout[0], reader_handout[0], tmp_path / "out" / "rule-handout.epub")


def pdf_paragraph_order(pdf, ids: list[str]) -> list[str]:
    """The ids that are named destinations of the PDF, ordered by where they stand (page, then height)."""
    places = named_places(pdf, tuple(ids))
    return sorted(places, key=lambda name: (places[name][0], -places[name][1]))


@pytest.mark.parametrize("which", ["seed", "reader"])
def test_paragraph_ids_are_the_same_in_the_epub_and_the_pdf_and_in_order(which, seed_handout, reader_handout):
    epub, pdf = (seed_handout if which == "seed" else reader_handout)[:2]
    blocks = numbered(epub)
    ids = [block_id for _, block_id, _, _ in blocks]
    assert len(ids) > 50 and len(set(ids)) == len(ids)
    assert pdf_paragraph_order(pdf, ids) == ids
    numbers: dict[str, list[int]] = {}  # per text prefix ("" for a single text): its numbers in order
    for _, block_id, printed, _ in blocks:
        prefix, n = re.fullmatch(r"(t\d+-)?para-(\d+)", block_id).groups()
        assert printed == n
        numbers.setdefault(prefix or "", []).append(int(n))
    assert all(found == list(range(1, len(found) + 1)) for found in numbers.values()), "each text counts from 1"
    assert list(numbers) == ([""] if which == "seed" else ["t1-", "t2-", "t3-"])


def page_texts(pdf) -> list[tuple[tuple[float, float], str, str, str]]:
    """Per page: its size, the text of its head, of its body (without the number column) and of its foot."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        pages = []
        for page in doc:
            width, height = page.get_size()
            text, band = page.get_textpage(), HEAD_FOOT_MM * MM
            pages.append(((width, height), text.get_text_bounded(0, height - band, width, height),
                          text.get_text_bounded(0, band, width - NUMBER_COLUMN_MM * MM, height - band),
                          text.get_text_bounded(0, 0, width, band)))
        return pages
    finally:
        doc.close()


def test_every_page_is_a4_with_title_author_source_and_page_n_of_n(seed_handout):
    pages = page_texts(seed_handout[1])
    assert len(pages) > 10
    assert pages[0][1].strip() == "", "page 1 has no running head: its title is under it"
    for n, (size, head, _, foot) in enumerate(pages, 1):
        assert size == pytest.approx(A4, abs=0.5)
        assert n == 1 or ("Trotskyism or Leninism?" in head and "Joseph Stalin" in head)
        assert "marxists.org/reference/archive/stalin/works/1924/11_19.htm" in foot
        assert f"Page {n} of {len(pages)}" in foot


def test_the_median_line_is_at_most_75_characters(seed_handout):
    lines = [len(line.strip()) for _, _, body, _ in page_texts(seed_handout[1])
             for line in body.splitlines() if line.strip()]
    assert len(lines) > 500
    assert statistics.median(lines) <= 75


def test_a_single_text_handout_prints_its_title_once_above_the_contents(seed_handout):
    body = page_texts(seed_handout[1])[0][2]
    assert body.count("Trotskyism or Leninism?") == 1, "the title; the contents list the sections, not the title again"
    assert body.index("Joseph Stalin") < body.index("Contents") < body.index("Comrades, after Kamenev")
    assert body.index("Contents") < body.index("THE FACTS ABOUT")


def near_empty_pages(pdf) -> list[int]:
    """Pages whose text fills less than a quarter of the height between the head and the foot."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        found = []
        for n, page in enumerate(doc):
            height, band = page.get_size()[1], HEAD_FOOT_MM * MM
            text = page.get_textpage()
            boxes = [text.get_rect(i) for i in range(text.count_rects())]
            boxes = [b for b in boxes if b[1] >= band and b[3] <= height - band]
            used = max(b[3] for b in boxes) - min(b[1] for b in boxes) if boxes else 0
            if used < 0.25 * (height - 2 * band):
                found.append(n)
        return found
    finally:
        doc.close()


def test_the_course_reader_has_no_more_near_empty_pages_than_texts(reader_handout):
    texts = 3  # volumes/reader.toml
    assert len(near_empty_pages(reader_handout[1])) <= texts


@pytest.mark.parametrize("which", ["seed", "reader"])
def test_the_editions_say_the_same_words_in_the_same_order(which, seed_handout, reader_handout):
    epub, pdf = (seed_handout if which == "seed" else reader_handout)[:2]
    check = BookCheck(epub, pdf, parity=edition_parity(epub, pdf))
    assert check.parity_problems == []
    assert check.parity.epub_words > 9000



def test_a_single_texts_handout_with_a_long_title_has_the_same_words_as_its_epub(tmp_path):
    """The handout prints a single text's title once, in the block over the text, and hides the
    text's own heading: the title's words were counted as missing from the PDF, and the Zetkin
    speech's eleven-word title failed `--check`."""
    title = "Only in Conjunction With the Proletarian Woman Will Socialism Be Victorious"
    body = "A paragraph of the speech, long enough to be read as one in a class handout. " * 4
    source = write_source(tmp_path, "speech.md", f"---\ntitle: {title}\nauthor: A Speaker\n---\n\n{body}\n\n{body}\n")
    assert build_into(tmp_path / "out", source, formats=("epub", "pdf"), profile="handout").ok
    epub, pdf = tmp_path / "out" / "speech-handout.epub", tmp_path / "out" / "speech-handout.pdf"
    parity = edition_parity(epub, pdf)
    assert parity.missing == [] and parity.unexplained == []
    assert BookCheck(epub, pdf, parity=parity).parity_problems == []
    assert parity.epub_words == 2 * len(body.split())

# --- booklets ------------------------------------------------------------------------------------

def test_saddle_stitch_order_for_six_pages():
    from octavo.imposition import sheet_order

    # two sheets: the first carries pages 8 (blank), 1 | 2, 7 (blank); the second 6, 3 | 4, 5
    assert sheet_order(6) == [(None, 0), (1, None), (5, 2), (3, 4)]
    assert sheet_order(4) == [(3, 0), (1, 2)]
    assert sheet_order(1) == [(None, 0), (None, None)]


def halves(pdf) -> list[tuple[str, str]]:
    """(left half, right half) text of each sheet side."""
    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for page in doc:
            width, height = page.get_size()
            text = page.get_textpage()
            out.append((text.get_text_bounded(0, 0, width / 2, height).strip(),
                        text.get_text_bounded(width / 2, 0, width, height).strip()))
        return out
    finally:
        doc.close()


def test_a_booklet_of_six_known_pages_folds_in_order():
    from weasyprint import HTML

    from octavo.imposition import impose

    pages = "".join(f'<p style="break-after: page">PAGE{n}</p>' for n in range(1, 7))
    source = HTML(string=f"<style>@page {{ size: A5 }}</style>{pages}").write_pdf()
    sheets, again = io.BytesIO(), io.BytesIO()
    impose(source, "A4", sheets)
    impose(source, "A4", again)
    assert sheets.getvalue() == again.getvalue(), "byte for byte the same every time"
    assert halves(sheets.getvalue()) == [("", "PAGE1"), ("PAGE2", ""), ("PAGE6", "PAGE3"), ("PAGE4", "PAGE5")]
    size = pdfium.PdfDocument(sheets.getvalue())[0].get_size()
    assert size == pytest.approx((A4[1], A4[0]), abs=0.5), "landscape A4 sheets"


def test_the_seed_booklet_puts_its_a5_pages_two_up_on_a4_sheets(seed_handout):
    sides = halves(str(seed_handout[2]))
    total = int(re.search(r"Page 1 of (\d+)", sides[0][1]).group(1))  # the A5 edition's own page count
    assert total > len(page_texts(seed_handout[1])), "the half sheet holds less than an A4 page"
    assert len(sides) == 2 * -(-total // 4)
    assert f"Page 2 of {total}" in sides[1][0]
    padded = -(-total // 4) * 4  # the first side's left half is the padded booklet's last page
    assert (f"Page {total} of {total}" in sides[0][0]) == (padded == total)
    assert (sides[0][0] == "") == (padded > total), "a padding page is blank"
    doc = pdfium.PdfDocument(str(seed_handout[2]))
    assert all(page.get_size() == pytest.approx((A4[1], A4[0]), abs=0.5) for page in doc)


def test_booklet_paragraph_numbers_stand_in_the_outer_margin_of_left_and_right_pages(seed_handout):
    """Folded, a left-hand page's outer margin is on its left: the numbers go there, never by the fold."""
    outer_mm, inner_mm, top_mm, bottom_mm = 30, 14, 18, 19  # styles/booklet.css
    doc = pdfium.PdfDocument(str(seed_handout[2]))
    try:
        numbers = {"left": "", "right": ""}
        for page in doc:
            width, height = page.get_size()
            text, low, high = page.get_textpage(), bottom_mm * MM, height - top_mm * MM
            numbers["left"] += text.get_text_bounded(0, low, (outer_mm - 1) * MM, high) + " "
            numbers["right"] += text.get_text_bounded(width - (outer_mm - 1) * MM, low, width, high) + " "
            fold = text.get_text_bounded(width / 2 - (inner_mm - 1) * MM, low, width / 2 + (inner_mm - 1) * MM, high)
            assert fold.strip() == "", f"text by the fold: {fold!r}"
    finally:
        doc.close()
    for side, found in numbers.items():
        assert re.fullmatch(r"[\d\s]*", found), side
        assert len(found.split()) > 20, side


@pytest.mark.slow
def test_letter_handouts_and_booklets(tmp_path):
    report = build_into(tmp_path, SEED, formats=("pdf",), profile="handout", paper="letter", booklet=True)
    assert report.ok
    pages = page_texts(tmp_path / f"{SEED.stem}-handout-letter.pdf")
    assert all(size == pytest.approx(LETTER, abs=0.5) for size, _, _, _ in pages)
    doc = pdfium.PdfDocument(str(tmp_path / f"{SEED.stem}-handout-letter-booklet.pdf"))
    assert all(page.get_size() == pytest.approx((LETTER[1], LETTER[0]), abs=0.5) for page in doc)


def test_a_deleted_booklet_is_built_again_whatever_the_cache_says(tmp_path):
    source = write_source(tmp_path, "rule.md", RULE)
    out = tmp_path / "out"
    booklet = out / "rule-handout-booklet.pdf"
    first = build_into(out, source, formats=("pdf",), profile="handout", paper="A4", booklet=True)
    assert first.ok and booklet.is_file()
    made = booklet.read_bytes()
    assert build_into(out, source, formats=("pdf",), profile="handout", paper="A4", booklet=True).results[0].unchanged
    booklet.unlink()
    again = build_into(out, source, formats=("pdf",), profile="handout", paper="A4", booklet=True)
    assert not again.results[0].unchanged and booklet in again.results[0].outputs
    assert booklet.read_bytes() == made, "the same booklet, byte for byte"


# --- the page a class writes on (issue 17): edges, heads, line spacing, the title block ---------------

EDGE_MM = 10  # office printers cut nearer the edge than this


def char_boxes(pdf, page_index: int):
    """Every printed character of a page: (char, left, bottom, right, top, baseline y, font size)."""
    import ctypes

    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = doc[page_index].get_textpage()
        found = []
        for i in range(text.count_chars()):
            char = chr(raw.FPDFText_GetUnicode(text, i))
            if char.isspace() or not char.isprintable():
                continue
            x, y = ctypes.c_double(), ctypes.c_double()
            raw.FPDFText_GetCharOrigin(text, i, ctypes.byref(x), ctypes.byref(y))
            found.append((char, *text.get_charbox(i), round(y.value, 1), round(raw.FPDFText_GetFontSize(text, i), 1)))
        return found, doc[page_index].get_size()
    finally:
        doc.close()


def too_near_the_edge(pdf) -> list[tuple[int, str, float]]:
    """(page, character, distance in mm) of everything printed within EDGE_MM of a sheet's edge."""
    doc = pdfium.PdfDocument(str(pdf))
    count = len(doc)
    doc.close()
    near = []
    for n in range(count):
        boxes, (width, height) = char_boxes(pdf, n)
        for char, left, bottom, right, top, _, _ in boxes:
            distance = min(left, bottom, width - right, height - top) / MM
            if distance < EDGE_MM:
                near.append((n + 1, char, round(distance, 1)))
    return near


def test_nothing_on_a_handout_or_its_booklet_is_within_10_mm_of_the_sheet_edge(seed_handout):
    _, pdf, booklet = seed_handout
    assert not too_near_the_edge(pdf)[:10]
    assert not too_near_the_edge(booklet)[:10]


def test_booklet_heads_are_one_line_and_page_one_has_none(seed_handout):
    """Each A5 half of a sheet: the text above its body is at most one line (one baseline)."""
    booklet = seed_handout[2]
    doc = pdfium.PdfDocument(str(booklet))
    sheets = len(doc)
    doc.close()
    heads = {}
    for n in range(sheets):
        boxes, (width, height) = char_boxes(booklet, n)
        for half in (0, 1):
            baselines = {y for _, left, _, _, top, y, _ in boxes
                         if top > height - 18 * MM and half * width / 2 <= left < (half + 1) * width / 2}
            head = "".join(c for c, left, _, _, top, _, _ in boxes
                           if top > height - 18 * MM and half * width / 2 <= left < (half + 1) * width / 2)
            heads[(n, half)] = head
            assert len(baselines) <= 1, f"sheet {n + 1}, half {half}: a head of {len(baselines)} lines: {head}"
    assert heads[(0, 1)] == ""  # the first sheet's right half is page 1: its title is under it
    assert "JosephStalin" in heads[(1, 0)] and "TrotskyismorLeninism?" in heads[(2, 1)]  # pages 2 and 3


def test_booklet_feet_are_one_line(seed_handout):
    """Each A5 half of a sheet: the source address and the page number at its foot stand on one
    line (the address turned over onto a second line, near the sheet's edge)."""
    booklet = seed_handout[2]
    doc = pdfium.PdfDocument(str(booklet))
    sheets = len(doc)
    doc.close()
    for n in range(sheets):
        boxes, (width, height) = char_boxes(booklet, n)
        for half in (0, 1):
            foot = [(c, y, size) for c, left, bottom, _, _, y, size in boxes
                    if bottom < 18 * MM and half * width / 2 <= left < (half + 1) * width / 2]
            for part in {size for _, _, size in foot}:  # the address, and the page number (another size)
                line = [(c, y) for c, y, size in foot if size == part]
                assert len({y for _, y in line}) == 1, f"sheet {n + 1}, half {half}: {''.join(c for c, _ in line)}"


def test_the_handout_head_sets_the_title_over_the_text_and_the_author_over_the_numbers(seed_handout):
    """Page 2 of the handout: the title starts at the text's left edge and the author stands
    over the column of paragraph numbers, as the page number does at the foot (title and author
    ran into each other across the text's width)."""
    pdf = seed_handout[1]
    boxes, (width, height) = char_boxes(pdf, 1)
    body = [b for b in boxes if 30 * MM < b[2] < height - 30 * MM]
    numbers = [b for b in body if b[0].isdigit() and b[1] > 0.7 * width]  # the paragraph numbers' column
    text_left = min(b[1] for b in body)
    head = sorted((b for b in boxes if b[4] > height - HEAD_FOOT_MM * MM), key=lambda b: b[1])
    gap = max(range(1, len(head)), key=lambda i: head[i][1] - head[i - 1][3])  # between title and author
    title, author = head[:gap], head[gap:]
    assert "".join(b[0] for b in author) == "JosephStalin", head
    assert author[0][1] > min(b[1] for b in numbers) - 2 * MM, (author[0], min(b[1] for b in numbers))
    assert abs(title[0][1] - text_left) < 1, (title[0][1], text_left)


def test_handout_lines_are_spaced_at_least_1_4_for_writing_between_them(seed_handout):
    pdf = seed_handout[1]
    for page in (1, 2):
        boxes, _ = char_boxes(pdf, page)
        sizes = {}
        for _, left, _, _, _, baseline, size in boxes:
            if left < 150 * MM:  # the text column, not the paragraph numbers
                sizes.setdefault(size, set()).add(baseline)
        for size in (11.0, 9.0):  # the body, and footnotes (0.82 em)
            lines = sorted(sizes.get(size, ()))
            if len(lines) < 3:
                continue
            pitch = min(b - a for a, b in zip(lines, lines[1:]) if b - a > 1)
            assert pitch >= 1.4 * size - 0.1, (page, size, pitch)


@pytest.mark.slow
def test_zetkins_handout_keeps_title_author_and_date_together_without_a_contents_box(tmp_path):
    from conftest import CORPUS, needs_corpus

    needs_corpus()
    report = build_into(tmp_path, CORPUS / "zetkin-women-1896.md", formats=("pdf",), profile="handout",
                        paper="A4", booklet=True)
    assert report.ok
    pdf, booklet = tmp_path / "zetkin-women-1896-handout.pdf", tmp_path / "zetkin-women-1896-handout-booklet.pdf"
    first = " ".join(page_texts(pdf)[0][2].split())
    title = "Only in Conjunction With the Proletarian Woman Will Socialism Be Victorious"
    assert first.startswith(f"{title} Clara Zetkin (1896)"), first[:200]
    assert "Contents" not in first and first.count(title) == 1
    assert page_texts(pdf)[0][1].strip() == ""  # no running head over the title
    assert not too_near_the_edge(pdf)[:10] and not too_near_the_edge(booklet)[:10]


def test_a_handout_built_in_process_is_on_a4_like_one_built_from_the_command_line():
    # the profile chooses the paper unless one is named, whichever way the build is asked for
    assert Config(profile="handout").paper == "A4"
    assert Config(profile="handout").edition_suffix() == "-handout"
    assert Config().paper == "A5"
    assert Config(profile="handout", paper="Letter").edition_suffix() == "-handout-letter"


ARCHIVE_SPEECH = """---
title: "A Speech"
author: "A. Speaker"
---

**Source:** Speech at the Party Congress of the Social Democratic Party of Germany, Gotha, October 16th, 1896. Berlin.\\
**Published:** Selected Writings, International Publishers, 1984.\\
**Transcribed:** for an archive in August, 2002.

""" + "\\n\\n".join(["The delegates argued long into the night about the terms of the settlement, and "
                      "the chairman read the proposals out one after another while the hall emptied."] * 40) + "\\n"


def test_a_handout_without_a_source_address_names_the_archives_source_at_each_foot(tmp_path):
    """A text with no originalSource but an archive's "Source:" line (the Zetkin speech): the foot
    of every page and booklet half gives that source, cut to one line, as it gives a source address
    (the foot stood empty), clear of the page number; the credits keep the whole line."""
    source = write_source(tmp_path, "speech.md", ARCHIVE_SPEECH)
    out = tmp_path / "out"
    assert build_into(out, source, formats=("pdf",), profile="handout", paper="A4", booklet=True).ok
    pages = page_texts(out / "speech-handout.pdf")
    assert len(pages) >= 2
    for n, (_, _, _, foot) in enumerate(pages, 1):
        assert "Speech at the Party Congress of the Social Democratic Party" in " ".join(foot.split()), (n, foot)
        assert "Gotha" not in foot
    assert "Gotha, October 16th, 1896. Berlin." in " ".join(pages[-1][2].split())  # the credits
    booklet = out / "speech-handout-booklet.pdf"
    doc = pdfium.PdfDocument(str(booklet))
    sheets = len(doc)
    doc.close()
    feet = 0
    for n in range(sheets):
        boxes, (width, height) = char_boxes(booklet, n)
        for half in (0, 1):
            foot = [(left, right, size) for c, left, bottom, right, _, _, size in boxes
                    if bottom < 18 * MM and half * width / 2 <= left < (half + 1) * width / 2 and c.strip()]
            parts = sorted(([min(l for l, _, s in foot if s == size), max(r for _, r, s in foot if s == size)]
                            for size in {s for _, _, s in foot}))  # the source and the page number
            if len(parts) == 2:
                feet += 1
                assert parts[1][0] - parts[0][1] > 2 * MM, f"sheet {n + 1}, half {half}: the foot's parts touch"
    assert feet >= 4
