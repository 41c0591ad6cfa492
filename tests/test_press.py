"""The print edition as a typesetter would pass it (issue 17, typesetting): print colour, titles,
running heads and the credits page, read back from real PDFs (and the EPUB, parsed)."""
from __future__ import annotations

import ctypes
import re

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as raw

from conftest import build_into, write_source


def text_colours(pdf_path) -> dict[tuple[int, int, int], list[str]]:
    """Each fill colour text is drawn in -> the words drawn in it (PDFium's page objects)."""
    found: dict[tuple[int, int, int], list[str]] = {}
    pdf = pdfium.PdfDocument(str(pdf_path))
    for page in pdf:
        text = page.get_textpage()
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_TEXT,), max_depth=8):
            r, g, b, a = (ctypes.c_uint() for _ in range(4))
            raw.FPDFPageObj_GetFillColor(obj, *(ctypes.byref(x) for x in (r, g, b, a)))
            words = text.get_text_bounded(*obj.get_bounds()).strip()
            found.setdefault((r.value, g.value, b.value), []).append(words)
    pdf.close()
    return found


def links(pdf_path) -> list[tuple[str, float, float]]:
    """Every link annotation: (its target, URI or destination, width, height)."""
    with pikepdf.open(pdf_path) as pdf:
        found = []
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                action = annot.get("/A")
                target = str(action.URI) if action is not None and "/URI" in action else "internal"
                rect = [float(v) for v in annot.Rect]
                found.append((target, abs(rect[2] - rect[0]), abs(rect[3] - rect[1])))
        return found


COLOURFUL = """---
title: Links on paper
originalSource: https://www.marxists.org/archive/example.htm
---
A remark with a note.[^1] A long one.[^2] See <https://www.marxists.org/archive/index.htm> and
[the archive](https://www.marxists.org/) for more.

{filler}

[^1]: The short note.
[^2]: {long}
"""


def test_the_print_edition_is_black_and_its_links_keep_their_click_area(tmp_path):
    long = " ".join(["A sentence of a note far too long for the foot of any page."] * 60)
    filler = "\n\n".join(["A paragraph that fills the page after the calls, so the end is pages away."] * 30)
    source = write_source(tmp_path, "links.md", COLOURFUL.format(long=long, filler=filler))
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = tmp_path / "out" / "links.pdf"
    colours = text_colours(pdf)
    coloured = {colour: words[:5] for colour, words in colours.items() if len(set(colour)) > 1}
    assert not coloured, f"text printed in colour: {coloured}"  # black, or the grey of running heads
    assert any("See note 2 at the end." in " ".join(w.split()) for w in colours[(0, 0, 0)])
    found = links(pdf)
    uris = {target for target, _, _ in found if target != "internal"}
    assert {"https://www.marxists.org/archive/index.htm", "https://www.marxists.org/",
            "https://www.marxists.org/archive/example.htm"} <= uris
    assert all(width >= 2 and height >= 4 for _, width, height in found), found  # every link can be clicked
    assert sum(target == "internal" for target, _, _ in found) >= 4  # note calls, the pointer, the contents


# --- titles: dashes, capitals, running heads ----------------------------------------------------------

def letters(pdf_path, page_index: int, top_mm: float | None = None) -> list[tuple[str, float, float]]:
    """The letters of a page (or of its top band, ``top_mm`` deep) as (letter, glyph height, font
    size), in reading order: a small capital is about as tall as an x, a capital much taller."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[page_index]
        height = page.get_size()[1]
        text = page.get_textpage()
        found = []
        for i in range(text.count_chars()):
            char = chr(raw.FPDFText_GetUnicode(text, i))
            if not char.isalpha():
                continue
            left, bottom, right, top = text.get_charbox(i)
            if top_mm is None or bottom > height - top_mm * 72 / 25.4:
                found.append((char, top - bottom, raw.FPDFText_GetFontSize(text, i)))
        return found
    finally:
        pdf.close()


def head_of(pdf_path, page_index: int, band_mm: float = 14) -> str:
    """The running head of a page: its text in the top band, spaces collapsed."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[page_index]
        width, height = page.get_size()
        return " ".join(page.get_textpage().get_text_bounded(0, height - band_mm * 72 / 25.4, width, height).split())
    finally:
        pdf.close()


def test_a_spaced_hyphen_in_titles_and_heads_is_an_en_dash_everywhere(tmp_path):
    import zipfile

    from pdf_reading import pdf_page_texts

    body = "\n\n".join(["Words enough to fill a page or two of this chapter, line after line of it."] * 40)
    source = tmp_path / "dash.md"
    source.write_text("---\ntitle: Chapter 15 - Machinery\nsubtitle: Part 1 - The Start\n---\n\n"
                      f"{body}\n\n## Section 2 - The Factory `a - b`\n\n{body}\n", encoding="utf-8")
    assert build_into(tmp_path / "out", source).ok
    pages = [" ".join(text.split()) for text in pdf_page_texts(tmp_path / "out" / "dash.pdf")]
    assert " - " not in " ".join(pages).replace("a - b", "") and "a - b" in pages[1]  # code keeps its hyphen
    assert pages[0].startswith("Chapter 15 \u2013 Machinery Part 1 \u2013 The Start")  # the title page
    assert "Section 2 \u2013 The Factory" in pages[1]  # contents (the title is the title page's, not an entry)
    heads = [head_of(tmp_path / "out" / "dash.pdf", n) for n in range(3, len(pages))]
    assert heads.count("CHAPTER 15 \u2013 MACHINERY") >= 2, heads  # running heads, in small capitals
    with zipfile.ZipFile(tmp_path / "out" / "dash.epub") as epub:
        nav = epub.read("EPUB/nav.xhtml").decode("utf-8")
    assert "Chapter 15 \u2013 Machinery" in nav and "Section 2 \u2013 The Factory" in nav


