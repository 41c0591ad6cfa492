"""A long print edition laid out in pieces and stitched into one PDF: bounded memory, every core.

WeasyPrint holds a whole document's pages in memory (about 0.35 MiB a page) and lays it out on one
core. Here the print HTML is cut (lxml) at page breaks that print.css forces anyway (before a part,
a text, a chapter, the notes, the credits) into chunks of about ``chunk_chars`` characters. Each
chunk is laid out with pdf.layout knowing where it starts (its first folio, and a leading page that
is dropped when it must start on a left page, so running heads keep their side), written to a
temporary PDF and freed. The front matter is laid out first with placeholder contents numbers (to
learn its length) and again last with the real ones, read from the chunks' anchors. pikepdf then
stitches: pages, one set of named destinations (links across chunks resolve), the links the front
matter could not make itself, one outline (the TOC), page labels, one structure tree, the front
matter's metadata.

Layout is sequential (a chunk's folios and sides depend on every page before it); with ``jobs`` > 1
each chunk's PDF is written in a forked process while the next chunk is laid out (pages cannot be
pickled, so the process that laid a chunk out writes it). The chunk PDFs, and so the stitched file,
are the same bytes for any ``jobs``.

Anything this module cannot do raises Unstitchable; the pipeline then renders in one piece.
"""
from __future__ import annotations

import copy
import ctypes
import gc
import json
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from . import pdf, weasy
from .model import Book, TocEntry


def _pikepdf():
    """pikepdf, loaded when first used (importlib's LazyLoader): only stitching needs it, and every
    PDF build imports this module to ask :func:`wanted` (0.05 s of a short book's start)."""
    import importlib.util

    if "pikepdf" in sys.modules:
        return sys.modules["pikepdf"]
    spec = importlib.util.find_spec("pikepdf")
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["pikepdf"] = module
    spec.loader.exec_module(module)
    return module


pikepdf = _pikepdf()

LONG = 1_000_000  # characters of print HTML (about 500 A5 pages) from which a book is laid out in
# chunks: where one piece needs more than about 250 MiB. Below it, one piece keeps the PDF's text as
# WeasyPrint maps it for the whole book (a chunk may map the hyphen glyph to "-", not to U+2010).
CHUNK = 200_000  # characters of print HTML per chunk: about 100 A5 pages
BREAK_CLASSES = {"part", "text", "chapter", "notes", "colophon"}  # print.css breaks the page before these
PX = 0.75  # WeasyPrint's CSS pixel in PDF points


class Unstitchable(Exception):
    """This print HTML cannot be laid out in chunks (the caller renders it in one piece)."""


def wanted(html: str, profile: str = "book", custom_styles: bool = False) -> bool:
    """Stitch only the long book profile with Octavo's own print.css (whose page breaks it knows);
    a handout numbers its pages out of counter(pages), which no chunk knows."""
    return profile == "book" and not custom_styles and len(html) > LONG


@dataclass
class Chunk:
    """One laid-out piece: where its pages go in the book and what they hold."""

    path: Path
    first: int  # index of its first page in the stitched PDF
    labels: list[str]  # each page's printed number
    anchors: dict[str, int] = field(default_factory=dict)  # element id -> page index in the chunk
    links: list[tuple[int, str, tuple]] = field(default_factory=list)  # (page, target id, CSS px rect)
    complaints: list[str] = field(default_factory=list)
    uncovered: set[str] = field(default_factory=set)  # characters no font had (glyphs.py reports them)
    page_names: list[str] = field(default_factory=list)  # each page's named-page type: its numbering


def write_pdf(book: Book, html: str, toc: tuple[TocEntry, ...], stylesheets: list[Path], dest,
              paper: str = "A5", jobs: int = 1, chunk_chars: int = CHUNK, on_layout=None, refine=None
              ) -> tuple[list[str], set[str]]:
    """Lay ``html`` out in chunks and write one PDF to ``dest``; returns WeasyPrint's complaints and
    the characters no font had. ``on_layout(layout, labels, first)`` sees each laid-out chunk (its
    pages' printed numbers, the index of its first page in the book) before it is freed.
    ``refine(markup, lay, layout)`` may give a better layout of a chunk's markup (print_edition.cut_notes:
    its footnotes cut so that they run over), laid out with ``lay``."""
    on_layout = on_layout or (lambda laid, labels, first: None)
    front, bodies = split(html, chunk_chars)
    if not bodies:
        raise Unstitchable("no page break to cut at")
    lay = lambda markup: pdf.layout(book, markup, toc, stylesheets, paper)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="octavo-stitch-") as tmp, Writers(jobs) as writers:
        front_pages = len(lay(front.markup(numbers={})).pages)  # placeholder numbers
        chunks = _lay_out_body(bodies, lay, writers, Path(tmp), front_pages, on_layout, refine)
        head = _lay_out_front(front, lay, chunks, Path(tmp), front_pages, on_layout)
        del front, bodies
        writers.wait()
        _give_back_memory()  # stitching holds every page's objects: make room for them first
        names = stitch([head, *chunks], toc, dest)
    # a link to another chunk is WeasyPrint's complaint in its own chunk, and resolved in the whole
    resolved = {f"No anchor #{name} for internal URI reference" for name in names}
    return ([c for chunk in (head, *chunks) for c in chunk.complaints if c not in resolved],
            {c for chunk in (head, *chunks) for c in chunk.uncovered})


