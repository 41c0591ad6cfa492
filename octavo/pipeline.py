"""build(config) -> Report: the whole pipeline on one screen.

read (sources) -> dialect (pre-pass) -> parse (markup) -> resolve (Text) -> book -> render -> write
(epub, pdf). Each stage takes what the one before it made; none calls back. Each input is built on
its own: a broken one is reported and the others still build. Around the stages: the cache (an
output whose inputs did not change is not built again) and the executors (this process, local
worker processes, or a Dask cluster). Stage modules are imported on first use, so an unchanged
build imports none of them and an EPUB-only build never imports WeasyPrint.

One job, the order of things, and so about 500 lines: every stage, the cache and the executors
are other modules (cache.py, executors.py, sources.py ... epub.py, pdf.py); what is here is only
when each is asked and what passes between them. Split, the order would be in two places.
"""
from __future__ import annotations

import traceback
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .atomic import OutputError, atomic_output, clean_stale, writable_folder
from .cache import Cache
from .config import FORMATS, Config, source_date_epoch
from .diagnostics import ERROR, WARNING, Diagnostic, Location, OctavoError
from .slugs import slugify, unused

if TYPE_CHECKING:
    from .model import Book, Text
    from .sources import Source

OCTAVO_NAMESPACE = uuid.UUID("9f1c1d2e-6f0b-4c8e-9a51-0c7a0b7e2d11")


@dataclass
class Result:
    """What building one input gave: its outputs and diagnostics."""

    input: Path
    outputs: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unchanged: bool = False  # every output came from the cache
    reads: list[Path] = field(default_factory=list)  # the files the build read or looked for (sources, images)
    page_list: object = None  # a PDF build's pagelist.PageList, kept in the cache for a web edition built alone

    @property
    def ok(self) -> bool:
        return not any(d.level == ERROR for d in self.diagnostics)

    @property
    def status(self) -> str:
        return "failed" if not self.ok else "unchanged" if self.unchanged else "built"


@dataclass
class Report:
    """What a build gave: each input's result, the batch's problems, the checks."""

    results: list[Result] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # about the whole batch: templates, styles
    checks: list = field(default_factory=list)  # --check: validate.BookCheck per built input
    unchecked: list[str] = field(default_factory=list)  # --check: checks that could not run, and why

    @property
    def ok(self) -> bool:
        return (all(r.ok for r in self.results) and not any(d.level == ERROR for d in self.problems)
                and all(c.ok for c in self.checks))


@dataclass
class Events:
    """What the command line (or a test) hears as a build goes: for progress, and nothing else."""

    planned: Callable[[list[Path]], None] = lambda inputs: None  # the inputs this run will look at
    checked: Callable[[list[Diagnostic]], None] = lambda problems: None  # the user's templates and styles
    started: Callable[[Path, int | None], None] = lambda path, pid: None  # pid: the worker process, if any
    finished: Callable[[Result], None] = lambda result: None


def build(config: Config, events: Events | None = None) -> Report:
    """Every input, unchanged outputs from the cache, the rest through the stages on the executor."""
    events = events or Events()
    config = settle(config)
    inputs, notes = select_inputs(config)
    events.planned([path for path, _ in inputs])
    problems = check_output_folder(config) if inputs else []
    if not problems:
        clean_stale(config.output)
        problems = check_customisation(config)
    events.checked(problems)
    if any(d.level == ERROR for d in problems):
        why = "the output folder cannot be written (above)" if problems[0].code == "output.folder" else \
            "the templates or styles have errors (above)"
        failed = [_not_built(path, why) for path, _ in inputs]
        for result in failed:
            events.finished(result)
        return Report(failed, problems)
    cache = Cache(config)
    hits = {path: reuse(cache, path, slug, config) for path, slug in inputs}
    missing = {path: tuple(f for f in config.formats if f not in hits[path]) for path, _ in inputs}
    todo = [(path, slug, replace(config, formats=missing[path])) for path, slug in inputs if missing[path]]
    results: dict[Path, Result] = {}

    def finish(path: Path, fresh: Result | None) -> None:
        results[path] = _judged(merge(path, fresh, hits[path]), config, notes.get(path))
        events.finished(results[path])

    def built(index: int, fresh: Result) -> None:
        path, slug, job_config = todo[index]
        remember(cache, fresh, slug, job_config.formats)
        finish(path, fresh)

    for path in [p for p, _ in inputs if not missing[p]]:
        finish(path, None)
    run_jobs(todo, config, events, built)
    report = Report([results[path] for path, _ in inputs], problems)
    if config.check:
        report.checks, report.unchecked = check_outputs(report.results)
    return report


