"""What the contents list: headings that divide the text, nested as the text nests them; tables
from grid tables; poems in a collection; and where a text without a title gets one."""
from __future__ import annotations

import re

import pytest
from lxml import etree

from conftest import assert_epubcheck_clean, body_xhtml, build_into, load, write_source
from octavo import model as m


def model(tmp_path, text: str, name: str = "case.md"):
    return load(write_source(tmp_path, name, text))


def titles(entries) -> list:
    """The contents as nested (title, [children]) pairs."""
    return [(e.title, titles(e.children)) if e.children else e.title for e in entries]


def body(text) -> etree._Element:
    return etree.fromstring("<div>" + "".join(body_xhtml(s) for s in text.sections if s.kind != "notes") + "</div>")


def words_of(el) -> str:
    return re.sub(r"[ \t\n]+", " ", "".join(el.itertext())).strip()


def headings(text) -> list[tuple[int, str]]:
    return [(b.level, m.plain_text(b.inlines)) for s in text.sections for b in m.walk_blocks(s.blocks)
            if isinstance(b, m.Heading)]


CHAPTER = """---
title: Chapter 15 - Machinery
---
### Section 3. The Proximate Effects of Machinery

The text of section three.

### A. Appropriation of Supplementary Labour-Power

Women and children.

#### Under A

More.

### B. Prolongation of the Working-Day

The working day.

### Section 4. The Factory

The factory.

#### QUINQUENNIAL PERIODS AND THE YEAR 1866

| Period | Import |
|--------|--------|
| 1831   | 1,096  |

The table shows it.

#### I. Employment in mines of boys.
— In the mines the work usually lasts 14 or 15 hours.

#### II. Education. —
The working miners want a law.

### A note on the sources

Notes.
"""


def test_lettered_headings_nest_under_the_numbered_section_before_them(tmp_path):
    text, _ = model(tmp_path, CHAPTER)
    assert titles(text.toc()) == [
        ("Section 3. The Proximate Effects of Machinery", [
            ("A. Appropriation of Supplementary Labour-Power", ["Under A"]),
            "B. Prolongation of the Working-Day"]),
        "Section 4. The Factory",
        "A note on the sources",  # a heading that starts with "A" but no lettered label stays where it is
    ]
    assert headings(text)[:3] == [(3, "A. Appropriation of Supplementary Labour-Power"), (4, "Under A"),
                                  (3, "B. Prolongation of the Working-Day")]


def test_a_table_caption_and_run_in_headings_are_no_contents_entries(tmp_path):
    text, _ = model(tmp_path, CHAPTER)
    section = next(s for s in text.sections if s.title == "Section 4. The Factory")
    assert section.subsections == ()
    table = next(b for b in m.walk_blocks(section.blocks) if isinstance(b, m.Table))
    assert m.plain_text(table.caption) == "QUINQUENNIAL PERIODS AND THE YEAR 1866"
    assert table.rows[0].cells[0].header, "the header row stays a header"
    assert [(level, words) for level, words in headings(text) if words.startswith(("I.", "II."))] == [
        (3, "I. Employment in mines of boys."), (3, "II. Education. —")], "still headings in the text"
    assert all(not b.in_toc for b in m.walk_blocks(section.blocks) if isinstance(b, m.Heading))


def test_the_outline_and_both_editions_nest_the_lettered_headings(tmp_path):
    """Built for real: the PDF outline is the nested contents, both editions read alike, and the
    captions, data tables and poem headings made here pass EPUBCheck."""
    from octavo.validate import edition_parity
    from octavo.readback import read_pdf

    sources = [write_source(tmp_path, "chapter.md", CHAPTER), write_source(tmp_path, "sonnets.md", SONNETS),
               write_source(tmp_path, "grid.md", GRID_HEAD + GRID_TABLE)]
    report = build_into(tmp_path / "out", *sources)
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    outline = read_pdf(tmp_path / "out" / "chapter.pdf").outline
    section3 = dict(outline)["Section 3. The Proximate Effects of Machinery"]
    assert [title for title, _ in section3] == ["A. Appropriation of Supplementary Labour-Power",
                                                "B. Prolongation of the Working-Day"]
    assert [title for title, _ in dict(outline)["Section 4. The Factory"]] == []
    for name in ("chapter", "sonnets", "grid"):
        parity = edition_parity(tmp_path / "out" / f"{name}.epub", tmp_path / "out" / f"{name}.pdf")
        assert not parity.missing, (name, parity.missing[:10])
    assert_epubcheck_clean(*(tmp_path / "out" / f"{name}.epub" for name in ("chapter", "sonnets", "grid")))


