"""Print HTML + stylesheets -> PDF, through octavo/weasy.py (the only module that knows WeasyPrint).

WeasyPrint fetches whatever a document names, so it only ever gets a locked-down fetcher:
``file:`` URLs inside the allowed folders (fonts, styles, the book's assets) and nothing else.
Every refusal is reported. The PDF outline is generated from the same TOC as the EPUB nav.
"""
from __future__ import annotations

import calendar
import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import linebreak, weasy, weasy_text
from .fonts import FAMILY, book_face
from .hyphenation import install as install_hyphenation
from .model import Book, TocEntry
from .pageviews import PageView
from .render.xhtml import image_path
from .static_fonts import StaticInstances

PDF_VARIANT = "pdf/ua-1"  # tagged, XMP metadata, title shown: PDF/UA-1 as WeasyPrint makes it


@dataclass
class Layout:
    """A laid-out print edition: WeasyPrint's pages, what it complained about, each page's printed
    number. The PDF writer and the EPUB's page-list both read it, so they agree page for page."""

    document: object  # WeasyPrint's Document: read and written through weasy.py only
    complaints: list[str]
    date: int | None = None  # the book's date, seconds since 1970: the only time written into the file
    uncovered: set[str] = field(default_factory=set)  # characters no font had, found while writing

    @property
    def labels(self) -> list[str]:
        """Each page's number as printed: roman in the front matter, arabic from the body's first
        page, "" for pages outside both (a cover)."""
        return page_labels(self.page_names)

    @property
    def page_names(self) -> list[str]:
        """Each page's named-page type (print.css): what its number is counted in."""
        return [weasy.page_name(page) for page in self.pages]

    @property
    def root(self):
        """The print document's root element (its tree is the one :meth:`texts` points into)."""
        return weasy.root_element(self.document)

    @property
    def pages(self) -> list:
        """WeasyPrint's laid-out pages (read with weasy.py's functions)."""
        return weasy.pages(self.document)

    def texts(self) -> list[list[tuple[object, str]]]:
        """Each page's running text in layout order, as (element holding it, text) pairs: the page's
        body only (no running heads or folios, no footnote area). Content without text of the
        markup's own (an image, generated text such as list markers, note calls and ornaments) is
        there with "" as its text. The elements are those of the print document's tree."""
        return [list(weasy.body_texts(page)) for page in self.pages]


def page_views(laid_out: Layout) -> list[PageView]:
    """Every page of a layout as plain data (octavo/pageviews.py), for the preflight."""
    return [weasy.page_view(page) for page in laid_out.pages]


def layout(book: Book, html: str, toc: tuple[TocEntry, ...], stylesheets: list[Path],
           paper: str = "A5") -> Layout:
    """Lay the print edition out; ``toc`` (the renderer's contents) becomes the outline."""
    roots = [p.parent for p in stylesheets] + sorted({f.path.parent for f in book_face()})
    fetcher = weasy.LockedFetcher(roots, {image_path(a.name): a for a in book.assets})
    fonts = weasy.font_config()
    sheets = [weasy.stylesheet(fonts, fetcher, string=_font_faces())]
    sheets += [weasy.stylesheet(fonts, fetcher, filename=p) for p in stylesheets]
    sheets.append(weasy.stylesheet(fonts, fetcher, string=_outline_css(toc) + f"\n@page {{ size: {_paper(paper)}; }}"))
    install_hyphenation(book)  # Octavo's dictionaries: one break per word, American patterns for English
    with weasy.captured_warnings() as captured, linebreak.composing():  # spaces that shrink, hyphen limit
        document = weasy.render(html, fetcher, sheets, fonts, PDF_VARIANT)
    laid_out = Layout(document, [f"refused to load {url}" for url in fetcher.refused] + captured.messages,
                      calendar.timegm(book.modified.timetuple()), captured.missing)
    numbers_to_the_wide_margin(laid_out)
    return laid_out


def numbers_to_the_wide_margin(laid_out: Layout, name: str = "para-num") -> None:
    """Margin numbers stand in the right margin (handout.css: CSS cannot tell which side a block's
    page will be). On a page whose wide margin is the left one, a booklet's left-hand page, each is
    mirrored into it and set flush against the text. Only these boxes move: nothing reflows."""
    root = laid_out.root
    if root is None or not any(name in (el.get("class") or "").split() for el in root.iter()):
        return  # no margin numbers (the book profile): no page's boxes need a walk
    for page in laid_out.pages:
        weasy.mirror_to_left_margin(page, name)


def misplaced_footnotes(laid_out: Layout) -> list[str]:
    """The calls (ids) whose footnote is not on the call's page: WeasyPrint may move a note a page
    on (or back, Kozea/WeasyPrint#1564) when the page has no room for it."""
    misplaced = []
    for page in laid_out.pages:
        anchors = weasy.anchors(page)
        misplaced += [call for call in dict.fromkeys(weasy.footnote_calls(page)) if call not in anchors]
    return misplaced


def placed_footnotes(laid_out: Layout) -> set[str]:
    """The calls (ids) whose footnote is printed at the foot of some page: a footnote WeasyPrint
    could not place (at the end of a text, next to a tall table) is silently left out."""
    return {call for page in laid_out.pages for call in weasy.footnote_calls(page)}


