"""Web debris printed as text: site navigation, language switchers, a source's own contents list,
bylines, kramdown attribute lines. Each case on a minimal excerpt of its own; every removal is a
warning naming its line, and the lines of everything after it stay exact."""
from __future__ import annotations

import re

import pytest
from lxml import etree

from conftest import body_xhtml, load, note_xhtml, write_source


def model(tmp_path, text: str, name: str = "case.md"):
    return load(write_source(tmp_path, name, text))


def body(text) -> etree._Element:
    return etree.fromstring("<div>" + "".join(body_xhtml(s) for s in text.sections if s.kind != "notes") + "</div>")


def words_of(el) -> str:
    return re.sub(r"[ \t\n]+", " ", "".join(el.itertext())).strip()


def found(diagnostics, prefix: str = "dialect.") -> list[tuple[str, int]]:
    return [(d.code, d.location.line) for d in diagnostics if d.code.startswith(prefix)]


# --- site navigation ---------------------------------------------------------------------------------

def test_navigation_link_lines_around_a_chapter_go_with_their_rules(tmp_path):
    text, diagnostics = model(tmp_path, """---
title: Chapter 15 - Machinery
---
* * *

[**Index -** *Capital Vol. 1*]({{ site.baseurl }}{% link cap1index.md %})

[**Previous:** Chapter 14 - Division of Labour]({{ site.baseurl }}{% link _texts/ch14.md %})

[**Next:** Chapter 16 - Surplus-Value]({{ site.baseurl }}{% link _texts/ch16.md %})

* * *

### Section 1. The Development of Machinery

John Stuart Mill says in his "Principles"[7] that ...
""")
    tree = body(text)
    assert words_of(tree) == "John Stuart Mill says in his “Principles”[7] that …"
    assert tree.find(".//hr") is None, "the rules that framed the links go too"
    assert [s.title for s in text.sections] == ["Section 1. The Development of Machinery"]
    assert found(diagnostics) == [("dialect.navigation", 6), ("dialect.navigation", 8), ("dialect.navigation", 10)]
    assert "line 4" in diagnostics[[d.code for d in diagnostics].index("dialect.navigation")].message
    assert ("notes.undefined", 16) in found(diagnostics, "notes."), "later lines keep their numbers"
    assert not [d for d in diagnostics if d.code in ("links.outside", "dialect.liquid")], "nothing left to resolve"


@pytest.mark.parametrize("line", [
    "[Zurück: Kapitel 1](kap1.htm) | [Weiter: Kapitel 3](kap3.htm)",
    "[« Précédent](ch1.html) · [Sommaire](index.html) · [Suivant »](ch3.html)",
    "[Назад](ch1.html) [Оглавление](index.html) [Вперёд](ch3.html)",
    "Next: [VII. The Role of the Mass Strike](ch07.htm)",
    "[MIA](../../../index.htm){#top} \\> [Archive](../../index.htm) \\> [Connolly](../index.htm)",
    "[Top of the page](#top)",
    "[Back to the index](index.htm)",
    "[上一章](1.html) | [目录](index.html) | [下一章](3.html)",
    "**[Previous](ch1.html)** | **[Next](ch3.html)**",
    "[<< Previous](a.html) | [Index](i.html) | [Next >>](b.html)",
    '<a href="ch1.htm">Previous</a> | <a href="ch3.htm">Next</a>',
])
def test_navigation_in_any_language_and_shape_goes_anywhere_in_the_text(tmp_path, line):
    text, diagnostics = model(tmp_path, f"---\ntitle: T\n---\nFirst paragraph.\n\n{line}\n\nLast paragraph.\n")
    assert words_of(body(text)) == "First paragraph. Last paragraph."
    assert found(diagnostics) == [("dialect.navigation", 6)]


def test_links_standing_alone_at_the_edges_go_and_the_page_footer_too(tmp_path):
    text, diagnostics = model(tmp_path, """---
title: T
---
The text, which links to [another work](../works/other.htm) in passing.

------------------------------------------------------------------------

[Rosa Luxemburg Internet Archive](../../index.htm)

Last updated on: 10.10.15
""")
    assert words_of(body(text)) == "The text, which links to another work in passing."
    assert body(text).find(".//hr") is None
    assert found(diagnostics) == [("dialect.navigation", 8), ("dialect.navigation", 10)]


