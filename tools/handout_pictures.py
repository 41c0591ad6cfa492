"""Render docs/handout.png and docs/booklet.png from a real build of the seed as a handout.

    python tools/handout_pictures.py

Builds into a temporary folder (the handout PDF and its booklet), then draws the handout's first
page and the booklet's first sheet side with a page on both halves, with pypdfium2.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from octavo.config import Config  # noqa: E402
from octavo.pipeline import build  # noqa: E402

SEED = ROOT / "sources" / "stalin-trotskyism-or-leninism-1924.md"


def draw(pdf: Path, index: int, dest: Path) -> None:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        doc[index].render(scale=1.25).to_pil().convert("L").save(dest, optimize=True)
    finally:
        doc.close()


def full_side(pdf: Path) -> int:
    """The first sheet side of a booklet with text on both halves (not a blank padding page)."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for index, page in enumerate(doc):
            width, height = page.get_size()
            text = page.get_textpage()
            if text.get_text_bounded(0, 0, width / 2, height).strip() and \
                    text.get_text_bounded(width / 2, 0, width, height).strip():
                return index
        return 0
    finally:
        doc.close()


def main() -> int:
    with tempfile.TemporaryDirectory() as out:
        report = build(Config(inputs=(SEED,), output=Path(out), formats=("pdf",), profile="handout", paper="A4",
                              booklet=True))
        if not report.ok:
            print("the build failed", file=sys.stderr)
            return 1
        draw(Path(out) / f"{SEED.stem}-handout.pdf", 0, ROOT / "docs" / "handout.png")
        booklet = Path(out) / f"{SEED.stem}-handout-booklet.pdf"
        draw(booklet, full_side(booklet), ROOT / "docs" / "booklet.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
