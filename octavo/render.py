"""The model -> page markup: XHTML for every block and inline, Jinja templates around them.

The only module that knows Jinja, and the one that decides what the model leaves open: the
elements and classes each block becomes, ``epub:type`` and ARIA roles (``data-epub-type`` here; the
EPUB writer turns it into ``epub:type``), backlinks from notes, and every word of interface text,
in the book's language, from one catalogue. Body markup is built as lxml trees and serialized;
templates only lay pages out. Autoescaping is on and undefined names are errors.
"""
from __future__ import annotations

import functools
import pickle
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
from lxml import etree
from markupsafe import Markup

from . import highlight, messages, tables
from . import model as m
from .diagnostics import ERROR, Diagnostic, Location, OctavoError
from .paragraphs import Number
from .resources import STYLES as DEFAULT_STYLES
from .resources import TEMPLATES as DEFAULT_TEMPLATES

BACKLINK = "\u21a9\ufe0e"  # ↩ as text, not emoji

UI = messages.CATALOGUE  # interface words per language (messages.py); kept under this name for callers
COLOPHON = "colophon"  # id of the closing credits


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


@dataclass(frozen=True, eq=False)  # compared by identity: one flavour, one set of section views
class Flavour:
    """What differs between the markups made from one model. The EPUB and the print edition share
    everything else, so they say the same thing block for block."""

    footnotes: Mapping[str, str] | None = None  # print: note id -> "foot" (set at its first call) or "end"
    numbers: Mapping[str, Number] | None = None  # handout: block id -> paragraph number (paragraphs.py)
    bind_words: bool = False  # print: no line starts with a spaced dash, no paragraph ends on a lone fragment
    number_notes: bool = False  # print: a note opens with its number, a link to its call (no ↩ arrows on paper)
    table_room: int | None = None  # print: characters of table type across the measure; a table wider is
    # printed in column groups (tables.column_groups); None: every table whole (a screen scrolls it)
    code_lines: bool = False  # print: each line of code a block of its own, so a line that wraps is marked


PLAIN = Flavour()
# the print edition's line breaking is Octavo's (a reading system makes its own)
PRINT = Flavour(bind_words=True, number_notes=True, code_lines=True)


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
        # a handout of one text without sections prints no contents box: it would list the text alone
        bare = profile == "handout" and not book.is_volume and len(ctx["toc"]) == 2 and not ctx["toc"][0].children
        return self.env.get_template("print/book.html").render(
            ctx, profile=profile, handout=handout_lines(book, ctx["ui"]) if profile == "handout" else None,
            contents=not bare,
            long_texts={t.id for t in book.texts if text_length(t) > LONG_TEXT},
            short_openings={t.id for t in book.texts if opening_length(t) < SHORT_OPENING})


LONG_TEXT = 20_000  # characters (about ten A5 pages): a longer text's chapters each open a page
SHORT_OPENING = 1_200  # characters (about half an A5 page): a shorter opening runs into chapter one
HANDOUT_HEAD = 84  # characters: one line of 8 pt italic over a handout's (or a booklet page's) text
RUNNING_HEAD = 64  # characters at most in a running head: one line of 7.5 pt small capitals on A5 (70 fit)
PHRASE_END = re.compile(r"(?:[:;,.!?]|\s[\u2013\u2014])\s")  # where a phrase of a title ends
ROMAN = re.compile(r"[IVXLCDM]+")
NUMERAL = re.compile(r"\s*(?:[IVXLCDM]+|[ivxlcdm]+|\d+)\.?\s*")  # "XXXVIII.", "12": a title that only numbers


def text_length(text: m.Text) -> int:
    """Characters of a text's body (notes left out): what decides whether its chapters open pages."""
    return sum(_characters(s.blocks) for s in text.sections if s.kind != "notes")


def opening_length(text: m.Text) -> int:
    """Characters of the text before its first heading (0 when it opens with one)."""
    return sum(_characters(s.blocks) for s in text.sections if s.kind == "opening")


def _characters(blocks: tuple[m.Block, ...]) -> int:
    """Characters of text in some blocks and the blocks inside them (headings and tables aside)."""
    return sum(len(m.plain_text(inlines)) for block in m.walk_blocks(blocks) for inlines in _inline_groups(block))


