"""A book's date, old or new, free text or none, never costs the print edition its fonts.

The book's date stamps everything written into the files. A font's clock starts in 1904, so a text
dated 1848 once made fontTools fail to instance the variable face: WeasyPrint logged "Unable to
instantiate" and embedded the variable font itself, every weight printed as the regular.
"""
from __future__ import annotations

import io

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from conftest import assert_epubcheck_clean, build_into, write_source


def embedded_faces(pdf_path) -> dict[str, tuple[int, bool]]:
    """Each embedded TrueType face of the PDF by name (subset tag dropped): (OS/2 weight class, still variable)."""
    faces = {}
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for _, font in (page.Resources.get("/Font") or {}).items():
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.get("/FontDescriptor")
                    if descriptor is None or "/FontFile2" not in descriptor:
                        continue
                    face = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
                    faces[str(font.BaseFont).split("+", 1)[-1]] = (face["OS/2"].usWeightClass, "fvar" in face)
    return faces


def build_dated(tmp_path, monkeypatch, date: str | None, formats=("pdf",)):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the front matter's date is the one under test
    field = f'date: "{date}"\n' if date is not None else ""
    source = write_source(tmp_path, "dated.md", f"---\ntitle: A dated text\nauthor: A. Writer\n{field}---\n\n"
                          "# The first part\n\nPlain words, **bold words** and *italic words*.\n")
    report = build_into(tmp_path / "out", source, formats=formats)
    result = report.results[0]
    return result, tmp_path / "out" / "dated.pdf", tmp_path / "out" / "dated.epub"


def assert_real_weights(result, pdf_path) -> None:
    assert result.ok and not [str(d) for d in result.diagnostics], [str(d) for d in result.diagnostics]
    faces = embedded_faces(pdf_path)
    assert faces["Literata-Bold"] == (700, False), faces
    assert faces["Literata-Semi-Bold"] == (600, False), faces  # the headings' weight
    assert faces["Literata"] == (400, False), faces


@pytest.mark.parametrize("date", ["1848", "1903-12-31"])
def test_a_text_dated_before_1904_prints_with_its_bold_weights_and_no_warning(tmp_path, monkeypatch, date):
    result, pdf, _ = build_dated(tmp_path, monkeypatch, date)
    assert_real_weights(result, pdf)
    with pikepdf.open(pdf) as opened:
        assert str(opened.docinfo["/CreationDate"]).startswith(f"D:{date[:4]}")  # the book keeps its own date


@pytest.mark.slow
@pytest.mark.parametrize("date", ["1500", "1776-07-04", "1904", "1969-12-31", "1970", "2026-12-07",
                                  "c. 400 BCE", "Spring 44 BC", "undated", None])
def test_every_kind_of_date_prints_with_real_weights_and_a_valid_epub(tmp_path, monkeypatch, date):
    result, pdf, epub = build_dated(tmp_path, monkeypatch, date, formats=("epub", "pdf"))
    assert_real_weights(result, pdf)
    assert_epubcheck_clean(epub)
