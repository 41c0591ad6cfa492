"""Accessibility: EPUB Accessibility 1.1 metadata computed from the content, DAISY Ace with no
violation, the conformance claim only after --check passes, and the PDF as PDF/UA-1.

Ace needs Node.js packages (`npm ci` in tools/ace) and a Chromium; CI installs both. Elsewhere
the Ace tests are skipped when they are missing; in CI (CI=true) a missing tool is a failure, so a
lost install step cannot hide behind a skip.
"""
from __future__ import annotations

import os
import re
import zipfile

import pikepdf
import pytest

from conftest import CORPUS, ROOT, SEED, assert_epubcheck_clean, build_into, needs_corpus, run_cli, write_source
from octavo.validate import ace, ace_command, pdf_problems
from octavo.readback import OPF_NS, epub_opf, read_pdf

CLAIM = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 180, 120)).save(out, "PNG")
    return out.getvalue()


def ace_violations(epub) -> list[str]:
    found = ace_command()
    if isinstance(found, str):
        if os.environ.get("CI"):
            pytest.fail(found)
        pytest.skip(found)
    result = ace(epub)
    assert result.error is None, result.error
    return result.violations


def ace_issues(epub, out=None) -> list[str]:
    """Ace's violations for ``epub`` (the name other test modules import; ``out`` is not needed)."""
    return ace_violations(epub)


def a11y(epub) -> dict[str, list[str]]:
    """The package's accessibility metadata: property -> values, in order."""
    found: dict[str, list[str]] = {}
    for meta in epub_opf(epub).iterfind(".//opf:metadata/opf:meta[@property]", OPF_NS):
        prop = meta.get("property")
        if prop.startswith(("schema:", "dcterms:conformsTo", "a11y:", "pageBreakSource")):
            found.setdefault(prop, []).append(meta.text)
    return found


# --- metadata computed from the content ----------------------------------------------------------

