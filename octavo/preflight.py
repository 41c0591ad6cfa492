"""The preflight: the laid-out pages looked at as a typesetter would, before they go to print.

In: the print layout as plain data (:func:`octavo.pdf.page_views`: each page's lines with their
text, place, type size, justification and colour; its table parts; what opens it), each page's
printed number, and the print document's root element. Out: :class:`Finding`\\ s, each with a
code (listed with its fix in docs/diagnostics.md), a level, the printed page and the element it
concerns; :func:`diagnostics` places them at the source line of that element's block.

Errors are what a reader reads wrong or cannot read (a figure broken inside, a table column
narrower than its longest word, text off the paper); warnings are what a proofreader would send
back (a heading or a single line stranded, a short page, a loose line, coloured type). A letter no
font has is an error too (print_edition.py: WeasyPrint tells it only while writing). This module
knows element trees and numbers only: :mod:`octavo.pdf` reads WeasyPrint's boxes. The EPUB is
checked from its parsed spine (:func:`epub_findings`, run by ``--check``).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from . import model as m
from .diagnostics import ERROR, WARNING, Diagnostic, Location
from .trees import inline_text

PX_PER_MM = 96 / 25.4
PX_PER_PT = 96 / 72
EDGE_MM = 10  # a handout's or booklet's text keeps this far from the sheet edge (office printers cut)
SHORT_LINES = 3  # a page may end this many body lines early without a forced break, no more
KEPT_LINES = 8  # a block kept whole explains a short page before it up to this many lines (a stanza:
# render/xhtml.py STANZA_WHOLE); a poem, or a heading with its first lines, of any length
HYPHEN_RUN = 3  # this many hyphenated lines in a row is a ladder
RUNT_LINES = 2  # a text's (or chapter's) last page holds more lines than this, or it is a runt: its last
# line or two, or its last question, stranded on a page of their own (three lines end many a good chapter)
LOOSE_EM = 0.5  # justification may add this much (em) to a word space: about three normal spaces in all
SMALLEST_PT = 7  # no type below this (a note call or a superscript of up to three characters aside)
HYPHENS = "-\u2010\u00ad"
NUMBER = re.compile(r"^[(£$€]?\d[\d,.]*\d[)%]?$|^\d$")  # a figure: 1,091,373,930 · 12.5 · 7
URLISH = re.compile(r"[/@]|^www\.|\.\w{2,4}$")  # a web or mail address may break anywhere
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}  # a caption apart: preflight.caption-apart
CELLS = {"td", "th"}
COLOUR_TOLERANCE = 0.08  # channels further apart than this: not a grey
FORCED = {"page", "left", "right", "recto", "verso"}  # break values that begin a new page


@dataclass(frozen=True)
class Finding:
    code: str
    level: str
    message: str
    element: object | None  # the print document's element it concerns (located by :func:`diagnostics`)
    folio: str  # the printed page ("" for a page without a number)
    page: int  # its index in the piece that was checked


def check(pages: list, labels: list[str], root, profile: str = "book") -> list[Finding]:
    """Every finding on the laid-out pages of one piece of a print edition."""
    parents = {child: parent for parent in root.iter() for child in parent} if root is not None else {}
    folio = lambda n: labels[n] if n < len(labels) else ""  # noqa: E731
    findings = []
    findings += broken_words(pages, parents, folio)
    findings += tables_apart(pages, folio)
    findings += off_the_paper(pages, folio, profile)
    findings += stranded(pages, folio)
    findings += short_pages(pages, folio)
    findings += runt_pages(pages, folio)
    findings += running_heads(pages, folio)
    findings += hyphen_ladders_and_loose_lines(pages, folio)
    findings += small_type(pages, parents, folio)
    findings += coloured(pages, folio)
    findings += calls_without_notes(pages, parents, folio)
    return findings


def calls_without_notes(pages: list, parents: dict, folio) -> list[Finding]:
    """In a book whose notes stand at the foot of their pages: a note call whose page shows neither
    its note nor a pointer to it ("See note 2 at the end")."""
    if not any(page.feet for page in pages):
        return []  # notes at the end (--notes endnotes): the call is a link, as in the EPUB
    found = []
    for n, page in enumerate(pages):
        for call in page.calls:
            if call not in page.feet:
                element = _by_id(parents, call)
                number = "".join(element.itertext()).strip("\u2060 ") if element is not None else call
                found.append(Finding("preflight.note-unpointed", WARNING, f"note call {number} has neither its "
                                     "note nor a pointer to it at the foot of its page", element, folio(n), n))
    return found


def _by_id(parents: dict, wanted: str):
    return next((e for e in parents if e.get("id") == wanted), None)


# --- words and figures broken where they may not be ----------------------------------------------

def broken_words(pages: list, parents: dict, folio) -> list[Finding]:
    """A word or figure split over lines without a hyphen (letters stacked in a narrow column,
    ``1,091,373,93 / 0``): one finding per table, per figure's cell, per block, with a count."""
    found: dict[tuple[str, object], Finding] = {}
    counts: Counter = Counter()
    previous: dict[object, object] = {}  # block element -> its line before
    chains: dict[object, tuple[list[str], int]] = {}  # block element -> pieces of a word being broken, its page

    def report(block) -> None:
        pieces, n = chains.pop(block)
        finding = _word_finding(pieces, block, parents, folio(n), n)
        if finding is not None:
            counts[(finding.code, finding.element)] += 1
            found.setdefault((finding.code, finding.element), finding)

    for n, page in enumerate(pages):
        for line in page.lines:
            if line.area == "margin" or not line.text.strip():
                continue
            before, previous[line.block] = previous.get(line.block), line
            if before is not None and _broken_between(before.text, line.text, line.block):
                pieces, _ = chains.setdefault(line.block, ([before.text.split()[-1]], n))
                pieces.append(line.text.split()[0])
                if len(line.text.split()) > 1:  # the word ends on this line
                    report(line.block)
            elif line.block in chains:
                report(line.block)
    for block in list(chains):
        report(block)
    return [_counted(f, counts[key]) for key, f in found.items()]


