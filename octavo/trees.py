"""Small lxml tree edits that keep every character of text in place.

lxml keeps the text that follows an element in that element's ``tail``, so removing or
unwrapping an element naively loses text; these helpers never do.
"""
from __future__ import annotations


from lxml import etree

from .expressions import lazy

BREAKABLE = lazy(r"[^\S\u00a0\u202f\u2007]+")  # whitespace a line may break at (not the no-break spaces)


def collapsed(text: str) -> str:
    """Runs of breakable whitespace as one space, ends trimmed; no-break spaces stay (French
    quotes' narrow ones, ``p.\u00a05``): they are the text's typography, not layout."""
    if "\u00a0" not in text and "\u202f" not in text and "\u2007" not in text:
        return " ".join(text.split())  # the common case, at C speed
    return BREAKABLE.sub(" ", text).strip(" ")


def inline_text(el: etree._Element) -> str:
    """The plain text of an element, whitespace collapsed (for TOC entries and bookmarks)."""
    return collapsed("".join(el.itertext()))


def append_text(el: etree._Element, text: str) -> None:
    """Add ``text`` at the end of ``el``'s content: after its last child, or to its text."""
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


def _text_before(el: etree._Element, text: str) -> None:
    """Add ``text`` just before ``el``: to its previous sibling's tail, or to its parent's text."""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent = el.getparent()
        parent.text = (parent.text or "") + text


def replace_with_text(el: etree._Element, text: str = "") -> None:
    """Replace an element (and its content) by ``text``; the text after it stays."""
    _text_before(el, text + (el.tail or ""))
    el.getparent().remove(el)


def unwrap(el: etree._Element, spaced: bool = False) -> None:
    """Replace an element by its text and children. ``spaced``: a space on each side keeps the
    words of a removed block apart from its neighbours'."""
    pad = " " if spaced else ""
    parent = el.getparent()
    _text_before(el, (el.text or "") + pad)
    index = parent.index(el)
    children = list(el)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    tail = pad + (el.tail or "")
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    else:
        _text_before(el, tail)
    parent.remove(el)
