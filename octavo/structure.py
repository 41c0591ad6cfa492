"""What each line of a source is, as Python-Markdown reads it: the one reading of the structure.

The dialect pre-pass rewrites lines (hard breaks, elisions, note markers, verse, lists, debris);
it must never rewrite code or raw HTML, and it must agree with the parser about what a heading,
a paragraph or a table is. So it does not guess: ``scan(lines)`` runs Octavo's own block parser
(``markup.new_markdown()``: the same processors and extensions the text is parsed with later) over
the lines and reads back, for every line, the kind of block it belongs to:

- ``code``: a line of fenced or indented code; ``fence``: a fence line of fenced code;
- ``html``: a line of a raw HTML block (or comment);
- ``marker``: a box's own markup, as the callouts extension read it (a fenced div's ``:::`` lines,
  an admonition's ``!!! note "Title"``);
- ``heading``, ``rule``, ``table``, ``paragraph`` (a paragraph, a list item's text, anything else
  that holds inline text), ``blank``.

Footnote definitions (``[^1]: ...`` and their indented continuation) are read by the rules of
Python-Markdown's footnotes extension, because the dialect takes them out of the text before the
parser sees it: their lines are text, never indented code.

Within inline text it finds what the inline parser keeps verbatim: code spans (Python-Markdown's
own backtick processor decides where they end), raw inline HTML tags and autolinks.
``Structure.protect`` hides them behind placeholders while a line rule runs, so a rule cannot see
inside them. Scanning costs one block parse (about 0.2 s for a 2 MB text; the inline parse, which
is most of the parser's time, is not run).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from markdown.extensions.footnotes import FootnoteBlockProcessor, FootnoteExtension
from markdown.inlinepatterns import AUTOLINK_RE, BACKTICK_RE, HTML_RE, BacktickInlineProcessor

from . import markup
from .vocabulary import QUOTE_PREFIX  # a line's block-quote marks (re-exported for the rules)
from .expressions import lazy

INLINE = frozenset({"paragraph", "heading", "table"})  # blocks of inline text
OPAQUE = frozenset({"code", "fence", "html", "marker"})  # nothing in these lines is rewritten
SHIELD = "\ue002"  # stands for a protected span while a rule runs (private use: never in a source)
_BACKTICK = lazy(BACKTICK_RE, re.DOTALL | re.UNICODE)
_VERBATIM = lazy(AUTOLINK_RE + "|" + HTML_RE, re.DOTALL | re.UNICODE)  # as the inline parser compiles them
_CODE_SPANS = BacktickInlineProcessor(BACKTICK_RE)
_QUOTES = lazy(r"^(?:[ \t]*>)+")
FOOTNOTE_DEF = lazy(r"^\[\^([^\]\s]+)\]:[ \t]?(.*)$")  # a footnote definition's first line


@dataclass(frozen=True)
class Fence:
    open: int  # index of the opening fence line
    close: int  # index of the closing fence line
    info: str  # the info string (a language), "" if none


@dataclass
class Structure:
    kinds: list[str]  # the kind of every line (see the module docstring)
    levels: dict[int, int] = field(default_factory=dict)  # first line of a heading -> its rank
    titles: dict[int, str] = field(default_factory=dict)  # first line of a heading -> its text (inline Markdown)
    starts: set[int] = field(default_factory=set)  # first line of every block
    quoted: set[int] = field(default_factory=set)  # lines inside a block quotation
    listed: set[int] = field(default_factory=set)  # lines inside a list item
    items: set[int] = field(default_factory=set)  # lines that start a list item
    fences: list[Fence] = field(default_factory=list)
    spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # line -> verbatim (start, end) ranges
    source: list[str] = field(default_factory=list)  # the lines as scanned

    def line(self, i: int) -> str:
        return self.source[i] if 0 <= i < len(self.source) else ""

    def mask(self) -> dict[int, bool]:
        """Line index -> whether it is a line of code (fenced or indented)."""
        return {i: kind in ("code", "fence") for i, kind in enumerate(self.kinds)}

    def kind(self, i: int) -> str:
        return self.kinds[i] if 0 <= i < len(self.kinds) else "blank"

    def opaque(self, i: int) -> bool:
        """Line i is code or raw HTML: no rule touches it."""
        return self.kind(i) in OPAQUE

    def code(self, i: int) -> bool:
        return self.kind(i) in ("code", "fence")

    def heading(self, i: int) -> tuple[int, str] | None:
        """(rank, text) of a heading that starts on line i, outside quotations and lists."""
        if i in self.levels and i not in self.quoted and i not in self.listed:
            return self.levels[i], self.titles[i]
        return None

    def last_of(self, i: int) -> int:
        """The last line of the block that starts on line i (a setext heading's underline)."""
        j = i
        while j + 1 < len(self.kinds) and self.kinds[j + 1] == self.kinds[i] and j + 1 not in self.starts:
            j += 1
        return j

    def plain(self, i: int) -> bool:
        """Line i is a line of an ordinary paragraph: not in a quotation, a list, a table or a heading."""
        return self.kind(i) == "paragraph" and i not in self.quoted and i not in self.listed

    def protect(self, i: int, text: str, code_only: bool = False) -> tuple[str, list[str]]:
        """``text`` (line i, as scanned, or as a rule changed it) with each verbatim span replaced by
        SHIELD, and the spans. A line a rule changed other than at its end is looked at alone.
        ``code_only``: hide code spans only, for a rule that reads inline HTML (a note reference
        written ``<sup><a href="#n1">1</a></sup>``)."""
        ranges = self.spans.get(i)
        if not text.startswith(self.line(i)):
            ranges = line_spans(text)
        if ranges and code_only:
            ranges = [(start, end) for start, end in ranges if text[start] == "`"]
        if not ranges:
            return text, []
        pieces, kept, last = [], [], 0
        for start, end in ranges:
            pieces += [text[last:start], SHIELD]
            kept.append(text[start:end])
            last = end
        pieces.append(text[last:])
        return "".join(pieces), kept


def restore(text: str, kept: list[str]) -> str:
    """Put back what ``Structure.protect`` hid (a rule never removes a SHIELD)."""
    if not kept:
        return text
    pieces = text.split(SHIELD)
    if len(pieces) != len(kept) + 1:
        raise AssertionError("a dialect rule removed or added a protected span")
    return "".join(p + k for p, k in zip(pieces, kept + [""]))


def rewrite(structure: Structure, i: int, text: str, rule, code_only: bool = False) -> str:
    """``rule(text)`` applied to line i with its code spans and inline HTML (``code_only``: its code
    spans) hidden from it."""
    hidden, kept = structure.protect(i, text, code_only)
    return restore(rule(hidden), kept)


def scan(lines: list[str]) -> Structure:
    """The structure of ``lines`` as the parser reads them. Raises RecursionError for nesting the
    parser cannot read (dialect.cap_nesting flattens it first)."""
    notes = FootnoteExtension()
    md = markup.new_markdown(notes)
    md.parser.blockprocessors.register(_NoteDefinitions(notes), "footnote", 17)
    md.reset()
    md.raw_chunks = []
    source = list(lines)
    for pre in md.preprocessors:  # whitespace normalisation only: the stock HTML preprocessor is off
        source = pre.run(source)
    root = md.parser.parseDocument(source).getroot()
    structure = Structure(kinds=["blank" if _blank(line) else "paragraph" for line in lines], source=list(lines))
    _Reader(md, structure, lines).visit(root, quoted=False, listed=False)
    for i in md.parser.markers:
        if 0 <= i < len(lines):
            structure.kinds[i] = "marker"
    _inline_spans(lines, structure)
    return structure


class _NoteDefinitions(FootnoteBlockProcessor):
    """Python-Markdown's footnote definitions, whose indented paragraphs may also stand after two
    blank lines or more (the dialect's rule: a note goes on while its next paragraph is indented)."""

    def detectTabbed(self, blocks: list[str]) -> list[str]:  # noqa: N802 (Python-Markdown's name)
        n = 0
        while n < len(blocks) and (not blocks[n] or blocks[n].lstrip("\n").startswith(" " * 4)):
            n += 1
        while n and not blocks[n - 1]:  # empty blocks after the last indented one are not the note's
            n -= 1
        for k in range(n):
            blocks[k] = blocks[k].lstrip("\n") or " " * 4
        return super().detectTabbed(blocks)

    def run(self, parent, blocks):
        if "[^" not in blocks[0]:  # RE: ^[ ]{0,3}\[\^ ; the stock run puts the block back
            return False
        return super().run(parent, blocks)


class _Reader:
    """The parse tree -> the kind of every line, from where each block starts and how many lines it
    took (the block parser records the first; the block's own text gives the second)."""

    def __init__(self, md, structure: Structure, source: list[str]):
        self.md, self.s, self.source, self.count = md, structure, source, len(source)
        self.lines, self.made, self.ends = md.parser.lines, md.parser.made, md.parser.ends

    def visit(self, el: ET.Element, quoted: bool, listed: bool) -> None:
        for child in el:
            start = self.lines.get(child)
            if start is None:
                continue
            tag = child.tag
            if tag in ("blockquote", "ul", "ol", "li"):
                if tag == "li":
                    self.s.items.add(start)
                    if child.text and child.text.strip():  # a tight item's text
                        self.mark(start, start + child.text.strip("\n").count("\n"), "paragraph", quoted, True)
                self.visit(child, quoted or tag == "blockquote", listed or tag == "li")
                continue
            end = self.last(start, self.ends.get(child, start))
            if tag == "pre":
                self.mark(start, end, "code", quoted, listed)
                if self.made.get(child) == "FencedCodeProcessor":
                    opening = markup.FENCE_OPEN.match(self.source[start].expandtabs(4))
                    self.mark(start, start, "fence", quoted, listed)
                    self.mark(end, end, "fence", quoted, listed)
                    self.s.fences.append(Fence(start, end, opening.group(3).strip() if opening else ""))
            elif tag == markup.RAW:
                self.mark(start, end, "html", quoted, listed)
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.mark(start, end, "heading", quoted, listed)
                self.s.levels[start] = int(tag[1])
                self.s.titles[start] = (child.text or "").strip()
            elif tag in ("hr", "table", "p"):
                self.mark(start, end, {"hr": "rule", "p": "paragraph"}.get(tag, tag), quoted, listed)
            else:
                self.visit(child, quoted, listed)

    def last(self, start: int, end: int) -> int:
        """The block's last line that is not blank (a processor's block ends at the next block)."""
        end = min(end, self.count - 1)
        while end > start and _blank(self.source[end]):
            end -= 1
        return end

    def mark(self, first: int, last: int, kind: str, quoted: bool, listed: bool) -> None:
        last = min(last, self.count - 1)
        self.s.starts.add(first)
        for i in range(first, last + 1):
            if kind in INLINE and self.s.kinds[i] == "blank":
                continue  # a blank line stays blank unless it is inside code or HTML
            self.s.kinds[i] = kind
            if quoted:
                self.s.quoted.add(i)
            if listed:
                self.s.listed.add(i)


def _blank(line: str) -> bool:
    """A blank line, also inside a block quotation (``>`` alone)."""
    return not _QUOTES.sub("", line).strip()


def _inline_spans(lines: list[str], s: Structure) -> None:
    """Code spans, inline HTML tags and autolinks of each block of inline text, line by line."""
    i = 0
    while i < len(lines):
        if s.kinds[i] not in INLINE:
            i += 1
            continue
        j = i + 1  # a block: lines of inline text up to a blank line or another block's start
        while j < len(lines) and s.kinds[j] == s.kinds[i] and j not in s.starts:
            j += 1
        text = "\n".join(lines[i:j])
        if "`" in text or "<" in text:
            _spans_of(text, i, s)
        i = j


def line_spans(text: str) -> list[tuple[int, int]]:
    """The verbatim spans (code spans, inline HTML, autolinks) of one line read alone."""
    if "`" not in text and "<" not in text:
        return []
    alone = Structure(kinds=["paragraph"])
    _spans_of(text, 0, alone)
    return alone.spans.get(0, [])


def _spans_of(text: str, first: int, s: Structure) -> None:
    ranges: list[tuple[int, int]] = []
    pos = 0
    while (m := _BACKTICK.search(text, pos)) is not None:
        el, start, end = _CODE_SPANS.handleMatch(m, text)
        if el is not None and not isinstance(el, str):
            ranges.append((start, end))
        pos = max(end, m.end())
    if "<" in text:
        blanked = list(text)
        for start, end in ranges:
            blanked[start:end] = "\0" * (end - start)
        ranges = sorted(ranges + [m.span() for m in _VERBATIM.finditer("".join(blanked))])
    lengths = [len(line) for line in text.split("\n")]
    offset = 0
    for n, length in enumerate(lengths):  # each line gets its part of a span
        for start, end in ranges:
            a, b = max(start, offset), min(end, offset + length)
            if a < b:
                s.spans.setdefault(first + n, []).append((a - offset, b - offset))
        offset += length + 1


def reread(lines: list[str], structure: Structure) -> Structure:
    """``structure`` if it was read from these very lines, else the lines read again."""
    if structure.source == lines:
        return structure
    try:
        return scan(lines)
    except RecursionError:
        return Structure(kinds=["blank" if not line.strip() else "paragraph" for line in lines], source=list(lines))


def unquote(line: str) -> str:
    """The line without its block-quote marks."""
    return line[len(QUOTE_PREFIX.match(line).group(1)):]
