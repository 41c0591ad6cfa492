"""The other dialects of the corpus, case by case: Pandoc's Markdown as marxists.org converts it,
heading-style metadata, verse, language, images and links. Small inline sources, model-level checks."""
from __future__ import annotations

import re

from lxml import etree

from conftest import body_xhtml, heading_xhtml, load, note_xhtml, write_source


def model(tmp_path, text: str, name: str = "case.md"):
    """(Text, diagnostics) for a source written exactly as ``text``."""
    return load(write_source(tmp_path, name, text))


def body(text) -> etree._Element:
    return etree.fromstring("<div>" + "".join(body_xhtml(s) for s in text.sections if s.kind != "notes") + "</div>")


def everything(text) -> etree._Element:
    """Headings and bodies of all sections but the notes, in order."""
    return etree.fromstring("<div>" + "".join(
        (f"<h2 id='{s.id}'>{heading_xhtml(s)}</h2>" if s.heading else "") + body_xhtml(s)
        for s in text.sections if s.kind != "notes") + "</div>")


def words_of(el) -> str:
    """The text, runs of spaces and line breaks collapsed (no-break spaces are kept)."""
    return re.sub(r"[ \t\n]+", " ", "".join(el.itertext())).strip()


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


MIA = "---\nlayout: default\ntitle: \n---\n"


# --- Pandoc attributes, spans, divs, grid tables -------------------------------------------------

def test_pandoc_attributes_never_show_and_ids_stay_link_targets(tmp_path):
    text, diagnostics = model(tmp_path, MIA + """
Read at [MIA](https://www.marxists.org/index.htm){#top}, in the
[Archive](https://www.marxists.org/archive/index.htm){target="new"}.

# The Title {#title .big}

Marked up by [Einde
O'Callaghan](https://www.marxists.org/admin/eoc.htm){target="new"
class="x"} for the archive; ![A picture](pic.jpg){align="left"
border="1" hspace="10"} here.

Read it [again](#top).
""")
    tree = body(text)
    written = words_of(tree)
    for residue in ("{", "}", "target=", "align=", "hspace"):
        assert residue not in written
    top = tree.find(".//a[.='again']")
    target = top.get("href")[1:]
    assert tree.find(f".//*[@id='{target}']").text == "MIA", "the {#top} id still receives the link"
    assert "Marked up by Einde O’Callaghan for the archive;" in written


def test_bracketed_spans_keep_their_text_and_lose_brackets_and_attributes(tmp_path):
    text, _ = model(tmp_path, MIA + """
[Source]{.info}: *Marxism and Philosophy*, 1970;\\
[Written:]{.info style="text-indent: 0%"} 5 June, 1920

# On *l'Humanité*, [the Central Organ of the French Party]{.small}

Words in [nested [brackets] here]{.x} and \\[editorial\\] ones, {braces} and {1, 2} stay.
""")
    written = words_of(body(text))
    # the archive's header block goes to the credits (issue 19), its spans' text intact
    assert text.metadata.archive == (("Source", "Marxism and Philosophy, 1970;"), ("Written", "5 June, 1920"))
    assert "Source" not in written
    assert text.metadata.title == "On l’Humanité, the Central Organ of the French Party"
    assert "nested [brackets] here and [editorial] ones, {braces} and {1, 2} stay." in written


def test_fenced_div_markers_do_not_show_but_their_content_does(tmp_path):
    text, _ = model(tmp_path, MIA + """
> Alexandra Kollontai 1920
>
> ::: border
> ### International Women's Day
>
> The text of the speech.
> :::
""")
    tree = body(text)
    assert ":::" not in words_of(tree) and "border" not in words_of(tree)
    assert "The text of the speech." in words_of(tree)
    assert text.metadata.title == "International Women’s Day"


def test_grid_table_cells_are_set_one_after_another(tmp_path):
    text, _ = model(tmp_path, MIA + """
# Selected Writers

+-----------------------------------+-----------------------------------+
| **Karl Marx** (1818-1883)\\        | **Paul Lafargue** (1841-1911)\\    |
| Founder of Marxist practice.      | French socialist, married to      |
|                                   | Laura Marx.                       |
+-----------------------------------+-----------------------------------+
| Rosa Luxemburg                    |                                   |
+-----------------------------------+-----------------------------------+
""")
    tree = body(text)
    written = words_of(tree)
    assert "+---" not in written and "|" not in written
    assert [words_of(p) for p in tree.iter("p")] == [
        "Karl Marx (1818-1883) Founder of Marxist practice.",
        "Paul Lafargue (1841-1911) French socialist, married to Laura Marx.",
        "Rosa Luxemburg",
    ]
    assert tree.find(".//p/br") is not None, "hard breaks inside a cell survive"


