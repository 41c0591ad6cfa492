"""What differs between the editions made from one model, decided in one place.

A ``Flavour`` says what one medium wants (the EPUB's ``PLAIN``, the print edition's ``PRINT``, the
web edition's ``WEB``); the functions below are the only ones that build the parts that differ from
medium to medium: a note's call, the way back from a note to its call, a numbered paragraph's
number. Everything else (blocks, inlines, tables, boxes) is the same markup in every edition, so
the editions say the same thing block for block and share their ids.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from .. import model as m
from ..paragraphs import Number
from ..trees import append_text

if TYPE_CHECKING:
    from .xhtml import Xhtml

BACKLINK = "\u21a9\ufe0e"  # ↩ as text, not emoji
POPOVER = "-pop"  # web: a call's popover is the call's id with this added


@dataclass(frozen=True, eq=False)  # compared by identity: one flavour, one set of section views
class Flavour:
    """What differs between the markups made from one model. The EPUB and the print edition share
    everything else, so they say the same thing block for block."""

    footnotes: Mapping[str, str] | None = None  # print: note id -> "foot" (set at its first call) or "end"
    numbers: Mapping[str, Number] | None = None  # handout: block id -> paragraph number (paragraphs.py)
    bind_words: bool = False  # print: no line starts with a spaced dash, no paragraph ends on a lone fragment
    number_notes: bool = False  # print: a note opens with its number, a link to its call (no ↩ arrows on paper)
    table_room: int | None = None  # print: characters of table type across the measure; a table wider is
    # printed in column groups (tables.column_groups); None: every table whole (a screen scrolls it)
    code_lines: bool = False  # print: each line of code a block of its own, so a line that wraps is marked
    popovers: bool = False  # web: a note opens where it is called (HTML popover), besides the endnotes
    linked_numbers: bool = False  # web: a paragraph's number is a link to itself (to copy and cite)
    back_links: bool = True  # a solution's "Back to exercise 3" (not on paper: the solution's title numbers it)
    poem_frames: bool = True  # a poem in a box of its own, centred (xhtml.poem_spans); not in print,
    # where WeasyPrint 70 paginated the box badly (docs/print.md "Poems")


PLAIN = Flavour()
# the print edition's line breaking is Octavo's (a reading system makes its own)
PRINT = Flavour(bind_words=True, number_notes=True, code_lines=True, back_links=False, poem_frames=False)
WEB = Flavour(popovers=True, linked_numbers=True)


def note_call(x: Xhtml, parent: etree._Element, ref: m.NoteRef) -> None:
    """A note's call: a link to the note (EPUB, PDF); on the web a button opening the note at the
    call as a popover, which works without script (the endnote is still there)."""
    note = x.notes.get(ref.note)
    if x.flavour.popovers and note is not None and not x.floats_off:
        button = etree.SubElement(parent, "button", {
            "type": "button", "id": ref.id, "class": "noteref", "popovertarget": ref.id + POPOVER})
        button.text = str(ref.number)
        _popover(x, parent, note, ref)
        return
    a = etree.SubElement(parent, "a", {"href": f"#{ref.note}", "id": ref.id, "class": "noteref",
                                       "role": "doc-noteref", "data-epub-type": "noteref"})
    # print: a word joiner keeps the call on the line of the word it follows (never a line's start)
    a.text = ("\u2060" if x.flavour.bind_words else "") + str(ref.number)
    if x.flavour.footnotes and note is not None and note.refs[:1] == (ref.id,) and not x.floats_off:
        x._footnote(parent, note, x.flavour.footnotes.get(note.id, "end"))


def _popover(x: Xhtml, parent: etree._Element, note: m.Note, ref: m.NoteRef) -> None:
    """The note as a popover right after its call: its blocks made inline-level (it sits inside a
    paragraph), opened by its number, a link back to the call; ids inside it are the endnote's, so
    they are left out here."""
    from .typography import _as_inline_level

    holder = x.note_blocks(note)
    for el in holder.iter():
        if el is not holder and "id" in el.attrib:
            del el.attrib["id"]
    note_number(holder, note, call=ref.id)
    _as_inline_level(holder)
    span = etree.SubElement(parent, "span", {"id": ref.id + POPOVER, "popover": "auto", "class": "note-pop",
                                             "role": "doc-footnote"})
    span.text = holder.text
    span.extend(list(holder))


def backlinks(x: Xhtml, parent: etree._Element, note: m.Note) -> None:
    """A note at the end: a ↩ link back to each of its calls, in its last paragraph (or a new one).
    On paper (``number_notes``) the note opens with its number instead (``note_number``)."""
    if not note.refs or x.flavour.number_notes:
        return
    last = parent[-1] if len(parent) else None
    target = last if last is not None and last.tag == "p" else etree.SubElement(parent, "p")
    for n, ref_id in enumerate(note.refs, 1):
        if len(target) or (target.text or "").strip():
            append_text(target, " ")
        label = x.ui["back"] if len(note.refs) == 1 else x.ui["back_n"].format(n=n)
        link = etree.SubElement(target, "a", {
            "href": f"#{ref_id}", "class": "backlink", "role": "doc-backlink",
            "data-epub-type": "backlink", "title": label, "aria-label": label,
        })
        link.text = BACKLINK if len(note.refs) == 1 else f"{BACKLINK}{n}"


def note_number(holder: etree._Element, note: m.Note, gap: str = " ", call: str | None = None) -> None:
    """The note's number at the start of its first paragraph (or of ``holder``), a link back to its
    first call (or to ``call``): how a reader of the PDF returns to the text."""
    number = etree.Element("a", {"class": "note-number", "href": f"#{call or note.refs[0]}", "role": "doc-backlink"})
    number.text, number.tail = str(note.number), gap
    first = holder[0] if len(holder) and holder[0].tag == "p" else holder
    number.tail += first.text or ""
    first.text = None
    first.insert(0, number)


def paragraph_number(el: etree._Element, number: Number, flavour: Flavour = PLAIN) -> None:
    """A numbered block: the paragraph id on the block, its number as the first child. The number
    carries the block's own id, so links and notes that point at the block still arrive there; it is
    hidden from screen readers (a reader hears the text, not the numbering). On the web the number is
    a link to the paragraph itself (a reader copies it to cite the paragraph), named for screen readers."""
    if flavour.linked_numbers:
        span = etree.Element("a", {"class": "para-num", "href": f"#{number.id}"})
    else:
        span = etree.Element("span", {"class": "para-num", "aria-hidden": "true"})
    if el.get("id"):
        span.set("id", el.get("id"))
    span.text = str(number.n)
    el.set("id", number.id)
    el.set("class", " ".join(dict.fromkeys([*(el.get("class") or "").split(), "numbered"])))
    el.insert(0, span)
