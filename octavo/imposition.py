"""A PDF of half-size pages -> sheets for a saddle-stitched booklet. The only module that knows pypdf.

Each sheet carries two pages side by side on each of its sides; printed duplex (flip on the short
edge), stacked and folded in the middle, the sheets read in order. The page count is padded with
blank pages to a multiple of four: a folded sheet holds four pages.
"""
from __future__ import annotations

import io
from typing import BinaryIO

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, IndirectObject, NameObject

MM = 72 / 25.4
SHEETS = {"A4": (297 * MM, 210 * MM), "letter": (11 * 72, 8.5 * 72)}  # landscape, in points
HALF = {"A4": "A5", "letter": "half-letter"}  # the page size that fits twice on a sheet


def booklet_papers(paper: str) -> tuple[str, str]:
    """(page size, sheet size) of a booklet for ``--paper``: half-letter on letter, else A5 on A4."""
    sheet = "letter" if paper.lower() == "letter" else "A4"
    return HALF[sheet], sheet


def sheet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """(left, right) page indices (0-based) of every sheet side in printing order: front, back, next
    sheet's front, ...; None where a padding page is blank."""
    total = -(-pages // 4) * 4
    shown = lambda n: n if n < pages else None  # noqa: E731
    sides = []
    for sheet in range(total // 4):
        outer, inner = 2 * sheet, total - 1 - 2 * sheet
        sides.append((shown(inner), shown(outer)))  # front: the last page left, the first right
        sides.append((shown(outer + 1), shown(inner - 1)))  # back
    return sides


def impose(pdf: bytes, sheet: str, dest: BinaryIO) -> None:
    """Write the booklet of ``pdf``'s pages on ``sheet`` sheets (A4 or letter) to ``dest``."""
    reader = PdfReader(io.BytesIO(pdf))
    width, height = SHEETS[sheet]
    writer = PdfWriter()
    for left, right in sheet_order(len(reader.pages)):
        side = writer.add_blank_page(width, height)
        forms, drawing = DictionaryObject(), []
        for index, x in ((left, 0), (right, width / 2)):
            if index is not None:
                name = NameObject(f"/Page{len(forms)}")
                forms[name] = _form(writer, reader.pages[index])
                box = reader.pages[index].mediabox  # centred in its half (A5 is a hair under half of A4)
                dx = x + (width / 2 - float(box.width)) / 2 - float(box.left)
                dy = (height - float(box.height)) / 2 - float(box.bottom)
                drawing.append(f"q 1 0 0 1 {dx:.3f} {dy:.3f} cm {name} Do Q")
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): forms})
        side[NameObject("/Contents")] = writer._add_object(_stream("\n".join(drawing).encode()))
    writer.add_metadata({k: v for k, v in (reader.metadata or {}).items() if k in ("/Title", "/Author")})
    writer.write(dest)


def _form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """A page as a Form XObject of the writer: drawn where it is placed, its content copied as it is.
    (pypdf's merge_transformed_page parses and rewrites every content stream: ten times slower.)"""
    form = _stream(page.get_contents().get_data())
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject([FloatObject(v) for v in page.mediabox]),
                 NameObject("/Resources"): page["/Resources"].clone(writer)})
    return writer._add_object(form)  # private, but pypdf has no public way to add a new stream


def _stream(data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream.flate_encode()
