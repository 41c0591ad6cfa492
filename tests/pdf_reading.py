"""Reading PDFs back in tests: what only the tests need, not ``--check`` (that reads through
``octavo.readback``)."""
from __future__ import annotations

from pathlib import Path

from octavo.readback import outline_places

def pdf_page_texts(path: Path) -> list[str]:
    """The text of every page (PDFium: it reads the custom CMaps WeasyPrint writes for large fonts,
    where pypdf garbles Cyrillic)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[n].get_textpage().get_text_range() for n in range(len(pdf))]
    finally:
        pdf.close()


def page_count(path: Path) -> int:
    """How many pages the PDF has (PDFium)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def outline_pages(path: Path) -> list[tuple[str, int]]:
    """Every outline entry (depth first) with the 0-based index of the page it opens."""
    return [(title, page) for title, page, _ in outline_places(path)]
