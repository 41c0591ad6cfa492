"""Markdown -> sanitized, namespace-free XHTML element trees.

The only module that knows Python-Markdown and the HTML sanitizer. A fresh converter is made
for every text (Python-Markdown instances carry state). Raw HTML from the source passes an
allow-list (nh3, the Ammonia binding); what it removes is reported. Note placeholders from
dialect.py become ``<a data-octavo-ref="N">`` elements for assemble.py to number and link.
"""
from __future__ import annotations

import re
import secrets
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import markdown
import nh3
from lxml import etree, html as lxml_html
from markdown.inlinepatterns import InlineProcessor

from .dialect import REF_CLOSE, REF_OPEN
from .diagnostics import Collector
from .trees import replace_with_text, unwrap

# Quotes per language: (left double, right double, left single). The right single quote is
# also the apostrophe, so it stays ’ everywhere.
QUOTES = {
    "en": ("\u201c", "\u201d", "\u2018"),
    "de": ("\u201e", "\u201c", "\u201a"),
    "fr": ("\u00ab\u202f", "\u202f\u00bb", "\u2018"),
    "ru": ("\u00ab", "\u00bb", "\u201e"),
    "uk": ("\u00ab", "\u00bb", "\u201e"),
    "zh": ("\u201c", "\u201d", "\u2018"),
}

ALLOWED_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q",
    "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul", "var", "wbr", "section", "article", "aside",
    "header", "footer", "time", "address",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "data-octavo-ref"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "time": {"datetime"},
    "col": {"span"},
    "colgroup": {"span"},
}
DANGEROUS_TAGS = {
    "script", "style", "iframe", "object", "embed", "form", "link", "meta", "base", "frame",
    "frameset", "applet", "input", "button", "textarea", "select", "svg", "math", "audio",
    "video", "source", "track", "canvas", "template", "noscript",
}
URL_SCHEMES = {"http", "https", "mailto"}
_HTML_PARSER = etree.HTMLParser(huge_tree=True, recover=True, remove_comments=True, no_network=True)
MAX_ELEMENT_DEPTH = 64  # deeper raw HTML is flattened: readers and validators choke on it
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _NoteRefPattern(InlineProcessor):
    """``\\ue000N\\ue001`` -> ``<a data-octavo-ref="nonce:N"/>``."""

    def __init__(self, nonce: str):
        super().__init__(re.escape(REF_OPEN) + r"(\d+)" + re.escape(REF_CLOSE))
        self.nonce = nonce

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        el = ET.Element("a")
        el.set("data-octavo-ref", f"{self.nonce}:{m.group(1)}")
        return el, m.start(0), m.end(0)


NEEDS_PARENT = {"li": ("ul", "ol"), "dt": ("dl",), "dd": ("dl",), "figcaption": ("figure",)}


def _repair_orphans(tree: etree._Element) -> None:
    """What _repair_content_model leaves: text straight inside a list joins an item, and list
    items, terms and captions outside their container become plain blocks (their text stays)."""
    for lst in list(tree.iter("ul", "ol")):
        if lst.text and lst.text.strip():
            item = etree.Element("li")
            item.text, lst.text = lst.text, None
            lst.insert(0, item)
        for child in lst:
            if child.tag == "li" and child.tail and child.tail.strip():
                _append_text(child, child.tail)
                child.tail = None
    for el in list(tree.iter(*NEEDS_PARENT)):
        parent = el.getparent()
        if parent is not None and parent.tag not in NEEDS_PARENT[el.tag]:
            el.tag = "div"


def _append_text(el: etree._Element, text: str) -> None:
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


