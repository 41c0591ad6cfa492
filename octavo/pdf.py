"""Print HTML + stylesheets -> PDF. The only module that knows WeasyPrint.

WeasyPrint fetches whatever a document names, so it only ever gets a locked-down fetcher:
``file:`` URLs inside the allowed folders (fonts, styles, the book's assets) and nothing else.
Every refusal is reported. The PDF outline is generated from the same TOC as the EPUB nav.
"""
from __future__ import annotations

import calendar
import contextlib
import hashlib
import io
import logging
import mimetypes
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .fonts import FAMILY, book_face
from .hyphenation import install as install_hyphenation
from .model import Asset, Book, TocEntry

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
        return [page._page_box.page_type.name for page in self.document.pages]  # private: no public API

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


# --- the laid-out pages as plain data, for the preflight (preflight.py) -------------------------

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
    stretch: float  # px justification added to each word space
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


def page_views(laid_out: Layout) -> list[PageView]:
    """Every page of a layout as plain data (private WeasyPrint attributes read here only)."""
    return [_page_view(page._page_box) for page in laid_out.document.pages]


def _page_view(page) -> PageView:
    lines, tables, elements = [], [], set()
    notes_top, bottom = None, page.content_box_y()
    for child in page.children:
        if isinstance(child, boxes.MarginBox):
            _read_lines(child, "margin", child.at_keyword, lines, tables, elements)
        elif isinstance(child, boxes.FootnoteAreaBox):
            if child.children:
                notes_top = child.position_y
                _read_lines(child, "footnotes", None, lines, tables, elements)
        elif child.element is not None:
            bottom = max(bottom, _read_lines(child, "body", None, lines, tables, elements))
    flow = next((c for c in page.children if isinstance(c, boxes.BlockBox) and c.element is not None), None)
    calls = tuple(dict.fromkeys(e.get("id") for line in lines if line.area == "body" for e in line.elements
                                if e is not None and "noteref" in (e.get("class") or "").split() and e.get("id")))
    feet = tuple(dict.fromkeys(call for child in page.children if isinstance(child, boxes.FootnoteAreaBox)
                               for call in _footnote_calls(child)))
    return PageView(page.page_type.name, page.margin_width(), page.margin_height(), page.content_box_y(),
                    page.content_box_y() + page.height, notes_top, bottom, tuple(lines), tuple(tables),
                    _edge(flow, 0, "break_before"), _edge(flow, -1, "break_after"), frozenset(elements),
                    calls, feet)


def _edge(box, side: int, name: str) -> tuple[tuple[object, str], ...]:
    """The boxes a page's flow opens (``side`` 0) or closes (-1) with, outermost first, each with its
    break-before (or break-after)."""
    found = []
    while isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
        found.append((box.element, box.style[name]))
        box = box.children[side] if box.children else None
    return tuple(found)


def _read_lines(box, area: str, block, lines: list, tables: list, elements: set, table=None,
                group: str = "body") -> float:
    """Lines, table parts and block elements under ``box`` into the lists; returns the lowest bottom."""
    if isinstance(box, boxes.LineBox):
        texts = list(_fragments(box))
        sized = [b for b in texts if b.text.strip()] or texts
        lines.append(Line(
            block if area == "margin" else box.element, area,
            tuple("" if "::" in (b.element_tag or "") else b.text for b in texts), tuple(b.element for b in texts),
            box.position_x, box.position_y, box.position_x + box.width, box.position_y + box.height,
            sized[0].style["font_size"] if sized else box.style["font_size"],
            max((getattr(b, "justification_spacing", 0) or 0 for b in texts), default=0.0),
            tuple(tuple(b.style["color"].to("srgb").coordinates) for b in texts if b.text.strip())))
        return box.position_y + box.height
    bottom = 0.0
    if isinstance(box, boxes.TableBox) or getattr(box, "is_table_wrapper", False):
        table = box.element
    elif isinstance(box, boxes.TableCaptionBox):
        tables.append(TablePart(table, "caption"))
    elif isinstance(box, boxes.TableRowGroupBox):
        group = "head" if box.is_header else "foot" if box.is_footer else "body"
    elif isinstance(box, boxes.TableRowBox):
        tables.append(TablePart(table, group))
    if isinstance(box, boxes.BlockLevelBox) and box.element is not None:
        elements.add(box.element)
    if isinstance(box, (boxes.ReplacedBox, boxes.TableRowBox)):
        bottom = box.position_y + box.margin_height()
    for child in getattr(box, "children", ()):
        bottom = max(bottom, _read_lines(child, area, block, lines, tables, elements, table, group))
    return bottom


def _fragments(box):
    """The text boxes (and images) of a line, in order."""
    for child in box.children:
        if isinstance(child, (boxes.TextBox, boxes.ReplacedBox)):
            if isinstance(child, boxes.TextBox):
                yield child
        elif isinstance(child, boxes.ParentBox):
            yield from _fragments(child)


