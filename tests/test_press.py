"""The print edition as a typesetter would pass it (issue 17, typesetting): print colour, titles,
running heads and the credits page, read back from real PDFs (and the EPUB, parsed)."""
from __future__ import annotations

import ctypes

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