SHOUTING = """---
title: THE SHOUTING TEXT
---

Opening words of the text, before its first chapter.

## I. THE FACTS ABOUT THE UPRISING

{body}

## II. The Party and the Preparation

{body}
"""


def test_headings_written_in_capitals_print_in_small_capitals_and_stay_as_written_in_the_epub(tmp_path):
    from lxml import etree

    body = "\n\n".join(["A paragraph of the chapter, long enough to make the chapter run to pages."] * 30)
    source = write_source(tmp_path, "shout.md", SHOUTING.format(body=body))
    assert build_into(tmp_path / "out", source).ok
    pdf = tmp_path / "out" / "shout.pdf"

    def heights(page_index, word, top_mm=None):
        """The glyph heights (in font sizes) of the capital letters of ``word`` as printed."""
        found = letters(pdf, page_index, top_mm)
        joined = "".join(c for c, _, _ in found)
        start = joined.find(word)
        assert start >= 0, (word, joined[:200])
        return [h / size for c, h, size in found[start:start + len(word)] if c.isupper() and c not in "IQJ"]

    small, full = 0.48, 0.5  # Literata as printed: a small capital about 0.43 of the size, a capital 0.53
    assert max(heights(1, "THEFACTSABOUTTHEUPRISING")) < small  # contents
    assert max(heights(2, "THEFACTSABOUTTHEUPRISING")) < small  # the heading in the text
    assert min(heights(1, "ThePartyand")) > full  # a heading in upper and lower case keeps its capitals
    assert max(heights(0, "THESHOUTINGTEXT")) < small  # the title page
    later = [n for n in range(3, 8) if "THESHOUTINGTEXT" in "".join(c for c, _, _ in letters(pdf, n, 14))]
    assert later, "the pages after the first carry the title as running head"
    assert max(heights(later[0], "THESHOUTINGTEXT", 14)) < small  # the running head: small capitals
    with __import__("zipfile").ZipFile(tmp_path / "out" / "shout.epub") as epub:
        chapters = [etree.fromstring(epub.read(n)) for n in sorted(epub.namelist()) if "/c0" in n]
    headings = ["".join(h.itertext()) for tree in chapters for h in tree.iter("{http://www.w3.org/1999/xhtml}h2")]
    assert "I. THE FACTS ABOUT THE UPRISING" in headings  # the EPUB's text as written


def test_a_running_head_is_cut_after_a_phrase_never_inside_one():
    from octavo.render import running_head

    assert running_head("Trotskyism or Leninism?") == "Trotskyism or Leninism?"
    long = "A Critique of Our Critics: Part I: Mr P Struve in the Role of Critic of the Marxist Theory"
    assert running_head(long) == "A Critique of Our Critics: Part I"
    assert running_head("CHAPTER V. OF THE REAL AND NOMINAL PRICE OF COMMODITIES, OR OF THEIR PRICE IN LABOUR, "
                        "AND IN MONEY") == "CHAPTER V. OF THE REAL AND NOMINAL PRICE OF COMMODITIES"
    assert running_head("Chapter 15 \u2013 Machinery and Modern Industry, in the Factory System of England and "
                        "Wales") == "Chapter 15 \u2013 Machinery and Modern Industry"
    fits = "Only in Conjunction With the Proletarian Woman Will Socialism"  # 61 characters: whole
    assert running_head(fits) == fits
    cut = running_head("Only in Conjunction With the Proletarian Woman Will Socialism Be Victorious")
    assert cut.endswith("\u2026") and len(cut) <= 65  # no phrase ends in it: the last resort, at a word


ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
          "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI", "XXVII", "XXVIII"]


def test_poems_numbered_only_are_listed_by_number_and_first_line_with_their_page_numbers(tmp_path):
    """A contents of poems titled only by their numbers (the Sonnets) lists each by number and first
    line, as editions do, with its page number."""
    poems = "\n\n".join(f"{r}.\n\n" + "\n".join(["A line of verse that scans in some ten syllables"] * 14)
                        for r in ROMANS)
    source = tmp_path / "sonnets.md"
    source.write_text(f"---\ntitle: Sonnets\n---\n\n{poems}\n", encoding="utf-8")
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    pdf = pdfium.PdfDocument(str(tmp_path / "out" / "sonnets.pdf"))
    try:
        text = pdf[1].get_textpage()
        rows: dict[float, list[str]] = {}
        for rect in range(text.count_rects()):
            left, bottom, right, top = text.get_rect(rect)
            rows.setdefault(round(bottom), []).append(" ".join(text.get_text_bounded(left, bottom, right, top).split()))
    finally:
        pdf.close()
    lines = [" ".join(row) for _, row in sorted(rows.items(), reverse=True)]
    assert lines[0] == "Contents"
    numbered = [line for line in lines if re.match(r"^[IVX]+\. ", line)]
    # each poem known only by its number is listed with its first line, one a line (issue 17: bare
    # numerals beside page numbers equal to them told the reader nothing)
    assert "A line of verse that scans in some ten syllables" in " ".join(lines), lines
    assert numbered[0].split()[0] == "I." and numbered[0].split()[-1] == "1", numbered[:2]
    assert all(line.split()[-1].isdigit() for line in numbered), numbered
