"""The quote engine: curly quotes, in each language's marks, decided from the whole paragraph.

Smarty (configured in ``markup.py`` with the marks from ``QUOTES``) curls each quote from one
character of context; ``typeset`` then fixes, on the repaired lxml tree, what that context cannot
tell: a quote after a link, quotes at the end or start of a paragraph, French spaced quotes,
straight quotes left escaped, and the closing single quote of German and Russian. Code, keyboard
input and note references are never touched (straight quotes stay straight there).
"""
from __future__ import annotations

import re
from bisect import bisect_right

from lxml import etree

from .callouts import BOX_TITLE
from .sanitize import REF
from .xhtml_repair import BLOCK_TAGS

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


def marks_for(language: str) -> tuple[str, str, str]:
    """(left double, right double, left single) for a language tag (``de-AT`` -> German; English
    where the language has no entry)."""
    return QUOTES.get(language.split("-")[0].lower(), QUOTES["en"])


def typeset(tree: etree._Element, quotes: tuple[str, str, str]) -> None:
    """Finish the quotes smarty curled, in place (``quotes``: what ``marks_for`` gives)."""
    _close_quotes_after_inline(tree, *quotes)
    _quotes_in_context(tree, *quotes)


QUOTE_CLOSERS = set(" \t\n.,;:!?)]\u2014\u2026\u00a0\u202f")


def _close_quotes_after_inline(tree: etree._Element, left: str, right: str, left_single: str) -> None:
    """Smarty opens a quote that comes straight after a link or image at the end of a paragraph
    (``"[text](url)"``): a quote right after an inline element, followed by nothing or by space or
    punctuation, closes."""
    for el in tree.iter():
        tail = el.tail
        if not tail or not isinstance(el.tag, str) or el.tag in BLOCK_TAGS or el.tag == "br":
            continue
        for opening, closing in ((left, right), (left_single, "\u2019")):
            rest = tail[len(opening):]
            if tail.startswith(opening) and (not rest or rest[0] in QUOTE_CLOSERS):
                el.tail = closing + rest
                break


# The closing single quote where it is not the apostrophe: German ‚…‘, Russian „…“.
CLOSING_SINGLE = {"\u201a": "\u2018", "\u201e": "\u201c"}
FLOW = BLOCK_TAGS | {"caption", "figcaption", BOX_TITLE}  # elements whose text runs are one flow of quotes
OPAQUE = {"code", "kbd", "samp", "var"}  # never typeset: straight quotes stay straight
BREAK, OBJECT = "\x00", "\x01"  # a line break, and code or an image: no character of the text stands for them
SPACES = "[ \t\u00a0]"


def _quotes_in_context(tree: etree._Element, left: str, right: str, left_single: str) -> None:
    """What smarty decides from one character of context, fixed from the whole paragraph:

    - a quote opening at the end of a paragraph or line (``possible. "``) closes, without the space;
    - a quote closing at the start of a paragraph or after a space with a word after its space
      (French ``" Bonjour "``, ``il dit " oui "``) opens, and spaced quotes lose their spaces;
    - straight quotes smarty left (written ``\\"``) close a quote opened before them or end a word
      (the quote opened in an earlier paragraph), or open one before a word; any other (a ditto
      mark after a space, in a table) stays;
    - in German and Russian the single quote that closes ‚…‘ and „…“ is not the apostrophe."""
    right_single = CLOSING_SINGLE.get(left_single, "\u2019")
    # the same expressions for every block of the tree: compiled once
    at_end = [(opener, re.compile(f"(?<=[^\\s{BREAK}]){SPACES}*({re.escape(opener)}){SPACES}*(?=[{BREAK}]|$)"),
               closer) for opener, closer in ((left, right), (left_single, right_single))]
    at_start = re.compile(f"^\\s*({re.escape(right)}){SPACES}+(?=[^\\s{BREAK}])")
    marks = _marks(left, right, left_single)
    for block in tree.iter(*FLOW):
        segments = _flow(block)
        text = "".join(t for _, _, t in segments)
        if not any(q in text for q in (left, right, left_single, '"', "'")):
            continue
        edits = [(m.start(), m.end(), closer) for opener, expression, closer in at_end
                 for m in _matches_around(expression, text, opener)]
        m = at_start.match(text)
        if m and not any(start < m.end() for start, _, _ in edits):
            edits.append((m.start(1), m.end(), left))
        if edits:  # else the block is as it was: its pieces and text stand
            _apply(segments, text, sorted(edits))
            segments = _flow(block)
            text = "".join(t for _, _, t in segments)
        _apply(segments, text, _pair_quotes(text, left, right, left_single, right_single, marks))


