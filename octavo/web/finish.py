"""The web pages' finishing, on lxml trees: what a page on the web needs that the shared templates
do not say.

In: the pages' XHTML as the templates made it. Out: HTML5 documents (bytes). On the way: the EPUB's
``epub:type`` attributes go (they mean nothing on the web), a link to an id on another page names
that page, tables scroll sideways in a box, each printed page's start is marked from the print
edition's page-list (``id="page-37"``, pagelist.py finds the letter), and the head gets its
Content-Security-Policy, description, Open Graph fields and schema.org data.
"""
from __future__ import annotations

import json
from urllib.parse import quote, urljoin

from lxml import etree

from .. import model as m
from ..pagelist import PageList, insert_before_letter
from .pages import WebPage

EPUB_NS = "http://www.idpf.org/2007/ops"
DROPPED = ("data-epub-type", "data-running")  # the EPUB's semantics, print's running heads
LIVE_SCRIPT = "/_octavo/live.js"  # --serve: the preview's reloader (served by the preview, not written)


def csp(search: bool) -> str:
    """What the pages may load: their own folder's files, nothing else; no inline script or style.
    Pagefind's search compiles WebAssembly and fetches its index."""
    script = "'self'" + (" 'wasm-unsafe-eval'" if search else "")
    images = "'self'" + (" data:" if search else "")  # Pagefind's style sheet draws its icons as data: URLs
    return (f"default-src 'none'; script-src {script}; style-src 'self'; img-src {images}; font-src 'self'; "
            f"connect-src 'self'; base-uri 'none'; form-action 'none'")


def parse(pages: list[WebPage]) -> dict[str, etree._Element]:
    """Each page's tree, without the EPUB's attributes."""
    parser = etree.XMLParser(remove_blank_text=False, resolve_entities=False, no_network=True)
    trees = {}
    for page in pages:
        root = etree.fromstring(page.markup.encode("utf-8"), parser)
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for name in list(el.attrib):
                if name.startswith(f"{{{EPUB_NS}}}") or name in DROPPED:
                    del el.attrib[name]
        etree.cleanup_namespaces(root)
        trees[page.name] = root
    return trees


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def raise_headings(root: etree._Element) -> None:
    """A page opens with its top heading as ``h1``: a chapter's ``h2`` (a text's in a volume) is its
    page's ``h1``, the headings under it move up with it, so a page's outline starts at the top."""
    main = root.find(".//main")
    found = [el for el in main.iter(*HEADINGS)]
    if not found:
        return
    shift = min(int(el.tag[1]) for el in found) - 1
    for el in found:
        el.tag = f"h{int(el.tag[1]) - shift}"


def unname_title_page(root: etree._Element) -> None:
    """The title page is not a landmark of its own on the web (its name would repeat the text's)."""
    for section in root.iter("section"):
        if section.get("id") == "titlepage":
            section.attrib.pop("aria-label", None)


