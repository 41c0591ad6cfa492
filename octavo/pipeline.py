"""build(config) -> Report: the whole pipeline on one screen.

read (sources) -> dialect (pre-pass) -> parse (markup) -> resolve (Text) -> book -> render -> write
(epub, pdf). Each stage takes what the one before it made; none calls back. Each input is built on
its own: a broken one is reported and the others still build.
"""
from __future__ import annotations

import traceback
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from .atomic import atomic_output, clean_stale
from .config import Config, source_date_epoch
from .dialect import language_of, prepare
from .diagnostics import ERROR, Diagnostic, Location, OctavoError
from .markup import parse_text
from .model import Book, Part, Text
from .render import DEFAULT_STYLES, DEFAULT_TEMPLATES, CoverView, Renderer, stylesheet_paths
from .resolve import build_text
from .slugs import slugify
from .sources import Source, read_source
from .volume import read_manifest, volume_book

OCTAVO_NAMESPACE = uuid.UUID("9f1c1d2e-6f0b-4c8e-9a51-0c7a0b7e2d11")


@dataclass
class Result:
    input: Path
    outputs: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.level == ERROR for d in self.diagnostics)


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    checks: list = field(default_factory=list)  # --check: validate.BookCheck per built input
    unchecked: list[str] = field(default_factory=list)  # --check: checks that could not run, and why

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results) and all(c.ok for c in self.checks)


def build(config: Config) -> Report:
    inputs = list(dict.fromkeys(config.inputs or config.default_inputs()))  # each input once
    clean_stale(config.output)
    names = output_names(inputs)
    jobs = [(path, names[path][0], config) for path in inputs]
    if config.jobs > 1 and len(jobs) > 1:
        # Each input is built whole in a worker: WeasyPrint's pages cannot cross processes.
        with ProcessPoolExecutor(max_workers=min(config.jobs, len(jobs))) as pool:
            results = list(pool.map(_build_job, jobs))
    else:
        results = [_build_job(job) for job in jobs]
    for result in results:
        note = names[result.input][1]
        if note:
            result.diagnostics.insert(0, Diagnostic("warning", "output.name", note, Location(result.input)))
    report = Report(results)
    if config.check:
        report.checks, report.unchecked = check_outputs(results)
    return report


def check_outputs(results: list[Result]):
    """--check: validate what was built with the installed tools; an EPUB that passes EPUBCheck
    (0/0) and DAISY Ace (0 violations) is rewritten with the EPUB Accessibility conformance claim."""
    from .epub import claim_conformance
    from .validate import check_books, evaluator

    books = []
    for result in (r for r in results if r.ok):
        epub = next((p for p in result.outputs if p.suffix == ".epub"), None)
        pdf = next((p for p in result.outputs if p.suffix == ".pdf"), None)
        books.append((epub, pdf))
    checks, unchecked = check_books(books)
    for check in checks:
        if check.accessible:
            data = check.epub.read_bytes()
            with atomic_output(check.epub) as handle:
                claim_conformance(data, evaluator(), handle)
    return checks, unchecked


def _build_job(job: tuple[Path, str, Config]) -> Result:
    path, slug, config = job
    return build_input(path, config, slug)


def output_names(inputs: list[Path]) -> dict[Path, tuple[str, str | None]]:
    """Output file name (slug) of every input, decided up front so parallel builds never collide."""
    taken: dict[str, Path] = {}
    names = {}
    for path in inputs:
        base = slugify(path.stem)
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken[slug] = path
        note = None if slug == base else f"output name '{base}' is taken by {taken[base]}; writing '{slug}' instead"
        names[path] = (slug, note)
    return names


def build_input(path: Path, config: Config, slug: str | None = None) -> Result:
    """Build one source (or volume manifest) into the configured formats."""
    result = Result(path)
    try:
        book = load_book(path, config, result)
        if book is None:
            return result
        if slug is not None:
            book = replace(book, slug=slug)
        result.outputs = write_book(book, config, result)
    except OctavoError as exc:
        result.diagnostics.extend(exc.diagnostics)
    except Exception as exc:  # a bug in Octavo: report it against this input, keep building the others
        detail = traceback.format_exc() if config.debug else f"{type(exc).__name__}: {exc}"
        result.diagnostics.append(Diagnostic(ERROR, "internal", f"Octavo failed on this input: {detail} "
                                             "(please report this; --debug shows the traceback)", Location(path)))
    return result