FOOTNOTE_ROOM = 1400  # characters of a note that may sit under its call on an A5 page; more: at the end
PAPER_AREA = {"a5": 1.0, "a4": 2.0, "letter": 2.1, "b5": 1.42, "6x9": 1.12, "legal": 2.6}  # text area vs A5


def footnote_room(paper: str) -> int:
    """How many characters a footnote may have on ``paper`` and still sit under its call."""
    return int(FOOTNOTE_ROOM * PAPER_AREA.get(paper.lower(), 1.0))


def write(laid_out: Layout, dest) -> list[str]:
    """Write a laid-out edition as PDF; returns every complaint, for reporting. Characters no font
    had are not complaints: they are added to ``laid_out.uncovered`` (glyphs.py reports them)."""
    with weasy.captured_warnings() as captured, _font_dates(laid_out.date):
        weasy.write_pdf(laid_out.document, dest, PDF_VARIANT, label_ranges(laid_out.page_names))
    laid_out.uncovered |= captured.missing
    return laid_out.complaints + captured.messages


def write_pdf(book: Book, html: str, toc: tuple[TocEntry, ...], stylesheets: list[Path], dest,
              paper: str = "A5") -> list[str]:
    """Lay out and write the PDF. Returns WeasyPrint's complaints and refused URLs, for reporting."""
    return write(layout(book, html, toc, stylesheets, paper), dest)


FRONT_PAGES = {"front"}  # named pages (print.css) numbered in roman
BODY_PAGES = {"body", "part"}  # named pages numbered in arabic, from 1 (part pages count, unprinted)


def page_labels(page_names: list[str]) -> list[str]:
    """Printed page numbers from each page's named-page type, as print.css numbers them."""
    return [_roman(n) if style == "r" else str(n) if style == "D" else "" for style, n in _numbering(page_names)]


def _numbering(page_names: list[str]) -> list[tuple[str, int]]:
    """Each page's numbering style (PDF's "r" roman, "D" arabic, "" none) and number."""
    numbered, roman, arabic = [], 0, 0
    for name in page_names:
        if name in FRONT_PAGES:
            roman += 1
            numbered.append(("r", roman))
        elif name in BODY_PAGES:
            arabic += 1
            numbered.append(("D", arabic))
        else:
            numbered.append(("", 0))
    return numbered


def label_ranges(page_names: list[str]) -> list[tuple[int, str, int]]:
    """The PDF's /PageLabels: (first page index, style, first number) wherever numbering does not
    simply go on, so a viewer shows the number printed on each page."""
    ranges, previous = [], None
    for index, (style, n) in enumerate(_numbering(page_names)):
        if previous is None or style != previous[0] or (style and n != previous[1] + 1):
            ranges.append((index, style, n))
        previous = (style, n)
    return ranges


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        count, n = divmod(n, value)
        out += letters * count
    return out


PAPER_SIZES = {"a4": "A4", "a5": "A5", "letter": "letter", "legal": "legal", "b5": "B5", "6x9": "6in 9in",
               "half-letter": "5.5in 8.5in"}  # half-letter: the pages of a letter booklet


def _paper(name: str) -> str:
    return PAPER_SIZES.get(name.lower(), "A5")


def _font_faces() -> str:
    """One rule per weight and style (a weight range is rejected, and an undeclared style would be
    faked); no face installed: the system's serif."""
    return "\n".join(f'@font-face {{ font-family: "{FAMILY}"; src: url("{f.path.as_uri()}"); '
                     f"font-weight: {f.weight}; font-style: {f.style}; }}" for f in book_face())


def _outline_css(toc: tuple[TocEntry, ...], depth: int = 1) -> str:
    """One bookmark per TOC entry, at the entry's depth: the outline is the TOC."""
    rules = []
    for entry in toc:
        rules.append(f"#{_css_ident(entry.target)} {{ bookmark-level: {depth}; "
                     f"bookmark-label: {_css_string(entry.title)}; }}")
        rules.append(_outline_css(entry.children, depth + 1))
    return "\n".join(r for r in rules if r)


def _css_ident(value: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else f"\\{ord(c):x} " for c in value)


def _css_string(value: str) -> str:
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\' or ord(c) < 32 else c for c in value) + '"'


FONT_EPOCH = -2_082_844_800  # 1904-01-01 in Unix time: a font's clock starts there (OpenType head table)


@contextlib.contextmanager
def _font_dates(date: int | None):
    """WeasyPrint makes a static font of each variable one with fontTools, which stamps the font with
    the time (or SOURCE_DATE_EPOCH): the book's date keeps the file byte-identical from run to run.
    A font cannot be dated before 1904 (fontTools then fails and WeasyPrint falls back to the variable
    font, losing every weight but the regular), so an older book stamps its fonts with 1904."""
    if date is None:
        yield
        return
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(max(date, FONT_EPOCH))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


PAGE_REFERENCES = weasy.page_references_kept()  # made once per page added, not per tagged element
MOVED_IN_ORDER = weasy.keep_moved_footnotes_in_order()  # a cut note's lines stay in order (footsplit.py)
WITH_CALLS = weasy.keep_footnotes_with_their_calls()  # only a cut note's run-over lines leave their call for the orphans rule
TEXT_ROUTES = weasy_text.install()  # glyphs read in bulk, Pango contexts kept (weasy_text.py)
STATIC_INSTANCES = weasy.route_variable_fonts(StaticInstances)  # static font instances, kept (static_fonts.py)
