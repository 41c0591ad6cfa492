"""The document model every writer reads.

Sources become :class:`Text` objects; one or more texts make a :class:`Book`. Everything a
writer needs (titles, ids, note numbers, TOC, attribution) is computed once here and read by
both the EPUB and the PDF writer, which is what keeps the two editions consistent.

Fragments of body markup are kept as serialized, namespace-free XHTML strings: immutable,
picklable (for parallel builds) and parsed again by whichever writer needs to adjust links.
Internal links inside fragments are always ``#id``; ids are unique within the whole book.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Metadata:
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


@dataclass(frozen=True)
class TocEntry:
    """One line of the table of contents: a title and the id it points at."""

    title: str
    target: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class Note:
    id: str
    number: int
    label: str  # the marker as the source wrote it, e.g. "*" or "12"
    body: str  # XHTML fragment (block content)
    ref_ids: tuple[str, ...]  # ids of the references pointing at this note, in text order
    line: int | None = None


@dataclass(frozen=True)
class Section:
    """A top-level division of a text: one EPUB file, one TOC entry, one PDF bookmark."""

    id: str
    kind: str  # "opening" (text before the first heading), "chapter" or "notes"
    title: str  # plain text, for TOC, bookmarks and running heads
    heading: str | None  # XHTML inline fragment of the heading as written; None: untitled
    level: int  # the h-level of this section's heading in the book
    body: str  # XHTML fragment
    subsections: tuple[TocEntry, ...] = ()
    byline: str | None = None  # notes sections: "By J. V. Stalin"
    notes: tuple[Note, ...] = ()  # notes sections: the notes, in number order


@dataclass(frozen=True)
class Asset:
    """A file the book carries (an image), approved by assets.py."""

    path: Path  # the resolved file on disk, inside an allowed folder
    href: str  # where it lives in the book: images/<sha1-prefix>.<ext>
    media_type: str


@dataclass(frozen=True)
class Text:
    """One source, ready to render."""

    id: str  # prefix of every id in this text: unique in the book
    slug: str
    path: Path
    metadata: Metadata
    sections: tuple[Section, ...]
    level: int  # h-level of the text's own title
    assets: tuple[Asset, ...] = ()  # images the text uses, each once

    @property
    def notes(self) -> tuple[Note, ...]:
        return tuple(n for s in self.sections for n in s.notes)

    def toc(self) -> tuple[TocEntry, ...]:
        return tuple(TocEntry(s.title, s.id, s.subsections) for s in self.sections)


@dataclass(frozen=True)
class Part:
    id: str
    title: str | None  # None: texts not grouped under a part heading
    texts: tuple[Text, ...]


@dataclass(frozen=True)
class Book:
    """What the writers render: one text, or a volume of several."""

    slug: str
    metadata: Metadata  # identifier is always set here
    parts: tuple[Part, ...]
    modified: datetime  # UTC; dcterms:modified and fixed zip/PDF dates
    is_volume: bool = False
    sources: tuple[Path, ...] = field(default=())

    @property
    def texts(self) -> tuple[Text, ...]:
        return tuple(t for p in self.parts for t in p.texts)
