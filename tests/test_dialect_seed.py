"""The archive dialect of the seed, case by case (issue 3, "The seed").

Each test feeds a few lines written the way the seed writes them and checks the document model
(``load``: read, dialect, parse, resolve) or, where the rule concerns both editions, the finished EPUB and PDF.
"""
from __future__ import annotations

import re
import zipfile

from lxml import etree

from conftest import SEED, assert_epubcheck_clean, body_xhtml, build_into, load, note_xhtml, write_source
from octavo.readback import XHTML_NS, epub_spine
from pdf_reading import pdf_page_texts

FRONT = '---\ntitle: "Seed case"\nauthor: "J. V. Stalin"\n---\n'

NOTES_TAIL = """
### NOTES
### By J. V. Stalin

[*] See Lenin's Works, Vol. XX, p. 104.

[**] Among these legends must be included also the story of the "sole organiser".

Judge for yourselves.

1) Kolchak. This is in the summer of 1919. Our troops are advancing.

2) Denikin. This is in the autumn of 1919. The offensive is not proceeding.

[***] Obviously, this should be "a separate peace." -- J. St.
"""


def model(tmp_path, body: str, name: str = "case.md"):
    """Build the document model of a source whose body is ``body``; returns (text, diagnostics)."""
    return load(write_source(tmp_path, name, FRONT + body))


def fragment(xml: str) -> etree._Element:
    return etree.fromstring(f"<div>{xml}</div>")


def body_tree(text) -> etree._Element:
    return fragment("".join(body_xhtml(s) for s in text.sections if s.kind != "notes"))


def note_refs(tree) -> list[etree._Element]:
    return tree.findall(".//a[@role='doc-noteref']")


# --- note markers ---------------------------------------------------------------------------------

def test_bare_asterisk_markers_become_linked_notes_never_emphasis(tmp_path):
    text, _ = model(tmp_path, "Have you read the Letters From Afar? ** They say the revolution, and the\n"
                              "threat of peace *** between the imperialists, is near. See the Theses. *\n" + NOTES_TAIL)
    tree = body_tree(text)
    refs = note_refs(tree)
    assert [a.text for a in refs] == ["1", "2", "3"]
    assert [n.label for n in text.notes] == ["**", "***", "*"], "numbered in order of first reference"
    for a, note in zip(refs, text.notes):
        assert a.get("href") == f"#{note.id}" and a.get("id") in note.refs
    assert tree.find(".//em") is None and tree.find(".//strong") is None
    assert "*" not in "".join(tree.itertext()), "no stray asterisk is left in the text"


def test_a_note_spanning_several_paragraphs_is_kept_whole(tmp_path):
    text, _ = model(tmp_path, "Legends ** and peace *** and more. *\n" + NOTES_TAIL)
    by_label = {n.label: fragment(note_xhtml(n)) for n in text.notes}
    paragraphs = ["".join(p.itertext()) for p in by_label["**"].iter("p")]
    assert len(paragraphs) == 4
    assert paragraphs[1] == "Judge for yourselves."
    assert paragraphs[2].startswith("1) Kolchak.") and paragraphs[3].startswith("2) Denikin.")
    assert "Kolchak" not in "".join(by_label["***"].itertext())
    assert "Kolchak" not in "".join(body_tree(text).itertext()), "the note's paragraphs left the text"


def test_notes_heading_with_byline_heading_is_one_notes_section(tmp_path):
    text, diagnostics = model(tmp_path, "## I. THE FACTS\n\nLegends ** and peace *** and more. *\n" + NOTES_TAIL)
    notes_sections = [s for s in text.sections if s.kind == "notes"]
    assert len(notes_sections) == 1
    assert notes_sections[0].byline is None, "the archive's byline repeats the author: not printed (issue 17)"
    assert [(d.code, d.location.line) for d in diagnostics if d.code == "notes.byline"] == [("notes.byline", 10)]
    assert [(e.title, e.kind) for e in text.toc()] == [("I. THE FACTS", "chapter"), (None, "notes")], \
        "the byline is no TOC entry (the notes are named by the renderer, in the text's language)"
    assert all("By J. V. Stalin" not in body_xhtml(s) for s in text.sections)