def test_links_that_are_content_stay(tmp_path):
    text, diagnostics = model(tmp_path, """---
title: T
---
The first paragraph.

[A work standing alone in the middle](works/a.htm)

* [Chapter one](ch1.htm)
* [Chapter two](ch2.htm)

See [Marx](marx.htm) and [Engels](engels.htm) on this.

[Wikipedia](https://en.wikipedia.org/) [Britannica](https://www.britannica.com/)

The last paragraph.
""")
    written = words_of(body(text))
    for kept in ("A work standing alone in the middle", "Chapter one", "Chapter two", "See Marx and Engels",
                 "Wikipedia Britannica"):
        assert kept in written
    assert not found(diagnostics)


def test_a_page_made_only_of_links_keeps_them(tmp_path):
    text, diagnostics = model(tmp_path, "---\ntitle: Index\n---\n[Marx](marx/index.htm)\n\n[Engels](engels/index.htm)\n")
    assert words_of(body(text)) == "Marx Engels"
    assert not found(diagnostics)


def test_an_image_alone_at_the_end_is_no_navigation_unless_it_says_so(tmp_path):
    text, diagnostics = model(tmp_path, "---\ntitle: T\n---\nText.\n\n![A portrait](pics/a.jpg)\n\n![return](return.jpg)\n")
    assert words_of(body(text)) == "Text. [A portrait]"
    assert found(diagnostics) == [("dialect.navigation", 8)]


# --- language switchers and a title repeated after them -----------------------------------------------

@pytest.mark.parametrize("switcher", ["Русский #", "English #", "Deutsch  #", "English | Deutsch | Français",
                                      "[English](../en/index.html) · Deutsch · [Русский](../ru/)", "简体中文 / English",
                                      "EN | DE | RU"])
def test_a_language_switcher_above_the_title_goes_and_the_title_is_printed_once(tmp_path, switcher):
    text, diagnostics = model(tmp_path, f"{switcher}\n\n# Манифест Коммунистической партии\n\nПризрак бродит по Европе.\n")
    assert text.metadata.title == "Манифест Коммунистической партии"
    assert words_of(body(text)) == "Призрак бродит по Европе."
    assert [s.kind for s in text.sections] == ["opening"], "one entry in the contents, the title"
    assert ("dialect.switcher", 1) in found(diagnostics)


def test_a_heading_naming_one_language_is_a_title_not_a_switcher(tmp_path):
    text, diagnostics = model(tmp_path, "# English\n\nThe language of this text.\n")
    assert text.metadata.title == "English" and "dialect.switcher" not in [c for c, _ in found(diagnostics)]


@pytest.mark.parametrize("line", ["Norwegian Wood", "English", "Index"])
def test_a_language_name_inside_the_text_or_a_title_like_it_stays(tmp_path, line):
    text, diagnostics = model(tmp_path, f"---\ntitle: T\n---\nThe first paragraph.\n\n{line}\n\nThe last.\n")
    assert line in words_of(body(text))
    text, diagnostics = model(tmp_path, f"{line} Wood and More\n\n# Title\n\nText.\n")
    assert "dialect.switcher" not in [c for c, _ in found(diagnostics)]


def test_a_title_heading_repeated_right_after_debris_is_printed_once(tmp_path):
    text, diagnostics = model(tmp_path, """---
title: The Communist Manifesto
---
# The Communist Manifesto

[Next: Chapter 1](ch1.htm)

# The Communist Manifesto

A spectre is haunting Europe.
""")
    assert words_of(body(text)) == "A spectre is haunting Europe."
    assert [s.kind for s in text.sections] == ["opening"]
    assert found(diagnostics) == [("dialect.navigation", 6), ("dialect.title", 8)]


# --- a source's own contents list ---------------------------------------------------------------------

RUSSIAN = """Русский #

# Манифест Коммунистической партии

Карл Маркс и Фридрих Энгельс

Оглавление

I. Буржуа и пролетарии
II. Пролетарии и коммунисты
1. Реакционный социализм
а) Феодальный социализм

Призрак бродит по Европе.

## I. Буржуа и пролетарии[^1]

[^1]: Под буржуазией понимается класс.

История всех до сих пор существовавших обществ.

## II. Пролетарии и коммунисты

### 1. Реакционный социализм

#### а) Феодальный социализм

Феодальная аристократия.
"""


