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