def _lay_out_body(bodies: list[Piece], lay, writers: Writers, tmp: Path, first: int, on_layout,
                  refine=None) -> list[Chunk]:
    """Each body chunk laid out where it goes (page ``first`` on), refined, handed to the writers, freed."""
    chunks, folio = [], 1
    for index, body in enumerate(bodies):
        pad = first % 2 == 1  # a chunk's own first page is a right page: pad it to start on a left one
        markup = body.markup(folio=folio, pad=pad, opening=index == 0)
        laid = lay(markup)
        if refine is not None:
            laid = refine(markup, lay, laid)
        pages = laid.pages[1:] if pad else laid.pages
        kept = pdf.Layout(weasy.copy(laid.document, pages), laid.complaints, laid.date)
        labels = _labels(kept.page_names, folio)  # the first chunk may open with a blank page (print.css)
        chunk = Chunk(tmp / f"{index + 1}.pdf", first, labels, *_contents(pages))
        chunk.page_names = kept.page_names
        on_layout(kept, chunk.labels, first)
        writers.write(kept, chunk)
        chunks.append(chunk)
        first, folio = first + len(pages), folio + sum(bool(label) for label in labels)
        del laid, kept, pages  # the memory win: one chunk's pages alive at a time
    return chunks


def _labels(page_names: list[str], folio: int) -> list[str]:
    """A body chunk's printed folios from ``folio`` on: a page of no named page (the blank one before
    the body's first page) has none and is not counted, as pdf.page_labels numbers the whole."""
    labels = []
    for name in page_names:
        labels.append(str(folio) if name in pdf.BODY_PAGES else "")
        folio += name in pdf.BODY_PAGES
    return labels


def _lay_out_front(front: Piece, lay, chunks: list[Chunk], tmp: Path, pages: int, on_layout) -> Chunk:
    """The front matter with the contents numbers the chunks give; it must keep its length."""
    numbers = {target: chunk.labels[page] for chunk in chunks for target, page in chunk.anchors.items()}
    laid = lay(front.markup(numbers=numbers))
    if len(laid.pages) != pages:
        raise Unstitchable("the contents changed length once numbered")
    head = Chunk(tmp / "0.pdf", 0, laid.labels, *_contents(laid.pages), page_names=laid.page_names)
    on_layout(laid, laid.labels, 0)
    head.complaints = pdf.write(laid, head.path)
    head.uncovered = set(laid.uncovered)
    return head


