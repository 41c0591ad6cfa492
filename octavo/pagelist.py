"""Where each page of the print edition begins, said in the markup both editions share: the EPUB's
page-list.

In: the print layout as plain data (each page's running text as (element, text) pairs in layout
order, the printed page numbers, the print document's root element). Out: for every numbered page
with text, the id of the nearest element around its first words and how many letters of that
element's text come before them. The EPUB has the same elements with the same ids (both editions
are rendered from one model by the same templates), so :func:`insert_before_letter` finds the
same letter there. This module knows element trees only: :mod:`octavo.pdf` walks WeasyPrint's
boxes, :mod:`octavo.epub` makes the markers.

Letters, not characters: whitespace is not counted (layout collapses it and the two editions'
templates indent differently), nor soft hyphens, nor the text of note calls and notes (the print
edition may set a note inside its paragraph, for the foot of the page; the EPUB keeps it apart).
"""
from __future__ import annotations

from dataclasses import dataclass

from . import model as m
from .render import PageBreak, not_running_text

IGNORED = {"\u00ad", "\u200b"}  # soft hyphen, zero-width space: layout may drop or print them
HYPHENS = "-\u2010"  # what layout adds where it breaks a word
CONFIRM = 24  # letters after a fragment enough to tell where it is, away from the next letters


@dataclass(frozen=True)
class PageList:
    """The pages of one print edition as the EPUB marks them, in page order."""

    pages: tuple[tuple[str, PageBreak], ...]  # (id of the element the page begins in, where)
    source: str  # the edition the numbers come from: the EPUB's pageBreakSource
    unplaced: tuple[str, ...] = ()  # numbered pages with text whose first words were not found


def edition_name(book: m.Book, paper: str) -> str:
    """The print edition a page-list follows, as pageBreakSource names it."""
    return f"{book.metadata.identifier} print edition, {paper}"


def page_breaks(pages: list[list[tuple[object, str]]], labels: list[str], root
                ) -> tuple[tuple[tuple[str, PageBreak], ...], tuple[str, ...]]:
    """Where each labelled page with text begins: (element id, PageBreak) in page order, and the
    labels of the pages with text where no place was found.

    Every text fragment of every page is matched, in order, against the letters of its element
    (so a phrase that repeats in a paragraph is found where the layout put it); the first fragment
    of a page gives that page's place. A page without text (a blank page, a full-page image) or
    without a number (a cover) gets none. A table's header row printed again after a page break is
    not where that page begins. A page that opens inside a table printed in column groups (each a
    table of its own on paper, render.py; whole in the EPUB, its rows holding every column) begins
    at that table's start."""
    parents = {child: parent for parent in root.iter() for child in parent} if root is not None else {}
    anchors: dict[object, object] = {}
    cursors: dict[object, _Cursor] = {}
    found, unplaced = [], []
    headers: set = set()  # table header groups printed on an earlier page
    for texts, label in zip(pages, labels):
        first, seen_here = None, set()
        items = []
        for element, text in texts:
            if element is not None and not_running_text(element):
                continue
            header = _enclosing(element, parents, lambda e: e.tag == "thead")
            if header is not None:
                if header in headers:
                    continue  # repeated after a page break
                seen_here.add(header)
            group = _enclosing(element, parents, lambda e: e.tag == "table" and _grouped(e))
            if group is not None:  # its rows hold other cells in the EPUB: no letter of it is the same
                if first is None and not items:
                    first = (group.get("data-columns-of") or group.get("id"), 0)
                continue
            items.append((_anchor(element, parents, anchors), text))
        headers |= seen_here
        for index, (anchor, text) in enumerate(items):
            if anchor is None:
                continue  # text outside every element with an id: nothing to point at
            cursor = cursors.get(anchor)
            if cursor is None:
                cursor = cursors[anchor] = _Cursor(letters(anchor))
            if not text:  # a rule's ornament, an image: the page begins before it if it has no words
                if first is None and not cursor.letters:
                    first = (anchor.get("id"), 0)
                continue
            at = cursor.advance(text, lambda i=index: _following(items, i))  # looked at only when needed
            if at is not None and first is None:
                first = (anchor.get("id"), at)
        if first is not None and label:
            found.append((first[0], PageBreak(first[1], label)))
        elif label and any(text for _, text in texts):
            unplaced.append(label)
    return tuple(found), tuple(unplaced)


def _enclosing(element, parents: dict, wanted):
    """The nearest of ``element`` and its ancestors that is ``wanted``, or None."""
    while element is not None:
        if isinstance(element.tag, str) and wanted(element):
            return element
        element = parents.get(element)
    return None


def _grouped(table) -> bool:
    """A table printed in column groups (render.py): the EPUB has it whole."""
    return bool(table.get("data-columns-of")) or "column-group" in (table.get("class") or "").split()


