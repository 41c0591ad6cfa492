"""Reading a finished book back: the EPUB's package and spine, the PDF's fonts, links, outline,
destinations and text, and the words both editions give a reader.

What ``--check`` reads (validate.py) and what the tests read to prove what a build wrote: the
build itself never imports this module. EPUBs are read with zipfile and lxml, PDF structure with
pikepdf and PDF text with PDFium (``pypdfium2``, imported only where text is read).
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .trees import replace_with_text

XHTML_NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
MM = 72 / 25.4
BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "header", "section", "blockquote", "tr", "td",
          "th", "dd", "dt", "pre", "figcaption", "caption", "table", "ul", "ol", "br", "hr")


# --- EPUB ------------------------------------------------------------------------------------------

def epub_spine(path: Path) -> list[tuple[str, etree._Element]]:
    """(file name, parsed XHTML) of every spine document, in reading order."""
    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", OPF_NS)}
        docs = []
        for ref in opf.iterfind(".//opf:spine/opf:itemref", OPF_NS):
            href = manifest[ref.get("idref")]
            docs.append((href, etree.fromstring(z.read(base + href))))
        return docs


def epub_opf(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        return etree.fromstring(z.read(container.find(".//{*}rootfile").get("full-path")))


def epub_reading_text(path: Path, with_headers: bool = True) -> str:
    """The text a reader reads: each text's heading block (unless ``with_headers`` is false), body
    sections and notes (no title page, TOC, part pages, colophon or backlinks)."""
    chunks = []
    for name, doc in epub_spine(path):
        for block in doc.xpath(".//x:header[contains(@class, 'text-header')] | .//x:section", namespaces=XHTML_NS):
            if (block.tag.endswith("header") and with_headers) or "section" in (block.get("class") or "").split():
                chunks.append(_text_without(block))
    return "\n".join(chunks)


def epub_text_headers(path: Path) -> int:
    """How many texts the EPUB opens (their heading blocks): one for a single text."""
    return sum(len(doc.xpath(".//x:header[contains(@class, 'text-header')]", namespaces=XHTML_NS))
               for _, doc in epub_spine(path))


def _text_without(el) -> str:
    el = etree.fromstring(etree.tostring(el))
    for a in el.xpath(".//x:a[@role='doc-backlink']", namespaces=XHTML_NS):
        replace_with_text(a)
    # A handout's paragraph numbers are not words of the text (the PDF's, in the margin, are
    # digits, which the comparison does not count either).
    for number in el.xpath(".//x:span[@class='para-num']", namespaces=XHTML_NS):
        replace_with_text(number)
    # A line break after every block; inline elements (a note number after its word) join
    # without a space, as they print.
    for block in el.iter(*(f"{{{XHTML_NS['x']}}}{tag}" for tag in BLOCKS)):
        block.tail = "\n" + (block.tail or "")
    return "".join(el.itertext())


# --- PDF -------------------------------------------------------------------------------------------

@dataclass
class PdfReport:
    pages: int
    metadata: dict
    language: str | None
    outline: list  # nested [(title, [children...]), ...]
    fonts: dict[str, bool]  # font name -> embedded
    uris: list[str]
    internal_links: int
    broken_links: list[str]


def read_pdf(path: Path) -> PdfReport:
    import pikepdf

    with pikepdf.open(path) as pdf:
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        lang = str(pdf.Root.get("/Lang")) if "/Lang" in pdf.Root else None
        with pdf.open_outline() as outline:
            tree = _outline(outline.root)
        fonts: dict[str, bool] = {}
        uris, internal, broken = [], 0, []
        names = named_destinations(pdf)
        for page in pdf.pages:
            resources = page.obj.get("/Resources", {})
            for font in resources.get("/Font", {}).values():
                fonts[str(font.get("/BaseFont"))] = _embedded(font)
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                action = annot.get("/A")
                dest = annot.get("/Dest")
                if action is not None and action.get("/S") == "/URI":
                    uris.append(str(action.get("/URI")))
                elif action is not None and action.get("/S") == "/GoTo":
                    internal += 1
                    dest = action.get("/D")
                if dest is not None:
                    if isinstance(dest, (pikepdf.String, pikepdf.Name)) and str(dest).lstrip("/") not in names:
                        broken.append(str(dest))
                    internal += action is None
        return PdfReport(len(pdf.pages), info, lang, tree, fonts, uris, internal, broken)


def _outline(items) -> list:
    return [(item.title, _outline(item.children)) for item in items]


def named_destinations(pdf) -> set[str]:
    names: set[str] = set()
    root = pdf.Root.get("/Names", {}).get("/Dests") if "/Names" in pdf.Root else None

    def walk(node):
        if node is None:
            return
        values = node.get("/Names")
        if values is not None:
            names.update(str(values[i]) for i in range(0, len(values), 2))
        for kid in node.get("/Kids", []):
            walk(kid)

    walk(root)
    if "/Dests" in pdf.Root:
        names.update(str(k).lstrip("/") for k in pdf.Root.Dests.keys())
    return names


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0]
    descriptor = font.get("/FontDescriptor")
    if font.get("/Subtype") == "/Type3":
        return True
    return descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def pdf_figures(tree) -> tuple[int, int]:
    """(figures, figures with /Alt) in a structure tree."""
    import pikepdf

    figures = described = 0
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.get("/S") == "/Figure":
            figures += 1
            described += bool(str(node.get("/Alt", "")).strip())
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)
    return figures, described


def text_beyond_edges(path: Path, tolerance: float = 0.5) -> list[tuple[int, str]]:
    """(page number, the characters) for every page with characters outside the page box: what a
    wide table or a long word pushed off the paper."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    found = []
    try:
        for n in range(len(pdf)):
            page = pdf[n]
            width, height = page.get_size()
            text = page.get_textpage()
            outside = []
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                if char.strip():
                    left, bottom, right, top = text.get_charbox(i)
                    if left < -tolerance or bottom < -tolerance or right > width + tolerance or top > height + tolerance:
                        outside.append(char)
            if outside:
                found.append((n + 1, "".join(outside)))
    finally:
        pdf.close()
    return found


