"""Markdown -> an lxml block tree whose every element knows the file line it was written on.

The only module that knows Python-Markdown. What it adds, at Python-Markdown's own extension points:

- a block parser that records the Markdown line each block element starts on (blocks are carried
  as strings that know their line; nested parses find their text inside the block being parsed);
- raw HTML blocks and fenced code as block processors instead of the stock preprocessors, which
  collapse many lines into one placeholder and lose every later line number;
- a note-reference inline pattern for the dialect's placeholders.

The Markdown tree is then turned into lxml one chunk at a time: each raw HTML block, and the inline
content of each Markdown block (with its raw inline tags from the stash), goes through
``sanitize`` on its own, so an unclosed ``<script>`` can only take the rest of its own chunk.
Markdown lines map to file lines through the dialect's line map. A fresh parser is made for every
text (Python-Markdown instances carry state).
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

from . import callouts
from .callouts import BOX, BOX_TITLE
from .diagnostics import Collector
from .sanitize import (LINE, RAW_BLOCK_TAGS, REF, REF_CLOSE, REF_OPEN, Findings, allowed_attributes,
                       sanitize_into)
from .trees import replace_with_text, unwrap

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
RAW = "octavo-raw"  # placeholder element for a raw HTML block in the Markdown tree
MARKDOWN_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr", "table",
                   "thead", "tbody", "tfoot", "tr", "td", "th", RAW, BOX, BOX_TITLE}
RAW_START = re.compile(r"^ {0,3}(?:<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)|<!--|<\?|<![A-Za-z]|<!\[CDATA\[)")
FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^`\n]*)$")
CODE_ATTRIBUTES = re.compile(r"^ {0,3}\{:?[ \t]*((?:\.[\w-]+[ \t]*)+)\}[ \t]*$")  # {: .output} under a fence
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


class FencedCodeProcessor(BlockProcessor):
    """```` ``` ```` or ``~~~`` fences, as a block processor so every line keeps its number. A fence
    that is never closed is not a fence (as in Python-Markdown): its lines stay text. The info string
    (```` ```bash ````, ```` ```{.python} ````) names the language; a kramdown attribute list on the
    line under the closing fence (``{: .language-bash}``, ``{: .output}``: Jekyll lessons) does too,
    and is taken with the block."""

    def test(self, parent, block):
        return bool(FENCE_OPEN.match(block.split("\n", 1)[0])) or self._interrupts(_item_lines(parent, block)) is not None

    @staticmethod
    def _interrupts(lines: list[str]) -> int | None:
        """The line where a fence closed later in the same block starts, inside a paragraph's lines
        (a fence ends a paragraph, as in CommonMark and as the dialect's code mask reads it)."""
        for k in range(1, len(lines)):
            opened = FENCE_OPEN.match(lines[k])
            if opened:
                closing = re.compile(r"^ {0,3}" + re.escape(opened.group(2)[0]) + "{" + str(len(opened.group(2)))
                                     + r",}[ \t]*$")
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
        closing = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
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
                closing = re.compile(r"^ {0,3}" + re.escape(opened.group(2)[0]) + "{" + str(len(opened.group(2)))
                                     + r",}[ \t]*$")
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

    def __init__(self, nonce: str):
        super().__init__(re.escape(REF_OPEN) + r"(\d+)" + re.escape(REF_CLOSE))
        self.nonce = nonce

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        el = ET.Element("a")
        el.set(REF, f"{self.nonce}:{m.group(1)}")
        return el, m.start(0), m.end(0)


_BRACKET = re.compile(r"[\[\]]")


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
        left, right, left_single = QUOTES.get(language.split("-")[0].lower(), QUOTES["en"])
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
        repair(out, self.quotes)
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


# --- repairs: what raw HTML and Markdown leave that XHTML forbids ----------------------------------

NEEDS_PARENT = {"li": ("ul", "ol"), "dt": ("dl",), "dd": ("dl",), "figcaption": ("figure",)}
PHRASING_ONLY = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "span", "em", "strong", "b", "i", "u", "s", "sup", "sub",
                 "small", "code", "cite", "q", "abbr", "mark", "dfn", "kbd", "samp", "var", "bdi", "bdo", "time",
                 "ruby", "rt", "rp", "pre", "caption", "dt", "a"}
STRUCTURE = {"p", "div", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col", "ul",
             "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
             "article", "aside", "header", "footer", "figure", "figcaption", "address"}
BLOCK_TAGS = {"p", "div", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th", "pre",
              "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dl", "dt", "dd", "figure", "section"}
TABLE_PARTS = {"table": {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"}, "thead": {"tr"}, "tbody": {"tr"},
               "tfoot": {"tr"}, "tr": {"td", "th"}, "colgroup": {"col"}}


def repair(tree: etree._Element, quotes: tuple[str, str, str]) -> None:
    """Make the tree valid XHTML without losing a word, and finish the typography."""
    _repair_content_model(tree)
    _repair_tables(tree)
    _repair_orphans(tree)
    _close_quotes_after_inline(tree, *quotes)
    _quotes_in_context(tree, *quotes)


def _repair_content_model(tree: etree._Element) -> None:
    """Raw HTML can put blocks where only text may go (``<sup><p>``, a table inside a link inside a
    paragraph). XHTML forbids it: such a block gives up its element and keeps its content in place."""
    for el in list(tree.iter("a")):
        outer = next((a for a in el.iterancestors("a")), None)
        if outer is not None:  # a link inside a link: a note reference wins, else the outer link
            unwrap(outer if el.get(REF) is not None else el, spaced=True)
    for lst in list(tree.iter("ul", "ol")):  # only items in a list (the HTML parser may leave others)
        for child in list(lst):
            if not isinstance(child.tag, str) or child.tag == "li":
                continue
            item = child.getprevious()
            while item is not None and item.tag != "li":
                item = item.getprevious()
            if item is None:
                item = etree.Element("li", {LINE: child.get(LINE, "")})
                lst.insert(lst.index(child), item)
            item.append(child)
    for p in list(tree.iter("p")):  # as HTML parsing does: a block closes the paragraph it starts in
        _split_paragraph(p)
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.tag not in STRUCTURE or el.getparent() is None:
            continue
        if any(a.tag in PHRASING_ONLY for a in el.iterancestors() if a is not tree):
            if el.tag in ("hr", "col", "colgroup"):
                replace_with_text(el)
            else:
                unwrap(el, spaced=True)


def _split_paragraph(p: etree._Element) -> None:
    """``<p>a<table/>b</p>`` -> ``<p>a</p><table/><p>b</p>``: blocks written straight inside a
    paragraph (raw HTML on the lines of a Markdown paragraph) leave it; empty pieces go."""
    blocks = [c for c in p if isinstance(c.tag, str) and c.tag in STRUCTURE and c.tag not in ("caption", "col")]
    if not blocks or p.getparent() is None:
        return
    parent, after = p.getparent(), p.tail
    p.tail = None
    pieces, current = [p], p
    for child in list(p):
        if child in blocks:
            current = etree.Element("p", {LINE: child.get(LINE, p.get(LINE, ""))})
            current.text, child.tail = child.tail, None
            pieces += [child, current]
        elif current is not p:
            current.append(child)
    at = parent.index(p)
    for offset, piece in enumerate(pieces[1:], 1):
        parent.insert(at + offset, piece)
    kept = [x for x in pieces if x.tag != "p" or len(x) or (x.text or "").strip()]
    for piece in pieces:
        if piece not in kept:
            parent.remove(piece)
    kept[-1].tail = after  # the blocks themselves are always kept


def _repair_tables(tree: etree._Element) -> None:
    """Rows, cells and captions only where a table allows them; text straight in a table or row
    goes into a cell, so nothing is lost and the EPUB stays valid."""
    for table in list(tree.iter("table")):
        for part in [table] + [p for p in table if p.tag in ("thead", "tbody", "tfoot")]:
            for child in list(part):
                allowed = TABLE_PARTS[part.tag]
                if child.tag in allowed:
                    continue
                row = etree.Element("tr", {LINE: child.get(LINE, "")})
                cell = etree.SubElement(row, "td", {LINE: child.get(LINE, "")})
                part.replace(child, row)
                if child.tag in ("td", "th"):
                    row.replace(cell, child)
                else:
                    cell.append(child)
                    tail, child.tail = child.tail, None
                    row.tail = tail
            if part.text and part.text.strip():
                part.insert(0, _row_of(part.text))
            part.text = None
            for child in part:
                if child.tail and child.tail.strip():
                    child.addnext(_row_of(child.tail))
                child.tail = None
        for tr in table.iter("tr"):
            for child in list(tr):
                if child.tag not in ("td", "th"):
                    cell = etree.Element("td", {LINE: child.get(LINE, "")})
                    tr.replace(child, cell)
                    cell.append(child)
                    cell.tail, child.tail = child.tail, None
            if tr.text and tr.text.strip():
                cell = etree.Element("td")
                cell.text = tr.text
                tr.insert(0, cell)
            tr.text = None
            for cell in tr:
                if cell.tail and cell.tail.strip():  # text between cells joins the cell before it
                    _append_text(cell, cell.tail)
                cell.tail = None
        for caption in [c for c in table if c.tag == "caption"][1:]:
            unwrap(caption, spaced=True)


def _row_of(text: str) -> etree._Element:
    row = etree.Element("tr")
    etree.SubElement(row, "td").text = text
    return row


def _repair_orphans(tree: etree._Element) -> None:
    """Text straight inside a list joins an item, and list items, terms and captions outside their
    container become plain blocks (their text stays)."""
    for lst in list(tree.iter("ul", "ol")):
        if lst.text and lst.text.strip():
            item = etree.Element("li", {LINE: lst.get(LINE, "")})
            item.text, lst.text = lst.text, None
            lst.insert(0, item)
        for child in lst:
            if child.tag == "li" and child.tail and child.tail.strip():
                _append_text(child, child.tail)
                child.tail = None
    for el in list(tree.iter(*NEEDS_PARENT)):
        parent = el.getparent()
        if parent is not None and parent.tag not in NEEDS_PARENT[el.tag]:
            el.tag = "div"


def _append_text(el: etree._Element, text: str) -> None:
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


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
    for block in tree.iter(*FLOW):
        segments = _flow(block)
        text = "".join(t for _, _, t in segments)
        if not any(q in text for q in (left, right, left_single, '"', "'")):
            continue
        edits = []
        for opener, closer in ((left, right), (left_single, right_single)):
            for m in re.finditer(f"(?<=[^\\s{BREAK}]){SPACES}*({re.escape(opener)}){SPACES}*(?=[{BREAK}]|$)", text):
                edits.append((m.start(), m.end(), closer))
        m = re.match(f"^\\s*({re.escape(right)}){SPACES}+(?=[^\\s{BREAK}])", text)
        if m and not any(start < m.end() for start, _, _ in edits):
            edits.append((m.start(1), m.end(), left))
        _apply(segments, text, sorted(edits))
        segments = _flow(block)
        text = "".join(t for _, _, t in segments)
        _apply(segments, text, _pair_quotes(text, left, right, left_single, right_single))


def _pair_quotes(text: str, left: str, right: str, left_single: str, right_single: str) -> list:
    """Straight quotes that pair with a curly one, and closing single quotes, by walking the text."""
    edits, open_double, open_single = [], 0, 0
    # every step below starts at one of these: the walk jumps from one to the next
    marks = re.compile("|".join(re.escape(q) for q in (left, right, left_single, '"', "'", "\u2019")))
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
    """Apply (start, end, replacement) edits to the joined text of ``segments``, piece by piece."""
    if not edits:
        return
    owner = [n for n, (_, _, t) in enumerate(segments) for _ in t]
    new = [""] * len(segments)
    pos, k = 0, 0
    while pos < len(text):
        if k < len(edits) and edits[k][0] == pos:
            start, end, replacement = edits[k]
            new[owner[start]] += replacement
            pos, k = max(end, pos + 1), k + 1
            continue
        new[owner[pos]] += text[pos]
        pos += 1
    for (el, attr, old), value in zip(segments, new):
        if el is not None and value != old:
            setattr(el, attr, value or None)


def inline_text(el: etree._Element) -> str:
    """The plain text of an element, whitespace collapsed (for TOC entries and bookmarks)."""
    return " ".join("".join(el.itertext()).split())


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
    text a NOTES section has before its first note."""

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
