"""Tables in print never run off the page: wide ones get smaller type, figures are right-aligned in
tabular figures and never broken, header rows repeat after a page break."""
from __future__ import annotations

from datetime import datetime

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