def link_pages(trees: dict[str, etree._Element]) -> None:
    """``href="#x"`` where ``x`` is not on this page but on another -> ``that-page.html#x``."""
    ids = {name: {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
           for name, root in trees.items()}
    where: dict[str, str] = {}
    for name, found in ids.items():
        for id_ in found:
            where.setdefault(id_, name)
    for name, root in trees.items():
        for el in root.iter("a"):
            href = el.get("href") or ""
            if href.startswith("#") and href[1:] not in ids[name] and href[1:] in where:
                el.set("href", f"{where[href[1:]]}{href}")


def scroll_tables(root: etree._Element) -> None:
    """A table in a box that scrolls sideways and takes keyboard focus (as in the EPUB)."""
    for table in list(root.iter("table")):
        box = etree.Element("div", {"class": "table-wrap", "tabindex": "0"})
        box.tail, table.tail = table.tail, None
        table.addprevious(box)
        box.append(table)


PRINTED_CONTENTS = ("toc", "toc-title")  # templates/print: the contents page, also where the web page has none


def mark_pages(trees: dict[str, etree._Element], page_list: PageList | None, words: dict[str, str]) -> list[str]:
    """A mark where each printed page begins: an empty ``<span id="page-37">`` (the stylesheet shows
    "p. 37" in the margin), found as the EPUB finds it. Returns the labels left unmarked."""
    if page_list is None:
        return []
    elements = {el.get("id"): el for root in trees.values() for el in root.iter()
                if isinstance(el.tag, str) and el.get("id")}
    contents = {el.get("id") for root in trees.values() for nav in root.iter("nav") if nav.get("id") == "toc"
                for el in nav.iter() if el.get("id")}
    unmarked = list(page_list.unplaced)
    for anchor, page in page_list.pages:
        if anchor in contents or anchor in PRINTED_CONTENTS:
            continue  # the printed contents: the web's is its own navigation (or none), as in the EPUB
        wanted, n = f"page-{page.label}", 1
        marker_id = wanted
        while marker_id in elements:
            n += 1
            marker_id = f"{wanted}-{n}"
        marker = etree.Element("span", {"class": "page-mark", "id": marker_id, "role": "doc-pagebreak",
                                        "data-label": page.label, "title": words["page_mark"].format(n=page.label)})
        element = elements.get(anchor)
        if element is not None and insert_before_letter(element, page.offset, marker):
            elements[marker_id] = marker
        else:
            unmarked.append(page.label)
    return unmarked


def finish_head(root: etree._Element, book: m.Book, page: WebPage, search: bool, live: bool,
                cover_href: str | None, address: str | None = None) -> None:
    """The head's policy and metadata; the search's files where the index was built; the preview's
    script with ``live`` (Config.live, for --serve), and nothing else changes with it. ``address``
    is where the folder is published (--site-url): the page's canonical address and the cover's
    absolute one for og:image; without it neither (Open Graph wants absolute addresses)."""
    head = root.find("head")
    here = page_address(address, page.name)
    image = urljoin(address, cover_href) if address and cover_href else None
    meta = book.metadata
    description = meta.description or meta.meta_title or _first_words(book)
    source = meta.source_url or (page.texts[0].metadata.source_url if len(page.texts) == 1 else None)
    added = [("meta", {"http-equiv": "Content-Security-Policy", "content": csp(search)})]
    if description:
        added.append(("meta", {"name": "description", "content": description}))
    added += [("meta", {"property": "og:title", "content": page.title}),
              ("meta", {"property": "og:type", "content": "book" if page.kind == "index" else "article"}),
              ("meta", {"property": "og:site_name", "content": meta.title}),
              ("meta", {"property": "og:locale", "content": page.language.replace("-", "_")})]
    if description:
        added.append(("meta", {"property": "og:description", "content": description}))
    if here:
        added += [("meta", {"property": "og:url", "content": here}), ("link", {"rel": "canonical", "href": here})]
    if image:
        added.append(("meta", {"property": "og:image", "content": image}))
    if cover_href:  # the page's icon: the browser asks for /favicon.ico (outside the folder) unless told
        added.append(("link", {"rel": "icon", "href": cover_href}))
    if source:
        added.append(("link", {"rel": "alternate", "href": source, "title": meta.title}))
    if search:
        added += [("link", {"rel": "stylesheet", "href": "pagefind/pagefind-ui.css"}),
                  ("script", {"src": "pagefind/pagefind-ui.js", "defer": "defer"}),
                  ("script", {"src": "js/search.js", "defer": "defer"})]
    if live:
        added.append(("script", {"src": LIVE_SCRIPT, "defer": "defer"}))
    last = head.find("meta[@name='viewport']")
    for tag, attrs in added:
        el = etree.Element(tag, attrs)
        el.tail, last.tail = last.tail, "\n  "
        last.addnext(el)
        last = el
    data = etree.SubElement(head, "script", {"type": "application/ld+json"})
    data.text = json.dumps(schema_org(book, page, image, here, address), ensure_ascii=False, sort_keys=True,
                           indent=1).replace("<", "\\u003c")
    data.tail = "\n"
    head[-2].tail = "\n  " if len(head) > 1 else head[-2].tail
    if page.texts:  # the pages holding text are what the search indexes (not the contents or credits)
        root.find(".//main").set("data-pagefind-body", "")


def _first_words(book: m.Book, limit: int = 160) -> str | None:
    """A description from the book's first paragraph, when the front matter gives none."""
    for text in book.texts:
        for section in text.sections:
            for block in m.walk_blocks(section.blocks):
                if isinstance(block, m.Paragraph):
                    words = " ".join(m.plain_text(block.inlines).split())
                    if len(words) > 40:
                        return words if len(words) <= limit else words[:limit].rsplit(" ", 1)[0] + "\u2026"
    return None


def page_address(address: str | None, name: str) -> str | None:
    """A page's absolute address: the folder's for its index page, else the folder's + the page's name."""
    if not address:
        return None
    return address if name == "index.html" else urljoin(address, quote(name))


def schema_org(book: m.Book, page: WebPage, image: str | None, here: str | None = None,
               address: str | None = None) -> dict:
    """schema.org data: the book (its name, authors, language, date, publisher, source, parts, and
    with a known address its ``url`` and cover); a chapter page says it is part of the book."""
    meta = book.metadata
    people = lambda names: [{"@type": "Person", "name": n} for n in names]  # noqa: E731
    about: dict = {"@type": "Book", "name": meta.title, "inLanguage": meta.language}
    for key, value in (("author", people(meta.authors)), ("translator", people(meta.translators)),
                       ("editor", people(meta.editors)), ("datePublished", meta.date),
                       ("publisher", meta.publisher and {"@type": "Organization", "name": meta.publisher}),
                       ("isBasedOn", meta.source_url), ("description", meta.description),
                       ("keywords", ", ".join(meta.tags) if meta.tags else None), ("image", image), ("url", address),
                       ("identifier", meta.identifier), ("copyrightNotice", meta.rights)):
        if value:
            about[key] = value
    if book.is_volume:
        about["hasPart"] = [{"@type": "CreativeWork", "name": t.metadata.title, "inLanguage": t.metadata.language,
                             **({"author": people(t.metadata.authors)} if t.metadata.authors else {}),
                             **({"isBasedOn": t.metadata.source_url} if t.metadata.source_url else {})}
                            for t in book.texts]
    if page.kind == "index":
        return {"@context": "https://schema.org", **about}
    kind = "Chapter" if page.kind == "section" else "CreativeWork"
    return {"@context": "https://schema.org", "@type": kind, "name": page.title, "inLanguage": page.language,
            **({"url": here} if here else {}), "isPartOf": about}


def serialize(root: etree._Element) -> bytes:
    """An HTML5 document: the doctype, then the tree in HTML syntax."""
    return b"<!DOCTYPE html>\n" + etree.tostring(root, method="html", encoding="utf-8") + b"\n"