def test_a_notes_byline_naming_someone_else_than_the_author_is_printed(tmp_path):
    text, diagnostics = model(tmp_path, "Legends ** and peace *** and more. *\n"
                              + NOTES_TAIL.replace("By J. V. Stalin", "By Leon Trotsky"))
    notes = next(s for s in text.sections if s.kind == "notes")
    assert notes.byline == "By Leon Trotsky" and "notes.byline" not in [d.code for d in diagnostics]


def test_numbered_markers_without_notes_stay_visible_and_are_reported_with_line(tmp_path):
    lines = [f"Paragraph {n} cites a source [{n}] the archive dropped." for n in range(1, 10)]
    text, diagnostics = model(tmp_path, "\n\n".join(lines) + "\n")
    written = "".join(body_tree(text).itertext())
    for n in range(1, 10):
        assert f"source [{n}] the" in written
    undefined = [d for d in diagnostics if d.code == "notes.undefined"]
    assert len(undefined) == 9
    path = tmp_path / "case.md"
    source_lines = path.read_text(encoding="utf-8").split("\n")
    for n, d in enumerate(undefined, 1):
        assert d.level == "warning" and d.location.path == path
        assert f"[{n}]" in source_lines[d.location.line - 1], "the warning points at the marker's line"
        assert str(d).startswith(f"{path}:{d.location.line}: warning:")
    assert not note_refs(body_tree(text)) and not text.notes


LETTERED = """
1) The period of the Party's new orientation (March-April). The major facts of this period:
    * a) the overthrow of tsarism;
    * b) the formation of the Provisional Government;
    * c) dual power.

The characteristic feature of this period is dual power.
"""


def test_indented_bullet_lines_after_a_paragraph_line_are_one_lettered_list(tmp_path):
    text, _ = model(tmp_path, LETTERED)
    tree = body_tree(text)
    lists = tree.findall(".//ul")
    assert len(lists) == 1
    assert lists[0].get("class") == "lettered", "bullet dropped so the letter is shown once"
    items = ["".join(li.itertext()) for li in lists[0].iter("li")]
    assert items == ["a) the overthrow of tsarism;", "b) the formation of the Provisional Government;",
                     "c) dual power."]
    paragraphs = ["".join(p.itertext()) for p in tree.iter("p")]
    assert paragraphs[0].startswith("1) The period") and paragraphs[0].endswith("of this period:")
    assert paragraphs[1].startswith("The characteristic feature")


def test_lettered_list_is_a_list_without_bullets_in_both_editions(tmp_path):
    source = write_source(tmp_path, "lettered.md", FRONT + LETTERED)
    out = tmp_path / "out"
    report = build_into(out, source)
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    epub, pdf = out / "lettered.epub", out / "lettered.pdf"
    assert_epubcheck_clean(epub)
    lists = [ul for _, doc in epub_spine(epub) for ul in doc.iterfind(".//x:ul", XHTML_NS)]
    assert len(lists) == 1 and lists[0].get("class") == "lettered"
    assert len(lists[0].findall("x:li", XHTML_NS)) == 3
    with zipfile.ZipFile(epub) as z:
        css = z.read("EPUB/css/common.css").decode()
    assert re.search(r"ul\.lettered\s*\{[^}]*list-style:\s*none", css)
    printed = " ".join(" ".join(pdf_page_texts(pdf)).split())
    for item in ("a) the overthrow of tsarism;", "b) the formation of the Provisional Government;", "c) dual power."):
        assert item in printed
    assert "•" not in printed, "no bullet printed in front of the letter"


def test_paragraphs_beginning_with_a_number_and_parenthesis_stay_paragraphs(tmp_path):
    text, _ = model(tmp_path, """
1) On the question of "permanent" revolution. The new Trotskyism does not uphold it.

2) On the question of the Party principle. The old Trotskyism tried to undermine it.
""")
    tree = body_tree(text)
    assert tree.find(".//ol") is None and tree.find(".//li") is None
    paragraphs = ["".join(p.itertext()) for p in tree.iter("p")]
    assert [p[:3] for p in paragraphs] == ["1) ", "2) "]


