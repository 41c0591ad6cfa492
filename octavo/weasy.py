"""WeasyPrint behind one door: the only module that imports it (with linebreak.py, the line composer).

Octavo uses WeasyPrint's public API (HTML, CSS, FontConfiguration, Document, Page.anchors and
.links, write_pdf with a finisher) and, where no public API exists, a few of its internals:

- ``page._page_box``: the box tree of a laid-out page (its named-page type, its margin boxes, the
  footnote area, every line, text box and table row), read for the preflight, the page-list, the
  footnote checks;
- moving boxes after layout (``Box.translate``): a handout's margin numbers mirrored into a
  left-hand page's wide margin;
- ``weasyprint.pdf.fonts.instantiateVariableFont``: replaced by a cache of static font instances
  (static_fonts.py);
- ``weasyprint.layout.page.make_page`` and the layout context's ``reported_footnotes`` (the
  footnotes moved on to the next page): wrapped so that moved footnotes keep the document's order;
- ``weasyprint.layout.block._linebox_layout``: made again from its own source with one condition
  changed, so that its orphans rule moves on only footnotes that may leave their call
  (:func:`keep_footnotes_with_their_calls`);
- the ``weasyprint`` logger: its warnings are collected, and the ``.notdef glyph`` record's
  argument names a character no font had;
- ``fontTools.subset`` and ``fontTools.varLib.instancer``, which ``weasyprint.pdf.fonts`` imports at
  its start: stand-ins while WeasyPrint is imported, the real modules at first use
  (:func:`_fonttools_deferred`);
- cssselect2's ``eval`` (each selector's compiled test), routed to code kept in the user's cache
  folder (selector_cache.py);
- the finisher's ``pdf.catalog`` (a pydyf PDF): page labels are written into it;
- pydyf's ``PDF.page_references`` (read by WeasyPrint's tags and links): kept between reads;
- at import, its libraries are loaded with ``ctypes.util.find_library`` turned off (no
  ``ldconfig``/gcc/ld runs), and ``weasyprint.text.ffi.ffi`` is made from C declarations built once
  and kept (cffi_cache.py: no pycparser at each start); where that cannot be, its in-line FFI's
  ``new`` asks for an array given its items as ``T[]`` (cffi parses each ``T[n]`` anew): see
  :func:`_import_weasyprint` and :func:`_arrays_without_parsing`.

Drawing text (weasy_text.py: WeasyPrint's ``draw_first_line`` compiled again with each run's glyphs
read in bulk) is kept in its own module too.

The line composer (linebreak.py: word spaces that shrink, a hyphen limit) wraps a few functions of
``weasyprint.layout.inline`` for the print layout; it is kept in its own module, and its internals
are listed there.

tests/test_weasy_contract.py pins each of these (attribute names, box classes, the shape of a page
and of a footnote area), so a new WeasyPrint release is ported here, in one file, or the contract
tests say what changed. pdf.py lays out and writes through these functions; stitch.py cuts,
copies and reads pages through them. That is why the module is longer than most (~540 lines): its
length is the list above, kept in one place to port.
"""
from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import logging
import mimetypes
import sys
import types
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _DeferredModule(types.ModuleType):
    """A fontTools module WeasyPrint imports at its start and uses only in rare cases: the real one
    is imported at the first attribute read."""

    def __getattr__(self, name):
        if name.startswith("__"):  # the import system asking (``__path__``): not a use
            raise AttributeError(name)
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def _instantiate_variable_font(*args, **kwargs):
    """fontTools' ``instantiateVariableFont``, imported at its first call (static_fonts.py keeps its
    instances, so a warm build never calls it)."""
    from fontTools.varLib.instancer import instantiateVariableFont

    return instantiateVariableFont(*args, **kwargs)


