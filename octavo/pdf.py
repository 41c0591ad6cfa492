"""Print HTML + stylesheets -> PDF. The only module that knows WeasyPrint.

WeasyPrint fetches whatever a document names, so it only ever gets a locked-down fetcher:
``file:`` URLs inside the allowed folders (fonts, styles, the book's assets) and nothing else.
Every refusal is reported. The PDF outline is generated from the same TOC as the EPUB nav.
"""
from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .model import Asset, Book, TocEntry

try:
    import font_source_serif_pro
    FONT_DIR = Path(font_source_serif_pro.__file__).resolve().parent / "files"
except ImportError:  # the PDF then uses the system's serif font
    FONT_DIR = None

FONT_FACES = (  # file stem, weight, style
    ("SourceSerifPro-Regular", 400, "normal"), ("SourceSerifPro-It", 400, "italic"),
    ("SourceSerifPro-Semibold", 600, "normal"), ("SourceSerifPro-SemiboldIt", 600, "italic"),
    ("SourceSerifPro-Bold", 700, "normal"), ("SourceSerifPro-BoldIt", 700, "italic"),
)
BOOK_BASE = "file:///octavo-book/"  # base URL of the print document; assets live under it
PDF_VARIANT = "pdf/ua-1"  # tagged, XMP metadata, title shown: PDF/UA-1 as WeasyPrint makes it


class LockedFetcher(URLFetcher):
    """Serves files from allowed folders (and the book's assets); refuses everything else."""

    def __init__(self, roots: list[Path], assets: dict[str, Asset] | None = None):
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = [r.resolve() for r in roots if r]
        self.assets = assets or {}
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return self._refuse(url)
        if url.startswith(BOOK_BASE):
            asset = self.assets.get(unquote(url[len(BOOK_BASE):]))
            if asset is None:
                return self._refuse(url)
            return URLFetcherResponse(url, body=asset.read(), headers={"Content-Type": asset.media_type})
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            return self._refuse(url)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": media_type})

    def _refuse(self, url: str):
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url}: outside the allowed folders")


@dataclass
class Layout:
    """A laid-out print edition: WeasyPrint's pages, what it complained about, each page's printed
    number. The PDF writer and the EPUB's page-list both read it, so they agree page for page."""

    document: Document
    complaints: list[str]

    @property
    def labels(self) -> list[str]:
        """Each page's number as printed: roman in the front matter, arabic from the body's first
        page, "" for pages outside both (a cover)."""
        return page_labels([page._page_box.page_type.name for page in self.document.pages])  # private: no public API

    @property
    def root(self):
        """The print document's root element (its tree is the one :meth:`texts` points into)."""
        return self.document.pages[0]._page_box.children[0].element if self.document.pages else None

    def texts(self) -> list[list[tuple[object, str]]]:
        """Each page's running text in layout order, as (element holding it, text) pairs: the page's
        body only (no running heads or folios, no footnote area). Content without text of the
        markup's own (an image, generated text such as list markers, note calls and ornaments) is
        there with "" as its text. The elements are those of the print document's tree."""
        return [list(_body_texts(page._page_box)) for page in self.document.pages]  # private: no public API


def _body_texts(box):
    """(element, text) of the text boxes and images under ``box`` in tree order, outside page-margin,
    footnote and note areas; generated text and images as ""."""
    for child in getattr(box, "children", ()):
        if isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)) or (
                isinstance(box, boxes.PageBox) and child.element is None):
            continue  # running heads, folios, the notes at the foot of the page (or in a note area)
        if isinstance(child, boxes.TextBox):
            generated = "::" in (child.element_tag or "")  # ::before, ::after, ::marker, ::footnote-call
            yield child.element, "" if generated else child.text
        elif isinstance(child, boxes.ReplacedBox):
            yield child.element, ""  # an image: content without text
        else:
            yield from _body_texts(child)