# --- typography -----------------------------------------------------------------------------------

TYPOGRAPHY = """
Trotsky's "lessons" -- so he says -- are "the 'new' course of the Party's 'leaders'"... \
Did Trotsky need this flagrant ... inaccuracy? Help on the Southern Front.. Operations went on.
"""


def test_dashes_quotes_and_ellipses_become_typographic_characters(tmp_path):
    text, _ = model(tmp_path, TYPOGRAPHY)
    written = "".join(body_tree(text).itertext())
    assert "Trotsky\u2019s \u201clessons\u201d \u2014 so he says \u2014 are" in written
    assert "\u201cthe \u2018new\u2019 course of the Party\u2019s \u2018leaders\u2019\u201d\u2026" in written
    assert "flagrant \u2026 inaccuracy?" in written
    assert "Southern Front.. Operations" in written, "a typo of two dots stays as written"
    assert not re.search("[\"']|--|\\.\\.\\.", written)


def test_a_quote_closing_after_a_link_at_the_end_of_a_paragraph_closes(tmp_path):
    text, _ = model(tmp_path, 'He quoted "[Letters From Afar](https://example.org/afar)"\n\nand \'[this](https://example.org/x)\'\n')
    written = [("".join(p.itertext())) for p in body_tree(text).iter("p")]
    assert written == ["He quoted \u201cLetters From Afar\u201d", "and \u2018this\u2019"]


def test_an_apostrophe_starting_a_word_is_elision_not_an_opening_quote(tmp_path):
    text, _ = model(tmp_path, "'Tis so, there 's a pair of us; 'T was 'em -- and 'quoted' words.\n")
    assert "".join(body_tree(text).itertext()).strip() == (
        "\u2019Tis so, there \u2019s a pair of us; \u2019T was \u2019em \u2014 and \u2018quoted\u2019 words.")


def test_output_carries_unicode_characters_not_named_entities(tmp_path):
    source = write_source(tmp_path, "typo.md", FRONT + TYPOGRAPHY + "\nFish & chips < 5 -- Ça va.\n")
    out = tmp_path / "out"
    assert build_into(out, source, formats=("epub",)).ok
    with zipfile.ZipFile(out / "typo.epub") as z:
        pages = [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")]
    body = next(p for p in pages if "Southern Front" in p)
    assert "\u2019" in body and "\u201c" in body and "\u2014" in body and "\u2026" in body and "Ça" in body
    entities = set(re.findall(r"&[A-Za-z][A-Za-z0-9]*;", "".join(pages)))
    assert entities <= {"&amp;", "&lt;", "&gt;"}, entities


# --- the seed itself --------------------------------------------------------------------------------

def test_the_seed_has_its_three_notes_nine_undefined_markers_and_three_lettered_lists(seed_build):
    report, epub, _ = seed_build
    undefined = [d for r in report.results for d in r.diagnostics if d.code == "notes.undefined"]
    assert [re.search(r"\[(\d)\]", d.message).group(1) for d in undefined] == [str(n) for n in range(1, 10)]
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert all(f"[{n}]" in lines[d.location.line - 1] for n, d in enumerate(undefined, 1))
    docs = dict(epub_spine(epub))
    text = " ".join(" ".join(doc.itertext()) for doc in docs.values())
    assert "Letters From Afar?" in text and "Front.." in text
    lettered = [ul for doc in docs.values() for ul in doc.iterfind(".//x:ul[@class='lettered']", XHTML_NS)]
    assert [len(ul) for ul in lettered] == [6, 9, 7]
    notes = [li for doc in docs.values() for li in doc.iterfind(".//x:li[@class='note']", XHTML_NS)]
    assert len(notes) == 3
    second = " ".join("".join(p.itertext()) for p in notes[1].iterfind("x:p", XHTML_NS))
    assert "Judge for yourselves." in second and "1) Kolchak." in second and "2) Denikin." in second