@contextlib.contextmanager
def _fonttools_deferred():
    """WeasyPrint's ``pdf/fonts.py`` imports ``fontTools.subset`` (used only where HarfBuzz cannot
    subset) and ``fontTools.varLib.instancer`` (used only to make a static instance of a variable
    font, which static_fonts.py keeps): with fontTools.varLib and the OpenType tables they pull in,
    0.15-0.2 s of every PDF's start. While WeasyPrint is imported both names are stand-ins that
    import the real module on first use; they leave ``sys.modules`` afterwards, so any later import
    (the instancer imports ``fontTools.subset`` for its side effects) gets the real modules."""
    names = ("fontTools.subset", "fontTools.varLib.instancer")
    if any(name in sys.modules for name in names):
        yield
        return
    subset = _DeferredModule("fontTools.subset")
    instancer = _DeferredModule("fontTools.varLib.instancer")
    instancer.instantiateVariableFont = _instantiate_variable_font
    sys.modules.update({"fontTools.subset": subset, "fontTools.varLib.instancer": instancer})
    try:
        yield
    finally:
        for name, stand_in in (("fontTools.subset", subset), ("fontTools.varLib.instancer", instancer)):
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


def _import_weasyprint() -> None:
    """Import WeasyPrint without searching for its libraries by name. It loads Pango, HarfBuzz,
    fontconfig ... through cffi, trying up to six names each ("libgobject-2.0-0", "gobject-2.0-0",
    "gobject-2.0", "libgobject-2.0.so.0", ...); on Linux every name the dynamic loader does not
    know by itself goes to ``ctypes.util.find_library``, which runs ``ldconfig -p``, then gcc and ld:
    about 40 processes and 0.2 s of CPU per build, to learn the soname that WeasyPrint's own
    ``.so.0`` names already give (find_library only ever answers a soname, which the loader then
    looks up the same way). So the names are tried with no search first; a system where that
    fails (a library known by another soname) imports WeasyPrint again with the search.
    Its FFI is made from its C declarations as built once and kept (cffi_cache.py), not parsed by
    pycparser at every start (0.06 s, and each type name WeasyPrint later asks for)."""
    if not sys.platform.startswith("linux"):
        import weasyprint  # noqa: F401
        return
    import ctypes.util

    from .cffi_cache import declarations_kept

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()), declarations_kept("weasyprint.text.ffi") as made:
            import weasyprint.text.ffi  # noqa: F401  (prints "could not import some external libraries")
        if all(stand_in._ffi is not None for stand_in in made):
            return
    except OSError:
        pass
    finally:
        ctypes.util.find_library = search
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        del sys.modules[name]
    import weasyprint  # noqa: F401


from .selector_cache import install as _keep_selector_code  # noqa: E402

_keep_selector_code()  # before WeasyPrint compiles its user-agent stylesheets' selectors
with _fonttools_deferred():
    _import_weasyprint()


def _arrays_without_parsing(ffi) -> None:
    """WeasyPrint asks cffi for arrays of glyph ids by their length (``ffi.new(f"hb_codepoint_t[{n}]",
    ids)``, three per embedded font), and cffi's in-line FFI parses each new length's declaration with
    pycparser: 6 ms each, 0.15 s of the seed's PDF. An array given its items is asked for as ``T[]``
    here: the same array (the same length, the same items), parsed once. Only for cffi's in-line FFI,
    which WeasyPrint has when its declarations cannot be kept (cffi_cache.py): the C one reads type
    names in C."""
    if not hasattr(ffi, "_parsed_types") or getattr(ffi.new, "octavo_route", False):
        return
    new = type(ffi).new.__get__(ffi)

    def new_array(cdecl, init=None):
        if isinstance(cdecl, str) and cdecl.endswith("]") and init is not None and hasattr(init, "__len__"):
            base, _, length = cdecl[:-1].partition("[")
            if length.isdigit() and int(length) == len(init) and "[" not in base:
                return new(f"{base}[]", init)
        return new(cdecl, init)

    new_array.octavo_route = True
    ffi.new = new_array


def _weasyprint_ffi():
    from weasyprint.text.ffi import ffi

    return ffi


_arrays_without_parsing(_weasyprint_ffi())

import pydyf  # noqa: E402
import weasyprint  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.document import Document  # noqa: E402
from weasyprint.formatting_structure import boxes  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