def _broken_between(before: str, after: str, block) -> bool:
    """Whether the last word of line ``before`` and the first of ``after`` are one word of the
    source, broken without a hyphen."""
    tail, head = before.rstrip(), after.lstrip()
    if not tail or not head or tail != before or tail[-1] in HYPHENS:
        return False
    last, first = tail.split()[-1], head.split()[0]
    if not (last[-1].isalnum() or first[0].isalnum()):  # "1," + "091": the source says whether it is one word
        return False
    if _breaks_anywhere(last[-1]) or _breaks_anywhere(first[0]):
        return False  # Chinese, Japanese: a line may break between any two characters
    text = _block_text(block)
    return last + first in text and f"{last} {first}" not in text


def _breaks_anywhere(char: str) -> bool:
    """A character of a script written without spaces between words (wide: CJK)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _block_text(block) -> str:
    """A block's text as written, whitespace (and a line break) as one space."""
    parts = []

    def walk(element):
        parts.append(element.text or "")
        for child in element:
            if child.tag == "br":
                parts.append(" ")
            walk(child)
            parts.append(child.tail or "")
    walk(block)
    return " ".join("".join(parts).split())


def _word_finding(chain: list[str], block, parents: dict, folio: str, page: int) -> Finding | None:
    word, shown = "".join(chain), "/".join(chain)
    cell = _ancestor(block, parents, lambda e: e.tag in CELLS or "fn-td" in (e.get("class") or "")
                     or "fn-th" in (e.get("class") or ""))
    if NUMBER.match(word.strip(".,;:")):
        return Finding("preflight.number-broken", ERROR, f"the figure {word} is broken inside, set as "
                       f"{shown!r}: a reader reads two numbers", cell if cell is not None else block, folio, page)
    if cell is not None:
        table = _ancestor(cell, parents, lambda e: e.tag == "table" or "fn-table" in (e.get("class") or ""))
        return Finding("preflight.column-narrow", ERROR, f"a table column is narrower than its longest word: "
                       f"{word!r} is set as {shown!r}", table if table is not None else cell, folio, page)
    if URLISH.search(word):
        return None
    return Finding("preflight.word-broken", WARNING, f"the word {word!r} is broken without a hyphen, set as "
                   f"{shown!r}", block, folio, page)


def _ancestor(element, parents: dict, wanted):
    while element is not None:
        if wanted(element):
            return element
        element = parents.get(element)
    return None


def _counted(finding: Finding, count: int) -> Finding:
    return replace(finding, message=f"{finding.message} ({count} such places here)") if count > 1 else finding


# --- tables -------------------------------------------------------------------------------------

