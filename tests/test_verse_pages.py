"""Verse on the printed page (issue 17): a long poem's verse paragraphs of 14-20 lines may be divided
where a page ends, two lines at least on each side, so no page before one ends 14 lines early (as
Boileau's Art poétique did, folios 1, 7, 11, 16); short stanzas and short poems stay whole; and the
preflight reports the short page when a stylesheet keeps such a paragraph whole after all.

Built cases; the PDF is read back with PDFium (each verse line is a run of text of its own)."""
from __future__ import annotations

import pypdfium2
import pytest

from conftest import ROOT, build_into, write_source

PROSE = ("The committee heard the weavers describe their hours at the mill and wrote down what "
         "they said about the wages of the children. ")
LINE = 14  # points: about one body line (10.5 pt type)
WORDS = ("art", "rhyme", "reason", "verse", "muse", "sense", "taste", "style")


def paragraph(n: int, lines: int) -> str:
    """A verse paragraph of alexandrine-like lines, each line naming its paragraph and place."""
    return "\n".join(f"Paragraph {n} line {k} sings of {WORDS[k % 8]} and of {WORDS[(k + n) % 8]} alike"
                     for k in range(1, lines + 1))


POEM = "\n\n".join(paragraph(n, 16 + n % 5) for n in range(1, 13))  # 16-20 lines each, 12 of them
QUATRAINS = "\n\n".join("\n".join(f"Quatrain {n} line {k} is short" for k in range(1, 5)) for n in range(1, 40))
SOURCES = {
    # prose that leaves some twenty lines of the first page, then a long poem of verse paragraphs
    "paragraphs.md": "---\ntitle: Verse paragraphs\nlanguage: en\n---\n\n" + (PROSE * 4).strip()
                     + "\n\n```\n" + POEM + "\n```\n",
    # a long poem of quatrains: a page ends between them, never inside one
    "quatrains.md": "---\ntitle: Quatrains\nlanguage: en\n---\n\n" + (PROSE * 3).strip()
                    + "\n\n```\n" + QUATRAINS + "\n```\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verse")
    paths = [write_source(folder, name, text) for name, text in SOURCES.items()]
    ours = build_into(folder / "ours", *paths, formats=("pdf",), preflight=True)
    # the verse paragraphs kept whole, as common.css had it before: the preflight must see the pages
    undone = folder / "undone"
    undone.mkdir()
    (undone / "common.css").write_text((ROOT / "styles" / "common.css").read_text(encoding="utf-8")
                                       + "\np.verse.long { break-inside: avoid; }\n", encoding="utf-8")
    kept = build_into(folder / "kept", paths[0], formats=("pdf",), preflight=True, styles=undone)
    return folder, {r.input.name: r.diagnostics for r in ours.results}, kept.results[0].diagnostics


def page_lines(pdf) -> list[tuple[list[str], float]]:
    """Each page's lines, top to bottom, and how high its lowest line above the folio stands (PDF
    points from the foot)."""
    document = pypdfium2.PdfDocument(str(pdf))
    pages = []
    for page in document:
        text = page.get_textpage()
        height = page.get_height()
        bottoms = [text.get_rect(i)[1] for i in range(text.count_rects())]
        pages.append(([line for line in text.get_text_range().splitlines() if line.strip()],
                      min([b for b in bottoms if b > 0.1 * height], default=height)))
    document.close()
    return pages


def verse_lines(lines: list[str], word: str) -> list[str]:
    return [line for line in lines if line.startswith(word + " ")]


def test_verse_paragraphs_are_divided_at_page_ends_with_two_lines_each_side(built):
    folder, _, _ = built
    pages = [lines for lines, _ in page_lines(folder / "ours" / "paragraphs.pdf")]
    divided = 0
    for before, after in zip(pages, pages[1:]):
        last, first = verse_lines(before, "Paragraph")[-1:], verse_lines(after, "Paragraph")[:1]
        if not last or not first or last[0].split()[1] != first[0].split()[1]:
            continue  # the page ends between paragraphs
        divided += 1
        number = last[0].split()[1]
        assert len(verse_lines(before, f"Paragraph {number}")) >= 2
        assert len(verse_lines(after, f"Paragraph {number}")) >= 2
    assert divided >= 2, "pages end inside verse paragraphs rather than before them"


def test_no_page_ends_early_before_a_verse_paragraph(built):
    folder, _, _ = built
    pages = [(lines, low) for lines, low in page_lines(folder / "ours" / "paragraphs.pdf")
             if verse_lines(lines, "Paragraph")]
    fullest = min(low for _, low in pages)
    # the poem's last page ends where the poem does, and the one before may give it lines (a text's
    # last block keeps company with the one before: print.css, preflight.runt-page)
    for lines, low in pages[:-2]:
        assert low - fullest < 3 * LINE, f"the page of {lines[1]!r} ends {(low - fullest) / LINE:.0f} lines early"


def test_quatrains_of_a_long_poem_stay_whole(built):
    folder, diagnostics, _ = built
    for lines, _ in page_lines(folder / "ours" / "quatrains.pdf"):
        numbers = [line.split()[1] for line in verse_lines(lines, "Quatrain")]
        for number in (numbers[0], numbers[-1]) if numbers else ():
            assert numbers.count(number) == 4, f"quatrain {number} divided: {numbers}"


def test_the_preflight_reports_pages_left_short_by_a_verse_paragraph_kept_whole(built):
    _, _, kept = built
    short = [d for d in kept if d.code == "preflight.short-page"]
    assert short, "verse paragraphs kept whole leave pages short, and the preflight says so"
    assert all("lines early" in d.message for d in short)