def running_head(title: str, limit: int = RUNNING_HEAD) -> str:
    """A title for a running head, on one line: whole; else its first phrases that fit (up to a
    colon, a comma, a full stop or a spaced dash, when they make at least 40 % of a line), never
    cut mid-phrase; only a title with no such place is cut at a word, with an ellipsis. (print.css
    sets running heads in spaced small capitals, a title written in capitals too.)"""
    if len(title) <= limit:
        return title
    ends = [end.start() for end in PHRASE_END.finditer(title) if limit * 0.4 <= end.start() <= limit]
    if ends:
        return title[:ends[-1]].rstrip()
    cut = title[:limit].rsplit(" ", 1)[0] if " " in title[:limit] else title[:limit - 1]
    return cut.rstrip(" ,;:.\u2013\u2014-") + "\u2026"


def shouting(title: str | None) -> bool:
    """A title written in capitals ("I. THE FACTS ABOUT THE OCTOBER UPRISING"): print sets it in
    small capitals (print.css ``.caps``). A roman numeral alone ("XXXVIII.") is not shouting."""
    letters = [c for c in title or "" if c.isalpha()]
    if len(letters) < 4 or any(c.islower() for c in letters) or not any(c.isupper() for c in letters):
        return False
    return any(len(word) >= 3 and not ROMAN.fullmatch(word) for word in re.findall(r"[^\W\d_]+", title))


def fill(message: str, **values) -> Markup:
    """A catalogue message with its ``{placeholders}`` filled: text is escaped, ready markup (a link,
    ``<code>`` names) is kept."""
    return Markup.escape(message).format(**values)


# --- the template environment: compiled once per process (and on disk), errors at file and line ---

class _Template(jinja2.Template):
    def render(self, *args, **kwargs) -> str:
        try:
            return super().render(*args, **kwargs)
        except jinja2.TemplateError as exc:  # a mistake in a template, most likely the user's own
            raise OctavoError([template_diagnostic(exc)]) from exc


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):  # damaged: compile again
            bucket.reset()


@functools.lru_cache(maxsize=16)
def environment(templates: Path | None = None, cache: Path | None = None) -> jinja2.Environment:
    """The Jinja environment over the built-in templates, a user folder first; one per process."""
    loaders = [jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES))]
    if templates is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(templates)))
    bytecode = None
    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            bytecode = _BytecodeCache(str(cache))
        except OSError:  # an unwritable cache folder only costs compiling
            bytecode = None
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode,
    )
    env.template_class = _Template
    # ready markup from this module passes; anything else is escaped (templates of older versions)
    env.filters["fragment"] = lambda value: value if isinstance(value, Markup) else Markup.escape(value or "")
    env.filters["fill"] = fill  # a catalogue sentence with its {placeholders} filled, escaped
    env.filters["direction"] = messages.direction
    env.filters["running"] = running_head  # print: a running head that never wraps
    env.filters["caps"] = lambda title: " caps" if shouting(title) else ""  # a class: set in small capitals
    env.filters["numeral"] = lambda title: bool(NUMERAL.fullmatch(title or ""))  # a poem's number as its title
    return env


def check_templates(templates: Path) -> list[Diagnostic]:
    """Compile every template of a user's folder: syntax errors at their file and line, before any build."""
    env = environment(templates)
    problems = []
    for name in jinja2.FileSystemLoader(str(templates)).list_templates():
        try:
            env.get_template(name)
        except jinja2.TemplateError as exc:
            problems.append(template_diagnostic(exc))
    return problems


