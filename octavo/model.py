"""The document model every writer reads: a frozen tree, medium-neutral.

Book -> parts -> texts -> sections -> blocks -> inlines. Every block has an ``id`` (unique in the
book, the same from build to build) and ``where``: the file and line it was written on. Notes are
records with blocks of their own; a note reference is an inline that names its note.

Nothing here knows EPUB or print: no ``epub:type``, no ARIA roles, no backlinks, no interface
words ("Contents", "Notes"), no decision about where notes are placed. ``render`` decides those.
Sections whose title is an interface word (notes) carry ``title=None`` and their ``kind``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Union

from .diagnostics import Diagnostic, Location, OctavoError

Attrs = tuple[tuple[str, str], ...]  # allow-listed, medium-neutral hints: class, lang, dir, title, ...


# --- inlines -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Run:
    """A run of text as written (typography already applied)."""

    text: str


@dataclass(frozen=True, slots=True)
class Span:
    """Styled or grouping text. ``kind`` names what it is (see SPAN_KINDS), not how it looks."""

    kind: str
    children: tuple[Inline, ...]
    id: str | None = None
    attrs: Attrs = ()


SPAN_KINDS = frozenset({  # what a Span can be (span_elements.py: the HTML element that carries each)
    "emphasis", "strong", "italic", "bold", "underline", "strike", "code", "superscript", "subscript", "small",
    "mark", "cite", "quote", "abbreviation", "definition", "keyboard", "sample", "variable", "inserted", "deleted",
    "time", "bidi-isolate", "bidi-override", "ruby", "ruby-text", "ruby-parenthesis", "span",
    "missing-image",  # an image that could not be used: its description
})


@dataclass(frozen=True, slots=True)
class Link:
    """A link: ``target`` is an id in this book, or ``url`` an absolute address outside it."""

    children: tuple[Inline, ...]
    target: str | None = None
    url: str | None = None
    id: str | None = None
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class Image:
    """An image the book carries (an approved asset), with its description."""

    asset: str  # Asset.name of an approved image
    alt: str
    width: int | None = None
    height: int | None = None
    id: str | None = None
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A forced line break inside a block."""


@dataclass(frozen=True, slots=True)
class WordBreak:
    """Where a long word may break (``<wbr>``)."""


@dataclass(frozen=True, slots=True)
class NoteRef:
    """A reference to a note: its own ``id``, the note's id and the note's number in its text."""

    id: str
    note: str
    number: int


Inline = Union[Run, Span, Link, Image, LineBreak, WordBreak, NoteRef]


# --- blocks --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of running text."""

    id: str
    where: Location
    inlines: tuple[Inline, ...]
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class Plain:
    """Inline content straight inside a container (a tight list item, a table cell): no paragraph."""

    id: str
    where: Location
    inlines: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Verse:
    """A stanza: lines kept as written."""

    id: str
    where: Location
    lines: tuple[tuple[Inline, ...], ...]
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading inside a section. ``level`` is its rank in the book (1 is a part or volume title);
    ``in_toc``: listed in the table of contents under its section."""

    id: str
    where: Location
    level: int
    inlines: tuple[Inline, ...]
    in_toc: bool = False
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of a list, with blocks of its own."""

    id: str
    where: Location
    blocks: tuple[Block, ...]
    value: int | None = None
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A list. ``labelled``: every item starts with its own label (``a)``, ``(ii)``, ``1.``)."""

    id: str
    where: Location
    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int | None = None
    labelled: bool = False
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class Quotation:
    """A block quotation."""

    id: str
    where: Location
    blocks: tuple[Block, ...]
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell (a header cell when ``header``)."""

    blocks: tuple[Block, ...]
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    align: str | None = None  # left, right, center
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class Row:
    """A table row, in the head, body or foot of its table."""

    cells: tuple[Cell, ...]
    group: str = "body"  # head, body, foot
    where: Location | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A table of rows."""

    id: str
    where: Location
    rows: tuple[Row, ...]
    caption: tuple[Inline, ...] = ()
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure: its blocks (an image, usually) and its caption."""

    id: str
    where: Location
    blocks: tuple[Block, ...]
    caption: tuple[Block, ...] = ()
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """A thematic break (printed as an ornament)."""

    id: str
    where: Location


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """Preformatted code, byte for byte. ``language``: what the source names (``bash``, ``python``),
    None when it names none; ``role``: "code", "command" (a shell command, typed at a prompt) or
    "output" (what a program printed)."""

    id: str
    where: Location
    text: str
    language: str | None = None
    role: str = "code"


CALLOUT_KINDS = ("note", "tip", "important", "warning", "caution", "callout", "exercise", "solution", "hint",
                 "objectives", "questions", "keypoints", "prerequisites", "checklist", "discussion")


