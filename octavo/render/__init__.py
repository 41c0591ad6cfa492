"""The model -> page markup: XHTML for every block and inline, Jinja templates around them.

The one stage that decides what the model leaves open: the elements and classes each block becomes,
``epub:type`` and ARIA roles (``data-epub-type`` here; the EPUB writer turns it into ``epub:type``),
backlinks from notes, and every word of interface text, in the book's language, from one catalogue.
Body markup is built as lxml trees and serialized; templates only lay pages out.

- ``environment``: the Jinja environment (the only module importing Jinja), template diagnostics;
- ``xhtml``: model blocks and inlines -> lxml elements (class ``Xhtml``);
- ``flavour``: what differs per medium (EPUB, print, web): note calls, backlinks, paragraph numbers;
- ``typography``: print typography and the text measures layout decisions read;
- this module: the ``Renderer`` (section views, contents, the EPUB's pages and the print document).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree
from markupsafe import Markup

from .. import messages
from .. import model as m
from ..resources import STYLES as DEFAULT_STYLES
from .environment import check_templates, environment, fill, template_diagnostic  # noqa: F401 (callers)
from .flavour import BACKLINK, PLAIN, PRINT, WEB, Flavour, note_number  # noqa: F401
from .typography import (  # noqa: F401 (callers import these from here)
    HANDOUT_HEAD, LONG_TEXT, RUNNING_HEAD, SHORT_OPENING, bind_last_word, chapters_open_pages, footnote_placement,
    handout_lines, keep_dashes_with_words, not_running_text, opening_length, running_head, shouting, text_length)
from .xhtml import Xhtml, box_label, short_poem_stanzas, verse_before_heading, verse_indent  # noqa: F401

UI = messages.CATALOGUE  # interface words per language (messages.py); kept under this name for callers
COLOPHON = "colophon"  # id of the closing credits
__all__ = [  # what other stages, tests and user tools import from ``octavo.render``
    "BACKLINK", "COLOPHON", "HANDOUT_HEAD", "LONG_TEXT", "PLAIN", "PRINT", "RUNNING_HEAD", "SHORT_OPENING", "UI",
    "WEB", "CoverView", "Flavour", "NoteView", "Page", "PageBreak", "Renderer", "SectionView", "Xhtml",
    "bind_last_word", "blocks_markup", "box_label", "check_templates", "environment", "fill",
    "footnote_placement", "handout_lines", "inlines_markup", "keep_dashes_with_words", "not_running_text",
    "note_markup", "note_number", "opening_length", "running_head", "short_poem_stanzas", "shouting",
    "stylesheet_paths", "template_diagnostic", "text_length", "ui_words", "verse_indent",
]


def ui_words(language: str) -> dict[str, str]:
    """Every interface word in ``language`` (English where the catalogue has none): messages.py."""
    return messages.words(language)


@dataclass(frozen=True)
class Page:
    """One EPUB content document, before EPUB-specific finishing."""

    name: str  # file name inside the EPUB
    title: str
    kind: str  # cover, titlepage, nav, part, section, colophon
    markup: str


@dataclass(frozen=True)
class CoverView:
    """The cover as a page shows it: where its image is and what it says."""

    src: str  # the image's name in the EPUB, or a data: URL in the print document
    alt: str


@dataclass(frozen=True)
class PageBreak:
    """Where a page of the print edition begins inside an element: before its ``offset``-th letter
    of text (spaces and note calls not counted: pagelist.py), and the number printed on that page."""

    offset: int
    label: str



@dataclass(frozen=True)
class NoteView:
    id: str
    number: int
    body: Markup


@dataclass(frozen=True)
class SectionView:
    """A section as the templates print it: titles in words, markup ready."""

    id: str
    kind: str
    title: str
    heading: Markup | None
    level: int
    body: Markup
    byline: str | None
    notes: tuple[NoteView, ...]
    poem: bool = False  # its heading stands over verse: set at the verse's edge (xhtml.poem_heads)
    framed: bool = False  # a poem: its title and verse in one box, centred (xhtml.poem_spans; not in print)


class Renderer:
    def __init__(self, templates: Path | None = None, cache: Path | None = None):
        """``templates``: a folder overriding the built-in templates file by file; ``cache``: a folder
        for compiled templates, shared by later builds and processes."""
        self.env = environment(templates, cache)
        self._views: tuple[m.Book, dict[Flavour, dict]] | None = None  # the last book's section markup, per flavour

    def toc(self, book: m.Book, flavour: Flavour = PLAIN) -> tuple[m.TocEntry, ...]:
        """The book's contents with every entry named, closing credits included: the EPUB nav, the
        NCX, the printed contents and the PDF outline all print this (without the sections a flavour
        leaves out: notes that all became footnotes)."""
        ui = ui_words(book.metadata.language)
        credits = m.TocEntry(ui["credits"], COLOPHON, kind="colophon")  # one wording for a text and a volume
        languages = {t.anchor: t.metadata.language for t in book.texts}  # a text's entries speak its language
        kept = {v.id for views in self.sections(book, flavour).values() for v in views}
        left_out = {s.id for t in book.texts for s in t.sections} - kept
        return _without(_named(book.toc, ui, languages), left_out) + (credits,)

    def sections(self, book: m.Book, flavour: Flavour = PLAIN) -> dict[str, tuple[SectionView, ...]]:
        """Every text's sections as markup, made once per book and flavour."""
        if self._views is None or self._views[0] is not book:
            self._views = (book, {})
        made = self._views[1]
        if flavour not in made:
            made[flavour] = {t.id: _text_views(t, flavour) for t in book.texts}
        return made[flavour]

    def _context(self, book: m.Book, cover: CoverView | None = None, flavour: Flavour = PLAIN) -> dict:
        ui = ui_words(book.metadata.language)
        views = self.sections(book, flavour)
        return {"book": book, "meta": book.metadata, "toc": self.toc(book, flavour), "ui": ui, "sections": views,
                "text_ui": {t.id: ui_words(t.metadata.language) for t in book.texts},  # a text's own pages
                "direction": messages.direction(book.metadata.language), "cover": cover}

    def context(self, book: m.Book, cover: CoverView | None = None, flavour: Flavour = PLAIN) -> dict:
        """What every template of ``book`` is given: the book, its metadata, contents, words, sections."""
        return self._context(book, cover, flavour)

    def epub_pages(self, book: m.Book, cover: CoverView | None = None, flavour: Flavour = PLAIN) -> list[Page]:
        """Every content document of the EPUB, in reading order: the cover (when given) first, the
        title page, the nav, the texts, the credits."""
        ctx = self._context(book, cover, flavour)
        pages = [Page("cover.xhtml", ctx["ui"]["cover"], "cover", self.env.get_template("epub/cover.xhtml").render(ctx))
                 ] if cover else []
        pages.append(Page("title.xhtml", book.metadata.title, "titlepage",
                          self.env.get_template("epub/titlepage.xhtml").render(ctx)))
        pages.append(Page("nav.xhtml", ctx["ui"]["contents"], "nav", self.env.get_template("epub/nav.xhtml").render(ctx)))
        counter = 0
        for p_index, part in enumerate(book.parts, 1):
            if part.title:
                pages.append(Page(f"part-{p_index}.xhtml", part.title, "part",
                                  self.env.get_template("epub/part.xhtml").render(ctx, part=part)))
            for text in part.texts:
                for s_index, section in enumerate(ctx["sections"][text.id]):
                    counter += 1
                    pages.append(Page(f"c{counter:03d}.xhtml", section.title, "section",
                                      self.env.get_template("epub/section.xhtml").render(
                                          ctx, text=text, section=section, first=s_index == 0)))
                if not text.sections:  # a text with no body still gets its title page
                    counter += 1
                    pages.append(Page(f"c{counter:03d}.xhtml", text.metadata.title, "section",
                                      self.env.get_template("epub/section.xhtml").render(
                                          ctx, text=text, section=None, first=True)))
        pages.append(Page("colophon.xhtml", ctx["toc"][-1].title, "colophon",
                          self.env.get_template("epub/colophon.xhtml").render(ctx)))
        return pages

    def print_html(self, book: m.Book, profile: str = "book", cover: CoverView | None = None,
                   flavour: Flavour = PRINT) -> str:
        """The whole book as one HTML document for WeasyPrint; ``cover``: a first page with that image."""
        ctx = self._context(book, cover, flavour)
        return self.env.get_template("print/book.html").render(
            ctx, profile=profile, handout=handout_lines(book, ctx["ui"]) if profile == "handout" else None,
            contents=printed_contents(book, ctx["toc"]),
            long_texts={t.id for t in book.texts if chapters_open_pages(t)},
            short_openings={t.id for t in book.texts if opening_length(t) < SHORT_OPENING})