def layout(book: Book, html: str, toc: tuple[TocEntry, ...], stylesheets: list[Path],
           paper: str = "A5") -> Layout:
    """Lay the print edition out; ``toc`` (the renderer's contents) becomes the outline."""
    roots = [p.parent for p in stylesheets] + ([FONT_DIR] if FONT_DIR else [])
    fetcher = LockedFetcher(roots, {a.href: a for a in book.assets})
    fonts = FontConfiguration()
    sheets = [CSS(string=_font_faces(), font_config=fonts, url_fetcher=fetcher)]
    sheets += [CSS(filename=str(p), font_config=fonts, url_fetcher=fetcher) for p in stylesheets]
    sheets.append(CSS(string=_outline_css(toc) + f"\n@page {{ size: {_paper(paper)}; }}",
                      font_config=fonts, url_fetcher=fetcher))
    with _captured_warnings() as complaints:
        document = HTML(string=html, base_url=BOOK_BASE, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=fonts, pdf_tags=True, pdf_variant=PDF_VARIANT)
    # The HarfBuzz notice is about this machine's libraries, not about the source: README covers it.
    complaints = [c for c in complaints if "HarfBuzz-Subset" not in c]
    return Layout(document, [f"refused to load {url}" for url in fetcher.refused] + complaints)


def write(laid_out: Layout, dest) -> list[str]:
    """Write a laid-out edition as PDF; returns every complaint, for reporting."""
    with _captured_warnings() as complaints:
        laid_out.document.write_pdf(dest, pdf_tags=True, custom_metadata=True, pdf_variant=PDF_VARIANT)
    return laid_out.complaints + [c for c in complaints if "HarfBuzz-Subset" not in c]


def write_pdf(book: Book, html: str, toc: tuple[TocEntry, ...], stylesheets: list[Path], dest,
              paper: str = "A5") -> list[str]:
    """Lay out and write the PDF. Returns WeasyPrint's complaints and refused URLs, for reporting."""
    return write(layout(book, html, toc, stylesheets, paper), dest)


FRONT_PAGES = {"front"}  # named pages (print.css) numbered in roman
BODY_PAGES = {"body"}  # named pages numbered in arabic, from 1


def page_labels(page_names: list[str]) -> list[str]:
    """Printed page numbers from each page's named-page type, as print.css numbers them."""
    labels, roman, arabic = [], 0, 0
    for name in page_names:
        if name in FRONT_PAGES:
            roman += 1
            labels.append(_roman(roman))
        elif name in BODY_PAGES:
            arabic += 1
            labels.append(str(arabic))
        else:
            labels.append("")
    return labels


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        count, n = divmod(n, value)
        out += letters * count
    return out


PAPER_SIZES = {"a4": "A4", "a5": "A5", "letter": "letter", "legal": "legal", "b5": "B5", "6x9": "6in 9in"}


def _paper(name: str) -> str:
    return PAPER_SIZES.get(name.lower(), "A5")


def _font_faces() -> str:
    if FONT_DIR is None:
        return ""
    rules = []
    for stem, weight, style in FONT_FACES:
        path = FONT_DIR / f"{stem}.ttf"
        if path.is_file():
            rules.append(f'@font-face {{ font-family: "Source Serif Pro"; src: url("{path.as_uri()}"); '
                         f"font-weight: {weight}; font-style: {style}; }}")
    return "\n".join(rules)


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


class _captured_warnings:
    """Collect WeasyPrint's log warnings (missing glyphs, bad CSS) instead of printing them."""

    def __enter__(self):
        self.messages: list[str] = []
        self.handler = logging.Handler(logging.WARNING)
        self.handler.emit = lambda record: self.messages.append(record.getMessage())
        self.logger = logging.getLogger("weasyprint")
        self.logger.addHandler(self.handler)
        self.propagate, self.logger.propagate = self.logger.propagate, False
        return self.messages

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate
        return False
