"""Footnotes that may run over to the next page, as a typesetter splits them.

WeasyPrint never splits a footnote across pages (Kozea/WeasyPrint#1833). When a note does not fit
under its call, ``footnote-policy: line`` moves the call's line to the next page, leaving the page
short by the note's height (the Russian manifesto's folio 4 ended 8 lines early); and when the
body's last lines need the room (orphans), WeasyPrint sends the page's last note on to the next
page, away from its call (Capital ch. 15, note 53).

What a typesetter does instead: the note starts under its call and goes on at the foot of the next
page. Here each note is cut, after a first layout, at the ends of the lines it was set in: its
first ``HEAD_LINES`` lines stay one footnote (``footnote-policy: line``: with the call), every
further line is a footnote of its own that WeasyPrint may send on to the next page
(``footnote-policy: auto``), where it goes before that page's own notes. Those pieces stand at the
end of the paragraph that calls the note (or at the end of the line before its next note call's
line, :func:`piece_places`; before that call's note when the layout cannot say): WeasyPrint sets as many
of them as fit when it reaches them, and set beside the call they took the room of the
paragraph's own last lines, which then went on with the call and the whole note (Capital ch. 15,
folio 32 left ten lines short). The paragraph holding the
call gets ``orphans: 1``: when its second line finds no room, WeasyPrint would otherwise make room
by sending the page's last notes on, the call's first lines with them (its orphans rule wins over
the note), and the note would leave its call; with it, the call's line may end the page alone,
its note's first lines under it. A cut is made only where
a line ends between words (a word hyphenated by layout stays whole in one piece), and each piece
but a paragraph's last is justified to its last line (``text-align-last``): set on one page, the
pieces look exactly like the whole note, line for line. The cut note's pieces name their note in
``data-note`` so checks can find them; only the first keeps the note's id and its call
(``data-call``).

In: the print HTML and the first layout's pages as plain data (pageviews.Line). Out: the print
HTML with the notes cut. No WeasyPrint here.
"""
from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