def layout(book: Book, html: str, toc: tuple[TocEntry, ...], stylesheets: list[Path],
           paper: str = "A5") -> Layout:
    """Lay the print edition out; ``toc`` (the renderer's contents) becomes the outline."""
    roots = [p.parent for p in stylesheets] + sorted({f.path.parent for f in book_face()})
    fetcher = LockedFetcher(roots, {a.href: a for a in book.assets})
    fonts = FontConfiguration()
    sheets = [CSS(string=_font_faces(), font_config=fonts, url_fetcher=fetcher)]
    sheets += [CSS(filename=str(p), font_config=fonts, url_fetcher=fetcher) for p in stylesheets]
    sheets.append(CSS(string=_outline_css(toc) + f"\n@page {{ size: {_paper(paper)}; }}",
                      font_config=fonts, url_fetcher=fetcher))
    install_hyphenation(book)  # Octavo's dictionaries: one break per word, American patterns for English
    with _captured_warnings() as captured:
        document = HTML(string=html, base_url=BOOK_BASE, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=fonts, pdf_tags=True, pdf_variant=PDF_VARIANT)
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
    for page in laid_out.document.pages:
        box = page._page_box  # private: no public API
        if box.margin_left <= box.margin_right:
            continue
        left, width = box.content_box_x(), box.width
        for number in _boxes_of_class(box, name):
            number.translate(2 * left + width - 2 * number.position_x - number.margin_width())
            for line in getattr(number, "children", ()):
                line.translate(number.width - sum(child.margin_width() for child in line.children))


def _boxes_of_class(box, name: str):
    """The outermost boxes under ``box`` made for an element of class ``name``."""
    for child in box.all_children() if hasattr(box, "all_children") else ():
        element = child.element
        if element is not None and name in (element.get("class") or "").split():
            yield child
        else:
            yield from _boxes_of_class(child, name)


def misplaced_footnotes(laid_out: Layout) -> list[str]:
    """The calls (ids) whose footnote is not on the call's page: WeasyPrint may move a note a page
    on (or back, Kozea/WeasyPrint#1564) when the page has no room for it."""
    misplaced = []
    for page in laid_out.document.pages:
        for box in page._page_box.children:  # private: the footnote area is the page box's second child
            if isinstance(box, boxes.FootnoteAreaBox):
                misplaced += [call for call in dict.fromkeys(_footnote_calls(box)) if call not in page.anchors]
    return misplaced


def placed_footnotes(laid_out: Layout) -> set[str]:
    """The calls (ids) whose footnote is printed at the foot of some page: a footnote WeasyPrint
    could not place (at the end of a text, next to a tall table) is silently left out."""
    return {call for page in laid_out.document.pages for box in page._page_box.children  # private, as above
            if isinstance(box, boxes.FootnoteAreaBox) for call in _footnote_calls(box)}


def _footnote_calls(box) -> list[str]:
    """The calls of the footnotes inside a box (each footnote names its call in ``data-call``)."""
    element = getattr(box, "element", None)
    if element is not None and element.get("data-call"):
        return [element.get("data-call")]
    return [call for child in getattr(box, "children", ()) for call in _footnote_calls(child)]


FOOTNOTE_ROOM = 1400  # characters of a note that may sit under its call on an A5 page; more: at the end
PAPER_AREA = {"a5": 1.0, "a4": 2.0, "letter": 2.1, "b5": 1.42, "6x9": 1.12, "legal": 2.6}  # text area vs A5


def footnote_room(paper: str) -> int:
    """How many characters a footnote may have on ``paper`` and still sit under its call."""
    return int(FOOTNOTE_ROOM * PAPER_AREA.get(paper.lower(), 1.0))


def write(laid_out: Layout, dest) -> list[str]:
    """Write a laid-out edition as PDF; returns every complaint, for reporting. Characters no font
    had are not complaints: they are added to ``laid_out.uncovered`` (glyphs.py reports them)."""
    with _captured_warnings() as captured, _font_dates(laid_out.date):
        laid_out.document.write_pdf(dest, finisher=_page_label_finisher(laid_out.page_names), pdf_tags=True,
                                    custom_metadata=True, pdf_variant=PDF_VARIANT)
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


def _page_label_finisher(page_names: list[str]):
    """A WeasyPrint finisher writing /PageLabels into the catalogue before the file is written."""
    def finish(document, pdf):
        nums = []
        for index, style, start in label_ranges(page_names):
            nums += [index, pydyf.Dictionary({"S": f"/{style}", "St": start} if style else {})]
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(nums)})
    return finish


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