# --- notes as link pairs ------------------------------------------------------------------------------

def test_link_pair_notes_become_linked_notes_in_every_marxists_org_form(tmp_path):
    text, diagnostics = model(tmp_path, MIA + """
## For The Congress[^\\[1\\]^](#fw01){#bk01}

DEAR COMRADE [[\\[2\\]](#n2){#f2}]{.note}, in accordance with your desire.
The great February revolution broke out.^[\\[3\\]](#n3)^ It was so.

### Notes

[\\[1\\]](#bk01){#fw01} Notes to the theses, written in June.

[2.](#f2){#n2} This letter was addressed to Lucie Leiciague
-- member of the Central Committee.

[[3.]{.info}]{#n3} The revolution of
February 1917.

[Top of the page](#top)
""")
    notes = text.notes
    assert [n.number for n in notes] == [1, 2, 3]
    bodies = [words_of(etree.fromstring(f"<div>{note_xhtml(n)}</div>")) for n in notes]
    assert bodies[0].startswith("Notes to the theses, written in June.")
    assert bodies[1].startswith("This letter was addressed to Lucie Leiciague — member of the Central Committee.")
    assert bodies[2].startswith("The revolution of February 1917.")
    tree = everything(text)
    refs = tree.findall(".//a[@role='doc-noteref']")
    assert [a.text for a in refs] == ["1", "2", "3"]
    assert all(a.get("href") == f"#{n.id}" for a, n in zip(refs, notes))
    assert tree.find(".//h2").find("a[@role='doc-noteref']") is not None, "a reference in a heading works too"
    written = words_of(tree)
    assert "\\[" not in written and "[2]" not in written and "^" not in written
    assert "DEAR COMRADE 2, in accordance" in written
    assert [s.kind for s in text.sections].count("notes") == 1
    assert "notes.unpaired" not in codes(diagnostics)


def test_link_pair_notes_inside_a_blockquote(tmp_path):
    text, _ = model(tmp_path, MIA + """
# Women's Day

> International Women's Day: ^[\\[5\\]](#n5)^ they carried banners.
>
> [ []{#n5} 5.]{.info} The first Women's Day was held
> in 1911.
>
> [Kollontai Archive](https://www.marxists.org/archive/kollonta/index.htm)
""")
    assert len(text.notes) == 1
    assert words_of(etree.fromstring(f"<div>{note_xhtml(text.notes[0])}</div>")).startswith(
        "The first Women’s Day was held in 1911.")
    quote = body(text).find(".//blockquote")
    assert "they carried banners." in words_of(quote) and "Kollontai Archive" in words_of(quote)
    assert "1911" not in words_of(quote)


def test_html_sup_and_anchor_notes_are_paired_too(tmp_path):
    text, diagnostics = model(tmp_path, """---
title: T
---
Text<sup><a href="#n1">1</a></sup> and [<sup>2</sup>](#n2), <a href="#n3"><sup>[3]</sup></a> and <sup>[4](#n4)</sup>.

<a name="n1"></a>1. First note.

<a id="n2">2.</a> Second note.

<a name="n3"></a>3) Third note.

<a id="n4"></a>[4] Fourth note.
""")
    refs = body(text).findall(".//a[@role='doc-noteref']")
    assert [a.text for a in refs] == ["1", "2", "3", "4"]
    assert [words_of(etree.fromstring(f"<div>{note_xhtml(n)}</div>")).rstrip(" \u21a9\ufe0e") for n in text.notes] == [
        "First note.", "Second note.", "Third note.", "Fourth note."]
    assert words_of(body(text)) == "Text1 and 2, 3 and 4."
    assert not [d for d in diagnostics if d.code.startswith("notes.")]