from .model import Asset  # noqa: E402
from .pageviews import Line, PageView, TablePart  # noqa: E402

VERSION = weasyprint.__version__
BOOK_BASE = "file:///octavo-book/"  # base URL of the print document; assets live under it


# --- fetching: only what the book may load --------------------------------------------------------

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


# --- laying out and writing -------------------------------------------------------------------------

def font_config() -> FontConfiguration:
    return FontConfiguration()


def stylesheet(fonts: FontConfiguration, fetcher: URLFetcher, string: str | None = None,
               filename: Path | None = None) -> CSS:
    if filename is not None:
        return CSS(filename=str(filename), font_config=fonts, url_fetcher=fetcher)
    return CSS(string=string, font_config=fonts, url_fetcher=fetcher)


def render(html: str, fetcher: URLFetcher, sheets: list[CSS], fonts: FontConfiguration, variant: str) -> Document:
    """The laid-out document: tagged (pdf_tags), in the PDF variant ``variant``."""
    return HTML(string=html, base_url=BOOK_BASE, url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=fonts, pdf_tags=True, pdf_variant=variant)


def write_pdf(document: Document, dest, variant: str, page_labels: list[tuple[int, str, int]]) -> None:
    """Write ``document`` to ``dest`` (a path or a binary file) with /PageLabels ``page_labels``
    ((first page index, style, first number) as pdf.label_ranges gives them)."""
    document.write_pdf(dest, finisher=_labels_finisher(page_labels), pdf_tags=True, custom_metadata=True,
                       pdf_variant=variant)


def _labels_finisher(ranges: list[tuple[int, str, int]]):
    """A finisher writing /PageLabels into the catalogue before the file is written."""
    def finish(document, pdf):
        nums = []
        for index, style, start in ranges:
            nums += [index, pydyf.Dictionary({"S": f"/{style}", "St": start} if style else {})]
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(nums)})
    return finish


def pages(document: Document) -> list:
    return document.pages


def copy(document: Document, kept: list) -> Document:
    """A document of some of ``document``'s pages (links and bookmarks kept)."""
    return document.copy(kept)


class captured_warnings:
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


def route_variable_fonts(make):
    """WeasyPrint makes a static instance of each variable font it embeds with fontTools'
    ``instantiateVariableFont``; it calls ``make(that function)``'s result instead (made once per
    process). Returns it, or None when this WeasyPrint makes its instances another way."""
    from weasyprint.pdf import fonts as embedded

    instantiate = getattr(embedded, "instantiateVariableFont", None)
    if instantiate is None:
        return None
    if getattr(instantiate, "octavo_route", False) is not True:
        embedded.instantiateVariableFont = make(instantiate)
        embedded.instantiateVariableFont.octavo_route = True
    return embedded.instantiateVariableFont


def page_references_kept() -> bool:
    """pydyf's ``PDF.page_references`` makes a tuple of every page's reference each time it is read,
    and WeasyPrint's PDF/UA tags read it once per tagged element (links once per destination): pages
    times elements, 0.03 s of CPU for the seed's 37 pages, 0.4 s at four times its length, some
    seconds at 700 pages. It is made again here only when pages were added (pydyf only ever extends
    the pages' ``Kids``, three items a page): the same tuple. Installed once."""
    made = pydyf.PDF.page_references.fget
    if getattr(made, "octavo_route", False):
        return True

    def page_references(pdf):
        kids = pdf.pages["Kids"]
        kept = pdf.__dict__.get("_octavo_page_references")
        if kept is None or kept[0] is not kids or kept[1] != len(kids):
            kept = pdf.__dict__["_octavo_page_references"] = (kids, len(kids), made(pdf))
        return kept[2]

    page_references.octavo_route = True
    pydyf.PDF.page_references = property(page_references)
    return True