def check_outputs(results: list[Result]):
    """--check: validate what was built with the checkers installed (they never change a book)."""
    from .validate import check_books

    books = []
    for result in (r for r in results if r.ok):
        epub = next((p for p in result.outputs if p.suffix == ".epub"), None)
        pdf = next((p for p in result.outputs if p.suffix == ".pdf"), None)
        if epub is not None or pdf is not None or not any(p.suffix == ".html" for p in result.outputs):
            books.append((epub, pdf))
    checks, unchecked = check_books(books)
    sites = [p for r in results if r.ok for p in r.outputs if p.suffix == ".html"]
    if sites:
        from .web.check import check_sites  # the web edition's folder: links resolve, ids unique

        site_checks, why = check_sites(sites)
        checks, unchecked = checks + site_checks, unchecked + why
    return checks, unchecked


def settle(config: Config) -> Config:
    """Fill what the environment decides (SOURCE_DATE_EPOCH) into the config, so workers anywhere agree."""
    if config.source_date_epoch is None:
        config = replace(config, source_date_epoch=source_date_epoch())
    if config.check and not config.preflight:  # --check looks at the laid-out pages too: part of the key
        config = replace(config, preflight=True)
    if config.page_list is None:  # decided before the cache key: an EPUB-only rebuild keeps it
        config = replace(config, page_list="pdf" in config.formats)
    return config


def select_inputs(config: Config) -> tuple[list[tuple[Path, str]], dict[Path, str]]:
    """(input, output name) pairs of this run (its shard), and a note for each renamed output."""
    inputs = list(dict.fromkeys(config.all_inputs()))  # each input once
    names = output_names(inputs, config.edition_suffix())  # over all inputs: every shard names outputs alike
    if config.shard:
        k, n = config.shard
        inputs = inputs[k - 1::n]
    return [(p, names[p][0]) for p in inputs], {p: names[p][1] for p in inputs if names[p][1]}


def check_output_folder(config: Config) -> list[Diagnostic]:
    """The output folder is made and tried before anything is laid out: a folder the user may not
    write in is said at once, not after the whole book was built."""
    why = writable_folder(config.output)
    if why is None:
        return []
    return [Diagnostic(ERROR, "output.folder", f"cannot write the books into this folder: {why} "
                       "(choose another with -o DIR)", Location(config.output))]


def check_customisation(config: Config) -> list[Diagnostic]:
    """A user's templates and styles, checked once for the batch: mistakes at their file and line."""
    problems = []
    if config.templates is not None:
        from .render import check_templates

        problems += check_templates(config.templates)
    if config.styles is not None:
        from .csscheck import check_stylesheet

        for sheet in sorted(config.styles.glob("*.css")):
            problems += check_stylesheet(sheet)
    return problems


# --- the cache around the stages --------------------------------------------------------------------

def reuse(cache: Cache, path: Path, slug: str, config: Config) -> dict[str, object]:
    """format -> cache hit, for each output that is still what a build would write."""
    if config.force:
        return {}
    hits = {fmt: cache.lookup(path, slug, fmt) for fmt in config.formats}
    if config.booklet and not (config.output / f"{slug}-booklet.pdf").is_file():
        hits.pop("pdf", None)  # the booklet is made with the PDF: a deleted one means building both again
    return {fmt: hit for fmt, hit in hits.items() if hit is not None}


