"""Boxes people write in Markdown, recognised from the Markdown structure (parse stage).

Four syntaxes become one element, ``<octavo-box kind="...">`` (an optional ``<octavo-box-title>``
first, then the box's blocks), which ``resolve`` turns into a :class:`~octavo.model.Callout`:

- Pandoc fenced divs with a class (``::: callout``, ``:::::: challenge``, ``::: {.callout-note
  title="..."}`` as Quarto writes them), nested to any depth; a div whose class names no box
  keeps its content in place, without a box;
- kramdown block quotations followed by ``{: .callout}``, ``{: .challenge}``, ``{: .solution}``,
  ... (Jekyll-era lessons); a quotation followed by any other attribute list stays a quotation;
- GitHub alerts: a block quotation whose first line is ``[!NOTE]``, ``[!TIP]``, ``[!IMPORTANT]``,
  ``[!WARNING]`` or ``[!CAUTION]``;
- Python-Markdown admonitions (``!!! note "Title"``) and pymdown's collapsible ``??? note``.

Block processors and tree processors of Python-Markdown, registered by ``markup``: nothing here
rewrites lines before the parser, so code (fenced, indented, inline) is never looked into. A
heading that opens a box is its title. Problems (a div never closed) are collected on the
Markdown instance (``box_problems``: code, message, Markdown line) for ``markup`` to report.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown.blockprocessors import BlockProcessor
from markdown.treeprocessors import Treeprocessor

from .expressions import lazy

BOX = "octavo-box"
BOX_TITLE = "octavo-box-title"

# the words each syntax uses -> the model's kinds (model.CALLOUT_KINDS)
KINDS = {
    "note": "note", "info": "note", "abstract": "note", "summary": "note", "tldr": "note", "example": "note",
    "quote": "note", "seealso": "note", "todo": "note", "instructor": "note", "testimonial": "note",
    "callout": "callout", "spoiler": "hint",
    "tip": "tip", "hint": "hint", "success": "tip", "check": "tip", "done": "tip",
    "important": "important", "attention": "important",
    "warning": "warning", "danger": "warning", "error": "warning", "failure": "warning", "bug": "warning",
    "caution": "caution",
    "challenge": "exercise", "exercise": "exercise", "question": "exercise", "problem": "exercise",
    "solution": "solution", "answer": "solution",
    "objectives": "objectives", "questions": "questions", "keypoints": "keypoints",
    "prereq": "prerequisites", "prerequisite": "prerequisites", "prerequisites": "prerequisites",
    "checklist": "checklist", "discussion": "discussion",
}
KRAMDOWN_KINDS = {"callout", "challenge", "solution", "prereq", "checklist", "discussion", "keypoints",
                  "objectives", "questions", "hint", "testimonial", "instructor", "spoiler"}
ALERTS = {"NOTE": "note", "TIP": "tip", "IMPORTANT": "important", "WARNING": "warning", "CAUTION": "caution"}

DIV_OPEN = lazy(r"^ {0,3}:{3,}[ \t]*(?:\{(?P<attrs>[^{}\n]*)\}|(?P<word>[^\s{}:][^\s{}]*))[ \t]*:*[ \t]*$")
DIV_CLOSE = lazy(r"^ {0,3}:{3,}[ \t]*$")
CODE_FENCE = lazy(r"^[ \t]*(`{3,}|~{3,})")
QUOTED = lazy(r"^ {0,3}>")
KRAMDOWN_CLASS = lazy(r"^ {0,3}\{:?[ \t]*\.([\w-]+)[ \t]*\}[ \t]*$")
ADMONITION = lazy(r'^(?:!!!|\?\?\?\+?)[ \t]+([\w-]+)(?:[ \t]+"([^"\n]*)")?[ \t]*$')
ALERT = lazy(r"^[ \t]*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)", re.IGNORECASE)
HEADING_ATTRIBUTES = lazy(r"[ \t]+\{:?[^}\n]*\}[ \t]*$")
ATTR_CLASS = lazy(r"(?:^|\s)\.([\w-]+)")
ATTR_TITLE = lazy(r"""\btitle=(?:"([^"\n]*)"|'([^'\n]*)'|(\S+))""")


def _report(code: str, message: str, line: int, md) -> None:
    """A problem for ``markup`` to report at the file line of Markdown line ``line``."""
    md.box_problems.append((code, message, line))


def div_kind(classes: list[str]) -> str | None:
    """The box a fenced div's classes name (Quarto's ``callout-note`` is a note), or None."""
    for name in classes:
        name = name.lower()
        if name.startswith("callout-") and name[8:] in KINDS:
            return KINDS[name[8:]]
        if name in KINDS:
            return KINDS[name]
    return None


