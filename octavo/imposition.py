"""A PDF of half-size pages -> sheets for a saddle-stitched booklet. The only module that knows pypdf.

Each sheet carries two pages side by side on each of its sides; printed duplex (flip on the short
edge), stacked and folded in the middle, the sheets read in order. The page count is padded with
blank pages to a multiple of four: a folded sheet holds four pages.
"""
from __future__ import annotations

import io
from typing import BinaryIO

from pypdf import PageObject, PdfReader, PdfWriter, Transformation

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
        side = PageObject.create_blank_page(width=width, height=height)
        for index, x in ((left, 0), (right, width / 2)):
            if index is not None:
                _place(side, reader.pages[index], x, width / 2, height)
        writer.add_page(side).compress_content_streams()  # merging leaves them uncompressed
    writer.add_metadata({k: v for k, v in (reader.metadata or {}).items() if k in ("/Title", "/Author")})
    writer.write(dest)


def _place(side: PageObject, page: PageObject, x: float, width: float, height: float) -> None:
    """Draw ``page`` centred in the half of ``side`` that starts at ``x`` (A5 is a hair under half of A4)."""
    box = page.mediabox
    dx = x + (width - float(box.width)) / 2 - float(box.left)
    dy = (height - float(box.height)) / 2 - float(box.bottom)
    side.merge_transformed_page(page, Transformation().translate(dx, dy))
