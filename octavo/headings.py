"""Headings the source wrote at the wrong rank, or that divide nothing (resolve.py calls
:func:`heading_ranks` on the parsed tree after the title is read, before it is divided into
sections): lettered subdivisions and chapters written at the rank of what holds them go one rank
down, a heading or a Pandoc caption over a table becomes its caption, a run-in heading is kept
out of the contents.
"""
from __future__ import annotations

import re

from lxml import etree

from .diagnostics import Collector
from .markup import line
from .sanitize import LINE
from .titles import HEADINGS, SUBTITLE
from .trees import inline_text, replace_with_text
from .expressions import lazy

NO_TOC = "data-octavo-no-toc"  # a heading that is no division: a run-in heading
DIVISION = "data-octavo-division"  # a chapter set one rank under its book: a section of its own all the same
LETTER_LABEL = lazy(r"^\(?([^\W\d_])[.)]\s")
FIRST_LETTERS = ("a", "а", "α")  # Latin, Cyrillic, Greek
NUMBER_LABEL = lazy(r"^(?:(?:section|chapter|part|book|§|abschnitt|kapitel|teil|глава|часть|раздел|chapitre|"
                    r"partie)\s*)?(?:\d{1,3}|[IVXLC]{1,6})\b[.:)]?", re.IGNORECASE)
RUN_IN_DASH = ("\u2014", "\u2013", "--", "-")
# units a text is divided into, biggest first: "BOOK I." and "CHAPTER I." at one rank are two levels
UNITS = (("volume", "band", "tome", "том"), ("part", "book", "teil", "buch", "livre", "partie", "часть", "книга"),
         ("chapter", "kapitel", "chapitre", "capítulo", "глава"), ("section", "abschnitt", "раздел", "§"))
UNIT_RANK = {word: rank for rank, words in enumerate(UNITS) for word in words}
UNIT_LABEL = lazy(r"^\W*(" + "|".join(sorted(UNIT_RANK, key=len, reverse=True)) + r")\s*(?:\d{1,3}|[IVXLC]{1,7}|"
                  r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|first|second|third|fourth|"
                  r"fifth|sixth)\b", re.IGNORECASE)


def heading_ranks(tree, report: Collector) -> None:
    """Headings the source wrote at the wrong rank or that divide nothing.

    - Chapters written at the rank of the books that hold them (see :func:`_units_at_one_rank`).
    - Lettered headings (``A.``, ``B.``, ...) at the rank of the numbered heading before them
      (``Section 3.``) are its subdivisions: they, and what is under them, go one rank down.
    - A heading straight above a table is the table's caption; so is a Pandoc table caption, a
      paragraph ``: Caption`` or ``Table: Caption`` straight above or below it.
    - A run-in heading (one ending in a dash, or whose paragraph starts with a dash on the very next
      line) starts a paragraph of a list; it stays a heading but is not in the contents."""
    children = [c for c in tree if isinstance(c.tag, str)]
    headings = [c for c in children if c.tag in HEADINGS]
    _units_at_one_rank(headings, report)
    demoted: set = set()
    for n, numbered in enumerate(headings):
        label = LETTER_LABEL.match(inline_text(numbered))
        if numbered in demoted or not NUMBER_LABEL.match(inline_text(numbered)) or (
                label and label.group(1) not in "IVX"):  # "C. Modern Manufacture" is a letter, "I." a number
            continue
        rank, expected, k = numbered.tag, FIRST_LETTERS, n + 1
        while k < len(headings) and headings[k].tag >= rank:
            h = headings[k]
            if h.tag == rank:
                label = LETTER_LABEL.match(inline_text(h))
                if not label or label.group(1).lower() not in expected:
                    break
                expected = (chr(ord(label.group(1).lower()) + 1),)
            demoted.add(h)
            k += 1
        if expected == FIRST_LETTERS:
            for h in headings[n + 1:k]:
                demoted.discard(h)  # nothing lettered followed: what was under the numbered heading stays
    for h in demoted:
        h.tag = f"h{min(6, int(h.tag[1]) + 1)}"
    top = min((h.tag for h in headings if h.get(SUBTITLE) is None), default=None)
    for h in children:
        if h.tag not in HEADINGS:
            continue
        after = h.getnext()
        text = inline_text(h)
        if after is not None and after.tag == "table" and after.find("caption") is None and h.tag != top:
            caption = etree.Element("caption", {LINE: h.get(LINE, "")})
            caption.text, caption[:] = h.text, list(h)
            if h.get("id"):
                caption.set("id", h.get("id"))
            after.insert(0, caption)
            tree.remove(h)
            continue
        runs_on = after is not None and after.tag == "p" and (after.text or "").lstrip().startswith(RUN_IN_DASH[:2]) \
            and line(after) == (line(h) or 0) + 1
        if text.endswith(RUN_IN_DASH) or runs_on:
            h.set(NO_TOC, "")
    _pandoc_captions(tree)
    _title_tables(tree)


PANDOC_CAPTION = lazy(r"^[ \t]*(?:Table)?:[ \t]+(?=\S)")