def template_diagnostic(exc: jinja2.TemplateError) -> Diagnostic:
    """A Jinja error as a diagnostic at the template's file and line (syntax errors carry them; for
    errors while rendering, Jinja puts the template's lines into the traceback)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = Location(Path(exc.filename), exc.lineno) if exc.filename else None
        return Diagnostic(ERROR, "template.syntax", f"template syntax error: {exc.message}", where)
    where, tb = None, exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xhtml", ".xml", ".opf", ".j2")) and Path(filename).is_file():
            where = Location(Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template not found: {exc.name}"
    else:
        message = f"template error: {exc.message or type(exc).__name__}"
    return Diagnostic(ERROR, "template.error", message, where)


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


def footnote_placement(book: m.Book, room: int) -> dict[str, str]:
    """Where the print edition sets each note: "foot", under its first call, when that call is in the
    running text (not in a table, a heading or another note) and the note has at most ``room``
    characters (WeasyPrint never splits a footnote across pages); else "end", with a pointer at the call."""
    calls = {ref.id for t in book.texts for s in t.sections for ref in _calls(s.blocks)}
    return {note.id: "foot" if note.refs and note.refs[0] in calls and _characters(note.blocks) <= room else "end"
            for t in book.texts for note in t.notes}


def _calls(blocks: tuple[m.Block, ...]):
    """The note references of some blocks, outside tables."""
    for block in blocks:
        if isinstance(block, m.Table):
            continue
        for inlines in _inline_groups(block):
            yield from _refs(inlines)
        yield from _calls(m.child_blocks(block))


def _refs(inlines: tuple[m.Inline, ...]):
    for item in inlines:
        if isinstance(item, m.NoteRef):
            yield item
        elif isinstance(item, (m.Span, m.Link)):
            yield from _refs(item.children)


def _inline_groups(block: m.Block) -> tuple[tuple[m.Inline, ...], ...]:
    """The runs of inline content a block holds itself (not its child blocks'); headings excepted."""
    if isinstance(block, (m.Paragraph, m.Plain)):
        return (block.inlines,)
    if isinstance(block, m.Verse):
        return block.lines
    return ()


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
    if section.heading is not None:
        heading = inlines_markup(section.heading)
    elif section.kind in ("notes", "solutions"):
        heading = Markup.escape(title)
    else:
        heading = None
    footnotes = flavour.footnotes or {}
    views = tuple(NoteView(note.id, note.number, note_markup(note, ui, flavour)) for note in section.notes
                  if footnotes.get(note.id) != "foot")
    return SectionView(section.id, section.kind, title, heading, section.level,
                       blocks_markup(section.blocks, ui, flavour, notes), section.byline, views)


def blocks_markup(blocks: tuple[m.Block, ...], ui: dict[str, str] | None = None,
                  flavour: Flavour = PLAIN, notes: Mapping[str, m.Note] | None = None) -> Markup:
    """Blocks as XHTML markup (namespace-free, ``data-epub-type`` for the EPUB writer); ``notes``: the
    text's notes, for a flavour that sets them at their calls."""
    return _markup_of(lambda holder: Xhtml(ui or ui_words("en"), flavour, notes).blocks(holder, blocks))


def inlines_markup(inlines: tuple[m.Inline, ...]) -> Markup:
    return _markup_of(lambda holder: Xhtml(ui_words("en")).inlines(holder, inlines))


def note_markup(note: m.Note, ui: dict[str, str] | None = None, flavour: Flavour = PLAIN) -> Markup:
    """A note at the end: its blocks, and its way back to the text (a backlink, or its number)."""
    def fill(holder: etree._Element) -> None:
        Xhtml(ui or ui_words("en"), flavour).note(holder, note)
        if flavour.number_notes and note.refs:
            _number_first(holder, note, gap="")  # print.css sets it in the margin, as a list's marker
    return _markup_of(fill)


def _markup_of(fill) -> Markup:
    """Build elements under a holder, serialize its content: body markup for a template."""
    holder = etree.Element("div")
    fill(holder)
    return Markup.escape(holder.text or "") + Markup(
        "".join(etree.tostring(child, encoding="unicode", with_tail=True) for child in holder))


# --- blocks and inlines -> XHTML -----------------------------------------------------------------

TAGS = m.SPAN_KINDS  # kind -> element
DIVISION_TAGS = {"division": "div", "section": "section", "article": "article", "aside": "aside",
                 "header": "header", "footer": "footer", "address": "address", "definitions": "dl", "term": "dt",
                 "definition": "dd"}


class Xhtml:
    """Model blocks and inlines -> namespace-free XHTML elements."""

    def __init__(self, ui: dict[str, str], flavour: Flavour = PLAIN, notes: Mapping[str, m.Note] | None = None):
        self.ui = ui
        self.flavour = flavour
        self.notes = notes or {}
        self.floats_off = 0  # inside a table cell or a note, a call sets no footnote (none is placed reliably)
        self._keep: frozenset[str] = frozenset()  # stanzas kept on a page with the next (short poems)

    def blocks(self, parent: etree._Element, blocks: tuple[m.Block, ...]) -> None:
        self._keep = self._keep | short_poem_stanzas(blocks)
        for block in blocks:
            count = len(parent)
            if not isinstance(block, m.Plain) and _ends_inline(parent):
                self._append_text(parent, "\n")  # a block after inline content: keep the words apart
            self.block(parent, block)
            if not isinstance(block, m.Plain) and len(parent) > count:
                parent[-1].tail = "\n"  # a line break between blocks, for whoever reads the markup as text

    def block(self, parent: etree._Element, block: m.Block) -> None:
        if isinstance(block, m.Plain):
            self.inlines(parent, block.inlines)
            return
        if isinstance(block, m.Paragraph):
            p = self._el(parent, "p", block.id, block.attrs)
            self.inlines(p, block.inlines)
            if self.flavour.bind_words:
                bind_last_word(p)
        elif isinstance(block, m.Verse):
            classes = ("verse", "keep-with-next") if block.id in self._keep else ("verse",)
            p = self._el(parent, "p", block.id, block.attrs, classes=classes)
            for n, line in enumerate(block.lines):  # a box per line: turnovers can hang
                if n:
                    etree.SubElement(p, "br").tail = "\n"
                level, line = verse_indent(line)
                span = etree.SubElement(p, "span", {"class": f"verse-line indent-{level}" if level else "verse-line"})
                self.inlines(span, line)
        elif isinstance(block, m.Heading):
            classes = (*(("toc-sub",) if block.in_toc else ()), *(("caps",) if shouting(m.plain_text(block.inlines)) else ()))
            h = self._el(parent, f"h{min(max(block.level, 1), 6)}", block.id, block.attrs, classes=classes)
            self.inlines(h, block.inlines)
        elif isinstance(block, m.ListBlock):
            lst = self._el(parent, "ol" if block.ordered else "ul", block.id, block.attrs,
                           classes=("lettered",) if block.labelled else ())
            if block.start is not None:
                lst.set("start", str(block.start))
            for item in block.items:
                li = self._el(lst, "li", item.id, item.attrs)
                li.tail = "\n"
                if item.value is not None:
                    li.set("value", str(item.value))
                self.blocks(li, item.blocks)
        elif isinstance(block, m.Quotation):
            self.blocks(self._el(parent, "blockquote", block.id, block.attrs), block.blocks)
        elif isinstance(block, m.Table):
            self._table(parent, block)
        elif isinstance(block, m.Figure):
            figure = self._el(parent, "figure", block.id, block.attrs)
            self.blocks(figure, block.blocks)
            if block.caption:
                self.blocks(etree.SubElement(figure, "figcaption"), block.caption)
        elif isinstance(block, m.Rule):
            self._el(parent, "hr", block.id, ())
        elif isinstance(block, m.CodeBlock):
            self._code(parent, block)
        elif isinstance(block, m.Callout):
            self._callout(parent, block)
        elif isinstance(block, m.Division):
            self.blocks(self._el(parent, DIVISION_TAGS.get(block.kind, "div"), block.id, block.attrs), block.blocks)
        else:
            raise TypeError(f"cannot render {type(block).__name__}")

    def _code(self, parent: etree._Element, block: m.CodeBlock) -> None:
        """``<pre class="code command">``: what the block is (code, a command, output) as a class, its
        language on ``<code>``, highlighted runs as spans; the text is the block's, byte for byte."""
        pre = self._el(parent, "pre", block.id, (), classes=("code", block.role))
        code = etree.SubElement(pre, "code")
        if block.language:
            code.set("class", f"language-{block.language}")
        runs = highlight.runs(block.text, block.language, block.role == "command")
        if not self.flavour.code_lines:
            _spans(code, runs)
            return
        lines: list[list[tuple[str, str]]] = [[]]  # print: one block per line (its end is the block's end)
        for name, text in runs:
            for n, piece in enumerate(text.split("\n")):
                if n:
                    lines.append([])
                if piece:
                    lines[-1].append((name, piece))
        if not lines[-1] and len(lines) > 1:
            lines.pop()  # the newline that ends the block
        for line in lines:
            _spans(etree.SubElement(code, "span", {"class": "line"}), line)

    def _callout(self, parent: etree._Element, box: m.Callout) -> None:
        """A box: ``<aside>`` (a note to the text, whatever its kind), opened by its label in the text's
        language and its title (what a reader without styles sees and a screen reader announces), with
        a link to its solution at the end or back to its exercise."""
        classes = ("box", f"box-{box.kind}") + (("keep",) if box_size(box) <= KEEP_BOX else ())
        aside = self._el(parent, "aside", box.id, box.attrs, classes=classes)
        aside.set("role", "doc-tip" if box.kind == "tip" else "note")
        if box.kind in BOX_EPUB_TYPES:
            aside.set("data-epub-type", BOX_EPUB_TYPES[box.kind])
        aside.set("aria-labelledby", f"{box.id}-title")
        label = box_label(box, self.ui)
        title = etree.SubElement(aside, "p", {"class": "box-title", "id": f"{box.id}-title"})
        strong = etree.SubElement(title, "strong", {"class": "box-label"})
        strong.text = label
        if box.title and not _same_words(m.plain_text(box.title), label, self.ui.get(f"box_{box.kind}", "")):
            strong.tail = ": "
            self.inlines(title, box.title)
        title.tail = "\n"
        self.blocks(aside, box.blocks)
        if box.see:
            key = "solution_at_end" if box.kind != "solution" else "back_to_exercise"
            see = etree.SubElement(aside, "p", {"class": "box-see"})
            for n, target in enumerate(box.see):
                if n:
                    self._append_text(see, " ")
                link = etree.SubElement(see, "a", {"href": f"#{target}"})
                link.text = self.ui[key].format(n=box.number if box.number is not None else "")

    def _table(self, parent: etree._Element, table: m.Table) -> None:
        self.floats_off += 1
        try:
            self._table_rows(parent, table)
        finally:
            self.floats_off -= 1

    def _table_rows(self, parent: etree._Element, table: m.Table) -> None:
        """The table; on paper, one table per column group when it is too wide for the measure (the
        first keeps its id and caption, each repeats the label column)."""
        width = tables.width_class(table)
        groups = tables.column_groups(table, self.flavour.table_room) if self.flavour.table_room else None
        columns = tables.least_widths(table)[1]
        for n, group in enumerate(groups or [None]):
            classes = tuple(c for c in (width, "column-group" if groups else None) if c)
            el = self._el(parent, "table", table.id if n == 0 else None, table.attrs if n == 0 else (), classes=classes)
            if n:
                el.set("data-columns-of", table.id)  # the page-list counts it as the table (pagelist.py)
            if table.caption and n == 0:
                self.inlines(etree.SubElement(el, "caption"), table.caption)
            self._rows(el, table, group, columns)
            el.tail = "\n"

    def _rows(self, el: etree._Element, table: m.Table, group: tuple[int, ...] | None, columns: int) -> None:
        group_el, kind = None, None
        heads = tables.header_rows(table)
        for n, row in enumerate(table.rows):
            if n < heads:
                row = m.Row(tuple(replace(c, header=True) for c in row.cells), "head", row.where)
            if row.group != kind:
                kind, group_el = row.group, etree.SubElement(el, f"t{row.group}")
            tr = etree.SubElement(group_el, "tr")
            tr.tail = "\n"
            for cell in (row.cells if group is None else tables.cells_in(row, group, columns)):
                classes = (f"align-{cell.align}",) if cell.align else ()
                if tables.is_numeric(tables.cell_text(cell)):  # a figure, or a year heading figures
                    classes += ("number",)
                td = self._el(tr, "th" if cell.header else "td", None, cell.attrs, classes=classes)
                if cell.colspan > 1:
                    td.set("colspan", str(cell.colspan))
                if cell.rowspan > 1:
                    td.set("rowspan", str(cell.rowspan))
                self.blocks(td, cell.blocks)

    def note(self, parent: etree._Element, note: m.Note) -> None:
        """A note's blocks and, on screen, a ↩ link back to each call (in its last paragraph, or a
        new one). On paper (``number_notes``) the caller opens the note with its number instead."""
        holder = etree.Element("div")
        self.floats_off += 1
        try:
            self.blocks(holder, note.blocks)
        finally:
            self.floats_off -= 1
        for child in list(holder):
            parent.append(child)
        parent.text = holder.text
        if not note.refs:
            return
        if self.flavour.number_notes:
            return
        last = parent[-1] if len(parent) else None
        target = last if last is not None and last.tag == "p" else etree.SubElement(parent, "p")
        for n, ref_id in enumerate(note.refs, 1):
            if len(target) or (target.text or "").strip():
                self._append_text(target, " ")
            label = self.ui["back"] if len(note.refs) == 1 else self.ui["back_n"].format(n=n)
            link = etree.SubElement(target, "a", {
                "href": f"#{ref_id}", "class": "backlink", "role": "doc-backlink",
                "data-epub-type": "backlink", "title": label, "aria-label": label,
            })
            link.text = BACKLINK if len(note.refs) == 1 else f"{BACKLINK}{n}"

    def inlines(self, parent: etree._Element, inlines: tuple[m.Inline, ...]) -> None:
        for item in inlines:
            self.inline(parent, item)

    def inline(self, parent: etree._Element, item: m.Inline) -> None:
        if isinstance(item, m.Run):
            bind = self.flavour.bind_words and parent.tag != "code"
            self._append_text(parent, keep_dashes_with_words(let_quotes_break(item.text)) if bind else item.text)
        elif isinstance(item, m.NoteRef):
            a = etree.SubElement(parent, "a", {"href": f"#{item.note}", "id": item.id, "class": "noteref",
                                               "role": "doc-noteref", "data-epub-type": "noteref"})
            # print: a word joiner keeps the call on the line of the word it follows (never a line's start)
            a.text = ("\u2060" if self.flavour.bind_words else "") + str(item.number)
            note = self.notes.get(item.note)
            if self.flavour.footnotes and note is not None and note.refs[:1] == (item.id,) and not self.floats_off:
                self._footnote(parent, note, self.flavour.footnotes.get(note.id, "end"))
        elif isinstance(item, m.Link):
            a = self._el(parent, "a", item.id, item.attrs)
            a.set("href", f"#{item.target}" if item.target else item.url)
            self.inlines(a, item.children)
        elif isinstance(item, m.Image):
            img = self._el(parent, "img", item.id, item.attrs)
            img.set("src", item.asset)
            img.set("alt", item.alt)
            for name, value in (("width", item.width), ("height", item.height)):
                if value is not None:
                    img.set(name, str(value))
        elif isinstance(item, m.LineBreak):
            etree.SubElement(parent, "br")
        elif isinstance(item, m.WordBreak):
            etree.SubElement(parent, "wbr")
        elif isinstance(item, m.Span):
            classes = ("image-alt",) if item.kind == "missing-image" else ()
            self.inlines(self._el(parent, TAGS.get(item.kind, "span"), item.id, item.attrs, classes=classes),
                         item.children)
        else:
            raise TypeError(f"cannot render {type(item).__name__}")

    def _footnote(self, parent: etree._Element, note: m.Note, placement: str) -> None:
        """Right after a note's first call, what the foot of the page shows: the note (its blocks as
        inline-level boxes, since it sits inside a paragraph) or, for a note left at the end, a
        pointer to it. print.css floats it to the foot of the call's page."""
        holder = etree.Element("div")
        if placement == "foot":
            self.note(holder, note)
        else:
            pointer = etree.SubElement(holder, "a", {"href": f"#{note.id}"})
            pointer.text = self.ui["note_at_end"].format(n=note.number)
        _number_first(holder, note)
        _as_inline_level(holder)
        span = etree.SubElement(parent, "span", {"class": "footnote" if placement == "foot" else "footnote pointer",
                                                 "role": "doc-footnote", "data-call": note.refs[0]})
        if placement == "foot":
            span.set("id", note.id)
        span.text = holder.text
        span.extend(list(holder))

    def _el(self, parent, tag: str, id_: str | None, attrs: m.Attrs, classes: tuple[str, ...] = ()) -> etree._Element:
        el = etree.SubElement(parent, tag)
        if id_:
            el.set("id", id_)
        given = dict(attrs)
        names = [*classes, *given.pop("class", "").split()]
        if names:
            el.set("class", " ".join(dict.fromkeys(names)))
        for name, value in given.items():
            el.set(name, value)
        number = self.flavour.numbers.get(id_) if self.flavour.numbers and id_ else None
        if number is not None:
            _number(el, number)
        return el

    @staticmethod
    def _append_text(parent: etree._Element, text: str) -> None:
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text


def _spans(parent: etree._Element, runs: list[tuple[str, str]]) -> None:
    """Highlighted runs into ``parent``: a span per classed run, plain text as it is."""
    last = None
    for name, text in runs:
        if name:
            last = etree.SubElement(parent, "span", {"class": name})
            last.text = text
        elif last is None:
            parent.text = (parent.text or "") + text
        else:
            last.tail = (last.tail or "") + text


KEEP_BOX = 2_400  # characters (a code line counts 60; about half an A4 page): a box this short is never split across pages
# epub:type of boxes, from the EPUB Structural Semantics Vocabulary (the other kinds have no term;
# "notice" would want the role doc-notice, which an <aside> may not take)
BOX_EPUB_TYPES = {"tip": "tip", "exercise": "practice", "objectives": "learning-objectives"}


def box_label(box: m.Callout, ui: Mapping[str, str]) -> str:
    """What a box is called in the text's language: "Exercise 3", "Solution 3", "Key points"."""
    if box.kind in ("exercise", "solution") and box.number is not None:
        return ui[f"box_{box.kind}_n"].format(n=box.number)
    return ui.get(f"box_{box.kind}", ui["box_note"])


def box_size(box: m.Callout) -> int:
    """Characters of a box's text, a line of code counting as 60: how much room it takes."""
    code = sum(60 * b.text.count("\n") for b in m.walk_blocks(box.blocks) if isinstance(b, m.CodeBlock))
    return _characters(box.blocks) + code


def _same_words(title: str, *labels: str) -> bool:
    """A title that only repeats the label ("Solution" under "Solution 3") is not printed twice."""
    words = "".join(c for c in title.casefold() if c.isalnum())
    return any(words == "".join(c for c in label.casefold() if c.isalnum()) for label in labels if label)


def _number(el: etree._Element, number: Number) -> None:
    """A numbered block: the paragraph id on the block, its number as the first child. The number
    carries the block's own id, so links and notes that point at the block still arrive there; it is
    hidden from screen readers (a reader hears the text, not the numbering)."""
    span = etree.Element("span", {"class": "para-num", "aria-hidden": "true"})
    if el.get("id"):
        span.set("id", el.get("id"))
    span.text = str(number.n)
    el.set("id", number.id)
    el.set("class", " ".join(dict.fromkeys([*(el.get("class") or "").split(), "numbered"])))
    el.insert(0, span)


def handout_lines(book: m.Book, ui: dict[str, str]) -> dict[str, str]:
    """What a handout's running head and foot say: short title, author(s), source address, and
    "page n of N" cut into the words before, between and after the two numbers (the stylesheet
    puts the counters between them, in the language's own order)."""
    meta = book.metadata
    names = meta.editors if book.is_volume and meta.editors else meta.authors
    before, _, rest = ui["page_of"].partition("{n}")
    between, _, after = rest.partition("{total}")
    return {"title": running_head(getattr(meta, "short_title", None) or meta.title, HANDOUT_HEAD),
            "author": ui["list_separator"].join(names),
            "source": meta.source_url or "", "page_before": before, "page_between": between, "page_after": after}


SPACED_DASH = re.compile(r" (?=[\u2013\u2014] )")
QUOTE_BRACKET = re.compile(r"(?<=[\u201d\u00bb])(?= [(\[])")  # a closing quote, a space, a bracket
LAST_WORD = re.compile(r"(\s)(\S+)\s*$")
# roles of what is not the running text: note calls, notes set in it, the links back from notes
# (the EPUB's arrows at a note's end, the print edition's number at its start)
NOT_TEXT = {"doc-noteref", "doc-footnote", "doc-backlink"}
# characters (with its punctuation): a word this short alone on a line looks lost. A longer one bound to
# the word before makes a group too long to break that leaves the line above loose (the Russian
# Manifesto: 24 loose lines binding words of up to 7 characters, 15 up to 4).
SHORT_LAST_WORD = 5


def not_running_text(element: etree._Element) -> bool:
    """Note calls, notes set in the text, links back from notes and what screen readers are told to
    skip (a handout's paragraph numbers): not words of the paragraph. No line ends on them (the
    last word is looked for before them) and no page of the page-list begins there."""
    return element.get("role") in NOT_TEXT or element.get("aria-hidden") == "true"


def let_quotes_break(text: str) -> str:
    """A line may break between a closing quote and a bracket after it ("permanent" (uninterrupted)):
    Pango follows Unicode's older rule LB15, which glues a quotation mark, spaces and an opening bracket
    into one unit, and the line before such a unit is left loose. A zero-width space after the quote
    allows the break (Unicode 15.1 allows it after a closing quote); it is not in the PDF's text."""
    return QUOTE_BRACKET.sub("\u200b", text)


def keep_dashes_with_words(text: str) -> str:
    """A spaced dash stays at the end of a line, never starts one: the space before it is no-break."""
    return SPACED_DASH.sub("\u00a0", text)


def bind_last_word(p: etree._Element) -> None:
    """A paragraph never ends on a lone short word: its last word, when short, is joined to the one
    before by a no-break space. (Keeping a long last word from being hyphenated would take a span
    with ``hyphens: manual``, and WeasyPrint 70 then breaks the lines before it badly: measured.)
    Note calls and footnotes after the last word are looked through."""
    for el, attr in reversed(_text_slots(p)):
        text = getattr(el, attr) or ""
        if not text.strip():
            continue
        found = LAST_WORD.search(text)
        if found is None and not any(c.isspace() for c in text.strip()):
            continue  # punctuation or a word's end after an inline ("emphasised</em>."): look before it
        if found is not None and len(found.group(2)) <= SHORT_LAST_WORD:
            setattr(el, attr, text[:found.start(1)] + "\u00a0" + text[found.start(2):])
        return


def _text_slots(p: etree._Element) -> list[tuple[etree._Element, str]]:
    """(element, "text" or "tail") for every run of text in the paragraph, in reading order,
    leaving out note calls and notes set at their call (they are not words of the paragraph)."""
    slots: list[tuple[etree._Element, str]] = []

    def visit(el: etree._Element) -> None:
        if not not_running_text(el):
            slots.append((el, "text"))
            for child in el:
                visit(child)
        if el is not p:
            slots.append((el, "tail"))

    visit(p)
    return slots


SHORT_POEM = 20  # lines: a poem this short fits on any page, so its stanzas are kept together
INDENT_STEP = 2  # columns of leading space per indent level of a verse line (a tab counts 4)


def short_poem_stanzas(blocks: tuple[m.Block, ...]) -> frozenset[str]:
    """Ids of the stanzas to keep with the next: every stanza but the last of a run of stanzas
    (a poem) of at most SHORT_POEM lines."""
    keep: set[str] = set()
    run: list[m.Verse] = []
    for block in (*blocks, None):
        if isinstance(block, m.Verse):
            run.append(block)
            continue
        if len(run) > 1 and sum(len(v.lines) for v in run) <= SHORT_POEM:
            keep.update(v.id for v in run[:-1])
        run = []
    return frozenset(keep)


def verse_indent(line: tuple[m.Inline, ...]) -> tuple[int, tuple[m.Inline, ...]]:
    """A verse line's indent level (its leading spaces, as written) and the line without them:
    markup collapses spaces, so the indent becomes a class."""
    if not line or not isinstance(line[0], m.Run):
        return 0, line
    text = line[0].text
    stripped = text.lstrip(" \t\u00a0\u3000")
    columns = sum(4 if c == "\t" else 2 if c == "\u3000" else 1 for c in text[:len(text) - len(stripped)])
    level = min(round(columns / INDENT_STEP), 6)
    if not level:
        return 0, line
    return level, ((replace(line[0], text=stripped),) if stripped else ()) + line[1:]


PHRASING = frozenset({*TAGS.values(), "a", "span", "img", "br", "wbr"})


def _number_first(holder: etree._Element, note: m.Note, gap: str = " ") -> None:
    """The note's number at the start of its first paragraph (or of ``holder``), a link back to its
    first call: how a reader of the PDF returns to the text."""
    number = etree.Element("a", {"class": "note-number", "href": f"#{note.refs[0]}", "role": "doc-backlink"})
    number.text, number.tail = str(note.number), gap
    first = holder[0] if len(holder) and holder[0].tag == "p" else holder
    number.tail += first.text or ""
    first.text = None
    first.insert(0, number)


def _as_inline_level(holder: etree._Element) -> None:
    """Every block element under ``holder`` becomes a span classed ``fn-TAG`` (print.css gives it its
    display back): a <p> inside a paragraph would end that paragraph when the page is parsed. Line
    ends of the source become spaces outside code: WeasyPrint 70 breaks a footnote's line at each."""
    for el in holder.iter():
        if el is not holder and el.tag not in PHRASING:
            el.set("class", " ".join(["fn-" + el.tag, *(el.get("class") or "").split()]))
            el.tag = "span"
    _unwrap_lines(holder)


def _unwrap_lines(el: etree._Element) -> None:
    """Newlines in ``el``'s text -> spaces, leaving preformatted code (``fn-pre``) as written."""
    if "fn-pre" in (el.get("class") or "").split():
        return
    if el.text:
        el.text = el.text.replace("\n", " ")
    for child in el:
        _unwrap_lines(child)
        if child.tail:
            child.tail = child.tail.replace("\n", " ")


def _ends_inline(parent: etree._Element) -> bool:
    """Whether the parent's content so far ends in text that is not a line break."""
    last = parent[-1].tail if len(parent) else parent.text
    if len(parent) and last is None:
        return parent[-1].tag in TAGS.values() or parent[-1].tag in ("a", "img", "br", "wbr")
    return bool(last) and not last.endswith("\n")


def stylesheet_paths(styles: Path | None, medium: str, extra: tuple[str, ...] = ()) -> list[Path]:
    """common.css, the medium's sheet, then ``extra`` sheets by name (a profile's: ``handout``); a
    user styles folder overrides file by file."""
    found = []
    for name in ("common.css", f"{medium}.css", *(f"{e}.css" for e in extra)):
        user = styles / name if styles else None
        found.append(user if user and user.is_file() else DEFAULT_STYLES / name)
    return found
