"""XHTML repair: what raw HTML and Markdown leave that XHTML forbids, mended without losing a word.

Takes the lxml block tree the parser made (one ``<div>`` per text or note) and edits it in place:
blocks written where only phrasing content may go give up their element and keep their content;
rows, cells and captions go only where a table allows them; list items, terms and captions outside
their container become plain blocks. Decides nothing about typography (that is ``quotes.py``).
"""
from __future__ import annotations

from lxml import etree

from .sanitize import LINE, REF
from .trees import append_text, replace_with_text, unwrap

NEEDS_PARENT = {"li": ("ul", "ol"), "dt": ("dl",), "dd": ("dl",), "figcaption": ("figure",)}
PHRASING_ONLY = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "span", "em", "strong", "b", "i", "u", "s", "sup", "sub",
                 "small", "code", "cite", "q", "abbr", "mark", "dfn", "kbd", "samp", "var", "bdi", "bdo", "time",
                 "ruby", "rt", "rp", "pre", "caption", "dt", "a"}
STRUCTURE = {"p", "div", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col", "ul",
             "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
             "article", "aside", "header", "footer", "figure", "figcaption", "address"}
BLOCK_TAGS = {"p", "div", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th", "pre",
              "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dl", "dt", "dd", "figure", "section"}
TABLE_PARTS = {"table": {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"}, "thead": {"tr"}, "tbody": {"tr"},
               "tfoot": {"tr"}, "tr": {"td", "th"}, "colgroup": {"col"}}



def repair(tree: etree._Element) -> None:
    """Make the tree valid XHTML without losing a word."""
    _repair_content_model(tree)
    _repair_tables(tree)
    _repair_orphans(tree)


def _repair_content_model(tree: etree._Element) -> None:
    """Raw HTML can put blocks where only text may go (``<sup><p>``, a table inside a link inside a
    paragraph). XHTML forbids it: such a block gives up its element and keeps its content in place."""
    for el in list(tree.iter("a")):
        outer = next((a for a in el.iterancestors("a")), None)
        if outer is not None:  # a link inside a link: a note reference wins, else the outer link
            unwrap(outer if el.get(REF) is not None else el, spaced=True)
    for lst in list(tree.iter("ul", "ol")):  # only items in a list (the HTML parser may leave others)
        for child in list(lst):
            if not isinstance(child.tag, str) or child.tag == "li":
                continue
            item = child.getprevious()
            while item is not None and item.tag != "li":
                item = item.getprevious()
            if item is None:
                item = etree.Element("li", {LINE: child.get(LINE, "")})
                lst.insert(lst.index(child), item)
            item.append(child)
    for p in list(tree.iter("p")):  # as HTML parsing does: a block closes the paragraph it starts in
        _split_paragraph(p)
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.tag not in STRUCTURE or el.getparent() is None:
            continue
        if any(a.tag in PHRASING_ONLY for a in el.iterancestors() if a is not tree):
            if el.tag in ("hr", "col", "colgroup"):
                replace_with_text(el)
            else:
                unwrap(el, spaced=True)


def _split_paragraph(p: etree._Element) -> None:
    """``<p>a<table/>b</p>`` -> ``<p>a</p><table/><p>b</p>``: blocks written straight inside a
    paragraph (raw HTML on the lines of a Markdown paragraph) leave it; empty pieces go."""
    blocks = [c for c in p if isinstance(c.tag, str) and c.tag in STRUCTURE and c.tag not in ("caption", "col")]
    if not blocks or p.getparent() is None:
        return
    parent, after = p.getparent(), p.tail
    p.tail = None
    pieces, current = [p], p
    for child in list(p):
        if child in blocks:
            current = etree.Element("p", {LINE: child.get(LINE, p.get(LINE, ""))})
            current.text, child.tail = child.tail, None
            pieces += [child, current]
        elif current is not p:
            current.append(child)
    at = parent.index(p)
    for offset, piece in enumerate(pieces[1:], 1):
        parent.insert(at + offset, piece)
    kept = [x for x in pieces if x.tag != "p" or len(x) or (x.text or "").strip()]
    for piece in pieces:
        if piece not in kept:
            parent.remove(piece)
    kept[-1].tail = after  # the blocks themselves are always kept


def _repair_tables(tree: etree._Element) -> None:
    """Rows, cells and captions only where a table allows them; text straight in a table or row
    goes into a cell, so nothing is lost and the EPUB stays valid."""
    for table in list(tree.iter("table")):
        for part in [table] + [p for p in table if p.tag in ("thead", "tbody", "tfoot")]:
            for child in list(part):
                allowed = TABLE_PARTS[part.tag]
                if child.tag in allowed:
                    continue
                row = etree.Element("tr", {LINE: child.get(LINE, "")})
                cell = etree.SubElement(row, "td", {LINE: child.get(LINE, "")})
                part.replace(child, row)
                if child.tag in ("td", "th"):
                    row.replace(cell, child)
                else:
                    cell.append(child)
                    tail, child.tail = child.tail, None
                    row.tail = tail
            if part.text and part.text.strip():
                part.insert(0, _row_of(part.text))
            part.text = None
            for child in part:
                if child.tail and child.tail.strip():
                    child.addnext(_row_of(child.tail))
                child.tail = None
        for tr in table.iter("tr"):
            for child in list(tr):
                if child.tag not in ("td", "th"):
                    cell = etree.Element("td", {LINE: child.get(LINE, "")})
                    tr.replace(child, cell)
                    cell.append(child)
                    cell.tail, child.tail = child.tail, None
            if tr.text and tr.text.strip():
                cell = etree.Element("td")
                cell.text = tr.text
                tr.insert(0, cell)
            tr.text = None
            for cell in tr:
                if cell.tail and cell.tail.strip():  # text between cells joins the cell before it
                    append_text(cell, cell.tail)
                cell.tail = None
        for caption in [c for c in table if c.tag == "caption"][1:]:
            unwrap(caption, spaced=True)


def _row_of(text: str) -> etree._Element:
    row = etree.Element("tr")
    etree.SubElement(row, "td").text = text
    return row


def _repair_orphans(tree: etree._Element) -> None:
    """Text straight inside a list joins an item, and list items, terms and captions outside their
    container become plain blocks (their text stays)."""
    for lst in list(tree.iter("ul", "ol")):
        if lst.text and lst.text.strip():
            item = etree.Element("li", {LINE: lst.get(LINE, "")})
            item.text, lst.text = lst.text, None
            lst.insert(0, item)
        for child in lst:
            if child.tag == "li" and child.tail and child.tail.strip():
                append_text(child, child.tail)
                child.tail = None
    for el in list(tree.iter(*NEEDS_PARENT)):
        parent = el.getparent()
        if parent is not None and parent.tag not in NEEDS_PARENT[el.tag]:
            el.tag = "div"

