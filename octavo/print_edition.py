"""The print edition between the renderer and the PDF writer: its markup flavour (footnotes, a
handout's paragraph numbers), its layout in one piece or in chunks (stitch.py), what the build
learns from each laid-out piece before it is freed (where pages begin, for the EPUB's page-list;
footnotes off their call's page; characters no font had), and the booklet.

Everything here returns diagnostics; the pipeline decides where they go.
"""
from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from .atomic import atomic_output
from .config import Config
from .diagnostics import WARNING, Diagnostic, Location
from .model import Book

SHEETS = {"book": (), "handout": ("handout",)}  # stylesheets a profile adds after print.css
SAID = 20  # distinct complaints of WeasyPrint reported per PDF; the rest are counted


def flavour(book: Book, config: Config, room: int, numbers=None, paper: str | None = None):
    """The print markup: notes at the foot of their pages (a note longer than ``room`` characters at
    the end), or all at the end with --notes endnotes; a handout's paragraph numbers; tables too
    wide for the measure of ``paper`` (default: the config's) in column groups."""
    from .render import PRINT, footnote_placement
    from .tables import measure

    footnotes = footnote_placement(book, room) if config.notes == "footnotes" else None
    return replace(PRINT, footnotes=footnotes, numbers=numbers, table_room=measure(paper or config.paper, config.profile))


class PagesSeen:
    """What the build needs from each laid-out piece of the print edition, taken while it is alive:
    where its pages begin (for the EPUB's page-list) and the footnotes off their call's page."""

    def __init__(self, book: Book, paper: str, want_breaks: bool, preflight: str | None = None):
        self.book, self.paper, self.want_breaks = book, paper, want_breaks
        self.preflight = preflight  # the profile whose pages the preflight checks ("book", "handout",
        # "booklet"); None: no preflight
        self.reset()

    def reset(self) -> None:
        self.pieces: list[tuple[int, tuple, tuple]] = []  # (first page, breaks, labels left unplaced)
        self.misplaced: list[str] = []
        self.placed: set[str] = set()  # calls whose footnote is at the foot of a page
        self.findings: list[Diagnostic] = []  # the preflight's

    def __call__(self, laid_out, labels: list[str] | None = None, first: int = 0) -> None:
        """Take a laid-out piece whose pages are numbered ``labels`` (default: its own) and start at
        page index ``first`` of the whole edition."""
        from .pagelist import page_breaks
        from .pdf import misplaced_footnotes, placed_footnotes

        self.misplaced += misplaced_footnotes(laid_out)
        self.placed |= placed_footnotes(laid_out)
        if self.preflight:
            self.findings += preflight(self.book, laid_out, laid_out.labels if labels is None else labels,
                                       self.preflight, first)
        if self.want_breaks:
            placed, unplaced = page_breaks(laid_out.texts(), laid_out.labels if labels is None else labels,
                                           laid_out.root)
            self.pieces.append((first, placed, unplaced))

    def page_list(self):
        from .pagelist import PageList, edition_name

        pieces = sorted(self.pieces, key=lambda piece: piece[0])
        return PageList(tuple(b for _, placed, _ in pieces for b in placed), edition_name(self.book, self.paper),
                        tuple(label for _, _, unplaced in pieces for label in unplaced))


def preflight(book: Book, laid_out, labels: list[str], profile: str, first: int = 0) -> list[Diagnostic]:
    """The preflight's findings on one laid-out piece (its first page is page ``first`` of the edition)."""
    from . import preflight as checks
    from .pdf import page_views

    findings = checks.check(page_views(laid_out), labels, laid_out.root, profile)
    findings = [replace(f, page=f.page + first) for f in findings]
    return checks.diagnostics(findings, checks.block_places(book), laid_out.root, Location(book.sources[0]),
                              "booklet " if profile == "booklet" else "")


def lay_out(book: Book, html: str, toc, sheets: list[Path], config: Config, seen: PagesSeen) -> None:
    """Lay the edition out without writing it (an EPUB's page-list without a PDF)."""
    from .pdf import layout

    seen(layout(book, html, toc, sheets, paper=config.paper))


def write_pdf(book: Book, make, print_flavour, sheets: list[Path], config: Config, dest: Path,
              seen: PagesSeen) -> list[Diagnostic]:
    """The PDF: a long book laid out in chunks and stitched (bounded memory; with -j N on one input,
    chunks are written in N processes); anything else, or a book that cannot be cut, in one piece.
    ``make(flavour)`` gives the print HTML and contents. Every laid-out piece is shown to ``seen``
    before it is freed. A footnote WeasyPrint left out is set at the end (one piece: laid out again)
    or reported (stitched)."""
    from . import stitch
    from .glyphs import uncovered
    from .pdf import layout, write

    html, toc = make(print_flavour)
    complaints: list[str] | None = None
    if stitch.wanted(html, config.profile, custom_styles=config.styles is not None):
        jobs = config.jobs if len(config.inputs) == 1 else 1  # in a batch, the workers have the cores
        try:
            with atomic_output(dest) as handle:
                refine = cut_notes if config.notes == "footnotes" else None  # each chunk's notes, as one piece's
                complaints, missing = stitch.write_pdf(book, html, toc, sheets, handle, paper=config.paper,
                                                       jobs=jobs, on_layout=seen, refine=refine)
        except stitch.Unstitchable:
            seen.reset()
    if complaints is None:
        laid_out = layout(book, html, toc, sheets, paper=config.paper)
        seen(laid_out)
        left_out = lost_footnotes(book, print_flavour, seen.placed)
        if left_out:  # at the end, with a pointer at the call, like a note too long for the page
            print_flavour = replace(print_flavour, footnotes={**print_flavour.footnotes, **dict.fromkeys(left_out, "end")})
            html, toc = make(print_flavour)
            seen.reset()
            laid_out = layout(book, html, toc, sheets, paper=config.paper)
            seen(laid_out)
        if config.notes == "footnotes":
            cut = cut_notes(html, lambda markup: layout(book, markup, toc, sheets, paper=config.paper), laid_out)
            if cut is not laid_out:
                seen.reset()
                seen(cut)
            laid_out = cut
        with atomic_output(dest) as handle:
            complaints = write(laid_out, handle)
        missing = laid_out.uncovered
    return (complaints_said(book, complaints) + misplaced(book, seen.misplaced)
            + lost(book, lost_footnotes(book, print_flavour, seen.placed)) + uncovered(book, missing)
            + seen.findings)


