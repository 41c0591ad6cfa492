"""The preflight finds, on the laid-out pages, what a typesetter would send back: each defect is
shown by a minimal source, made to show it by a stylesheet that undoes Octavo's own care where
needed, and found with its code, level, printed page and source line. Octavo's own styles set the
same sources without the errors."""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from conftest import ROOT, build_into, write_source

FIGURES = """\
| Annual average | 1831-1835 | 1836-1840 |
|---|---:|---:|
| Import | 1,096,373 | 2,389,729 |
"""

SOURCES = {
    # a label column squeezed to a letter's width: "Excessive" set one letter per line
    "narrow.md": "---\ntitle: Narrow\n---\n\nA table.\n\n| A | B |\n|---|---|\n| Excessive | 1 |\n",
    # a figure in a cell too narrow for it, allowed to break anywhere
    "figure.md": "---\ntitle: Figure\n---\n\nA table.\n\n| A | B |\n|---|---|\n| Cotton cloth | yds. 1,091,373,930 |\n",
    # a caption pushed away from its rows
    "caption.md": "---\ntitle: Caption\n---\n\nA table.\n\n<table><caption>Population</caption>"
                  "<tr><th>Year</th><th>People</th></tr><tr><td>1831</td><td>24,621,107</td></tr></table>\n",
    # a code line wider than the paper
    "wide.md": "---\ntitle: Wide\n---\n\nCode:\n\n    " + "x" * 200 + "\n\nAfter.\n",
    # a heading left at the foot of its page
    "heading.md": "---\ntitle: Heading\n---\n\nFirst words.\n\n### The heading\n\n> " + "A quotation that will not split. " * 60
                  + "\n",
    # a block that will not split, sent whole to the next page: this page ends early, as it must
    "short.md": "---\ntitle: Short\n---\n\nA first paragraph.\n\n> " + "A long quotation that will not split. " * 60
                + "\n\nAfter.\n",
    # coloured type
    "colour.md": "---\ntitle: Colour\n---\n\nA *coloured* word in the print edition.\n",
    # a letter no font has (Linear B)
    # tiny type
    "small.md": "---\ntitle: Small\n---\n\n`very small code words in them` and words.\n",
}

UNDONE = """
td { overflow-wrap: anywhere; hyphens: manual; }
td.number, td { white-space: normal; }
table { width: 12mm; max-width: 12mm; }
caption { break-after: auto; padding-bottom: 160mm; }
pre { white-space: pre; }
h3 { break-after: auto; }
blockquote { break-inside: avoid; }
em { color: #cc0000; }
code { font-size: 5pt; }
@page { @top-center { content: "A running head far too long for one line of the page's head, so it runs over onto a second line and down"; } }
"""


@pytest.fixture(scope="module")
def undone(tmp_path_factory):
    """{source name: diagnostics} of the sources built with the preflight and the undoing styles."""
    folder = tmp_path_factory.mktemp("preflight")
    styles = folder / "styles"
    styles.mkdir()
    (styles / "print.css").write_text((ROOT / "styles" / "print.css").read_text() + UNDONE)
    paths = [write_source(folder, name, text) for name, text in SOURCES.items()]
    report = build_into(folder / "out", *paths, formats=("pdf",), styles=styles, preflight=True)
    return {r.input.name: r.diagnostics for r in report.results}


def found(diagnostics, code):
    return [d for d in diagnostics if d.code == code]


def test_letters_stacked_in_a_column_narrower_than_its_word_are_an_error_at_the_tables_line(undone):
    [d] = found(undone["narrow.md"], "preflight.column-narrow")
    assert d.level == "error" and d.location.line == 7  # the table's first line
    assert "'Excessive' is set as 'Ex/" in d.message and d.message.startswith("page 1:")


def test_a_figure_broken_inside_is_an_error(undone):
    [d] = found(undone["figure.md"], "preflight.number-broken")
    assert d.level == "error" and "the figure 1,091,373,930 is broken" in d.message and "page 1:" in d.message