def remember(cache: Cache, result: Result, slug: str, formats: tuple[str, ...]) -> None:
    if not result.ok:
        return  # a failed input is always built again
    if result.page_list is not None:  # first: the web edition's record reads it
        cache.store_pages(result.input, slug, result.page_list, result.reads)
    for fmt in formats:
        output = next((p for p in result.outputs if p.suffix == f".{fmt}"), None)
        if output is not None:
            # the other editions' own complaints (the web edition's codes are web.*)
            other = tuple(f"{'web' if f == 'html' else f}." for f in FORMATS if f != fmt)
            # the web edition marks the pages of the last PDF built: its page-list is a read
            reads = [*result.reads, cache.pages_path(slug)] if fmt == "html" else result.reads
            cache.store(result.input, slug, fmt, output, reads,
                        [d for d in result.diagnostics if not d.code.startswith(other)])


def merge(path: Path, fresh: Result | None, hits: dict) -> Result:
    """A fresh result plus the cached outputs of the formats it did not build (or only those)."""
    result = fresh if fresh is not None else Result(path, unchanged=True)
    known = set(result.diagnostics)
    for hit in hits.values():
        result.outputs.append(hit.output)
        result.diagnostics.extend(d for d in hit.diagnostics if d not in known)
        known.update(hit.diagnostics)
    result.outputs.sort(key=lambda p: FORMATS.index(p.suffix[1:]) if p.suffix[1:] in FORMATS else len(FORMATS))
    return result


def _judged(result: Result, config: Config, note: str | None) -> Result:
    """The name note first; with --strict, warnings fail the input."""
    if note and not any(d.code == "output.name" for d in result.diagnostics):
        result.diagnostics.insert(0, Diagnostic(WARNING, "output.name", note, Location(result.input)))
    warnings = sum(d.level == WARNING for d in result.diagnostics)
    if config.strict and warnings and result.ok:
        result.diagnostics.append(Diagnostic(ERROR, "build.strict", f"{warnings} warning(s) and --strict: this "
                                             "input fails (its files were written)", Location(result.input)))
    return result


def _not_built(path: Path, why: str) -> Result:
    return Result(path, diagnostics=[Diagnostic(ERROR, "build.skipped", f"not built: {why}", Location(path))])


# --- executors ------------------------------------------------------------------------------------------

def run_jobs(todo: list[tuple[Path, str, Config]], config: Config, events: Events,
             done: Callable[[int, Result], None]) -> None:
    """Build every job on the configured executor, the largest inputs first."""
    from . import executors

    order = sorted(range(len(todo)), key=lambda i: -input_size(todo[i][0]))
    started = lambda index, pid: events.started(todo[index][0], pid)  # noqa: E731
    if config.executor:
        jobs = [_for_cluster(job) for job in todo]
        executors.run_dask(jobs, _build_job, order, config.executor, started,
                           lambda i, r: done(i, replace(r, input=todo[i][0])), _crashed, _no_executor)
    elif config.jobs > 1 and len(todo) > 1:
        executors.run_local(todo, _build_job, order, config.jobs, started, done, _crashed)
    else:
        executors.run_serial(todo, _build_job, order, started, done)


def _build_job(job: tuple[Path, str, Config]) -> Result:
    path, slug, config = job
    return build_input(path, config, slug)


def _crashed(job: tuple[Path, str, Config], why: str) -> Result:
    return Result(job[0], diagnostics=[Diagnostic(ERROR, "build.crashed", f"not built: {why}", Location(job[0]))])


def _no_executor(job: tuple[Path, str, Config], why: str) -> Result:
    return Result(job[0], diagnostics=[Diagnostic(ERROR, "build.executor", f"not built: {why}", Location(job[0]))])


def _for_cluster(job: tuple[Path, str, Config]) -> tuple[Path, str, Config]:
    """Paths made absolute: a cluster worker runs in another folder (sources and output on a shared filesystem)."""
    path, slug, config = job
    absolute = replace(config, output=config.output.absolute(), project=config.project.absolute(),
                       templates=config.templates and config.templates.absolute(),
                       styles=config.styles and config.styles.absolute(),
                       assets=tuple(a.absolute() for a in config.assets), inputs=())
    return path.absolute(), slug, absolute