def test_a_note_reference_whose_note_is_missing_stays_visible_with_a_warning(tmp_path):
    text, diagnostics = model(tmp_path, MIA + "# Letter\n\nAs the Congress said [\\[7\\]](#n7){#f7} we go on.\n")
    assert "As the Congress said [7] we go on." in words_of(body(text))
    unpaired = [d for d in diagnostics if d.code == "notes.unpaired"]
    assert len(unpaired) == 1 and unpaired[0].location.line == 7 and "#n7" in unpaired[0].message
    assert not text.notes


# --- metadata written in the body ------------------------------------------------------------------------

def test_heading_style_metadata_fills_title_author_and_date(tmp_path):
    text, diagnostics = model(tmp_path, """# Title: The Communist Manifesto

## Author: Karl Marx & Friedrich Engels

## Year: 1848

-------
A spectre is haunting Europe.
""")
    meta = text.metadata
    assert (meta.title, meta.authors, meta.date) == ("The Communist Manifesto", ("Karl Marx", "Friedrich Engels"), "1848")
    assert words_of(body(text)) == "A spectre is haunting Europe."
    assert "frontmatter.title" not in codes(diagnostics)
    assert [s.kind for s in text.sections] == ["opening"]


def test_pandoc_title_block_gives_the_title(tmp_path):
    text, _ = model(tmp_path, "% Art poétique  (Nicolas Boileau)\n\n# Chant I\n\nC'est en vain.\n")
    assert text.metadata.title == "Art poétique", "the name in brackets is the author (test_debris.py)"
    assert "Art poétique" not in words_of(body(text))


def test_missing_title_falls_back_to_first_real_top_heading_then_file_name(tmp_path):
    text, diagnostics = model(tmp_path, MIA + "> ## \\* \\* \\*\n>\n> ### International Women's Day\n>\n> Text.\n")
    assert text.metadata.title == "International Women’s Day"
    assert any(d.code == "frontmatter.title" and "first heading" in d.message for d in diagnostics)
    text, diagnostics = model(tmp_path, "I.\n\nFrom fairest creatures we desire increase,\n", name="sonnets.md")
    assert text.metadata.title == "Sonnets"
    assert any(d.code == "frontmatter.title" and "file name" in d.message for d in diagnostics)


# --- language ------------------------------------------------------------------------------------------

GERMAN = ("Die Geschichte aller bisherigen Gesellschaft ist die Geschichte von Klassenkämpfen. "
          "Der \"wahre\" Sozialismus ist nicht mit der Bourgeoisie und den Proletariern auf einer Linie, "
          "und das ist eine Sache, die sich mit dem Kampf der Klassen auf die Geschichte bezieht. ") * 3
RUSSIAN = ("История всех до сих пор существовавших обществ была историей борьбы классов. "
           "Так называемый \"истинный\" социализм. ") * 3
FRENCH = ("Le lièvre et la tortue : rien ne sert de courir, il faut partir à point. "
          "Il dit \"Pourquoi m'aimeraient-ils ?\" et la tortue est dans le pré, que le lièvre ne voit pas. ") * 3
CHINESE = "我从乡下跑到京城里，一转眼已经六年了。“我摔坏了。”<br>\n这是一件小事。"


def test_language_without_front_matter_is_guessed_reported_and_quotes_follow_it(tmp_path):
    cases = {"de": (GERMAN, "\u201ewahre\u201c"), "ru": (RUSSIAN, "\u00abистинный\u00bb"),
             "fr": (FRENCH, "\u00ab\u202fPourquoi m\u2019aimeraient-ils ?\u202f\u00bb"), "zh": (CHINESE, "\u201c我摔坏了。\u201d")}
    for language, (sample, quoted) in cases.items():
        text, diagnostics = model(tmp_path, "---\ntitle: T\n---\n" + sample + "\n", name=f"{language}.md")
        assert text.metadata.language == language
        assert quoted in words_of(body(text))
        guessed = [d for d in diagnostics if d.code == "frontmatter.language"]
        assert len(guessed) == 1 and f"language: {language}" in guessed[0].message


def test_front_matter_language_wins_and_english_needs_no_warning(tmp_path):
    text, diagnostics = model(tmp_path, "---\ntitle: T\nlanguage: en\n---\n" + GERMAN)
    assert text.metadata.language == "en" and "frontmatter.language" not in codes(diagnostics)
    text, diagnostics = model(tmp_path, "---\ntitle: T\n---\nThe history of all hitherto existing society.\n",
                              name="en.md")
    assert text.metadata.language == "en" and "frontmatter.language" not in codes(diagnostics)