def test_a_plain_line_contents_list_is_left_out_for_the_generated_contents(tmp_path):
    text, diagnostics = model(tmp_path, RUSSIAN)
    assert text.metadata.title == "Манифест Коммунистической партии"
    assert text.metadata.authors == ("Карл Маркс", "Фридрих Энгельс")
    opening = words_of(etree.fromstring(f"<div>{body_xhtml(text.sections[0])}</div>"))
    assert opening == "Призрак бродит по Европе."
    toc = text.toc()
    assert [e.title for e in toc] == ["Манифест Коммунистической партии", "I. Буржуа и пролетарии",
                                      "II. Пролетарии и коммунисты", None]
    assert [e.title for e in toc[2].children] == ["1. Реакционный социализм"]
    assert [e.title for e in toc[2].children[0].children] == ["а) Феодальный социализм"]
    contents = [d for d in diagnostics if d.code == "dialect.contents"]
    assert [d.location.line for d in contents] == [7] and "lines 7-12" in contents[0].message
    assert found(diagnostics, "frontmatter.t") + found(diagnostics, "frontmatter.a") == [
        ("frontmatter.title", 3), ("frontmatter.author", 5)]
    assert note_xhtml(text.notes[0]).count("Под буржуазией") == 1


def test_a_contents_heading_with_links_and_broken_anchors_is_left_out(tmp_path):
    text, diagnostics = model(tmp_path, """# Contents
  - [L''hirondelle (Sophie d''Arbouville 1840)](#L''hirondelle (Sophie d''Arbouville 1840))
  - [Demain dès l''aube (Victor Hugo 1856)](#Demain dès l''aube (Victor Hugo 1856))
  - [Impatient](#Impatient)

# L'hirondelle (Sophie d'Arbouville 1840)

Ô petite hirondelle
Qui bats de l'aile,

# Demain dès l'aube (Victor Hugo 1856)

Demain, dès l'aube, à l'heure où blanchit la campagne,
Je partirai. Vois-tu, je sais que tu m'attends.

# Impatient

Je n'attends plus,
je pars.
""", name="french-poems.md")
    assert [e.title for e in text.toc()] == ["L’hirondelle (Sophie d’Arbouville 1840)",
                                             "Demain dès l’aube (Victor Hugo 1856)", "Impatient"]
    assert "Contents" not in words_of(body(text))
    assert found(diagnostics, "dialect.contents") == [("dialect.contents", 1)]
    assert text.metadata.title == "French Poems", "the first poem is no title of the whole"


@pytest.mark.parametrize("contents", [
    "*   [Chant I](#chant-i) <br>\n*   [Chant II](#chant-ii) <br>\n*   [Chant III](#chant-iii) <br>",
    "Inhalt:\n\nChant I\nChant II\nChant III",
    "Table des matières\n\n1. Chant I\n2. Chant II\n3. Chant III",
    "* TOC\n{:toc}",
    "[TOC]",
    "**CONTENTS**\n\nChant I ........ 1\nChant II ........ 9\nChant III\t17",
])
def test_contents_lists_and_markers_in_other_shapes_are_left_out(tmp_path, contents):
    text, diagnostics = model(tmp_path, f"---\ntitle: Art poétique\n---\n{contents}\n\n# Chant I\n\nC'est en vain.\n\n"
                              "Chant II\n========\n\nIl est un heureux choix.\n\n# Chant III\n\nIl n'est point de serpent.\n")
    assert [e.title for e in text.toc()] == ["Chant I", "Chant II", "Chant III"]
    assert words_of(body(text)).startswith("C’est en vain.")
    assert found(diagnostics, "dialect.contents")


def test_a_contents_list_of_what_is_not_in_the_text_keeps_its_lines(tmp_path):
    text, diagnostics = model(tmp_path, """---
title: Chapter 3
---
Contents

Chapter 1. The Commodity, its two factors: use-value and value
Chapter 2. Exchange, and what the owners of commodities do
Chapter 3. Money, or the circulation of commodities

The text of chapter three.
""")
    listing = body(text).findall(".//p")[1]
    assert len(listing.findall("br")) == 2, "each entry on its own line, not one run-together paragraph"
    assert not found(diagnostics)


