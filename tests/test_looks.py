"""What a reader sees on the page (issue 17, judged by eye): verse contents, endnotes, lists,
read back from the built PDF with PDFium (word boxes) and from the EPUB with lxml."""
from __future__ import annotations

import re
import zipfile

import pypdfium2 as pdfium
from lxml import etree

from conftest import assert_epubcheck_clean, build_into, write_source
from pdf_reading import page_count

PT = 1.0  # PDF units are points


def words(pdf_path, page_index: int) -> list[tuple[str, float, float, float, float]]:
    """The words of a page as (word, left, bottom, right, top), in reading order (PDFium's characters
    joined at spaces and line ends)."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        text = pdf[page_index].get_textpage()
        found, word, box = [], "", None
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if not char or char.isspace() or char in "\ufffe\u00ad":
                if word:
                    found.append((word, *box))
                word, box = "", None
                continue
            left, bottom, right, top = text.get_charbox(i)
            word += char
            box = (left, bottom, right, top) if box is None else (
                min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top))
        if word:
            found.append((word, *box))
        return found
    finally:
        pdf.close()


def rows_of(found: list) -> list[list]:
    """Words grouped into printed lines (their vertical middles within 3 pt), top to bottom, each
    line left to right."""
    rows: list[list] = []
    for w in sorted(found, key=lambda w: -(w[2] + w[4]) / 2):
        middle = (w[2] + w[4]) / 2
        if rows and abs((rows[-1][0][2] + rows[-1][0][4]) / 2 - middle) < 3:
            rows[-1].append(w)
        else:
            rows.append([w])
    return [sorted(row, key=lambda w: w[1]) for row in rows]


def columns(values: list[float], tolerance: float = 1.0) -> list[float]:
    """The distinct positions among ``values`` (within ``tolerance`` points)."""
    found: list[float] = []
    for v in sorted(values):
        if not found or v - found[-1] > tolerance:
            found.append(v)
    return found


# --- verse contents: numbered poems, some titled (Dickinson) ---

TITLES = {1: "SUCCESS.", 3: "ROUGE ET NOIR.", 4: "ROUGE GAGNE.", 7: "ALMOST!", 10: "IN A LIBRARY.",
          13: "EXCLUSION.", 14: "THE SECRET.", 15: "THE LONELY HOUSE.", 17: "DAWN.", 18: "THE BOOK OF MARTYRS.",
          19: "THE MYSTERY OF PAIN.", 21: "A BOOK.", 23: "UNRETURNING.", 28: "THE WIFE.", 33: "SUMMER'S ARMIES."}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
         "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI", "XXVII", "XXVIII", "XXIX", "XXX",
         "XXXI", "XXXII", "XXXIII", "XXXIV", "XXXV", "XXXVI", "XXXVII", "XXXVIII"]
STANZA = "A line of verse, and its fellow\nTurning the other way;\nA third to keep them company,\nAnd one to end the day."


def poems_source(tmp_path):
    poems = "\n\n".join(f"### {r}. {TITLES.get(n, '')}".rstrip() + f"\n\n{STANZA}\n\n{STANZA}"
                        for n, r in enumerate(ROMAN, 1))
    return write_source(tmp_path, "poems.md", f"---\ntitle: Poems\n---\n\n## I. LIFE.\n\n{poems}\n")


def test_a_contents_of_numbered_poems_some_titled_is_one_poem_a_line_untitled_ones_by_first_line(tmp_path):
    """Each poem on a line of its own across the measure (two columns made titles turn over:
    "SUMMER'S / ARMIES."): the numbers right-aligned in a column of their own, the titles starting at
    one edge, the page numbers flush right; a title's final full stop is dropped and an untitled
    poem is listed by its number and first line (issue 17), in the EPUB's nav as on paper."""
    source = poems_source(tmp_path)
    assert build_into(tmp_path / "out", source).ok
    assert_epubcheck_clean(tmp_path / "out" / "poems.epub")
    with zipfile.ZipFile(tmp_path / "out" / "poems.epub") as epub:  # the EPUB's contents read as written
        nav = etree.fromstring(epub.read(next(n for n in epub.namelist() if n.endswith("nav.xhtml"))))
    entries = [" ".join("".join(a.itertext()).split()) for a in nav.iter("{http://www.w3.org/1999/xhtml}a")]
    assert "XVIII. THE BOOK OF MARTYRS" in entries and "XVI. A line of verse, and its fellow" in entries, entries
    assert "I. LIFE" in entries and "I. SUCCESS" in entries, entries
    pdf = tmp_path / "out" / "poems.pdf"
    found = words(pdf, 1)
    assert found[0][0] == "Contents"
    numbers = [w for w in found if w[0].rstrip(".") in ROMAN and w[0].endswith(".") and w[0] != "I."]
    numbers += [w for w in found if w[0] == "I."][1:]  # the first "I." is the section's, "I. LIFE"
    assert len(numbers) > 20, [w[0] for w in found]  # the rest on the next page
    assert len(columns([w[3] for w in numbers])) == 1  # right-aligned, one column
    title_lefts = columns([w[1] for w in found if w[0] in ("SUCCESS", "DAWN", "UNRETURNING", "ALMOST!")])
    assert len(title_lefts) == 1, title_lefts  # titles start at one edge
    assert not [w for w in found if w[0] in ("SUCCESS.", "DAWN.")], "no final full stops in the contents"
    # one poem a line: no two numbers share a line
    baselines = [round(w[2]) for w in numbers]
    assert len(baselines) == len(set(baselines)) > 10, baselines