def input_size(path: Path) -> int:
    """Bytes to build: a source's size, or a manifest's texts' sizes (to schedule the largest first)."""
    try:
        if path.suffix.lower() == ".toml":
            import tomllib  # here: a build of sources alone never parses TOML (5 ms of imports)

            texts = tomllib.loads(path.read_text(encoding="utf-8-sig")).get("texts", [])
            return sum((path.parent / t["source"]).stat().st_size for t in texts
                       if isinstance(t, dict) and isinstance(t.get("source"), str))
        return path.stat().st_size
    except (OSError, ValueError, TypeError):
        return 0


def output_names(inputs: list[Path], suffix: str = "") -> dict[Path, tuple[str, str | None]]:
    """Output file name (slug) of every input, decided up front so parallel builds never collide;
    ``suffix`` names an edition other than a book on A5 (``-handout``, ``-a4``)."""
    taken: dict[str, Path] = {}
    names = {}
    for path in inputs:
        base = slugify(path.stem) + suffix
        slug = unused(base, taken)
        taken[slug] = path
        note = None if slug == base else f"output name '{base}' is taken by {taken[base]}; writing '{slug}' instead"
        names[path] = (slug, note)
    return names


# --- one input through the stages ---------------------------------------------------------------------

def build_input(path: Path, config: Config, slug: str | None = None) -> Result:
    """Build one source (or volume manifest) into the configured formats."""
    result = Result(path)
    try:
        book = load_book(path, config, result)
        if book is None:
            return result
        if slug is not None:
            book = replace(book, slug=slug)
        if config.certified_by:
            book = replace(book, metadata=replace(book.metadata, certified_by=config.certified_by))
        result.reads = list(dict.fromkeys([*book.sources, *(a.path for a in book.assets),
                                           *(p for t in book.texts for p in t.looked_for),  # a missing image's names
                                           *_cover_reads(book, config)]))
        result.outputs = write_book(book, config, result)
    except OctavoError as exc:
        result.diagnostics.extend(exc.diagnostics)
    except OutputError as exc:  # the disk's or the folder's, not Octavo's: no "please report this"
        kept = f"the previous {exc.dest.name} is left as it was" if exc.existed else "nothing was written there"
        result.diagnostics.append(Diagnostic(ERROR, "output.write", f"cannot write {exc.dest}: {exc.reason}; {kept}",
                                             Location(path)))
    except Exception as exc:  # a bug in Octavo: report it against this input, keep building the others
        detail = traceback.format_exc() if config.debug else f"{type(exc).__name__}: {exc}"
        result.diagnostics.append(Diagnostic(ERROR, "internal", f"Octavo failed on this input: {detail} "
                                             "(please report this; --debug shows the traceback)", Location(path)))
    return result


def load_book(path: Path, config: Config, result: Result) -> Book | None:
    from .sources import read_source

    if path.is_dir():
        result.diagnostics.append(Diagnostic(ERROR, "input.folder", "this is a folder with no Markdown source (.md) "
                                             "or volume manifest (.toml) in it", Location(path)))
        return None
    if not path.is_file():
        result.diagnostics.append(Diagnostic(ERROR, "input.missing", "no such file", Location(path)))
        return None
    if path.suffix.lower() == ".toml":
        return load_volume(path, config, result)
    source = read_source(path)
    text = load_text(source, config) if not source.diagnostics.has_errors else None
    result.diagnostics.extend(source.diagnostics.items)
    if text is None or source.diagnostics.has_errors:
        return None
    return single_book(text, book_date([path], [text.metadata.date], config))