def test_a_caption_on_another_page_than_its_first_row_is_found(undone):
    [d] = found(undone["caption.md"], "preflight.caption-apart")
    assert d.level == "warning" and d.location.line == 7


def test_text_beyond_the_edge_of_the_paper_is_an_error(undone):
    [d] = found(undone["wide.md"], "preflight.off-page")
    assert d.level == "error" and "xxxx" in d.message


def test_a_heading_as_the_last_line_of_a_page_is_found(undone):
    [d] = found(undone["heading.md"], "preflight.heading-last")
    assert "'The heading'" in d.message and d.location.line == 7


def test_a_page_ending_early_before_a_block_that_may_not_be_divided_is_not_a_fault(undone):
    """The quotation is kept whole and does not fit under the first paragraph: a typesetter leaves
    that page short (the page short for no such reason: tests/test_short_page_reasons.py)."""
    assert found(undone["short.md"], "preflight.short-page") == []


def test_coloured_type_in_the_print_edition_is_found(undone):
    [d] = found(undone["colour.md"], "preflight.colour")
    assert "#cc0000" in d.message


def test_type_below_seven_points_is_found(undone):
    [d] = found(undone["small.md"], "preflight.small-type")
    assert "5.0 pt" in d.message


def test_a_running_head_of_two_lines_is_found(undone):
    assert found(undone["heading.md"], "preflight.head-lines")


def test_without_the_preflight_a_build_says_nothing_of_it(tmp_path):
    path = write_source(tmp_path, "narrow.md", SOURCES["narrow.md"])
    report = build_into(tmp_path / "out", path, formats=("pdf",))
    assert not [d for r in report.results for d in r.diagnostics if d.code.startswith("preflight.")]


CAPITAL = """\
---
title: Quinquennial periods
---

The flour is given in quarters of corn.

<table>
<caption>Quinquennial periods and the year 1866</caption>
<tr><td><b>ANNUAL AVERAGE</b></td><td><b>1831-1835</b></td><td><b>1836-1840</b></td><td><b>1841-1845</b></td>
<td><b>1846-1850</b></td><td><b>1851-1855</b></td><td><b>1856-1860</b></td><td><b>1861-1865</b></td><td><b>1866</b></td></tr>
<tr><td><b>Excess of import over export</b></td><td>871,110</td><td>2,137,959</td><td>2,704,809</td><td>8,621,091</td>
<td>8,037,746</td><td>10,572,462</td><td>14,707,117</td><td>16,241,122</td></tr>
</table>

The following figures indicate the increase in the factories.

<table>
<tr><td></td><td>Quantity Exported. 1848.</td><td>Quantity Exported. 1860.</td><td>Quantity Exported. 1865.</td></tr>
<tr><td>Cotton cloth</td><td>yds. <br>1,091,373,930</td><td>yds. <br>2,776,218,427</td><td>yds. <br>2,015,237,851</td></tr>
</table>
"""


def test_octavos_own_styles_set_capitals_tables_with_whole_words_and_figures_in_readable_type(tmp_path):
    path = write_source(tmp_path, "capital.md", CAPITAL)
    report = build_into(tmp_path / "out", path, formats=("pdf",), preflight=True)
    codes = {d.code for r in report.results for d in r.diagnostics}
    assert report.ok
    assert not codes & {"preflight.column-narrow", "preflight.number-broken", "preflight.word-broken",
                        "preflight.small-type", "preflight.caption-apart", "preflight.header-apart",
                        "preflight.off-page"}


def xhtml(body: str):
    from lxml import etree

    return etree.fromstring(f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
                            f"<body>{body}</body></html>")


