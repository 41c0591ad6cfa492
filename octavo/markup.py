"""Markdown -> an lxml block tree whose every element knows the file line it was written on.

The only module that knows Python-Markdown (with quick_inline.py and quick_blocks.py, the same
processors made to skip text they cannot match). What it adds, at Python-Markdown's own extension
points:

- a block parser that records the Markdown line each block element starts on (blocks are carried
  as strings that know their line; nested parses find their text inside the block being parsed);
- raw HTML blocks and fenced code as block processors instead of the stock preprocessors, which
  collapse many lines into one placeholder and lose every later line number;
- a note-reference inline pattern for the dialect's placeholders.

The Markdown tree is then turned into lxml one chunk at a time: each raw HTML block, and the inline
content of each Markdown block (with its raw inline tags from the stash), goes through
``sanitize`` on its own, so an unclosed ``<script>`` can only take the rest of its own chunk.
Markdown lines map to file lines through the dialect's line map. A fresh parser is made for every
text (Python-Markdown instances carry state). Each tree then goes through ``xhtml_repair`` (what
XHTML forbids) and ``quotes`` (the quotes smarty cannot decide from one character).

Over 500 lines because every piece here is a Python-Markdown extension point that shares the line
bookkeeping of ``LineBlockParser`` (``lines``, ``made``, ``ends``, ``markers``); split, each would
reach into another module's parser state.
"""
from __future__ import annotations

import re
import secrets
from functools import cached_property
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Callable, Sequence

import markdown
from lxml import etree
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor, CodeBlockProcessor, EmptyBlockProcessor, build_block_parser
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.tables import TableExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.serializers import to_html_string
from markdown.util import ETX, HTML_PLACEHOLDER_RE, STX, AtomicString

from . import callouts, quick_blocks, quick_inline
from .callouts import BOX, BOX_TITLE
from .diagnostics import Collector
from .sanitize import (LINE, RAW_BLOCK_TAGS, REF, REF_CLOSE, REF_OPEN, Findings, allowed_attributes,
                       sanitize_into)
from .quotes import marks_for, typeset as typeset_quotes
from .xhtml_repair import repair
from .expressions import lazy

RAW = "octavo-raw"  # placeholder element for a raw HTML block in the Markdown tree
MARKDOWN_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr", "table",
                   "thead", "tbody", "tfoot", "tr", "td", "th", RAW, BOX, BOX_TITLE}