def outline_places(path: Path) -> list[tuple[str, int, float | None]]:
    """Every outline entry (depth first) with the 0-based index of its page and the height on that
    page where it begins (PDF points from the page's foot; None when the destination does not say)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        index = {page.objgen: n for n, page in enumerate(pdf.pages)}
        found = []

        def walk(items):
            for item in items:
                dest = item.destination
                if dest is None and item.action is not None:
                    dest = item.action.get("/D")
                if isinstance(dest, (pikepdf.String, pikepdf.Name)):
                    dest = resolve_named(pdf, str(dest))
                page = dest[0] if dest is not None else None
                found.append((item.title, index.get(page.objgen) if page is not None else None, _top(dest)))
                walk(item.children)

        with pdf.open_outline() as outline:
            walk(outline.root)
        return found


def named_places(path: Path, names: tuple[str, ...]) -> dict[str, tuple[int, float | None]]:
    """name -> (page index, height) of each of ``names`` that is a named destination of the PDF."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        if "/Names" not in pdf.Root or "/Dests" not in pdf.Root.Names:
            return {}
        index = {page.objgen: n for n, page in enumerate(pdf.pages)}
        dests = {name: resolve_named(pdf, name) for name in names}
        return {name: (index.get(d[0].objgen), _top(d)) for name, d in dests.items() if d is not None}


def _top(dest) -> float | None:
    """The top of an /XYZ destination ([page /XYZ left top zoom])."""
    if dest is None or len(dest) < 4 or str(dest[1]) != "/XYZ" or dest[3] is None:
        return None
    return float(dest[3])


def resolve_named(pdf, name: str):
    import pikepdf

    tree = pdf.Root.Names.Dests

    def walk(node):
        values = node.get("/Names")
        if values is not None:
            for i in range(0, len(values), 2):
                if str(values[i]) == name.lstrip("/"):
                    value = values[i + 1]
                    return value.get("/D") if isinstance(value, pikepdf.Dictionary) else value
        for kid in node.get("/Kids", []):
            hit = walk(kid)
            if hit is not None:
                return hit
        return None

    return walk(tree)