ROUNDS = 5  # layouts with cut notes tried at most: the notes behind the first layout's trouble, then
# also those behind each next layout's, and last (or when no new note is behind the trouble) every
# note that could be cut (more freedom, but WeasyPrint's orphans rule may then send a cut note's
# first lines on without their call elsewhere). Capital ch. 10 needed four rounds of the notes
# behind its trouble (notes 85, 86 behind folio 54, then 89 behind folio 56, which the third
# round's cuts had left short); cutting every note instead spoilt other pages.


def cut_notes(html: str, lay, laid_out):
    """The layout again with the footnotes behind its short pages and notes off their call's page
    cut at their line ends (footsplit.py), so that they may go on at the foot of the next page; kept
    when it has fewer of them (footsplit.better). ``lay(markup)`` lays markup out as ``laid_out``
    was (a whole book, a booklet's half pages, one chunk of a long book). A layout without such
    pages is given back as it was."""
    from . import footsplit
    from .pdf import page_views

    views = page_views(laid_out)
    best, least = laid_out, footsplit.trouble(views, laid_out.root)
    lines: dict = {}
    first, current, cut, places = views, laid_out, html, None
    for attempt in range(1, ROUNDS + 1):
        if not any(least):
            break
        found = footsplit.note_lines(views, current.root)
        wanted = {note: found[note] for note in footsplit.implicated(views, current.root) - set(lines) if note in found}
        if attempt == ROUNDS or not wanted:  # every note the first layout could cut
            every = footsplit.note_lines(first, laid_out.root)
            wanted.update({note: every[note] for note in every if note not in lines})
        if not wanted:
            continue
        lines.update(wanted)
        places = places if places is not None else footsplit.piece_places(first, laid_out.root)
        again = footsplit.cut_notes(html, lines, places)
        if again == cut:
            break
        cut = again
        current = lay(cut)
        views = page_views(current)
        trouble = footsplit.trouble(views, current.root)
        if footsplit.better(least, trouble):
            best, least = current, trouble
    return best


def lost_footnotes(book: Book, print_flavour, placed: set[str]) -> list[str]:
    """Ids of the notes meant for the foot of a page that no page printed."""
    feet = print_flavour.footnotes or {}
    return [note.id for text in book.texts for note in text.notes
            if feet.get(note.id) == "foot" and note.refs and note.refs[0] not in placed]


def lost(book: Book, note_ids: list[str]) -> list[Diagnostic]:
    notes = {note.id: note for text in book.texts for note in text.notes}
    return [Diagnostic(WARNING, "pdf.footnote-lost", f"note {notes[n].number} is missing from the PDF: WeasyPrint "
                       "could not place it at the foot of a page", notes[n].where) for n in note_ids]


def write_booklet(book: Book, renderer, config: Config, numbers) -> tuple[Path, list[Diagnostic]]:
    """<name>-booklet.pdf (the name with its edition's suffix): the print edition laid out again on half sheets (booklet.css), imposed two-up."""
    from .imposition import booklet_papers, impose
    from .pdf import footnote_room, layout, write
    from .render import stylesheet_paths

    page, sheet = booklet_papers(config.paper)
    half = flavour(book, config, footnote_room(page), numbers, page)  # a half page: shorter footnotes, tables
    html = renderer.print_html(book, config.profile, None, half)
    pages = io.BytesIO()
    extra = ("booklet",) if config.profile == "handout" else ()  # the handout's margins and type for A5
    sheets = stylesheet_paths(config.styles, "print", (*SHEETS[config.profile], *extra))
    toc = renderer.toc(book, half)
    laid_out = layout(book, html, toc, sheets, paper=page)
    if config.notes == "footnotes":  # its notes run over as the PDF's do
        laid_out = cut_notes(html, lambda markup: layout(book, markup, toc, sheets, paper=page), laid_out)
    findings = preflight(book, laid_out, laid_out.labels, "booklet") if config.preflight else []
    complaints = write(laid_out, pages)
    dest = config.output / f"{book.slug}-booklet.pdf"
    with atomic_output(dest) as handle:
        impose(pages.getvalue(), sheet, handle)
    return dest, complaints_said(book, complaints) + findings


def misplaced(book: Book, calls: list[str]) -> list[Diagnostic]:
    """A warning for each footnote printed on another page than its call, at the note's source line."""
    notes = {note.refs[0]: note for text in book.texts for note in text.notes if note.refs}
    return [Diagnostic(WARNING, "pdf.footnote-page",
                       f"note {notes[call].number} is printed on another page than its call", notes[call].where)
            for call in calls if call in notes]


def complaints_said(book: Book, complaints: list[str]) -> list[Diagnostic]:
    """WeasyPrint's complaints as warnings, each once, at most SAID of them (the rest counted)."""
    unique = list(dict.fromkeys(complaints))
    said = unique[:SAID] + ([f"... and {len(unique) - SAID} more"] if len(unique) > SAID else [])
    return [Diagnostic(WARNING, "pdf.render", message, Location(book.sources[0])) for message in said]