def load_text(source: Source, config: Config, text_id: str = "", level: int = 1, named: bool = False) -> Text:
    """One read source through the text stages: dialect, parse, resolve. ``named``: a volume's
    manifest gives the text's authors (the text need not)."""
    from .dialect import prepare
    from .languages import language_of
    from .markup import parse_text
    from .resolve import build_text

    language = language_of(source.fields, source.body, source.diagnostics)
    prepared = prepare(source.body, source.body_line, source.diagnostics)
    parsed = parse_text(prepared, language, source.diagnostics, source.fields)
    return build_text(source, language, prepared, parsed, text_id, level, asset_roots=config.assets,
                      solutions=config.solutions_placement, named=named)


def load_volume(path: Path, config: Config, result: Result) -> Book | None:
    """A manifest and its texts -> one book; any text with errors fails the volume, with its diagnostics."""
    from .sources import read_source
    from .volume import read_manifest, volume_book

    manifest = read_manifest(path)
    result.diagnostics.extend(manifest.diagnostics.items)
    if manifest.diagnostics.has_errors:
        return None
    texts, broken = [], []
    for index, entry in enumerate(manifest.entries):
        source = read_source(entry.source)
        if not source.diagnostics.has_errors:
            text = load_text(source, config, manifest.text_id(index), manifest.text_level(entry),
                             named="authors" in entry.fields)
            texts.append(entry.corrected(text))  # the manifest's title, author, ... win over the text's
        _extend_distinct(result.diagnostics, source.diagnostics.items)  # a repeated text reports once
        if source.diagnostics.has_errors:
            broken.append(entry)
    for entry in broken:
        result.diagnostics.append(Diagnostic(ERROR, "volume.text", f"text '{entry.written}' has errors (reported "
                                             "above); the volume is not built", Location(path, entry.line)))
    if broken:
        return None
    seen = len(manifest.diagnostics.items)
    files = [path, *(e.source for e in manifest.entries)]
    written = [manifest.fields.get("date"), *(t.metadata.date for t in texts)]
    book = volume_book(manifest, texts, book_date(files, written, config))
    result.diagnostics.extend(manifest.diagnostics.items[seen:])
    return book


def _extend_distinct(diagnostics: list[Diagnostic], new: list[Diagnostic]) -> None:
    known = set(diagnostics)
    diagnostics.extend(d for d in new if d not in known)


def single_book(text: Text, modified) -> Book:
    from .model import Book, Part

    meta = text.metadata
    identifier = meta.identifier or f"urn:uuid:{stable_uuid(meta.source_url or meta.title, *meta.authors)}"
    return Book(
        slug=text.slug,
        metadata=replace(meta, identifier=identifier),
        parts=(Part("part-1", None, (text,)),),
        modified=modified,
        sources=(text.path,),
    )


def stable_uuid(*parts: str) -> uuid.UUID:
    """The same metadata always gives the same identifier (never a random one)."""
    return uuid.uuid5(OCTAVO_NAMESPACE, "\x1f".join(parts))