HEADED_ROWS = 2  # body rows a header row stands over where the table begins (print.css keeps them)


def tables_apart(pages: list, folio) -> list[Finding]:
    """A caption, or a header row, on another page than the table's first body row; a header row
    where its table begins over fewer than HEADED_ROWS body rows (of a table that has them). Tables
    in the notes count as those of the text (the pages' table parts come from both areas)."""
    first_body: dict[object, int] = {}
    body_rows: Counter = Counter()
    for n, page in enumerate(pages):
        for part in page.tables:
            if part.kind == "body":
                first_body.setdefault(part.table, n)
                body_rows[part.table] += 1
    findings, seen = [], set()
    for n, page in enumerate(pages):
        body_here = Counter(part.table for part in page.tables if part.kind == "body")
        for part in page.tables:
            if part.table is None or (part.table, part.kind) in seen:
                continue
            if part.kind == "head":
                seen.add((part.table, part.kind))  # where the table begins; a repeated header is not judged
                if body_here[part.table] < min(HEADED_ROWS, body_rows[part.table]):
                    findings.append(Finding("preflight.header-apart", WARNING, "a table's header row is on a page "
                                            f"with {body_here[part.table] or 'none'} of its body rows",
                                            part.table, folio(n), n))
                continue
            if part.kind == "caption" and first_body.get(part.table, n) != n:
                seen.add((part.table, part.kind))
                findings.append(Finding("preflight.caption-apart", WARNING, "a table's caption is on another page "
                                        "than its first row", part.table, folio(n), n))
    return findings


# --- the paper ----------------------------------------------------------------------------------

def off_the_paper(pages: list, folio, profile: str) -> list[Finding]:
    """Text beyond the sheet's edge (error); in a handout or booklet, text within EDGE_MM of it (a
    booklet's right-hand pages, the even indices, are folded at their left edge, the others at their right)."""
    findings = []
    margin = EDGE_MM * PX_PER_MM if profile in ("handout", "booklet") else 0
    for n, page in enumerate(pages):
        out = near = None
        for line in page.lines:
            if not line.text.strip():
                continue
            right = line.right  # a line box is as wide as its text
            if line.left < -0.5 or line.top < -0.5 or right > page.width + 0.5 or line.bottom > page.height + 0.5:
                out = out or line
            elif margin and (line.left < margin and not (profile == "booklet" and n % 2 == 0)
                             or right > page.width - margin and not (profile == "booklet" and n % 2 == 1)
                             or line.top < margin or line.bottom > page.height - margin):
                near = near or line  # a booklet's page meets the next at the fold: no edge there
        if out is not None:
            findings.append(Finding("preflight.off-page", ERROR, f"text beyond the edge of the paper: "
                                    f"{_shown(out.text, 40)}", _element(out), folio(n), n))
        if near is not None:
            findings.append(Finding("preflight.near-edge", WARNING, f"text within {EDGE_MM} mm of the sheet's "
                                    f"edge, where office printers cut: {_shown(near.text, 40)}",
                                    _element(near), folio(n), n))
    firsts = {}
    for finding in findings:  # one finding per code, on its first page, with the number of pages
        firsts.setdefault(finding.code, finding)
    counts = Counter(finding.code for finding in findings)
    return [_on_pages(finding, counts[code]) for code, finding in firsts.items()]


def _shown(text: str, length: int) -> str:
    """A line's text for a message, quoted: no word joiners or soft hyphens, plain spaces."""
    text = " ".join(text.replace("\u2060", "").replace("\u00ad", "").split())
    return f"'{text[:length]}'"


def _element(line):
    return line.block if line.area != "margin" else None


# --- what is left alone at a page's top or foot ----------------------------------------------

def stranded(pages: list, folio) -> list[Finding]:
    """A heading as the last line of a page; a single line of a paragraph alone at the top or foot."""
    findings = []
    for n, page in enumerate(pages):
        body = [line for line in page.lines if line.area == "body" and line.text.strip()]
        if not body or n == len(pages) - 1:
            continue
        last = body[-1]
        following = [line for line in pages[n + 1].lines if line.area == "body" and line.text.strip()]
        if getattr(last.block, "tag", None) in HEADINGS and following and not _forced(pages, n + 1):
            findings.append(Finding("preflight.heading-last", WARNING, f"a heading is the last line of the page: "
                                    f"{_shown(last.text, 50)}", last.block, folio(n), n))
            continue
        if not following or getattr(last.block, "tag", None) not in ("p", "li", "blockquote", "dd"):
            continue
        own = [line for line in body if line.block is last.block]
        if len(own) == 1 and following[0].block is last.block:
            findings.append(Finding("preflight.orphan", WARNING, "a paragraph's first line is alone at the foot "
                                    "of the page", last.block, folio(n), n))
        top = following[0]
        rest = [line for line in following if line.block is top.block]
        if top.block is last.block and len(rest) == 1 and len(following) > 1:
            findings.append(Finding("preflight.widow", WARNING, "a paragraph's last line is alone at the top of "
                                    "the page", top.block, folio(n + 1), n + 1))
    return findings