def _matches_around(expression: re.Pattern, text: str, opener: str):
    """What ``expression.finditer(text)`` gives, for an expression that matches spaces (``SPACES``)
    after a character that is no space, then ``opener``: a match can only start where the spaces
    before one of the opener's places start, so only there is the expression tried (instead of its
    lookbehind at every character of the block)."""
    at = 0
    while (found := text.find(opener, at)) >= 0:
        start = found
        while start > at and text[start - 1] in " \t\u00a0":
            start -= 1
        match = expression.match(text, start)
        if match is None:
            at = found + 1
        else:
            yield match
            at = match.end()


def _marks(left: str, right: str, left_single: str) -> re.Pattern:
    """Every character ``_pair_quotes`` stops at."""
    return re.compile("|".join(re.escape(q) for q in (left, right, left_single, '"', "'", "\u2019")))


def _pair_quotes(text: str, left: str, right: str, left_single: str, right_single: str,
                 marks: re.Pattern | None = None) -> list:
    """Straight quotes that pair with a curly one, and closing single quotes, by walking the text."""
    edits, open_double, open_single = [], 0, 0
    # every step below starts at one of these (``_marks``): the walk jumps from one to the next
    marks = marks or _marks(left, right, left_single)
    i = 0
    while (mark := marks.search(text, i)) is not None:
        i = mark.start()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if text.startswith(left, i):
            open_double += 1
        elif text.startswith(right, i) and not open_double and (before.isspace() or before == BREAK) and \
                re.match(r"[ \t\u00a0\n]+\w", text[i + len(right):i + len(right) + 40]):
            gap = len(text[i + len(right):]) - len(text[i + len(right):].lstrip(" \t\u00a0\n"))
            edits.append((i, i + len(right) + gap, left))  # il dit " oui " : a spaced quote opening
            open_double += 1
            i += len(right) + gap
            continue
        elif text.startswith(right, i):
            spaces = len(text[:i]) - len(text[:i].rstrip(" \t\u00a0"))
            if open_double and spaces and i > spaces and text[i - spaces - 1] not in (BREAK, "\n"):
                edits.append((i - spaces, i, ""))  # " Bonjour " typed with spaces inside the quotes
            open_double = max(0, open_double - 1)
        elif text.startswith(left_single, i) and left_single != right:
            open_single += 1
        elif text[i] == '"':
            if open_double and not before.isspace() and before not in (BREAK, left[-1]) and not after.isalnum():
                edits.append((i, i + 1, right))
                open_double -= 1
            elif (before.isspace() or before in f"{BREAK}([\u2014") and (after.isalnum() or after in "(["):
                edits.append((i, i + 1, left))
                open_double += 1
            elif not before.isspace() and before not in (BREAK, OBJECT) and not after.isalnum() and i:
                edits.append((i, i + 1, right))  # closes a quote opened in an earlier paragraph
        elif text[i] in "'\u2019" and open_single and not before.isspace() and not after.isalnum():
            if right_single != text[i]:
                edits.append((i, i + 1, right_single))
            open_single -= 1
        elif text[i] == "'" and before.isalpha() and after.isalpha():
            edits.append((i, i + 1, "\u2019"))  # an apostrophe written \\'
        i += 1
    return edits