# --- bylines ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("byline, names", [
    ("Карл Маркс и Фридрих Энгельс", ("Карл Маркс", "Фридрих Энгельс")),
    ("Karl Marx/Friedrich Engels", ("Karl Marx", "Friedrich Engels")),
    ("by V. I. Lenin", ("V. I. Lenin",)),
    ("Karl Korsch (1923)", ("Karl Korsch",)),
    ("Rosa Luxemburg, Karl Liebknecht and Clara Zetkin", ("Rosa Luxemburg", "Karl Liebknecht", "Clara Zetkin")),
    ("*Written by Mary Wollstonecraft Shelley*", ("Mary Wollstonecraft Shelley",)),
    ("Alexis de Tocqueville", ("Alexis de Tocqueville",)),
])
def test_a_byline_under_the_title_becomes_the_author(tmp_path, byline, names):
    text, diagnostics = model(tmp_path, f"# The Title\n\n{byline}\n\nThe text begins.\n")
    assert text.metadata.authors == names
    assert words_of(body(text)) == "The text begins."
    assert found(diagnostics, "frontmatter.author") == [("frontmatter.author", 3)]


@pytest.mark.parametrize("line", ["Draft Theses on", "The First Five Years of the Communist International",
                                  "Marxists Internet Archive", "Capital Vol. 1", "It was a dark night.", "Preface 1888"])
def test_a_line_under_the_title_that_is_not_names_stays_text(tmp_path, line):
    text, diagnostics = model(tmp_path, f"# The Title\n\n{line}\n\nThe text begins.\n")
    assert text.metadata.authors == ()
    assert words_of(body(text)).startswith(line.split()[0])


def test_a_lead_in_heading_that_stops_mid_phrase_is_the_start_of_the_title(tmp_path):
    """The archive's header: the author, the title's first words set small, then the title."""
    text, diagnostics = model(tmp_path, "## V. I. Lenin\n\n### Draft Theses on\n\n# National and Colonial "
                                        "Questions\n\nThe text begins.\n")
    assert text.metadata.title == "Draft Theses on National and Colonial Questions"
    assert text.metadata.authors == ("V. I. Lenin",)
    assert words_of(body(text)) == "The text begins."
    assert ("frontmatter.title", 5) in found(diagnostics, "frontmatter.title")
    alone, _ = model(tmp_path, "### Über die Rolle der\n\n# Arbeit\n\nText.\n")
    assert alone.metadata.title == "Über die Rolle der Arbeit"


@pytest.mark.parametrize("lead", ["Speech at the Congress", "Part One", "Draft Theses on Land and Peace Today, "
                                  "With Notes Written by the Author on"])
def test_a_heading_above_the_title_that_does_not_lead_into_it_stays(tmp_path, lead):
    text, _ = model(tmp_path, f"### {lead}\n\n# The Tasks\n\nText.\n")
    assert text.metadata.title == "The Tasks"
    assert words_of(body(text)).startswith(lead.split()[0])


def test_a_front_matter_title_that_includes_the_lead_in_takes_both_headings_out(tmp_path):
    text, _ = model(tmp_path, "---\ntitle: Draft Theses on the Tasks\n---\n### Draft Theses on\n\n# The Tasks\n\n"
                              "Text.\n")
    assert words_of(body(text)) == "Text."


@pytest.mark.parametrize("source, line", [
    ("---\nlayout: narrative\ntitle: Chapter 15\nauthor:\n---\nThe text begins.\n", 4),  # Capital ch. 15
    ("---\ntitle: 一件小事\nsource: a.txt\n---\n我从乡下跑到京城里。\n", 1),  # Lu Xun: no author key at all
])
def test_a_text_naming_no_author_anywhere_is_reported(tmp_path, source, line):
    # these built books with no author on the title page and no dc:creator, silently
    text, diagnostics = model(tmp_path, source)
    assert text.metadata.authors == ()
    assert found(diagnostics, "frontmatter.author") == [("frontmatter.author", line)]
    assert "no author" in diagnostics[-1].message and "dc:creator" in diagnostics[-1].message


def test_a_text_with_an_author_or_a_byline_has_no_missing_author_warning(tmp_path):
    named, diagnostics = model(tmp_path, "---\ntitle: T\nauthor: Karl Marx\n---\nText.\n")
    assert named.metadata.authors == ("Karl Marx",) and found(diagnostics, "frontmatter.author") == []
    bylined, diagnostics = model(tmp_path, "# The Title\n\nKarl Marx\n\nText.\n")
    assert [d.message.startswith("no author in front matter; using the byline") for d in diagnostics
            if d.code == "frontmatter.author"] == [True], "one warning: the byline taken, not also 'no author'"


