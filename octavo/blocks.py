"""The resolved lxml tree -> frozen model blocks and inlines (octavo/model.py).

In: elements resolve.py has finished with (ids unique in the book, note references carrying
``data-octavo-note``/``data-octavo-number``, every element its source line in ``data-octavo-line``).
Out: model blocks, each with its id and Location; lists, tables, figures, code, verse lines and
callouts as the model's own types, inline spans by kind. Nothing here decides structure.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from . import model as m
from .callouts import BOX, BOX_TITLE
from .diagnostics import Location
from .markup import line
from .span_elements import SPAN_ELEMENTS
from .titles import HEADINGS, NOTE, NUMBER
from .expressions import lazy

if TYPE_CHECKING:
    from .resolve import _Ids


SPAN_KINDS = {tag: kind for kind, tag in SPAN_ELEMENTS.items() if kind != "missing-image"}
SPAN_KINDS["a"] = "span"  # an anchor without a link: a place to link to
DIVISIONS = {"div": "division", "section": "section", "article": "article", "aside": "aside", "header": "header",
             "footer": "footer", "address": "address", "dl": "definitions", "dt": "term", "dd": "definition",
             "figcaption": "division", "caption": "division"}
BLOCK_ELEMENTS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "table", "figure", "hr",
                  "pre", BOX, *DIVISIONS}
KEPT_ATTRS = ("class", "lang", "dir", "title", "cite", "datetime", "type", "reversed", "scope")
LIST_LABEL = lazy(r"^\s*(\(?([a-z]|[ivx]{1,5}|\d{1,3})[).])\s", re.IGNORECASE)


class ModelBuilder:
    """lxml elements -> frozen model blocks and inlines; every block gets an id and its line."""

    def __init__(self, ids: "_Ids", path: Path):
        self.ids = ids
        self.path = path
        self.counters: dict[str, int] = {}

    def _id(self, el, kind: str) -> str:
        if el is not None and el.get("id"):
            return el.get("id")
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.ids.new(f"{kind}{self.counters[kind]}")

    def _where(self, el) -> Location:
        return Location(self.path, line(el))

    def blocks(self, container) -> tuple[m.Block, ...]:
        """The blocks inside a container element (text and inline elements in it become Plain)."""
        if container is None:
            return ()
        return self._mixed(container.text, list(container), container)

    def blocks_of(self, elements: list) -> tuple[m.Block, ...]:
        return self._mixed(None, elements, elements[0].getparent() if elements else None)

    def _mixed(self, text: str | None, children: list, container) -> tuple[m.Block, ...]:
        out: list[m.Block] = []
        run_text, run = text, []
        run_at = container

        def flush():
            inlines = self._inline_run(run_text, run)
            if _has_words(inlines):  # not only the line breaks between blocks
                out.append(m.Plain(self._id(None, "b"), self._where(run[0] if run else run_at), inlines))

        for child in children:
            if not isinstance(child.tag, str):
                continue
            if child.tag in BLOCK_ELEMENTS:
                flush()
                out.append(self.block(child))
                run_text, run, run_at = child.tail, [], child
            else:
                run.append(child)
        flush()
        return tuple(out)

    def block(self, el) -> m.Block:
        tag, where = el.tag, self._where(el)
        attrs = _attrs(el)
        if tag == "p":
            if "verse" in (el.get("class") or "").split():
                return m.Verse(self._id(el, "v"), where, _verse_lines(self.inlines(el)),
                               _without_class(attrs, "verse"))
            return m.Paragraph(self._id(el, "p"), where, self.inlines(el), attrs)
        if tag in HEADINGS:
            return m.Heading(self._id(el, "h"), where, int(tag[1]), self.inlines(el), el.get("data-octavo-toc") is not None,
                             attrs)
        if tag in ("ul", "ol"):
            items = tuple(self._item(li) for li in el if li.tag == "li")
            labelled = tag == "ul" and bool(items) and all(LIST_LABEL.match(_leading_text(li)) for li in el
                                                          if li.tag == "li")
            start = el.get("start")
            return m.ListBlock(self._id(el, "l"), where, items, tag == "ol",
                               int(start) if start and start.strip().lstrip("-").isdigit() else None, labelled, attrs)
        if tag == "li":
            return m.Division(self._id(el, "d"), where, "division", self.blocks(el), attrs)
        if tag == "blockquote":
            return m.Quotation(self._id(el, "q"), where, self.blocks(el), attrs)
        if tag == "table":
            return self._table(el, where, attrs)
        if tag == "figure":
            captions = [c for c in el if c.tag == "figcaption"]
            for c in captions:
                el.remove(c)  # handled below; they may only come first or last
            caption = tuple(b for c in captions for b in self.blocks(c))
            return m.Figure(self._id(el, "f"), where, self.blocks(el), caption, attrs)
        if tag == "hr":
            return m.Rule(self._id(el, "r"), where)
        if tag == "pre":
            return _code_block(self._id(el, "c"), where, "".join(el.itertext()), el.get("data-language"))
        if tag == BOX:
            title = el.find(BOX_TITLE) if len(el) and el[0].tag == BOX_TITLE else None
            if title is not None:
                el.remove(title)
            return m.Callout(self._id(el, "box"), where, el.get("kind"), self.inlines(title) if title is not None
                             else (), self.blocks(el), attrs=attrs)
        return m.Division(self._id(el, "d"), where, DIVISIONS[tag], self.blocks(el), attrs)

    def _item(self, li) -> m.ListItem:
        value = li.get("value")
        return m.ListItem(self._id(li, "i"), self._where(li), self.blocks(li),
                          int(value) if value and value.strip().lstrip("-").isdigit() else None, _attrs(li))

    def _table(self, el, where, attrs) -> m.Table:
        rows = []
        caption: tuple[m.Inline, ...] = ()
        for part in el:
            if part.tag == "caption":
                caption = self.inlines(part)
            elif part.tag == "tr":
                rows.append(self._row(part, "body"))
            elif part.tag in ("thead", "tbody", "tfoot"):
                rows += [self._row(tr, part.tag[1:]) for tr in part if tr.tag == "tr"]
        return m.Table(self._id(el, "t"), where, tuple(rows), caption, attrs)

    def _row(self, tr, group: str) -> m.Row:
        cells = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            cells.append(m.Cell(self.blocks(cell), cell.tag == "th", _span(cell.get("colspan")),
                                _span(cell.get("rowspan")), cell.get("data-align"), _attrs(cell)))
        return m.Row(tuple(cells), group, self._where(tr))

    def inlines(self, el) -> tuple[m.Inline, ...]:
        return self._inline_run(el.text, list(el))

    def _inline_run(self, text: str | None, children: list) -> tuple[m.Inline, ...]:
        out: list[m.Inline] = []
        if text:
            out.append(m.Run(text))
        for child in children:
            if isinstance(child.tag, str):
                item = self.inline(child)
                if item is not None:
                    out.append(item)
            if child.tail:
                out.append(m.Run(child.tail))
        return _merge_text(out)

    def inline(self, el) -> m.Inline | None:
        tag = el.tag
        if tag == "a" and el.get(NOTE) is not None:
            return m.NoteRef(el.get("id"), el.get(NOTE), int(el.get(NUMBER)))
        if tag == "a" and el.get("href"):
            href = el.get("href")
            internal = href.startswith("#")
            return m.Link(self.inlines(el), href[1:] if internal else None, None if internal else href, el.get("id"),
                          _attrs(el))
        if tag == "img":
            return m.Image(el.get("src"), el.get("alt") or "", _pixels(el.get("width")), _pixels(el.get("height")),
                           el.get("id"), _attrs(el))
        if tag == "br":
            return m.LineBreak()
        if tag == "wbr":
            return m.WordBreak()
        if tag == "span" and "image-alt" in (el.get("class") or "").split():
            return m.Span("missing-image", self.inlines(el), el.get("id"), _without_class(_attrs(el), "image-alt"))
        if tag in SPAN_KINDS:
            return m.Span(SPAN_KINDS[tag], self.inlines(el), el.get("id"), _attrs(el))
        # a block element left inside text by raw HTML (repairs make this rare): keep its words
        return m.Span("span", self.inlines(el), el.get("id"), ())


OUTPUT_LANGUAGES = {"output", "error", "warning", "console-output", "text-output"}
SHELL_LANGUAGES = {"bash", "sh", "shell", "console", "zsh", "shell-session", "sh-session"}


def _code_block(id_: str, where: Location, text: str, language: str | None) -> m.CodeBlock:
    """A code block and what it shows: a command typed at a prompt, what a program printed, or code.
    A block named ``output`` (or ``error``) is output; one named ``bash`` (or a shell), or naming no
    language and opening with a ``$ `` prompt, is a command."""
    if language in OUTPUT_LANGUAGES:
        return m.CodeBlock(id_, where, text, None, "output")
    prompt = text.lstrip("\n").startswith("$ ")  # its first line, as typed at a shell's prompt
    if language in SHELL_LANGUAGES or (language is None and prompt):
        return m.CodeBlock(id_, where, text, language or "bash", "command")
    return m.CodeBlock(id_, where, text, language, "code")


def _attrs(el) -> m.Attrs:
    return tuple((name, el.get(name)) for name in KEPT_ATTRS if el.get(name) is not None)


def _without_class(attrs: m.Attrs, name: str) -> m.Attrs:
    out = []
    for key, value in attrs:
        if key == "class":
            value = " ".join(c for c in value.split() if c != name)
            if not value:
                continue
        out.append((key, value))
    return tuple(out)


def _span(value: str | None) -> int:
    return int(value) if value and value.strip().isdigit() and 0 < int(value) < 1000 else 1


def _pixels(value: str | None) -> int | None:
    return int(value) if value and re.fullmatch(r"\s*\d{1,5}\s*", value) else None


def _merge_text(items: list[m.Inline]) -> tuple[m.Inline, ...]:
    out: list[m.Inline] = []
    for item in items:
        if isinstance(item, m.Run) and out and isinstance(out[-1], m.Run):
            out[-1] = m.Run(out[-1].text + item.text)
        else:
            out.append(item)
    return tuple(i for i in out if not (isinstance(i, m.Run) and not i.text))


def _has_words(inlines: tuple[m.Inline, ...]) -> bool:
    return any(not isinstance(i, m.Run) or i.text.strip() for i in inlines)


def _verse_lines(inlines: tuple[m.Inline, ...]) -> tuple[tuple[m.Inline, ...], ...]:
    lines: list[list[m.Inline]] = [[]]
    for item in inlines:
        if isinstance(item, m.LineBreak):
            lines.append([])
        else:
            lines[-1].append(item)
    out = []
    for items in lines:
        if items and isinstance(items[0], m.Run):
            items[0] = m.Run(items[0].text.lstrip("\n"))
        if items and isinstance(items[-1], m.Run):
            items[-1] = m.Run(items[-1].text.rstrip("\n"))
        out.append(_merge_text(items))
    while out and not out[-1]:
        out.pop()
    return tuple(out)


def _leading_text(li) -> str:
    """The text an item starts with, looking into a first <p> (loose lists)."""
    if (li.text or "").strip() or not len(li):
        return (li.text or "") + " "
    first = li[0]
    return ((first.text or "") + " ") if first.tag == "p" else ""
