"""Tables in print never run off the page: wide ones get smaller type, figures are right-aligned in
tabular figures and never broken, header rows repeat after a page break."""
from __future__ import annotations

from datetime import datetime

import pytest
from lxml import html as lxml_html

from conftest import build_into, load, write_source
from octavo.pipeline import single_book
from octavo.render import Renderer
from octavo.readback import text_beyond_edges
from pdf_reading import pdf_page_texts

YEARS = ["1831-1835", "1836-1840", "1841-1845", "1846-1850", "1851-1855", "1856-1860", "1861-1865", "1866"]


def table_source(folder, rows: int = 3, columns: int = len(YEARS)):
    header = "| Annual average | " + " | ".join(YEARS[:columns]) + " |\n"
    rule = "|---|" + "---:|" * columns + "\n"
    body = "".join(f"| Row {r} | " + " | ".join(f"{(r + 1) * 1_234_567 + c:,}" for c in range(columns)) + " |\n"
                   for r in range(rows))
    return write_source(folder, "figures.md", "---\ntitle: Figures\n---\n\nBefore the table.\n\n"
                        + header + rule + body + "\nAfter the table.\n")


def print_tree(path):
    text, _ = load(path)
    book = single_book(text, datetime(2020, 1, 1))
    return lxml_html.fromstring(Renderer().print_html(book).encode())


def test_a_table_wider_than_the_page_is_marked_and_its_figures_are_numbers(tmp_path):
    tree = print_tree(table_source(tmp_path))
    [table] = tree.iter("table")
    assert "wide" in table.get("class").split()
    cells = table.xpath(".//tbody/tr[1]/td")
    assert [c.get("class") for c in cells[1:]] == ["align-right number"] * len(YEARS)
    assert "number" not in (cells[0].get("class") or "")  # "Row 0" is text


def test_a_narrow_table_keeps_body_size(tmp_path):
    tree = print_tree(table_source(tmp_path, columns=2))
    [table] = tree.iter("table")
    assert "wide" not in (table.get("class") or "").split()


def test_no_figure_of_a_wide_table_is_cut_at_the_page_edge_or_broken(tmp_path):
    report = build_into(tmp_path / "out", table_source(tmp_path), formats=("pdf",))
    assert report.ok
    pdf = tmp_path / "out" / "figures.pdf"
    assert text_beyond_edges(pdf) == []
    text = " ".join(pdf_page_texts(pdf))
    for figure in ("1,234,567", "2,469,134", "3,703,708"):
        assert figure in text, figure  # on one line: not broken inside


def test_header_rows_repeat_when_a_table_runs_onto_another_page(tmp_path):
    report = build_into(tmp_path / "out", table_source(tmp_path, rows=60, columns=3), formats=("pdf",))
    assert report.ok
    pages = [t for t in pdf_page_texts(tmp_path / "out" / "figures.pdf") if "Row " in t]
    assert len(pages) >= 2
    assert all("Annual average" in page for page in pages)


def test_a_table_too_wide_for_an_a5_page_is_printed_in_column_groups_that_repeat_the_label_column(tmp_path):
    from dataclasses import replace

    from octavo.render import PRINT

    text, _ = load(table_source(tmp_path))
    book = single_book(text, datetime(2020, 1, 1))
    tree = lxml_html.fromstring(Renderer().print_html(book, flavour=replace(PRINT, table_room=78)).encode())
    groups = list(tree.iter("table"))
    assert len(groups) == 2
    assert groups[0].get("id") and not groups[1].get("id")  # one table: one id
    heads = [[" ".join(th.text_content().split()) for th in t.xpath(".//thead//th")] for t in groups]
    assert heads[0][0] == heads[1][0] == "Annual average"
    assert heads[0][1:] + heads[1][1:] == YEARS  # every year once, in order
    assert [td.text_content() for td in groups[1].xpath(".//tbody/tr[1]/td")][0] == "Row 0"