def keep_moved_footnotes_in_order() -> bool:
    """Footnotes WeasyPrint moves on to the next page are laid out there in the document's order,
    when each carries its place in ``data-order`` (footsplit.py numbers a cut note's pieces so).
    WeasyPrint keeps them in the order it moved them: a note's last lines moved for want of room,
    then its first lines moved to make room for the body's last line (orphans), would come out
    last lines first. Installed once; footnotes without ``data-order`` keep WeasyPrint's order."""
    from weasyprint.layout import page as paging

    make_page = paging.make_page
    if getattr(make_page, "octavo_route", False):
        return True

    def in_order(context, *args, **kwargs):
        moved = context.reported_footnotes
        if len(moved) > 1 and all(box.element is not None and box.element.get("data-order") for box in moved):
            moved.sort(key=lambda box: int(box.element.get("data-order")))
        return make_page(context, *args, **kwargs)

    in_order.octavo_route = True
    paging.make_page = in_order
    return True


ORPHANS_REPORT = "while report and context.current_page_footnotes:"  # WeasyPrint 70, layout/block.py
MAY_MOVE = ("while report and context.current_page_footnotes"
            " and context.current_page_footnotes[-1].style['footnote_policy'] == 'auto'"
            " and not any(box.footnote in context.footnotes for box in line.descendants()):")


def keep_footnotes_with_their_calls() -> bool:
    """A footnote stays with its call when the body's next line wants its room. WeasyPrint 70
    (Kozea/WeasyPrint#2437): when a paragraph's line does not fit and breaking before it would
    leave fewer than ``orphans`` lines, ``_linebox_layout`` moves the page's footnotes on to the
    next page, last first, until the line fits, their calls staying behind (Capital ch. 15, the
    Russian manifesto's note 3). Here that loop moves a footnote only while the page's last one has
    ``footnote-policy: auto`` (footsplit.py's run-over pieces of a cut note, which are meant to go
    on); at the first that may not move it stops, and WeasyPrint's own way on for a line that does
    not fit follows (``_break_line``: the paragraph, or its last lines, go on to the next page), the
    way it takes when the page has no footnote left to move. Nor does it make room for a line that
    calls a footnote itself: the line it keeps so skips the laying out of its own footnotes, and
    that note was printed nowhere (Kollontai's note 8, its call at the foot of folio 10, when note
    7's run-over lines were moved to make the room). Only that one condition is changed:
    the function is compiled again from WeasyPrint's source, the loop's line replaced. Returns
    False (nothing changed) when this WeasyPrint has no such line."""
    from weasyprint.layout import block

    original = block._linebox_layout
    if getattr(original, "octavo_route", False):
        return True
    try:
        lines, first = inspect.getsourcelines(original)
    except (OSError, TypeError):  # installed without its sources (only .pyc): left as it is
        return False
    source = "".join(lines)
    if source.count(ORPHANS_REPORT) != 1:
        return False
    namespace: dict = {}
    code = compile("\n" * (first - 1) + source.replace(ORPHANS_REPORT, MAY_MOVE), original.__code__.co_filename, "exec")
    exec(code, block.__dict__, namespace)  # noqa: S102 (WeasyPrint's own source, one condition changed)
    guarded = namespace[original.__name__]
    guarded.octavo_route = True
    block._linebox_layout = guarded
    return True


# --- reading a laid-out page (private: page._page_box, no public API) -----------------------------------

def page_name(page) -> str:
    """The page's named-page type (print.css: front, body, part, ...)."""
    return page._page_box.page_type.name


def root_element(document: Document):
    """The document's root element (of the tree every box's ``element`` belongs to)."""
    return document.pages[0]._page_box.children[0].element if document.pages else None


def anchors(page) -> dict:
    """The ids with a box on the page (a paragraph split across pages is on both)."""
    return page.anchors


def internal_links(page) -> list[tuple[str, tuple]]:
    """(target id, CSS px rectangle) of the page's links inside the document."""
    return [(target, rect) for kind, target, rect, *_ in page.links if kind == "internal"]


def body_texts(page):
    """(element, text) of the text boxes and images of the page's body in tree order (no margin
    boxes, no footnote area); generated text and images as ""."""
    return _body_texts(page._page_box)


def _body_texts(box):
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