@pytest.fixture(scope="module")
def image_books(tmp_path_factory):
    """Three small books: no images, every image described, one image without a description."""
    folder = tmp_path_factory.mktemp("images")
    (folder / "fig.png").write_bytes(png())
    sources = {
        "plain": "---\ntitle: Plain\n---\nText only.[^1]\n\n[^1]: A note.\n",
        "described": "---\ntitle: Described\n---\n![A spinning mule](fig.png)\n\nText.\n",
        "undescribed": "---\ntitle: Undescribed\n---\n![A spinning mule](fig.png)\n\n![](fig.png)\n\nText.\n",
    }
    paths = [write_source(folder, f"{name}.md", text) for name, text in sources.items()]
    report = build_into(folder / "out", *paths, formats=("epub",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    return {name: folder / "out" / f"{name}.epub" for name in sources}


def test_a_book_without_images_is_textual_only_and_says_so(image_books):
    meta = a11y(image_books["plain"])
    assert meta["schema:accessMode"] == ["textual"]
    assert meta["schema:accessModeSufficient"] == ["textual"]
    assert "alternativeText" not in meta["schema:accessibilityFeature"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(meta["schema:accessibilityFeature"])
    assert meta["schema:accessibilityHazard"] == ["none"]
    summary = meta["schema:accessibilitySummary"][0]
    assert "Notes are linked to and from the text." in summary and "It has no images." in summary
    assert "dcterms:conformsTo" not in meta, "no claim without --check"


def test_a_book_whose_images_are_all_described_declares_alternative_text(image_books):
    meta = a11y(image_books["described"])
    assert meta["schema:accessMode"] == ["textual", "visual"]
    assert meta["schema:accessModeSufficient"] == ["textual", "textual,visual"]
    assert "alternativeText" in meta["schema:accessibilityFeature"]
    summary = meta["schema:accessibilitySummary"][0]
    assert "Every image has a text description." in summary and "Notes" not in summary


def test_one_image_without_a_description_withdraws_alternative_text(image_books):
    meta = a11y(image_books["undescribed"])
    assert meta["schema:accessMode"] == ["textual", "visual"]
    assert meta["schema:accessModeSufficient"] == ["textual,visual"], "text alone no longer suffices"
    assert "alternativeText" not in meta["schema:accessibilityFeature"]
    assert "Some images have no text description." in meta["schema:accessibilitySummary"][0]


def test_image_books_pass_epubcheck(image_books):
    assert_epubcheck_clean(*image_books.values())


def test_page_list_metadata_slots_in_when_a_page_list_exists(tmp_path):
    """The page-list work passes the printed edition's name; page navigation joins the features."""
    from conftest import load
    from octavo.epub import accessibility_metadata
    from octavo.pipeline import single_book
    from datetime import datetime

    text, _ = load(SEED)
    book = single_book(text, datetime(2026, 1, 1))
    without = accessibility_metadata(book)
    with_pages = accessibility_metadata(book, page_source="Octavo A5 print edition")
    assert ("schema:accessibilityFeature", "pageNavigation") not in without
    assert ("schema:accessibilityFeature", "pageNavigation") in with_pages
    assert ("schema:accessibilityFeature", "printPageNumbers") in with_pages
    assert ("pageBreakSource", "Octavo A5 print edition") in with_pages
    assert "Octavo A5 print edition" in dict(with_pages)["schema:accessibilitySummary"]


def test_the_summary_speaks_the_books_language(tmp_path):
    source = write_source(tmp_path, "de.md", "---\ntitle: Das Kapital\nlanguage: de\n---\nText.\n")
    assert build_into(tmp_path / "out", source, formats=("epub",)).ok
    summary = a11y(tmp_path / "out" / "de.epub")["schema:accessibilitySummary"][0]
    assert summary.startswith("Ein Text mit Inhaltsverzeichnis")


# --- DAISY Ace: 0 violations, covers included ----------------------------------------------------

@pytest.mark.slow
def test_seed_epub_has_no_accessibility_issues(seed_build):
    _, epub, _ = seed_build
    assert ace_violations(epub) == []


ACE_SAMPLER = [  # tables, headings with notes, a text inside a quote, verse, Chinese, grid tables, French verse, Russian
    "marx-capital-v1-ch10.md", "lenin-theses-national-colonial-1920.md",
    "kollontai-international-womens-day-1920.md", "dickinson-poems-three-series.md", "luxun-yijian-xiaoshi.md",
    "mia-selected-marxists-index.md", "boileau-art-poetique.md", "marx-engels-manifest-ru.md",
]


@pytest.mark.slow
def test_corpus_sampler_volume_has_no_accessibility_issues(tmp_path):
    """One volume of the corpus's hardest structures, so one Ace run covers them all."""
    needs_corpus()
    manifest = tmp_path / "sampler.toml"
    manifest.write_text('title = "Accessibility sampler"\nlanguage = "en"\n' + "".join(
        f'[[texts]]\nsource = "{(CORPUS / name).as_posix()}"\n' for name in ACE_SAMPLER), encoding="utf-8")
    report = build_into(tmp_path / "out", manifest, formats=("epub",))
    assert report.ok, [str(d) for d in report.results[0].diagnostics if d.level == "error"]
    assert ace_violations(tmp_path / "out" / "sampler.epub") == []


@pytest.mark.slow
def test_the_example_volume_with_its_cover_has_no_accessibility_issues(tmp_path):
    report = build_into(tmp_path, ROOT / "volumes" / "reader.toml", formats=("epub",))
    assert report.ok
    epub = tmp_path / "reader.epub"
    with zipfile.ZipFile(epub) as z:
        assert "EPUB/cover.png" in z.namelist()
    assert ace_violations(epub) == []


def _has_option(option: str) -> bool:
    from octavo.cli import parser

    return option in parser()._option_string_actions


@pytest.mark.slow
def test_the_handout_has_no_accessibility_issues(tmp_path):
    """The handout profile (issue 9) is checked as soon as the command line offers it."""
    if not _has_option("--profile"):
        pytest.skip("no --profile option yet: the handout profile is not built")
    proc = run_cli(str(SEED), "--profile", "handout", "--format", "epub", "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ace_violations(tmp_path / f"{SEED.stem}-handout.epub") == []


# --- the conformance claim: only when someone who evaluated the book is named ---------------------

EVALUATOR = "Jane Roe, Accessible Books Ltd"


@pytest.fixture(scope="module")
def claim_books(tmp_path_factory):
    """The same short text with no evaluator, one named in its front matter, and one named with
    --certified-by (which wins over the front matter): name -> EPUB."""
    folder = tmp_path_factory.mktemp("claims")
    body = "A short text.[^1]\n\n[^1]: A note.\n"
    plain = write_source(folder, "plain.md", f"---\ntitle: Plain\n---\n{body}")
    named = write_source(folder, "named.md", f"---\ntitle: Named\ncertifiedBy: {EVALUATOR}\n---\n{body}")
    assert build_into(folder / "out", plain, named, formats=("epub",)).ok
    assert build_into(folder / "option", named, formats=("epub",), certified_by="The Reading Room").ok
    return {"plain": folder / "out" / "plain.epub", "named": folder / "out" / "named.epub",
            "option": folder / "option" / "named.epub"}


def test_no_conformance_claim_without_someone_who_evaluated_the_book(claim_books):
    """Automated checks cannot certify WCAG conformance (apt alt text, a sensible reading order):
    a book nobody is named as having evaluated claims nothing."""
    meta = a11y(claim_books["plain"])
    assert "dcterms:conformsTo" not in meta and "a11y:certifiedBy" not in meta


def test_the_claim_names_who_evaluated_the_book(claim_books):
    meta = a11y(claim_books["named"])
    assert meta["dcterms:conformsTo"] == [CLAIM]
    assert meta["a11y:certifiedBy"] == [EVALUATOR]
    option = a11y(claim_books["option"])
    assert option["dcterms:conformsTo"] == [CLAIM] and option["a11y:certifiedBy"] == ["The Reading Room"]


def test_claiming_books_pass_epubcheck(claim_books):
    assert_epubcheck_clean(*claim_books.values())


@pytest.mark.slow
def test_check_makes_no_claim_of_its_own_and_a_claimed_build_is_reproducible(tmp_path):
    """EPUBCheck and Ace passing is not a certification; a named evaluator's claim is written by the
    build itself, the same bytes every time, and --check leaves the book as it was."""
    if isinstance(ace_command(), str) and not os.environ.get("CI"):
        pytest.skip(ace_command())
    proc = run_cli(str(SEED), "--format", "epub", "--check", "-o", str(tmp_path / "plain"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "EPUBCheck 0 errors, 0 warnings; DAISY Ace 0 violations" in proc.stdout
    assert "makes no conformance claim" in proc.stdout and "1 of 1 passed every check" in proc.stdout
    assert "dcterms:conformsTo" not in a11y(tmp_path / "plain" / f"{SEED.stem}.epub")
    runs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}"
        proc = run_cli(str(SEED), "--format", "epub", "--check", "--certified-by", EVALUATOR, "-o", str(out))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        runs.append((out / f"{SEED.stem}.epub").read_bytes())
    assert f"claims conformance ({CLAIM}), evaluated by {EVALUATOR}" in proc.stdout
    epub = tmp_path / "run2" / f"{SEED.stem}.epub"
    assert a11y(epub)["a11y:certifiedBy"] == [EVALUATOR]
    assert runs[0] == runs[1], "a claimed build is byte for byte the same every time"
    assert_epubcheck_clean(epub)
    assert ace_violations(epub) == []


# --- hazards: an animated image may flash --------------------------------------------------------

def animation(fmt: str, frames: int = 2) -> bytes:
    """A small image of ``frames`` frames, black and white in turn: an animated GIF, APNG or WebP."""
    import io

    from PIL import Image

    images = [Image.new("RGB", (40, 30), (255, 255, 255) if n % 2 else (0, 0, 0)) for n in range(frames)]
    out = io.BytesIO()
    images[0].save(out, fmt, save_all=frames > 1, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


@pytest.fixture(scope="module")
def hazard_books(tmp_path_factory):
    """Books with still and animated images, with and without the author's word: name -> EPUB."""
    folder = tmp_path_factory.mktemp("hazards")
    for name, fmt, frames in (("still.gif", "GIF", 1), ("blink.gif", "GIF", 2), ("blink.png", "PNG", 2),
                              ("blink.webp", "WEBP", 2)):
        (folder / name).write_bytes(animation(fmt, frames))
    books = {
        "still": ("", "still.gif"),
        "gif": ("", "blink.gif"),
        "apng": ("", "blink.png"),
        "webp": ("", "blink.webp"),
        "declared-none": ("accessibilityHazard: none\n", "blink.gif"),
        "declared-flashing": ("accessibilityHazard: noFlashingHazard\n", "blink.gif"),
        "misspelt": ("accessibilityHazard: noFlashing\n", "blink.gif"),
    }
    paths = [write_source(folder, f"{name}.md", f"---\ntitle: {name}\n{field}---\n![A square, black and white]({image})"
                          "\n\nText.\n") for name, (field, image) in books.items()]
    report = build_into(folder / "out", *paths, formats=("epub",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    diagnostics = {r.input.stem: [str(d) for d in r.diagnostics] for r in report.results}
    return {name: folder / "out" / f"{name}.epub" for name in books}, diagnostics


UNKNOWN_ANIMATION = ["unknownFlashingHazard", "unknownMotionSimulationHazard", "noSoundHazard"]


@pytest.mark.parametrize("name", ["gif", "apng", "webp"])
def test_an_animated_image_makes_the_flashing_hazard_unknown(hazard_books, name):
    assert a11y(hazard_books[0][name])["schema:accessibilityHazard"] == UNKNOWN_ANIMATION


def test_a_still_gif_has_no_hazard(hazard_books):
    assert a11y(hazard_books[0]["still"])["schema:accessibilityHazard"] == ["none"]


def test_the_author_may_say_what_the_animation_does(hazard_books):
    books, _ = hazard_books
    assert a11y(books["declared-none"])["schema:accessibilityHazard"] == ["none"]
    assert a11y(books["declared-flashing"])["schema:accessibilityHazard"] == [
        "noFlashingHazard", "unknownMotionSimulationHazard", "noSoundHazard"]


def test_a_hazard_schema_org_does_not_know_is_reported_and_ignored(hazard_books):
    books, diagnostics = hazard_books
    assert a11y(books["misspelt"])["schema:accessibilityHazard"] == UNKNOWN_ANIMATION
    assert any("misspelt.md:3: warning: 'accessibilityHazard': 'noFlashing' is not a hazard schema.org knows "
               "(did you mean 'noFlashingHazard'?)" in d and "[frontmatter.hazard]" in d
               for d in diagnostics["misspelt"]), diagnostics["misspelt"]


def test_hazard_books_pass_epubcheck(hazard_books):
    assert_epubcheck_clean(*hazard_books[0].values())


def test_when_ace_fails_its_own_error_is_reported(seed_build, monkeypatch):
    """Ace's console ends with "Re-run Ace using the --verbose option"; the reason is in its error
    lines. (Here Chromium is given 50 ms to start, as Ace's 5 s default was on CI's first start.)"""
    if isinstance(ace_command(), str) and not os.environ.get("CI"):
        pytest.skip(ace_command())
    monkeypatch.setenv("ACE_TIMEOUT_INITIAL", "50")
    result = ace(seed_build[1])
    assert result.error and "Timed out after 50 ms" in result.error, result.error
    assert "--verbose" not in result.error


def test_ace_gives_chromium_a_minute_to_start():
    found = ace_command()
    if isinstance(found, str):
        pytest.skip(found)
    assert int(found[1]["ACE_TIMEOUT_INITIAL"]) >= 60000 or "ACE_TIMEOUT_INITIAL" in os.environ


def test_check_without_ace_reports_it_and_makes_no_claim(tmp_path):
    env = {**os.environ, "OCTAVO_ACE": str(tmp_path / "no-such-ace")}
    proc = run_cli(str(SEED), "--format", "epub", "--check", "-o", str(tmp_path / "out"), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "not checked: DAISY Ace is not installed" in proc.stdout
    assert "EPUBCheck 0 errors, 0 warnings" in proc.stdout
    assert "dcterms:conformsTo" not in a11y(tmp_path / "out" / f"{SEED.stem}.epub")


def test_check_fails_a_book_whose_pdf_has_problems(tmp_path, monkeypatch):
    """--check exits 1 and says why when a check finds something (here: the PDF is not tagged)."""
    from octavo import pipeline, validate
    from octavo.config import Config

    original = validate.pdf_problems
    monkeypatch.setenv("OCTAVO_ACE", str(tmp_path / "no-such-ace"))
    monkeypatch.setattr(validate, "pdf_problems", lambda path, **options: original(_untagged_copy(path, tmp_path), **options))
    report = pipeline.build(Config(inputs=(SEED,), output=tmp_path / "out", check=True))
    assert not report.ok
    assert "not tagged: no structure tree" in " ".join(line for c in report.checks for line in c.lines())


# --- the PDF: PDF/UA-1 as far as it can be checked without veraPDF ---------------------------------

def _untagged_copy(path, folder):
    copy = folder / "untagged.pdf"
    with pikepdf.open(path) as pdf:
        del pdf.Root["/StructTreeRoot"]
        del pdf.Root["/ViewerPreferences"]
        pdf.save(copy)
    return copy


def test_seed_pdf_is_tagged_pdf_ua_with_language_title_and_outline(seed_build, tmp_path):
    _, _, pdf = seed_build
    assert pdf_problems(pdf) == []
    with pikepdf.open(pdf) as doc:
        assert "/StructTreeRoot" in doc.Root and bool(doc.Root.MarkInfo.Marked)
        assert bool(doc.Root.ViewerPreferences.DisplayDocTitle), "viewers show the title, not the file name"
        assert str(doc.Root.Lang) == "en"
        with doc.open_metadata() as xmp:
            assert str(xmp.get("pdfuaid:part")) == "1"
            assert xmp.get("dc:title") == "Trotskyism or Leninism?"
    assert read_pdf(pdf).outline
    problems = pdf_problems(_untagged_copy(pdf, tmp_path))
    assert "not tagged: no structure tree" in problems
    assert "viewers show the file name, not the title (/DisplayDocTitle)" in problems


def test_an_image_and_the_cover_are_figures_with_alternative_text_in_the_pdf(tmp_path):
    (tmp_path / "fig.png").write_bytes(png())
    source = write_source(tmp_path, "fig.md", "---\ntitle: Figures\n---\n![A spinning mule](fig.png)\n\nText.\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",), cover=True).ok
    from octavo.readback import pdf_figures

    with pikepdf.open(tmp_path / "out" / "fig.pdf") as pdf:
        figures, described = pdf_figures(pdf.Root.StructTreeRoot)
    assert figures == described == 2
    assert pdf_problems(tmp_path / "out" / "fig.pdf") == []



# --- what a screen reader reads: the structure tree in order, with the text of each marked part ---

def _marked_texts(pdf_path, page_index: int) -> dict[int, str]:
    """MCID -> the text drawn under it on one page, read with PDFium (not the build's own reader)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    page = pdfium.PdfDocument(pdf_path)[page_index]
    textpage, found = page.get_textpage(), {}
    for obj in page.get_objects(max_depth=5):
        if obj.type == raw.FPDF_PAGEOBJ_TEXT:
            size = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buffer = ctypes.create_string_buffer(size * 2)
            raw.FPDFTextObj_GetText(obj.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size)
            mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
            found[mcid] = found.get(mcid, "") + buffer.raw.decode("utf-16-le").rstrip("\x00")
    return found


def _reading_order(pdf_path, element, pages, page=None, texts=None) -> str:
    """The text of a structure element in the order its tree gives (what assistive technology reads)."""
    texts = {} if texts is None else texts
    if isinstance(element, int):
        if page not in texts:
            texts[page] = _marked_texts(pdf_path, page)
        return texts[page].get(element, "")
    if "/Pg" in element:
        page = pages[element.Pg.objgen]
    kids = element.get("/K")
    kids = [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return "".join(_reading_order(pdf_path, int(k) if isinstance(k, int) or k._type_code == pikepdf.ObjectType.integer
                                  else k, pages, page, texts) for k in kids)


def test_a_tagged_contents_entry_reads_its_title_before_its_page_number(seed_build):
    """The printed number stands at the right of the entry; in the structure tree it follows the title."""
    _, _, pdf = seed_build
    with pikepdf.open(pdf) as doc:
        pages = {p.objgen: i for i, p in enumerate(doc.pages)}
        entries = []

        def walk(element):
            if str(element.get("/S")) == "/LI":
                entries.append(_reading_order(pdf, element, pages))
                return
            kids = element.get("/K")
            for kid in (list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                if isinstance(kid, pikepdf.Dictionary):
                    walk(kid)

        walk(doc.Root.StructTreeRoot)
    contents = [" ".join(e.replace(".", " ").split()) for e in entries[:5]]  # leader dots aside
    assert [re.sub(r" \d+$", "", e) for e in contents] == [
        "I THE FACTS ABOUT THE OCTOBER UPRISING", "II THE PARTY AND THE PREPARATION FOR OCTOBER",
        "III TROTSKYISM OR LENINISM?", "Notes", "Sources and credits"], contents
    assert all(re.search(r"[^\d ] \d+$", e) for e in contents), contents  # each number last, after its title