@dataclass(frozen=True, slots=True)
class Callout:
    """A box set apart from the running text: a note, a warning, an exercise, its solution, a lesson's
    objectives. ``kind`` is one of CALLOUT_KINDS (the renderer names it in the text's language);
    ``title`` the box's own title as written (may be empty). Exercises are numbered in their text, and
    a solution carries its exercise's ``number``. ``see``: ids of the boxes that belong with this one
    but stand elsewhere (an exercise's solutions gathered at the end, or the exercise of such a
    solution), so each can link to the other."""

    id: str
    where: Location
    kind: str
    title: tuple[Inline, ...]
    blocks: tuple[Block, ...]
    number: int | None = None
    see: tuple[str, ...] = ()
    attrs: Attrs = ()


@dataclass(frozen=True, slots=True)
class Division:
    """A grouping written in raw HTML. ``kind``: division, section, article, aside, header, footer,
    address, definitions (a definition list), term, definition."""

    id: str
    where: Location
    kind: str
    blocks: tuple[Block, ...]
    attrs: Attrs = ()


Block = Union[Paragraph, Plain, Verse, Heading, ListBlock, ListItem, Quotation, Table, Figure, Rule, CodeBlock,
              Callout, Division]


@dataclass(frozen=True)
class Note:
    """A note: its number, the marker the source wrote, its blocks and the calls that point at it."""

    id: str
    number: int  # in order of first reference, per text
    label: str  # the marker as the source wrote it, e.g. "*" or "12"
    blocks: tuple[Block, ...]
    refs: tuple[str, ...]  # ids of the references to this note, in text order
    where: Location


# --- texts and books -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Metadata:
    """What the front matter (or a volume manifest) says about a text or book."""

    title: str
    language: str = "en"
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    translators: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    date: str | None = None
    publisher: str | None = None
    rights: str | None = None
    identifier: str | None = None
    source_url: str | None = None
    tags: tuple[str, ...] = ()
    meta_title: str | None = None
    description: str | None = None
    cover: str | None = None  # the cover image as the front matter or manifest names it (cover.py checks it)
    short_title: str | None = None  # front matter shortTitle: the title in print running heads
    certified_by: str | None = None  # who evaluated the book's accessibility (certifiedBy, --certified-by): the claim
    hazards: tuple[str, ...] = ()  # accessibilityHazard values the author declares; (): worked out from the content
    archive: tuple[tuple[str, str], ...] = ()  # the source's own header block: (label, value), e.g. ("Source", "...")
    source_citation: str | None = None  # the header block's Source: as written (the package's dc:source)
    first_published: str | None = None  # W3CDTF date of first publication the header block gives (dc:date if no date)
    part_of: str | None = None  # the work the source's masthead says this text belongs to ("Capital, Volume 1")


@dataclass(frozen=True)
class TocEntry:
    """One line of the table of contents. ``title`` None: the renderer names it after ``kind``."""

    title: str | None
    target: str
    children: tuple[TocEntry, ...] = ()
    kind: str = "section"  # text, part, opening, chapter, notes, heading
    first_line: str | None = None  # a poem's: the first line of the verse right under its heading


@dataclass(frozen=True)
class Section:
    """A top-level division of a text: one entry in the contents, where the writers may divide the book."""

    id: str
    kind: str  # "opening" (text before the first heading), "chapter", "solutions" or "notes"
    title: str | None  # plain text for contents and running heads; None for notes and solutions (interface words)
    heading: tuple[Inline, ...] | None  # the heading as written; None: untitled
    level: int  # the rank of this section's heading in the book
    blocks: tuple[Block, ...]
    where: Location
    subsections: tuple[TocEntry, ...] = ()
    byline: str | None = None  # notes sections: "By J. V. Stalin"
    notes: tuple[Note, ...] = ()  # notes sections: the notes, in number order


@dataclass(frozen=True)
class Asset:
    """A file the book carries (an image), approved by assets.py."""

    path: Path  # the resolved file on disk, inside an allowed folder
    name: str  # <sha1-prefix>.<ext>: the same name wherever a writer puts it, from its bytes
    media_type: str
    animated: bool = False  # a GIF, APNG or WebP of more than one frame: it may flash

    def read(self) -> bytes:
        """The bytes, provided they are still the ones that were approved (the name holds their hash)."""
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            data, problem = b"", f"cannot read it any more ({exc.strerror})"
        else:
            problem = "it changed during the build"
        digest = self.name.split(".", 1)[0]
        if data and hashlib.sha1(data).hexdigest().startswith(digest):
            return data
        raise OctavoError([Diagnostic("error", "image.changed", f"image not included: {problem}",
                                      Location(self.path))])