def pdf_body_text(path: Path, first: int, stop: int, top_mm: float = 14, bottom_mm: float = 15,
                  start: float | None = None, stop_at: float | None = None, right_mm: float = 0) -> str:
    """Text of pages ``first`` to ``stop`` (exclusive) without what lies in the top ``top_mm`` and
    bottom ``bottom_mm`` of each page: the running heads and page numbers of styles/print.css,
    which sit in the page margins (18 and 20 mm). ``start``: on the first page, only what lies below
    that height (PDF points); ``stop_at``: on the last page, only what lies above it (a handout's
    text begins and ends mid-page); ``right_mm``: leave out that much of each page's right side.
    The pages' footnotes come after all the pages' text, so a word hyphenated across a page break
    reads whole."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        bodies, feet = [], []
        last = min(stop, len(pdf)) - 1
        for n in range(first, last + 1):
            page = pdf[n]
            width, height = page.get_size()
            textpage = page.get_textpage()
            top = min(height - top_mm * MM, start if n == first and start is not None else height)
            bottom = max(bottom_mm * MM, stop_at if n == last and stop_at is not None else 0)
            if top <= bottom:
                continue
            foot = _footnotes_top(textpage, bottom, top)
            bodies.append(textpage.get_text_bounded(0, foot, width - right_mm * MM, top))
            if foot > bottom:
                feet.append(textpage.get_text_bounded(0, bottom, width - right_mm * MM, foot))
            elif n == last and bottom > bottom_mm * MM:  # the text stops mid-page (a handout's credits
                # follow it): its footnotes stand below, at the foot of that page
                below = _footnotes_top(textpage, bottom_mm * MM, height - top_mm * MM)
                if bottom_mm * MM < below <= bottom:
                    feet.append(textpage.get_text_bounded(0, bottom_mm * MM, width - right_mm * MM, below))
        return "\n".join(bodies + feet)
    finally:
        pdf.close()


def _footnotes_top(textpage, bottom: float, top: float) -> float:
    """Where a page's footnotes begin: below its last line in the body's type size (``bottom`` if
    nothing smaller stands below it)."""
    import pypdfium2.raw as pdfium_c

    chars = []
    for i in range(textpage.count_chars()):
        left, low, right, high = textpage.get_charbox(i)
        if bottom < low and high < top and not textpage.get_text_range(i, 1).isspace():
            chars.append((round(pdfium_c.FPDFText_GetFontSize(textpage.raw, i), 1), low, high))
    if not chars:
        return bottom
    body = Counter(size for size, _, _ in chars).most_common(1)[0][0]  # most characters are the body's
    last_line = min(low for size, low, _ in chars if size == body)
    below = [high for size, low, high in chars if high < last_line and size < 0.9 * body]
    return max(below) + 1 if below else bottom


# --- words -----------------------------------------------------------------------------------------

def words(text: str) -> list[str]:
    """Comparable words: ligatures undone (NFKC), soft hyphens dropped, case and punctuation ignored."""
    # U+FFFE and U+0002 are how PDFium marks a line broken by hyphenation; the word goes on after
    # the break, also when the break is a page's (pdf_body_text joins pages with a newline)
    text = re.sub(r"[\ufffe\x02]\s*", "", unicodedata.normalize("NFKC", text).replace("\u00ad", ""))
    # Hyphens join: "well-known" in one edition may be "well-\nknown" (broken at its own hyphen)
    # or "revolu-\ntion" (hyphenated at a line end) in the other.
    text = re.sub(r"(\w)[-\u2010]\s*(\w)", r"\1\2", text)
    # Chinese and Japanese have no spaces: compare character by character.
    text = re.sub(r"([\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])", r" \1 ", text)
    return [w.casefold() for w in re.findall(r"\w+", text)]
