"""The EPUB's page-list: a marker where each page of the PDF begins, named with its printed number.

The exactness test reads both books as a reader would: the PDF's words page by page (pypdfium2,
without running heads and folios) and the EPUB's text after each marker (spine order); it never
looks at how the markers were placed.
"""
from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from conftest import CORPUS, ROOT, SEED, assert_epubcheck_clean, build_into, needs_corpus, run_cli, write_source

CAPITAL_15 = CORPUS / "marx-capital-v1-ch15.md"
CAPITAL_10 = CORPUS / "marx-capital-v1-ch10.md"  # tables whose rows split across pages
READER = ROOT / "volumes" / "reader.toml"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
OPF = {"opf": "http://www.idpf.org/2007/opf"}


# --- reading the books back --------------------------------------------------------------------------

def pdf_pages(path: Path) -> list[list[tuple[float, str]]]:
    """Each page's text lines as (height on the page, text), in the order the page draws them (the
    document's order: a table's first cell first, wherever it sits). A line ends where the text does
    not overlap the line's height any more (pdfium runs a hyphenated line into whatever it extracts next)."""
    import pypdfium2 as pdfium

    pages = []
    for page in pdfium.PdfDocument(path):
        textpage = page.get_textpage()
        text = textpage.get_text_range(0, textpage.count_chars())
        lines: list[list] = []  # [bottom, top, characters, bottoms]
        for k, char in enumerate(text):
            if char in "\r\n":
                continue
            _, bottom, _, top = textpage.get_charbox(k)
            line = lines[-1] if lines else None
            if char.isspace() or char == "\ufffe":
                if line is not None:
                    line[2].append(char)
                continue
            if line is None or top < line[0] or bottom > line[1]:  # not beside the line: below or above it
                lines.append([bottom, top, [], []])
                line = lines[-1]
            line[0], line[1] = min(line[0], bottom), max(line[1], top)
            line[2].append(char)
            line[3].append(bottom)
        pages.append([(sorted(b)[len(b) // 2], "".join(c)) for _, _, c, b in lines])
    return pages


def margins(pages: list[list[tuple[float, str]]]) -> tuple[float, float]:
    """Heights above and below which a line is in the page's margin (a running head, perhaps
    wrapped; the folio): halfway between where most pages have their top line and where most have
    their first line of body, and between the folio and the lowest line of body."""
    def mode(values):
        return Counter(round(v) for v in values).most_common(1)[0][0]

    head = mode(max(y for y, _ in lines) for lines in pages if lines)
    folio = mode(min(y for y, _ in lines) for lines in pages if lines)
    body_top = mode(max(ys) for lines in pages if (ys := [y for y, _ in lines if folio + 1 < y < head - 1]))
    body_bottom = min(y for lines in pages for y, _ in lines if folio + 1 < y < head - 1)
    return (head + body_top) / 2, (folio + body_bottom) / 2


ORNAMENT = re.compile(r"^[*\s]*$")  # a rule's "* * *" (common.css): content, but not the text's
LEADER = re.compile(r"\.{4,}.*$")  # a contents line's dots and page number


def contents_pages(path: Path) -> set[int]:
    """Indices of the printed contents' pages (from #toc to the first outline entry after it): the
    EPUB's contents is its navigation document, which the page-list does not mark."""
    import pikepdf

    from octavo.readback import resolve_named
    from pdf_reading import outline_pages

    with pikepdf.open(path) as pdf:
        dest = resolve_named(pdf, "toc")
        if dest is None:
            return set()
        start = next(i for i, page in enumerate(pdf.pages) if page.obj.objgen == dest[0].objgen)
    end = min((page for _, page in outline_pages(path) if page > start), default=start + 1)
    return set(range(start, end))


def body_and_folio(path: Path) -> list[tuple[list[str], str | None]]:
    """Each page with content, the printed contents aside: its body's text lines (in drawing order;
    ornaments and contents leaders left out) and its printed folio, if any."""
    pages = pdf_pages(path)
    top, bottom = margins(pages)
    contents = contents_pages(path)
    found = []
    for index, lines in enumerate(pages):
        if index in contents:
            continue
        body = [text for y, text in lines if bottom < y < top]
        number = next((text.strip() for y, text in lines if y <= bottom), None)
        if body:
            found.append(([LEADER.sub("", text) for text in body if not ORNAMENT.match(text)], number))
    return found


def epub_marked_text(path: Path) -> list[tuple[str, str, bool]]:
    """(label, the book's text from that marker on, whether the marker is inside a table) for every
    page-break marker, in reading order."""
    with zipfile.ZipFile(path) as z:
        opf_name = next(n for n in z.namelist() if n.endswith(".opf"))
        opf = etree.fromstring(z.read(opf_name))
        folder = opf_name.rpartition("/")[0]
        hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", OPF)}
        docs = [etree.fromstring(z.read(f"{folder}/{hrefs[ref.get('idref')]}"))
                for ref in opf.iterfind(".//opf:spine/opf:itemref", OPF)]
    pieces, marks = [], []

    def walk(el, in_table=False):
        if el.get(EPUB_TYPE) == "pagebreak":
            marks.append((el.get("aria-label"), sum(map(len, pieces)), in_table))
        pieces.append(el.text or "")
        for child in el:
            if isinstance(child.tag, str):
                walk(child, in_table or child.tag == f"{XHTML}table")
            pieces.append(child.tail or "")

    for doc in docs:
        walk(doc.find(f"{XHTML}body"))
    text = "".join(pieces)
    return [(label, text[at:at + 3000], in_table) for label, at, in_table in marks]


def letters(text: str) -> str:
    """Text without spaces, soft hyphens, or the mark pdfium leaves where a word was hyphenated; the
    font's one hyphen glyph reads back as U+2010 whichever hyphen the text has."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).replace("\u2010", "-")
                   if not c.isspace() and c not in "\u00ad\ufffe")


def page_list_nav(path: Path):
    with zipfile.ZipFile(path) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
    return next((n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "page-list"), None)


def a11y(path: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(path) as z:
        opf = etree.fromstring(z.read(next(n for n in z.namelist() if n.endswith(".opf"))))
    found: dict[str, list[str]] = {}
    for meta in opf.iterfind(".//opf:metadata/opf:meta[@property]", OPF):
        found.setdefault(meta.get("property"), []).append(meta.text)
    return found


# --- builds --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """The seed, Capital ch. 15 and 10 and the reader volume, EPUB and PDF built together:
    name -> (epub, pdf)."""
    needs_corpus()
    out = tmp_path_factory.mktemp("pagelist")
    report = build_into(out, SEED, CAPITAL_15, CAPITAL_10, READER, jobs=2)
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics if d.level == "error"]
    return {p.stem: (out / f"{p.stem}.epub", out / f"{p.stem}.pdf") for p in (SEED, CAPITAL_15, CAPITAL_10, READER)}


@pytest.mark.slow
def test_books_with_a_page_list_pass_epubcheck(books):
    for epub, _ in books.values():
        assert len(list(page_list_nav(epub).iter(f"{XHTML}a"))) > 2, epub.name
    assert_epubcheck_clean(*(epub for epub, _ in books.values()))


@pytest.mark.slow
@pytest.mark.parametrize("name", [SEED.stem, CAPITAL_15.stem, CAPITAL_10.stem, READER.stem])
def test_each_marker_is_where_its_printed_page_begins(books, name):
    """Marker N sits where page N of the PDF begins: the EPUB's text after it starts with the first
    line of that page's body (a word the PDF hyphenated at the line's end is compared up to the
    hyphen; lines the page before printed too, a table's repeated header row, are passed over), and
    N is the folio printed on that page."""
    epub, pdf = books[name]
    pages = body_and_folio(pdf)
    marks = epub_marked_text(epub)
    assert len(marks) == len(pages), f"{len(marks)} markers for {len(pages)} pages with text"
    before: list[str] = []
    for n, ((lines, folio), (label, after, in_table)) in enumerate(zip(pages, marks), 1):
        # a table's header row printed again after a page break is not where the page begins
        repeated = next((i for i, line in enumerate(lines) if line not in before), len(lines))
        before, lines = lines, (lines if starts_with(after, lines) else lines[repeated:])
        if in_table and lines and not starts_with(after, lines):
            # a table printed in column groups (each a table on paper, whole in the EPUB) is marked at
            # its start: the page's first line is one of its rows, in the EPUB with other columns
            assert all(letters(word) in letters(after[:3000]) for word in lines[0].split()), (
                f"page {n} ({label}) begins {lines[0]!r} in a table; the EPUB's table: {after[:80]!r}")
        else:
            assert starts_with(after, lines), (
                f"page {n} ({label}) begins {lines[0]!r}; the EPUB after its marker: {after[:80]!r}")
        if folio is not None:
            assert folio == label, f"page {n} prints {folio!r}, its marker says {label!r}"


def starts_with(after: str, lines: list[str]) -> bool:
    """Whether the EPUB's text ``after`` a marker begins with the first of a page's ``lines``."""
    first_line = letters(lines[0]).rstrip("-") if lines else ""  # "": only an ornament on the page
    # an endnote opens with its number on paper (a link back to its call), not in the EPUB
    first_line = re.sub(r"^\d+", "", first_line) if not re.match(r"\d", letters(after)) else first_line
    return letters(after).startswith(first_line)


@pytest.mark.slow
def test_the_nav_lists_every_marker_in_page_order(books):
    epub, pdf = books[SEED.stem]
    listed = [(a.get("href").partition("#")[2], a.text) for a in page_list_nav(epub).iter(f"{XHTML}a")]
    labels = [label for label, _, _ in epub_marked_text(epub)]
    assert [text for _, text in listed] == labels
    assert [anchor for anchor, _ in listed] == [f"page-{label}" for label in labels]
    # the title page, then the body from 1 (the printed contents, page ii, is the EPUB's nav: unmarked)
    assert labels[:1] == ["i"] and labels[1:] == [str(n) for n in range(1, len(labels))], labels


@pytest.mark.slow
def test_the_package_names_the_print_edition_the_pages_come_from(books):
    meta = a11y(books[SEED.stem][0])
    assert meta["pageBreakSource"] == [f"{meta_identifier(books[SEED.stem][0])} print edition, A5"]
    assert {"pageNavigation", "printPageNumbers"} <= set(meta["schema:accessibilityFeature"])
    assert meta["pageBreakSource"][0] in meta["schema:accessibilitySummary"][0]


def meta_identifier(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        opf = etree.fromstring(z.read(next(n for n in z.namelist() if n.endswith(".opf"))))
    return opf.findtext(".//{http://purl.org/dc/elements/1.1/}identifier")


# --- when there is a page-list ----------------------------------------------------------------------

EPUB_ONLY = """
import sys
from pathlib import Path
from octavo.config import Config
from octavo.pipeline import build
report = build(Config(inputs=(Path(sys.argv[1]),), output=Path(sys.argv[2]), formats=("epub",),
                      page_list={page_list}))
assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
print("weasyprint" in sys.modules)
"""


@pytest.mark.parametrize("page_list", [None, True])
def test_an_epub_alone_gets_a_page_list_only_when_asked(tmp_path, page_list):
    """``--format epub`` alone: no page-list and no WeasyPrint; with ``--page-list`` the print edition
    is laid out (not written) and the EPUB has its pages."""
    source = write_source(tmp_path, "t.md", "---\ntitle: T\nlanguage: en\n---\n" +
                          "\n\n".join(f"Paragraph {n} " + "word " * 120 for n in range(12)))
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-c", EPUB_ONLY.format(page_list=page_list), str(source), str(out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(bool(page_list))
    assert not (out / "t.pdf").exists()
    nav = page_list_nav(out / "t.epub")
    if page_list:
        assert len(list(nav.iter(f"{XHTML}a"))) >= 3
        assert "pageBreakSource" in a11y(out / "t.epub")
    else:
        assert nav is None and "pageBreakSource" not in a11y(out / "t.epub")


def test_the_cli_flag_turns_the_page_list_on_and_off(tmp_path):
    source = write_source(tmp_path, "t.md", "---\ntitle: T\nlanguage: en\n---\nOne page.\n")
    run = run_cli(str(source), "-o", str(tmp_path / "on"), "--format", "epub", "--page-list")
    assert run.returncode == 0, run.stderr
    assert page_list_nav(tmp_path / "on" / "t.epub") is not None
    run = run_cli(str(source), "-o", str(tmp_path / "off"), "--no-page-list")
    assert run.returncode == 0, run.stderr
    assert page_list_nav(tmp_path / "off" / "t.epub") is None and (tmp_path / "off" / "t.pdf").is_file()


# --- placing a marker ----------------------------------------------------------------------------------

def test_a_marker_goes_before_the_letter_inside_nested_inlines_and_note_calls_do_not_count():
    from octavo.pagelist import insert_before_letter

    p = etree.fromstring('<p id="b">One <em>two <a id="r1" role="doc-noteref">7</a> three</em>\n   four</p>')

    def marked(offset):
        tree = etree.fromstring(etree.tostring(p))
        assert insert_before_letter(tree, offset, etree.Element("mark"))
        return etree.tostring(tree, encoding="unicode")

    assert marked(0) == '<p id="b"><mark/>One <em>two <a id="r1" role="doc-noteref">7</a> three</em>\n   four</p>'
    assert marked(3) == '<p id="b">One <em><mark/>two <a id="r1" role="doc-noteref">7</a> three</em>\n   four</p>'
    assert marked(6) == '<p id="b">One <em>two <a id="r1" role="doc-noteref">7</a> <mark/>three</em>\n   four</p>'
    assert marked(11) == '<p id="b">One <em>two <a id="r1" role="doc-noteref">7</a> three</em>\n   <mark/>four</p>'
    assert not insert_before_letter(p, 15, etree.Element("mark"))


def test_a_printed_page_the_epub_cannot_mark_is_reported(tmp_path):
    """A custom print template with a page of its own (no id, not in the EPUB): that page is named
    in a warning, and every other page is still marked."""
    from octavo.resources import TEMPLATES

    folder = tmp_path / "templates" / "print"
    folder.mkdir(parents=True)
    book = (TEMPLATES / "print" / "book.html").read_text(encoding="utf-8")
    extra = '{% include "partials/titlepage.html" %}\n<div class="titlepage">Printed for the library only.</div>\n'
    assert '{% include "partials/titlepage.html" %}\n' in book
    (folder / "book.html").write_text(book.replace('{% include "partials/titlepage.html" %}\n', extra), encoding="utf-8")
    source = write_source(tmp_path, "t.md", "---\ntitle: T\nlanguage: en\n---\nOne page.\n")
    report = build_into(tmp_path / "out", source, templates=tmp_path / "templates")
    warnings = [d for d in report.results[0].diagnostics if d.code == "epub.page-list"]
    assert len(warnings) == 1 and "page(s) ii " in warnings[0].message, [str(d) for d in warnings]
    labels = [label for label, _, _ in epub_marked_text(tmp_path / "out" / "t.epub")]
    assert labels == ["i", "1", "2"], labels  # iii, the printed contents, is the EPUB's nav: unmarked


@pytest.mark.slow
def test_a_long_book_laid_out_in_chunks_gets_the_same_exact_page_list(tmp_path, monkeypatch):
    """A long book's PDF is stitched from chunks (stitch.py); its EPUB is marked from those chunks'
    layouts, page for page, with the folios the stitched PDF prints."""
    from octavo import stitch

    monkeypatch.setattr(stitch, "LONG", 100_000)  # the seed's body three times counts as long
    monkeypatch.setattr(stitch, "CHUNK", 60_000)
    stitched = []
    real = stitch.write_pdf
    monkeypatch.setattr(stitch, "write_pdf", lambda *a, **k: stitched.append(1) or real(*a, **k))
    head, _, body = SEED.read_text(encoding="utf-8").partition("\n---\n")
    source = tmp_path / "long.md"
    source.write_text(head + "\n---\n" + "\n\n".join([body] * 3), encoding="utf-8")
    report = build_into(tmp_path / "out", source)
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    epub, pdf = tmp_path / "out" / "long.epub", tmp_path / "out" / "long.pdf"
    assert stitched, "the book was not stitched"
    pages, marks = body_and_folio(pdf), epub_marked_text(epub)
    assert len(marks) == len(pages) > 90  # the seed three times: 97 pages on 118 mm lines (was over 100)
    for n, ((lines, folio), (label, after, _)) in enumerate(zip(pages, marks), 1):
        first_line = letters(lines[0]).rstrip("-") if lines else ""
        assert letters(after).startswith(first_line), (n, label, lines[:1], after[:60])
        if folio is not None:
            assert folio == label
    assert_epubcheck_clean(epub)