def _give_back_memory() -> None:
    """Return the memory the layouts freed to the system (glibc keeps freed blocks in the process
    otherwise, and the stitching would come on top of them)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _contents(pages) -> tuple[dict[str, int], list[tuple[int, str, tuple]]]:
    """Where each id first has a box, and every internal link, of laid-out pages."""
    anchors: dict[str, int] = {}
    links = []
    for index, page in enumerate(pages):
        for target in weasy.anchors(page):
            anchors.setdefault(target, index)
        links += [(index, target, rect) for target, rect in weasy.internal_links(page)]
    return anchors, links


# --- cutting the print HTML -----------------------------------------------------------------------

@dataclass
class Piece:
    """A chunk of the print document: the head, and either the front matter or some body units."""

    root: etree._Element  # the whole parsed document (read only)
    units: list[list[etree._Element]]  # body units, each a run of siblings; none for the front

    def markup(self, folio: int = 1, pad: bool = False, numbers: dict[str, str] | None = None,
               opening: bool = True) -> str:
        head = copy.deepcopy(self.root.find("head"))
        body = etree.Element("body", self.root.find("body").attrib)
        if numbers is not None:
            self._front(body, numbers)
        else:
            for style in head.findall("style"):  # the cover's page rules count pages from the book's start
                head.remove(style)
            if pad:
                etree.SubElement(body, "div", {"class": "octavo-pad"})
            self._body(body)
        etree.SubElement(head, "style").text = _chunk_css(folio, pad, numbers, opening)
        root = etree.Element("html", self.root.attrib)
        root.extend([head, body])
        return lxml_html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode")

    def _front(self, body: etree._Element, numbers: dict[str, str]) -> None:
        for child in self.root.find("body"):
            if "body-pages" not in _classes(child):
                body.append(copy.deepcopy(child))
        for link in body.iterfind(".//nav//a[@href]"):
            target = link.get("href")[1:]
            link.set("data-page", numbers.get(target, "000"))  # placeholder as wide as most numbers

    def _body(self, body: etree._Element) -> None:
        """The units under shallow copies of their ancestors (the body-pages group, a text's article
        with its running head); an ancestor keeps its id only where it starts."""
        made: dict[etree._Element, etree._Element] = {}
        for unit in self.units:
            parent = body
            for ancestor in reversed(list(unit[0].iterancestors())[:-2]):  # below <body>
                if ancestor not in made:
                    attrib = dict(ancestor.attrib)
                    if not _first_leaf(ancestor, unit[0]):
                        attrib.pop("id", None)
                    made[ancestor] = etree.SubElement(parent, ancestor.tag, attrib)
                parent = made[ancestor]
            parent.extend(copy.deepcopy(element) for element in unit)


def split(html: str, chunk_chars: int) -> tuple[Piece, list[Piece]]:
    """The front matter, and the body cut at forced page breaks into chunks of ~``chunk_chars``."""
    root = lxml_html.document_fromstring(html)
    groups = [child for child in root.find("body") if "body-pages" in _classes(child)]
    if len(groups) != 1:
        raise Unstitchable("no single body-pages group")
    chunks, current, size = [], [], 0
    for unit in _units(groups[0]):
        length = sum(len(lxml_html.tostring(e, encoding="unicode")) for e in unit)
        if current and size + length > chunk_chars:
            chunks.append(Piece(root, current))
            current, size = [], 0
        current.append(unit)
        size += length
    if current:
        chunks.append(Piece(root, current))
    return Piece(root, []), chunks


def _units(group: etree._Element) -> list[list[etree._Element]]:
    """Runs of elements that start on a new page: a part, a text's opening, a chapter, the notes..."""
    units: list[list[etree._Element]] = []
    for element in _leaves(group):
        starts = _breaks(element) or not units
        glued = units and units[-1][-1].getparent() is element.getparent() and \
            "text-header" in _classes(units[-1][-1])  # a text's title shares its first page
        if starts and not glued:
            units.append([element])
        elif units[-1][-1].getparent() is not element.getparent():
            raise Unstitchable(f"<{element.tag}> would continue a page begun in another element")
        else:
            units[-1].append(element)
    return units


def _breaks(element: etree._Element) -> bool:
    """Whether print.css breaks the page before ``element``: a chapter or the notes only in a text
    whose chapters open pages (``article.long``), and not a first chapter after a short opening."""
    classes = _classes(element)
    if not classes & BREAK_CLASSES:
        return False
    if classes & {"chapter", "notes"}:
        article = _classes(element.getparent())
        if "text" in article and "long" not in article:
            return False
        previous = element.getprevious()
        if "short-opening" in article and "chapter" in classes and previous is not None \
                and "opening" in _classes(previous):
            return False
    return True


def _leaves(group: etree._Element):
    """The elements units are made of: children of the group, of <main> and of each text's article."""
    for child in group:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "main" or "text" in _classes(child):
            if "text" in _classes(child) and len(child) == 0:
                raise Unstitchable("an empty text")
            yield from _leaves(child)
        else:
            yield child


def _first_leaf(ancestor: etree._Element, element: etree._Element) -> bool:
    """Whether ``element`` is where ``ancestor`` begins (its first child's first child...)."""
    while ancestor is not element:
        children = [c for c in ancestor if isinstance(c.tag, str)]
        if not children:
            return False
        ancestor = children[0]
    return True


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split()) if isinstance(element.tag, str) else set()