# --- verse and line breaks -------------------------------------------------------------------------------

def test_short_lines_are_verse_and_keep_their_breaks_but_wrapped_prose_flows(tmp_path):
    text, _ = model(tmp_path, """---
title: T
---
I'm nobody! Who are you?
Are you nobody, too?
Then there's a pair of us -- don't tell!

Making a famine where abundance lies,
Thyself thy foe, to thy sweet self too cruel.
\tPity the world, or else this glutton be,
\tTo eat the world's due, by the grave and thee.

This fundamental contradiction contains the germ of all the
contradictions in present-day society, and the critics know it.
""")
    paragraphs = list(body(text).iter("p"))
    assert [len(p.findall("br")) for p in paragraphs] == [2, 3, 0]
    assert [(p.get("class") or "").split()[:1] for p in paragraphs] == [["verse"], ["verse"], []], \
        "stanzas are styled as verse"


def test_explicit_hard_breaks_survive(tmp_path):
    text, _ = model(tmp_path, "---\ntitle: T\n---\nWHEREAS:\\\nIt has been found, and is a matter of everyday experience, that within\n"
                              "the shores of Ireland poverty reigns.  \nSecond line.<br>Third.\n")
    p = body(text).find("p")
    assert len(p.findall("br")) == 3
    assert words_of(p) == "WHEREAS: It has been found, and is a matter of everyday experience, that within the shores of " \
                          "Ireland poverty reigns. Second line.Third."


def test_verse_fenced_as_code_is_set_as_verse_but_code_stays_code(tmp_path):
    text, _ = model(tmp_path, """---
title: T
language: fr
---
```
C'est en vain qu'au Parnasse un téméraire auteur
Pense de l'art des vers atteindre la hauteur.

- Ô vous donc qui, brûlant d'une ardeur périlleuse,
Courez du bel esprit la carrière épineuse,
```

```
def f(x): return {x: 1}
```
""")
    tree = body(text)
    stanzas = tree.findall("div[@class='poem']/div[@class='poem-box']/p")  # the poem in its box (xhtml.poem_spans)
    assert [len(p.findall("br")) for p in stanzas] == [1, 1]
    assert all("verse" in p.get("class").split() for p in stanzas)
    assert words_of(stanzas[0]).startswith("C\u2019est en vain qu\u2019au Parnasse")
    assert words_of(stanzas[1]).startswith("- Ô vous donc"), "a line starting with a dash is no list item"
    assert tree.find("ul") is None
    assert tree.find("pre/code").text == "def f(x): return {x: 1}\n"


# --- images and links ---------------------------------------------------------------------------------------

def test_images_that_are_not_in_the_book_become_their_alt_text_with_a_warning(tmp_path):
    text, diagnostics = model(tmp_path, MIA + """
# Women's Day

![Alexandra
Kollontai](../../../glossary/people/k/pics/kollontai-alexandra.jpg){align="left"
border="1"} spoke.

![](../../works/return2.jpg)
""")
    tree = body(text)
    assert tree.find(".//img") is None
    assert "[Alexandra Kollontai] spoke." in words_of(tree)
    missing = [d for d in diagnostics if d.code == "images.missing"]
    assert len(missing) == 2 and missing[0].location.line == 8, "the line the image starts on"
    assert "kollontai-alexandra.jpg" in missing[0].message and "left out" in missing[1].message


def test_links_to_headings_by_their_text_reach_the_heading(tmp_path):
    text, diagnostics = model(tmp_path, """---
title: T
---
* [Chant I](#chant-i)
* [L'hirondelle (Sophie 1840)](#L''hirondelle (Sophie 1840))

# Chant I

Text.

# L'hirondelle (Sophie 1840)

Poem.
""")
    tree = everything(text)
    links = tree.findall(".//li/a")
    assert [words_of(tree.find(f".//*[@id='{a.get('href')[1:]}']")) for a in links] == [
        "Chant I", "L’hirondelle (Sophie 1840)"]
    assert "links.broken" not in codes(diagnostics)