def load_book(path: Path, config: Config, result: Result) -> Book | None:
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
    return single_book(text, _modified([path], config))


def load_text(source: Source, config: Config, text_id: str = "", level: int = 1) -> Text:
    """One read source through the text stages: dialect, parse, resolve."""
    language = language_of(source.fields, source.body, source.diagnostics)
    prepared = prepare(source.body, source.body_line, source.diagnostics)
    parsed = parse_text(prepared, language, source.diagnostics)
    return build_text(source, language, prepared, parsed, text_id, level, asset_roots=config.assets)


def load_volume(path: Path, config: Config, result: Result) -> Book | None:
    """A manifest and its texts -> one book; any text with errors fails the volume, with its diagnostics."""
    manifest = read_manifest(path)
    result.diagnostics.extend(manifest.diagnostics.items)
    if manifest.diagnostics.has_errors:
        return None
    texts, broken = [], []
    for index, entry in enumerate(manifest.entries):
        source = read_source(entry.source)
        if not source.diagnostics.has_errors:
            texts.append(load_text(source, config, manifest.text_id(index), manifest.text_level(entry)))
        _extend_distinct(result.diagnostics, source.diagnostics.items)  # a repeated text reports once
        if source.diagnostics.has_errors:
            broken.append(entry)
    for entry in broken:
        result.diagnostics.append(Diagnostic(ERROR, "volume.text", f"text '{entry.written}' has errors (reported "
                                             "above); the volume is not built", Location(path, entry.line)))
    if broken:
        return None
    seen = len(manifest.diagnostics.items)
    book = volume_book(manifest, texts, _modified([path, *(e.source for e in manifest.entries)], config))
    result.diagnostics.extend(manifest.diagnostics.items[seen:])
    return book


def _extend_distinct(diagnostics: list[Diagnostic], new: list[Diagnostic]) -> None:
    known = set(diagnostics)
    diagnostics.extend(d for d in new if d not in known)


def single_book(text: Text, modified: datetime) -> Book:
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
    renderer = Renderer(config.templates)
    toc = renderer.toc(book)
    written = []
    if "epub" in config.formats:
        from .epub import write_epub

        dest = config.output / f"{book.slug}.epub"
        cover = _cover(book, config, result)
        pages = renderer.epub_pages(book, CoverView(cover.href, cover.alt))
        with atomic_output(dest) as handle:
            write_epub(book, pages, toc, stylesheet_paths(config.styles, "epub"), handle, cover=cover)
        written.append(dest)
    if "pdf" in config.formats:
        from .pdf import write_pdf  # WeasyPrint is only imported when a PDF is wanted

        dest = config.output / f"{book.slug}.pdf"
        cover = _cover(book, config, result, paper=config.paper) if config.cover else None
        html = renderer.print_html(book, cover=CoverView(cover.data_url, cover.alt) if cover else None)
        with atomic_output(dest) as handle:
            complaints = write_pdf(book, html, toc, stylesheet_paths(config.styles, "print"), handle,
                                   paper=config.paper)
        for message in _distinct(complaints):
            result.diagnostics.append(Diagnostic("warning", "pdf.render", message, Location(book.sources[0])))
        written.append(dest)
    return written


def _cover(book: Book, config: Config, result: Result, paper: str | None = None):
    """The book's cover (its own image, or a generated one: the EPUB's, or ``paper``'s proportions);
    problems are reported once even when the EPUB and the PDF both ask."""
    from .cover import book_cover

    cover, diagnostics = book_cover(book, config.assets, paper)
    _extend_distinct(result.diagnostics, diagnostics)
    return cover


def _distinct(messages: list[str], limit: int = 20) -> list[str]:
    unique = list(dict.fromkeys(messages))
    return unique[:limit] + ([f"... and {len(unique) - limit} more"] if len(unique) > limit else [])


def _modified(inputs: list[Path], config: Config) -> datetime:
    """SOURCE_DATE_EPOCH if set, else the newest input, template or style: same inputs, same bytes."""
    epoch = source_date_epoch()
    if epoch is None:
        files = list(inputs)
        for folder in (DEFAULT_TEMPLATES, DEFAULT_STYLES, config.templates, config.styles):
            if folder and folder.is_dir():
                files.extend(p for p in folder.rglob("*") if p.is_file())
        epoch = int(max(p.stat().st_mtime for p in files))
    return datetime.fromtimestamp(epoch, tz=timezone.utc).replace(tzinfo=None)