def test_in_the_epub_a_table_outside_a_scroll_box_a_call_without_note_and_a_note_twice_are_found():
    from octavo.preflight import epub_findings

    note = "The following few figures indicate the increase in the factories."
    spine = [("c001.xhtml", xhtml('<table><tr><td>1</td></tr></table>'
                                  '<div class="table-wrap"><table><tr><td>2</td></tr></table></div>'
                                  '<p>Text<a role="doc-noteref" epub:type="noteref" href="c002.xhtml#note-1">1</a>'
                                  '<a role="doc-noteref" epub:type="noteref" href="c002.xhtml#note-9">9</a></p>')),
             ("c002.xhtml", xhtml(f'<ol><li id="note-1" epub:type="endnote"><p>{note}</p></li>'
                                  f'<li id="note-2" epub:type="endnote"><p>{note}</p></li></ol>'))]
    found = {(d.code, d.level): d.message for d in epub_findings(spine, "book.epub")}
    assert set(found) == {("preflight.epub-table", "warning"), ("preflight.call-without-note", "error"),
                          ("preflight.note-twice", "warning")}
    assert found[("preflight.call-without-note", "error")] == "c001.xhtml: the note call '9' leads to no note (c002.xhtml#note-9)"
    assert found[("preflight.note-twice", "warning")].startswith("c002.xhtml#note-2: the note is printed twice")


def lines_of(*texts):
    """One page of a paragraph laid out as ``texts``, one line each, as pdf.page_views gives it."""
    from xml.etree.ElementTree import Element, SubElement

    from octavo.pageviews import Line, PageView

    root = Element("html")
    p = SubElement(root, "p")
    p.text = "".join(texts) if all(ord(t[0]) > 0x2e80 for t in texts) else " ".join(texts)
    lines = tuple(Line(p, "body", (t,), (p,), 0, 20 * n, 100, 20 * n + 14, 14, 0, ((0, 0, 0),))
                  for n, t in enumerate(texts))
    return root, p, PageView("body", 560, 794, 0, 700, None, 20 * len(texts), lines, (), (), (), frozenset([p]))


def test_a_word_broken_without_a_hyphen_is_found_but_not_a_break_between_chinese_characters():
    from octavo.preflight import check

    root, p, page = lines_of("no Exc", "ess here")
    p.text = "no Excess here"
    [finding] = [f for f in check([page], ["1"], root) if f.code == "preflight.word-broken"]
    assert "'Excess'" in finding.message and "'Exc/ess'" in finding.message and finding.folio == "1"
    root, p, page = lines_of("我们今天", "去看电影")
    assert not [f for f in check([page], ["1"], root) if f.code.endswith("broken")]
    root, p, page = lines_of("no Exc-", "ess here")  # hyphenated: allowed
    assert not [f for f in check([page], ["1"], root) if f.code.endswith("broken")]


def test_a_paragraphs_single_line_alone_at_a_pages_foot_or_top_is_found():
    from xml.etree.ElementTree import Element, SubElement

    from octavo.pageviews import Line, PageView
    from octavo.preflight import check

    root = Element("html")
    a, b, c = (SubElement(root, "p") for _ in range(3))

    def page(*blocks):
        lines = tuple(Line(block, "body", (f"words of {n}",), (block,), 0, 20 * n, 100, 20 * n + 14, 14, 0,
                           ((0, 0, 0),)) for n, block in enumerate(blocks))
        return PageView("body", 560, 794, 0, 20 * len(blocks), None, 20 * len(blocks), lines, (), (), (),
                        frozenset(blocks))

    # page 1 ends with b's first line (an orphan); page 2 opens with b's last line (a widow), then c
    findings = check([page(a, a, a, b), page(b, c, c, c)], ["7", "8"], root)
    assert {(f.code, f.folio, f.element) for f in findings} == {("preflight.orphan", "7", b),
                                                                ("preflight.widow", "8", b)}
    assert not check([page(a, a, b, b), page(b, b, c, c)], ["7", "8"], root)