def write_book(book: Book, config: Config, result: Result) -> list[Path]:
    from .render import PLAIN, CoverView, Renderer, stylesheet_paths
    from .resources import user_cache

    renderer = Renderer(config.templates, user_cache("templates"))  # compiled templates are code: the user's own
    toc = renderer.toc(book)
    numbers = paragraph_numbers(book, config)
    flavour = replace(PLAIN, numbers=numbers) if numbers else PLAIN
    written = []
    seen = None
    # the EPUB (and the web edition) mark the print edition's pages
    marked = ("epub" in config.formats or "html" in config.formats) and bool(config.page_list)
    if "pdf" in config.formats:
        from .glyphs import unprintable

        unfit = unprintable(book)
        result.diagnostics += unfit
        if any(d.level == ERROR for d in unfit):
            return []  # characters no font has: a PDF of empty boxes is not a book, and nothing is written
    stored = None  # only the web edition to build (the PDF unchanged): the last PDF's page-list, no layout
    if marked and config.formats == ("html",) and not config.preflight:
        stored = stored_page_list(book, config, result.input)
    if "pdf" in config.formats or (marked and stored is None):
        from . import print_edition as printed
        from .collection import collect_for_layout
        from .pdf import footnote_room  # WeasyPrint is only imported when a PDF (or its page-list) is wanted

        collect_for_layout()  # layout makes cycles by the thousand (see collection.py)

        cover = _cover(book, config, result, paper=config.paper) if config.cover else None
        print_flavour = printed.flavour(book, config, footnote_room(config.paper), numbers)

        def make(flavour):  # the print HTML and its contents in one markup flavour
            view = CoverView(cover.data_url, cover.alt) if cover else None
            return renderer.print_html(book, config.profile, view, flavour), renderer.toc(book, flavour)

        sheets = stylesheet_paths(config.styles, "print", printed.SHEETS[config.profile])
        # a PDF's page-list is kept for a web edition built later (about 1-2% of the PDF's time)
        seen = printed.PagesSeen(book, config.paper, want_breaks=marked or "pdf" in config.formats,
                                 preflight=config.profile if config.preflight else None)
        if "pdf" in config.formats:
            dest = config.output / f"{book.slug}.pdf"
            result.diagnostics += printed.write_pdf(book, make, print_flavour, sheets, config, dest, seen)
            result.page_list = seen.page_list()
            written.append(dest)
            if config.booklet:
                booklet, diagnostics = printed.write_booklet(book, renderer, config, numbers)
                _extend_distinct(result.diagnostics, diagnostics)
                written.append(booklet)
        else:
            printed.lay_out(book, *make(print_flavour), sheets, config, seen)
            result.diagnostics += seen.findings
    if "epub" in config.formats:
        from .epub import write_epub

        dest = config.output / f"{book.slug}.epub"
        cover = _cover(book, config, result)
        pages = renderer.epub_pages(book, CoverView(cover.href, cover.alt), flavour)
        page_list = seen.page_list() if marked else None
        with atomic_output(dest) as handle:
            unmarked = write_epub(book, pages, toc, stylesheet_paths(config.styles, "epub"), handle, cover=cover,
                                  page_list=page_list)
        if unmarked:
            result.diagnostics.append(Diagnostic(WARNING, "epub.page-list", f"page(s) {', '.join(unmarked)} of the "
                                                 "print edition have no marker in the EPUB's page-list",
                                                 Location(book.sources[0])))
        written.insert(0, dest)
    if "html" in config.formats:  # the web edition: a folder NAME-web/ (octavo/web)
        from .web import write_site

        # this run's print edition, else an earlier PDF build's (no layout for it: a PDF's cost)
        page_list = seen.page_list() if seen is not None and seen.want_breaks else \
            stored or stored_page_list(book, config, result.input)
        index, diagnostics = write_site(book, renderer, config, numbers, page_list, _cover(book, config, result))
        result.diagnostics += diagnostics
        written.append(index)
    return written


def stored_page_list(book: Book, config: Config, path: Path):
    """The page-list of an earlier PDF build of this book with the same options (cache.py), or None."""
    return Cache(config).lookup_pages(path, book.slug)


def paragraph_numbers(book: Book, config: Config):
    """A handout numbers its paragraphs: one map for both editions, so both carry the same numbers
    and ids. None for a book."""
    if config.profile != "handout":
        return None
    from .paragraphs import book_numbers

    return book_numbers(book)


def _cover_reads(book: Book, config: Config) -> list[Path]:
    if not book.metadata.cover:
        return []
    from .cover import cover_reads

    return cover_reads(book, config.assets)


def _cover(book: Book, config: Config, result: Result, paper: str | None = None):
    """The book's cover (its own image, or a generated one: the EPUB's, or ``paper``'s proportions);
    problems are reported once even when the EPUB and the PDF both ask."""
    from .cover import book_cover

    cover, diagnostics = book_cover(book, config.assets, paper)
    _extend_distinct(result.diagnostics, diagnostics)
    return cover


def book_date(files: list[Path], written: list[str | None], config: Config):
    """SOURCE_DATE_EPOCH, else the files' newest git commit, else the front matter's date, else a fixed date."""
    from .dates import book_date as date_of

    return date_of(files, written, config.source_date_epoch)