def _chunk_css(folio: int, pad: bool, numbers: dict[str, str] | None, opening: bool = True) -> str:
    """What a chunk changes in print.css (``!important``: print.css is read after the document's styles)."""
    if numbers is not None:  # the front matter: contents numbers are written in, their targets are elsewhere
        return 'nav.toc li > a[data-page]::after { content: attr(data-page) !important; }'  # print.css's number
    # print.css increments the page counter on every body page, after this reset: start one short
    css = f"@page :nth(1 of body) {{ counter-reset: page {folio - 1} !important; }}"
    if not opening:  # the body goes on here: only its first page opens on a recto
        css += "\n.body-pages { break-before: auto !important; }"
    if pad:
        css += "\ndiv.octavo-pad { break-after: page; }"
    return css


# --- writing chunks, in forked processes with jobs > 1 ----------------------------------------------

class Writers:
    """Writes laid-out chunks: here, or (jobs > 1) each in a forked process while the caller goes on."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.running: dict[int, Chunk] = {}

    def __enter__(self) -> Writers:
        return self

    def __exit__(self, kind, *exc) -> None:
        """Never leave a writer behind; its failure only matters when nothing else failed."""
        try:
            self.wait()
        except Unstitchable:
            if kind is None:
                raise

    def write(self, laid: pdf.Layout, chunk: Chunk) -> None:
        if self.jobs <= 1 or not hasattr(os, "fork"):  # no fork (Windows): the same bytes, written here
            chunk.complaints = pdf.write(laid, chunk.path)
            chunk.uncovered = set(laid.uncovered)
            return
        while len(self.running) >= self.jobs - 1:
            self._reap()
        pid = os.fork()
        if pid == 0:  # the child: write, leave the complaints beside the PDF, exit without cleanup
            code = 1
            try:
                complaints = pdf.write(laid, chunk.path)
                chunk.path.with_suffix(".json").write_text(json.dumps({"complaints": complaints,
                                                                       "uncovered": sorted(laid.uncovered)}))
                code = 0
            finally:
                os._exit(code)
        self.running[pid] = chunk

    def wait(self) -> None:
        while self.running:
            self._reap()

    def _reap(self) -> None:
        pid, status = os.wait()
        chunk = self.running.pop(pid, None)
        if chunk is None:
            return
        if os.waitstatus_to_exitcode(status) != 0:
            self.wait()
            raise Unstitchable(f"writing chunk {chunk.path.stem} failed (exit {os.waitstatus_to_exitcode(status)})")
        written = json.loads(chunk.path.with_suffix(".json").read_text())
        chunk.complaints, chunk.uncovered = written["complaints"], set(written["uncovered"])


# --- stitching the chunk PDFs ---------------------------------------------------------------------

def stitch(chunks: list[Chunk], toc: tuple[TocEntry, ...], dest) -> set[str]:
    """One PDF from the chunks' PDFs: the first (front matter) gives metadata and the structure root.
    Returns the named destinations (every id with a box)."""
    with pikepdf.open(chunks[0].path) as out:
        names = _dests(out, out, 0)
        tree = _StructTree(out)
        for chunk in chunks[1:]:
            with pikepdf.open(chunk.path) as part:
                names.update(_append(out, part, tree))
        _link_across(out, chunks, names)
        out.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=pikepdf.Array(
            [item for name in sorted(names) for item in (pikepdf.String(name), names[name])])))
        _outline(out, toc, names)
        out.Root.PageLabels = _page_labels(pdf.label_ranges([name for chunk in chunks for name in chunk.page_names]))
        # objects packed in streams again (as WeasyPrint writes them): the pages came from several files
        out.save(dest, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return set(names)


def _append(out: pikepdf.Pdf, part: pikepdf.Pdf, tree: _StructTree) -> dict[str, pikepdf.Array]:
    """A chunk's pages and structure added to ``out``; returns its named destinations. The copied
    streams take their data now, so the chunk's file can be closed (qpdf would otherwise keep every
    chunk's objects in memory until the end: twice the memory)."""
    known, offset, first = len(out.objects), tree.offset(), len(out.pages)
    with warnings.catch_warnings():  # that named destinations are not copied: _dests does it
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        out.pages.extend(part.pages)
    for page in out.pages[first:]:
        tree.shift(page, offset)
    names = _dests(out, part, first)
    tree.adopt(part, offset)
    for obj in out.objects[known:]:
        if isinstance(obj, pikepdf.Stream):
            obj.write(obj.read_raw_bytes(), filter=obj.get("/Filter"), decode_parms=obj.get("/DecodeParms"))
    return names


def _dests(out: pikepdf.Pdf, part: pikepdf.Pdf, first: int) -> dict[str, pikepdf.Array]:
    """A chunk's named destinations, pointing at its pages in ``out`` (which start at ``first``)."""
    names = part.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
    index = {page.objgen: n for n, page in enumerate(part.pages)}
    dests = {}
    for name, dest in zip(names[::2], names[1::2]):
        page = out.pages[first + index[dest[0].objgen]].obj
        dests[str(name)] = pikepdf.Array([page, *dest[1:]])
    return dests