def test_lettered_headings_in_cyrillic_nest_too(tmp_path):
    text, _ = model(tmp_path, "---\ntitle: T\n---\n## Глава 3.\n\nТекст.\n\n## А. Первое\n\nТекст.\n\n"
                    "## Б. Второе\n\nТекст.\n\n## Глава 4.\n\nТекст.\n")
    assert titles(text.toc()) == [("Глава 3.", ["А. Первое", "Б. Второе"]), "Глава 4."]


def test_the_contents_list_two_levels_under_a_section(tmp_path):
    text, _ = model(tmp_path, "---\ntitle: T\n---\n# One\n\n## Two\n\n### Three\n\n#### Four\n\nText.\n\n# Five\n\nText.\n")
    assert titles(text.toc()) == [("One", [("Two", ["Three"])]), "Five"]


# --- Pandoc grid tables ------------------------------------------------------------------------------

GRID_HEAD = "---\ntitle: T\n---\n"


def test_grid_cells_are_cut_by_display_width(tmp_path):
    text, _ = model(tmp_path, GRID_HEAD + """
+--+----+
|魚|fish|
+--+----+

+----------+-----+
| Auf\u200clage  | Ein\u200dheit |
+----------+-----+

+--------+------+
| Cafe\u0301 ok | next |
+--------+------+
""")
    assert [words_of(p) for p in body(text).iter("p")] == ["魚", "fish", "Auf\u200clage", "Ein\u200dheit", "Cafe\u0301 ok",
                                                          "next"]


GRID_TABLE = """
+-----------+---------+---------+
| Writer    | Born    | 魚       |
+===========+:=======:+========:+
| Karl Marx | 1818    | fish    |
| (Trier)   |         |         |
+-----------+---------+---------+
| Engels    | 1820    | \\|      |
+-----------+---------+---------+

After the table.
"""


def test_a_grid_table_with_a_header_row_and_short_cells_is_a_real_table(tmp_path):
    text, diagnostics = model(tmp_path, GRID_HEAD + GRID_TABLE)
    table = next(b for s in text.sections for b in s.blocks if isinstance(b, m.Table))
    rows = [[m.plain_text(c.blocks[0].inlines) if c.blocks else "" for c in row.cells] for row in table.rows]
    assert rows == [["Writer", "Born", "魚"], ["Karl Marx (Trier)", "1818", "fish"], ["Engels", "1820", "|"]]
    assert [c.header for c in table.rows[0].cells] == [True, True, True]
    assert [c.align for c in table.rows[1].cells] == [None, "center", "right"]
    assert [r.where.line for r in table.rows] == [6, 8, 11], "each row keeps the line it starts on"
    assert words_of(body(text)).endswith("After the table.")


def test_a_layout_box_stays_paragraphs(tmp_path):
    text, _ = model(tmp_path, GRID_HEAD + """
+-----------------------------------+
| **Karl Marx** (1818-1883)         |
+===================================+
| Founder of Marxist practice and   |
| philosophy, who established the   |
| ground work of Marxism through an |
| examination of the rise of        |
| capitalism.                       |
+-----------------------------------+
""")
    assert not any(isinstance(b, m.Table) for s in text.sections for b in s.blocks)
    assert [words_of(p) for p in body(text).iter("p")] == [
        "Karl Marx (1818-1883)",
        "Founder of Marxist practice and philosophy, who established the ground work of Marxism through an "
        "examination of the rise of capitalism."]


# --- verse collections ---------------------------------------------------------------------------------

SONNETS = """I.

From fairest creatures we desire increase,
That thereby beauty's rose might never die,
\tPity the world, or else this glutton be,
\tTo eat the world's due, by the grave and thee.

II.

When forty winters shall beseige thy brow,
And dig deep trenches in thy beauty's field,
  This were to be new made when thou art old,
  And see thy blood warm when thou feel'st it cold.
"""