def runt_pages(pages: list, folio) -> list[Finding]:
    """A page that ends a text (the next page must begin, or none follows) holding RUNT_LINES lines
    or fewer that overflowed from the page before: a text's last lines or last item stranded."""
    findings = []
    for n, page in enumerate(pages):
        body = [line for line in page.lines if line.area == "body" and line.text.strip()]
        if not body or len(body) > RUNT_LINES or _forced(pages, n):
            continue
        if n + 1 < len(pages) and not _forced(pages, n + 1):
            continue
        findings.append(Finding("preflight.runt-page", WARNING, f"the last {len(body)} line(s) of a text or chapter "
                                f"stand alone on its last page: {_shown(body[0].text, 50)}", body[0].block, folio(n), n))
    return findings


def _forced(pages: list, n: int) -> bool:
    """Whether page ``n`` opens because something must begin a page (a chapter, a part, the notes)."""
    if n == 0 or pages[n].name != pages[n - 1].name:
        return True
    return (any(brk in FORCED and element not in pages[n - 1].elements for element, brk in pages[n].opening)
            or any(brk in FORCED and element not in pages[n].elements for element, brk in pages[n - 1].closing))


def short_pages(pages: list, folio, notes_kept: bool = True) -> list[Finding]:
    """A page whose text ends more than SHORT_LINES lines early, the next page not forced to begin
    and not opening with a piece that cannot be divided and would not have fit (:func:`_next_is_kept`;
    ``notes_kept`` False: without the first lines of the notes that piece calls, as footsplit.py
    asks, since a cut note's call may end a page alone, orphans: 1)."""
    findings = []
    for n, page in enumerate(pages[:-1]):
        body = [line for line in page.lines if line.area == "body" and line.text.strip()]
        if not body or _forced(pages, n + 1) or not any(line.area == "body" for line in pages[n + 1].lines):
            continue
        heights = sorted(line.bottom - line.top for line in body)
        leading = heights[len(heights) // 2]
        room = (page.notes_top if page.notes_top is not None else page.content_bottom) - page.body_bottom
        if _blank(page) > (SHORT_LINES + 0.5) * leading and not _spares_a_runt(pages, n, room // leading) \
                and not _next_is_kept(pages[n + 1], room, notes_kept):
            findings.append(Finding("preflight.short-page", WARNING, f"the page ends about {int(_blank(page) // leading)} "
                                    "lines early with no page break to explain it", body[-1].block, folio(n), n))
    return findings


def _blank(page) -> float:
    """The blank a reader sees between the page's text and its first note line (or the foot of the
    page area): the footnote area's top includes the space and rule above its first line, and a
    page ending three lines early with notes showed four lines of blank (Capital ch. 15, folio 98)."""
    notes = [line.top for line in page.lines if line.area == "footnotes" and line.text.strip()]
    return min(notes, default=page.content_bottom) - page.body_bottom


def _next_is_kept(page, room: float, notes_kept: bool = True) -> bool:
    """Whether ``page`` opens with a piece that may not be divided (a poem or stanza kept whole, a
    table's caption with its first row, a heading with the first lines after it, an image; with the
    first lines of the notes it calls) taller than the ``room`` left on the page before: a
    typesetter leaves that page short."""
    notes = page.kept_notes if notes_kept else 0.0
    return page.kept_bottom is not None and page.kept_bottom - page.content_top + notes > room + 0.5 \
        and not _one_tall_block(page)


def _one_tall_block(page) -> bool:
    """Whether the piece kept whole is one stanza of more than KEPT_LINES verse lines set solid, no
    space between them (a verse paragraph whose style keeps it whole; a title or a stanza break
    would leave a space): a typesetter divides it rather than leave the page before short."""
    kept = [line for line in page.lines if line.area == "body" and line.text.strip()
            and line.bottom <= page.kept_bottom + 0.5]
    return len(kept) > KEPT_LINES and all("verse-line" in (getattr(line.block, "get", lambda _: None)("class") or "")
                                          for line in kept) \
        and all(after.top - before.bottom < 0.25 * (before.bottom - before.top) for before, after in zip(kept, kept[1:]))


def _spares_a_runt(pages: list, n: int, room_lines: float) -> bool:
    """Whether page ``n`` is short so that the next, a text's last page, is not a runt: had page ``n``
    been filled, no more than RUNT_LINES lines would be left for the last page (a typesetter shares
    a text's last lines out between its last two pages)."""
    if n + 2 < len(pages) and not _forced(pages, n + 2):
        return False  # the next page does not end the text
    left = [line for line in pages[n + 1].lines if line.area == "body" and line.text.strip()]
    return len(left) <= room_lines + RUNT_LINES


def running_heads(pages: list, folio) -> list[Finding]:
    """A running head of more than one line, or one that reaches down to the text: one finding per
    head, on its first page, with the number of pages."""
    found: dict[tuple[str, str], Finding] = {}
    counts: Counter = Counter()
    for n, page in enumerate(pages):
        heads: dict[str, list] = {}
        for line in page.lines:
            if line.area == "margin" and str(line.block).startswith("@top") and line.text.strip():
                heads.setdefault(line.block, []).append(line)
        for lines in heads.values():
            text = _shown(" ".join(line.text for line in lines), 60)
            if len(lines) > 1:
                finding = Finding("preflight.head-lines", WARNING, f"the running head takes {len(lines)} lines: {text}",
                                  None, folio(n), n)
            elif lines[-1].bottom > page.content_top - 2 * PX_PER_PT:
                finding = Finding("preflight.head-touches", WARNING, f"the running head touches the text: {text}",
                                  None, folio(n), n)
            else:
                continue
            counts[(finding.code, text)] += 1
            found.setdefault((finding.code, text), finding)
    return [_on_pages(f, counts[key]) for key, f in found.items()]


def _on_pages(finding: Finding, count: int) -> Finding:
    return replace(finding, message=f"{finding.message} (and on {count - 1} more pages)") if count > 1 else finding


# --- lines --------------------------------------------------------------------------------------

def hyphen_ladders_and_loose_lines(pages: list, folio) -> list[Finding]:
    """HYPHEN_RUN or more hyphenated lines in a row; a justified line whose word spaces are
    stretched by more than LOOSE_EM (the loosest per paragraph)."""
    findings, run, loose = [], {}, {}
    for n, page in enumerate(pages):
        for line in page.lines:
            if line.area == "margin":
                continue
            text = line.text.rstrip()
            if text and text[-1] in HYPHENS and len(text.split()) > 1:
                run[line.block] = run.get(line.block, 0) + 1
                if run[line.block] == HYPHEN_RUN:
                    findings.append(Finding("preflight.hyphen-ladder", WARNING, f"{HYPHEN_RUN} hyphenated lines in a "
                                            f"row, ending {text.split()[-1]!r}", line.block, folio(n), n))
            else:
                run[line.block] = 0
            stretch = line.stretch / line.font_size if line.font_size else 0
            if stretch > LOOSE_EM and (line.block not in loose or stretch > loose[line.block][0]):
                loose[line.block] = (stretch, line, n)
    for stretch, line, n in loose.values():
        findings.append(Finding("preflight.loose-line", WARNING, f"a justified line's word spaces are stretched by "
                                f"{stretch:.2f} em (limit {LOOSE_EM}): {_shown(line.text, 50)}", line.block,
                                folio(n), n))
    return findings


def small_type(pages: list, parents: dict, folio) -> list[Finding]:
    """Text below SMALLEST_PT (a note call or superscript of up to three characters aside): one per table or block."""
    findings, seen = [], set()
    for n, page in enumerate(pages):
        for line in page.lines:
            words = line.text.strip()
            if line.area == "margin" or len(words) <= 3 or line.font_size >= SMALLEST_PT * PX_PER_PT - 0.01:
                continue
            where = _ancestor(line.block, parents, lambda e: e.tag == "table") or line.block
            if where not in seen:
                seen.add(where)
                findings.append(Finding("preflight.small-type", WARNING, f"type of {line.font_size / PX_PER_PT:.1f} pt, "
                                        f"below {SMALLEST_PT} pt: {_shown(words, 40)}", where, folio(n), n))
    return findings


def coloured(pages: list, folio) -> list[Finding]:
    """Text in a colour (not black or a grey): one finding per colour, its first place and a count."""
    first: dict[tuple, tuple] = {}
    counts: Counter = Counter()
    for n, page in enumerate(pages):
        for line in page.lines:
            for colour in line.colours:
                if max(colour) - min(colour) > COLOUR_TOLERANCE:
                    key = tuple(round(c * 255) for c in colour)
                    counts[key] += 1
                    first.setdefault(key, (line, n))
    return [Finding("preflight.colour", WARNING, f"text printed in colour #{r:02x}{g:02x}{b:02x} "
                    f"({counts[(r, g, b)]} lines): {_shown(line.text, 40)}", _element(line), folio(n), n)
            for (r, g, b), (line, n) in first.items()]


# --- the EPUB -----------------------------------------------------------------------------------

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
SCROLLS = "table-wrap"  # epub.py's box that scrolls a table sideways (epub.css)


def epub_findings(spine: list[tuple[str, object]], path) -> list[Diagnostic]:
    """What a phone would show wrong, from the EPUB's spine documents ((file name, parsed XHTML)):
    a table outside a box that scrolls (cut at the screen's edge), a note call whose note is not in
    the book, a note printed twice (two notes with the same words)."""
    found, notes, seen = [], {}, {}
    for name, doc in spine:
        for element in doc.iter(f"{XHTML}li", f"{XHTML}aside", f"{XHTML}div", f"{XHTML}section"):
            if element.get(EPUB_TYPE) in ("endnote", "footnote", "rearnote") and element.get("id"):
                notes[f"{name}#{element.get('id')}"] = element
    for name, doc in spine:
        for table in doc.iter(f"{XHTML}table"):
            box = table.getparent()
            if SCROLLS not in (box.get("class") or "").split():
                found.append(Diagnostic(WARNING, "preflight.epub-table", f"{name}: a table is not in a box that "
                                        "scrolls: a table wider than the screen is cut at its edge", Location(path)))
        for call in doc.iter(f"{XHTML}a"):
            if call.get(EPUB_TYPE) != "noteref" and call.get("role") != "doc-noteref":
                continue
            href = call.get("href") or ""
            target = href if "#" in href and not href.startswith("#") else f"{name}{href}"
            if target not in notes:
                found.append(Diagnostic(ERROR, "preflight.call-without-note", f"{name}: the note call "
                                        f"{''.join(call.itertext()).strip()!r} leads to no note ({href})", Location(path)))
    for target, note in notes.items():
        words = inline_text(note).rstrip("↩0123456789 ")
        if len(words) >= 20 and words in seen:
            found.append(Diagnostic(WARNING, "preflight.note-twice", f"{target}: the note is printed twice (as "
                                    f"{seen[words]}): {words[:50]!r}", Location(path)))
        seen.setdefault(words, target)
    return found


# --- findings -> diagnostics ---------------------------------------------------------------------

def block_places(book: m.Book) -> dict[str, Location]:
    """Element id -> the source line of its block (every block, note and section of the book)."""
    places = {}
    for text in book.texts:
        for section in text.sections:
            places[section.id] = section.where
            for block in m.walk_blocks(section.blocks):
                places[block.id] = block.where
            for note in section.notes:
                places[note.id] = note.where
                for block in m.walk_blocks(note.blocks):
                    places[block.id] = block.where
    return places


def diagnostics(findings: list[Finding], places: dict[str, Location], root, fallback: Location,
                edition: str = "") -> list[Diagnostic]:
    """Each finding at the source line of the nearest block around its element (else ``fallback``),
    its message saying the printed page (of ``edition``: "booklet ", or "" for the PDF)."""
    parents = {child: parent for parent in root.iter() for child in parent} if root is not None else {}
    out = []
    for finding in findings:
        element, where = finding.element, None
        while element is not None and where is None:
            where = places.get(element.get("id") or "")
            element = parents.get(element)
        page = f"{edition}page {finding.folio}" if finding.folio else f"unnumbered {edition}page {finding.page + 1}"
        out.append(Diagnostic(finding.level, finding.code, f"{page}: {finding.message}", where or fallback))
    return out
