"""Rendered pages + stylesheets -> a reproducible EPUB 3 file. The only module that knows EbookLib.

EbookLib writes the package (OPF, NCX, container); we give it finished XHTML, our own nav
document, metadata, a fixed modification date and no page-list, then rewrite the zip so the same
inputs always give the same bytes (``mimetype`` first and stored, fixed timestamps). Each section
of the model (``model.Section``) is one XHTML file of the package.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from ebooklib import epub
from lxml import etree

from . import messages
from . import model as m
from .model import Book, TocEntry
from .pagelist import PageList, insert_before_letter
from .render import Page
from .render.xhtml import image_path
from .slugs import unused
from .expressions import lazy

if TYPE_CHECKING:
    from .cover import CoverImage

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
W3CDTF = lazy(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$")
_PARSER = etree.XMLParser(huge_tree=True, remove_blank_text=False, resolve_entities=False, no_network=True)


def write_epub(book: Book, pages: list[Page], toc: tuple[TocEntry, ...], stylesheets: list[Path], dest,
               cover: CoverImage | None = None, page_list: PageList | None = None) -> list[str]:
    """Write the EPUB for ``book`` to ``dest`` (a path or a binary file object); ``toc`` is the
    renderer's contents, for the NCX; ``cover`` the image the cover page shows, which library views
    show too; ``page_list`` the print edition's pages, marked in the text and listed in the nav.
    Returns the labels of the pages that could not be marked."""
    trees = {page.name: etree.fromstring(page.markup.encode("utf-8"), _PARSER) for page in pages}
    unmarked = _mark_pages(trees, pages, page_list, book) if page_list is not None else []
    where = _id_locations(trees)
    package = epub.EpubBook()
    _metadata(package, book, page_list.source if page_list else None, bool(cover and cover.animated))
    if messages.direction(book.metadata.language) == "rtl":
        package.set_direction("rtl")  # the spine's page-progression-direction
    package.add_item(epub.EpubNcx())
    if cover is not None:
        image = epub.EpubItem(uid="cover-image", file_name=cover.href, media_type=cover.media_type, content=cover.data)
        image.properties = ["cover-image"]
        package.add_item(image)
        package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})  # for EPUB 2 readers
    for path in stylesheets:
        package.add_item(epub.EpubItem(uid=f"css-{path.stem}", file_name=f"css/{path.name}",
                                       media_type="text/css", content=path.read_bytes()))
    _add_assets(package, book)
    spine = []
    for index, page in enumerate(pages):
        item = epub.EpubItem(uid=f"page-{index}", file_name=page.name, media_type="application/xhtml+xml",
                             content=_finish(trees[page.name], page.name, where))
        if page.kind == "nav":
            item.properties = ["nav"]
        package.add_item(item)
        spine.append(item)
    package.spine = spine
    package.toc = _ncx_entries(toc, where)
    raw = io.BytesIO()
    # stored, not deflated: _rezip reads every entry back and compresses it once, for good
    epub.write_epub(raw, package, {"epub3_pages": False, "mtime": book.modified, "raise_exceptions": True,
                                   "compresslevel": 0})
    _rezip(raw.getvalue(), dest, book)
    return unmarked


def _add_assets(package: epub.EpubBook, book: Book) -> None:
    """Each approved image once, under its content-derived name."""
    for n, asset in enumerate(book.assets, 1):
        package.add_item(epub.EpubItem(uid=f"img-{n}", file_name=image_path(asset.name), media_type=asset.media_type,
                                       content=asset.read()))


def _mark_pages(trees: dict, pages: list[Page], page_list: PageList, book: Book) -> list[str]:
    """A page-break marker where each printed page begins (pagelist.py finds the letter), and the
    nav's page-list of them, in page order. Returns the labels of the pages left unmarked."""
    elements = {el.get("id"): el for tree in trees.values() for el in tree.iter() if isinstance(el.tag, str)
                and el.get("id")}
    nav = next(trees[p.name] for p in pages if p.kind == "nav")
    contents = {el.get("id") for el in nav.iter() if isinstance(el.tag, str) and el.get("id")}
    entries, unmarked = [], list(page_list.unplaced)
    for anchor, page in page_list.pages:
        if anchor in contents:
            continue  # the printed contents: the EPUB's is its navigation document, outside the reading order page-lists point into
        element = elements.get(anchor)
        marker_id = unused(f"page-{page.label}", elements)
        marker = etree.Element(f"{{{XHTML}}}span", {"data-epub-type": "pagebreak", "role": "doc-pagebreak",
                                                     "id": marker_id, "aria-label": page.label})
        if element is not None and insert_before_letter(element, page.offset, marker):
            elements[marker_id] = marker
            entries.append((marker_id, page.label))
        else:
            unmarked.append(page.label)
    words = messages.words(book.metadata.language)
    listing = etree.SubElement(nav.find(f"{{{XHTML}}}body"), f"{{{XHTML}}}nav", {
        "data-epub-type": "page-list", "id": "page-list", "hidden": "hidden", "aria-label": words["page_list"]})
    listing.tail = "\n"
    ol = etree.SubElement(listing, f"{{{XHTML}}}ol")
    for marker_id, label in entries:
        etree.SubElement(etree.SubElement(ol, f"{{{XHTML}}}li"), f"{{{XHTML}}}a", href=f"#{marker_id}").text = label
    return unmarked


