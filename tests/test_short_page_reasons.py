"""A page that ends early is a fault only where a typesetter would call it one (issue 17): the
preflight's ``preflight.short-page`` stays silent where the next page opens with a piece that may
not be divided and would not have fit (a poem kept whole, a heading with its first lines), and
speaks where the page could have been filled (a footnote that could not run over pushed its call's
line on, leaving the page short).

Built cases, Octavo's own styles; the PDF is read back with PDFium to show each page does end early
(so the silence is not for want of a short page)."""
from __future__ import annotations

import pypdfium2
import pytest

from conftest import build_into, write_source

PROSE = ("The committee heard the weavers describe their hours at the mill and wrote down what "
         "they said about the wages of the children. ")
STANZA = "Success is counted sweetest\nBy those who never succeed.\nTo comprehend a nectar\nRequires sorest need.\n"
ROWS = "| Mill | District |\n|---|---|\n" + "".join(f"| Mill number {k} | the northern district |\n" for k in range(1, 15))
LINE = 14  # points: about one body line (10.5 pt type)


def filler(lines: int) -> str:
    return (PROSE * (lines * 68 // len(PROSE))).strip()


SOURCES = {
    # a 16-line poem (four stanzas, kept whole) that does not fit under the prose: sent whole on
    "poem.md": "---\ntitle: A poem kept whole\nlanguage: en\n---\n\n" + filler(19) + "\n\n**I. SUCCESS.**\n\n"
               + "\n".join([STANZA] * 4) + "\n" + filler(30) + "\n",
    # a call near the foot whose note (a table: never cut) cannot run over: its line goes on with it
    "note.md": "---\ntitle: A long note\nlanguage: en\n---\n\n" + filler(20) + "\n\nHere marker the call.[^1] "
               + filler(5) + "\n\n" + filler(20) + "\n\n[^1]: The mills were these:\n\n" + "".join(
                   "    " + row for row in ROWS.splitlines(keepends=True)),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("short")
    paths = [write_source(folder, name, text) for name, text in SOURCES.items()]
    report = build_into(folder / "out", *paths, formats=("pdf",), preflight=True)
    return {r.input.name: ([d for d in r.diagnostics if d.code == "preflight.short-page"],
                           folder / "out" / f"{r.input.stem}.pdf") for r in report.results}


def lowest_lines(path) -> dict[str, float]:
    """Each printed folio's lowest line above the folio (PDF points from the foot)."""
    document = pypdfium2.PdfDocument(str(path))
    found = {}
    for n, page in enumerate(document):
        text = page.get_textpage()
        height = page.get_height()
        bottoms = [text.get_rect(i)[1] for i in range(text.count_rects())]
        found[document.get_page_label(n)] = min([b for b in bottoms if b > 0.1 * height], default=height)
    document.close()
    return found


def test_a_page_short_because_a_poem_is_kept_whole_is_not_a_fault(built):
    findings, pdf = built["poem.md"]
    lows = lowest_lines(pdf)
    assert lows["1"] - lows["2"] > 5 * LINE, "the page before the poem's ends early (the case is built)"
    assert findings == [], [str(d) for d in findings]


def test_a_page_short_because_a_note_pushed_its_call_on_is_a_fault(built):
    findings, pdf = built["note.md"]
    lows = lowest_lines(pdf)
    assert lows["1"] - lows["2"] > 5 * LINE, "the page before the call's ends early (the case is built)"
    [finding] = findings
    assert finding.message.startswith("page 1:") and "lines early" in finding.message


def _page(body_lines: int, notes_at: float | None, note_lines: int = 0):
    """A laid-out A5 page (CSS px, 18.6 px leading from 100) of ``body_lines`` body lines and, when
    ``notes_at`` is given, a footnote area there whose first line stands 14 px lower (its rule and
    space), as print.css sets it."""
    from octavo.pageviews import Line, PageView

    def line(area, top, height):
        return Line(object(), area, ("words",), (None,), 60, top, 380, top + height, 14, 0, ())

    body = [line("body", 100 + 18.6 * k, 18.6) for k in range(body_lines)]
    notes = [line("footnotes", notes_at + 14 + 12.4 * k, 12.4) for k in range(note_lines)] if notes_at else []
    return PageView("", 420, 595, 100, 700, notes_at, body[-1].bottom, tuple(body + notes), (), (), (), frozenset())


def test_a_page_is_short_by_the_blank_a_reader_sees_above_its_notes():
    """Capital ch. 15, folio 98: the text stopped 3.2 lines above the footnote area, whose rule and
    space add another 0.75 line, so a reader saw four blank lines; the check measured only to the
    area's top and said nothing. It measures to the notes' first line."""
    from octavo.preflight import short_pages

    room = 3.2 * 18.6
    bottom = 100 + 18.6 * 24
    short = [_page(24, bottom + room, 3), _page(32, None)]
    [finding] = short_pages(short, lambda n: str(n + 1))
    assert finding.page == 0 and "about 3 lines early" in finding.message
    full = [_page(28, 100 + 18.6 * 28 + 0.5 * 18.6, 3), _page(32, None)]
    assert short_pages(full, lambda n: str(n + 1)) == [], "a full page's half line and the notes' rule are no fault"