def test_lone_numbers_before_poems_are_their_headings(tmp_path):
    text, diagnostics = model(tmp_path, SONNETS, name="shakespeare-sonnets.md")
    assert [s.title for s in text.sections] == ["I.", "II."]
    first = text.sections[0].blocks[0]
    assert isinstance(first, m.Verse) and m.plain_text(first.lines[0]) == "From fairest creatures we desire increase,"
    assert text.metadata.title == "Shakespeare Sonnets", "a number names no book"
    message = next(d for d in diagnostics if d.code == "frontmatter.title")
    assert "file name 'shakespeare-sonnets' as 'Shakespeare Sonnets'" in message.message


def test_poem_titles_in_bold_or_capitals_are_headings_one_rank_down(tmp_path):
    text, _ = model(tmp_path, """# Title: Poems

-------

## Poems - First Series

### I. LIFE.

**I. SUCCESS.**

_[Published in "A Masque of Poets."]_

Success is counted sweetest
By those who ne'er succeed.

**II.**

Our share of night to bear,
Our share of morning,

THE RAVEN

Once upon a midnight dreary,
while I pondered, weak and weary,
""")
    assert text.metadata.title == "Poems"
    # (a spaced hyphen in a heading is set as an en dash: test_press)
    assert titles(text.toc()) == [("Poems \u2013 First Series", [("I. LIFE.", ["I. SUCCESS.", "II.", "THE RAVEN"])])]


def test_poem_titles_in_title_case_set_apart_are_headings(tmp_path):
    text, _ = model(tmp_path, """---
title: Songs of Innocence and of Experience
---


The Tyger

Tyger Tyger, burning bright,
In the forests of the night;


The Lamb

Little Lamb who made thee
Dost thou know who made thee
""")
    assert titles(text.toc()) == ["The Tyger", "The Lamb"]


def test_a_lone_number_before_prose_or_a_single_one_stays_a_paragraph(tmp_path):
    text, _ = model(tmp_path, "---\ntitle: T\n---\nI.\n\nThis is a long paragraph of prose that runs well past the "
                    "width of any verse line, so it is no poem.\n\nII.\n\nAnd another one of the same kind, long "
                    "enough to wrap around twice in any editor.\n")
    assert [s.kind for s in text.sections] == ["opening"]
    text, _ = model(tmp_path, "---\ntitle: T\n---\n1.\n\nShort line,\nshort line.\n")
    assert [s.kind for s in text.sections] == ["opening"], "one bare number is no collection"


# --- a text without a title -------------------------------------------------------------------------

@pytest.mark.parametrize("written, title", [
    ("-------\n\n# The Real Title\n\nText.\n", "The Real Title"),
    ("---\n# The Real Title\n\nText.\n\n## Part\n\nMore.\n", "The Real Title"),
    ("English #\n\n# Title: The Wealth of Nations\n\n## Author: Adam Smith\n\n-------\n\nText.\n",
     "The Wealth of Nations"),
    ("---\nlayout: page\n---\n* * *\n\n# Title: The Wealth of Nations\n\n## Author: Adam Smith\n\nText.\n",
     "The Wealth of Nations"),
])
def test_a_title_the_text_shows_is_never_the_file_name(tmp_path, written, title):
    text, diagnostics = model(tmp_path, written, name="some-file.md")
    assert text.metadata.title == title
    assert "Title:" not in words_of(body(text)) and "The Real Title" not in words_of(body(text))
    message = next(d for d in diagnostics if d.code == "frontmatter.title")
    assert "file name" not in message.message and f"(line {message.location.line})" in message.message
    if "Adam Smith" in written:
        assert text.metadata.authors == ("Adam Smith",)


@pytest.mark.parametrize("stem, title", [
    ("shakespeare-sonnets", "Shakespeare Sonnets"),
    ("the_wealth_of_nations-vol-ii", "The Wealth of Nations Vol II"),
    ("Les Fleurs du mal", "Les Fleurs du mal"),
    ("一件小事", "一件小事"),
    ("marx-capital-v1-ch01", "Marx Capital V1 Ch01"),
])
def test_the_file_name_as_words_when_nothing_names_the_text(tmp_path, stem, title):
    text, diagnostics = model(tmp_path, "Just a paragraph.\n", name=f"{stem}.md")
    assert text.metadata.title == title
    message = next(d for d in diagnostics if d.code == "frontmatter.title")
    assert message.location.line == 1 and f"the file name '{stem}' as '{title}'" in message.message
