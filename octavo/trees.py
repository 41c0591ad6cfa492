"""Small lxml tree edits that keep every character of text in place.

lxml keeps the text that follows an element in that element's ``tail``, so removing or
unwrapping an element naively loses text; these helpers never do.
"""
from __future__ import annotations

from lxml import etree


def replace_with_text(el: etree._Element, text: str = "") -> None:
    """Replace an element (and its content) by ``text``; the text after it stays."""
    parent, prev = el.getparent(), el.getprevious()
    joined = text + (el.tail or "")
    if prev is not None:
        prev.tail = (prev.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(el)


def unwrap(el: etree._Element, spaced: bool = False) -> None:
    """Replace an element by its text and children. ``spaced``: a space on each side keeps the
    words of a removed block apart from its neighbours'."""
    pad = " " if spaced else ""
    parent, prev = el.getparent(), el.getprevious()
    head = (el.text or "") + pad
    if prev is not None:
        prev.tail = (prev.tail or "") + head
    else:
        parent.text = (parent.text or "") + head
    index = parent.index(el)
    children = list(el)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    tail = pad + (el.tail or "")
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    elif prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)
