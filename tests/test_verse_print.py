"""Verse in print: a stanza or a short poem is never split across pages, and lines indented in the
source keep their indent in both editions."""
from __future__ import annotations

import pypdfium2 as pdfium

from conftest import build_into, load
from octavo.render import blocks_markup

FILLER = ("The argument goes on at some length here, as prose does between the poems of an anthology, "
          "and it fills the page in a way nobody planned. ")


def stanza(tag: str, lines: int) -> str:
    return "\n".join(f"{tag} line {n} of the stanza,  " for n in range(1, lines + 1))


def anthology(folder) -> str:
    """Poems after prose of growing length, so that some of them fall where a page ends."""
    parts = ["---\ntitle: Poems among prose\n---\n"]
    for k in range(1, 13):
        parts.append(FILLER * (k * 2))
        parts.append(stanza(f"S{k}a", 8))  # two stanzas of one short poem
        parts.append(stanza(f"S{k}b", 6))
        parts.append(FILLER)
    path = folder / "poems.md"
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def pages_holding(pdf, tag: str) -> set[int]:
    doc = pdfium.PdfDocument(str(pdf))
    return {n for n in range(len(doc)) if f"{tag} line" in doc[n].get_textpage().get_text_range()}


def test_no_stanza_and_no_short_poem_is_split_across_pages(tmp_path):
    source = anthology(tmp_path)
    report = build_into(tmp_path / "out", source, formats=("pdf",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    pdf = tmp_path / "out" / "poems.pdf"
    for k in range(1, 13):
        first, second = pages_holding(pdf, f"S{k}a"), pages_holding(pdf, f"S{k}b")
        assert len(first) == 1 and first == second, (k, first, second)


def test_the_stanzas_of_a_short_poem_are_kept_with_the_next_but_the_last(tmp_path):
    text, _ = load(anthology(tmp_path))
    markup = str(blocks_markup(text.sections[0].blocks))
    assert markup.count('class="verse keep-with-next"') == 12
    assert markup.count('class="verse"') == 12


def test_lines_indented_in_the_source_keep_their_indent(tmp_path):
    path = tmp_path / "sonnet.md"
    path.write_text("---\ntitle: Couplet\n---\n\nThe first line of it,\nThe second line,\n"
                    "  This were to be new made when thou art old,\n\tAnd see thy blood warm.\n", encoding="utf-8")
    text, _ = load(path)
    markup = str(blocks_markup(text.sections[0].blocks))
    assert '<span class="verse-line indent-1">This were' in markup  # two spaces: one level, spaces gone
    assert '<span class="verse-line indent-2">And see' in markup  # a tab: two levels
    assert '<span class="verse-line">The first' in markup


def test_a_stanza_longer_than_a_page_begins_where_the_prose_before_it_ends(tmp_path):
    """A verse paragraph of 60 lines cannot be kept whole on any page: kept whole, it went on to
    the next page and left the page before all but empty (the Epic of Gilgamesh, folio 2). It is
    divided where the page ends, three lines at least on each side."""
    path = tmp_path / "long.md"
    path.write_text("---\ntitle: A long stanza\n---\n\n" + FILLER * 6 + "\n\n" + stanza("L", 60) + "\n\n"
                    + FILLER + "\n", encoding="utf-8")
    report = build_into(tmp_path / "out", path, formats=("pdf",))
    assert report.ok
    doc = pdfium.PdfDocument(str(tmp_path / "out" / "long.pdf"))
    texts = [" ".join(doc[n].get_textpage().get_text_range().split()) for n in range(len(doc))]
    starts = [n for n, text in enumerate(texts) if "L line 1 of" in text]
    ends = [n for n, text in enumerate(texts) if "L line 60 of" in text]
    assert starts and ends and starts[0] < ends[0], "divided across pages"
    assert "argument goes on" in texts[starts[0]], "the stanza begins on the page of the prose before it"
    for n in range(starts[0], ends[0] + 1):
        on_page = [k for k in range(1, 61) if f"L line {k} of" in texts[n]]
        assert len(on_page) >= 3, (n, on_page)