def _id_locations(trees: dict) -> dict[str, str]:
    where: dict[str, str] = {}
    for name, tree in trees.items():
        for el in tree.iter():
            if isinstance(el.tag, str) and el.get("id") is not None:
                where.setdefault(el.get("id"), name)
    return where


def _finish(tree, name: str, where: dict[str, str]) -> bytes:
    """EPUB-specific touches on a rendered page: epub:type from the model, links across files,
    tables that scroll."""
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        semantic = el.attrib.pop("data-epub-type", None)
        if semantic:
            el.set(f"{{{OPS}}}type", semantic)
        el.attrib.pop("data-running", None)
        href = el.get("href")
        if el.tag == f"{{{XHTML}}}a" and href and href.startswith("#"):
            target = where.get(href[1:])
            if target and target != name:
                el.set("href", f"{target}{href}")
    for table in list(tree.iter(f"{{{XHTML}}}table")):
        _scroll_box(table)
    body = etree.tostring(tree, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + body


def _scroll_box(table) -> None:
    """Put a table in a box that scrolls sideways (styles/epub.css): a wide table is not cut at the
    page edge. The box takes keyboard focus, so it can be scrolled without a pointer."""
    box = etree.Element(f"{{{XHTML}}}div", {"class": "table-wrap", "tabindex": "0"})
    box.tail, table.tail = table.tail, None
    table.addprevious(box)
    box.append(table)


def _ncx_entries(entries: tuple[TocEntry, ...], where: dict[str, str]) -> list:
    out = []
    for entry in entries:
        href = f"{where.get(entry.target, 'nav.xhtml')}#{entry.target}"
        link = epub.Link(href, entry.title, f"nav-{entry.target}")
        out.append((epub.Section(entry.title, href), _ncx_entries(entry.children, where)) if entry.children else link)
    return out


def _metadata(package: epub.EpubBook, book: Book, page_source: str | None = None, cover_animated: bool = False) -> None:
    meta = book.metadata
    package.set_identifier(meta.identifier)
    package.set_title(meta.title)
    package.set_language(meta.language)
    for language in dict.fromkeys(t.metadata.language for t in book.texts):  # a volume's other languages
        if language != meta.language:
            package.add_metadata("DC", "language", language)
    creators = list(meta.editors) if book.is_volume and meta.editors else list(meta.authors)
    for n, name in enumerate(creators, 1):
        package.add_author(name, role="edt" if book.is_volume and meta.editors else "aut", uid=f"creator-{n}")
    contributors = []
    for text in book.texts:
        for name, role in [(a, "aut") for a in text.metadata.authors] + [(t, "trl") for t in text.metadata.translators]:
            if name not in creators and (name, role) not in contributors:
                contributors.append((name, role))
    for n, (name, role) in enumerate(contributors, 1):
        package.add_metadata("DC", "contributor", name, {"id": f"contributor-{n}"})
        package.add_metadata(None, "meta", role, {"refines": f"#contributor-{n}", "property": "role",
                                                  "scheme": "marc:relators"})
    for text in book.texts:
        for source in (text.metadata.source_url, text.metadata.source_citation):
            if source:
                package.add_metadata("DC", "source", source)
    for tag in dict.fromkeys((*meta.tags, *(t for text in book.texts for t in text.metadata.tags))):
        package.add_metadata("DC", "subject", tag)
    if meta.description:
        package.add_metadata("DC", "description", meta.description)
    date = meta.date if meta.date and W3CDTF.match(meta.date) else None  # free text ("Spring 1924") shows in the book only
    date = date or (meta.first_published if not meta.date else None)  # the archive header's, when no date is given
    for field, value in (("publisher", meta.publisher), ("rights", meta.rights), ("date", date)):
        if value:
            package.add_metadata("DC", field, value)
    if meta.subtitle:
        package.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        package.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    if not book.is_volume and meta.part_of:  # the work the text is part of: EPUB 3's collection
        package.add_metadata(None, "meta", meta.part_of, {"property": "belongs-to-collection", "id": "part-of"})
    for prop, value in accessibility_metadata(book, page_source, cover_animated):
        package.add_metadata(None, "meta", value, {"property": prop})


def accessibility_metadata(book: Book, page_source: str | None = None,
                           cover_animated: bool = False) -> list[tuple[str, str]]:
    """EPUB Accessibility 1.1 discovery metadata, computed from the content: (property, value) pairs.

    ``visual`` access mode only when the text has images (the cover repeats the title page in
    words); ``alternativeText`` only when every image has a description, and then text alone is
    sufficient; ``page_source``, the printed edition a page-list follows, adds page navigation.
    The summary is written for this book, in its language. Hazards: see :func:`hazards`.

    The conformance claim (``dcterms:conformsTo``, ``a11y:certifiedBy``) is made only when the user
    names who evaluated the book (``certifiedBy``, ``--certified-by``): automated checks, ours
    included, cannot tell whether alt text is apt or the reading order makes sense.
    """
    words = messages.words(book.metadata.language)
    images = [image for text in book.texts for image in _images(text)]
    described = all(image.alt.strip() for image in images)
    has_notes = any(text.notes for text in book.texts)
    pairs = [("schema:accessMode", "textual")]
    if images:
        pairs.append(("schema:accessMode", "visual"))
    pairs.append(("schema:accessModeSufficient", "textual" if described else "textual,visual"))
    if images and described:
        pairs.append(("schema:accessModeSufficient", "textual,visual"))
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "ARIA"]
    if images and described:
        features.append("alternativeText")
    if page_source:
        features += ["pageNavigation", "printPageNumbers"]
    pairs += [("schema:accessibilityFeature", feature) for feature in features]
    pairs += [("schema:accessibilityHazard", hazard) for hazard in hazards(book, cover_animated)]
    summary = [words["summary_structure"]]
    if has_notes:
        summary.append(words["summary_notes"])
    summary.append(words["summary_images_described"] if images and described else
                   words["summary_images_undescribed"] if images else words["summary_no_images"])
    if page_source:
        summary.append(words["summary_page_list"].format(edition=page_source))
    pairs.append(("schema:accessibilitySummary", " ".join(summary)))
    if page_source:
        pairs.append(("pageBreakSource", page_source))
    if book.metadata.certified_by:
        pairs += [("dcterms:conformsTo", CONFORMANCE), ("a11y:certifiedBy", book.metadata.certified_by)]
    return pairs