def printed_contents(book: m.Book, toc: tuple[m.TocEntry, ...]) -> tuple[m.TocEntry, ...]:
    """The entries of the printed contents (a book's page, a handout's box): a single text's
    opening words are not an entry (named after the text, they repeated the title printed above
    and pointed at the page its first section shares), the headings inside them are. Nothing but
    the credits left: no contents at all (one text without sections). A volume lists its texts."""
    if book.is_volume:
        return toc
    if toc and toc[0].kind == "opening":
        toc = (*toc[0].children, *toc[1:])
    return toc if any(entry.kind != "colophon" for entry in toc) else ()


def _named(entries: tuple[m.TocEntry, ...], ui: dict[str, str], languages: dict[str, str]
           ) -> tuple[m.TocEntry, ...]:
    out = []
    for n, entry in enumerate(entries, 1):
        title = entry.title or _fallback_title(entry.kind, n, ui)
        inner = ui_words(languages[entry.target]) if entry.target in languages else ui
        out.append(replace(entry, title=title, children=_named(entry.children, inner, languages)))
    return tuple(out)


def _fallback_title(kind: str, n: int, ui: dict[str, str]) -> str:
    if kind == "notes":
        return ui["notes"]
    if kind == "solutions":
        return ui["solutions"]
    if kind == "heading":
        return "\u2026"
    return ui["section_n"].format(n=n)