def _box(parent: ET.Element, kind: str, title: str | None, lines: dict, line: int) -> ET.Element:
    box = ET.SubElement(parent, BOX, {"kind": kind})
    lines[box] = line
    if title:
        heading = ET.SubElement(box, BOX_TITLE)
        heading.text = title
        lines[heading] = line
    return box


def _blocks(numbered: list[tuple[int, str]]):
    """(Markdown line, text) lines -> the blank-line separated blocks the block parser takes."""
    from .markup import Lined  # markup imports this module

    out, run = [], []
    for n, text in numbered + [(-1, "")]:
        if text.strip():
            run.append((n, text))
        elif run:
            out.append(Lined("\n".join(t for _, t in run), run[0][0]))
            run = []
    return out


def _lines_of(blocks: list) -> list[tuple[int, str]]:
    """Every line of ``blocks[start:]`` with its Markdown line, blank lines between blocks included."""
    out = []
    for block in blocks:
        first = getattr(block, "line", out[-1][0] + 2 if out else 0)
        if out:
            out.append((first - 1, ""))
        out.extend((first + k, text) for k, text in enumerate(block.split("\n")))
    return out


class FencedDivProcessor(BlockProcessor):
    """``::: kind`` ... ``:::``: a box when the class names one, else its content in place."""

    def test(self, parent, block):
        return bool(DIV_OPEN.match(block.split("\n", 1)[0]) or DIV_CLOSE.match(block.split("\n", 1)[0]))

    def run(self, parent, blocks):
        head = blocks.pop(0)
        first = getattr(head, "line", 0)
        head_lines = head.split("\n")
        opened = DIV_OPEN.match(head_lines[0])
        self.parser.markers.add(first)  # the fence is markup: the dialect rules leave it as written
        if not opened:  # a closing fence with nothing open: the fence goes, what follows stays
            blocks[:0] = _blocks([(first + k, t) for k, t in enumerate(head_lines[1:], 1)])
            return
        inner, rest = self._content([(first + k, t) for k, t in enumerate(head_lines[1:], 1)], blocks,
                                    self.parser.markers)
        if rest is None:
            _report("markup.div", "this fenced div (':::') is never closed; it runs to the end of its text",
                    first, self.parser.md)
            rest = []
        blocks[:0] = _blocks(rest)
        attrs = opened.group("attrs")
        classes = ATTR_CLASS.findall(attrs) if attrs is not None else [opened.group("word")]
        kind = div_kind(classes)
        title = None
        if attrs is not None:
            found = ATTR_TITLE.search(attrs)
            title = next((g for g in found.groups() if g is not None), None) if found else None
        target = _box(parent, kind, title, self.parser.lines, first) if kind else parent
        content = _blocks(inner)
        if content:
            self.parser.parseBlocks(target, content)

    @staticmethod
    def _content(lines: list[tuple[int, str]], blocks: list, markers: set[int]):
        """The div's lines up to its closing fence, taking blocks from ``blocks`` as it goes (only as
        many as it needs), and the lines after the fence (None: never closed, everything taken); the
        closing fence's line goes into ``markers``."""
        depth, fence, inner = 1, None, []
        while True:
            for k, (n, text) in enumerate(lines):
                if fence is not None:
                    if re.match(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", text):
                        fence = None
                elif CODE_FENCE.match(text):
                    fence = CODE_FENCE.match(text).group(1)
                elif DIV_OPEN.match(text):
                    depth += 1
                elif DIV_CLOSE.match(text):
                    depth -= 1
                    if depth == 0:
                        markers.add(n)
                        return inner, lines[k + 1:]
                inner.append((n, text))
            if not blocks:
                return inner, None
            block = blocks.pop(0)
            start = getattr(block, "line", inner[-1][0] + 2 if inner else 0)
            inner.append((start - 1, ""))  # the blank line between blocks
            lines = [(start + k, t) for k, t in enumerate(block.split("\n"))]


class KramdownBoxProcessor(BlockProcessor):
    """A block quotation directly followed by ``{: .challenge}`` (or another lesson class) is a box.
    Lines of text before the quotation in the same block stay text before it (as for any quotation)."""

    def test(self, parent, block):
        return ">" in block and self._span(block.split("\n")) is not None

    @staticmethod
    def _span(lines: list[str]) -> tuple[int, int] | None:
        """(first quoted line, the attribute line under the quotation), or None."""
        start = next((k for k, text in enumerate(lines) if QUOTED.match(text)), None)
        if start is None:
            return None
        for k in range(start, len(lines)):
            if QUOTED.match(lines[k]):
                continue
            found = KRAMDOWN_CLASS.match(lines[k])
            return (start, k) if found and found.group(1).lower() in KRAMDOWN_KINDS else None
        return None

    def run(self, parent, blocks):
        head = blocks.pop(0)
        first = getattr(head, "line", 0)
        lines = head.split("\n")
        start, end = self._span(lines)
        kind = KINDS[KRAMDOWN_CLASS.match(lines[end]).group(1).lower()]
        before = [(first + k, text) for k, text in enumerate(lines[:start])]
        inner = [(first + k, re.sub(r"^ {0,3}> ?", "", text, count=1)) for k, text in enumerate(lines[start:end], start)]
        rest = [(first + k, text) for k, text in enumerate(lines[end + 1:], end + 1)]
        blocks[:0] = _blocks(rest)
        if before:
            self.parser.parseBlocks(parent, _blocks(before))
        box = _box(parent, kind, None, self.parser.lines, first + start)
        content = _blocks(inner)
        if content:
            self.parser.parseBlocks(box, content)


class AdmonitionProcessor(BlockProcessor):
    """``!!! note "Title"`` (and ``??? note``, ``???+ note``) followed by lines indented four spaces."""

    def test(self, parent, block):
        return bool(ADMONITION.match(block.split("\n", 1)[0]))

    def run(self, parent, blocks):
        head = blocks[0]
        found = ADMONITION.match(head.split("\n", 1)[0])
        lines = _lines_of(blocks[:1])
        taken = 1
        while taken < len(blocks) and blocks[taken].startswith(("    ", "\t")):
            taken += 1
        lines = _lines_of(blocks[:taken])
        body, rest = [], []
        for n, text in lines[1:]:
            if rest or (text.strip() and not text.startswith(("    ", "\t"))):
                rest.append((n, text))
            else:
                body.append((n, text[4:] if text.startswith("    ") else text[1:]))
        del blocks[:taken]
        blocks[:0] = _blocks(rest)
        kind = KINDS.get(found.group(1).lower(), "note")
        self.parser.markers.add(lines[0][0])
        box = _box(parent, kind, found.group(2) or None, self.parser.lines, lines[0][0])
        content = _blocks(body)
        if content:
            self.parser.parseBlocks(box, content)


class AlertProcessor(Treeprocessor):
    """``> [!NOTE]`` as the first line of a block quotation: the quotation is that box."""

    def run(self, root):
        for quote in list(root.iter("blockquote")):
            first = quote[0] if len(quote) else None
            if first is None or first.tag != "p" or not first.text:
                continue
            found = ALERT.match(first.text)
            if not found:
                continue
            first.text = first.text[found.end():]
            if not first.text.strip() and not len(first):
                quote.remove(first)
            quote.tag = BOX
            quote.attrib.clear()
            quote.set("kind", ALERTS[found.group(1).upper()])


class BoxTitleProcessor(Treeprocessor):
    """A box without a title given in its opening line takes the heading it opens with."""

    def run(self, root):
        for box in root.iter(BOX):
            first = box[0] if len(box) else None
            if first is not None and first.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and not (box.text or "").strip():
                first.tag = BOX_TITLE
                first.attrib.pop("id", None)
                # attr_list reads headings only: a title's {#id} names the box, so links to it arrive
                last, attr = (first[-1], "tail") if len(first) else (first, "text")
                written = HEADING_ATTRIBUTES.search(getattr(last, attr) or "")
                if written:
                    setattr(last, attr, (getattr(last, attr) or "")[:written.start()] or None)
                    ids = re.findall(r"#([\w:.\-]+)", written.group(0))
                    if ids:
                        box.set("id", ids[0])


def register(md) -> None:
    """Add the recognisers to a Markdown instance (before its stock quotation and paragraph rules)."""
    md.box_problems = []
    md.parser.blockprocessors.register(FencedDivProcessor(md.parser), "octavo-fenced-div", 97)
    md.parser.blockprocessors.register(KramdownBoxProcessor(md.parser), "octavo-kramdown-box", 94)
    md.parser.blockprocessors.register(AdmonitionProcessor(md.parser), "octavo-admonition", 93)
    md.treeprocessors.register(AlertProcessor(md), "octavo-alerts", 31)
    md.treeprocessors.register(BoxTitleProcessor(md), "octavo-box-titles", 30)