HAZARD_KINDS = ("flashing", "motionSimulation", "sound")
NO, UNKNOWN, PRESENT = 0, 1, 2  # combined by the worst: one text that flashes makes the book flash


def hazard_values(values: tuple[str, ...], state: dict[str, int]) -> dict[str, int]:
    """``state`` (kind -> NO/UNKNOWN/PRESENT) as schema:accessibilityHazard ``values`` declare it:
    ``none`` and ``unknown`` speak for every kind, ``flashing``, ``noFlashingHazard``,
    ``unknownSoundHazard``, ... for one (values outside the vocabulary are left out)."""
    state = dict(state)
    for value in values:
        if value in ("none", "unknown"):
            state = dict.fromkeys(HAZARD_KINDS, NO if value == "none" else UNKNOWN)
            continue
        for kind in HAZARD_KINDS:
            name = kind[0].upper() + kind[1:]
            if value in (kind, f"no{name}Hazard", f"unknown{name}Hazard"):
                state[kind] = PRESENT if value == kind else NO if value.startswith("no") else UNKNOWN
                break
    return state


def hazards(book: Book, cover_animated: bool = False) -> list[str]:
    """The book's ``schema:accessibilityHazard`` values.

    A text whose images are still is ``none``; an animated image (a GIF, APNG or WebP of more than
    one frame) may flash or simulate motion, which no check here can judge: those hazards are
    ``unknown``. What the author declares (``accessibilityHazard`` in the front matter) wins, kind by
    kind. A volume takes, for each kind of hazard, the worst of its texts (and of its cover)."""
    def undeclared(animated: bool) -> dict[str, int]:
        return {"flashing": UNKNOWN, "motionSimulation": UNKNOWN, "sound": NO} if animated else dict.fromkeys(HAZARD_KINDS, NO)

    states = [hazard_values(t.metadata.hazards, undeclared(any(a.animated for a in t.assets))) for t in book.texts]
    states.append(undeclared(cover_animated))
    if book.metadata.hazards:  # a single text's front matter speaks for the whole book, its cover included
        states = [hazard_values(book.metadata.hazards, {k: max(s[k] for s in states) for k in HAZARD_KINDS})]
    worst = {kind: max(state[kind] for state in states) for kind in HAZARD_KINDS}
    if all(v == NO for v in worst.values()):
        return ["none"]
    if all(v == UNKNOWN for v in worst.values()):
        return ["unknown"]
    return [kind if state == PRESENT else f"{('no', 'unknown')[state]}{kind[0].upper()}{kind[1:]}Hazard"
            for kind, state in worst.items()]