class _captured_warnings:
    """Collect WeasyPrint's log warnings (bad CSS, refused resources) instead of printing them, and
    the characters it drew as empty boxes (from the record's arguments, not its wording)."""

    def __enter__(self):
        self.messages: list[str] = []
        self.missing: set[str] = set()
        self.handler = logging.Handler(logging.WARNING)
        self.handler.emit = self._keep
        self.logger = logging.getLogger("weasyprint")
        self.logger.addHandler(self.handler)
        self.propagate, self.logger.propagate = self.logger.propagate, False
        return self

    def _keep(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(".notdef glyph") and record.args:
            self.missing.add(str(record.args[0]))
        elif "HarfBuzz-Subset" not in record.getMessage():  # this machine's libraries, not the source: README
            self.messages.append(record.getMessage())

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate
        return False


# --- static instances of the book face, made once per process -------------------------------------

STATIC_KEPT = 128  # static instances kept per process (each a subset font of 20-120 kB)
STATIC_FILES = 1000  # and in the user's cache folder (about 50 MB)


class _StaticInstances:
    """WeasyPrint 70 embeds a variable font as a static instance per (weight, size): ``Font.clean``
    subsets the font, then calls fontTools' ``instantiateVariableFont`` with ``opsz`` set to the
    font size and saves the result. That is most of the cost of writing a PDF (1.4 s of CPU for the
    seed's 13 instances of Literata) and is repeated for every chunk of a stitched book, whose
    chunks mostly use the same glyphs in the same sizes. The saved bytes depend only on the subset's
    bytes, the axis values, the options and the time fontTools stamps (``SOURCE_DATE_EPOCH``, which
    ``_font_dates`` sets from the book's date): with all four in the key, a kept instance is the
    very file fontTools would make again, so the PDF stays byte-identical. Without
    ``SOURCE_DATE_EPOCH`` (the instance would carry the clock's time) nothing is kept.

    Instances are kept in this process and in the user's cache folder (``fonts/``, see
    resources.user_cache; the key also names fontTools' version), so a book built again with the
    same characters and date (an edit, a rebuild with --force) makes none: a file there starts
    with the SHA-256 of the rest and is ignored when it does not match. The folder keeps the
    ``STATIC_FILES`` most recently made or used."""

    def __init__(self, instantiate):
        self.instantiate = instantiate
        self.kept: dict[bytes, bytes] = {}
        self.made = self.reused = 0
        self._folder: Path | None | bool = False  # False: not looked up yet

    def __call__(self, varfont, variations, **options):
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        source = getattr(getattr(varfont, "reader", None), "file", None)
        data = source.getvalue() if hasattr(source, "getvalue") else None
        if epoch is None or data is None or data[:4] == b"ttcf":  # a collection: the index would be in the key too
            return self.instantiate(varfont, variations, **options)
        key = hashlib.sha256(repr((epoch, sorted(variations.items()), sorted(options.items()))).encode()
                             + b"\0" + data).digest()
        saved = self.kept.get(key) or self._read(key)
        if saved is None:
            made = io.BytesIO()
            self.instantiate(varfont, variations, **options).save(made)
            saved = made.getvalue()
            self._write(key, saved)
            self.made += 1
        else:
            self.reused += 1
        if key not in self.kept:
            if len(self.kept) >= STATIC_KEPT:
                self.kept.pop(next(iter(self.kept)))
            self.kept[key] = saved
        return _SavedFont(saved)

    def folder(self) -> Path | None:
        if self._folder is False:
            from .resources import user_cache

            self._folder = user_cache("fonts")
        return self._folder

    def _path(self, key: bytes) -> Path | None:
        import fontTools

        folder = self.folder()
        if folder is None:
            return None
        return folder / f"{hashlib.sha256(fontTools.version.encode() + key).hexdigest()}.ttf"

    def _read(self, key: bytes) -> bytes | None:
        path = self._path(key)
        try:
            stored = path.read_bytes() if path is not None else b""
        except OSError:
            return None
        digest, data = stored[:32], stored[32:]
        if not data or hashlib.sha256(data).digest() != digest:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return data

    def _write(self, key: bytes, data: bytes) -> None:
        path = self._path(key)
        if path is None:
            return
        part = path.with_name(f"{path.name}.{os.getpid()}.part")
        try:  # a cache: a full disk or a read-only folder only costs the next build the time
            part.write_bytes(hashlib.sha256(data).digest() + data)
            os.replace(part, path)
            kept = sorted(path.parent.glob("*.ttf"), key=lambda p: p.stat().st_mtime)
            for old in kept[:max(0, len(kept) - STATIC_FILES)]:
                old.unlink()
        except OSError:
            with contextlib.suppress(OSError):
                part.unlink()


class _SavedFont:
    """What ``instantiateVariableFont`` returned, as its saved bytes: WeasyPrint only saves it; any
    other use gets the font read back."""

    def __init__(self, data: bytes):
        self.data = data

    def save(self, file) -> None:
        file.write(self.data)

    def __getattr__(self, name):
        from fontTools.ttLib import TTFont

        return getattr(TTFont(io.BytesIO(self.data)), name)


def _keep_static_instances() -> _StaticInstances | None:
    from weasyprint.pdf import fonts as embedded

    instantiate = getattr(embedded, "instantiateVariableFont", None)
    if instantiate is None:  # another WeasyPrint: it makes its instances its own way
        return None
    if not isinstance(instantiate, _StaticInstances):
        embedded.instantiateVariableFont = _StaticInstances(instantiate)
    return embedded.instantiateVariableFont


STATIC_INSTANCES = _keep_static_instances()