def _following(items: list, index: int, wanted: int = 12) -> list[str]:
    """The texts right after item ``index`` in the same element (a few): they confirm a match."""
    anchor, found = items[index][0], []
    for other, text in (items[n] for n in range(index + 1, len(items))):
        if other is not anchor or len(found) == wanted:
            break
        if text:
            found.append(text)
    return found


def _anchor(element, parents: dict, known: dict):
    """The nearest element with an id, the element itself or an ancestor (memoized)."""
    if element in known:
        return known[element]
    chain, found = [], None
    while element is not None:
        if element in known:
            found = known[element]
            break
        chain.append(element)
        if element.get("id"):
            found = element
            break
        element = parents.get(element)
    for seen in chain:
        known[seen] = found
    return found


class _Cursor:
    """How far the layout has got through one element's letters."""

    def __init__(self, text: str):
        self.letters = text
        self.at = 0  # the letter after the last match

    def advance(self, fragment: str, following=lambda: []) -> int | None:
        """Where ``fragment`` begins in letters; None if it is not there.

        The next letters, if it is there; else the place elsewhere (further on: text the layout did
        not draw; or back: a table row split across pages leaves a tall cell's words for the next
        page, after the row's other cells) that the texts ``following()`` gives continue longest,
        the nearest of equals (a short syllable is found anywhere)."""
        forms = _forms(fragment)
        if not forms[0]:
            return None
        here = next((f for f in forms if self.letters.startswith(f, self.at)), None)
        if here is not None:
            at, end = self.at, self.at + len(here)
        else:
            after = following()
            places = [(-self._continued(at + len(f), after), abs(at - self.at), at, at + len(f))
                      for f in forms for at in _occurrences(self.letters, f)]
            if not places:
                return None
            _, _, at, end = min(places)
        self.at = end
        return at

    def _continued(self, at: int, following: list[str]) -> int:
        """How many letters of the ``following`` texts come right after ``at`` (up to CONFIRM)."""
        start = at
        for text in following:
            form = next((f for f in _forms(text) if self.letters.startswith(f, at)), None)
            if form is None:
                break
            at += len(form)
            if at - start >= CONFIRM:
                break
        return min(at - start, CONFIRM)


def _occurrences(text: str, part: str):
    at = text.find(part)
    while at >= 0:
        yield at
        at = text.find(part, at + 1)


def _forms(fragment: str) -> list[str]:
    """A fragment's letters as written, and without the hyphen layout adds to a broken word."""
    wanted = _fold(fragment)
    stripped = wanted.rstrip(HYPHENS)
    return [wanted, stripped] if stripped and stripped != wanted else [wanted]


def counted(char: str) -> bool:
    return not char.isspace() and char not in IGNORED


class _Folded(dict):
    """Each character as :func:`_fold` counts it: lower case (itself where that is more than one
    letter), "" when it is not counted; worked out once per character (a book's page-list folds
    every letter of its text, once for the elements and again for each page's fragments)."""

    def __missing__(self, char: str) -> str:
        low = char.lower()
        self[char] = folded = (low if len(low) == 1 else char) if counted(char) else ""
        return folded


_FOLDED = _Folded()


def _fold(text: str) -> str:
    """The letters of a text, lower case (a heading may be set in capitals), one per letter."""
    return "".join(map(_FOLDED.__getitem__, text))


def letters(element) -> str:
    """The counted letters of an element's text in document order, lower case."""
    return "".join(_fold(getattr(holder, side) or "") for holder, side in _text_nodes(element))


def _text_nodes(element):
    """(element, "text" | "tail") for each piece of text inside ``element``, in document order,
    leaving out what is not running text (render.not_running_text; their tails stay)."""
    yield element, "text"
    for child in element:
        if isinstance(child.tag, str) and not not_running_text(child):
            yield from _text_nodes(child)
        yield child, "tail"


def insert_before_letter(element, offset: int, marker) -> bool:
    """Put ``marker`` (an empty lxml element) right before the ``offset``-th counted letter of
    ``element``'s text, inside whichever inline holds it, or before ``element`` when it has no
    letters at all; False when the text is shorter."""
    count = 0
    for holder, side in _text_nodes(element):
        text = getattr(holder, side) or ""
        for index, char in enumerate(text):
            if not counted(char):
                continue
            if count == offset:
                marker.tail = text[index:]
                setattr(holder, side, text[:index])
                if side == "text":
                    holder.insert(0, marker)
                else:
                    parent = holder.getparent()
                    parent.insert(parent.index(holder) + 1, marker)
                return True
            count += 1
    if offset == 0 and count == 0 and element.getparent() is not None:  # no words (a rule, an image): before it
        marker.tail = None
        element.addprevious(marker)
        return True
    return False