def test_a_texts_last_lines_alone_on_its_last_page_are_found_and_excuse_the_short_page_before():
    from xml.etree.ElementTree import Element, SubElement

    from octavo.pageviews import Line, PageView
    from octavo.preflight import check

    root = Element("html")
    a, q1, q2, credits = (SubElement(root, tag) for tag in ("p", "li", "li", "h1"))

    def page(*blocks, name="body", bottom=None, opening=()):
        lines = tuple(Line(block, "body", (f"words of {n}",), (block,), 0, 20 * n, 100, 20 * n + 14, 14, 0,
                           ((0, 0, 0),)) for n, block in enumerate(blocks))
        return PageView(name, 560, 794, 0, 20 * 10, None, bottom or 20 * len(blocks), lines, (), opening, (),
                        frozenset(blocks))

    credits_page = page(credits, opening=((credits, "page"),))
    # a full page of the text, then its last question (two lines) alone before the credits' page
    findings = check([page(*[a] * 10), page(q2, q2), credits_page], ["45", "46", ""], root)
    assert [(f.code, f.folio, f.element) for f in findings] == [("preflight.runt-page", "46", q2)]
    assert "the last 2 line(s) of a text or chapter stand alone" in findings[0].message
    # the last question kept with the one before it: four lines, no runt; the page before ends five
    # lines early to give them company, which is no short page
    assert not check([page(*[a] * 5), page(q1, q1, q2, q2), credits_page], ["45", "46", ""], root)
    # the same page ending early before a page that does not end the text is a short page
    findings = check([page(*[a] * 5), page(q1, q1, q2, q2), page(*[a] * 10), credits_page], ["1", "2", "3", ""], root)
    assert [(f.code, f.folio) for f in findings] == [("preflight.short-page", "1")]


def test_a_closing_question_is_kept_with_the_questions_before_it_not_left_alone_on_a_page(tmp_path):
    # twenty one-line questions: a page holds nineteen after the title, the twentieth was left alone
    items = "\n".join(f"{k}. What does the speech say about question {k}?" for k in range(1, 21))
    source = write_source(tmp_path, "q.md", "---\ntitle: Questions\n---\n\nThese questions follow the speech.\n\n"
                          f"### On the conclusion\n\n{items}\n")
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "print.css").write_text((ROOT / "styles" / "print.css").read_text() + """
article.text section.section > :last-child,
article.text section.section > :is(ol, ul):last-child > li:nth-last-child(-n+2) { break-before: auto; }""")
    undone = build_into(tmp_path / "undone", source, formats=("pdf",), styles=styles, preflight=True)
    [d] = [d for r in undone.results for d in r.diagnostics if d.code == "preflight.runt-page"]
    assert d.message.startswith("page 2: the last 1 line(s) of a text or chapter stand alone") and d.location.line == 28  # question 20
    kept = build_into(tmp_path / "kept", source, formats=("pdf",), preflight=True)
    assert not [d for r in kept.results for d in r.diagnostics if d.code.startswith("preflight.")]
    document = pdfium.PdfDocument(str(tmp_path / "kept" / "q.pdf"))
    last = document[len(document) - 2].get_textpage().get_text_range()  # before the credits
    assert "question 18?" in last and "question 19?" in last and "question 20?" in last


def test_check_turns_the_preflight_on_and_it_is_part_of_the_cache_key(tmp_path):
    from octavo.cache import Cache
    from octavo.config import Config
    from octavo.pipeline import settle

    plain, checked = settle(Config(output=tmp_path)), settle(Config(output=tmp_path, check=True))
    assert not plain.preflight and checked.preflight
    assert Cache(plain).key("pdf") != Cache(checked).key("pdf"), "a PDF built without the preflight is not reused"


def test_a_note_call_whose_page_has_neither_the_note_nor_a_pointer_is_found(tmp_path):
    # the Russian manifesto's folio 2: a call on a heading (a heading's note is set at the end), its
    # pointer left out by a stylesheet (Octavo's own prints it: test_print_book.py)
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "print.css").write_text((ROOT / "styles" / "print.css").read_text() + "\nh2 .footnote { display: none; }\n")
    path = write_source(tmp_path, "call.md", "---\ntitle: Call\n---\n\nFirst words.\n\n## A heading[^1]\n\n"
                        "Its text, with a note that stands at the foot.[^2]\n\n[^1]: The heading's note.\n\n"
                        "[^2]: A short note.\n")
    report = build_into(tmp_path / "out", path, formats=("pdf",), styles=styles, preflight=True)
    found = [d for r in report.results for d in r.diagnostics if d.code == "preflight.note-unpointed"]
    assert [d.message for d in found] == ["page 1: note call 1 has neither its note nor a pointer to it at the foot "
                                          "of its page"]
    report = build_into(tmp_path / "own", path, formats=("pdf",), preflight=True)
    assert not [d for r in report.results for d in r.diagnostics if d.code == "preflight.note-unpointed"]