@dataclass(frozen=True)
class Text:
    """One source, ready to render."""

    id: str  # prefix of every id in this text: unique in the book
    slug: str
    path: Path
    metadata: Metadata
    sections: tuple[Section, ...]
    level: int  # rank of the text's own title
    assets: tuple[Asset, ...] = ()  # images the text uses, each once
    looked_for: tuple[Path, ...] = ()  # files its images were looked for at (found or not): what the build read

    @property
    def notes(self) -> tuple[Note, ...]:
        return tuple(n for s in self.sections for n in s.notes)

    @property
    def anchor(self) -> str:
        """The id of the text's title block."""
        return f"{self.id}top"

    def toc(self) -> tuple[TocEntry, ...]:
        """The text's sections; one ranked below the section before it (a chapter under its book) is
        listed under it."""
        return _with_first_lines(_nested(self.sections), first_lines(self.sections))


@dataclass(frozen=True)
class Part:
    """A group of texts in a book (a volume's part), titled or not."""

    id: str
    title: str | None  # None: texts not grouped under a part heading
    texts: tuple[Text, ...]


@dataclass(frozen=True)
class Book:
    """What the writers render: one text, or a volume of several."""

    slug: str
    metadata: Metadata  # identifier is always set here
    parts: tuple[Part, ...]
    modified: datetime  # UTC: when the book last changed (the writers date what they write with it)
    is_volume: bool = False
    sources: tuple[Path, ...] = field(default=())

    @property
    def texts(self) -> tuple[Text, ...]:
        return tuple(t for p in self.parts for t in p.texts)

    @property
    def assets(self) -> tuple[Asset, ...]:
        return tuple({a.name: a for t in self.texts for a in t.assets}.values())

    @cached_property
    def toc(self) -> tuple[TocEntry, ...]:
        """The book's contents, without the closing credits (the renderer adds and names them).

        A single text lists its sections; a volume lists parts, then texts, then their sections."""
        if not self.is_volume:
            return self.texts[0].toc()
        entries: list[TocEntry] = []
        for part in self.parts:
            texts = tuple(_text_entry(t) for t in part.texts)
            if part.title:
                entries.append(TocEntry(part.title, part.id, texts, "part"))
            else:
                entries.extend(texts)
        return tuple(entries)


def first_lines(sections) -> dict[str, str]:
    """Each poem's first line by the id of its heading (or of its section, when the section's title
    stands over verse): an untitled poem is listed by its number and first line, as editions do."""
    found: dict[str, str] = {}
    for s in sections:
        for heading, block in zip((s, *s.blocks), s.blocks):
            if isinstance(heading, (Section, Heading)) and isinstance(block, Verse) and block.lines:
                found[heading.id] = plain_text(block.lines[0]).strip()
    return found


def _with_first_lines(entries: tuple[TocEntry, ...], found: dict[str, str]) -> tuple[TocEntry, ...]:
    return tuple(replace(e, first_line=found.get(e.target), children=_with_first_lines(e.children, found))
                 for e in entries)


def _text_entry(text: Text) -> TocEntry:
    """A text in a volume's contents: its opening is the text's own entry, so the opening's headings
    come first among the text's entries, then its sections."""
    openings = tuple(entry for s in text.sections if s.kind == "opening" for entry in s.subsections)
    return TocEntry(text.metadata.title, text.anchor, _with_first_lines(openings + _nested(
        [s for s in text.sections if s.kind != "opening"]), first_lines(text.sections)), "text")


def _nested(sections) -> tuple[TocEntry, ...]:
    """Sections as contents entries, each one ranked below the entry before it listed under that
    entry, after that entry's own headings."""
    out: list[tuple[Section, list]] = []
    for s in sections:
        if out and s.level > out[-1][0].level:
            out[-1][1].append(TocEntry(s.title, s.id, s.subsections, s.kind))
        else:
            out.append((s, []))
    return tuple(TocEntry(s.title, s.id, s.subsections + tuple(inner), s.kind) for s, inner in out)


# --- reading the tree ----------------------------------------------------------------------------

def child_blocks(block: Block) -> tuple[Block, ...]:
    """The blocks directly inside a block (items of a list, cells' blocks of a table, ...)."""
    if isinstance(block, ListBlock):
        return block.items
    if isinstance(block, Table):
        return tuple(b for row in block.rows for cell in row.cells for b in cell.blocks)
    if isinstance(block, Figure):
        return block.blocks + block.caption
    return getattr(block, "blocks", ())


def walk_blocks(blocks: tuple[Block, ...]):
    """Every block, depth first, in reading order."""
    for block in blocks:
        yield block
        yield from walk_blocks(child_blocks(block))


def plain_text(inlines: tuple[Inline, ...], notes: bool = False) -> str:
    """The words of some inlines, whitespace collapsed; note numbers only if ``notes``."""
    parts: list[str] = []

    def visit(items):
        for item in items:
            if isinstance(item, Run):
                parts.append(item.text)
            elif isinstance(item, (Span, Link)):
                visit(item.children)
            elif isinstance(item, Image):
                parts.append(item.alt)
            elif isinstance(item, LineBreak):
                parts.append(" ")
            elif isinstance(item, NoteRef) and notes:
                parts.append(str(item.number))

    visit(inlines)
    return " ".join("".join(parts).split())