RAW_START = lazy(r"^ {0,3}(?:<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)|<!--|<\?|<![A-Za-z]|<!\[CDATA\[)")
FENCE_OPEN = lazy(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^`\n]*)$")
CODE_ATTRIBUTES = lazy(r"^ {0,3}\{:?[ \t]*((?:\.[\w-]+[ \t]*)+)\}[ \t]*$")  # {: .output} under a fence
OUTPUT_CLASSES = {"output", "error", "warning"}  # what a program printed (lessons' classes)
SOURCE_CLASSES = {"source", "code"}  # code, language unnamed
LOOKAHEAD_BLOCKS = 50  # an HTML block left open continues past a blank line only to a close this near


class Lined(str):
    """A block of Markdown that knows the (0-based) Markdown line it starts on."""

    line: int

    def __new__(cls, text: str, line: int):
        obj = super().__new__(cls, text)
        obj.line = line
        return obj


def lined(blocks: Sequence[str], first: int) -> list[Lined]:
    """Blocks split on blank lines, each with its line ("a\\n\\nb": a on 0, b on 2)."""
    out, line = [], first
    for block in blocks:
        out.append(Lined(block, line))
        line += block.count("\n") + 2
    return out


class _Frame:
    """The block a ``parseBlocks`` call is working on, for the nested parses its processor starts."""

    def __init__(self, parent, head: Lined):
        self.parent = parent
        self.head = head
        self.cursor = 0
        self.siblings_end: int | None = None  # first line after text parsed into the same parent

    @cached_property
    def lines(self) -> list[str]:  # split only when a nested parse needs it
        return self.head.split("\n")


class LineBlockParser(BlockParser):
    """Python-Markdown's block parser, recording in ``lines`` the Markdown line of every block element."""

    def __init__(self, md):
        super().__init__(md)
        self.lines: dict[ET.Element, int] = {}
        self.made: dict[ET.Element, str] = {}  # each block element -> the class name of the processor that made it
        self.ends: dict[ET.Element, int] = {}  # each block element -> the last line its processor took
        self.markers: set[int] = set()  # Markdown lines that are a box's markup (a div's fences, "!!! note")
        self.frames: list[_Frame] = []

    def parseDocument(self, lines):  # noqa: N802 (Python-Markdown's names)
        self.lines, self.made, self.ends, self.frames, self.markers = {}, {}, {}, [], set()
        self.root = ET.Element(self.md.doc_tag)
        self.parseBlocks(self.root, lined("\n".join(lines).split("\n\n"), 0))
        return ET.ElementTree(self.root)

    def parseChunk(self, parent, text):  # noqa: N802
        self.parseBlocks(parent, text.split("\n\n"))

    def parseBlocks(self, parent, blocks):  # noqa: N802
        if not blocks:
            return
        if not isinstance(blocks[0], Lined):  # a nested parse: find its text in the block being parsed
            blocks[:] = lined(blocks, self._locate(parent, "\n\n".join(blocks)))
        if parent is not self.root:
            self.lines.setdefault(parent, blocks[0].line)
        previous: Lined | None = None
        while blocks:
            if not isinstance(blocks[0], Lined):  # what a processor left of the block it took
                blocks[0] = self._relate(blocks[0], previous)
            head, tail = blocks[0], blocks[-1]
            frame = _Frame(parent, head)
            count = len(parent)
            self.frames.append(frame)
            try:
                for processor in self.blockprocessors:
                    if processor.test(parent, head) and processor.run(parent, blocks) is not False:
                        break
            finally:
                self.frames.pop()
            line = head.line if frame.siblings_end is None else frame.siblings_end
            if blocks and not isinstance(blocks[0], Lined):
                blocks[0] = self._relate(blocks[0], head)
            end = blocks[0].line - 1 if blocks else getattr(tail, "line", head.line) + tail.count("\n")
            name = type(processor).__name__
            for child in parent[count:]:
                self.made.setdefault(child, name)
                self.ends.setdefault(child, end)
                self._stamp(child, line)
            if len(parent) == count and len(parent) and isinstance(processor, CodeBlockProcessor):  # more of the code above
                self.ends[parent[-1]] = end
            previous = head

    def _stamp(self, el, line: int) -> None:
        line = self.lines.setdefault(el, line)
        if el.tag == "table":  # header row, separator line, then one line per row
            rows = [tr for group in el for tr in group if tr.tag == "tr"]
            for n, tr in enumerate(rows):
                self.lines.setdefault(tr, line + (n + 1 if n else 0))
        for child in el:
            self._stamp(child, self.lines.get(child, self.lines.get(el, line)))

    def _relate(self, rest: str, previous: Lined | None) -> Lined:
        """The line of a remainder: usually the end of the block it was cut from."""
        if previous is None:
            return Lined(rest, 0)
        if previous.endswith(rest):
            return Lined(rest, previous.line + previous[: len(previous) - len(rest)].count("\n"))
        offset = _find_lines(previous.split("\n"), rest.split("\n"), 0)
        return Lined(rest, previous.line + (offset or 0))

    def _locate(self, parent, text: str) -> int:
        """The Markdown line where a nested parse's text starts: its lines are the ends of lines of
        the block the calling processor is working on (prefixes like ``> `` or ``* `` removed)."""
        if not self.frames:
            return 0
        frame = self.frames[-1]
        lines = text.split("\n")
        offset = _find_lines(frame.lines, lines, frame.cursor)
        if offset is None:
            offset = frame.cursor
        else:
            frame.cursor = offset + max(len(lines) - 1, 0)
        start = frame.head.line + offset
        if parent is frame.parent:  # text of the same parent (e.g. before a heading): later elements follow it
            frame.siblings_end = start + len(lines)
        return start


def _find_lines(haystack: list[str], needle: list[str], start: int) -> int | None:
    """First index >= start where the needle's lines end the haystack's lines (blank lines match any)."""
    probe = next((j for j, line in enumerate(needle) if line.strip()), None)
    if probe is None:
        return start if start < len(haystack) else None
    for i in range(start, len(haystack) - len(needle) + 1):
        if haystack[i + probe].endswith(needle[probe]) and all(
                haystack[i + j].endswith(needle[j]) for j in range(probe + 1, min(len(needle), probe + 3))):
            return i
    return None


class _Balance(HTMLParser):
    """Where the element that starts an HTML block closes (the line of its end tag), if it does."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.first: str | None = None
        self.depth = 0
        self.done_line: int | None = None

    def _done(self, text: str = ""):
        if self.done_line is None:  # the line the construct ends on (it may span lines)
            self.done_line = self.getpos()[0] - 1 + text.count("\n")

    def handle_starttag(self, tag, attrs):
        if self.first is None:
            self.first = tag
            if tag in ("br", "hr", "img", "wbr", "embed", "col"):
                self._done(self.get_starttag_text() or "")
                return
        if tag == self.first and self.done_line is None:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.first is None:
            self.first = tag
            self._done(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if self.first is None:  # a stray end tag starts the block: it is the whole block
            self.first = tag
            self._done()
        elif tag == self.first and self.done_line is None:
            self.depth -= 1
            if self.depth <= 0:
                self._done()

    def handle_comment(self, data):
        if self.first is None:
            self.first = "!--"
            self._done("<!--" + data)

    def handle_decl(self, decl):
        if self.first is None:
            self.first = "!"
            self._done()

    handle_pi = unknown_decl = handle_decl

    def parse_marked_section(self, i, report=1):
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:  # "<![i](p.png)": no marked section; Python's parser raises on it
            return -1  # read no further: the block is what was read before it


class RawHtmlBlockProcessor(BlockProcessor):
    """A Markdown block that starts with a block-level tag is raw HTML, up to where that element
    closes. It goes on past blank lines only while its end tag is still to come nearby; an element
    never closed ends with its Markdown block, so it cannot swallow the text after it."""

    def test(self, parent, block):
        m = RAW_START.match(block)
        return bool(m) and (m.group(2) is None or m.group(2).lower() in RAW_BLOCK_TAGS)

    def run(self, parent, blocks):
        head = blocks.pop(0)
        balance = _Balance()
        balance.feed(head)
        pieces = [head]
        opened = balance.first or ("!--" if head.lstrip().startswith("<!--") else None)
        while balance.done_line is None and blocks and opened and _closes_later(opened, blocks):
            pieces.append(blocks.pop(0))
            balance.feed("\n\n" + pieces[-1])
        chunk = "\n\n".join(pieces)
        if balance.done_line is not None:
            lines = chunk.split("\n")
            rest = "\n".join(lines[balance.done_line + 1:])
            chunk = "\n".join(lines[:balance.done_line + 1])
            if rest.strip():
                blocks.insert(0, Lined(rest, head.line + balance.done_line + 1))
        el = ET.SubElement(parent, RAW)
        el.set("chunk", str(len(self.parser.md.raw_chunks)))
        self.parser.md.raw_chunks.append(chunk)
        self.parser.lines[el] = head.line


def _closes_later(tag: str, blocks: list[str]) -> bool:
    closing = re.compile("-->" if tag == "!--" else r"</\s*" + re.escape(tag) + r"\s*>", re.IGNORECASE)
    return any(closing.search(b) for b in blocks[:LOOKAHEAD_BLOCKS])


def closing_fence(fence: str) -> re.Pattern:
    """The line that closes a fence opened with ``fence`` (```` ``` ````, ``~~~~``): the same
    character, at least as many, up to three spaces before and nothing but spaces after."""
    return re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")


class FencedCodeProcessor(BlockProcessor):
    """```` ``` ```` or ``~~~`` fences, as a block processor so every line keeps its number. A fence
    that is never closed is not a fence (as in Python-Markdown): its lines stay text. The info string
    (```` ```bash ````, ```` ```{.python} ````) names the language; a kramdown attribute list on the
    line under the closing fence (``{: .language-bash}``, ``{: .output}``: Jekyll lessons) does too,
    and is taken with the block."""

    def test(self, parent, block):
        if "```" not in block and "~~~" not in block:
            return False  # no line can open a fence
        return bool(FENCE_OPEN.match(block.split("\n", 1)[0])) or self._interrupts(_item_lines(parent, block)) is not None

    @staticmethod
    def _interrupts(lines: list[str]) -> int | None:
        """The line where a fence closed later in the same block starts, inside a paragraph's lines
        (a fence ends a paragraph, as in CommonMark and as the dialect's code mask reads it)."""
        for k in range(1, len(lines)):
            opened = FENCE_OPEN.match(lines[k])
            if opened:
                closing = closing_fence(opened.group(2))
                return k if any(closing.match(l) for l in lines[k + 1:]) else None
        return None

    def run(self, parent, blocks):
        head = blocks[0]
        if not FENCE_OPEN.match(head.split("\n", 1)[0]):
            lines = _item_lines(parent, head)
            k = self._interrupts(lines)
            blocks[0] = Lined("\n".join(lines[k:]), head.line + k)
            self.parser.parseBlocks(parent, [Lined("\n".join(lines[:k]), head.line)])
            head = blocks[0]
        indent, fence, info = FENCE_OPEN.match(head.split("\n", 1)[0]).groups()
        closing = closing_fence(fence)
        lines, taken = head.split("\n")[1:], 1
        end = next((i for i, l in enumerate(lines) if closing.match(l)), None)
        while end is None and taken < len(blocks) and taken <= 2000:
            lines += [""] + blocks[taken].split("\n")
            taken += 1
            end = next((i for i, l in enumerate(lines) if closing.match(l)), None)
        if end is None:
            return False
        last = blocks[taken - 1]
        del blocks[:taken]
        rest = lines[end + 1:]
        classes = CODE_ATTRIBUTES.match(rest[0]) if rest else None
        if classes:
            rest = rest[1:]
        if any(l.strip() for l in rest):
            rest_text = "\n".join(rest)
            blocks.insert(0, Lined(rest_text, last.line + last.count("\n") - rest_text.count("\n")))
        code = [l[len(indent):] if l.startswith(indent) else l.lstrip(" ") for l in lines[:end]]
        pre = ET.SubElement(parent, "pre")
        element = ET.SubElement(pre, "code")
        element.text = AtomicString("\n".join(code) + "\n")
        names = re.findall(r"[\w+#-]+", info.replace("language-", " ").replace("{", " ").replace(".", " "))[:1]
        if classes:
            names = [c.lstrip(".") for c in classes.group(1).split()]
        language = code_language(names)
        if language:
            element.set("class", f"language-{language}")
        self.parser.lines[pre] = head.line
        self.parser.ends[pre] = head.line + 1 + end  # the closing fence, not the attribute list under it
        if classes:
            self.parser.markers.add(head.line + 2 + end)  # that list is the block's markup


