"""Raw HTML -> allowed elements: the one allow-list sanitizer, and the one place it reports.

It works on one chunk at a time (a raw HTML block, or the inline content of one Markdown block),
so an unclosed or unknown element never reaches past its own chunk. A single parse (Python's
event-driven ``html.parser``, which has no depth limit and never re-nests what it reads) both
builds the kept elements under a given lxml parent and reports every removal at the line it was
written on:

- allowed tags keep their allowed attributes; ``on*=`` handlers, ``style=``, ``rel=attachment``
  and URLs with other schemes than http, https and mailto, in any attribute that holds a URL
  (:data:`URL_ATTRIBUTES`: ``href``, ``src``, ``cite``, ...) are removed and reported. The scheme is
  read as a browser reads it: entities decoded, whitespace and control characters taken out
  (``java&#x09;script:`` is ``javascript:``);
- elements whose content is code or form data (``<script>``, ``<style>``, ``<iframe>``,
  ``<textarea>``, ...) are removed with their content; if one is never closed, the rest of its
  chunk goes with it and the report says so;
- other unknown elements are removed and their text kept;
- elements nested deeper than MAX_ELEMENT_DEPTH are flattened, their text kept.

Every element built gets ``data-octavo-line`` (the file line it was written on), which the
later stages read and never write out.
"""
from __future__ import annotations

from html import unescape
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable

from lxml import etree

from .trees import append_text
from .expressions import lazy

LINE = "data-octavo-line"  # file line of an element; set here and by markup.py, never printed
REF = "data-octavo-ref"  # a note reference placeholder: index into the dialect's references
REF_OPEN, REF_CLOSE = "\ue000", "\ue001"
PLACEHOLDER = lazy(REF_OPEN + r"(\d+)" + REF_CLOSE)

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
    "a": {"href"},
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
# Removed with their content: it is code, styling, form data or a nested document, never text.
DROPPED_WITH_CONTENT = {
    "script", "style", "template", "noscript", "textarea", "title", "xmp", "plaintext", "iframe",
    "noembed", "noframes", "select", "svg", "math", "head", "frameset",
}
# Removed, text kept, reported as removed (not merely unsupported): they make a book interactive.
DANGEROUS_TAGS = {"form", "link", "meta", "base", "frame", "input", "button", "audio", "video", "source", "object", "embed", "applet",
                  "track", "canvas", "option", "optgroup", "label", "fieldset", "legend", "output", "dialog"}
# Tags that start a raw HTML block at the start of a Markdown block (Python-Markdown's list and
# the elements the sanitizer drops with their content): markup.py parses them so, and the dialect
# pre-pass knows not to touch their lines.
RAW_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main", "menu", "nav", "ol",
    "p", "pre", "section", "table", "ul", "canvas", "colgroup", "dd", "body", "dt", "html", "iframe", "li",
    "legend", "math", "map", "noscript", "output", "object", "option", "progress", "script", "style", "summary",
    "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "video", "center", "template", "noembed",
    "noframes", "select", "xmp", "plaintext", "title", "head", "svg", "caption", "frameset", "embed", "dialog",
}
URL_SCHEMES = {"http", "https", "mailto"}
# Attributes whose value is a URL a reading system may follow or fetch (the HTML standard's, current
# and obsolete): whichever of them the allow-list lets through has its scheme checked.
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "poster", "data", "longdesc", "background",
                  "srcset", "usemap", "ping", "manifest", "codebase", "classid", "archive", "profile", "icon",
                  "itemid", "itemtype", "xlink:href", "xml:base"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
             "param", "keygen"}
MAX_ELEMENT_DEPTH = 64  # deeper raw HTML is flattened: readers and validators choke on it
NOT_XML = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CODE_TAGS = {"code", "pre", "kbd", "samp"}  # a note marker written here stays as written


@dataclass
class Findings:
    """What the sanitizer removed in one text, by (code, message): the lines it happened on.

    Reported once per kind with every line, so a page of 40 removed ``style=`` attributes is one
    warning, not forty."""

    seen: dict[tuple[str, str], list[int | None]] = field(default_factory=dict)

    def add(self, code: str, message: str, line: int | None) -> None:
        self.seen.setdefault((code, message), []).append(line)

    def report(self, collector) -> None:
        for (code, message), lines in self.seen.items():
            known = sorted({n for n in lines if n is not None})
            if len(lines) > 1:
                others = [str(n) for n in known[1:6]]
                more = len(lines) - 1 - len(others)
                also = ", ".join(others) + (f" and {more} more" if more > 0 else "")
                message = f"{message} (also on line{'s' if len(lines) > 2 else ''} {also})" if also else message
            collector.warn(code, message, known[0] if known else None)
        self.seen.clear()