def test_in_a_handout_text_within_ten_millimetres_of_the_sheets_edge_is_found_once_with_its_pages(tmp_path):
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "handout.css").write_text((ROOT / "styles" / "handout.css").read_text()
                                        + "\n@page body { margin: 6mm 6mm 6mm 6mm; }\n")
    path = write_source(tmp_path, "edge.md", "---\ntitle: Edge\n---\n\n" + "A paragraph of the handout.\n\n" * 3)
    report = build_into(tmp_path / "out", path, formats=("pdf",), styles=styles, profile="handout", preflight=True)
    [d] = [d for r in report.results for d in r.diagnostics if d.code == "preflight.near-edge"]
    assert d.level == "warning" and d.message.startswith("page 1: text within 10 mm of the sheet's edge")


def test_a_page_left_short_because_a_calls_lines_and_its_notes_first_lines_would_not_fit_is_no_fault():
    """The 1873 afterword's folio 6 ended four lines early: the next page opens with a paragraph's
    last two lines (kept together, widows), the second calling a note whose first two lines always
    stand under it; the three together needed 85 px and the page had 82. A typesetter accepts that
    page; the same page before a piece that would have fit is still short."""
    from xml.etree.ElementTree import Element, SubElement

    from octavo.pageviews import Line, PageView
    from octavo.preflight import check

    root = Element("html")
    a = SubElement(root, "p")

    def page(lines: int, kept_notes: float = 0.0):
        body = tuple(Line(a, "body", (f"words {n}",), (a,), 0, 20 * n, 100, 20 * n + 20, 14, 0, ((0, 0, 0),))
                     for n in range(lines))
        return PageView("body", 560, 794, 0, 20 * 30, None, 20 * lines, body, (), (), (), frozenset([a]),
                        kept_bottom=40.0, kept_notes=kept_notes)

    # 26 lines of 30: four lines (80 px) of room; the next page's two kept lines need 40 px
    assert [f.code for f in check([page(26), page(30), page(30)], ["6", "7", "8"], root)] == ["preflight.short-page"]
    assert not check([page(26), page(30, kept_notes=45.0), page(30)], ["6", "7", "8"], root)


def test_a_header_row_over_fewer_than_two_of_its_body_rows_where_its_table_begins_is_found():
    """Capital's folio 191: note 96's second table's header row stood at the foot of the page, its
    rows on the next (folio 192 showed figures under no head). A header row where its table
    begins stands over two body rows at least; one repeated on the next page may stand over the
    last row alone. The table is a note's as well as the text's: the parts come from both areas."""
    from xml.etree.ElementTree import Element, SubElement

    from octavo.pageviews import PageView, TablePart
    from octavo.preflight import check

    root = Element("html")
    table = SubElement(root, "table")

    def page(*kinds):
        return PageView("body", 560, 794, 0, 700, None, 700, (), tuple(TablePart(table, k) for k in kinds),
                        (), (), frozenset([table]))

    def found(*pages):
        return [(f.code, f.folio) for f in check(list(pages), [str(191 + n) for n in range(len(pages))], root)]

    assert found(page("head"), page("head", "body", "body", "body")) == [("preflight.header-apart", "191")]
    assert found(page("head", "body"), page("head", "body", "body")) == [("preflight.header-apart", "191")]
    assert found(page("head", "body", "body"), page("head", "body")) == []
    assert found(page("head", "body")) == []  # a table of one row