def _pandoc_captions(tree) -> None:
    """Pandoc's table caption: a paragraph starting ``: `` or ``Table: `` straight above (else
    below) a table without a caption becomes its caption, without the prefix."""
    for table in list(tree.iter("table")):
        if table.find("caption") is not None:
            continue
        for p in (table.getprevious(), table.getnext()):
            if p is None or p.tag != "p" or not PANDOC_CAPTION.match(p.text or ""):
                continue
            caption = etree.Element("caption", {LINE: p.get(LINE, "")})
            caption.text = PANDOC_CAPTION.sub("", p.text, count=1)
            caption[:] = list(p)
            table.insert(0, caption)
            replace_with_text(p)
            break


def _title_tables(tree) -> None:
    """A table of one cell straight above a table without a caption is that table's title, as an
    archive writes it (Capital ch. 15: "Death-Rate per 100,000 Men ..." in a table of its own): it
    becomes the caption, keeping its words and line breaks (a one-cell table printed as a table of
    its own read as a box with nothing in it)."""
    for table in list(tree.iter("table")):
        after = table.getnext()
        cells = list(table.iter("td", "th"))
        if (after is None or after.tag != "table" or after.find("caption") is not None or len(cells) != 1
                or len(list(table.iter("tr"))) != 1 or table.find("caption") is not None
                or table.tail and table.tail.strip()):
            continue
        caption = etree.Element("caption", {LINE: table.get(LINE, "")})
        caption.text, caption[:] = cells[0].text, list(cells[0])
        if table.get("id"):
            caption.set("id", table.get("id"))
        after.insert(0, caption)
        table.getparent().remove(table)


def _units_at_one_rank(headings: list, report: Collector) -> None:
    """``## BOOK I.`` and ``## CHAPTER I.`` at one rank (the Gutenberg Wealth of Nations): from the
    first heading naming the bigger unit on, every other heading of that rank, and everything under
    it, goes one rank down, so the chapters nest under their books; each chapter stays a section
    of its own (``DIVISION``: one file of the EPUB, a new page in print). The bigger unit is the one the
    first labelled heading of the rank names (its word: ``Book``); headings before it (an
    introduction to the whole work) keep their rank. Said once, with the line of the first book."""
    for rank in sorted({h.tag for h in headings}):
        at_rank = [h for h in headings if h.tag == rank]
        words = [(h, _unit(h)) for h in at_rank]
        labelled = [(h, w) for h, w in words if w is not None]
        if not labelled:
            continue
        first, outer = labelled[0]
        if not any(UNIT_RANK[w] > UNIT_RANK[outer] for _, w in labelled[1:]):
            continue
        start = headings.index(first)
        if rank == "h6":
            report.warn("dialect.ranks", f"'{inline_text(first)}' and the chapters after it are headings of one "
                        "rank, the smallest there is: the chapters cannot be set under it", line(first))
            return
        moved = [h for h in headings[start + 1:] if h.tag > rank or _unit(h) != outer]
        for h in moved:
            if h.tag == rank:
                h.set(DIVISION, "")  # still a section (one file, one page): under its book, not in it
            h.tag = f"h{min(6, int(h.tag[1]) + 1)}"
        inner = next(w for _, w in labelled if UNIT_RANK[w] > UNIT_RANK[outer])
        report.warn("dialect.ranks", f"{inner.upper()} headings are written at the rank of the {outer.upper()} "
                    f"headings (from line {line(first)}); they, and what is under them, are set one rank down, so "
                    f"each {inner} is part of its {outer}", line(first))
        _units_inside(headings[start:], rank, outer, inner, report)
        return  # one level of nesting per text: the ranks below have just changed


def _units_inside(headings: list, rank: str, outer: str, inner: str, report: Collector) -> None:
    """Once chapters nest under their books, a heading naming another unit that comes after a
    chapter of the same book (Smith's ``CHAPTER III.`` then ``Part I -- Of the Unreasonableness``)
    divides that chapter: it, and what is under it, goes one rank further down, inside the chapter."""
    in_chapter, found = False, []
    for h in headings:
        if h.tag == rank:
            in_chapter = False  # a new book
        elif h.get(DIVISION) is not None:
            unit = _unit(h)
            if unit == inner:
                in_chapter = True
            elif in_chapter and unit is not None and unit != outer:
                found.append(h)
    for h in found:
        was = h.tag
        del h.attrib[DIVISION]
        following = headings[headings.index(h) + 1:]
        for under in [h] + list(_until(following, was)):
            under.tag = f"h{min(6, int(under.tag[1]) + 1)}"
    if found:
        report.warn("dialect.ranks", f"{_unit(found[0]).upper()} headings after a {inner.upper()} of the same "
                    f"{outer.upper()} (from line {line(found[0])}) divide that {inner}: they are set under it",
                    line(found[0]))


def _until(headings: list, rank: str):
    """The headings ranked under ``rank`` at the start of ``headings``."""
    for h in headings:
        if h.tag <= rank:
            return
        yield h


def _unit(heading) -> str | None:
    """The unit a heading names by its label (``BOOK II. OF THE NATURE...`` -> "book"), lower case."""
    found = UNIT_LABEL.match(inline_text(heading))
    return found.group(1).lower() if found else None