def test_an_empty_corner_cell_of_a_header_row_is_a_data_cell_not_an_empty_header(tmp_path):
    """Screen readers announce a header cell for each cell under it: an empty one names nothing
    (axe's empty-table-header). A pipe table's blank corner and an archive table's bold first row
    with a blank corner (Capital ch. 15's "PERSONS") keep the corner as a plain cell."""
    import zipfile

    from conftest import assert_epubcheck_clean

    source = write_source(tmp_path, "corners.md", "---\ntitle: Corners\n---\n\nBefore.\n\n"
                          "|  | 1861 | 1866 |\n|---|---:|---:|\n| Wheat | 12 | 14 |\n| Oats | 3 | 4 |\n\n"
                          "Between.\n\n<table>\n<tr><td></td>\n<td><b>PERSONS</b></td></tr>\n"
                          "<tr><td>Agricultural labourers</td>\n<td>1,098,261</td></tr>\n"
                          "<tr><td>Miners</td>\n<td>565,835</td></tr>\n</table>\n\nAfter.\n")
    report = build_into(tmp_path / "out", source, formats=("epub",))
    assert report.ok
    epub = tmp_path / "out" / "corners.epub"
    assert_epubcheck_clean(epub)
    with zipfile.ZipFile(epub) as z:
        pages = [lxml_html.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml") and "nav" not in n]
    heads = [[" ".join(th.text_content().split()) for th in t.iter("{*}th", "th")] for p in pages
             for t in p.iter("{*}table", "table")]
    assert heads == [["1861", "1866"], ["PERSONS"]]
    corners = [t.xpath("string(.//*[local-name()='tr'][1]/*[1])").strip() for p in pages
               for t in p.iter("{*}table", "table")]
    assert corners == ["", ""]


PHONE = 390  # px: the width of a phone's screen, as the reviewer's (epub-client's "phone")

# Each figure cell's text, measured by the browser: where its glyphs end and where the box that
# shows it ends (its table's scrolling box, the screen's edge).
CUT_FIGURES = """() => {
  const width = document.documentElement.clientWidth
  return [...document.querySelectorAll('td.number')].flatMap(td => {
    const range = document.createRange(); range.selectNodeContents(td)
    const text = range.getBoundingClientRect()
    const box = td.closest('div.table-wrap').getBoundingClientRect()
    const edge = Math.min(width, box.right)
    return text.left < edge && text.right > edge + 0.5 ? [td.textContent.trim()] : []
  })
}"""


@pytest.mark.slow
def test_on_a_phone_no_figure_of_a_wide_table_is_cut_at_the_screen_edge(tmp_path):
    """Capital's note 96 on a 390 px phone showed "197,34" and "2,776,21": its table ran on past the
    screen's edge, cut inside a number. The chapter's XHTML and the EPUB's own style sheet, in
    Chromium at a phone's width: every figure is whole on the screen, and each has its column's
    head beside it."""
    import os
    import shutil
    import zipfile

    chromium = os.environ.get("OCTAVO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    report = build_into(tmp_path / "out", table_source(tmp_path), formats=("epub",))
    assert report.ok
    folder = tmp_path / "book"
    with zipfile.ZipFile(tmp_path / "out" / "figures.epub") as z:
        z.extractall(folder)
    [chapter] = [p for p in folder.rglob("*.xhtml") if "<table" in p.read_text()]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": PHONE, "height": 844})
            page.goto(chapter.as_uri())
            assert page.evaluate("document.querySelectorAll('td.number').length") == 3 * len(YEARS)
            assert page.evaluate(CUT_FIGURES) == []
            labels = page.evaluate("[...document.querySelectorAll('tbody tr:first-child td.number')]"
                                   ".map(td => getComputedStyle(td, '::before').content)")
            assert labels == [f'"{year}"' for year in YEARS]
        finally:
            browser.close()


# --- tables in notes, table notes, column groups, read back from the PDF with PDFium ---------------

def words_at(pdf_path, page: int) -> list[tuple[str, float, float, float]]:
    """The words of a PDF page with their left, right and top (points), from PDFium's characters."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(pdf_path))
    text = pdf[page].get_textpage()
    words, current = [], []
    for n in range(text.count_chars()):
        char = text.get_text_range(n, 1)
        if char.strip():
            current.append((char, text.get_charbox(n)))
        elif current:
            words.append(current)
            current = []
    if current:
        words.append(current)
    return [("".join(c for c, _ in w), w[0][1][0], w[-1][1][2], max(b[3] for _, b in w)) for w in words]


NOTE_TABLE = ("<table><tr><td></td><td>Value <br>Exported. <br><b>1848.</b></td>"
              "<td>Value <br>Exported. <br><b>1851.</b></td></tr>\n"
              + "".join(f"<tr><td>Row{r}</td><td>{r * 1_234 + 5_927_831:,}</td><td>{r * 4_321 + 6_634_026:,}</td></tr>\n"
                        for r in range(70))
              + "<tr><td>Cloth</td><td>&#8212;</td><td>1,130,398</td></tr>\n</table>")


def test_a_note_tables_header_row_repeats_on_every_page_and_a_dash_stands_as_a_figure(tmp_path):
    """Capital's note 96: its second table's header row ("Value Exported. 1848.", an archive's row
    with an empty corner) stood alone at the foot of folio 191, folio 192 showing rows with no head.
    Read as the table's header, it repeats on every page of the table and stands over two body rows
    at least; an em dash for "no figure" ends where the figures of its column end ("Cloth —" sat left)."""
    source = write_source(tmp_path, "note.md", "---\ntitle: Exports\n---\n\nThe figures.[^1]\n\n"
                          "[^1]:\n\n    The following figures,\n\n    " + NOTE_TABLE + "\n\n    See the Blue books.\n")
    assert build_into(tmp_path / "out", source, formats=("pdf",), notes="endnotes").ok
    pdf_path = tmp_path / "out" / "note.pdf"
    texts = pdf_page_texts(pdf_path)
    pages = [n for n, text in enumerate(texts) if "Row" in text or "Exported" in text]
    assert len(pages) >= 2
    for n in pages:
        words = [w for w, *_ in words_at(pdf_path, n)]
        assert "Exported." in words, n
        assert sum(w.startswith("Row") or w == "Cloth" for w in words) >= 2, n
    last = words_at(pdf_path, next(n for n in pages if "Cloth" in texts[n]))
    [dash] = [w for w in last if w[0] == "\u2014"]
    [figure] = [w for w in last if w[0] == f"{69 * 1_234 + 5_927_831:,}"]
    assert abs(dash[2] - figure[2]) < 1.0, (dash, figure)


def test_a_tables_own_note_stands_under_it_on_its_page(tmp_path):
    """Capital's folio 129-130: the note "i." of the small "1852. — 1 in 45." table printed at the
    top of the next page, above the text, apart from its table. Tables with a note each, after more
    and more lines of text, so that some of them end at the foot of a page: each note is on the
    page of its table's last row."""
    parts = []
    for k in range(1, 26):
        filler = " ".join(["Words of the running text fill this line."] * k)
        parts.append(f"{filler}\n\n<table>\n<tr><td><b>1852</b>. — 1 in 45.</td><td><b>1857</b>. — 1 in 13.</td></tr>\n"
                     f"<tr><td><b>1856</b>. — 1 in 15.</td><td>Last{k}. — 1 in 8.<sup><b>i</b></sup></td></tr>\n"
                     f"</table>\n\n<blockquote class=\"table-note\">\n  <p><strong>i.</strong> Note{k} of the table.</p>\n"
                     f"</blockquote>\n\nThe text goes on.\n")
    source = write_source(tmp_path, "notes.md", "---\ntitle: Table notes\n---\n\n" + "\n".join(parts))
    assert build_into(tmp_path / "out", source, formats=("pdf",)).ok
    texts = pdf_page_texts(tmp_path / "out" / "notes.pdf")
    apart = [k for k in range(1, 26)
             if [n for n, t in enumerate(texts) if f"Last{k}." in t] != [n for n, t in enumerate(texts) if f"Note{k} " in t]]
    assert apart == []


def test_the_column_groups_of_one_table_put_their_figures_in_the_same_places_with_a_gutter(tmp_path):
    """Capital's folio 111: each column group was laid out as a table of its own (730, 745, 805 px
    wide), figures not aligned from group to group, and gutters about a word space ("8,345,237
    10,913,612"). Each group's figure columns end where the other's do, at least 1 em apart."""
    report = build_into(tmp_path / "out", table_source(tmp_path), formats=("pdf",))
    assert report.ok
    pdf_path = tmp_path / "out" / "figures.pdf"
    [page] = [n for n, text in enumerate(pdf_page_texts(pdf_path)) if "1,234,567" in text]
    words = words_at(pdf_path, page)
    rows = {}
    for word, left, right, top in words:
        if word[:1].isdigit() and "," in word:
            rows.setdefault(round(top), []).append((left, right))
    lines = [sorted(cells) for _, cells in sorted(rows.items(), reverse=True)]  # top to bottom (PDF y grows upwards)
    assert len(lines) == 6  # three rows in each of two groups
    a, b = lines[0], lines[3]
    assert all(abs(x[1] - y[1]) < 1.0 for x, y in zip(a, b)), (a, b)  # figure columns end in the same places
    em = 0.75 * 10.5  # the wide table's type, in points
    gaps = [later[0] - earlier[1] for earlier, later in zip(a, a[1:])]
    assert min(gaps) >= em - 0.5, gaps