def _link_across(out: pikepdf.Pdf, chunks: list[Chunk], names: dict) -> None:
    """The links WeasyPrint could not make because their target was in another chunk."""
    for chunk in chunks:
        for index, target, (x1, y1, x2, y2) in chunk.links:
            if target in chunk.anchors or target not in names:
                continue
            page = out.pages[chunk.first + index]
            height = float(page.mediabox[3])
            annot = out.make_indirect(pikepdf.Dictionary(  # as WeasyPrint makes its links
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, BS=pikepdf.Dictionary(W=0),
                Rect=pikepdf.Array([x1 * PX, height - y1 * PX, x2 * PX, height - y2 * PX]),
                Dest=pikepdf.String(target), F=4))
            page.obj.Annots = pikepdf.Array([*page.obj.get("/Annots", []), annot])


def _outline(out: pikepdf.Pdf, toc: tuple[TocEntry, ...], names: dict) -> None:
    def items(entries):
        made = []
        for entry in entries:
            if entry.target not in names:
                continue
            item = pikepdf.OutlineItem(entry.title, names[entry.target])  # explicit, as WeasyPrint writes it
            item.children.extend(items(entry.children))
            made.append(item)
        return made

    with out.open_outline() as outline:
        outline.root.clear()
        outline.root.extend(items(toc))


def _page_labels(ranges: list[tuple[int, str, int]]) -> pikepdf.Dictionary:
    """The /PageLabels number tree of ``pdf.label_ranges``: what a book laid out in one piece has."""
    nums = []
    for index, style, start in ranges:
        nums += [index, pikepdf.Dictionary(S=pikepdf.Name(f"/{style}"), St=start) if style else pikepdf.Dictionary()]
    return pikepdf.Dictionary(Nums=pikepdf.Array(nums))


class _StructTree:
    """The chunks' structure trees joined under the front matter's: each chunk's top elements become
    children of the front matter's document element, its parent-tree keys shifted past the ones before."""

    def __init__(self, out: pikepdf.Pdf):
        self.out = out
        self.root = out.Root.get("/StructTreeRoot")
        if self.root is None:
            raise Unstitchable("the front matter's PDF has no structure tree")
        self.document = self._document(self.root)
        self.parents = list(self._nums(self.root))

    @staticmethod
    def _document(root) -> pikepdf.Dictionary:
        """The one element under a structure tree's root (WeasyPrint's /Document)."""
        kids = root.get("/K")
        if isinstance(kids, pikepdf.Array) and len(kids) == 1:
            kids = kids[0]
        if not isinstance(kids, pikepdf.Dictionary):
            raise Unstitchable("a structure tree without a single document element")
        return kids

    @staticmethod
    def _nums(root) -> pikepdf.Array:
        if "/Kids" in root.ParentTree:
            raise Unstitchable("a parent tree with kids")
        return root.ParentTree.get("/Nums", pikepdf.Array())

    def offset(self) -> int:
        return max((int(k) for k in self.parents[::2]), default=-1) + 1

    @staticmethod
    def shift(page: pikepdf.Page, offset: int) -> None:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annot in page.obj.get("/Annots", []):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + offset

    def adopt(self, part: pikepdf.Pdf, offset: int) -> None:
        """Call after the part's pages were added: copied elements then point at those pages."""
        root = part.Root.StructTreeRoot
        document = self._document(root)
        nums = self._nums(root)
        for key, value in zip(nums[::2], nums[1::2]):
            self.parents += [int(key) + offset, self._copy(value)]
        kids = document.get("/K", pikepdf.Array())
        mine = self.document.get("/K", pikepdf.Array())
        mine = mine if isinstance(mine, pikepdf.Array) else pikepdf.Array([mine])
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            kid = self._copy(kid)
            if isinstance(kid, pikepdf.Dictionary):
                kid.P = self.document
            mine.append(kid)
        self.document.K = mine
        self.root.ParentTree = pikepdf.Dictionary(Nums=pikepdf.Array(self.parents))

    def _copy(self, value):
        """A chunk's object in the stitched PDF (qpdf maps what was copied already, such as pages)."""
        if value.is_indirect:
            return self.out.copy_foreign(value)
        if isinstance(value, pikepdf.Array):
            return pikepdf.Array([self._copy(v) for v in value])
        return value
