"""The command line: parse arguments, run the pipeline, print the report, set the exit code."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .config import FORMATS, Config
from .pipeline import build

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """Build EPUB 3 and PDF editions from Markdown sources with YAML front matter.

With no INPUT, builds every sources/*.md and every volumes/*.toml of the current folder."""
EPILOG = """exit status: 0 when everything was built, 1 when any input failed, 2 for usage errors.
Diagnostics are printed as FILE:LINE: LEVEL: MESSAGE [CODE]."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="*", metavar="INPUT", type=Path,
                   help="Markdown sources (.md) or volume manifests (.toml) to build")
    p.add_argument("-o", "--output", type=Path, default=Path("output"), metavar="DIR",
                   help="folder for the built files (default: output)")
    p.add_argument("--format", choices=(*FORMATS, "all"), default="all",
                   help="which editions to build (default: all)")
    p.add_argument("--paper", default="A5", choices=("A5", "A4", "letter", "B5", "6x9"),
                   help="PDF page size (default: A5)")
    p.add_argument("--templates", type=Path, metavar="DIR",
                   help="folder of templates that override the built-in ones, file by file")
    p.add_argument("--styles", type=Path, metavar="DIR",
                   help="folder with common.css, epub.css and/or print.css overriding the built-in ones")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="build up to N inputs at once, each in its own process (default: the number of CPUs)")
    p.add_argument("--assets", type=Path, metavar="DIR", action="append", default=[],
                   help="a folder images may come from besides each source's own folder (repeatable)")
    p.add_argument("--cover", action="store_true", help="open the PDF with the book's cover (the EPUB always has it)")
    p.add_argument("--check", action="store_true",
                   help="after building, check the books (EPUBCheck, DAISY Ace, PDF read-back, edition parity) "
                        "with the tools installed; an EPUB that passes EPUBCheck and Ace claims EPUB "
                        "Accessibility conformance")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors and the summary only")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    return p


def print_checks(report) -> None:
    """The --check report: one block per book, then what could not be checked."""
    print("checks:")
    for check in report.checks:
        for line in check.lines():
            print(line)
        if check.accessible:
            print(f"  {check.epub}: accessible; it now claims conformance (EPUB Accessibility 1.1 - WCAG 2.2 Level AA)")
    for reason in report.unchecked:
        print(f"  not checked: {reason}")
    failing = sum(not c.ok for c in report.checks)
    print(f"{len(report.checks) - failing} of {len(report.checks)} passed the checks")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    for folder in (args.templates, args.styles, *args.assets):
        if folder is not None and not folder.is_dir():
            parser().error(f"no such folder: {folder}")
    config = Config(
        inputs=tuple(args.inputs),
        output=args.output,
        formats=FORMATS if args.format == "all" else (args.format,),
        templates=args.templates,
        styles=args.styles,
        assets=tuple(args.assets),
        paper=args.paper,
        cover=args.cover,
        check=args.check,
        jobs=max(1, args.jobs),
        debug=args.debug,
    )
    inputs = list(config.inputs) or config.default_inputs()
    if not inputs:
        print("nothing to build: no INPUT given and no sources/*.md or volumes/*.toml here", file=sys.stderr)
        return EXIT_USAGE
    report = build(config)
    for result in report.results:
        for diagnostic in result.diagnostics:
            if diagnostic.level == "error" or not args.quiet:
                print(diagnostic, file=sys.stderr)
    built = [r for r in report.results if r.ok]
    failed = [r for r in report.results if not r.ok]
    for result in built:
        print(f"built {result.input}: " + ", ".join(str(p) for p in result.outputs))
    for result in failed:
        reason = next(d for d in result.diagnostics if d.level == "error")
        print(f"FAILED {result.input}: {reason.message}")
    warnings = sum(d.level == "warning" for r in report.results for d in r.diagnostics)
    print(f"{len(built)} of {len(report.results)} built, {len(failed)} failed, {warnings} warnings")
    if args.check:
        print_checks(report)
    return EXIT_OK if report.ok else EXIT_FAILED
