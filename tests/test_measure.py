"""The text block is the one the @page rules design: its lines start at the page's left margin and
justified lines end at its right margin, on left- and right-hand pages of a book and on a
handout's sheets. (The print styles once left WeasyPrint's default ``body { margin: 8px }`` in
place: every line stood 6 pt inside the margins the styles wrote.)

The margins are written out here from the style sheets (print.css, handout.css), and the lines are
read from the PDF with PDFium's character boxes."""
from __future__ import annotations

import pypdfium2 as pdfium

from conftest import build_into, write_source
from pdf_reading import page_count

MM = 72 / 25.4  # points in a millimetre
A5_WIDTH, A4_WIDTH = 148 * MM, 210 * MM
# print.css: right-hand pages 17 mm inside (binding), 13 mm outside; left-hand pages the mirror
BOOK_RIGHT_PAGE, BOOK_LEFT_PAGE = (17 * MM, 13 * MM), (13 * MM, 17 * MM)
HANDOUT = (24 * MM, 56 * MM)  # handout.css: the wide right margin holds the paragraph numbers
TOLERANCE = 1.2  # a glyph's box may start a little inside its advance (side bearing); the body margin was 6 pt

PARAGRAPH = ("The delegates argued long into the night about the terms of the settlement, and the "
             "chairman, who had promised an answer before the morning, read out the proposals one after "
             "another while the hall emptied and the lamps burned down. ")


def source(tmp_path):
    body = "\n\n".join(PARAGRAPH * 3 for _ in range(14))
    return write_source(tmp_path, "measure.md", f"---\ntitle: The Measure\nauthor: A. Writer\n---\n\n{body}\n")


def text_edges(pdf_path, index: int, band: tuple[float, float]) -> tuple[float, float] | None:
    """The leftmost start and rightmost end of the letters of page ``index`` whose boxes lie between
    ``band`` (points from the page's left edge), or None for a page without the text's paragraphs
    (the title page, a blank page, the credits: their lines are centred or short)."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        text = pdf[index].get_textpage()
        if "delegates" not in text.get_text_range():
            return None
        boxes = [text.get_charbox(i) for i in range(text.count_chars())
                 if not text.get_text_range(i, 1).isspace()]
        boxes = [(left, right) for left, _, right, _ in boxes if band[0] <= left and right <= band[1] and right > left]
        return (min(b[0] for b in boxes), max(b[1] for b in boxes)) if boxes else None
    finally:
        pdf.close()


def test_a_books_lines_fill_the_text_block_its_page_margins_leave(tmp_path):
    """Right-hand pages (the first page is one) and left-hand pages alike."""
    assert build_into(tmp_path / "out", source(tmp_path), formats=("pdf",)).ok
    pdf = tmp_path / "out" / "measure.pdf"
    checked = set()
    for index in range(page_count(pdf)):
        left, right = BOOK_RIGHT_PAGE if index % 2 == 0 else BOOK_LEFT_PAGE
        edges = text_edges(pdf, index, (0, A5_WIDTH))
        if edges is None:
            continue
        assert abs(edges[0] - left) < TOLERANCE, f"page {index + 1}: lines start {edges[0] / MM:.1f} mm in, not {left / MM:.0f}"
        assert abs(edges[1] - (A5_WIDTH - right)) < TOLERANCE, (
            f"page {index + 1}: justified lines end {(A5_WIDTH - edges[1]) / MM:.1f} mm from the edge, not {right / MM:.0f}")
        checked.add(index % 2)
    assert checked == {0, 1}  # both sides were read


def test_a_handouts_lines_fill_the_text_block_its_page_margins_leave(tmp_path):
    """The paragraph numbers stand in the right margin, 10 mm and more beyond the text: they are
    left out by reading only up to 5 mm past the text's right edge."""
    assert build_into(tmp_path / "out", source(tmp_path), formats=("pdf",), profile="handout", paper="A4").ok
    pdf = tmp_path / "out" / "measure-handout.pdf"
    left, right = HANDOUT
    text_right = A4_WIDTH - right
    read = 0
    for index in range(page_count(pdf)):
        edges = text_edges(pdf, index, (0, text_right + 5 * MM))
        if edges is None:
            continue
        assert abs(edges[0] - left) < TOLERANCE, f"page {index + 1}: lines start {edges[0] / MM:.1f} mm in, not {left / MM:.0f}"
        assert abs(edges[1] - text_right) < TOLERANCE, (
            f"page {index + 1}: justified lines end {(A4_WIDTH - edges[1]) / MM:.1f} mm from the edge, not {right / MM:.0f}")
        read += 1
    assert read >= 2