@pytest.mark.parametrize("title, kept, names", [
    ("% Art poétique  (Nicolas Boileau)", "Art poétique", ("Nicolas Boileau",)),  # the Boileau page's title block
    ("---\ntitle: Le Lac (Alphonse de Lamartine)\n---", "Le Lac", ("Alphonse de Lamartine",)),
])
def test_a_name_in_brackets_ending_the_title_is_the_author_when_none_is_given(tmp_path, title, kept, names):
    text, diagnostics = model(tmp_path, f"{title}\n\nLa poésie commence.\n")
    assert text.metadata.title == kept and text.metadata.authors == names
    assert found(diagnostics, "frontmatter.author") == [("frontmatter.author", 1 if title.startswith("%") else 2)]
    assert "(if that is wrong" in diagnostics[-1].message


@pytest.mark.parametrize("title", ["Capital (Volume One)", "Poems (Selected Works)", "Speech (1896)",
                                   "Notes (by the editor)", "Poems (abridged)", "Essays (Second Edition)"])
def test_brackets_ending_a_title_that_hold_no_names_stay_in_the_title(tmp_path, title):
    text, diagnostics = model(tmp_path, f"---\ntitle: {title}\n---\nText.\n")
    assert text.metadata.title == title and text.metadata.authors == ()
    assert "in brackets" not in " ".join(d.message for d in diagnostics)


def test_a_byline_when_the_front_matter_names_the_author(tmp_path):
    same, diagnostics = model(tmp_path, "---\nauthor: Karl Marx\n---\n# Capital\n\nKarl Marx\n\nText.\n")
    assert same.metadata.authors == ("Karl Marx",) and words_of(body(same)) == "Text."
    assert found(diagnostics, "frontmatter.author") == [("frontmatter.author", 6)]
    other, diagnostics = model(tmp_path, "---\nauthor: Karl Marx\n---\n# Capital\n\nFriedrich Engels\n\nText.\n")
    assert other.metadata.authors == ("Karl Marx",) and words_of(body(other)) == "Friedrich Engels Text."


# --- kramdown attribute lines ------------------------------------------------------------------------------

def test_kramdown_attribute_lines_are_never_printed(tmp_path):
    text, diagnostics = model(tmp_path, """---
title: T
---
<table><tr><td>1861</td><td>338</td></tr></table>
{: .verse}

A paragraph.
{: #kept}

Another paragraph.

{: .poetry}

{::comment}
A comment of the site's editors.
{:/comment}

Read it [again](#kept), the text{: .x} *goes*{: .y} on.
""")
    tree = body(text)
    written = words_of(tree)
    assert "{" not in written and "}" not in written and "editors" not in written
    assert [td.text for td in tree.iter("td")] == ["1861", "338"]
    assert written.endswith(" A paragraph. Another paragraph. Read it again, the text goes on.")
    target = tree.find(".//a").get("href")[1:]
    assert tree.find(f".//p[@id='{target}']") is not None, "the id stays on its paragraph: links to it work"
    assert found(diagnostics) == [("dialect.kramdown", 5), ("dialect.kramdown", 12), ("dialect.kramdown", 14),
                                  ("dialect.kramdown", 18)]


def test_the_verse_marker_never_lands_after_raw_html_or_inside_a_comment(tmp_path):
    text, diagnostics = model(tmp_path, """---
title: T
---
<!-- Number of Factories
1857
1861

United Kingdom
2,210
2,887 -->

Hence, between 1861 and 1868, 338 cotton factories disappeared.
""")
    assert words_of(body(text)) == "Hence, between 1861 and 1868, 338 cotton factories disappeared."
    assert not found(diagnostics)


def test_both_editions_leave_the_debris_out_and_pass_epubcheck(tmp_path):
    from conftest import assert_epubcheck_clean, build_into
    from octavo.validate import edition_parity
    from octavo.readback import epub_reading_text
    from pdf_reading import pdf_page_texts

    chapter = write_source(tmp_path, "chapter.md", """---
title: Chapter 15
---
* * *

[**Index -** *Capital Vol. 1*]({{ site.baseurl }}{% link cap1index.md %})

[**Next:** Chapter 16]({{ site.baseurl }}{% link _texts/ch16.md %})

* * *

<table><tr><td>1861</td><td>338</td></tr></table>
{: .verse}

Hence the factories disappeared.
""")
    russian = write_source(tmp_path, "manifest.md", RUSSIAN)
    report = build_into(tmp_path / "out", chapter, russian)
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    for name, gone in (("chapter", ["Index", "Next", "{:", "verse"]), ("manifest", ["Русский", "Оглавление"])):
        epub, pdf = tmp_path / "out" / f"{name}.epub", tmp_path / "out" / f"{name}.pdf"
        for edition in (epub_reading_text(epub), " ".join(pdf_page_texts(pdf))):
            assert not [g for g in gone if g in edition], name
        assert not edition_parity(epub, pdf).missing, name
    assert_epubcheck_clean(tmp_path / "out" / "chapter.epub", tmp_path / "out" / "manifest.epub")