def _flow(block: etree._Element) -> list[tuple[etree._Element, str, str]]:
    """The text of a block as (element, "text" or "tail", string) pieces in reading order, without
    nested blocks; a line break and an opaque element stand as one marker piece (element None)."""
    out: list = []

    def visit(el, own: bool):
        if own:
            out.append((el, "text", el.text or ""))
        for child in el:
            if not isinstance(child.tag, str):
                out.append((child, "tail", child.tail or ""))
                continue
            if child.tag in FLOW:
                pass
            elif child.tag == "br":
                out.append((None, "", BREAK))
            elif child.tag in OPAQUE or child.tag == "img" or child.get(REF) is not None:
                out.append((None, "", OBJECT))
            else:
                visit(child, True)
            out.append((child, "tail", child.tail or ""))

    visit(block, True)
    return out


def _apply(segments, text: str, edits: list[tuple[int, int, str]]) -> None:
    """Apply (start, end, replacement) edits to the joined text of ``segments``, piece by piece.

    Edits are taken in order; one that starts before the end of the last one taken, or at the text's
    end, is not applied, and neither is any after it. A replacement goes to the piece holding its
    start; an edit takes at least the character at its start. The text between edits is copied in
    slices, each into the pieces it spans."""
    if not edits:
        return
    starts, at = [], 0
    for _, _, piece in segments:
        starts.append(at)
        at += len(piece)
    new = [""] * len(segments)

    def owner(pos: int) -> int:  # the piece holding character pos (an empty piece holds none)
        return bisect_right(starts, pos) - 1

    def copy(a: int, b: int) -> None:
        while a < b:
            n = owner(a)
            stop = min(b, starts[n] + len(segments[n][2]))
            new[n] += text[a:stop]
            a = stop

    pos = 0
    for start, end, replacement in edits:
        if start < pos or start >= len(text):
            break
        copy(pos, start)
        new[owner(start)] += replacement
        pos = max(end, start + 1)
    copy(pos, len(text))
    for (el, attr, old), value in zip(segments, new):
        if el is not None and value != old:
            setattr(el, attr, value or None)


# --- titles: front matter and manifest fields are plain text, never parsed as Markdown ---

OPENS_AFTER = set(" \t\u00a0([{\u2014\u2013/-")  # a quote after these (or first) opens


def curl(text: str, language: str) -> str:
    """A plain-text field (a title from the front matter) with the marks the body would get:
    curly quotes in the language's marks, ``--`` as a dash and ``...`` as an ellipsis, as smarty
    and :func:`typeset` set them in the text, so a title reads the same on the title page as in a
    heading."""
    if not any(c in text for c in "\"'-."):
        return text
    left, right, left_single = marks_for(language)
    right_single = CLOSING_SINGLE.get(left_single, "\u2019")
    out = []
    for i, c in enumerate(text):
        before, after = (text[i - 1] if i else " "), (text[i + 1] if i + 1 < len(text) else " ")
        if c in "\"'" and before.isspace() and after.isspace():
            out.append(c)  # alone between spaces: a ditto mark or a quote itself, as in the text
        elif c == '"':
            out.append(left if before in OPENS_AFTER else right)
        elif c == "'":
            if before.isalnum() and after.isalnum():
                out.append("\u2019")  # an apostrophe inside a word: Women's
            elif before in OPENS_AFTER and not after.isdigit() and not after.isspace():
                out.append(left_single)
            else:
                out.append("\u2019" if before.isalnum() or after.isdigit() else right_single)  # Marx', '90s
        else:
            out.append(c)
    curled = "".join(out).replace("--", "\u2014").replace("...", "\u2026")
    block = etree.Element("p")
    block.text = curled
    typeset(block, (left, right, left_single))  # French spacing, quotes closing at the end
    return block.text