def _images(text) -> list[m.Image]:
    """Every image of a text, in its sections' headings, blocks and notes."""
    found: list[m.Image] = []

    def inlines(items):
        for item in items:
            if isinstance(item, m.Image):
                found.append(item)
            elif isinstance(item, (m.Span, m.Link)):
                inlines(item.children)

    def blocks(items):
        for block in m.walk_blocks(items):
            for line in getattr(block, "lines", ()):  # verse
                inlines(line)
            inlines(getattr(block, "inlines", ()))
            if isinstance(block, m.Table):
                inlines(block.caption)

    for section in text.sections:
        inlines(section.heading or ())
        blocks(section.blocks)
        for note in section.notes:
            blocks(note.blocks)
    return found


def _rezip(data: bytes, dest, book: Book) -> None:
    """Copy EbookLib's zip with fixed timestamps and attributes, ``mimetype`` first and stored."""
    stamp = max(book.modified.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        entries = [(name, src.read(name)) for name in src.namelist()]
    _write_zip([(name, _finish_opf(content, book) if name.endswith(".opf") else content) for name, content in entries],
               stamp, dest)


def _write_zip(entries: list[tuple[str, bytes]], stamp: tuple, dest) -> None:
    """The zip of an EPUB, the same bytes for the same entries: ``mimetype`` first and stored, every
    entry dated ``stamp``, fixed attributes and compression."""
    with zipfile.ZipFile(dest, "w") as out:
        for name, content in sorted(entries, key=lambda entry: entry[0] != "mimetype"):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            out.writestr(info, content, compresslevel=9 if name != "mimetype" else None)


def _finish_opf(content: bytes, book: Book) -> bytes:
    """What EbookLib leaves out: the package language (Ace checks it)."""
    root = etree.fromstring(content, _PARSER)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", book.metadata.language)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