def test_a_kramdown_id_under_a_heading_stays_its_id(tmp_path):
    text, diagnostics = model(tmp_path, "---\ntitle: T\n---\n## Heading\n{: #hid .big}\n\nText [to it](#hid).\n")
    assert text.sections[0].id == "x-hid" and "{" not in words_of(body(text))
    assert found(diagnostics) == [("dialect.kramdown", 5)] and "its id 'hid' stays" in diagnostics[0].message


NOTE_WITH_POEM = """---
title: T
author: K. Marx
---
Text with a note.[^1]

[^1]:

    I give below the translation of this poem.

    > - First line of verse,
    > - 2. Second line of verse,
    > - Third line.
    {:.poetry}

    (Gedichte, 1782.)
"""


@pytest.mark.parametrize("mark", ["{:.poetry}", "{: .poem}", "{:.verse}"])
def test_a_list_marked_as_poetry_in_a_note_is_set_as_verse_not_as_a_list(tmp_path, mark):
    # Capital ch. 15, note 74: Stolberg's poem, its lines written as list items with kramdown's
    # {:.poetry} under them, was printed as a bulleted list and the attribute reported as dropped
    text, diagnostics = model(tmp_path, NOTE_WITH_POEM.replace("{:.poetry}", mark))
    note = etree.fromstring(f"<div>{note_xhtml(text.notes[0])}</div>")
    assert note.find(".//li") is None and note.find(".//ul") is None
    verse = note.findall(".//blockquote//p")  # in the poem's box (xhtml.poem_spans)
    assert len(verse) == 1 and "verse" in verse[0].get("class", "").split()
    assert len(verse[0].findall("br")) == 2, "one line of the poem per line"
    assert words_of(verse[0]) == "First line of verse, 2. Second line of verse, Third line."
    assert words_of(note).endswith("(Gedichte, 1782.) ↩︎")
    assert found(diagnostics) == [], "the attribute list is applied, not dropped"


def test_a_poetry_mark_under_code_or_an_ordinary_list_is_not_verse(tmp_path):
    text, diagnostics = model(tmp_path, "---\ntitle: T\n---\n- a list\n- kept\n{: .lead}\n\n```\n- code\n{:.poetry}\n```\n")
    tree = body(text)
    assert len(tree.findall(".//li")) == 2 and tree.find(".//p[@class='verse']") is None
    assert "{:.poetry}" in tree.find(".//pre").xpath("string()")
    assert found(diagnostics) == [("dialect.kramdown", 6)]


BOILEAU = """% Art poétique  (Nicolas Boileau)

# Chant I

```
""" + "C'est en vain qu'au Parnasse un téméraire auteur\nPense de l'art des vers atteindre la hauteur :\n\n" * 10 + """\
Read more at http://www.poesie-francaise.fr/nicolas-boileau/poeme-l-art-poetique-chant-I.php#fOdXgR4XbPmzmry1.99
```

# Chant II

Telle qu'une bergère, au plus beau jour de fête,

Lire la suite sur <https://example.org/chant-2.php>

Read more at the library of the Institut.

    Read more at http://example.org/code.php
"""


def test_a_copy_trackers_read_more_line_is_removed_and_its_address_is_the_source(tmp_path):
    # Boileau: "Read more at http://...#fOdXgR4XbPmzmry1.99" was printed at the end of each chant
    text, diagnostics = model(tmp_path, BOILEAU)
    words = words_of(body(text))
    assert "poesie-francaise" not in words and "Lire la suite" not in words
    assert "Read more at the library of the Institut." in words, "a sentence with no address is text"
    assert "Read more at http://example.org/code.php" in words, "code is never debris"
    assert found(diagnostics, "dialect.read-more") == [("dialect.read-more", 36), ("dialect.read-more", 43)]
    assert text.metadata.source_url == "http://www.poesie-francaise.fr/nicolas-boileau/poeme-l-art-poetique-chant-I.php"
    kept, _ = model(tmp_path, "---\ntitle: T\nsource: https://example.org/mine.htm\n---\n" + BOILEAU.split("\n", 1)[1])
    assert kept.metadata.source_url == "https://example.org/mine.htm", "the front matter's source wins"