def _item_lines(parent, block: str) -> list[str]:
    """A block's lines; in a list item, its continuation lines indented as the item's content is
    (four spaces, as Python-Markdown leaves them) are read from that indent."""
    lines = block.split("\n")
    if parent.tag == "li" and len(lines) > 1 and all(l.startswith("    ") or not l.strip() for l in lines[1:]):
        return lines[:1] + [l[4:] for l in lines[1:]]
    return lines


def code_language(names: list[str]) -> str | None:
    """The language a fence's info string or classes name (``bash``, ``language-bash``, ``output``),
    lower-cased; None when they name none (``source``)."""
    for name in names:
        name = name.lower().removeprefix("language-")
        if name and name not in SOURCE_CLASSES:
            return name
    return None


class _NormalizeWhitespace(Preprocessor):
    """Python-Markdown's own normalisation (tabs to spaces, lines of spaces emptied) everywhere but
    inside fenced code, whose lines stay byte for byte (a tab in a Makefile stays a tab)."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines).replace(STX, "").replace(ETX, "").replace("\r\n", "\n").replace("\r", "\n")
        lines = (source + "\n\n").split("\n")
        out, i = [], 0
        while i < len(lines):
            opened = FENCE_OPEN.match(lines[i])
            if opened:  # a fence that closes (one never closed is no fence, as in FencedCodeProcessor)
                closing = closing_fence(opened.group(2))
                end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)
                if end is not None:
                    out.append(self._normal(lines[i]))
                    out.extend(lines[i + 1:end])
                    out.append(self._normal(lines[end]))
                    i = end + 1
                    continue
            out.append(self._normal(lines[i]))
            i += 1
        return out

    def _normal(self, line: str) -> str:
        line = line.expandtabs(self.md.tab_length)
        return line if line.strip(" ") else ""


class _EmptyBlockProcessor(EmptyBlockProcessor):
    """Python-Markdown's, except that only indented code takes in the blank lines after it: a
    fenced block is closed by its fence (the stock one gave fenced code before a block quote two
    blank lines of its own)."""

    def run(self, parent, blocks):
        sibling = self.lastChild(parent)
        if sibling is not None and self.parser.made.get(sibling) == "FencedCodeProcessor":
            block = blocks.pop(0)
            if block[1:]:
                blocks.insert(0, block[1:])
            return
        super().run(parent, blocks)


class _CodeBlockProcessor(CodeBlockProcessor):
    """Python-Markdown's indented code, which goes on a code block above it only if that one was
    indented too (it added indented code after a fenced block to the fenced block)."""

    def lastChild(self, parent):  # noqa: N802 (Python-Markdown's name)
        sibling = super().lastChild(parent)
        return None if sibling is not None and self.parser.made.get(sibling) == "FencedCodeProcessor" else sibling


class _NoteRefPattern(InlineProcessor):
    """``\\ue000N\\ue001`` -> ``<a data-octavo-ref="NONCE:N"/>``."""

    quick_trigger = REF_OPEN  # every match holds it (quick_inline)

    def __init__(self, nonce: str):
        super().__init__(re.escape(REF_OPEN) + r"(\d+)" + re.escape(REF_CLOSE))
        self.nonce = nonce

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        el = ET.Element("a")
        el.set(REF, f"{self.nonce}:{m.group(1)}")
        return el, m.start(0), m.end(0)


_BRACKET = lazy(r"[\[\]]")


def bracket_ends(data: str) -> list[int | None]:
    """What Python-Markdown 3.11's ``LinkInlineProcessor._findBracketEnds`` returns (for each index
    of ``data``, the index just past the ``]`` closing a bracket opened before it, or None), made
    from the brackets alone: its loop steps through every character of a paragraph that has a
    ``[`` in Python (a tenth of parsing the seed's body x20). The depth before index j changes only
    after a bracket, so the answer is the same for every index between two brackets: the first
    later index whose depth is lower."""
    starts, depths, depth = [0], [0], 0  # runs of equal depth: where each starts, its depth
    for found in _BRACKET.finditer(data):
        depth += 1 if found.group() == "[" else -1
        starts.append(found.end())
        depths.append(depth)
    starts.append(len(data) + 1)
    ends: list[int | None] = [None] * (len(data) + 1)
    lower: list[int] = []  # runs after the current one, each with a lower depth than the one after it
    for run in range(len(depths) - 1, -1, -1):
        while lower and depths[lower[-1]] >= depths[run]:
            lower.pop()
        if lower:
            ends[starts[run]:starts[run + 1]] = [starts[lower[-1]]] * (starts[run + 1] - starts[run])
        lower.append(run)
    return ends


class _Markdown(markdown.Markdown):
    def build_parser(self):
        super().build_parser()
        stock = build_block_parser(self)
        self.parser = LineBlockParser(self)
        self.parser.blockprocessors = stock.blockprocessors
        for processor in stock.blockprocessors:
            processor.parser = self.parser
        self.parser.blockprocessors.register(RawHtmlBlockProcessor(self.parser), "octavo-raw-html", 95)
        self.parser.blockprocessors.register(FencedCodeProcessor(self.parser), "octavo-fenced-code", 96)
        self.parser.blockprocessors.register(_EmptyBlockProcessor(self.parser), "empty", 100)
        self.parser.blockprocessors.register(_CodeBlockProcessor(self.parser), "code", 80)
        quick_blocks.install(self.parser)  # the same processors, searching only blocks they can match
        self.preprocessors.deregister("html_block")
        self.preprocessors.register(_NormalizeWhitespace(self), "normalize_whitespace", 30)
        self.raw_chunks: list[str] = []
        callouts.register(self)
        return self


def new_markdown(*extra: markdown.Extension) -> _Markdown:
    """A fresh Python-Markdown with Octavo's block-level configuration (what is a table, a list, an
    attribute list, raw HTML, fenced code) and the given extensions. The structure scan
    (structure.py) and the parser both make theirs here, so they read blocks by the same rules: an
    extension that adds a kind of block is added in this list."""
    # extensions as objects, not names: a name makes Python-Markdown read every installed package's
    # entry points (importlib.metadata) to look for a plug-in of that name
    return _Markdown(extensions=[TableExtension(), SaneListExtension(), AttrListExtension(), *extra],
                     output_format="xhtml")


class Parser:
    """Markdown -> lxml trees for one text."""

    def __init__(self, language: str, report: Collector, written: Callable[[int], str]):
        self.report = report
        self.findings = Findings()
        self.written = written  # the text of note reference N as the author wrote it
        self.nonce = secrets.token_hex(8)  # refs made by us, not by raw HTML in the source
        left, right, left_single = marks_for(language)
        self.quotes = (left, right, left_single)
        smarty = SmartyExtension(smart_angled_quotes=False, substitutions={
            "left-double-quote": left, "right-double-quote": right,
            "left-single-quote": left_single, "right-single-quote": "\u2019",
            "ndash": "\u2014", "mdash": "\u2014", "ellipsis": "\u2026",
        })
        self.md = new_markdown(smarty)
        # after `code` and raw inline HTML (90): a marker written inside either stays text there
        self.md.inlinePatterns.register(_NoteRefPattern(self.nonce), "octavo-noteref", 85)
        for pattern in self.md.inlinePatterns:  # the links' bracket search, at C speed (same answers)
            if hasattr(pattern, "_findBracketEnds"):
                pattern._findBracketEnds = bracket_ends
        quick_inline.install(self.md)  # the inline passes skip patterns on text without their trigger
        # prettify stays: it gives back the newline a hard break took (lines count, and attr_list
        # then reads "{: ...}" after a break as the block's, not the break's)

    def parse(self, text: str, lines: Sequence[int]) -> etree._Element:
        """Markdown -> a ``<div>`` of block elements; ``lines[n]``: the file line of Markdown line n."""
        md = self.md
        md.reset()
        md.raw_chunks = []
        line_of = _line_map(lines)
        source = text.split("\n")
        for pre in md.preprocessors:
            source = pre.run(source)
        try:
            root = md.parser.parseDocument(source).getroot()
            for tree_processor in md.treeprocessors:
                root = tree_processor.run(root) or root
        except RecursionError:  # nesting dialect.cap_nesting cannot see, e.g. deeply nested emphasis
            self.report.error("markup.depth", "the text is nested too deeply to typeset; "
                              "simplify the nesting of quotes, lists or emphasis")
            return etree.Element("div")
        for code, message, at in md.box_problems:
            self.report.warn(code, message, line_of(at))
        md.box_problems.clear()
        out = etree.Element("div")
        _Converter(md, md.parser.lines, line_of, self).content(root, out, 0)
        repair(out)
        typeset_quotes(out, self.quotes)
        return out

    def finish(self) -> None:
        """Report what the sanitizer removed in this text (once per kind, with every line)."""
        self.findings.report(self.report)


def _line_map(lines: Sequence[int]) -> Callable[[int], int | None]:
    def line_of(n: int) -> int | None:
        if not lines:
            return None
        return lines[min(max(n, 0), len(lines) - 1)]
    return line_of


class _Converter:
    """The Markdown tree -> lxml, through the sanitizer one chunk at a time."""

    def __init__(self, md: _Markdown, lines: dict, line_of, parser: Parser):
        self.md, self.lines, self.line_of, self.parser = md, lines, line_of, parser

    def content(self, el: ET.Element, out: etree._Element, line: int) -> None:
        """Convert ``el``'s content into ``out``: block children one by one, runs of inline content
        (text and inline children, raw tags restored) each as one chunk."""
        run = ET.Element("octavo-run")
        run.text, run_line = el.text, line
        for child in el:
            if child.tag in MARKDOWN_BLOCKS:
                self._inline(run, out, run_line)
                run = ET.Element("octavo-run")
                self.block(child, out, line)
                run.text, run_line = child.tail, self.lines.get(child, line)
            else:
                run.append(child)
        self._inline(run, out, run_line)

    def block(self, el: ET.Element, out: etree._Element, inherited: int) -> None:
        line = self.lines.get(el, inherited)
        if el.tag == RAW:
            chunk = self.md.raw_chunks[int(el.get("chunk"))]
            sanitize_into(out, chunk, lambda n: self.line_of(line + n), self.parser.findings, "",
                          self.parser.written)
            return
        new = etree.SubElement(out, el.tag)
        new.set(LINE, str(self.line_of(line) or ""))
        attrs = dict(el.attrib)
        if el.tag == BOX:  # made by callouts.py, never by the source: its kind passes as it is
            new.set("kind", attrs.pop("kind"))
        code = el.find("code") if el.tag == "pre" else None
        if code is not None and (code.get("class") or "").startswith("language-"):
            new.set("data-language", code.get("class")[len("language-"):])
        align = re.match(r"text-align:\s*(left|right|center)", attrs.pop("style", "")) if el.tag in ("td", "th") else None
        if align:
            new.set("data-align", align.group(1))
        # attributes written with {: ...} (attr_list) pass the same allow-list as raw HTML
        at = self.line_of(line)
        for name, value in allowed_attributes(el.tag, attrs.items(),
                                              lambda code, message: self.parser.findings.add(code, message, at)):
            new.set(name, value)
        self.content(el, new, line)

    def _inline(self, run: ET.Element, out: etree._Element, line: int) -> None:
        if not (run.text and run.text.strip()) and not len(run):
            return  # only the line breaks between blocks
        html = to_html_string(run)
        html = html[len("<octavo-run>"):-len("</octavo-run>")]
        stash = self.md.htmlStash.rawHtmlBlocks
        html = HTML_PLACEHOLDER_RE.sub(lambda m: stash[int(m.group(1))] if int(m.group(1)) < len(stash) else "", html)
        sanitize_into(out, html, lambda n: self.line_of(line + n), self.parser.findings, self.parser.nonce,
                      self.parser.written)



def line(el: etree._Element) -> int | None:
    """The file line an element was written on (its own, or the nearest enclosing element's)."""
    for node in [el, *el.iterancestors()]:
        value = node.get(LINE) if isinstance(node.tag, str) else None
        if value:
            return int(value)
    return None


# --- one text -------------------------------------------------------------------------------------

class Parsed:
    """The trees of one text: its body, one per note definition (in the dialect's order), and the
    text a NOTES section has before its first note. This is the handoff from parse to resolve.

    Each tree is a ``<div>`` of XHTML elements without a namespace, valid as XHTML content
    (``xhtml_repair``), holding only what ``sanitize`` allows, with quotes typeset (``quotes``).
    What parse tells resolve beyond HTML is said in attributes and elements of Octavo's own:

    - ``data-octavo-line`` (``sanitize.LINE``) on every element: the file line it was written on;
    - ``<a data-octavo-ref="NONCE:N">`` (``sanitize.REF``): the dialect's note reference N (the
      nonce tells Octavo's references from any a source wrote itself; ``sanitize`` drops those);
    - ``<pre data-language="bash">``: the language a fence or its attribute list named;
    - ``<td data-align="right">`` (and ``th``): a Markdown table column's alignment;
    - ``<octavo-box kind="note">`` and ``<octavo-box-title>`` (``callouts.BOX``, ``BOX_TITLE``): a
      labelled box (admonition, alert, lesson box) and its title.

    Resolve adds its own ``data-octavo-*`` attributes while it works (note, number, subtitle,
    toc); none of them comes from here. No writer ever sees these trees: they read the model."""

    def __init__(self, body: etree._Element, notes: list[etree._Element], intro: etree._Element | None):
        self.body, self.notes, self.intro = body, notes, intro


LESSON_BOXES = (("objectives", "start"), ("questions", "start"), ("keypoints", "end"))


def parse_text(prepared, language: str, report: Collector, fields: dict | None = None) -> Parsed:
    """Parse everything the dialect pre-pass produced for one text; a lesson's ``objectives``,
    ``questions`` and ``keypoints`` (front matter lists of Markdown items) become boxes at the
    text's start and end."""
    parser = Parser(language, report, written=lambda n: prepared.refs[n].written if n < len(prepared.refs) else "")
    body = parser.parse(prepared.markdown, prepared.lines)
    at = 0
    for name, where in LESSON_BOXES:
        items = (fields or {}).get(name)
        if not items:
            continue
        line_no = getattr(getattr(items[0], "location", None), "line", None) or 1
        markdown_list = "\n".join("- " + " ".join(str(item).split()) for item in items)
        box = etree.Element(BOX, {"kind": name, LINE: str(line_no)})
        box.extend(parser.parse(markdown_list, [line_no]))
        if where == "start":
            body.insert(at, box)
            at += 1
        else:
            body.append(box)
    notes = [parser.parse(d.markdown or "", d.lines or (d.line,)) for d in prepared.defs]
    intro = parser.parse(prepared.notes_intro, prepared.intro_lines) if prepared.notes_intro else None
    parser.finish()
    return Parsed(body, notes, intro)