class _TreeBuilder(HTMLParser):
    """Sanitized HTML -> a namespace-free lxml tree under a ``<div>``.

    Python's event parser has no depth limit (libxml2's HTML parser silently drops text below
    about 2,000 levels); elements deeper than MAX_ELEMENT_DEPTH are unwrapped, their text kept.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = etree.Element("div")
        self.stack = [self.root]  # the kept elements that are open
        self.open: list[tuple[str, bool]] = []  # every open tag, and whether it was kept
        self.flattened = False

    def handle_starttag(self, tag, attrs):
        kept = len(self.stack) <= MAX_ELEMENT_DEPTH
        self.flattened |= not kept
        if kept:
            el = etree.SubElement(self.stack[-1], tag)
            for name, value in attrs:
                try:
                    el.set(name, _NOT_XML.sub("", value or ""))
                except ValueError:  # not an XML attribute name; the sanitizer allows none such
                    pass
            if tag not in VOID_TAGS:
                self.stack.append(el)
        if tag not in VOID_TAGS:
            self.open.append((tag, kept))

    def handle_startendtag(self, tag, attrs):
        if tag in VOID_TAGS:
            self.handle_starttag(tag, attrs)
        else:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                break
        else:
            return  # a stray end tag: nothing to close
        while len(self.open) > index:
            _, kept = self.open.pop()
            if kept:
                self.stack.pop()

    def handle_data(self, data):
        data = _NOT_XML.sub("", data)
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


class Converter:
    """Markdown -> element trees for one text."""

    def __init__(self, language: str, report: Collector, source_text: str, images=None):
        self.report = report
        self.images = images  # assets.Images: decides what each <img> may show
        self.source_lines = source_text.split("\n")
        self.nonce = secrets.token_hex(8)  # refs made by us, not by raw HTML in the source
        left, right, left_single = QUOTES.get(language.split("-")[0].lower(), QUOTES["en"])
        self.quotes = (left, right, left_single)
        self.md = markdown.Markdown(
            extensions=["tables", "fenced_code", "sane_lists", "attr_list", "smarty"],
            extension_configs={
                "smarty": {
                    "smart_angled_quotes": False,
                    "substitutions": {
                        "left-double-quote": left, "right-double-quote": right,
                        "left-single-quote": left_single, "right-single-quote": "\u2019",
                        "ndash": "\u2014", "mdash": "\u2014", "ellipsis": "\u2026",
                    },
                }
            },
            output_format="xhtml",
        )
        # after `code` and raw inline HTML (90): a marker written inside either stays text there
        self.md.inlinePatterns.register(_NoteRefPattern(self.nonce), "octavo-noteref", 85)
        self._reported: set[str] = set()

    def convert(self, text: str) -> etree._Element:
        """Markdown -> a ``<div>`` whose children are the block elements."""
        self.md.reset()
        try:
            raw_html = self.md.convert(text)
        except RecursionError:  # nesting dialect.cap_nesting cannot see, e.g. deeply nested emphasis
            self.report.error("markup.depth", "the text is nested too deeply to typeset; "
                              "simplify the nesting of quotes, lists or emphasis")
            return etree.Element("div")
        self._report_removals(raw_html)
        clean = nh3.clean(
            raw_html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            clean_content_tags={"script", "style", "template", "noscript"},
            link_rel=None,
            strip_comments=True,
        )
        builder = _TreeBuilder()
        builder.feed(clean or "")
        builder.close()
        tree = builder.root
        if builder.flattened:
            self.report.warn("html.depth", f"markup nested more than {MAX_ELEMENT_DEPTH} elements deep is flattened "
                             "(its text is kept)", self.find_line("<"))
        if self.images is not None:
            self.images.rewrite(tree, self.find_line)
        for a in tree.iter("a"):
            ref = a.get("data-octavo-ref")
            if ref is not None and not ref.startswith(self.nonce + ":"):
                del a.attrib["data-octavo-ref"]  # forged in raw HTML
            elif ref is not None:
                a.set("data-octavo-ref", ref.split(":", 1)[1])
        _repair_content_model(tree)
        _repair_orphans(tree)
        _mark_lettered_lists(tree)
        _close_quotes_after_inline(tree, *self.quotes)
        return tree

    def _report_removals(self, raw_html: str) -> None:
        """Say what the sanitizer is about to remove, with the source line where we can find it."""
        if "<" not in raw_html:
            return
        try:
            root = lxml_html.fragment_fromstring(raw_html, create_parent="div", parser=_HTML_PARSER)
        except etree.ParserError:
            return
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            tag = el.tag.lower()
            if tag in DANGEROUS_TAGS:
                self._warn_once("html.removed", f"<{tag}>", f"removed <{tag}> element (not allowed in a book)")
            elif tag not in ALLOWED_TAGS and tag != "div":
                self._warn_once("html.unsupported", f"<{tag}", f"<{tag}> is not supported; its text is kept")
            for name, value in el.attrib.items():
                name = name.lower()
                if name.startswith("on"):
                    self._warn_once("html.removed", f"{name}=", f"removed event handler {name}= (scripts are not allowed)")
                elif name == "rel" and "attachment" in value.lower().split():
                    self._warn_once("html.removed", "attachment", "removed rel=attachment (a book never embeds files)")
                elif name == "style":
                    self._warn_once("html.style", "style=", "removed style= attribute (styles come from styles/)")
                elif name in ("href", "src") and _scheme(value) and _scheme(value) not in URL_SCHEMES:
                    scheme = _scheme(value)
                    self._warn_once("html.removed", f"{scheme}:", f"removed {scheme}: URL in {name}=")

    def _warn_once(self, code: str, needle: str, message: str) -> None:
        if (code, message) in self._reported:
            return
        self._reported.add((code, message))
        self.report.warn(code, message, self.find_line(needle))

    def find_line(self, needle: str) -> int | None:
        needle = needle.lower()
        for number, line in enumerate(self.source_lines, 1):
            if needle in line.lower():
                return number
        return None


PHRASING_ONLY = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "span", "em", "strong", "b", "i", "u", "s", "sup", "sub",
                 "small", "code", "cite", "q", "abbr", "mark", "dfn", "kbd", "samp", "var", "bdi", "bdo", "time",
                 "ruby", "rt", "rp", "pre", "caption", "dt"}
STRUCTURE = {"p", "div", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col", "ul",
             "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
             "article", "aside", "header", "footer", "figure", "figcaption", "address"}


def _repair_content_model(tree: etree._Element) -> None:
    """Raw HTML can put blocks where only text may go (``<sup><p>``, a table inside a link inside a
    paragraph). XHTML forbids it: such a block gives up its element and keeps its content in place."""
    for el in list(tree.iter("a")):
        outer = next((a for a in el.iterancestors("a")), None)
        if outer is not None:  # a link inside a link: a note reference wins, else the outer link
            unwrap(outer if el.get("data-octavo-ref") is not None else el, spaced=True)
    for lst in list(tree.iter("ul", "ol")):  # only items in a list (the HTML parser may leave others)
        for child in list(lst):
            if not isinstance(child.tag, str) or child.tag == "li":
                continue
            item = child.getprevious()
            while item is not None and item.tag != "li":
                item = item.getprevious()
            if item is None:
                item = etree.Element("li")
                lst.insert(lst.index(child), item)
            item.append(child)
    for a in list(tree.iter("a")):  # a link wrapped around blocks: the blocks stay, the link goes
        blocks = [b for b in a.iter() if b is not a and isinstance(b.tag, str) and b.tag in STRUCTURE]
        if blocks and a.getparent() is not None:
            if a.get("id") is not None and blocks[0].get("id") is None:
                blocks[0].set("id", a.get("id"))
            unwrap(a, spaced=True)
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.tag not in STRUCTURE or el.getparent() is None:
            continue
        if any(a.tag in PHRASING_ONLY for a in el.iterancestors() if a is not tree):
            if el.tag in ("hr", "col", "colgroup"):
                replace_with_text(el)
            else:
                unwrap(el, spaced=True)


QUOTE_CLOSERS = set(" \t\n.,;:!?)]\u2014\u2026\u00a0\u202f")


def _close_quotes_after_inline(tree: etree._Element, left: str, right: str, left_single: str) -> None:
    """Smarty opens a quote that comes straight after a link or image at the end of a paragraph
    (``"[text](url)"``): a quote right after an inline element, followed by nothing or by space or
    punctuation, closes."""
    for el in tree.iter():
        tail = el.tail
        if not tail or not isinstance(el.tag, str) or el.tag in BLOCK_TAGS:
            continue
        for opening, closing in ((left, right), (left_single, "\u2019")):
            rest = tail[len(opening):]
            if tail.startswith(opening) and (not rest or rest[0] in QUOTE_CLOSERS):
                el.tail = closing + rest
                break


BLOCK_TAGS = {"p", "div", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th", "pre",
              "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dl", "dt", "dd", "figure", "section"}
LIST_LABEL = re.compile(r"^\s*(\(?([a-z]|[ivx]{1,5}|\d{1,3})[).])\s", re.IGNORECASE)


def _mark_lettered_lists(tree: etree._Element) -> None:
    """A bullet list whose every item starts with its own label (``a)``, ``(b)``, ``1.``) is lettered:
    the class ``lettered`` drops the bullet (styles/common.css) so the label is shown once."""
    for ul in tree.iter("ul"):
        items = [li for li in ul if li.tag == "li"]
        if items and all(LIST_LABEL.match(_leading_text(li)) for li in items):
            ul.set("class", " ".join(filter(None, [ul.get("class"), "lettered"])))


def _leading_text(li: etree._Element) -> str:
    """The text an item starts with, looking into a first <p> (loose lists)."""
    if (li.text or "").strip() or not len(li):
        return (li.text or "") + " "
    first = li[0]
    return ((first.text or "") + " ") if first.tag == "p" else ""


def _scheme(url: str) -> str | None:
    match = re.match(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else None


def inline_text(el: etree._Element) -> str:
    """The plain text of an element, whitespace collapsed (for TOC entries and bookmarks)."""
    return " ".join("".join(el.itertext()).split())