HEAD_LINES = 2  # lines of a note that always stand under its call (a note of fewer is never cut)
IGNORED = {"\u00ad", "\u200b", "\u2060"}  # soft hyphen, zero-width space, word joiner: not letters
LAYOUT_HYPHEN = "\u2010"  # what layout adds where it hyphenates a word (print.css hyphenate-character)
BLOCKS = {"p", "li", "dd", "dt", "blockquote", "div", "figcaption", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"}
CUT_STYLE = "text-align-last: justify"  # a piece ending inside a paragraph: its last line set full
LEAVES = {"fn-p", "fn-li", "fn-dt", "fn-dd", "fn-h1", "fn-h2", "fn-h3", "fn-h4", "fn-h5", "fn-h6"}  # lines of text
CONTAINERS = {"fn-blockquote", "fn-ul", "fn-dl", "fn-div", "fn-section", "fn-aside"}  # blocks of them (a
# numbered list is not cut: its second piece would count its items from 1 again)


def _letters(text: str) -> int:
    return sum(1 for c in text if not c.isspace() and c not in IGNORED)


def note_lines(pages, root) -> dict[str, list[list[tuple[int, bool]]]]:
    """Each footnote's laid-out lines, by the note's id: for each of its blocks (:func:`note_blocks`,
    in order), each line's letters and whether layout hyphenated the line's last word.
    ``pages``: pageviews.PageView of every page; ``root``: the laid-out document's root element.
    A note that holds anything else (a table, code, an image), or whose lines are not all lines of
    those blocks, is left out (it is never cut)."""
    parents = {child: parent for parent in root.iter() for child in parent}
    found: dict[str, dict[int, list[tuple[int, bool]]]] = {}
    spoiled: set[str] = set()
    blocks: dict = {}  # note element -> {block: its index}, None when the note cannot be cut
    for page in pages:
        for line in page.lines:
            if line.area != "footnotes":
                continue
            note = line.block
            while note is not None and "footnote" not in (note.get("class") or "").split():
                note = parents.get(note)
            note_id = note.get("id") if note is not None else None
            if not note_id:
                continue
            if note not in blocks:
                listed = note_blocks(note)
                blocks[note] = None if listed is None else {block: n for n, block in enumerate(listed)}
            index = (blocks[note] or {}).get(line.block)
            if index is None:
                if blocks[note] is None or line.text.strip():
                    spoiled.add(note_id)
                continue  # else the space between the note's blocks
            text = line.text.rstrip()
            hyphenated = text.endswith(LAYOUT_HYPHEN)
            letters = _letters(text) - (1 if hyphenated else 0)
            found.setdefault(note_id, {}).setdefault(index, []).append((letters, hyphenated))
    return {note_id: [paragraphs[i] for i in sorted(paragraphs)] for note_id, paragraphs in found.items()
            if note_id not in spoiled and sorted(paragraphs) == list(range(len(paragraphs)))}


def _fn_class(element) -> str | None:
    """The ``fn-TAG`` class a block of a note's markup carries (typography._as_inline_level), if any."""
    return next((c for c in (element.get("class") or "").split() if c.startswith("fn-")), None)


def note_blocks(note: etree._Element) -> list | None:
    """The blocks of a note whose lines hold its text, in order: its paragraphs, list items, terms
    and headings, also inside a quotation, list or division; the note may be cut after any line of
    them. None when the note holds what cannot be cut by lines (a table, code, an image, a forced
    line break, a rule, a block inside a paragraph, text between blocks)."""
    blocks: list = []

    def walk(holder) -> bool:
        if (holder.text or "").strip():
            return False
        for child in holder:
            if not isinstance(child.tag, str):
                continue
            kind = _fn_class(child)
            if (child.tail or "").strip():
                return False
            if kind in LEAVES:
                if any(isinstance(d.tag, str) and d is not child and (_fn_class(d) or d.tag in ("br", "img"))
                       for d in child.iter()):  # (iter: the laid-out document is an xml.etree one)
                    return False
                blocks.append(child)
            elif kind not in CONTAINERS or not walk(child):
                return False
        return True

    return blocks if walk(note) and blocks else None


def piece_places(pages, root) -> dict[str, tuple[int, int]]:
    """Where a note's run-over pieces go when its paragraph calls another note on a later line: by
    the note's id, (the paragraph's letters outside its notes, the letters up to the end of the
    last whole word of the line before that later call's line: after it, as a call stands after
    its word; set before a word, they broke the line before it). There the pieces fill the foot of the call's page
    under the body's lines; set before the later note (:func:`_cut`), they stood in the later
    call's line, and when that note found no room at the foot (a note after one that runs over
    must go on too) the line went on with them, the page left short (the Russian Manifesto's
    folio 4). ``pages``: pageviews.PageView of a layout; ``root``: its document's root."""
    notes = {el.get("data-call"): el.get("id") for el in root.iter()
             if el.get("data-call") and el.get("id") and "footnote" in (el.get("class") or "").split()}
    paragraphs: dict[object, list] = {}
    for page in pages:
        for line in page.lines:
            if line.area == "body" and line.block is not None:
                paragraphs.setdefault(line.block, []).append(line)
    places = {}
    for lines in paragraphs.values():
        counted = [_line_letters(line.text) for line in lines]
        total = sum(counted)
        calls = []  # (line index, letters before and up to the call, note id)
        for index, line in enumerate(lines):
            before = sum(counted[:index])
            for text, element in zip(line.texts, line.elements):
                before += _letters(text)
                if element is not None and element.get("id") in notes and "noteref" in (element.get("class") or ""):
                    calls.append((index, before, notes[element.get("id")]))
        for (index, at, note), (later, _, _) in zip(calls, calls[1:]):
            if later <= index:
                continue  # the later call is on the same line: the pieces go before its note
            place = sum(counted[:later])  # after the line's last word, where a call would stand
            if lines[later - 1].text.rstrip().endswith(LAYOUT_HYPHEN):  # never inside a word
                words = lines[later - 1].text.split()
                place -= _line_letters(words[-1]) if len(words) > 1 else place
            if place >= at:
                places[note] = (total, place)
    return places


def _line_letters(text: str) -> int:
    """The letters of a laid-out line's text, without the hyphen layout added at its end."""
    text = text.rstrip()
    return _letters(text) - (1 if text.endswith(LAYOUT_HYPHEN) else 0)


def cut_notes(html: str, lines: dict[str, list[list[tuple[int, bool]]]],
              places: dict[str, tuple[int, int]] | None = None) -> str:
    """The print HTML with each note of ``lines`` longer than HEAD_LINES cut into its pieces (set
    where ``places`` says, :func:`piece_places`, if it says); the HTML as it was when no note is cut."""
    root = lxml_html.document_fromstring(html)
    cut = False
    notes = [note for note in root.iter("span") if note.get("id") in lines and note.get("class") == "footnote"]
    for note in notes:  # found first: cutting adds spans beside them
        cut |= _cut(note, lines[note.get("id")], (places or {}).get(note.get("id")))
    footnotes = [span for span in root.iter("span") if "footnote" in (span.get("class") or "").split()]
    for order, span in enumerate(footnotes, 1):  # moved on to the next page, they keep this order (weasy.py)
        span.set("data-order", str(order))
    return lxml_html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode") if cut else html


def _cut(note: etree._Element, paragraphs: list[list[tuple[int, bool]]], place: tuple[int, int] | None = None) -> bool:
    """Cut one note (a span.footnote of the blocks :func:`note_blocks` lists) after its laid-out lines."""
    children = note_blocks(note)
    if children is None or len(children) != len(paragraphs):
        return False
    if sum(len(p) for p in paragraphs) <= HEAD_LINES:
        return False
    for child, counted in zip(children, paragraphs):
        if sum(n for n, _ in counted) != _letters("".join(child.itertext())):
            return False  # the layout's letters are not the markup's: leave the note whole
    # the cuts: (paragraph index, letters of it before the cut), after HEAD_LINES lines
    cuts, seen = [], 0
    for index, counted in enumerate(paragraphs):
        before = 0
        for number, (letters, hyphenated) in enumerate(counted):
            before += letters
            seen += 1
            if seen < HEAD_LINES:
                continue
            last = number == len(counted) - 1
            if last and index < len(paragraphs) - 1:
                cuts.append((index + 1, 0))  # between paragraphs
            elif not last and not hyphenated:
                cuts.append((index, before))
    if not cuts:
        return False
    pieces = _pieces(note, cuts)
    parent, at = note.getparent(), note.getparent().index(note)
    tail, note.tail = note.tail, None
    head, *rest = pieces
    for child in list(note):
        note.remove(child)
    note.extend(head)
    made = []
    for content in rest:
        piece = etree.Element("span", {"class": "footnote footnote-more", "role": "doc-footnote",
                                       "data-note": note.get("id"), "style": "footnote-policy: auto"})
        piece.extend(content)
        made.append(piece)
    block = next((a for a in note.iterancestors() if a.tag in BLOCKS), None)
    if block is not None:
        note.tail = tail  # (its letters count where the pieces go)
    later = _next_note(block, note) if block is not None else None
    if later is not None and place is not None and _insert_at(block, place, made):
        pass  # at the end of the line before the next note's call's line (piece_places)
    elif later is not None:  # before the next note called in the paragraph: the notes keep their order
        where = later.getparent()
        for offset, piece in enumerate(made):
            where.insert(where.index(later), piece)
    elif block is not None:  # at the paragraph's end: its own last lines come before the note's
        block.extend(made)
    else:
        for offset, piece in enumerate(made, 1):
            parent.insert(at + offset, piece)
    if block is not None:  # the call's line may end a page alone rather than its note leave it (below)
        _style(block, "orphans: 1")
    if block is None:
        made[-1].tail = tail
    return True


def _insert_at(block: etree._Element, place: tuple[int, int], made: list) -> bool:
    """Put ``made`` in ``block`` right after its first ``place[1]`` letters (letters outside its
    notes), when the block has ``place[0]`` such letters (as laid out) and the last of them stands
    in its own text, not in inline markup (whose style the notes would take on). Whether they were put."""
    total, at = place
    segments = []  # (element, "text" or "tail", letters before it)
    count = 0

    def walk(element, outside):
        nonlocal count
        if outside:
            segments.append((element, "text", count))
            count += _letters(element.text or "")
        for child in element:
            if not isinstance(child.tag, str):
                continue
            walk(child, outside and "footnote" not in (child.get("class") or "").split())
            if outside:
                segments.append((child, "tail", count))
                count += _letters(child.tail or "")

    walk(block, True)
    if count != total:
        return False  # the layout's letters are not the markup's
    if at < 1:
        return False
    for element, kind, before in segments:
        text = getattr(element, kind) or ""
        if before < at <= before + _letters(text) and (element is block if kind == "text" else element.getparent() is block):
            seen, offset = before, 0
            for offset, char in enumerate(text, 1):
                if not char.isspace() and char not in IGNORED:
                    seen += 1
                    if seen == at:
                        break
            setattr(element, kind, text[:offset])
            where = 0 if kind == "text" else block.index(element) + 1
            for n, piece in enumerate(made):
                block.insert(where + n, piece)
            made[-1].tail = text[offset:]
            return True
    return False


def _next_note(block: etree._Element, note: etree._Element) -> etree._Element | None:
    """The first footnote called in ``block`` after ``note`` (not inside it), if any."""
    after = False
    for element in block.iter("span"):
        if element is note:
            after = True
        elif after and "footnote" in (element.get("class") or "").split() and note not in element.iterancestors():
            return element
    return None


def _pieces(note: etree._Element, cuts: list[tuple[int, int]]) -> list[list[etree._Element]]:
    """The note cut at ``cuts`` ((block, letters of it before the cut) in order, blocks as
    :func:`note_blocks` lists them): each piece's content, a copy of the note's keeping the text
    between two cuts, with the quotations and lists around it."""
    count = len(note_blocks(note))
    bounds = [(0, 0), *cuts, (count, 0)]
    return [_piece(note, p1, l1, p2 if l2 else p2 - 1, l2 or None) for (p1, l1), (p2, l2) in zip(bounds, bounds[1:])]


def _piece(note: etree._Element, first: int, start: int, last: int, end: int | None) -> list[etree._Element]:
    """A copy of the note's content from letter ``start`` of its block ``first`` to letter ``end``
    (None: all) of its block ``last``. A block or list begun in an earlier piece goes on without
    its id, its indent, its list marker or its top margin; one going on in a later piece has no bottom margin."""
    copy = etree.fromstring(etree.tostring(note, with_tail=False))
    blocks = note_blocks(copy)
    spans = {}  # each container of the copy -> (its first block, its last)
    for container in copy.iterdescendants():
        inside = [n for n, block in enumerate(blocks) if container in block.iterancestors()]
        if inside:
            spans[container] = (inside[0], inside[-1])
    for index, block in enumerate(blocks):
        if not first <= index <= last:
            block.getparent().remove(block)
            continue
        part = _slice(block, start if index == first else 0, end if index == last else None)
        if index == first and start > 0:
            for element in part.iter():  # an id stays with the piece the paragraph begins in
                element.attrib.pop("id", None)
            _style(part, "text-indent: 0")  # goes on with a paragraph begun on the piece before
            if _fn_class(part) == "fn-li":
                _style(part, "list-style-type: none")  # its marker stands on the piece before
        if index == last and end is not None:
            _style(part, CUT_STYLE)
        part.tail = block.tail
        block.getparent().replace(block, part)
    for container, (low, high) in spans.items():
        if high < first or low > last:
            container.getparent().remove(container)
            continue
        if low < first or (low == first and start > 0):
            container.attrib.pop("id", None)
            _style(container, "margin-top: 0")
        if high > last or (high == last and end is not None):
            _style(container, "margin-bottom: 0")
    content = list(copy)
    for element in content:
        copy.remove(element)
    return content


def _style(element: etree._Element, rule: str) -> None:
    element.set("style", "; ".join(filter(None, [element.get("style"), rule])))


def _slice(element: etree._Element, start: int, end: int | None) -> etree._Element:
    """A copy of ``element`` keeping the text from its ``start``-th letter up to its ``end``-th
    (None: to the end), inline markup kept around what is kept."""
    copy = etree.fromstring(etree.tostring(element))  # a detached deep copy, tail dropped below
    copy.tail = None
    count = 0

    def keep(text: str | None) -> str | None:
        nonlocal count
        if not text:
            return text
        kept = []
        for char in text:
            if not char.isspace() and char not in IGNORED:
                inside = start <= count and (end is None or count < end)
                count += 1
            else:  # a space is kept between kept letters (or before the first, for the first piece)
                inside = (count > start or start == 0) and (end is None or count < end)
            kept.append(char if inside else "")
        return "".join(kept)

    def walk(el):
        el.text = keep(el.text)
        for child in list(el):
            walk(child)
            child.tail = keep(child.tail)

    walk(copy)
    for el in reversed(list(copy.iterdescendants())):  # innermost first
        if not el.text and not len(el) and el.tag not in ("br", "wbr", "img"):
            _drop(el)  # all its text went to another piece
    return copy


def _drop(element: etree._Element) -> None:
    """Remove an element emptied by a cut, keeping its tail."""
    parent = element.getparent()
    previous = element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def implicated(pages, root) -> set[str]:
    """The ids of the notes behind a layout's trouble: a note off its call's page, the notes called
    on a page that ends early and the first one called on the next (its call's line pushed over)."""
    notes = {el.get("data-call"): el.get("id") for el in root.iter()
             if el.get("data-call") and el.get("id") and "footnote" in (el.get("class") or "").split()}
    from .preflight import short_pages

    calls = [call for page in pages for call in page.feet if call not in page.calls]
    for finding in short_pages(pages, lambda n: "", notes_kept=False):
        calls += pages[finding.page].calls
        following = pages[finding.page + 1].calls if finding.page + 1 < len(pages) else ()
        calls += following[:1]
    return {notes[call] for call in calls if call in notes}


def better(before: tuple[int, int, int], after: tuple[int, int, int]) -> bool:
    """Whether a layout with ``after`` :func:`trouble` is better than one with ``before``: no more
    notes printed nowhere (never), no more notes off their call's page (the reader looks for the
    note), fewer defects."""
    return after[2] <= before[2] and after[1] <= before[1] and sum(after) < sum(before)


def trouble(pages, root) -> tuple[int, int, int]:
    """(pages ending early with no page break to explain it, notes off their call's page, calls
    whose note no page prints) of a layout's pages (pageviews.PageView) and the laid-out document's
    root: what cutting notes should make fewer, the last never more. Only a call given a note (or a
    pointer) for the foot in the markup can lose it: a note's second call has none (its note stands
    under the first), nor has the call of a note printed at the end."""
    from .preflight import short_pages

    off = sum(1 for page in pages for call in page.feet if call not in page.calls)
    printed = {call for page in pages for call in page.feet}
    footed = {el.get("data-call") for el in root.iter() if el.get("data-call")} if root is not None else set()
    lost = sum(1 for page in pages for call in page.calls if call in footed and call not in printed)
    return len(short_pages(pages, lambda n: "", notes_kept=False)), off, lost