# --- endnotes on paper ---

NOTE = ("A note of some length, which says where the passage comes from and why it matters to the "
        "argument of the chapter, and then goes on to quote the resolution of the committee in full.")


def test_endnotes_are_justified_like_the_text_with_their_numbers_hanging_right_aligned(tmp_path):
    """Printed endnotes are set as the text is (justified: every line of a note but its last ends
    at the measure; they were ragged beside a justified text), their numbers hanging in a column
    of their own, right-aligned: 9 and 10 end at one place, the notes' text starts at another."""
    calls = " ".join(f"A sentence with a note.[^{n}]" for n in range(1, 12))
    notes = "\n".join(f"[^{n}]: {NOTE} {NOTE}" for n in range(1, 12))
    source = write_source(tmp_path, "notes.md", f"---\ntitle: A text with endnotes\n---\n\n{calls}\n\n{notes}\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",), notes="endnotes").ok
    pdf = tmp_path / "out" / "notes.pdf"
    rows = []  # the printed lines from the heading "Notes" on
    heading = False
    for page in range(2, page_count(pdf)):
        found = words(pdf, page)
        if not heading and "Notes" in [w[0] for w in found]:
            heading = True
            found = found[[w[0] for w in found].index("Notes") + 1:]
        if not heading:
            continue
        if "Sources" in [w[0] for w in found]:
            found = found[:[w[0] for w in found].index("Sources")]
        rows += [[(*w, page) for w in row] for row in rows_of([w for w in found if 50 < w[2] < 548])]  # heads, folios aside
    numbers = [row[0] for row in rows if row[0][0].isdigit() and len(row) > 3]
    assert [n[0] for n in numbers] == [str(n) for n in range(1, 12)], [r[0][0] for r in rows]
    gaps = [row[1][1] - row[0][3] for row in rows if row[0] in numbers]  # number's end to the note's start
    assert max(gaps) - min(gaps) < 1.2, [round(g, 1) for g in gaps]  # right-aligned: 10 ends where 9 does
    measure = {row[0][5]: max(r[-1][3] for r in rows if r[0][5] == row[0][5]) for row in rows}  # per page
    last_lines = {rows.index(row) - 1 for row in rows if row[0] in numbers[1:]} | {len(rows) - 1}
    short = [(" ".join(w[0] for w in row), measure[row[0][5]] - row[-1][3]) for i, row in enumerate(rows)
             if i not in last_lines]
    assert len(short) > 20 and all(gap < 1.5 for _, gap in short), [s for s in short if s[1] >= 1.5]  # justified


# --- lists on paper ---

ITEM = "the demonstration in the capital and the formation of the coalition government with the participation of"