class Sanitizer(HTMLParser):
    """Feed one chunk of HTML; kept elements are appended under ``parent``.

    ``line_of(n)`` turns the chunk's n-th line (0-based) into a file line. ``nonce`` marks the note
    references Octavo itself wrote (``data-octavo-ref="NONCE:N"``); ``written(N)`` is the text of
    note reference N as the author wrote it, for places where a reference cannot be a link.
    """

    def __init__(self, parent: etree._Element, line_of: Callable[[int], int | None], findings: Findings,
                 nonce: str = "", written: Callable[[int], str] | None = None):
        super().__init__(convert_charrefs=True)
        self.line_of = line_of
        self.findings = findings
        self.nonce = nonce
        self.written = written or (lambda n: "")
        self.stack: list[etree._Element] = [parent]  # kept elements that are open
        self.open: list[tuple[str, bool]] = []  # every open tag, and whether it was kept
        self.dropping: list[str] = []  # the content-dropping element we are inside, nested same-name opens
        self.dropped_at: int | None = None
        self.flattened = False

    # -- helpers --

    def _line(self) -> int | None:
        return self.line_of(self.getpos()[0] - 1)

    def _report(self, code: str, message: str) -> None:
        self.findings.add(code, message, self._line())

    def _append_text(self, text: str) -> None:
        append_text(self.stack[-1], text)

    def _in_code(self) -> bool:
        return any(isinstance(el.tag, str) and el.tag in CODE_TAGS for el in self.stack[1:])

    # -- html.parser events --

    def handle_starttag(self, tag, attrs):
        if self.dropping:
            if tag == self.dropping[0] and tag not in VOID_TAGS:
                self.dropping.append(tag)
            return
        if tag in DROPPED_WITH_CONTENT:
            self._report("html.removed", f"removed <{tag}> element and its content (not allowed in a book)")
            if tag not in VOID_TAGS:
                self.dropping = [tag]
                self.dropped_at = self._line()
            return
        kept = tag in ALLOWED_TAGS and len(self.stack) <= MAX_ELEMENT_DEPTH
        if tag in DANGEROUS_TAGS:
            self._report("html.removed", f"removed <{tag}> element (not allowed in a book); its text is kept")
        elif tag not in ALLOWED_TAGS:
            self._report("html.unsupported", f"<{tag}> is not supported; its text is kept")
        elif not kept and not self.flattened:
            self.flattened = True
            self._report("html.depth", f"markup nested more than {MAX_ELEMENT_DEPTH} elements deep is flattened "
                         "(its text is kept)")
        if kept:
            el = etree.SubElement(self.stack[-1], tag)
            for name, value in self.allowed_attributes(tag, attrs):
                el.set(name, value)
            el.set(LINE, str(self._line() or ""))
            if tag not in VOID_TAGS:
                self.stack.append(el)
        if tag not in VOID_TAGS:
            self.open.append((tag, kept))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.dropping:
            if tag == self.dropping[0]:
                self.dropping.pop()
            return
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
        if self.dropping:
            return
        data = NOT_XML.sub("", data)
        if REF_OPEN not in data:
            self._append_text(data)
        elif self._in_code():
            self._append_text(PLACEHOLDER.sub(lambda m: self.written(int(m.group(1))), data))
        else:  # a note marker written inside raw HTML: still a reference
            last = 0
            for m in PLACEHOLDER.finditer(data):
                self._append_text(data[last:m.start()])
                ref = etree.SubElement(self.stack[-1], "a", {REF: m.group(1), LINE: str(self._line() or "")})
                ref.tail = None
                last = m.end()
            self._append_text(data[last:])

    def handle_comment(self, data):
        pass  # comments are not text

    def unknown_decl(self, data):
        if data.upper().startswith("CDATA[") and not self.dropping:
            self._append_text(NOT_XML.sub("", data[6:]))

    def parse_marked_section(self, i, report=1):
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:  # "<![i](p.png)": no marked section; Python's parser raises on it
            return -1  # left for close(), which gives it back as text up to its ">"

    def close(self):
        super().close()
        if self.dropping:
            tag = self.dropping[0]
            self.findings.add("html.unclosed", f"<{tag}> is never closed: the rest of its paragraph or HTML "
                              "block is left out with it", self.dropped_at)

    def allowed_attributes(self, tag: str, attrs) -> list[tuple[str, str]]:
        return allowed_attributes(tag, attrs, self._report, self.nonce, self.written)


def allowed_attributes(tag: str, attrs, warn: Callable[[str, str], None], nonce: str = "",
                       written: Callable[[int], str] | None = None) -> list[tuple[str, str]]:
    """The attributes kept on an allowed element; ``warn(code, message)`` hears every removal that
    matters. Also for the attributes Markdown itself writes (``{: ...}`` attribute lists)."""
    allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
    kept = []
    for name, value in attrs:
        name, value = name.lower(), NOT_XML.sub("", value or "")
        if name == REF and tag == "a" and nonce and value.startswith(nonce + ":"):
            kept.append((REF, value.split(":", 1)[1]))
            continue
        if name.startswith("on"):
            warn("html.removed", f"removed event handler {name}= (scripts are not allowed)")
        elif name == "rel" and "attachment" in value.lower().split():
            warn("html.removed", "removed rel=attachment (a book never embeds files)")
        elif name == "style":
            warn("html.style", "removed style= attribute (styles come from styles/)")
        elif name in URL_ATTRIBUTES and name in allowed and scheme(value) and scheme(value) not in URL_SCHEMES:
            warn("html.removed", f"removed {scheme(value)}: URL in {name}=")
        elif name in allowed:
            if REF_OPEN in value and written:  # a note marker inside an attribute cannot be a link
                value = PLACEHOLDER.sub(lambda m: written(int(m.group(1))), value)
            kept.append((name, value))
    return kept


def scheme(url: str) -> str | None:
    """The scheme a reader would see in ``url``, lower-cased, or None for a relative URL.

    Entities are decoded (again: ``&amp;#x09;`` counts as a tab) and every whitespace, control and
    invisible format character is taken out first: browsers drop tabs and newlines anywhere in a URL
    and controls and spaces around it, so ``java&#x09;script:`` runs as ``javascript:``."""
    url = "".join(c for c in unescape(unescape(url))
                  if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf"))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else None


def sanitize_into(parent: etree._Element, html: str, line_of: Callable[[int], int | None], findings: Findings,
                  nonce: str = "", written: Callable[[int], str] | None = None) -> None:
    """Parse one chunk of HTML into ``parent`` (appending after what it holds)."""
    sanitizer = Sanitizer(parent, line_of, findings, nonce, written)
    sanitizer.feed(html)
    sanitizer.close()