def _text_views(text: m.Text, flavour: Flavour) -> tuple[SectionView, ...]:
    """A text's sections as markup, without a notes section that a flavour emptied."""
    ui, notes = ui_words(text.metadata.language), {note.id: note for note in text.notes}
    views = ((s, _section_view(s, n, ui, flavour, notes)) for n, s in enumerate(text.sections, 1))
    return tuple(view for section, view in views if not _emptied(view, section))


def _without(entries: tuple[m.TocEntry, ...], targets: set[str]) -> tuple[m.TocEntry, ...]:
    return tuple(replace(e, children=_without(e.children, targets)) for e in entries if e.target not in targets)


def _emptied(view: SectionView, section: m.Section) -> bool:
    """A notes section whose notes all went to the foot of their pages."""
    return section.kind == "notes" and bool(section.notes) and not view.notes and not section.blocks


def _section_view(section: m.Section, n: int, ui: dict[str, str], flavour: Flavour = PLAIN,
                  notes: Mapping[str, m.Note] | None = None) -> SectionView:
    title = section.title or _fallback_title(section.kind, n, ui)
    if section.heading is not None:  # print: a call in a heading leaves its pointer at the page's foot
        heading = inlines_markup(section.heading, ui, flavour if flavour.footnotes else PLAIN, notes)
    elif section.kind in ("notes", "solutions"):
        heading = Markup.escape(title)
    else:
        heading = None
    footnotes = flavour.footnotes or {}
    views = tuple(NoteView(note.id, note.number, note_markup(note, ui, flavour)) for note in section.notes
                  if footnotes.get(note.id) != "foot")
    poem = verse_before_heading(section.blocks)
    return SectionView(section.id, section.kind, title, heading, section.level,
                       blocks_markup(section.blocks, ui, flavour, notes, poem), section.byline, views, poem,
                       poem and flavour.poem_frames)


def blocks_markup(blocks: tuple[m.Block, ...], ui: dict[str, str] | None = None,
                  flavour: Flavour = PLAIN, notes: Mapping[str, m.Note] | None = None,
                  poem: bool = False) -> Markup:
    """Blocks as XHTML markup (namespace-free, ``data-epub-type`` for the EPUB writer); ``notes``: the
    text's notes, for a flavour that sets them at their calls; ``poem``: a section's blocks whose
    opening verse the section frames (templates/partials/section.html)."""
    def write(holder):
        x = Xhtml(ui or ui_words("en"), flavour, notes)
        x.in_poem_section = poem
        x.blocks(holder, blocks)
    return _markup_of(write)


def inlines_markup(inlines: tuple[m.Inline, ...], ui: dict[str, str] | None = None, flavour: Flavour = PLAIN,
                   notes: Mapping[str, m.Note] | None = None) -> Markup:
    return _markup_of(lambda holder: Xhtml(ui or ui_words("en"), flavour, notes).inlines(holder, inlines))


def note_markup(note: m.Note, ui: dict[str, str] | None = None, flavour: Flavour = PLAIN) -> Markup:
    """A note at the end: its blocks, and its way back to the text (a backlink, or its number)."""
    def make(holder: etree._Element) -> None:
        Xhtml(ui or ui_words("en"), flavour).note(holder, note)
        if flavour.number_notes and note.refs:
            note_number(holder, note, gap="")  # print.css sets it in the margin, as a list's marker
    return _markup_of(make)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _markup_of(fill) -> Markup:
    """Build elements under a holder, serialize its content: body markup for a template. An empty
    element is written open and closed (``<code></code>``), never ``<code/>``: the print edition is
    read as HTML, where that opens a code element that never ends (Lenin's theses: each line's
    empty code span inside the one before, down to 1 pt)."""
    holder = etree.Element("div")
    fill(holder)
    for element in holder.iter():
        if isinstance(element.tag, str) and element.text is None and not len(element) and element.tag not in VOID:
            element.text = ""
    return Markup.escape(holder.text or "") + Markup(
        "".join(etree.tostring(child, encoding="unicode", with_tail=True) for child in holder))




def stylesheet_paths(styles: Path | None, medium: str, extra: tuple[str, ...] = ()) -> list[Path]:
    """common.css, the medium's sheet, then ``extra`` sheets by name (a profile's: ``handout``); a
    user styles folder overrides file by file."""
    found = []
    for name in ("common.css", f"{medium}.css", *(f"{e}.css" for e in extra)):
        user = styles / name if styles else None
        found.append(user if user and user.is_file() else DEFAULT_STYLES / name)
    return found
