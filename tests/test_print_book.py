"""The print edition as a book (issue 9, book profile): the face, links, page labels, footnotes and
pages, read back from real PDFs."""
from __future__ import annotations

import io

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from conftest import build_into, write_source

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
    from octavo.validate import pdf_page_texts

    _, _, pdf = seed_build
    assert "\u21a9" not in "".join(pdf_page_texts(pdf))


def test_a_viewer_shows_the_printed_page_numbers(seed_build, tmp_path):
    """Roman numbers in the front matter, arabic from the body's first page: the labels are the
    folios printed at the foot of each page."""
    from pypdf import PdfReader

    from octavo.validate import pdf_page_texts

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