def test_a_lettered_list_hangs_its_labels_and_is_justified_like_the_text(tmp_path):
    """Items labelled "a)", "b)" in the source: each label hangs, the item's turnover lines start
    under its first word (they started under the label), and the lines end at the measure as the
    text's do (they were ragged)."""
    items = "\n".join(f"* {label}) {ITEM} the {label} party and its friends in the provinces;" for label in "abcdef")
    source = write_source(tmp_path, "list.md", f"---\ntitle: A list\n---\n\nThe facts of this period:\n\n{items}\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    rows = rows_of([w for w in words(tmp_path / "out" / "list.pdf", 2) if 50 < w[2] < 548])
    labels = [row for row in rows if row[0][0] in [f"{c})" for c in "abcdef"]]
    assert len(labels) == 6, [" ".join(w[0] for w in r) for r in rows]
    turnovers = [rows[rows.index(row) + 1] for row in labels]
    for label, turnover in zip(labels, turnovers):
        assert turnover[0][0] not in [f"{c})" for c in "abcdef"]
        assert abs(turnover[0][1] - label[1][1]) < 2.5, (label[1][0], label[1][1], turnover[0][0], turnover[0][1])
    measure = max(row[-1][3] for row in rows)
    assert all(measure - row[-1][3] < 1.5 for row in labels)  # an item's first line is full: justified


# --- the credits page ---

def test_a_credit_line_too_long_for_the_measure_turns_over_indented(tmp_path):
    """A source's web address wider than the measure turns over under the line's start, indented
    (it ran back to the margin, where it read as a line of its own)."""
    url = "https://www.marxists.org/reference/archive/stalin/works/1924/11_19_and_a_long_tail_to_the_address.htm"
    source = write_source(tmp_path, "credit.md", f"---\ntitle: Credits\noriginalSource: {url}\n---\n\nA paragraph.\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = tmp_path / "out" / "credit.pdf"
    rows = rows_of([w for w in words(pdf, page_count(pdf) - 1) if 50 < w[2] < 548])
    source_line = next(i for i, row in enumerate(rows) if row[0][0] == "Source:")
    assert rows[source_line + 1][0][1] - rows[source_line][0][1] > 8, [" ".join(w[0] for w in r) for r in rows]


# --- the contents ---

LONG_HEADINGS = ["Section 1. The Development of Machinery",
                 "Section 2. The Value Transferred by Machinery to the Product",
                 "Section 3. The Proximate Effects of Machinery on the Workman",
                 "Section 4. The Factory"]


def test_contents_page_numbers_stand_in_one_column_clear_of_long_titles(tmp_path):
    """Every page number of the contents ends at the right edge, in a column the titles keep clear
    of: a title filling the line met its number with no leader ("…to the Product 1"), or pushed a
    line of leader dots alone under it."""
    body = "\n\n".join(f"## {h}\n\n" + "A paragraph of the section, long enough for a page. " * 30 for h in LONG_HEADINGS)
    source = write_source(tmp_path, "long.md", f"---\ntitle: Long Titles\n---\n\n{body}\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = pdfium.PdfDocument(str(tmp_path / "out" / "long.pdf"))
    try:  # each printed line of the contents page: its text, and where its last character ends
        text = pdf[1].get_textpage()
        whole = text.get_text_range()
        lines, start = [], 0
        for line in whole.split("\r\n"):
            end = start + len(line)
            if line.strip():
                lines.append((line.strip(), text.get_charbox(end - 1)[2]))
            start = end + 2
    finally:
        pdf.close()
    lines = lines[1:-1]  # "Contents" and the folio aside
    numbered = [(line, right) for line, right in lines if line[-1].isdigit()]
    assert len(numbered) == len(LONG_HEADINGS) + 1, lines  # and the credits
    assert len(columns([right for _, right in numbered], 0.8)) == 1, numbered
    for line, _ in lines:
        assert any(c.isalpha() for c in line), lines  # no line of leader dots alone
    for line, _ in numbered:  # the number stands apart from the leader, not run into it
        assert re.search(r"[^.\d]\s*\d+$", line) or re.search(r"\.\s+\d+$", line), line


def test_poem_numbers_in_the_contents_are_small_capitals_in_both_kinds_of_list(tmp_path):
    """The Sonnets' bare numbers, four to a line, are set in small capitals as the numbers of a
    list of titled poems are (they were full capitals beside Dickinson's small ones)."""
    poems = "\n\n".join(f"{r}.\n\n{STANZA}" for r in ROMAN[:12])
    source = write_source(tmp_path, "numbers.md", f"---\ntitle: Numbers\n---\n\n{poems}\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    found = words(tmp_path / "out" / "numbers.pdf", 1)
    capital = next(w for w in found if w[0].startswith("Sources"))  # "S" of "Sources and credits"
    height = lambda w: w[4] - w[2]  # noqa: E731
    x = [w for w in found if w[0] == "X."]
    assert x and height(x[0]) < 0.85 * height(capital), (height(x[0]), height(capital))


def test_a_poem_headed_by_its_number_alone_is_set_as_a_titled_one_in_small_capitals(tmp_path):
    """In the text, "II." over an untitled poem is set in small capitals, as "I. SUCCESS." is (it
    was in full capitals, taller than its neighbours' numbers)."""
    source = poems_source(tmp_path)
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = tmp_path / "out" / "poems.pdf"
    # the first page of the text (after the contents): "I. SUCCESS." (its stop kept in the text), then "II."
    found = next(f for f in (words(pdf, n) for n in range(1, page_count(pdf))) if any(w[0] == "SUCCESS." for w in f))
    height = lambda w: w[4] - w[2]  # noqa: E731
    titled = [w for w in found if w[0] == "SUCCESS."][0]
    bare = [w for w in found if w[0] == "II."]
    assert bare, [w[0] for w in found]
    assert abs(height(bare[0]) - height(titled)) < 0.6, (height(bare[0]), height(titled))


def test_the_line_that_closes_the_credits_starts_at_the_margin(tmp_path):
    """"This edition was made with Octavo." starts where the credits do (it was pushed in by the
    credits' turnover indent)."""
    source = write_source(tmp_path, "made.md", "---\ntitle: Made\nauthor: Someone\n---\n\nA paragraph.\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = tmp_path / "out" / "made.pdf"
    rows = rows_of([w for w in words(pdf, page_count(pdf) - 1) if 50 < w[2] < 548])
    starts = {row[0][0]: row[0][1] for row in rows}
    assert abs(starts["This"] - starts["Someone"]) < 1, starts


# --- poems: a poem's head stands over its verse (issue 17: Dickinson, heads centred over flush-left verse) ---

def test_a_poems_head_starts_where_its_verse_starts_and_a_group_head_stays_centred(tmp_path):
    """Verse is set flush left, so a poem's own head is set flush left over it, at the verse's
    edge (a centred head stood over nothing); a heading over a group of poems ("I. LIFE.") with no
    verse of its own stays centred."""
    source = poems_source(tmp_path)
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = tmp_path / "out" / "poems.pdf"
    page = next(i for i in range(page_count(pdf)) if any(w[0] == "SUCCESS." for w in words(pdf, i))
                and words(pdf, i)[0][0] != "Contents")
    lines = rows_of(words(pdf, page))
    head = next(row for row in lines if any(w[0] == "SUCCESS." for w in row))
    verse = next(row for row in lines if row[0][0] == "A" and row[1][0] == "line")
    assert abs(head[0][1] - verse[0][1]) < 1 * PT, (head, verse)
    group = next(row for row in lines if [w[0] for w in row] == ["I.", "LIFE."])
    width = group[-1][3] - group[0][1]
    centre = (group[0][1] + group[-1][3]) / 2
    assert group[0][1] - verse[0][1] > width, group  # not at the verse's edge
    assert 180 < centre < 240, centre  # about the middle of an A5 page (210 pt)


# --- tables look the same everywhere (issue 17: Capital ch. 15) ---

TABLES = """---
title: Tables
---

## Machinery

Some words before the tables, and a note with a table of its own.[^1]

#### QUINQUENNIAL PERIODS AND THE YEAR 1866

<table>
<tr><td><b>Annual average</b></td><td><b>1831-1835</b></td><td><b>1836-1840</b></td></tr>
<tr><td>Import</td><td>1,096,373</td><td>2,389,729</td></tr>
<tr><td>Export</td><td>225,263</td><td>251,770</td></tr>
</table>

<table>
<tr><td><b>Death-Rate per 100,000 Men in the Respective Industries</b></td></tr>
</table>

<table>
<tr><td><b>Persons employed</b></td><td><b>Industries</b></td><td><b>Age 25-35</b></td></tr>
<tr><td>958,265</td><td>Agriculture</td><td>743</td></tr>
<tr><td>22,301 men<br>12,379 women</td><td>London tailors</td><td>958</td></tr>
<tr><td>13,803</td><td>London printers</td><td>894</td></tr>
</table>

Some words after the tables.

[^1]: A note with figures.

    <table>
    <tr><td>1846. &#8212;</td><td>401,949,393 lbs.</td></tr>
    <tr><td>1852. &#8212;</td><td>765,630,543 lbs.</td></tr>
    </table>
"""


def test_tables_have_the_same_rules_and_figure_alignment_in_the_text_and_in_notes(tmp_path):
    """A note's table is ruled as a body table is (light horizontal rules), its figures with a unit
    after them ("401,949,393 lbs.") right-aligned; a column of figures is right-aligned whole, a cell
    of words among its figures ("22,301 men") and its head included; a caption written in capitals
    is set in small capitals; a one-cell table over a table ("Death-Rate ...") is that table's
    caption, not a table of its own."""
    source = write_source(tmp_path, "tables.md", TABLES)
    assert build_into(tmp_path / "out", source).ok
    assert_epubcheck_clean(tmp_path / "out" / "tables.epub")
    with zipfile.ZipFile(tmp_path / "out" / "tables.epub") as epub:
        pages = [etree.fromstring(epub.read(n)) for n in epub.namelist() if re.search(r"c\d+\.xhtml$", n)]
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    tables = [t for page in pages for t in page.iterfind(".//h:table", ns)]
    captions = [" ".join("".join(c.itertext()).split()) for t in tables for c in t.iterfind("h:caption", ns)]
    assert captions == ["QUINQUENNIAL PERIODS AND THE YEAR 1866",
                        "Death-Rate per 100,000 Men in the Respective Industries"], captions
    assert "caps" in tables[0].find("h:caption", ns).get("class", "").split()
    assert len([t for t in tables if t.find(".//h:td", ns) is not None]) == 3, "one-cell table left as a table"
    persons = tables[1]
    first_column = [row[0] for row in persons.iterfind(".//h:tr", ns)]
    assert all(c.get("class") and ("number" in c.get("class").split() or "figures" in c.get("class").split())
               for c in first_column), [etree.tostring(c) for c in first_column]

    pdf = tmp_path / "out" / "tables.pdf"
    doc = pdfium.PdfDocument(str(pdf))
    try:
        index = next(i for i in range(len(doc)) if "401,949,393" in doc[i].get_textpage().get_text_range())
        page = doc[index]
        # light rules: the note's table draws horizontal lines as the body's do
        from pypdfium2 import raw
        lines = []
        for obj in page.get_objects():
            if obj.type == raw.FPDF_PAGEOBJ_PATH:
                left, bottom, right, top = obj.get_bounds()
                if right - left > 40 and top - bottom < 2:
                    lines.append((round(bottom), round(left), round(right)))
        height = page.get_height()
    finally:
        doc.close()
    found = words(pdf, index)
    note_top = next(w for w in found if w[0] == "401,949,393")[4]
    assert any(b < note_top + 20 and b > 0 for b, _, _ in lines if b < height / 2), (lines, note_top)
    units = [w for w in found if w[0] == "lbs."]
    assert abs(units[0][3] - units[1][3]) < 0.5, units  # right-aligned: the units end on one line
    with_men = [w for w in found if w[0] in ("men", "women")]
    if with_men:  # the body table's column on this page
        assert abs(with_men[0][3] - with_men[1][3]) < 0.5, with_men
    caps = [w for w in found if w[0] == "QUINQUENNIAL"]
    if caps:  # small capitals: shorter than a capital
        assert caps[0][4] - caps[0][2] < 7, caps


def test_a_section_that_is_a_poem_has_its_title_at_the_verses_edge(tmp_path):
    """The Sonnets: each poem a section of its own, its number the section's title, set at the
    verse's left edge as a poem's head is."""
    sonnets = "\n\n".join(f"## {r}.\n\n{STANZA}\n\n{STANZA}" for r in ROMAN[:3])
    source = write_source(tmp_path, "sonnets.md", f"---\ntitle: Sonnets\n---\n\n{sonnets}\n")
    assert build_into(tmp_path / "out", source).ok
    assert_epubcheck_clean(tmp_path / "out" / "sonnets.epub")
    pdf = tmp_path / "out" / "sonnets.pdf"
    page = next(i for i in range(page_count(pdf)) if any(w[0] == "II." for w in words(pdf, i))
                and words(pdf, i)[0][0] != "Contents")
    lines = rows_of(words(pdf, page))
    head = next(row for row in lines if [w[0] for w in row] == ["II."])
    verse = next(row for row in lines if row[0][0] == "A" and row[1][0] == "line")
    assert abs(head[0][1] - verse[0][1]) < 1 * PT, (head, verse)


# --- the printed contents (issue 17: Lu Xun, Zetkin as books) ---

PROSE = "A paragraph of the text, long enough to be a paragraph of some weight in a book of this kind. " * 6


def test_a_single_text_without_sections_has_no_printed_contents(tmp_path):
    """A contents page listing the text alone (and the credits) says nothing: the book opens
    with its title page, its back left blank (unnumbered), and then its text on a right-hand page."""
    source = write_source(tmp_path, "story.md", f"---\ntitle: A Small Incident\n---\n\n{PROSE}\n\n{PROSE}\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = tmp_path / "out" / "story.pdf"
    assert not any(w[0] == "Contents" for i in range(page_count(pdf)) for w in words(pdf, i))
    doc = pdfium.PdfDocument(str(pdf))
    try:
        assert [doc.get_page_label(i) for i in range(3)] == ["i", "", "1"]
        assert not doc[1].get_textpage().get_text_range().strip()
    finally:
        doc.close()


def test_the_contents_of_a_single_text_list_its_sections_and_their_leaders_end_in_one_column(tmp_path):
    """The book's title is on its title page, not the first entry of its contents; every entry's
    leader dots end at one column, clear of the page numbers (they ended a dot apart)."""
    chapters = "\n\n".join(f"## Chapter {n}: {'A Title of Some Length ' * (n % 3)}\n\n{PROSE}" for n in range(1, 9))
    source = write_source(tmp_path, "book.md", f"---\ntitle: A Book of Chapters\n---\n\n{chapters}\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = pdfium.PdfDocument(str(tmp_path / "out" / "book.pdf"))
    try:
        index = next(i for i in range(len(pdf)) if pdf[i].get_textpage().get_text_range().startswith("Contents"))
        text = pdf[index].get_textpage()
        lines: dict[int, list] = {}
        for i in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(i, loose=True)  # the line's height, not the glyph's
            lines.setdefault(round(bottom), []).append((text.get_text_range(i, 1), left, right))
    finally:
        pdf.close()
    entries = ["".join(c for c, _, _ in lines[y]).split(".")[0] for y in sorted(lines, reverse=True)
               if sum(c == "." for c, _, _ in lines[y]) > 3]
    assert entries[0].startswith("Chapter 1"), entries
    assert "A Book of Chapters" not in entries
    ends = {round(max(r for c, _, r in chars if c == "."), 1) for chars in lines.values()
            if sum(c == "." for c, _, _ in chars) > 3}
    assert len(ends) == 1, ends


def test_the_contents_of_a_single_text_do_not_list_its_opening_under_the_books_title(tmp_path):
    """A speech with opening words and three sections (the seed): its contents list the three
    sections and the credits, not the opening words under the title printed above them."""
    sections = "\n\n".join(f"## {r}. A PART OF THE SPEECH\n\n{PROSE}" for r in ("I", "II", "III"))
    source = write_source(tmp_path, "speech.md", f"---\ntitle: A Speech of Some Weight\n---\n\n{PROSE}\n\n{sections}\n")
    for profile in ("book", "handout"):
        assert build_into(tmp_path / profile, source, formats=("pdf",), profile=profile).ok
        pdf = next((tmp_path / profile).glob("*.pdf"))
        page = next(i for i in range(page_count(pdf)) if any(w[0] == "Contents" for w in words(pdf, i)))
        lines = [" ".join(w[0] for w in row) for row in rows_of(words(pdf, page))]
        start = next(n for n, line in enumerate(lines) if line == "Contents")
        assert lines[start + 1].startswith("I. A PART"), (profile, lines)
        assert not any(line.startswith("A Speech of Some Weight") for line in lines[start:]), (profile, lines)


def test_a_contents_entry_turning_over_to_the_next_page_has_its_number_where_its_leader_ends(tmp_path):
    """Two entries of some twenty lines each cannot share one contents page: one turns over to the
    next. Its number stands at the end of its leader, on the page where the entry ends (it stood on
    the page where the entry began, beside a line with no leader, and the leader ended bare)."""
    long = "A title that will not end soon and goes on " * 26  # 24 fitted on one page once lines were 118 mm
    body = "\n\n".join(f"## {n}. {long}\n\n{PROSE}" for n in ("One", "Two"))
    source = write_source(tmp_path, "long.md", f"---\ntitle: Long Titles\n---\n\n{body}\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = tmp_path / "out" / "long.pdf"
    numbered, pages = 0, 0
    document = pdfium.PdfDocument(str(pdf))
    try:
        for page in document:
            text = page.get_textpage()
            lines: dict[int, str] = {}  # each printed line by its loose box's bottom (the line's, not a dot's)
            for i in range(text.count_chars()):
                bottom = round(text.get_charbox(i, loose=True)[1])
                lines[bottom] = lines.get(bottom, "") + text.get_text_range(i, 1)
            led = [line.strip() for _, line in sorted(lines.items(), reverse=True) if "....." in line]
            pages += bool(led)
            for line in led:
                assert re.search(r"\.{5,}\s*\d+$", line), f"a leader ends with no number: {line}"
                numbered += 1
    finally:
        document.close()
    assert pages == 2, "the contents should run over two pages"
    assert numbered == 3  # the two entries and the credits


def printed_folio(pdf_path, page_index: int) -> str:
    """What is printed in the foot of a page (its last 15 mm): the folio, or '' on a page without one."""
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        page = document[page_index]
        width, _ = page.get_size()
        return page.get_textpage().get_text_bounded(0, 0, width, 15 * 72 / 25.4).strip()
    finally:
        document.close()


def test_the_text_opens_on_a_right_hand_page_numbered_1_with_or_without_a_contents(tmp_path):
    """Folio 1 is a right-hand page (an odd page of the PDF) and is the first page printing "1":
    with no contents (after the title page's blank back), with a one-page contents (on its back),
    and with a two-page contents (after a blank page). The blank page before the text is neither
    numbered nor counted: Lu Xun's story printed 2, 3, 4 where its page labels said 1, 2, 3, and
    Capital ch. 15 and the Sonnets opened on a left-hand page after a two-page contents."""
    long = "A title that will not end soon and goes on " * 26  # two contents pages, so a blank page comes before the text
    sources = {
        "none": f"---\ntitle: A Small Incident\n---\n\n{PROSE}\n\n{PROSE}\n",
        "one": f"---\ntitle: Two Parts\n---\n\n## One\n\n{PROSE}\n\n## Two\n\n{PROSE}\n",
        "two": "---\ntitle: Long Titles\n---\n\n" + "\n\n".join(f"## {n}. {long}\n\n{PROSE}" for n in ("One", "Two")),
    }
    for name, text in sources.items():
        source = write_source(tmp_path, f"{name}.md", text)
        assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
        pdf = tmp_path / "out" / f"{name}.pdf"
        folios = [printed_folio(pdf, i) for i in range(page_count(pdf))]
        first = folios.index("1")
        assert first % 2 == 0, f"{name}: folio 1 on PDF page {first + 1}, a left-hand page: {folios}"
        assert folios[first:] == [str(n) for n in range(1, len(folios) - first + 1)], (name, folios)
        document = pdfium.PdfDocument(str(pdf))
        try:
            assert document.get_page_label(first) == "1", name
        finally:
            document.close()


def test_a_contents_entry_too_long_for_one_line_turns_over_indented_under_its_start(tmp_path):
    """A hanging indent, as a book's contents has it: the entry's second line starts right of its
    first, so the next entry's start stands out (Capital ch. 15's "Section 2. The Value Transferred
    by Machinery to the / Product" turned over flush with the entries' starts)."""
    long = "The Value Transferred by Machinery to the Product and Other Matters Long in the Telling"
    body = "\n\n".join(f"## Section {n}. {long}\n\n{PROSE}" for n in (1, 2))
    source = write_source(tmp_path, "long.md", f"---\ntitle: Long Titles\n---\n\n{body}\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = tmp_path / "out" / "long.pdf"
    contents = next(i for i in range(page_count(pdf)) if any(w[0] == "Contents" for w in words(pdf, i)))
    lines = rows_of(words(pdf, contents))
    starts = [i for i, row in enumerate(lines) if row[0][0] == "Section"]
    assert len(starts) == 2, lines
    first, second = lines[starts[0]], lines[starts[0] + 1]
    assert second[0][0] != "Section", "the entry should take two lines"
    assert second[0][1] > first[0][1] + 8 * PT, (first[0], second[0])
    assert abs(lines[starts[1]][0][1] - first[0][1]) < 0.5 * PT  # entries start in one column


def _chars(pdf_path, page_index: int) -> list[tuple[str, float, float, str]]:
    """Every character of a page as (char, baseline, font size, font name), by PDFium."""
    import ctypes
    from pypdfium2 import raw
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        text = pdf[page_index].get_textpage()
        found = []
        for i in range(text.count_chars()):
            x, y, name = ctypes.c_double(), ctypes.c_double(), ctypes.create_string_buffer(256)
            raw.FPDFText_GetCharOrigin(text.raw, i, x, y)
            raw.FPDFText_GetFontInfo(text.raw, i, name, 256, None)
            found.append((text.get_text_range(i, 1), y.value, raw.FPDFText_GetFontSize(text.raw, i), name.value.decode()))
        return found
    finally:
        pdf.close()


TABLE_CALLS = """---
title: Lace
---

Out of 686 female patients who were lace-makers, the number of consumptive ones were:[^1]

<table>
<tr><td><b>1856</b>. &#8212; 1 in 15.</td><td><b>1861</b>. &#8212; 1 in 8.<sup><b>i</b></sup></td></tr>
<tr><td><b>1852</b>. &#8212; 1 in 45.</td><td><b>1857</b>. &#8212; 1 in 13.</td></tr>
</table>

<blockquote class="table-note"><p><strong>i.</strong> Ch. Empl. Comm., II. Rep., p. xxii, n. 166.</p></blockquote>

Wheat and Oats came from the United States.

[^1]:

    <table>
    <tr><td colspan="2">EXPORT OF CORN, &amp;c., FROM THE UNITED STATES TO GREAT BRITAIN</td></tr>
    <tr><td>Wheat, cwts</td><td>16,202,312</td></tr>
    <tr><td>Oats, cwts</td><td>3,174,801</td></tr>
    </table>
"""


def test_a_call_in_a_table_cell_is_set_as_every_note_call_is(tmp_path):
    """Capital ch. 15's "1861. -- 1 in 8.<sup><b>i</b></sup>": the call is small (a.noteref's 0.7 em)
    and not bold, and its cell's line stands on the row's baseline (bold, at the browser's size for a
    superscript, it pushed "1861. -- 1 in 8." a point below "1856. -- 1 in 15.")."""
    assert build_into(tmp_path / "out", write_source(tmp_path, "lace.md", TABLE_CALLS), formats=("pdf",)).ok
    chars = _chars(tmp_path / "out" / "lace.pdf", 2)
    text = "".join(c[0] for c in chars)
    figure = chars[text.index("1 in 8.")]
    call = next(c for c in chars[text.index("1 in 8.") + len("1 in 8."):] if c[0].strip())
    assert call[0] == "i"
    assert call[2] < 0.75 * figure[2], (call, figure)
    assert "bold" not in call[3].lower(), call
    assert figure[1] == chars[text.index("1 in 15.")][1], "one baseline across the row"


def test_a_table_title_row_in_capitals_is_set_in_small_capitals_as_a_caption_is(tmp_path):
    """Note tables of Capital ch. 15 ("EXPORT OF CORN, &c., FROM THE UNITED STATES ..." across the
    table): small capitals, whose "E" stands lower than the capital "W" of "Wheat" in the cell under
    it (a capital E is as tall as a W)."""
    assert build_into(tmp_path / "out", write_source(tmp_path, "lace.md", TABLE_CALLS), formats=("pdf",)).ok
    pdf = pdfium.PdfDocument(str(tmp_path / "out" / "lace.pdf"))
    try:
        text = pdf[2].get_textpage()
        page = text.get_text_range()
        heights = {}
        for word in ("EXPORT", "Wheat,"):  # the note's (the text's own "Wheat" has no comma)
            left, bottom, right, top = text.get_charbox(page.index(word))
            heights[word] = top - bottom
    finally:
        pdf.close()
    assert heights["EXPORT"] < 0.85 * heights["Wheat,"], heights
