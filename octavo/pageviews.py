"""The laid-out pages as plain data, for the preflight (preflight.py): what :func:`octavo.pdf.page_views`
returns. No WeasyPrint here: octavo/weasy.py reads its boxes into these."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """One laid-out line (CSS px from the page's top left corner)."""

    block: object  # the element whose box holds the line (a paragraph, a cell); a margin box's at-keyword
    area: str  # "body", "footnotes" or "margin" (running heads, folios)
    texts: tuple[str, ...]  # its text fragments in order; generated text (list markers, calls) as ""
    elements: tuple  # the element of each fragment
    left: float
    top: float
    right: float
    bottom: float
    font_size: float  # px, of its first fragment with text
    stretch: float  # px justification added to each word space (negative: taken off, linebreak.py)
    colours: tuple[tuple[float, float, float], ...]  # sRGB of each fragment with text

    @property
    def text(self) -> str:
        return "".join(self.texts)


@dataclass(frozen=True)
class TablePart:
    """A piece of a table on a page: its caption, or one of its rows."""

    table: object  # the <table> element
    kind: str  # "caption", "head", "body" or "foot"


@dataclass(frozen=True)
class PageView:
    """What the preflight reads of one laid-out page."""

    name: str  # its named-page type (print.css)
    width: float
    height: float
    content_top: float  # the page area, margins excluded
    content_bottom: float
    notes_top: float | None  # where the footnotes begin; None: no footnotes on the page
    body_bottom: float  # the lowest box of the body's flow (lines, images, table rows)
    lines: tuple[Line, ...]  # body, footnotes and margin boxes, each in layout order
    tables: tuple[TablePart, ...]
    opening: tuple[tuple[object, str], ...]  # the boxes the page's flow opens with, outermost first:
    # (element, its break-before)
    closing: tuple[tuple[object, str], ...]  # the boxes it closes with: (element, its break-after)
    elements: frozenset  # every element with a block-level box on the page
    calls: tuple[str, ...] = ()  # ids of the note calls in its body
    feet: tuple[str, ...] = ()  # the calls whose note, or a pointer to it, is at its foot (data-call)
    kept_bottom: float | None = None  # the bottom of the piece the page's flow opens with that no
    # allowed break divides (a poem or stanza kept whole, a table row, an image, a heading with the
    # first lines after it, a paragraph's first lines up to its orphans): what the page before would
    # have had to take, at least, to be fuller
    kept_notes: float = 0.0  # the height the notes called in that piece take at the foot with it (the
    # footnote area's opening space and each note's first lines, those that always stand with their
    # call: footsplit.HEAD_LINES), which the page before would have had to find room for too