def footnote_calls(page) -> list[str]:
    """The calls (ids, from each footnote's ``data-call``) of the footnotes at the page's foot."""
    return [call for box in page._page_box.children if isinstance(box, boxes.FootnoteAreaBox)
            for call in _footnote_calls(box)]


def _footnote_calls(box) -> list[str]:
    element = getattr(box, "element", None)
    if element is not None and element.get("data-call"):
        return [element.get("data-call")]
    return [call for child in getattr(box, "children", ()) for call in _footnote_calls(child)]


def mirror_to_left_margin(page, name: str) -> None:
    """On a page whose left margin is the wider, the boxes of class ``name`` (set in the right
    margin) are mirrored into the left one, flush against the text. Only they move: nothing reflows."""
    box = page._page_box
    if box.margin_left <= box.margin_right:
        return
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


def page_view(page) -> PageView:
    """What the preflight reads of a laid-out page, as plain data."""
    page = page._page_box
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
    kept = _kept_bottom(flow)
    kept_calls = {e.get("id") for line in lines if line.area == "body" and kept is not None and line.bottom <= kept + 0.5
                  for e in line.elements if e is not None and "noteref" in (e.get("class") or "").split()}
    calls = tuple(dict.fromkeys(e.get("id") for line in lines if line.area == "body" for e in line.elements
                                if e is not None and "noteref" in (e.get("class") or "").split() and e.get("id")))
    feet = tuple(dict.fromkeys(call for child in page.children if isinstance(child, boxes.FootnoteAreaBox)
                               for call in _footnote_calls(child)))
    return PageView(page.page_type.name, page.margin_width(), page.margin_height(), page.content_box_y(),
                    page.content_box_y() + page.height, notes_top, bottom, tuple(lines), tuple(tables),
                    _edge(flow, 0, "break_before"), _edge(flow, -1, "break_after"), frozenset(elements),
                    calls, feet, kept, _note_heads(page, kept_calls))


def _note_heads(page, calls: set[str]) -> float:
    """The height at the page's foot of the notes of ``calls``: the footnote area's opening space and
    each note's first footsplit.HEAD_LINES lines (a note is never cut before them)."""
    from .footsplit import HEAD_LINES

    area = next((c for c in page.children if isinstance(c, boxes.FootnoteAreaBox) and c.children), None)
    if area is None or not calls:
        return 0.0
    height = 0.0
    for note in area.children:
        if note.element is not None and note.element.get("data-call") in calls:
            head = [line for line in _line_boxes(note) if line.height > 0][:HEAD_LINES]
            if head:
                height += head[-1].position_y + head[-1].height - note.position_y
    return height + area.children[0].position_y - area.position_y if height else 0.0


def _line_boxes(box):
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            yield child
        else:
            yield from _line_boxes(child)


AVOID = {"avoid", "avoid-page"}


def _kept_bottom(box) -> float | None:
    """The bottom of the first piece of ``box`` that no allowed page break divides (CSS Fragmentation
    as WeasyPrint applies it: break-inside, break-before/after avoid between siblings, orphans and
    widows). A sibling kept with the next (a heading) brings in that one's first piece."""
    if box is None:
        return None
    end = box.position_y + box.margin_height()
    children = getattr(box, "children", None)
    if isinstance(box, (boxes.LineBox, boxes.ReplacedBox, boxes.TableRowBox)) \
            or box.style["break_inside"] in AVOID or not children:
        return end
    if isinstance(children[0], boxes.LineBox):  # a paragraph: its first lines, up to its orphans
        if len(children) < box.style["orphans"] + box.style["widows"]:
            return end  # too few lines to divide
        return _kept_bottom(children[box.style["orphans"] - 1])
    bottom, n = _kept_bottom(children[0]), 0
    while (n + 1 < len(children) and bottom is not None
           and bottom >= children[n].position_y + children[n].margin_height() - 0.5  # all of it kept
           and (children[n].style["break_after"] in AVOID or children[n + 1].style["break_before"] in AVOID)):
        n += 1  # and kept with the next one: up to that one's own first piece
        bottom = max(bottom, _kept_bottom(children[n]) or bottom)
    return bottom


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