def test_relative_archive_links_become_absolute_or_plain_text_with_a_warning(tmp_path):
    source = "[Lenin Works Archive](../../index.htm) and [Preface](/preindex)\n"
    text, diagnostics = model(tmp_path, "---\ntitle: T\noriginalSource: https://www.marxists.org/archive/lenin/works/1920/jun/05.htm\n---\n"
                              + source)
    hrefs = [a.get("href") for a in body(text).iter("a")]
    assert hrefs == ["https://www.marxists.org/archive/lenin/works/index.htm", "https://www.marxists.org/preindex"]
    assert "links.outside" not in codes(diagnostics)
    text, diagnostics = model(tmp_path, "---\ntitle: T\n---\n" + source, name="nobase.md")
    assert body(text).find(".//a") is None
    assert words_of(body(text)) == "Lenin Works Archive and Preface"
    assert codes(diagnostics).count("links.outside") == 2


def test_archive_page_header_above_the_title_heading_gives_the_author_and_its_links_go(tmp_path):
    text, diagnostics = model(tmp_path, MIA + """
[MIA](https://www.marxists.org/index.htm)  \\>  [Archive](https://www.marxists.org/archive/index.htm)

## James Connolly

# An Open Letter to Dublin Castle

MY LORDS AND GENTLEMEN, -- To-day you occupy the seat of power.
""")
    assert text.metadata.title == "An Open Letter to Dublin Castle"
    assert text.metadata.authors == ("James Connolly",)
    assert [e.title for e in text.toc()] == ["An Open Letter to Dublin Castle"]
    assert [(d.code, d.location.line) for d in diagnostics if d.code.startswith(("dialect.", "frontmatter."))] == [
        ("dialect.navigation", 6), ("frontmatter.title", 10), ("frontmatter.author", 8)]
    written = words_of(body(text))
    assert written == "MY LORDS AND GENTLEMEN, — To-day you occupy the seat of power."


def test_site_template_tags_are_removed_with_a_warning_and_other_braces_stay(tmp_path):
    text, diagnostics = model(tmp_path, """---
title: T
---
See [Chapter 2 - Exchange]({{ site.baseurl }}{% link _texts/ch02.md %}) for more.

{% include footer.html %}The title is {{ page.title }} and the set {a, b} stays, as does {{ x }}.
""")
    written = words_of(body(text))
    assert written == "See Chapter 2 - Exchange for more. The title is and the set {a, b} stays, as does {{ x }}."
    liquid = [d for d in diagnostics if d.code == "dialect.liquid"]
    assert [d.location.line for d in liquid] == [4, 4, 6, 6]
    assert body(text).find(".//a") is None


def test_metadata_headings_stay_text_when_front_matter_already_gives_the_fields(tmp_path):
    text, _ = model(tmp_path, "---\ntitle: The Manifesto\n---\n# Title: The Communist Manifesto\n\nA spectre.\n")
    assert text.metadata.title == "The Manifesto"
    assert "Title: The Communist Manifesto" in words_of(everything(text))


# --- raw HTML and markers where no link can go -------------------------------------------------------------

def test_raw_html_blocks_inside_text_elements_are_unwrapped_to_valid_xhtml(tmp_path):
    text, _ = model(tmp_path, """---
title: T
---
A figure<sup><p>1</p></sup> and <a href="https://example.org/a">a <a href="https://example.org/b">nested</a> link</a>.

<table><tr><td>642,607<sup><b>i</b></sup></td></tr></table>

<ul><li>first</li><span>stray</span></ul>
""")
    tree = body(text)
    assert [c.tag for c in tree.find(".//ul")] == ["li"] and "stray" in words_of(tree.find(".//ul"))
    assert tree.find(".//sup/p") is None and tree.find(".//a//a") is None
    assert "A figure1 and a nested link." in words_of(tree)
    assert tree.find(".//td/sup/b").text == "i", "well-nested raw HTML is kept as written"


def test_a_note_marker_inside_code_stays_as_written_and_the_note_is_unreferenced(tmp_path):
    text, diagnostics = model(tmp_path, """---
title: T
---
Write `text[^1]` for a note; here is one.[^1]

And `[^2]` is only an example.

[^1]: The note.

[^2]: Never referenced.
""")
    tree = body(text)
    assert [c.text for c in tree.iter("code")] == ["text[^1]", "[^2]"]
    assert [a.text for a in tree.findall(".//a[@role='doc-noteref']")] == ["1"]
    assert [len(n.refs) for n in text.notes] == [1, 0]
    assert [d.code for d in diagnostics if d.code.startswith("notes.")] == ["notes.unreferenced"]
